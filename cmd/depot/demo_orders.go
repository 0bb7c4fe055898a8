package main

import (
	"context"
	"fmt"

	"depot/app"
	"depot/app/sqlite"
)

// demoCustomers are the demo's customers; the deli wants food with two
// months of shelf life left.
var demoCustomers = []app.NewCustomer{
	{Code: "CORNER", Name: "Corner Shop", Email: "orders@corner.example", Phone: "+44 113 496 0001", Address: "12 Market Street, Leeds LS1 6DT"},
	{Code: "DELI", Name: "Deli Fresh", Email: "buying@deli.example", Address: "3 Mill Lane, York YO1 7HB", MinShelfLifeDays: 60},
	{Code: "OFFICE", Name: "Office Supplies Ltd", Email: "ap@office.example", Address: "Unit 4, Ring Road, Bradford BD1 2AB"},
}

// demoOrderLines are the demo's open sales orders; the first three are
// released, so stock is reserved and there is something to pick.
var demoOrderLines = []struct {
	customer, carrier string
	priority          int64
	lines             []app.NewOrderLine
}{
	{"CORNER", "manual", 1, []app.NewOrderLine{{SKU: "TS-BLK-M", Qty: 3, UnitPriceMinor: 1200}, {SKU: "MUG-RED", Qty: 2, UnitPriceMinor: 650}}},
	{"DELI", "manual", 0, []app.NewOrderLine{{SKU: "OAT-1L", Qty: 6, UnitPriceMinor: 210}, {SKU: "CHD-400G", Qty: 2, UnitPriceMinor: 520}, {SKU: "COF-ESP-500G", Qty: 1, UnitPriceMinor: 1890}}},
	{"OFFICE", "manual", 0, []app.NewOrderLine{{SKU: "TAPE-48", Qty: 12, UnitPriceMinor: 180}, {SKU: "BOX-M", Qty: 20, UnitPriceMinor: 95}}},
	{"CORNER", "manual", 0, []app.NewOrderLine{{SKU: "HD-NVY-L", Qty: 2, UnitPriceMinor: 3500}, {SKU: "SK-GRN-M", Qty: 4, UnitPriceMinor: 600}}},
	{"DELI", "manual", 2, []app.NewOrderLine{{SKU: "YOG-500G", Qty: 8, UnitPriceMinor: 240}, {SKU: "BUT-250G", Qty: 6, UnitPriceMinor: 310}}},
	{"OFFICE", "manual", 0, []app.NewOrderLine{{SKU: "BOT-BLK", Qty: 5, UnitPriceMinor: 1450}}},
}

// demoOrders adds the demo's customers and orders, and releases the first
// orders. Called by seedDemo once the stock is there.
func demoOrders(ctx context.Context, db *sqlite.DB) error {
	for _, c := range demoCustomers {
		if _, _, err := db.CreateCustomer(ctx, c); err != nil {
			return fmt.Errorf("demo customer %s: %w", c.Code, err)
		}
	}
	var numbers []string
	for i, o := range demoOrderLines {
		no := app.NewOrder{Number: fmt.Sprintf("SO-%d", 1001+i), Customer: o.customer, Carrier: o.carrier,
			Service: "standard", Priority: o.priority, Lines: o.lines}
		if _, _, err := db.CreateOrder(ctx, no); err != nil {
			return fmt.Errorf("demo order %s: %w", no.Number, err)
		}
		numbers = append(numbers, no.Number)
	}
	for _, out := range db.ReleaseOrders(ctx, numbers[:3]) {
		if out.Err != nil {
			return fmt.Errorf("demo release %s: %w", out.Number, out.Err)
		}
	}
	return nil
}
