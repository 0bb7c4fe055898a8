package sqlite_test

import (
	"context"
	"strings"
	"testing"

	"depot/app"
	"depot/app/sqlite"
)

// mustTwoSites makes site WH (bins) and site S2 (bin B-01, dock
// D-2), SKU-1 without lots and LOT-1 with lots, and receives 10 SKU-1 into
// A-01 and 6 LOT-1 lot L1 into A-02.
func mustTwoSites(t testing.TB, db *sqlite.DB) {
	t.Helper()
	ctx := context.Background()
	MustLocations(t, db, "A-01", "A-02")
	for _, l := range []app.NewLocation{{Code: "S2", Kind: app.KindSite}, {Code: "B-01", Kind: app.KindBin, Parent: "S2"},
		{Code: "D-2", Kind: app.KindDock, Parent: "S2"}} {
		if _, err := db.CreateLocation(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	MustProduct(t, db, "Plain", false, "SKU-1")
	MustProduct(t, db, "Lotted", true, "LOT-1")
	MustPost(t, db, app.Receive, app.MovementLine{SKU: "SKU-1", Qty: 10, To: "A-01"},
		app.MovementLine{SKU: "LOT-1", Qty: 6, To: "A-02", Lot: &app.LotRef{Code: "L1"}})
}

// movementCount is how many movements the ledger has.
func movementCount(t testing.TB, db *sqlite.DB) int {
	t.Helper()
	ms, err := db.Movements(context.Background(), app.MovementFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return len(ms)
}

func transitQty(t testing.TB, db *sqlite.DB, sku string) (byTransfer map[string]int64) {
	t.Helper()
	its, err := db.InTransit(context.Background(), sku)
	if err != nil {
		t.Fatal(err)
	}
	byTransfer = map[string]int64{}
	for _, it := range its {
		byTransfer[it.Transfer+"/"+it.SKU+"/"+it.Lot] += it.Qty
	}
	return byTransfer
}

func TestTransferShipAndReceiveInParts(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t, sqlite.Options{})
	mustTwoSites(t, db)
	newT := app.NewTransfer{Number: "T-1", From: "WH", To: "S2", Lines: []app.NewTransferLine{
		{SKU: "SKU-1", Qty: 6, From: "A-01"}, {SKU: "LOT-1", Lot: "L1", Qty: 4, From: "A-02"}}}
	tr, replayed, err := db.CreateTransfer(ctx, newT)
	if err != nil || replayed || tr.Status != app.TransferOpen || len(tr.Lines) != 2 || tr.Lines[1].Lot != "L1" {
		t.Fatalf("create: %+v %v %v", tr, replayed, err)
	}
	if OnHand(t, db, "SKU-1", "A-01") != 10 {
		t.Fatal("planning a transfer moved stock")
	}
	if _, replayed, err := db.CreateTransfer(ctx, newT); err != nil || !replayed {
		t.Fatalf("create again: replayed %v, %v", replayed, err)
	}

	if _, _, err := db.ShipTransfer(ctx, app.ShipTransfer{Number: "T-1", Tracking: "1Z1"}); app.ErrorField(err) != "carrier" {
		t.Fatalf("tracking without a carrier: %v", err)
	}
	tr, replayed, err = db.ShipTransfer(ctx, app.ShipTransfer{Number: "t-1", Carrier: "own van", Tracking: "VAN-7"})
	if err != nil || replayed || tr.Status != app.TransferShipped || tr.ShipMovement == 0 || tr.ShippedAt == nil || tr.Carrier != "own van" || tr.Tracking != "VAN-7" {
		t.Fatalf("ship: %+v %v %v", tr, replayed, err)
	}
	if got := OnHand(t, db, "SKU-1", "A-01"); got != 4 {
		t.Errorf("A-01 after ship: %d, want 4", got)
	}
	if got := OnHand(t, db, "LOT-1", "A-02"); got != 2 {
		t.Errorf("A-02 after ship: %d, want 2", got)
	}
	m, err := db.Movement(ctx, tr.ShipMovement)
	if err != nil || m.Kind != app.TransferOut || m.Reference == nil || m.Reference.ID != "T-1" || len(m.Legs) != 4 || m.Legs[1].Location != app.LocTransit {
		t.Fatalf("ship movement: %+v %v", m, err)
	}
	if got := transitQty(t, db, ""); got["T-1/SKU-1/"] != 6 || got["T-1/LOT-1/L1"] != 4 || len(got) != 2 {
		t.Errorf("in transit after ship: %v", got)
	}
	n := movementCount(t, db)
	if _, replayed, err := db.ShipTransfer(ctx, app.ShipTransfer{Number: "T-1"}); err != nil || !replayed || movementCount(t, db) != n {
		t.Fatalf("ship again: replayed %v, %v, movements %d (was %d)", replayed, err, movementCount(t, db), n)
	}

	part := app.ReceiveTransfer{Number: "T-1", IdempotencyKey: "r1", Lines: []app.ReceiveTransferLine{{Line: 1, Qty: 2, To: "B-01"}}}
	tr, replayed, err = db.ReceiveTransfer(ctx, part)
	if err != nil || replayed || tr.Status != app.TransferShipped || tr.Lines[0].Received != 2 || tr.Lines[0].InTransit != 4 || tr.Lines[0].To != "B-01" {
		t.Fatalf("part receipt: %+v %v %v", tr, replayed, err)
	}
	if got := OnHand(t, db, "SKU-1", "B-01"); got != 2 {
		t.Errorf("B-01 after part receipt: %d, want 2", got)
	}
	if got := transitQty(t, db, "SKU-1"); got["T-1/SKU-1/"] != 4 || len(got) != 1 {
		t.Errorf("SKU-1 in transit after part receipt: %v", got)
	}
	n = movementCount(t, db)
	if _, replayed, err := db.ReceiveTransfer(ctx, part); err != nil || !replayed || movementCount(t, db) != n {
		t.Fatalf("the same receipt again: replayed %v, %v", replayed, err)
	}
	other := part
	other.Lines = []app.ReceiveTransferLine{{Line: 1, Qty: 3, To: "B-01"}}
	if _, _, err := db.ReceiveTransfer(ctx, other); app.ErrorCode(err) != app.ECONFLICT || app.ErrorField(err) != "idempotency_key" {
		t.Fatalf("the key with another receipt: %v", err)
	}
	over := app.ReceiveTransfer{Number: "T-1", IdempotencyKey: "r2", Lines: []app.ReceiveTransferLine{{SKU: "SKU-1", Qty: 3, To: "B-01"}, {SKU: "sku-1", Qty: 2, To: "D-2"}}}
	_, _, err = db.ReceiveTransfer(ctx, over)
	if app.ErrorField(err) != "lines[1].qty" || !strings.Contains(err.Error(), "has 4 in transit; 5 cannot be received") {
		t.Fatalf("over-receiving: %v", err)
	}
	if movementCount(t, db) != n || OnHand(t, db, "SKU-1", "B-01") != 2 {
		t.Fatal("a refused receipt wrote something")
	}

	tr, _, err = db.ReceiveTransfer(ctx, app.ReceiveTransfer{Number: "T-1", IdempotencyKey: "r3", To: "D-2"})
	if err != nil || tr.Status != app.TransferReceived || tr.ReceivedAt == nil || len(tr.ReceiveMovements) != 2 {
		t.Fatalf("receiving the rest: %+v %v", tr, err)
	}
	if qty, received, inTransit := tr.Units(); qty != 10 || received != 10 || inTransit != 0 {
		t.Errorf("units = %d %d %d", qty, received, inTransit)
	}
	if a, b := OnHand(t, db, "SKU-1", "D-2"), OnHand(t, db, "LOT-1", "D-2"); a != 4 || b != 4 {
		t.Errorf("D-2 after the rest: SKU-1 %d, LOT-1 %d; want 4 and 4", a, b)
	}
	if got := transitQty(t, db, ""); len(got) != 0 {
		t.Errorf("in transit after full receipt: %v", got)
	}
	if _, _, err := db.ReceiveTransfer(ctx, app.ReceiveTransfer{Number: "T-1", IdempotencyKey: "r4", To: "D-2"}); app.ErrorCode(err) != app.ECONFLICT {
		t.Errorf("receiving a received transfer: %v", err)
	}
	list, err := db.Transfers(ctx, app.TransferFilter{Status: app.TransferReceived})
	if err != nil || len(list) != 1 || list[0].Qty != 10 || list[0].Received != 10 || list[0].Lines != 2 {
		t.Errorf("list: %+v %v", list, err)
	}
	rep, err := db.Verify(ctx)
	if err != nil || len(rep.Problems) != 0 {
		t.Errorf("verify: %+v %v", rep, err)
	}
}

func TestTransferRefusals(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t, sqlite.Options{})
	mustTwoSites(t, db)
	line := func(sku, lot string, qty int64, from string) []app.NewTransferLine {
		return []app.NewTransferLine{{SKU: sku, Lot: lot, Qty: qty, From: from}}
	}
	for _, tc := range []struct {
		name  string
		t     app.NewTransfer
		code  string
		field string
	}{
		{"SameSite", app.NewTransfer{Number: "X", From: "WH", To: "wh", Lines: line("SKU-1", "", 1, "A-01")}, app.EINVALID, "to"},
		{"FromNotASite", app.NewTransfer{Number: "X", From: "A-01", To: "S2", Lines: line("SKU-1", "", 1, "A-01")}, app.EINVALID, "from"},
		{"ToUnknown", app.NewTransfer{Number: "X", From: "WH", To: "NOPE", Lines: line("SKU-1", "", 1, "A-01")}, app.ENOTFOUND, "to"},
		{"BinAtOtherSite", app.NewTransfer{Number: "X", From: "WH", To: "S2", Lines: line("SKU-1", "", 1, "B-01")}, app.EINVALID, "lines[0].from"},
		{"FromVirtual", app.NewTransfer{Number: "X", From: "WH", To: "S2", Lines: line("SKU-1", "", 1, "transit")}, app.EINVALID, "lines[0].from"},
		{"LotMissing", app.NewTransfer{Number: "X", From: "WH", To: "S2", Lines: line("LOT-1", "", 1, "A-02")}, app.EINVALID, "lines[0].lot"},
		{"LotUnknown", app.NewTransfer{Number: "X", From: "WH", To: "S2", Lines: line("LOT-1", "NOPE", 1, "A-02")}, app.ENOTFOUND, "lines[0].lot.code"},
		{"NoLines", app.NewTransfer{Number: "X", From: "WH", To: "S2"}, app.EINVALID, "lines"},
		{"ZeroQty", app.NewTransfer{Number: "X", From: "WH", To: "S2", Lines: line("SKU-1", "", 0, "A-01")}, app.EINVALID, "lines[0].qty"},
		{"Repeated", app.NewTransfer{Number: "X", From: "WH", To: "S2", Lines: append(line("SKU-1", "", 1, "A-01"), line("SKU-1", "", 2, "A-01")...)}, app.EINVALID, "lines[1]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := db.CreateTransfer(ctx, tc.t)
			if app.ErrorCode(err) != tc.code || app.ErrorField(err) != tc.field {
				t.Fatalf("err = %v (%s, field %q); want %s on %q", err, app.ErrorCode(err), app.ErrorField(err), tc.code, tc.field)
			}
		})
	}
	if list, _ := db.Transfers(ctx, app.TransferFilter{}); len(list) != 0 {
		t.Fatalf("refused transfers were written: %+v", list)
	}

	if _, _, err := db.CreateTransfer(ctx, app.NewTransfer{Number: "T-2", From: "WH", To: "S2", Lines: line("SKU-1", "", 20, "A-01")}); err != nil {
		t.Fatal(err)
	}
	_, _, err := db.CreateTransfer(ctx, app.NewTransfer{Number: "t-2", From: "WH", To: "S2", Lines: line("SKU-1", "", 2, "A-01")})
	if app.ErrorCode(err) != app.ECONFLICT || app.ErrorField(err) != "number" {
		t.Errorf("the number again with other lines: %v", err)
	}
	_, _, err = db.ReceiveTransfer(ctx, app.ReceiveTransfer{Number: "T-2", IdempotencyKey: "k", To: "B-01"})
	if app.ErrorCode(err) != app.ECONFLICT || !strings.Contains(err.Error(), "not shipped yet") {
		t.Errorf("receiving before shipping: %v", err)
	}
	// 20 of SKU-1 at A-01 is more than the 10 there: nothing moves.
	_, _, err = db.ShipTransfer(ctx, app.ShipTransfer{Number: "T-2"})
	if app.ErrorCode(err) != app.ECONFLICT || !strings.Contains(err.Error(), "has 10 on hand") {
		t.Fatalf("shipping more than on hand: %v", err)
	}
	if tr, _ := db.Transfer(ctx, "T-2"); tr.Status != app.TransferOpen || OnHand(t, db, "SKU-1", "A-01") != 10 {
		t.Fatalf("a refused ship changed something: %+v", tr)
	}
	if tr, err := db.CancelTransfer(ctx, "T-2", 0); err != nil || tr.Status != app.TransferCancelled {
		t.Fatalf("cancel: %+v %v", tr, err)
	}
	if _, _, err := db.ShipTransfer(ctx, app.ShipTransfer{Number: "T-2"}); app.ErrorCode(err) != app.ECONFLICT {
		t.Errorf("shipping a cancelled transfer: %v", err)
	}

	if _, _, err := db.CreateTransfer(ctx, app.NewTransfer{Number: "T-3", From: "WH", To: "S2", Lines: line("SKU-1", "", 3, "A-01")}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.ShipTransfer(ctx, app.ShipTransfer{Number: "T-3"}); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]app.ReceiveTransfer{
		"lines[0].to":   {Number: "T-3", IdempotencyKey: "k", Lines: []app.ReceiveTransferLine{{Line: 1, Qty: 1, To: "A-01"}}},
		"to":            {Number: "T-3", IdempotencyKey: "k", To: "transit"},
		"lines[0].line": {Number: "T-3", IdempotencyKey: "k", To: "B-01", Lines: []app.ReceiveTransferLine{{Line: 7, Qty: 1}}},
		"lines[0].sku":  {Number: "T-3", IdempotencyKey: "k", To: "B-01", Lines: []app.ReceiveTransferLine{{SKU: "LOT-1", Qty: 1}}},
	} {
		if _, _, err := db.ReceiveTransfer(ctx, c); app.ErrorCode(err) != app.EINVALID || app.ErrorField(err) != name {
			t.Errorf("receipt %+v: err %v, want invalid %s", c, err, name)
		}
	}
	if _, err := db.CancelTransfer(ctx, "T-3", 0); app.ErrorCode(err) != app.ECONFLICT {
		t.Errorf("cancelling a shipped transfer: %v", err)
	}
	if got := transitQty(t, db, "SKU-1"); got["T-3/SKU-1/"] != 3 || len(got) != 1 {
		t.Errorf("in transit: %v", got)
	}
}

