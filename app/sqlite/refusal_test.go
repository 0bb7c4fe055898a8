package sqlite_test

import (
	"context"
	"testing"

	"depot/app"
	"depot/app/sqlite"
)

// rowCounts counts the rows a failed command must not touch.
func rowCounts(t *testing.T, db *sqlite.DB) map[string]int {
	t.Helper()
	raw := mustRaw(t, db.Path)
	counts := map[string]int{}
	for _, table := range []string{"movements", "inventory_transactions", "inventory_levels", "lots", "products", "variants", "locations"} {
		var n int
		if err := raw.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		counts[table] = n
	}
	return counts
}

func TestRefusalsWriteNothing(t *testing.T) {
	db := MustOpen(t, sqlite.Options{})
	MustProduct(t, db, "Widget", false, "W-1")
	MustProduct(t, db, "Milk", true, "MILK")
	MustLocations(t, db, "DOCK", "A-01")
	MustPost(t, db, app.Receive, app.MovementLine{SKU: "W-1", Qty: 10, To: "A-01"})
	MustPost(t, db, app.Receive, app.MovementLine{SKU: "MILK", Qty: 10, To: "A-01", Lot: &app.LotRef{Code: "RECALLED"}})
	mustExec(t, mustRaw(t, db.Path), `UPDATE lots SET status = 'recalled' WHERE code = 'RECALLED'`)
	counted := int64(3)

	for _, tc := range []struct {
		name    string
		kind    app.MovementKind
		lines   []app.MovementLine
		code    string
		field   string
		message string
	}{
		{"ShipMoreThanOnHand", app.Ship, []app.MovementLine{{SKU: "W-1", Qty: 11, From: "A-01"}},
			app.ECONFLICT, "lines[0].qty", "not enough stock: SKU W-1 at A-01 has 10 on hand; the movement takes 11"},
		{"ShipFromEmptyBin", app.Ship, []app.MovementLine{{SKU: "W-1", Qty: 1, From: "DOCK"}},
			app.ECONFLICT, "lines[0].qty", "not enough stock: SKU W-1 at DOCK has 0 on hand; the movement takes 1"},
		{"SecondLineShort", app.Move, []app.MovementLine{{SKU: "W-1", Qty: 6, From: "A-01", To: "DOCK"}, {SKU: "W-1", Qty: 6, From: "A-01", To: "DOCK"}},
			app.ECONFLICT, "lines[1].qty", "not enough stock: SKU W-1 at A-01 has 4 on hand; the movement takes 6"},
		{"UnknownSKUAfterNewLot", app.Receive, []app.MovementLine{{SKU: "MILK", Qty: 1, To: "DOCK", Lot: &app.LotRef{Code: "NEW"}}, {SKU: "NOPE", Qty: 1, To: "DOCK"}},
			app.ENOTFOUND, "lines[1].sku", `no variant has SKU "NOPE"`},
		{"UnknownLocation", app.Move, []app.MovementLine{{SKU: "W-1", Qty: 1, From: "A-01", To: "Z-99"}},
			app.ENOTFOUND, "lines[0].to", `no location has code "Z-99"`},
		{"RecalledLot", app.Ship, []app.MovementLine{{SKU: "MILK", Qty: 1, From: "A-01", Lot: &app.LotRef{Code: "RECALLED"}}},
			app.ECONFLICT, "lines[0].lot.code", "lot RECALLED of SKU MILK is recalled and cannot be shipped"},
		{"UnknownLot", app.Move, []app.MovementLine{{SKU: "MILK", Qty: 1, From: "A-01", To: "DOCK", Lot: &app.LotRef{Code: "L9"}}},
			app.ENOTFOUND, "lines[0].lot.code", `SKU MILK has no lot "L9"`},
		{"LotOnUntracked", app.Receive, []app.MovementLine{{SKU: "W-1", Qty: 1, To: "DOCK", Lot: &app.LotRef{Code: "L1"}}},
			app.EINVALID, "lines[0].lot", "SKU W-1 is not tracked by lot: leave the lot out"},
		{"ReceiveIntoVirtual", app.Receive, []app.MovementLine{{SKU: "W-1", Qty: 1, To: "customer"}},
			app.EINVALID, "lines[0].to", "customer is a virtual location; a receive puts into a physical location"},
		{"CountVirtual", app.Count, []app.MovementLine{{SKU: "W-1", Location: "vendor", Counted: &counted}},
			app.EINVALID, "lines[0].location", "vendor is a virtual location; only physical locations are counted"},
		{"CountTwice", app.Count, []app.MovementLine{{SKU: "W-1", Location: "A-01", Counted: &counted}, {SKU: "W-1", Location: "A-01", Counted: &counted}},
			app.EINVALID, "lines[1]", "counts the same SKU, location and lot as lines[0]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := rowCounts(t, db)
			_, err := Post(db, tc.kind, tc.lines...)
			if app.ErrorCode(err) != tc.code || app.ErrorField(err) != tc.field || app.ErrorMessage(err) != tc.message {
				t.Errorf("err = %q %q %q\nwant  %q %q %q", app.ErrorCode(err), app.ErrorField(err), app.ErrorMessage(err), tc.code, tc.field, tc.message)
			}
			if after := rowCounts(t, db); len(after) != len(before) || after["movements"] != before["movements"] ||
				after["inventory_transactions"] != before["inventory_transactions"] || after["lots"] != before["lots"] ||
				after["inventory_levels"] != before["inventory_levels"] {
				t.Errorf("rows changed: before %v after %v", before, after)
			}
		})
	}
	rep, err := db.Verify(context.Background())
	if err != nil || len(rep.Problems) != 0 {
		t.Errorf("verify after refusals: %v %v", err, rep.Problems)
	}
	if got := OnHand(t, db, "W-1", "A-01"); got != 10 {
		t.Errorf("W-1 at A-01 = %d, want 10", got)
	}
}
