package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"depot/app"
)

// TestTransferKeepsReservedStock: stock reserved for orders may not be
// shipped on a transfer; what is available may.
func TestTransferKeepsReservedStock(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "depot.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.CreateProduct(ctx, app.NewProduct{Name: "P", Variants: []app.NewVariant{{SKU: "SKU-1"}}}); err != nil {
		t.Fatal(err)
	}
	for _, l := range []app.NewLocation{{Code: "WH", Kind: app.KindSite}, {Code: "A-01", Kind: app.KindBin, Parent: "WH"},
		{Code: "S2", Kind: app.KindSite}, {Code: "B-01", Kind: app.KindBin, Parent: "S2"}} {
		if _, err := db.CreateLocation(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := db.PostMovement(ctx, app.PostMovement{Kind: app.Receive, IdempotencyKey: "r1",
		Lines: []app.MovementLine{{SKU: "SKU-1", Qty: 10, To: "A-01"}}}); err != nil {
		t.Fatal(err)
	}
	var v, l int64
	if err := db.read.QueryRowContext(ctx, `SELECT (SELECT id FROM variants WHERE sku = 'SKU-1'), (SELECT id FROM locations WHERE code = 'A-01')`).Scan(&v, &l); err != nil {
		t.Fatal(err)
	}
	if _, err := db.w.Do(ctx, func(tx *Tx) (any, error) { return nil, tx.reserve(v, l, 0, 8) }); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"T-BIG", "T-SMALL"} {
		qty := int64(3)
		if n == "T-SMALL" {
			qty = 2
		}
		if _, _, err := db.CreateTransfer(ctx, app.NewTransfer{Number: n, From: "WH", To: "S2",
			Lines: []app.NewTransferLine{{SKU: "SKU-1", Qty: qty, From: "A-01"}}}); err != nil {
			t.Fatal(err)
		}
	}
	_, _, err = db.ShipTransfer(ctx, app.ShipTransfer{Number: "T-BIG"})
	if app.ErrorCode(err) != app.ECONFLICT || !strings.Contains(err.Error(), "8 reserved for orders") {
		t.Fatalf("shipping reserved stock on a transfer: %v", err)
	}
	if tr, _ := db.Transfer(ctx, "T-BIG"); tr.Status != app.TransferOpen {
		t.Fatalf("refused transfer is %s", tr.Status)
	}
	if tr, _, err := db.ShipTransfer(ctx, app.ShipTransfer{Number: "T-SMALL"}); err != nil || tr.Status != app.TransferShipped {
		t.Fatalf("shipping the available 2: %+v %v", tr, err)
	}
	var onHand, reserved int64
	if err := db.read.QueryRowContext(ctx, `SELECT on_hand, reserved FROM inventory_levels WHERE variant_id = ? AND location_id = ?`, v, l).Scan(&onHand, &reserved); err != nil {
		t.Fatal(err)
	}
	if onHand != 8 || reserved != 8 {
		t.Errorf("A-01: on hand %d reserved %d, want 8 and 8", onHand, reserved)
	}
}

// TestVerifyFindsTransitNoTransferExplains: stock put into transit without
// a transfer (an owner's bare transfer_out) is reported by verify.
func TestVerifyFindsTransitNoTransferExplains(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "depot.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.CreateProduct(ctx, app.NewProduct{Name: "P", Variants: []app.NewVariant{{SKU: "SKU-1"}}}); err != nil {
		t.Fatal(err)
	}
	for _, l := range []app.NewLocation{{Code: "WH", Kind: app.KindSite}, {Code: "A-01", Kind: app.KindBin, Parent: "WH"},
		{Code: "S2", Kind: app.KindSite}} {
		if _, err := db.CreateLocation(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	for _, cmd := range []app.PostMovement{
		{Kind: app.Receive, IdempotencyKey: "r1", Lines: []app.MovementLine{{SKU: "SKU-1", Qty: 10, To: "A-01"}}},
		{Kind: app.TransferOut, IdempotencyKey: "bare", Lines: []app.MovementLine{{SKU: "SKU-1", Qty: 2, From: "A-01"}}},
	} {
		if _, _, err := db.PostMovement(ctx, cmd); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := db.CreateTransfer(ctx, app.NewTransfer{Number: "T-1", From: "WH", To: "S2",
		Lines: []app.NewTransferLine{{SKU: "SKU-1", Qty: 3, From: "A-01"}}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.ShipTransfer(ctx, app.ShipTransfer{Number: "T-1"}); err != nil {
		t.Fatal(err)
	}
	rep, err := db.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := "SKU SKU-1 has 5 in transit in the ledger; shipped transfers have 3 on the way"
	if len(rep.Problems) != 1 || rep.Problems[0].What != want {
		t.Fatalf("problems = %v, want one: %s", rep.Problems, want)
	}
	its, err := db.InTransit(ctx, "SKU-1")
	if err != nil || len(its) != 2 || its[0].Transfer != "T-1" || its[0].Qty != 3 || its[1].Transfer != "" || its[1].Qty != 2 {
		t.Errorf("in transit: %+v %v", its, err)
	}
}
