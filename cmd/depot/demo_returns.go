package main

import (
	"context"
	"encoding/json"
	"fmt"

	"depot/app"
	"depot/app/sqlite"
)

// demoReturns adds a second site, a shop with a dock and a few bins, a
// quarantine place for returns at the main warehouse, and transfer T-1001
// from the warehouse to the shop, shipped and on its way (in transit).
func demoReturns(ctx context.Context, db *sqlite.DB) error {
	locs := []app.NewLocation{
		{Code: "SHOP", Name: "City shop", Kind: app.KindSite},
		{Code: "SHOP-DOCK", Name: "Shop back door", Kind: app.KindDock, Parent: "SHOP"},
		{Code: "Q-RET", Name: "Returns quarantine", Kind: app.KindStaging, Parent: "WH1", WalkSeq: 2,
			Attributes: json.RawMessage(`{"quarantine":true}`)},
	}
	for i := 1; i <= 4; i++ {
		locs = append(locs, app.NewLocation{Code: fmt.Sprintf("SHOP-%02d", i), Name: fmt.Sprintf("Shop shelf %d", i),
			Kind: app.KindBin, Parent: "SHOP", WalkSeq: int64(10 * i)})
	}
	for _, l := range locs {
		if _, err := db.CreateLocation(ctx, l); err != nil {
			return fmt.Errorf("demo location %s: %w", l.Code, err)
		}
	}
	t := app.NewTransfer{Number: "T-1001", From: "WH1", To: "SHOP"}
	for _, sku := range []string{"MUG-RED", "COF-ESP-1K", "BOT-BLK"} {
		levels, err := db.Stock(ctx, app.StockFilter{SKU: sku, Location: "WH1"})
		if err != nil {
			return err
		}
		for _, l := range levels {
			if l.Available >= 4 && l.Location != "DOCK" {
				t.Lines = append(t.Lines, app.NewTransferLine{SKU: sku, Lot: l.Lot, Qty: 4, From: l.Location})
				break
			}
		}
	}
	if _, _, err := db.CreateTransfer(ctx, t); err != nil {
		return fmt.Errorf("demo transfer: %w", err)
	}
	if _, _, err := db.ShipTransfer(ctx, app.ShipTransfer{Number: t.Number, Carrier: "own van"}); err != nil {
		return fmt.Errorf("demo transfer: %w", err)
	}
	return nil
}
