package sqlite_test

import (
	"context"
	"sync"
	"testing"

	"depot/app"
	"depot/app/sqlite"
)

func TestPostMovementKinds(t *testing.T) {
	db := MustOpen(t, sqlite.Options{})
	MustProduct(t, db, "Widget", false, "W-1")
	MustProduct(t, db, "Milk", true, "MILK")
	MustLocations(t, db, "DOCK", "A-01", "A-02")

	MustPost(t, db, app.Receive, app.MovementLine{SKU: "W-1", Qty: 100, To: "DOCK"})
	MustPost(t, db, app.Move, app.MovementLine{SKU: "W-1", Qty: 60, From: "DOCK", To: "A-01"})
	MustPost(t, db, app.Ship, app.MovementLine{SKU: "W-1", Qty: 5, From: "A-01"})
	MustPost(t, db, app.Adjust, app.MovementLine{SKU: "W-1", Qty: 2, From: "A-01"})
	MustPost(t, db, app.Return, app.MovementLine{SKU: "W-1", Qty: 1, To: "A-02"})
	counted := int64(50)
	c := MustPost(t, db, app.Count, app.MovementLine{SKU: "W-1", Location: "A-01", Counted: &counted})
	if len(c.Legs) != 2 || c.Legs[1].Qty != -3 || c.Legs[0].Location != "count" {
		t.Fatalf("count legs = %+v, want count +3 and A-01 -3", c.Legs)
	}

	for _, tc := range []struct {
		loc  string
		want int64
	}{{"DOCK", 40}, {"A-01", 50}, {"A-02", 1}, {"WH", 91}} {
		if got := OnHand(t, db, "W-1", tc.loc); got != tc.want {
			t.Errorf("on hand W-1 at %s = %d, want %d", tc.loc, got, tc.want)
		}
	}
	for _, tc := range []struct {
		loc  string
		want int64
	}{{"vendor", -100}, {"customer", 4}, {"adjustment", 2}, {"count", 3}} {
		if got := OnHand(t, db, "W-1", tc.loc); got != tc.want {
			t.Errorf("balance of W-1 at %s = %d, want %d", tc.loc, got, tc.want)
		}
	}

	// Lots: receipt creates the lot, a move needs it named.
	MustPost(t, db, app.Receive, app.MovementLine{SKU: "MILK", Qty: 10, To: "DOCK", Lot: &app.LotRef{Code: "L1", ExpiresOn: "2027-01-31"}})
	if _, err := Post(db, app.Move, app.MovementLine{SKU: "MILK", Qty: 1, From: "DOCK", To: "A-01"}); app.ErrorField(err) != "lines[0].lot" {
		t.Errorf("move of a lot-tracked SKU without lot: err %v, want lines[0].lot", err)
	}
	MustPost(t, db, app.Move, app.MovementLine{SKU: "MILK", Qty: 4, From: "DOCK", To: "A-01", Lot: &app.LotRef{Code: "L1"}})
	if got := OnHand(t, db, "MILK", "A-01"); got != 4 {
		t.Errorf("MILK at A-01 = %d, want 4", got)
	}

	// Reversal negates, once.
	m := MustPost(t, db, app.Move, app.MovementLine{SKU: "W-1", Qty: 10, From: "DOCK", To: "A-02"})
	rev, _, err := db.PostMovement(context.Background(), app.PostMovement{Kind: app.Reversal, IdempotencyKey: "rev-1", Reverses: m.ID})
	if err != nil {
		t.Fatal(err)
	}
	if rev.Reverses != m.ID || len(rev.Legs) != 2 || rev.Legs[0].Qty != 10 {
		t.Errorf("reversal = %+v", rev)
	}
	if got := OnHand(t, db, "W-1", "DOCK"); got != 40 {
		t.Errorf("DOCK after reversal = %d, want 40", got)
	}
	_, _, err = db.PostMovement(context.Background(), app.PostMovement{Kind: app.Reversal, IdempotencyKey: "rev-2", Reverses: m.ID})
	if app.ErrorCode(err) != app.ECONFLICT {
		t.Errorf("second reversal: err %v, want conflict", err)
	}
}

func TestIdempotency(t *testing.T) {
	db := MustOpen(t, sqlite.Options{})
	MustProduct(t, db, "Widget", false, "W-1")
	MustLocations(t, db, "DOCK")
	ctx := context.Background()
	cmd := app.PostMovement{Kind: app.Receive, IdempotencyKey: "po-7", Lines: []app.MovementLine{{SKU: "W-1", Qty: 5, To: "DOCK"}}}
	first, replay, err := db.PostMovement(ctx, cmd)
	if err != nil || replay {
		t.Fatalf("first post: replay=%v err=%v", replay, err)
	}
	again, replay, err := db.PostMovement(ctx, cmd)
	if err != nil || !replay {
		t.Fatalf("repeat: replay=%v err=%v", replay, err)
	}
	if again.ID != first.ID || again.Hash != first.Hash || len(again.Legs) != 2 {
		t.Errorf("repeat returned %+v, want movement %d", again, first.ID)
	}
	if got := OnHand(t, db, "W-1", "DOCK"); got != 5 {
		t.Errorf("on hand after repeat = %d, want 5", got)
	}
	cmd.Lines[0].Qty = 6
	if _, _, err := db.PostMovement(ctx, cmd); app.ErrorCode(err) != app.ECONFLICT || app.ErrorField(err) != "idempotency_key" {
		t.Errorf("same key, other body: err %v, want conflict on idempotency_key", err)
	}
}

