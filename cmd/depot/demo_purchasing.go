package main

import (
	"context"
	"fmt"
	"time"

	"depot/app"
	"depot/app/sqlite"
)

// demoSuppliers are the demo's suppliers.
var demoSuppliers = []app.NewSupplier{
	{Code: "ACME", Name: "Acme Food Wholesale", Email: "orders@acme-food.example", Phone: "+44 20 7946 0100"},
	{Code: "NORD", Name: "Nordic Apparel", Email: "sales@nordic-apparel.example", Phone: "+46 8 555 0199"},
	{Code: "KITCH", Name: "Kitchen Supply Co", Email: "po@kitchen-supply.example"},
}

// seedPurchasingDemo adds the demo's purchasing: a quarantine place QUAR
// (attributes {"quarantine": true}) beside the dock, three suppliers, and
// purchase orders for the receiving demo: PO-2001 from ACME, sent and due
// today at DOCK, with a lot-tracked coffee among its lines; PO-2002 from
// NORD, sent and due in five days; PO-2003 from KITCH, a draft. today is
// the box's date (UTC).
func seedPurchasingDemo(ctx context.Context, db *sqlite.DB, today time.Time) error {
	if _, err := db.Location(ctx, "QUAR"); app.ErrorCode(err) == app.ENOTFOUND {
		_, err = db.CreateLocation(ctx, app.NewLocation{Code: "QUAR", Name: "Quarantine", Kind: app.KindZone, Parent: "WH1",
			WalkSeq: 2, Attributes: []byte(`{"quarantine":true}`)})
		if err != nil {
			return fmt.Errorf("demo quarantine: %w", err)
		}
	} else if err != nil {
		return err
	}
	for _, s := range demoSuppliers {
		if _, _, err := db.CreateSupplier(ctx, s); err != nil {
			return fmt.Errorf("demo supplier %s: %w", s.Code, err)
		}
	}
	day := func(n int) string { return today.UTC().AddDate(0, 0, n).Format("2006-01-02") }
	orders := []struct {
		send bool
		o    app.NewPurchaseOrder
	}{
		{true, app.NewPurchaseOrder{Number: "PO-2001", Supplier: "ACME", ExpectedOn: day(0), Dock: "DOCK",
			Note: "Weekly coffee and tea; boxes for packing", Lines: []app.NewPOLine{
				{SKU: "COF-ESP-250G", Qty: 48, UnitCostMinor: 1150},
				{SKU: "TEA-GRN-20B", Qty: 24, UnitCostMinor: 420},
				{SKU: "BOX-M", Qty: 100, UnitCostMinor: 60},
			}}},
		{true, app.NewPurchaseOrder{Number: "PO-2002", Supplier: "NORD", ExpectedOn: day(5), Dock: "DOCK", Lines: []app.NewPOLine{
			{SKU: "TS-BLK-M", Qty: 60, UnitCostMinor: 450},
			{SKU: "HD-NVY-L", Qty: 24, UnitCostMinor: 1900, ExpectedOn: day(8)},
		}}},
		{false, app.NewPurchaseOrder{Number: "PO-2003", Supplier: "KITCH", ExpectedOn: day(14), Lines: []app.NewPOLine{
			{SKU: "MUG-BLK", Qty: 36, UnitCostMinor: 290},
			{SKU: "BOT-RED", Qty: 24, UnitCostMinor: 780},
		}}},
	}
	for _, d := range orders {
		if _, _, err := db.CreatePurchaseOrder(ctx, d.o); err != nil {
			return fmt.Errorf("demo purchase order %s: %w", d.o.Number, err)
		}
		if d.send {
			if _, _, err := db.ActOnPurchaseOrder(ctx, d.o.Number, app.POSend, 0); err != nil {
				return fmt.Errorf("demo purchase order %s: %w", d.o.Number, err)
			}
		}
	}
	return nil
}
