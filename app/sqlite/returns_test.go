package sqlite_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"depot/app"
	"depot/app/sqlite"
	"depot/app/sqlite/shiptest"
)

// openWithRaw opens a fresh database and a second connection to its file,
// for the document rows shiptest writes.
func openWithRaw(t testing.TB) (*sqlite.DB, *sql.DB) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "depot.db")
	db, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	raw, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=10000&_foreign_keys=1")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return db, raw
}

func countRows(t testing.TB, raw *sql.DB, table string) int {
	t.Helper()
	var n int
	if err := raw.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestReturnDispositionsAndLimits(t *testing.T) {
	ctx := context.Background()
	db, raw := openWithRaw(t)
	mustTwoSites(t, db)
	if _, err := db.CreateLocation(ctx, app.NewLocation{Code: "Q-1", Kind: app.KindBin, Parent: "WH", Attributes: json.RawMessage(`{"quarantine": true}`)}); err != nil {
		t.Fatal(err)
	}
	MustPost(t, db, app.Receive, app.MovementLine{SKU: "LOT-1", Qty: 2, To: "A-02", Lot: &app.LotRef{Code: "L2"}})
	s1 := shiptest.ShippedOrder(t, db, raw, "SO-1", "TRK-1", "A-01", shiptest.Line{SKU: "SKU-1", Qty: 5})
	s2 := shiptest.ShippedOrder(t, db, raw, "SO-1", "TRK-2", "A-02", shiptest.Line{SKU: "LOT-1", Lot: "L1", Qty: 3})

	first := app.NewReturn{IdempotencyKey: "rma-1", Tracking: "TRK-1", Note: "customer changed mind", Lines: []app.NewReturnLine{
		{SKU: "SKU-1", Qty: 2, Disposition: app.Restock, Location: "A-02"},
		{SKU: "SKU-1", Qty: 1, Disposition: app.Quarantine},
		{SKU: "SKU-1", Qty: 1, Disposition: app.Scrap},
	}}
	ret, replayed, err := db.ReceiveReturn(ctx, first)
	if err != nil || replayed || ret.Shipment != s1 || ret.Order != "SO-1" || ret.Tracking != "TRK-1" || len(ret.Lines) != 3 {
		t.Fatalf("return: %+v %v %v", ret, replayed, err)
	}
	if ret.Lines[1].Location != "Q-1" || ret.Lines[2].Location != app.LocAdjustment {
		t.Errorf("places: %+v", ret.Lines)
	}
	if a, q := OnHand(t, db, "SKU-1", "A-02"), OnHand(t, db, "SKU-1", "Q-1"); a != 2 || q != 1 {
		t.Errorf("restocked %d at A-02, quarantined %d at Q-1; want 2 and 1", a, q)
	}
	m, err := db.Movement(ctx, ret.Movement)
	if err != nil || m.Kind != app.Return || m.Reference == nil || m.Reference.Type != "return" || len(m.Legs) != 6 {
		t.Fatalf("movement: %+v %v", m, err)
	}
	var customer, adjustment int64
	for _, l := range m.Legs {
		switch l.Location {
		case app.LocCustomer:
			customer += l.Qty
		case app.LocAdjustment:
			adjustment += l.Qty
		}
	}
	if customer != -4 || adjustment != 1 {
		t.Errorf("legs: customer %d adjustment %d, want -4 and +1", customer, adjustment)
	}

	if again, replayed, err := db.ReceiveReturn(ctx, first); err != nil || !replayed || again.ID != ret.ID {
		t.Fatalf("the same return again: %+v %v %v", again, replayed, err)
	}
	moved := movementCount(t, db)
	returns, lines := countRows(t, raw, "returns"), countRows(t, raw, "return_lines")
	nothingWritten := func(what string) {
		t.Helper()
		if movementCount(t, db) != moved || countRows(t, raw, "returns") != returns || countRows(t, raw, "return_lines") != lines {
			t.Fatalf("%s wrote something", what)
		}
	}
	for _, tc := range []struct {
		name  string
		r     app.NewReturn
		code  string
		field string
		msg   string
	}{
		{"KeyReused", app.NewReturn{IdempotencyKey: "rma-1", Tracking: "TRK-1", Lines: []app.NewReturnLine{{SKU: "SKU-1", Qty: 1, Disposition: app.Scrap}}},
			app.ECONFLICT, "idempotency_key", "different return"},
		{"OverReturn", app.NewReturn{IdempotencyKey: "k1", Shipment: s1, Lines: []app.NewReturnLine{{SKU: "SKU-1", Qty: 2, Disposition: app.Scrap}}},
			app.EINVALID, "lines[0].qty", "shipment " + itoa(s1) + " shipped 5 of SKU SKU-1 and 4 came back before; 2 cannot come back"},
		{"OverReturnAcrossLines", app.NewReturn{IdempotencyKey: "k1", Shipment: s1, Lines: []app.NewReturnLine{
			{SKU: "SKU-1", Qty: 1, Disposition: app.Scrap}, {SKU: "sku-1", Qty: 1, Disposition: app.Restock, Location: "A-01"}}},
			app.EINVALID, "lines[1].qty", "2 cannot come back"},
		{"SKUNotShipped", app.NewReturn{IdempotencyKey: "k1", Tracking: "TRK-1", Lines: []app.NewReturnLine{{SKU: "LOT-1", Lot: "L1", Qty: 1, Disposition: app.Scrap}}},
			app.EINVALID, "lines[0].sku", "not shipped on shipment"},
		{"LotNotShipped", app.NewReturn{IdempotencyKey: "k1", Tracking: "TRK-2", Lines: []app.NewReturnLine{{SKU: "LOT-1", Lot: "L2", Qty: 1, Disposition: app.Scrap}}},
			app.EINVALID, "lines[0].lot", "lot L2 of SKU LOT-1 was not shipped on shipment " + itoa(s2) + "; it shipped lot L1"},
		{"RestockIntoQuarantine", app.NewReturn{IdempotencyKey: "k1", Tracking: "TRK-2", Lines: []app.NewReturnLine{{SKU: "LOT-1", Qty: 1, Disposition: app.Restock, Location: "Q-1"}}},
			app.EINVALID, "lines[0].location", "is a quarantine place"},
		{"QuarantineIntoBin", app.NewReturn{IdempotencyKey: "k1", Tracking: "TRK-2", Lines: []app.NewReturnLine{{SKU: "LOT-1", Qty: 1, Disposition: app.Quarantine, Location: "A-01"}}},
			app.EINVALID, "lines[0].location", "not a quarantine place"},
		{"RestockToVirtual", app.NewReturn{IdempotencyKey: "k1", Tracking: "TRK-2", Lines: []app.NewReturnLine{{SKU: "LOT-1", Qty: 1, Disposition: app.Restock, Location: "transit"}}},
			app.EINVALID, "lines[0].location", "virtual"},
		{"UnknownTracking", app.NewReturn{IdempotencyKey: "k1", Tracking: "NOPE", Lines: []app.NewReturnLine{{SKU: "SKU-1", Qty: 1, Disposition: app.Scrap}}},
			app.ENOTFOUND, "tracking", "no shipment"},
		{"UnknownOrder", app.NewReturn{IdempotencyKey: "k1", Order: "SO-9", Lines: []app.NewReturnLine{{SKU: "SKU-1", Qty: 1, Disposition: app.Scrap}}},
			app.ENOTFOUND, "order", "SO-9"},
		{"BadDisposition", app.NewReturn{IdempotencyKey: "k1", Order: "SO-1", Lines: []app.NewReturnLine{{SKU: "SKU-1", Qty: 1, Disposition: "resell"}}},
			app.EINVALID, "lines[0].disposition", "not a disposition"},
		{"NoSource", app.NewReturn{IdempotencyKey: "k1", Lines: []app.NewReturnLine{{SKU: "SKU-1", Qty: 1, Disposition: app.Scrap}}},
			app.EINVALID, "shipment", "give the shipment"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := db.ReceiveReturn(ctx, tc.r)
			if app.ErrorCode(err) != tc.code || app.ErrorField(err) != tc.field || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("err = %v (%s on %q); want %s on %q saying %q", err, app.ErrorCode(err), app.ErrorField(err), tc.code, tc.field, tc.msg)
			}
			nothingWritten(tc.name)
		})
	}

	// A shipment that carried a transfer takes no customer returns.
	if _, _, err := db.CreateTransfer(ctx, app.NewTransfer{Number: "T-9", From: "WH", To: "S2",
		Lines: []app.NewTransferLine{{SKU: "SKU-1", Qty: 1, From: "A-02"}}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.ShipTransfer(ctx, app.ShipTransfer{Number: "T-9", Carrier: "own van", Tracking: "VAN-9"}); err != nil {
		t.Fatal(err)
	}
	_, _, err = db.ReceiveReturn(ctx, app.NewReturn{IdempotencyKey: "k9", Tracking: "VAN-9", Lines: []app.NewReturnLine{{SKU: "SKU-1", Qty: 1, Disposition: app.Scrap}}})
	if app.ErrorField(err) != "tracking" || !strings.Contains(err.Error(), "carried transfer T-9") {
		t.Fatalf("return against a transfer's shipment: %v", err)
	}
	// A lot-tracked SKU may leave the lot out when the shipment shipped one.
	ret, _, err = db.ReceiveReturn(ctx, app.NewReturn{IdempotencyKey: "rma-2", Tracking: "TRK-2",
		Lines: []app.NewReturnLine{{SKU: "LOT-1", Qty: 3, Disposition: app.Quarantine, Location: "q-1"}}})
	if err != nil || ret.Lines[0].Lot != "L1" || OnHand(t, db, "LOT-1", "Q-1") != 3 {
		t.Fatalf("lot from the shipment: %+v %v", ret, err)
	}
	// Against the order: SKU-1 shipped 5 on it, 4 came back.
	_, _, err = db.ReceiveReturn(ctx, app.NewReturn{IdempotencyKey: "rma-3", Order: "SO-1",
		Lines: []app.NewReturnLine{{SKU: "SKU-1", Qty: 2, Disposition: app.Restock, Location: "A-01"}}})
	if app.ErrorField(err) != "lines[0].qty" || !strings.Contains(err.Error(), "order SO-1 shipped 5 of SKU SKU-1 and 4 came back before") {
		t.Fatalf("order over-return: %v", err)
	}
	if _, _, err := db.ReceiveReturn(ctx, app.NewReturn{IdempotencyKey: "rma-3", Order: "SO-1",
		Lines: []app.NewReturnLine{{SKU: "SKU-1", Qty: 1, Disposition: app.Restock, Location: "A-01"}}}); err != nil {
		t.Fatal(err)
	}
	// The order-level return counts against the shipment too: nothing of
	// SKU-1 is left to come back.
	_, _, err = db.ReceiveReturn(ctx, app.NewReturn{IdempotencyKey: "rma-4", Tracking: "TRK-1",
		Lines: []app.NewReturnLine{{SKU: "SKU-1", Qty: 1, Disposition: app.Scrap}}})
	if app.ErrorField(err) != "lines[0].qty" || !strings.Contains(err.Error(), "order SO-1 shipped 5 of SKU SKU-1 and 5 came back") {
		t.Fatalf("shipment return after the order's: %v", err)
	}

	r1, err := db.Returnable(ctx, "TRK-1")
	if err != nil || r1.Shipment != s1 || len(r1.Lines) != 1 || r1.Lines[0].Shipped != 5 || r1.Lines[0].Returned != 4 {
		t.Errorf("returnable TRK-1: %+v %v", r1, err)
	}
	ro, err := db.Returnable(ctx, "so-1")
	if err != nil || ro.Shipment != 0 || ro.Order != "SO-1" || len(ro.Lines) != 2 || ro.Lines[0].SKU != "LOT-1" || ro.Lines[1].Returned != 5 {
		t.Errorf("returnable SO-1: %+v %v", ro, err)
	}
	if _, err := db.Returnable(ctx, "NOPE"); app.ErrorCode(err) != app.ENOTFOUND {
		t.Errorf("returnable NOPE: %v", err)
	}
	rep, err := db.Verify(ctx)
	if err != nil || len(rep.Problems) != 0 {
		t.Errorf("verify: %+v %v", rep, err)
	}
}
