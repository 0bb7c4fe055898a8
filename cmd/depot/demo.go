package main

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"io"
	"math/big"
	mrand "math/rand/v2"

	"depot/app"
	"depot/app/sqlite"
)

// seedDemo fills an empty database with a small warehouse: one site with a
// dock, a packing area and two aisles of bins; products with variants, some
// tracked by lot; stock received, put away and partly shipped, every unit
// through the ledger. It creates an owner account and an API token and
// prints both to w once. A database that already has users is left alone.
func seedDemo(ctx context.Context, db *sqlite.DB, w io.Writer) error {
	if n, err := db.CountUsers(ctx); err != nil || n > 0 {
		return err
	}
	password := randomWords()
	if _, err := db.AddUser(ctx, "owner", app.Owner, password); err != nil {
		return err
	}
	token, err := db.CreateToken(ctx, "owner", "demo")
	if err != nil {
		return err
	}
	locs := []app.NewLocation{
		{Code: "WH1", Name: "Main warehouse", Kind: app.KindSite},
		{Code: "DOCK", Name: "Receiving dock", Kind: app.KindDock, Parent: "WH1"},
		{Code: "PACK", Name: "Packing area", Kind: app.KindStaging, Parent: "WH1", WalkSeq: 1},
		{Code: "A", Name: "Aisle A", Kind: app.KindAisle, Parent: "WH1"},
		{Code: "B", Name: "Aisle B (chilled)", Kind: app.KindAisle, Parent: "WH1", Attributes: []byte(`{"temperature":"chilled"}`)},
	}
	var bins []string
	for _, aisle := range []string{"A", "B"} {
		for i := 1; i <= 12; i++ {
			code := fmt.Sprintf("%s-%02d", aisle, i)
			bins = append(bins, code)
			locs = append(locs, app.NewLocation{Code: code, Kind: app.KindBin, Parent: aisle, WalkSeq: int64(len(bins) * 10)})
		}
	}
	for _, l := range locs {
		if _, err := db.CreateLocation(ctx, l); err != nil {
			return fmt.Errorf("demo location %s: %w", l.Code, err)
		}
	}
	type item struct {
		name, category string
		lots           bool
		weightMg, cost int64
		variants       []string
	}
	items := []item{
		{"Cotton T-shirt", "Apparel", false, 180_000, 450, []string{"TS-S", "TS-M", "TS-L"}},
		{"Hoodie", "Apparel", false, 520_000, 1900, []string{"HD-M", "HD-L"}},
		{"Espresso beans 1 kg", "Coffee", true, 1_020_000, 1150, []string{"COF-ESP-1K"}},
		{"Filter coffee 250 g", "Coffee", true, 260_000, 390, []string{"COF-FIL-250"}},
		{"Oat milk 1 l", "Chilled", true, 1_050_000, 120, []string{"OAT-1L"}},
		{"Steel water bottle", "Kitchen", false, 310_000, 780, []string{"BOT-500-BLK", "BOT-500-WHT"}},
		{"Ceramic mug", "Kitchen", false, 350_000, 290, []string{"MUG-WHT", "MUG-BLU"}},
		{"Packing tape", "Supplies", false, 120_000, 95, []string{"TAPE-48"}},
	}
	rng := mrand.New(mrand.NewPCG(1, 2))
	gtin := int64(950600013400)
	key := 0
	post := func(cmd app.PostMovement) error {
		key++
		cmd.IdempotencyKey = fmt.Sprintf("demo-%d", key)
		_, _, err := db.PostMovement(ctx, cmd)
		return err
	}
	for _, it := range items {
		p := app.NewProduct{Name: it.name, Category: it.category}
		for _, sku := range it.variants {
			gtin++
			g := fmt.Sprintf("%012d", gtin)
			g += string(app.GS1CheckDigit(g))
			p.Variants = append(p.Variants, app.NewVariant{SKU: sku, GTIN: g, UnitWeightMg: it.weightMg,
				UnitCostMinor: it.cost, TrackLots: it.lots,
				Packagings: []app.Packaging{{Name: "case of 12", Qty: 12, Barcode: "CASE-" + sku}}})
		}
		if _, err := db.CreateProduct(ctx, p); err != nil {
			return fmt.Errorf("demo product %s: %w", it.name, err)
		}
		for _, sku := range it.variants {
			var lot *app.LotRef
			if it.lots {
				lot = &app.LotRef{Code: fmt.Sprintf("L%04d", rng.IntN(10000)), ExpiresOn: "2027-06-30"}
			}
			qty := int64(24 + rng.IntN(10)*12)
			ref := &app.Reference{Type: "purchase_order", ID: fmt.Sprintf("PO-%d", 1000+key)}
			if err := post(app.PostMovement{Kind: app.Receive, Reference: ref,
				Lines: []app.MovementLine{{SKU: sku, Qty: qty, To: "DOCK", Lot: lot}}}); err != nil {
				return err
			}
			bin := bins[rng.IntN(len(bins))]
			if err := post(app.PostMovement{Kind: app.Move,
				Lines: []app.MovementLine{{SKU: sku, Qty: qty - 6, From: "DOCK", To: bin, Lot: lot}}}); err != nil {
				return err
			}
			if err := post(app.PostMovement{Kind: app.Ship, Reference: &app.Reference{Type: "sales_order", ID: fmt.Sprintf("SO-%d", 5000+key)},
				Lines: []app.MovementLine{{SKU: sku, Qty: int64(1 + rng.IntN(5)), From: bin, Lot: lot}}}); err != nil {
				return err
			}
		}
	}
	fmt.Fprintf(w, "\nDemo warehouse created. Sign in as owner with password:\n  %s\nAPI token (for curl -H 'Authorization: Bearer ...'):\n  %s\nThese are shown once.\n\n", password, token)
	return nil
}

// randomWords returns a readable random password.
func randomWords() string {
	b := make([]byte, 10)
	rand.Read(b)
	s := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)
	n, _ := rand.Int(rand.Reader, big.NewInt(90))
	return fmt.Sprintf("%s-%s-%d", s[:8], s[8:], 10+n.Int64())
}