// TestTransferLeavesReleasedOrderStock: an order released at the source
// site reserves its stock; a transfer may take only what is left available.
func TestTransferLeavesReleasedOrderStock(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t, sqlite.Options{})
	mustTwoSites(t, db)
	if _, _, err := db.CreateOrder(ctx, app.NewOrder{Number: "SO-1", Site: "WH", Lines: []app.NewOrderLine{{SKU: "SKU-1", Qty: 7}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ReleaseOrder(ctx, "SO-1"); err != nil {
		t.Fatal(err)
	}
	for n, qty := range map[string]int64{"T-4": 4, "T-3": 3} {
		if _, _, err := db.CreateTransfer(ctx, app.NewTransfer{Number: n, From: "WH", To: "S2",
			Lines: []app.NewTransferLine{{SKU: "SKU-1", Qty: qty, From: "A-01"}}}); err != nil {
			t.Fatal(err)
		}
	}
	_, _, err := db.ShipTransfer(ctx, app.ShipTransfer{Number: "T-4"})
	if app.ErrorCode(err) != app.ECONFLICT || !strings.Contains(err.Error(), "7 reserved for orders") {
		t.Fatalf("transferring stock an order holds: %v", err)
	}
	if _, _, err := db.ShipTransfer(ctx, app.ShipTransfer{Number: "T-3"}); err != nil {
		t.Fatalf("transferring the 3 available: %v", err)
	}
	rep, err := db.Verify(ctx)
	if err != nil || len(rep.Problems) != 0 {
		t.Errorf("verify: %+v %v", rep, err)
	}
}
