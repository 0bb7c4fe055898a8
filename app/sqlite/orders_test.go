package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	_ "github.com/mattn/go-sqlite3"

	"depot/app"
	"depot/app/sqlite"
)

// ordersToday is the clock of the order tests: lots expire relative to it.
var ordersToday = time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)

// ordersEnv is a database with a site WH holding bins A-01..A-03 (walk
// order), a dock, a staging place and a quarantine bin, and a raw
// connection to look behind the store's back.
type ordersEnv struct {
	t   *testing.T
	db  *sqlite.DB
	raw *sql.DB
	ctx context.Context
}

func newOrdersEnv(t *testing.T) *ordersEnv {
	t.Helper()
	path := filepath.Join(t.TempDir(), "depot.db")
	db, err := sqlite.Open(context.Background(), path, sqlite.Options{Now: func() time.Time { return ordersToday }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	raw, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	e := &ordersEnv{t: t, db: db, raw: raw, ctx: context.Background()}
	MustLocations(t, db, "A-01", "A-02", "A-03")
	for _, l := range []app.NewLocation{
		{Code: "DOCK-1", Kind: app.KindDock, Parent: "WH"},
		{Code: "PACK-1", Kind: app.KindStaging, Parent: "WH"},
		{Code: "Q-01", Kind: app.KindBin, Parent: "WH", Attributes: []byte(`{"quarantine": true}`)},
	} {
		if _, err := db.CreateLocation(e.ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	MustProduct(t, db, "Milk", true, "MILK")
	MustProduct(t, db, "Bolt", false, "BOLT", "NUT")
	return e
}

// receive puts qty of sku (of lot, expiring on expires, when lot is not
// "") at loc.
func (e *ordersEnv) receive(sku, loc string, qty int64, lot, expires string) {
	e.t.Helper()
	l := app.MovementLine{SKU: sku, Qty: qty, To: loc}
	if lot != "" {
		l.Lot = &app.LotRef{Code: lot, ExpiresOn: expires}
	}
	MustPost(e.t, e.db, app.Receive, l)
}

func (e *ordersEnv) order(number, customer string, lines ...app.NewOrderLine) *app.Order {
	e.t.Helper()
	o, _, err := e.db.CreateOrder(e.ctx, app.NewOrder{Number: number, Customer: customer, Lines: lines})
	if err != nil {
		e.t.Fatalf("create order %s: %v", number, err)
	}
	return o
}

func (e *ordersEnv) release(number string) *app.Release {
	e.t.Helper()
	r, err := e.db.ReleaseOrder(e.ctx, number)
	if err != nil {
		e.t.Fatalf("release %s: %v", number, err)
	}
	return r
}

// reserved is the reserved quantity of sku at loc, all lots.
func (e *ordersEnv) reserved(sku, loc string) int64 {
	e.t.Helper()
	var n int64
	err := e.raw.QueryRow(`SELECT ifnull(sum(lv.reserved), 0) FROM inventory_levels lv
		JOIN variants v ON v.id = lv.variant_id JOIN locations l ON l.id = lv.location_id
		WHERE v.sku = ? AND l.code = ?`, sku, loc).Scan(&n)
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

func (e *ordersEnv) lotID(sku, code string) int64 {
	e.t.Helper()
	var id int64
	if err := e.raw.QueryRow(`SELECT o.id FROM lots o JOIN variants v ON v.id = o.variant_id WHERE v.sku = ? AND o.code = ?`,
		sku, code).Scan(&id); err != nil {
		e.t.Fatal(err)
	}
	return id
}

// mustVerify fails the test unless depot verify finds nothing wrong.
func (e *ordersEnv) mustVerify() {
	e.t.Helper()
	rep, err := e.db.Verify(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	if len(rep.Problems) > 0 {
		e.t.Fatalf("verify: %v", rep.Problems)
	}
}

func line(sku string, qty int64) app.NewOrderLine { return app.NewOrderLine{SKU: sku, Qty: qty} }

func TestReleaseFEFO(t *testing.T) {
	e := newOrdersEnv(t)
	// Received in an order unlike their expiry, in bins unlike the walk.
	e.receive("MILK", "A-01", 10, "L-LATE", "2027-09-01")
	e.receive("MILK", "A-02", 10, "L-FIRST", "2027-03-01")
	e.receive("MILK", "A-03", 10, "L-MID", "2027-06-01")
	e.order("SO-1", "", line("MILK", 5))
	e.order("SO-2", "", line("MILK", 12))
	got := e.release("SO-1")
	want := &app.Release{Order: "SO-1", Status: app.OrderReleased,
		Allocations: []app.ReleasedStock{{SKU: "MILK", Location: "A-02", Lot: "L-FIRST", Qty: 5}}, Backorders: []app.BackorderedLine{}}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("SO-1 (-want +got):\n%s", d)
	}
	got = e.release("SO-2")
	want = &app.Release{Order: "SO-2", Status: app.OrderReleased, Allocations: []app.ReleasedStock{
		{SKU: "MILK", Location: "A-02", Lot: "L-FIRST", Qty: 5},
		{SKU: "MILK", Location: "A-03", Lot: "L-MID", Qty: 7},
	}, Backorders: []app.BackorderedLine{}}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("SO-2 (-want +got):\n%s", d)
	}
	if r := e.reserved("MILK", "A-02"); r != 10 {
		t.Errorf("A-02 reserved %d, want 10", r)
	}
	// Releasing again replays: nothing more is reserved.
	again := e.release("SO-2")
	if d := cmp.Diff(want, again); d != "" {
		t.Fatalf("SO-2 released again (-want +got):\n%s", d)
	}
	if r := e.reserved("MILK", "A-03"); r != 7 {
		t.Errorf("A-03 reserved %d after a second release, want 7", r)
	}
	o, err := e.db.Order(e.ctx, "SO-2")
	if err != nil {
		t.Fatal(err)
	}
	if o.Status != app.OrderReleased || o.Lines[0].AllocatedQty != 12 || o.Lines[0].BackorderedQty != 0 || len(o.Allocations) != 2 {
		t.Errorf("SO-2 after release: %+v", o)
	}
	e.mustVerify()
}

func TestReleaseFIFOThenWalk(t *testing.T) {
	e := newOrdersEnv(t)
	// A-03 got stock first: it is the oldest and goes first despite the walk.
	e.receive("BOLT", "A-03", 4, "", "")
	e.receive("BOLT", "A-01", 4, "", "")
	e.receive("BOLT", "A-02", 4, "", "")
	e.order("SO-1", "", line("BOLT", 10))
	got := e.release("SO-1").Allocations
	want := []app.ReleasedStock{{SKU: "BOLT", Location: "A-03", Qty: 4}, {SKU: "BOLT", Location: "A-01", Qty: 4},
		{SKU: "BOLT", Location: "A-02", Qty: 2}}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("(-want +got):\n%s", d)
	}
}

// TestReleaseNeverAllocatesBlockedStock: recalled, held, quarantined and
// expired lots, a quarantine place, a dock and a staging place hold stock
// that is never allocated; the order is backordered instead.
func TestReleaseNeverAllocatesBlockedStock(t *testing.T) {
	e := newOrdersEnv(t)
	e.receive("MILK", "A-01", 5, "L-RECALL", "2027-01-01")
	e.receive("MILK", "A-01", 5, "L-HOLD", "2027-01-02")
	e.receive("MILK", "A-02", 5, "L-QUAR", "2027-01-03")
	e.receive("MILK", "A-02", 5, "L-PAST", "2026-11-27") // expired yesterday, status still available
	e.receive("MILK", "A-03", 5, "L-EXPSTAT", "2027-01-04")
	e.receive("MILK", "Q-01", 5, "L-INQPLACE", "2027-01-05")
	e.receive("MILK", "DOCK-1", 5, "L-DOCK", "2027-01-06")
	e.receive("MILK", "PACK-1", 5, "L-STAGE", "2027-01-07")
	e.receive("MILK", "A-03", 3, "L-GOOD", "2028-01-01")
	// A bin in a quarantine zone, and a bin of another site.
	for _, l := range []app.NewLocation{
		{Code: "QZ", Kind: app.KindZone, Parent: "WH", Attributes: []byte(`{"quarantine": true}`)},
		{Code: "QZ-01", Kind: app.KindBin, Parent: "QZ"},
		{Code: "WH2", Kind: app.KindSite},
		{Code: "B2-01", Kind: app.KindBin, Parent: "WH2"},
	} {
		if _, err := e.db.CreateLocation(e.ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	e.receive("MILK", "QZ-01", 5, "L-INQZONE", "2027-01-08")
	e.receive("MILK", "B2-01", 5, "L-OTHERSITE", "2027-01-09")
	for code, action := range map[string]app.LotAction{"L-RECALL": app.LotActionRecall, "L-HOLD": app.LotActionHold, "L-QUAR": app.LotActionQuarantine} {
		if _, err := e.db.ChangeLotStatus(e.ctx, app.LotStatusChange{LotID: e.lotID("MILK", code), Action: action, Reason: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	// No action leads to expired: a job or a manager's SQL sets it.
	if _, err := e.raw.Exec(`UPDATE lots SET status = 'expired' WHERE id = ?`, e.lotID("MILK", "L-EXPSTAT")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.db.CreateOrder(e.ctx, app.NewOrder{Number: "SO-1", Site: "WH", Lines: []app.NewOrderLine{line("MILK", 10)}}); err != nil {
		t.Fatal(err)
	}
	got := e.release("SO-1")
	want := &app.Release{Order: "SO-1", Status: app.OrderReleased,
		Allocations: []app.ReleasedStock{{SKU: "MILK", Location: "A-03", Lot: "L-GOOD", Qty: 3}},
		Backorders:  []app.BackorderedLine{{SKU: "MILK", Qty: 7}}}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("(-want +got):\n%s", d)
	}
	for _, loc := range []string{"A-01", "A-02", "Q-01", "DOCK-1", "PACK-1", "QZ-01", "B2-01"} {
		if r := e.reserved("MILK", loc); r != 0 {
			t.Errorf("%s: %d reserved, want 0", loc, r)
		}
	}
	e.mustVerify()
}

func TestReleaseMinShelfLife(t *testing.T) {
	e := newOrdersEnv(t)
	e.receive("MILK", "A-01", 10, "L-SOON", "2026-12-28")  // 30 days left
	e.receive("MILK", "A-02", 10, "L-LATER", "2027-03-08") // 100 days left
	if _, _, err := e.db.CreateCustomer(e.ctx, app.NewCustomer{Code: "SHOP", Name: "Corner shop", MinShelfLifeDays: 90}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.db.CreateCustomer(e.ctx, app.NewCustomer{Code: "FUSSY", Name: "Fussy", MinShelfLifeDays: 101}); err != nil {
		t.Fatal(err)
	}
	e.order("SO-SHOP", "SHOP", line("MILK", 4))
	e.order("SO-ANY", "", line("MILK", 4))
	e.order("SO-FUSSY", "FUSSY", line("MILK", 4))
	if a := e.release("SO-SHOP").Allocations; len(a) != 1 || a[0].Lot != "L-LATER" {
		t.Errorf("90 days of shelf life: %+v, want L-LATER", a)
	}
	if a := e.release("SO-ANY").Allocations; len(a) != 1 || a[0].Lot != "L-SOON" {
		t.Errorf("no minimum: %+v, want L-SOON", a)
	}
	if r := e.release("SO-FUSSY"); len(r.Allocations) != 0 || len(r.Backorders) != 1 || r.Backorders[0].Qty != 4 {
		t.Errorf("101 days of shelf life: %+v, want all backordered", r)
	}
}

// TestReleaseRace: 20 orders released at once for the last 7 units reserve
// exactly 7, the rest is backordered, and available never goes negative.
func TestReleaseRace(t *testing.T) {
	e := newOrdersEnv(t)
	e.receive("BOLT", "A-01", 4, "", "")
	e.receive("BOLT", "A-02", 3, "", "")
	const n = 20
	for i := 0; i < n; i++ {
		e.order(fmt.Sprintf("SO-%02d", i), "", line("BOLT", 2))
	}
	var wg sync.WaitGroup
	rels := make([]*app.Release, n)
	errs := make([]error, n)
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			rels[i], errs[i] = e.db.ReleaseOrder(e.ctx, fmt.Sprintf("SO-%02d", i))
		}(i)
	}
	close(start)
	wg.Wait()
	var allocated, backordered int64
	for i := range rels {
		if errs[i] != nil {
			t.Fatalf("SO-%02d: %v", i, errs[i])
		}
		for _, a := range rels[i].Allocations {
			allocated += a.Qty
		}
		for _, b := range rels[i].Backorders {
			backordered += b.Qty
		}
	}
	if allocated != 7 || backordered != 2*n-7 {
		t.Fatalf("allocated %d and backordered %d, want 7 and %d", allocated, backordered, 2*n-7)
	}
	if r1, r2 := e.reserved("BOLT", "A-01"), e.reserved("BOLT", "A-02"); r1 != 4 || r2 != 3 {
		t.Fatalf("reserved A-01 %d A-02 %d, want 4 and 3", r1, r2)
	}
	var negative int
	if err := e.raw.QueryRow(`SELECT count(*) FROM inventory_levels WHERE physical = 1 AND on_hand - reserved < 0`).Scan(&negative); err != nil {
		t.Fatal(err)
	}
	if negative != 0 {
		t.Fatalf("%d levels have negative available", negative)
	}
	e.mustVerify()
}

func TestReleaseOrdersBatchKeepsOrder(t *testing.T) {
	e := newOrdersEnv(t)
	e.receive("BOLT", "A-01", 5, "", "")
	numbers := []string{"SO-C", "SO-A", "SO-MISSING", "SO-B"}
	for _, n := range []string{"SO-A", "SO-B", "SO-C"} {
		e.order(n, "", line("BOLT", 2))
	}
	out := e.db.ReleaseOrders(e.ctx, numbers)
	if len(out) != 4 {
		t.Fatalf("%d outcomes, want 4", len(out))
	}
	// The list's order decides: C and A get 2 each, B the last 1.
	for i, want := range []int64{2, 2, -1, 1} {
		o := out[i]
		if o.Number != numbers[i] {
			t.Errorf("outcome %d is of %s, want %s", i, o.Number, numbers[i])
		}
		if want < 0 {
			if app.ErrorCode(o.Err) != app.ENOTFOUND {
				t.Errorf("%s: %v, want not found", o.Number, o.Err)
			}
			continue
		}
		if o.Err != nil {
			t.Fatalf("%s: %v", o.Number, o.Err)
		}
		var got int64
		for _, a := range o.Release.Allocations {
			got += a.Qty
		}
		if got != want {
			t.Errorf("%s allocated %d, want %d", o.Number, got, want)
		}
	}
	e.mustVerify()
}

func TestBackordersAllocatedWhenStockArrives(t *testing.T) {
	e := newOrdersEnv(t)
	e.receive("BOLT", "A-01", 3, "", "")
	e.order("SO-1", "", line("BOLT", 5), line("NUT", 2))
	e.order("SO-2", "", line("BOLT", 4))
	r := e.release("SO-1")
	if d := cmp.Diff([]app.BackorderedLine{{SKU: "BOLT", Qty: 2}, {SKU: "NUT", Qty: 2}}, r.Backorders); d != "" {
		t.Fatalf("backorders (-want +got):\n%s", d)
	}
	e.release("SO-2")
	if _, err := e.db.AllocateBackorders(e.ctx, "SO-OPEN-NOT-THERE"); app.ErrorCode(err) != app.ENOTFOUND {
		t.Errorf("unknown order: %v", err)
	}
	e.receive("BOLT", "A-02", 5, "", "")
	run, err := e.db.AllocateAllBackorders(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	// SO-1 (older) takes 2, SO-2 the other 3 of its 4; NUT has no stock.
	if run != (app.BackorderRun{Orders: 2, Allocated: 5, Remaining: 3}) {
		t.Fatalf("run %+v", run)
	}
	o, err := e.db.Order(e.ctx, "SO-2")
	if err != nil {
		t.Fatal(err)
	}
	if l := o.Lines[0]; l.AllocatedQty != 3 || l.BackorderedQty != 1 {
		t.Errorf("SO-2 line: allocated %d backordered %d, want 3 and 1", l.AllocatedQty, l.BackorderedQty)
	}
	e.mustVerify()
}

func TestCancelReleasesReservations(t *testing.T) {
	e := newOrdersEnv(t)
	e.receive("BOLT", "A-01", 10, "", "")
	e.order("SO-1", "", line("BOLT", 6))
	e.release("SO-1")
	if r := e.reserved("BOLT", "A-01"); r != 6 {
		t.Fatalf("reserved %d before cancel, want 6", r)
	}
	o, err := e.db.CancelOrder(e.ctx, "SO-1")
	if err != nil {
		t.Fatal(err)
	}
	if o.Status != app.OrderCancelled || o.Allocations[0].Status != app.AllocationCancelled || o.Lines[0].AllocatedQty != 0 {
		t.Errorf("after cancel: %+v", o)
	}
	if r := e.reserved("BOLT", "A-01"); r != 0 {
		t.Errorf("reserved %d after cancel, want 0", r)
	}
	if _, err := e.db.CancelOrder(e.ctx, "SO-1"); app.ErrorCode(err) != app.ECONFLICT {
		t.Errorf("cancel twice: %v, want conflict", err)
	}
	if _, err := e.db.ReleaseOrder(e.ctx, "SO-1"); app.ErrorCode(err) != app.ECONFLICT {
		t.Errorf("release a cancelled order: %v, want conflict", err)
	}
	// The stock is free for the next order.
	e.order("SO-2", "", line("BOLT", 10))
	if r := e.release("SO-2"); len(r.Backorders) != 0 {
		t.Errorf("SO-2 backordered %+v", r.Backorders)
	}
	e.mustVerify()
}

func TestVerifyFindsReservedMismatch(t *testing.T) {
	e := newOrdersEnv(t)
	e.receive("BOLT", "A-01", 10, "", "")
	e.order("SO-1", "", line("BOLT", 3))
	e.release("SO-1")
	e.mustVerify()
	if _, err := e.raw.Exec(`UPDATE inventory_levels SET reserved = reserved + 1
		WHERE variant_id = (SELECT id FROM variants WHERE sku = 'BOLT') AND location_id = (SELECT id FROM locations WHERE code = 'A-01')`); err != nil {
		t.Fatal(err)
	}
	rep, err := e.db.Verify(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := "SKU BOLT at A-01 has 4 reserved; its open and picked allocations hold 3"
	var found bool
	for _, p := range rep.Problems {
		found = found || p.What == want
	}
	if !found {
		t.Fatalf("verify problems %v, want %q", rep.Problems, want)
	}
}

func TestCreateOrderIdempotent(t *testing.T) {
	e := newOrdersEnv(t)
	cmd := app.NewOrder{Number: "SO-1", Lines: []app.NewOrderLine{{SKU: "BOLT", Qty: 2, UnitPriceMinor: 150}}, Carrier: "manual"}
	first, replayed, err := e.db.CreateOrder(e.ctx, cmd)
	if err != nil || replayed {
		t.Fatalf("first: %v replayed %v", err, replayed)
	}
	if first.Site != "WH" || first.Status != app.OrderOpen || first.Lines[0].UnitPriceMinor != 150 {
		t.Errorf("created %+v", first)
	}
	again, replayed, err := e.db.CreateOrder(e.ctx, cmd)
	if err != nil || !replayed || again.ID != first.ID {
		t.Fatalf("same again: %v replayed %v id %d", err, replayed, again.ID)
	}
	changed := cmd
	changed.Lines = []app.NewOrderLine{{SKU: "BOLT", Qty: 3}}
	if _, _, err := e.db.CreateOrder(e.ctx, changed); app.ErrorCode(err) != app.ECONFLICT || app.ErrorField(err) != "number" {
		t.Fatalf("different body: %v, want a conflict on number", err)
	}
	keyed := app.NewOrder{Number: "SO-2", IdempotencyKey: "shop-77", Lines: []app.NewOrderLine{{SKU: "NUT", Qty: 1}}}
	if _, _, err := e.db.CreateOrder(e.ctx, keyed); err != nil {
		t.Fatal(err)
	}
	keyed.Number = "SO-3"
	if _, _, err := e.db.CreateOrder(e.ctx, keyed); app.ErrorCode(err) != app.ECONFLICT || app.ErrorField(err) != "idempotency_key" {
		t.Fatalf("key reused: %v, want a conflict on idempotency_key", err)
	}
	var n int
	if err := e.raw.QueryRow(`SELECT count(*) FROM sales_orders`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("%d orders (%v), want 2", n, err)
	}
}

func TestCreateOrderRefusals(t *testing.T) {
	e := newOrdersEnv(t)
	if _, err := e.db.CreateLocation(e.ctx, app.NewLocation{Code: "WH2", Kind: app.KindSite}); err != nil {
		t.Fatal(err)
	}
	ok := []app.NewOrderLine{{SKU: "BOLT", Qty: 1}}
	for _, c := range []struct {
		name  string
		cmd   app.NewOrder
		code  string
		field string
	}{
		{"NoNumber", app.NewOrder{Site: "WH", Lines: ok}, app.EINVALID, "number"},
		{"NoLines", app.NewOrder{Number: "X", Site: "WH"}, app.EINVALID, "lines"},
		{"ZeroQty", app.NewOrder{Number: "X", Site: "WH", Lines: []app.NewOrderLine{{SKU: "BOLT"}}}, app.EINVALID, "lines[0].qty"},
		{"SameSKUTwice", app.NewOrder{Number: "X", Site: "WH", Lines: []app.NewOrderLine{{SKU: "BOLT", Qty: 1}, {SKU: "bolt", Qty: 1}}}, app.EINVALID, "lines[1].sku"},
		{"UnknownSKU", app.NewOrder{Number: "X", Site: "WH", Lines: []app.NewOrderLine{{SKU: "BOLT", Qty: 1}, {SKU: "NOPE", Qty: 1}}}, app.ENOTFOUND, "lines[1].sku"},
		{"UnknownCustomer", app.NewOrder{Number: "X", Site: "WH", Customer: "NOPE", Lines: ok}, app.ENOTFOUND, "customer"},
		{"BadDate", app.NewOrder{Number: "X", Site: "WH", ShipBy: "28/11/2026", Lines: ok}, app.EINVALID, "ship_by"},
		{"TwoSitesNoneGiven", app.NewOrder{Number: "X", Lines: ok}, app.EINVALID, "site"},
		{"SiteIsABin", app.NewOrder{Number: "X", Site: "A-01", Lines: ok}, app.EINVALID, "site"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := e.db.CreateOrder(e.ctx, c.cmd)
			if app.ErrorCode(err) != c.code || app.ErrorField(err) != c.field {
				t.Fatalf("got %v (code %s field %q), want %s on %s", err, app.ErrorCode(err), app.ErrorField(err), c.code, c.field)
			}
		})
	}
	var n int
	if err := e.raw.QueryRow(`SELECT (SELECT count(*) FROM sales_orders) + (SELECT count(*) FROM sales_order_lines)`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d order rows written (%v), want none", n, err)
	}
}

func TestCustomers(t *testing.T) {
	e := newOrdersEnv(t)
	c := app.NewCustomer{Code: "ACME", Name: "Acme Ltd", Email: "buyer@acme.example", Address: "1 Road\nTown", MinShelfLifeDays: 30}
	got, replayed, err := e.db.CreateCustomer(e.ctx, c)
	if err != nil || replayed || got.MinShelfLifeDays != 30 || got.Email != "buyer@acme.example" {
		t.Fatalf("create: %+v %v %v", got, replayed, err)
	}
	if _, replayed, err := e.db.CreateCustomer(e.ctx, c); err != nil || !replayed {
		t.Fatalf("same again: %v replayed %v", err, replayed)
	}
	c2 := c
	c2.Name = "Other"
	if _, _, err := e.db.CreateCustomer(e.ctx, c2); app.ErrorCode(err) != app.ECONFLICT {
		t.Fatalf("other details: %v", err)
	}
	if _, _, err := e.db.CreateCustomer(e.ctx, app.NewCustomer{Code: "B", Name: "B", Email: "not an email"}); app.ErrorField(err) != "email" {
		t.Fatalf("bad email: %v", err)
	}
	if u, err := e.db.UpdateCustomer(e.ctx, "acme", c2); err != nil || u.Name != "Other" {
		t.Fatalf("update: %+v %v", u, err)
	}
	// The ship-to defaults to the customer's address.
	o := e.order("SO-1", "ACME", line("BOLT", 1))
	if o.ShipTo != "1 Road\nTown" || o.Customer != "ACME" {
		t.Errorf("order ship to %q customer %q", o.ShipTo, o.Customer)
	}
	list, err := e.db.Customers(e.ctx, app.CustomerFilter{Q: "oth"})
	if err != nil || len(list) != 1 || list[0].OpenOrders != 1 {
		t.Fatalf("list: %+v %v", list, err)
	}
	orders, err := e.db.Orders(e.ctx, app.OrderFilter{Status: app.OrderOpen, Customer: "ACME"})
	if err != nil || len(orders) != 1 || orders[0].Qty != 1 || orders[0].Lines != 1 {
		t.Fatalf("orders: %+v %v", orders, err)
	}
	counts, err := e.db.OrderCounts(e.ctx)
	if err != nil || counts[app.OrderOpen] != 1 || counts[app.OrderReleased] != 0 {
		t.Fatalf("counts %v %v", counts, err)
	}
	if !strings.Contains(fmt.Sprint(counts), "cancelled") {
		t.Errorf("counts lack statuses without orders: %v", counts)
	}
}
