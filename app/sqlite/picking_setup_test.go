package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"depot/app"
)

// pickClock is a test clock that moves only when told.
type pickClock struct{ ms atomic.Int64 }

func newPickClock() *pickClock {
	c := &pickClock{}
	c.ms.Store(time.Date(2026, 11, 28, 8, 0, 0, 0, time.UTC).UnixMilli())
	return c
}
func (c *pickClock) now() time.Time          { return time.UnixMilli(c.ms.Load()).UTC() }
func (c *pickClock) advance(d time.Duration) { c.ms.Add(d.Milliseconds()) }

// pickFixture is a warehouse for the picking tests: site WH with a zone of
// two aisles (A1-01..A1-10 and A2-01..A2-10), a zone B of one aisle
// (B1-01..B1-10), a staging place PACK, users picker1..picker20 and a
// manager; SKUs TEE (a case of 6), CAP and SOCK without lots, MILK with.
type pickFixture struct {
	t     testing.TB
	db    *DB
	ctx   context.Context
	clock *pickClock
	users map[string]int64
}

func newPickFixture(t testing.TB) *pickFixture {
	t.Helper()
	clock := newPickClock()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "depot.db"), Options{Now: clock.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &pickFixture{t: t, db: db, ctx: ctx, clock: clock, users: map[string]int64{}}
	for _, p := range []app.NewProduct{
		{Name: "T-shirt", Variants: []app.NewVariant{{SKU: "TEE", UnitWeightMg: 180_000,
			Packagings: []app.Packaging{{Name: "case of 6", Qty: 6, Barcode: "CASE-TEE"}}}}},
		{Name: "Cap", Variants: []app.NewVariant{{SKU: "CAP"}}},
		{Name: "Sock", Variants: []app.NewVariant{{SKU: "SOCK"}}},
		{Name: "Milk", Variants: []app.NewVariant{{SKU: "MILK", TrackLots: true, UnitWeightMg: 1_000_000}}},
	} {
		if _, err := db.CreateProduct(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	locs := []app.NewLocation{{Code: "WH", Kind: app.KindSite},
		{Code: "PACK", Kind: app.KindStaging, Parent: "WH"},
		{Code: "Z-A", Kind: app.KindZone, Parent: "WH"}, {Code: "Z-B", Kind: app.KindZone, Parent: "WH"}}
	for _, a := range []struct{ zone, aisle string }{{"Z-A", "A1"}, {"Z-A", "A2"}, {"Z-B", "B1"}} {
		locs = append(locs, app.NewLocation{Code: a.aisle, Kind: app.KindAisle, Parent: a.zone})
		for b := 1; b <= 10; b++ {
			locs = append(locs, app.NewLocation{Code: fmt.Sprintf("%s-%02d", a.aisle, b), Kind: app.KindBin, Parent: a.aisle})
		}
	}
	for _, l := range locs {
		if _, err := db.CreateLocation(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	for i := 1; i <= 20; i++ {
		f.user(fmt.Sprintf("picker%d", i), app.Picker)
	}
	f.user("boss", app.Manager)
	return f
}

func (f *pickFixture) user(name string, role app.Role) {
	f.t.Helper()
	// No bcrypt: these users never sign in, and twenty hashes under the
	// race detector cost seconds.
	v, err := f.db.w.Do(f.ctx, func(tx *Tx) (any, error) { return tx.insertUser(name, role, []byte("x")) })
	if err != nil {
		f.t.Fatal(err)
	}
	f.users[name] = v.(int64)
}

var pickKeys atomic.Int64

// receive puts qty of sku (lot "" for none, expiring on expires) into bin.
func (f *pickFixture) receive(sku, bin, lot, expires string, qty int64) {
	f.t.Helper()
	l := app.MovementLine{SKU: sku, Qty: qty, To: bin}
	if lot != "" {
		l.Lot = &app.LotRef{Code: lot, ExpiresOn: expires}
	}
	if _, _, err := f.db.PostMovement(f.ctx, app.PostMovement{Kind: app.Receive,
		IdempotencyKey: fmt.Sprintf("recv-%d", pickKeys.Add(1)), Lines: []app.MovementLine{l}}); err != nil {
		f.t.Fatal(err)
	}
}

// testLine is a line of an order the tests release: qty of sku.
type testLine struct {
	sku string
	qty int64
}

// release enters the order and releases it with the orders branch's real
// release (FEFO/FIFO allocation and reservation). carrier and shipBy may
// be "".
func (f *pickFixture) release(number, carrier, shipBy string, lines ...testLine) *app.Release {
	f.t.Helper()
	o := app.NewOrder{Number: number, Carrier: carrier, ShipBy: shipBy}
	for _, l := range lines {
		o.Lines = append(o.Lines, app.NewOrderLine{SKU: l.sku, Qty: l.qty})
	}
	if _, _, err := f.db.CreateOrder(f.ctx, o); err != nil {
		f.t.Fatalf("order %s: %v", number, err)
	}
	rel, err := f.db.ReleaseOrder(f.ctx, number)
	if err != nil {
		f.t.Fatalf("release %s: %v", number, err)
	}
	return rel
}

// level returns on hand and reserved of sku at loc (all lots).
func (f *pickFixture) level(sku, loc string) (onHand, reserved int64) {
	f.t.Helper()
	err := f.db.read.QueryRowContext(f.ctx, `SELECT ifnull(sum(il.on_hand), 0), ifnull(sum(il.reserved), 0)
		FROM inventory_levels il JOIN variants v ON v.id = il.variant_id JOIN locations l ON l.id = il.location_id
		WHERE v.sku = ? AND l.code = ?`, sku, loc).Scan(&onHand, &reserved)
	if err != nil {
		f.t.Fatal(err)
	}
	return onHand, reserved
}

// checkReserved asserts the contract's invariant: every level's reserved
// is the sum of its open and picked allocations, and the ledger verifies.
func (f *pickFixture) checkReserved() {
	f.t.Helper()
	rows, err := f.db.read.QueryContext(f.ctx, `SELECT il.variant_id, il.location_id, il.lot_id, il.reserved,
			(SELECT ifnull(sum(a.qty), 0) FROM allocations a WHERE a.variant_id = il.variant_id AND a.location_id = il.location_id
				AND a.lot_id = il.lot_id AND a.status IN ('open', 'picked'))
		FROM inventory_levels il WHERE il.physical = 1`)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var v, l, lot, reserved, allocated int64
		if err := rows.Scan(&v, &l, &lot, &reserved, &allocated); err != nil {
			f.t.Fatal(err)
		}
		if reserved != allocated {
			f.t.Errorf("level variant %d location %d lot %d: reserved %d, allocations %d", v, l, lot, reserved, allocated)
		}
	}
	rep, err := f.db.Verify(f.ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	if len(rep.Problems) > 0 {
		f.t.Fatalf("verify: %v", rep.Problems)
	}
}

// orderStatus returns the sales order's status.
func (f *pickFixture) orderStatus(number string) string {
	f.t.Helper()
	var s string
	if err := f.db.read.QueryRowContext(f.ctx, `SELECT status FROM sales_orders WHERE number = ?`, number).Scan(&s); err != nil {
		f.t.Fatal(err)
	}
	return s
}

// stops is the list's stops as "bin sku qty tote" lines.
func stops(l *app.PickList) []string {
	var out []string
	for _, t := range l.Stops {
		out = append(out, strings.TrimSpace(fmt.Sprintf("%s %s %d %s %s", t.Location, t.SKU, t.Qty, t.Tote, t.Lot)))
	}
	return out
}