func TestShipLastUnitsConcurrently(t *testing.T) {
	db := MustOpen(t, sqlite.Options{})
	MustProduct(t, db, "Widget", false, "W-1")
	MustLocations(t, db, "A-01")
	MustPost(t, db, app.Receive, app.MovementLine{SKU: "W-1", Qty: 10, To: "A-01"})
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[string]int{}
	for i := 0; i < 64; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := Post(db, app.Ship, app.MovementLine{SKU: "W-1", Qty: 1, From: "A-01"})
			mu.Lock()
			codes[app.ErrorCode(err)]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if codes[""] != 10 || codes[app.ECONFLICT] != 54 {
		t.Errorf("outcomes = %v, want 10 ok and 54 conflict", codes)
	}
	if got := OnHand(t, db, "W-1", "A-01"); got != 0 {
		t.Errorf("on hand = %d, want 0", got)
	}
}

func TestCodesMatchWithoutCase(t *testing.T) {
	db := MustOpen(t, sqlite.Options{})
	MustProduct(t, db, "Widget", false, "W-1")
	MustLocations(t, db, "A-01")
	m := MustPost(t, db, app.Receive, app.MovementLine{SKU: "w-1", Qty: 2, To: "a-01"})
	if m.Legs[1].SKU != "W-1" || m.Legs[1].Location != "A-01" {
		t.Errorf("legs name %s at %s, want the stored W-1 at A-01", m.Legs[1].SKU, m.Legs[1].Location)
	}
	_, err := db.CreateProduct(context.Background(), app.NewProduct{Name: "Clash", Variants: []app.NewVariant{{SKU: "w-1"}}})
	if app.ErrorCode(err) != app.ECONFLICT || app.ErrorField(err) != "variants[0].sku" {
		t.Errorf("SKU w-1 beside W-1: err %v, want conflict", err)
	}
	_, err = db.CreateProduct(context.Background(), app.NewProduct{Name: "Packs", Variants: []app.NewVariant{{SKU: "P-1",
		Packagings: []app.Packaging{{Name: "case", Qty: 6}, {Name: "Case", Qty: 12}}}}})
	if app.ErrorField(err) != "variants[0].packagings[1].name" || app.ErrorCode(err) != app.EINVALID {
		t.Errorf("two packagings named case: err %v", err)
	}
}

func TestIdempotencyKeyBelongsToItsUser(t *testing.T) {
	db := MustOpen(t, sqlite.Options{})
	sqlite.BcryptCost = 4
	MustProduct(t, db, "Widget", false, "W-1")
	MustLocations(t, db, "DOCK")
	ctx := context.Background()
	ana, err := db.AddUser(ctx, "ana", app.Clerk, "long enough password")
	if err != nil {
		t.Fatal(err)
	}
	bo, err := db.AddUser(ctx, "bo", app.Clerk, "long enough password")
	if err != nil {
		t.Fatal(err)
	}
	cmd := app.PostMovement{Kind: app.Receive, IdempotencyKey: "shared", UserID: ana.ID,
		Lines: []app.MovementLine{{SKU: "W-1", Qty: 1, To: "DOCK"}}}
	m, _, err := db.PostMovement(ctx, cmd)
	if err != nil || m.User != "ana" {
		t.Fatalf("ana's post: %+v %v", m, err)
	}
	cmd.UserID = bo.ID
	if _, _, err := db.PostMovement(ctx, cmd); app.ErrorCode(err) != app.ECONFLICT {
		t.Errorf("bo reusing ana's key: err %v, want conflict", err)
	}
}

func TestPostAfterCloseIsRefused(t *testing.T) {
	db := MustOpen(t, sqlite.Options{})
	MustProduct(t, db, "Widget", false, "W-1")
	MustLocations(t, db, "DOCK")
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := Post(db, app.Receive, app.MovementLine{SKU: "W-1", Qty: 1, To: "DOCK"})
			errs <- err
		}()
	}
	db.Close() // races the posts: each either commits or is refused, none hangs
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil && app.ErrorCode(err) != app.EUNAVAILABLE {
			t.Errorf("post racing close: %v", err)
		}
	}
	if _, err := Post(db, app.Receive, app.MovementLine{SKU: "W-1", Qty: 1, To: "DOCK"}); app.ErrorCode(err) != app.EUNAVAILABLE {
		t.Errorf("post after close: err %v, want unavailable", err)
	}
}
