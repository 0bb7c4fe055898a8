package main

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"io"
	"math/big"
	mrand "math/rand/v2"
	"sync"
	"time"

	"depot/app"
	"depot/app/sqlite"
)

// demoZone is one zone of the demo warehouse: aisles of bins.
type demoZone struct {
	code, name, temperature string
	aisles, binsPerAisle    int
}

var demoZones = []demoZone{
	{"A", "Ambient", "ambient", 4, 30},
	{"C", "Chilled", "chilled", 2, 25},
	{"B", "Bulk", "ambient", 3, 20},
}

// demoItem is a product line of the demo catalog: a name, a category, the
// variants' attribute values, and whether its stock is tracked by lot.
type demoItem struct {
	name, category, prefix string
	lots                   bool
	zone                   string
	weightMg, cost         int64
	options                []string
}

var demoItems = func() []demoItem {
	sizes := []string{"XS", "S", "M", "L", "XL", "XXL"}
	colours := []string{"BLK", "WHT", "NVY", "RED", "GRN"}
	var items []demoItem
	for _, a := range []struct {
		name, prefix string
		weight, cost int64
	}{{"Cotton T-shirt", "TS", 180_000, 450}, {"Hoodie", "HD", 520_000, 1900}, {"Polo shirt", "PL", 230_000, 990},
		{"Work trousers", "WT", 610_000, 2450}, {"Fleece jacket", "FJ", 700_000, 3100},
		{"Rain jacket", "RJ", 540_000, 2800}, {"Wool socks", "SK", 90_000, 350}} {
		for _, c := range colours {
			items = append(items, demoItem{a.name + " " + c, "Apparel", a.prefix + "-" + c, false, "A", a.weight, a.cost, sizes})
		}
	}
	for _, f := range []struct {
		name, prefix, zone string
		weight, cost       int64
		packs              []string
	}{
		{"Espresso beans", "COF-ESP", "A", 1_020_000, 1150, []string{"250G", "500G", "1K"}},
		{"Filter coffee", "COF-FIL", "A", 260_000, 390, []string{"250G", "500G", "1K"}},
		{"Green tea", "TEA-GRN", "A", 110_000, 420, []string{"20B", "50B", "100B"}},
		{"Oat milk", "OAT", "C", 1_050_000, 120, []string{"1L", "6X1L"}},
		{"Greek yoghurt", "YOG", "C", 520_000, 180, []string{"500G", "1K"}},
		{"Fresh pasta", "PAS", "C", 260_000, 240, []string{"TAG", "PEN", "RAV"}},
		{"Cheddar", "CHD", "C", 400_000, 310, []string{"200G", "400G", "1K"}},
		{"Butter", "BUT", "C", 250_000, 210, []string{"250G", "500G"}},
		{"Orange juice", "OJ", "C", 1_050_000, 150, []string{"1L", "2L", "6X1L"}},
		{"Olive oil", "OIL", "B", 950_000, 890, []string{"500ML", "1L", "5L"}},
		{"Basmati rice", "RICE", "B", 5_000_000, 650, []string{"1K", "5K", "10K"}},
	} {
		items = append(items, demoItem{f.name, "Food", f.prefix, true, f.zone, f.weight, f.cost, f.packs})
	}
	for _, k := range []struct {
		name, prefix string
		weight, cost int64
	}{{"Ceramic mug", "MUG", 350_000, 290}, {"Steel bottle", "BOT", 310_000, 780}, {"Glass jar", "JAR", 420_000, 240}} {
		items = append(items, demoItem{k.name, "Kitchen", k.prefix, false, "B", k.weight, k.cost, colours})
	}
	items = append(items, demoItem{"Packing tape", "Supplies", "TAPE", false, "B", 120_000, 95, []string{"48", "72"}},
		demoItem{"Shipping box", "Supplies", "BOX", false, "B", 200_000, 60, []string{"S", "M", "L", "XL"}})
	return items
}()

// seedDemo fills an empty database with a demo warehouse: a site with a
// dock, a packing area and three zones (ambient, chilled, bulk) of a few
// hundred bins; a few hundred variants, the food ones tracked by lot; stock
// received, put away, shipped, adjusted and counted, every unit through the
// ledger. It creates an owner account and an API token and prints both to w
// once. A database that already has users is left alone.
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
	binsByZone, err := demoLocations(ctx, db)
	if err != nil {
		return err
	}
	type plan struct {
		sku  string
		item demoItem
	}
	var plans []plan
	gtin := int64(950600013400)
	for _, it := range demoItems {
		p := app.NewProduct{Name: it.name, Category: it.category}
		for _, o := range it.options {
			gtin++
			g := fmt.Sprintf("%012d", gtin)
			g += string(app.GS1CheckDigit(g))
			sku := it.prefix + "-" + o
			p.Variants = append(p.Variants, app.NewVariant{SKU: sku, GTIN: g, UnitWeightMg: it.weightMg,
				UnitCostMinor: it.cost, TrackLots: it.lots, Attributes: []byte(fmt.Sprintf(`{"option":%q}`, o)),
				Packagings: []app.Packaging{{Name: "case of 12", Qty: 12, Barcode: "CASE-" + sku}}})
			plans = append(plans, plan{sku, it})
		}
		if _, err := db.CreateProduct(ctx, p); err != nil {
			return fmt.Errorf("demo product %s: %w", it.name, err)
		}
	}
	// Each variant's story runs on its own; several at once let the
	// writer commit them in groups.
	jobs := make(chan int)
	errs := make(chan error, len(plans))
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				p := plans[i]
				errs <- demoStory(ctx, db, i, p.sku, p.item, binsByZone[p.item.zone])
			}
		}()
	}
	for i := range plans {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	if err := demoPutaway(ctx, db, binsByZone); err != nil {
		return err
	}
	if err := seedPurchasingDemo(ctx, db, time.Now()); err != nil {
		return err
	}
	if err := demoPacking(ctx, db); err != nil {
		return err
	}
	if err := demoOrders(ctx, db); err != nil {
		return err
	}
	if err := demoReturns(ctx, db); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nDemo warehouse created: %d variants in %d bins. Sign in as owner with password:\n  %s\nAPI token (for curl -H 'Authorization: Bearer ...'):\n  %s\nThese are shown once.\n\n",
		len(plans), countBins(binsByZone), password, token)
	return nil
}

