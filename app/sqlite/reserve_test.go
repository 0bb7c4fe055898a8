package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"depot/app"
)

// TestReserveGuardsAvailable: a reservation needs available stock, a move
// may not take reserved stock away, and a release may not go below zero.
func TestReserveGuardsAvailable(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "depot.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.CreateProduct(ctx, app.NewProduct{Name: "P", Variants: []app.NewVariant{{SKU: "SKU-1"}}}); err != nil {
		t.Fatal(err)
	}
	for _, l := range []app.NewLocation{{Code: "WH", Kind: app.KindSite}, {Code: "A-01", Kind: app.KindBin, Parent: "WH"}, {Code: "A-02", Kind: app.KindBin, Parent: "WH"}} {
		if _, err := db.CreateLocation(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	post := func(cmd app.PostMovement) {
		t.Helper()
		if _, _, err := db.PostMovement(ctx, cmd); err != nil {
			t.Fatal(err)
		}
	}
	post(app.PostMovement{Kind: app.Receive, IdempotencyKey: "r1",
		Lines: []app.MovementLine{{SKU: "SKU-1", Qty: 10, To: "A-01"}}})
	ids := func() (v, l int64) {
		t.Helper()
		if err := db.read.QueryRowContext(ctx, `SELECT (SELECT id FROM variants WHERE sku = 'SKU-1'), (SELECT id FROM locations WHERE code = 'A-01')`).Scan(&v, &l); err != nil {
			t.Fatal(err)
		}
		return v, l
	}
	v, l := ids()
	do := func(fn func(tx *Tx) error) error {
		_, err := db.w.Do(ctx, func(tx *Tx) (any, error) { return nil, fn(tx) })
		return err
	}
	if err := do(func(tx *Tx) error { return tx.reserve(v, l, 0, 7) }); err != nil {
		t.Fatal(err)
	}
	err = do(func(tx *Tx) error { return tx.reserve(v, l, 0, 4) })
	if app.ErrorCode(err) != app.ECONFLICT || !strings.Contains(err.Error(), "10 on hand and 7 reserved") {
		t.Fatalf("over-reserving: %v", err)
	}
	_, _, err = db.PostMovement(ctx, app.PostMovement{Kind: app.Move, IdempotencyKey: "m1",
		Lines: []app.MovementLine{{SKU: "SKU-1", Qty: 4, From: "A-01", To: "A-02"}}})
	if app.ErrorCode(err) != app.ECONFLICT || !strings.Contains(err.Error(), "7 reserved for orders") {
		t.Fatalf("moving reserved stock: %v", err)
	}
	post(app.PostMovement{Kind: app.Move, IdempotencyKey: "m2",
		Lines: []app.MovementLine{{SKU: "SKU-1", Qty: 3, From: "A-01", To: "A-02"}}})
	err = do(func(tx *Tx) error { return tx.reserve(v, l, 0, -8) })
	if app.ErrorCode(err) != app.ECONFLICT || !strings.Contains(err.Error(), "only 7 reserved") {
		t.Fatalf("over-releasing: %v", err)
	}
	// A pick moves the reservation with the stock in one command.
	err = do(func(tx *Tx) error {
		if err := tx.reserve(v, l, 0, -7); err != nil {
			return err
		}
		_, err := tx.post(app.PostMovement{Kind: app.Move, IdempotencyKey: "pick-1",
			Lines: []app.MovementLine{{SKU: "SKU-1", Qty: 7, From: "A-01", To: "A-02"}}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var onHand, reserved int64
	if err := db.read.QueryRowContext(ctx, `SELECT on_hand, reserved FROM inventory_levels WHERE variant_id = ? AND location_id = ?`, v, l).Scan(&onHand, &reserved); err != nil {
		t.Fatal(err)
	}
	if onHand != 0 || reserved != 0 {
		t.Fatalf("A-01 after the pick: on hand %d reserved %d", onHand, reserved)
	}
}