// demoLocations makes the site, its dock and packing area, and the zones'
// aisles and bins; it returns the bin codes of each zone.
func demoLocations(ctx context.Context, db *sqlite.DB) (map[string][]string, error) {
	locs := []app.NewLocation{
		{Code: "WH1", Name: "Main warehouse", Kind: app.KindSite},
		{Code: "DOCK", Name: "Receiving dock", Kind: app.KindDock, Parent: "WH1"},
		{Code: "PACK", Name: "Packing area", Kind: app.KindStaging, Parent: "WH1", WalkSeq: 1},
	}
	bins := map[string][]string{}
	seq := int64(10)
	for _, z := range demoZones {
		locs = append(locs, app.NewLocation{Code: "Z-" + z.code, Name: z.name, Kind: app.KindZone, Parent: "WH1",
			Attributes: []byte(fmt.Sprintf(`{"temperature":%q}`, z.temperature))})
		for a := 1; a <= z.aisles; a++ {
			aisle := fmt.Sprintf("%s%d", z.code, a)
			locs = append(locs, app.NewLocation{Code: aisle, Name: fmt.Sprintf("Aisle %s", aisle), Kind: app.KindAisle, Parent: "Z-" + z.code})
			for b := 1; b <= z.binsPerAisle; b++ {
				code := fmt.Sprintf("%s-%02d", aisle, b)
				seq += 10
				bins[z.code] = append(bins[z.code], code)
				locs = append(locs, app.NewLocation{Code: code, Kind: app.KindBin, Parent: aisle, WalkSeq: seq})
			}
		}
	}
	for _, l := range locs {
		if _, err := db.CreateLocation(ctx, l); err != nil {
			return nil, fmt.Errorf("demo location %s: %w", l.Code, err)
		}
	}
	return bins, nil
}

func countBins(m map[string][]string) int {
	n := 0
	for _, b := range m {
		n += len(b)
	}
	return n
}

// demoStory posts one variant's history: a receipt at the dock (with a lot
// when tracked), a putaway to one of its zone's bins, a few shipments, and
// now and then a damaged unit written off or a cycle count.
func demoStory(ctx context.Context, db *sqlite.DB, i int, sku string, it demoItem, bins []string) error {
	rng := mrand.New(mrand.NewPCG(uint64(i), 7))
	post := func(step string, cmd app.PostMovement) error {
		cmd.IdempotencyKey = fmt.Sprintf("demo-%s-%s", sku, step)
		if _, _, err := db.PostMovement(ctx, cmd); err != nil {
			return fmt.Errorf("demo %s %s: %w", sku, step, err)
		}
		return nil
	}
	var lot *app.LotRef
	if it.lots {
		lot = &app.LotRef{Code: fmt.Sprintf("L%05d", 10000+rng.IntN(90000)), ExpiresOn: fmt.Sprintf("2027-%02d-28", 1+rng.IntN(12))}
	}
	qty := int64(24 + rng.IntN(20)*12)
	bin := bins[rng.IntN(len(bins))]
	if err := post("receive", app.PostMovement{Kind: app.Receive, Reference: &app.Reference{Type: "purchase_order", ID: fmt.Sprintf("PO-%d", 1000+i/6)},
		Lines: []app.MovementLine{{SKU: sku, Qty: qty, To: "DOCK", Lot: lot}}}); err != nil {
		return err
	}
	if err := post("putaway", app.PostMovement{Kind: app.Move, Note: "putaway",
		Lines: []app.MovementLine{{SKU: sku, Qty: qty - 6, From: "DOCK", To: bin, Lot: lot}}}); err != nil {
		return err
	}
	left := qty - 6
	for s := range 1 + rng.IntN(3) {
		n := int64(1 + rng.IntN(5))
		if err := post(fmt.Sprint("ship-", s), app.PostMovement{Kind: app.Ship,
			Reference: &app.Reference{Type: "sales_order", ID: fmt.Sprintf("SO-%d", 5000+i*3+s)},
			Lines:     []app.MovementLine{{SKU: sku, Qty: n, From: bin, Lot: lot}}}); err != nil {
			return err
		}
		left -= n
	}
	switch rng.IntN(6) {
	case 0:
		return post("damaged", app.PostMovement{Kind: app.Adjust, Reason: "damaged", Note: "dropped at putaway",
			Lines: []app.MovementLine{{SKU: sku, Qty: 1, From: bin, Lot: lot}}})
	case 1:
		counted := left - 1
		return post("count", app.PostMovement{Kind: app.Count, Note: "cycle count",
			Lines: []app.MovementLine{{SKU: sku, Location: bin, Counted: &counted, Lot: lot}}})
	}
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
