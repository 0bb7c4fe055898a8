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

// purchasingDB is a fresh database with a clock the test moves, two
// variants (W-1; L-1 tracked by lot), a dock, a bin and a supplier ACME.
type purchasingDB struct {
	*DB
	t   *testing.T
	now atomic.Int64 // unix ms
}

func newPurchasingDB(t *testing.T) *purchasingDB {
	t.Helper()
	p := &purchasingDB{t: t}
	p.now.Store(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC).UnixMilli())
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "depot.db"),
		Options{Now: func() time.Time { return time.UnixMilli(p.now.Load()) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	p.DB = db
	ctx := context.Background()
	if _, err := db.CreateProduct(ctx, app.NewProduct{Name: "Widget", Variants: []app.NewVariant{{SKU: "W-1"}, {SKU: "L-1", TrackLots: true}}}); err != nil {
		t.Fatal(err)
	}
	for _, l := range []app.NewLocation{{Code: "WH", Kind: app.KindSite}, {Code: "DOCK", Kind: app.KindDock, Parent: "WH"},
		{Code: "A-01", Kind: app.KindBin, Parent: "WH"}} {
		if _, err := db.CreateLocation(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := db.CreateSupplier(ctx, app.NewSupplier{Code: "ACME", Name: "Acme Trading", Email: "orders@acme.example"}); err != nil {
		t.Fatal(err)
	}
	return p
}

// at sets the clock to the UTC date and hour.
func (p *purchasingDB) at(date string, hour int) {
	d, err := time.Parse("2006-01-02", date)
	if err != nil {
		p.t.Fatal(err)
	}
	p.now.Store(d.Add(time.Duration(hour) * time.Hour).UnixMilli())
}

func (p *purchasingDB) count(table string) int64 {
	p.t.Helper()
	var n int64
	if err := p.read.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		p.t.Fatal(err)
	}
	return n
}

// tables are the tables purchasing writes.
var purchasingTables = []string{"suppliers", "purchase_orders", "purchase_order_lines", "receipts", "receipt_lines", "lots"}

func (p *purchasingDB) counts() map[string]int64 {
	out := map[string]int64{}
	for _, t := range purchasingTables {
		out[t] = p.count(t)
	}
	return out
}

func (p *purchasingDB) mustCreate(o app.NewPurchaseOrder) *app.PurchaseOrder {
	p.t.Helper()
	po, replayed, err := p.CreatePurchaseOrder(context.Background(), o)
	if err != nil || replayed {
		p.t.Fatalf("create %s: %v (replayed %v)", o.Number, err, replayed)
	}
	return po
}

func (p *purchasingDB) mustAct(number string, a app.POAction) *app.PurchaseOrder {
	p.t.Helper()
	po, done, err := p.ActOnPurchaseOrder(context.Background(), number, a, 0)
	if err != nil || done {
		p.t.Fatalf("%s %s: %v (done %v)", a, number, err, done)
	}
	return po
}

func (p *purchasingDB) onOrder(sku string) int64 {
	p.t.Helper()
	n, err := p.OnOrder(context.Background(), sku)
	if err != nil {
		p.t.Fatal(err)
	}
	return n
}

// receive takes units in against lines of the order as a receipt would:
// line number -> {qty, damaged}.
func (p *purchasingDB) receive(number string, lines map[int64][2]int64) error {
	_, err := p.w.Do(context.Background(), func(tx *Tx) (any, error) {
		po, err := tx.poForReceipt(number)
		if err != nil {
			return nil, err
		}
		refs, err := tx.poLineRefs(po.ID)
		if err != nil {
			return nil, err
		}
		for _, l := range refs {
			if q, ok := lines[l.LineNo]; ok {
				if err := tx.addPOLineReceipt(l.ID, q[0], q[1]); err != nil {
					return nil, err
				}
			}
		}
		return nil, tx.refreshPOStatus(po.ID)
	})
	return err
}

func po1() app.NewPurchaseOrder {
	return app.NewPurchaseOrder{Number: "PO-1", Supplier: "ACME", ExpectedOn: "2026-03-05", Dock: "dock",
		Lines: []app.NewPOLine{{SKU: "w-1", Qty: 10, UnitCostMinor: 250}, {SKU: "L-1", Qty: 6, UnitCostMinor: 900, ExpectedOn: "2026-03-09"}}}
}

func TestPurchaseOrderLifecycle(t *testing.T) {
	p := newPurchasingDB(t)
	ctx := context.Background()
	po := p.mustCreate(po1())
	if po.Status != app.PODraft || po.Dock != "DOCK" || len(po.Lines) != 2 {
		t.Fatalf("created: %+v", po)
	}
	if l := po.Lines[0]; l.SKU != "W-1" || l.ExpectedOn != "2026-03-05" || l.Ordered != 10 || l.Outstanding != 10 || l.UnitCostMinor != 250 {
		t.Errorf("line 1 (expected date from the order): %+v", l)
	}
	if l := po.Lines[1]; l.ExpectedOn != "2026-03-09" || !l.TrackLots {
		t.Errorf("line 2 (own date): %+v", l)
	}
	if n := p.onOrder("W-1"); n != 0 {
		t.Errorf("a draft is not on order: %d", n)
	}
	if err := p.receive("PO-1", map[int64][2]int64{1: {1, 0}}); app.ErrorCode(err) != app.ECONFLICT {
		t.Errorf("receiving against a draft: %v", err)
	}

	t.Run("EditDraft", func(t *testing.T) {
		o := po1()
		o.Number = ""
		o.Lines[0].Qty = 12
		o.Lines = append(o.Lines[:1], app.NewPOLine{SKU: "L-1", Qty: 8})
		got, err := p.UpdatePurchaseOrder(ctx, "po-1", o)
		if err != nil {
			t.Fatal(err)
		}
		if got.Lines[0].Ordered != 12 || got.Lines[1].Ordered != 8 || got.Lines[1].ExpectedOn != "2026-03-05" {
			t.Errorf("edited lines: %+v", got.Lines)
		}
		if n := p.count("purchase_order_lines"); n != 2 {
			t.Errorf("%d lines stored, want 2", n)
		}
	})

	p.at("2026-03-03", 10)
	po = p.mustAct("PO-1", app.POSend)
	if po.Status != app.POSent || po.SentAt == nil || !po.SentAt.Equal(time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)) {
		t.Fatalf("sent: %s at %v", po.Status, po.SentAt)
	}
	if _, done, err := p.ActOnPurchaseOrder(ctx, "PO-1", app.POSend, 0); err != nil || !done {
		t.Errorf("sending again: done %v, %v", done, err)
	}
	if _, err := p.UpdatePurchaseOrder(ctx, "PO-1", po1()); app.ErrorCode(err) != app.ECONFLICT {
		t.Errorf("editing a sent order: %v", err)
	}
	if a, b := p.onOrder("W-1"), p.onOrder("L-1"); a != 12 || b != 8 {
		t.Errorf("on order after sending: W-1 %d, L-1 %d; want 12, 8", a, b)
	}

	p.at("2026-03-04", 8)
	if err := p.receive("PO-1", map[int64][2]int64{1: {5, 1}}); err != nil {
		t.Fatal(err)
	}
	po, _ = p.PurchaseOrder(ctx, "PO-1")
	if po.Status != app.POPartial || po.Lines[0].Received != 5 || po.Lines[0].Damaged != 1 || po.Lines[0].Outstanding != 7 {
		t.Fatalf("after a partial receipt: %s %+v", po.Status, po.Lines[0])
	}
	if p.onOrder("W-1") != 7 {
		t.Errorf("on order after receiving 5 of 12: %d, want 7", p.onOrder("W-1"))
	}
	if _, _, err := p.ActOnPurchaseOrder(ctx, "PO-1", app.POCancel, 0); app.ErrorCode(err) != app.ECONFLICT {
		t.Errorf("cancelling a partial order: %v", err)
	}

	t.Run("ReceivedInFull", func(t *testing.T) {
		p.at("2026-03-06", 8)
		// Line 1 over by 1 (7 due, 8 come), line 2 in full.
		if err := p.receive("PO-1", map[int64][2]int64{1: {8, 0}, 2: {8, 0}}); err != nil {
			t.Fatal(err)
		}
		po, _ := p.PurchaseOrder(ctx, "PO-1")
		if po.Status != app.POReceived || !po.Lines[0].Closed || po.Lines[0].Outstanding != 0 || po.Lines[0].Received != 13 {
			t.Fatalf("after receiving all: %s %+v", po.Status, po.Lines)
		}
		if !po.Lines[0].FirstReceivedAt.Equal(time.Date(2026, 3, 4, 8, 0, 0, 0, time.UTC)) ||
			!po.Lines[0].LastReceivedAt.Equal(time.Date(2026, 3, 6, 8, 0, 0, 0, time.UTC)) {
			t.Errorf("receipt instants: %v %v", po.Lines[0].FirstReceivedAt, po.Lines[0].LastReceivedAt)
		}
		if !po.Lines[0].Late() || !po.Lines[1].Late() {
			t.Errorf("late: line 1 %v, line 2 %v (both due 03-05, last received 03-06)", po.Lines[0].Late(), po.Lines[1].Late())
		}
		if p.onOrder("W-1") != 0 || p.onOrder("L-1") != 0 {
			t.Errorf("on order after receiving all: %d %d", p.onOrder("W-1"), p.onOrder("L-1"))
		}
		before := p.count("receipts")
		po = p.mustAct("PO-1", app.POClose)
		if po.Status != app.POClosed || po.ClosedAt == nil || p.count("receipts") != before {
			t.Errorf("closing a received order: %s, %d receipts (was %d)", po.Status, p.count("receipts"), before)
		}
	})
}

func TestClosePartialOrderShort(t *testing.T) {
	p := newPurchasingDB(t)
	ctx := context.Background()
	o := po1()
	o.Dock = "" // the short receipt falls back to the database's dock
	p.mustCreate(o)
	p.mustAct("PO-1", app.POSend)
	if err := p.receive("PO-1", map[int64][2]int64{1: {4, 0}}); err != nil {
		t.Fatal(err)
	}
	po := p.mustAct("PO-1", app.POClose)
	if po.Status != app.POClosed {
		t.Fatalf("status %s", po.Status)
	}
	if l := po.Lines[0]; !l.Closed || l.Short != 6 || l.Outstanding != 0 || l.Received != 4 {
		t.Errorf("line 1 closed short: %+v", l)
	}
	if l := po.Lines[1]; l.Short != 6 || l.Received != 0 {
		t.Errorf("line 2 closed short: %+v", l)
	}
	if len(po.Receipts) != 1 {
		t.Fatalf("receipts: %+v", po.Receipts)
	}
	r := po.Receipts[0]
	if r.Dock != "DOCK" || r.MovementID != 0 || len(r.Lines) != 2 || r.Lines[0].Condition != "short" || r.Lines[0].Qty != 6 ||
		r.Lines[0].LineNo != 1 || r.Lines[1].SKU != "L-1" || r.Lines[1].Qty != 6 {
		t.Errorf("short receipt: %+v", r)
	}
	if p.onOrder("W-1") != 0 || p.onOrder("L-1") != 0 {
		t.Errorf("on order after closing: %d %d", p.onOrder("W-1"), p.onOrder("L-1"))
	}
	if _, done, err := p.ActOnPurchaseOrder(ctx, "PO-1", app.POClose, 0); err != nil || !done {
		t.Errorf("closing again: %v %v", done, err)
	}
	if n := p.count("receipt_lines"); n != 2 {
		t.Errorf("closing again wrote: %d receipt lines", n)
	}
	if err := p.receive("PO-1", map[int64][2]int64{1: {1, 0}}); app.ErrorCode(err) != app.ECONFLICT {
		t.Errorf("receiving against a closed order: %v", err)
	}
}

func TestPurchaseOrderActions(t *testing.T) {
	for _, c := range []struct {
		name    string
		steps   []app.POAction
		act     app.POAction
		code    string
		done    bool
		status  app.POStatus
		onOrder int64
	}{
		{"SendDraft", nil, app.POSend, "", false, app.POSent, 10},
		{"CancelDraft", nil, app.POCancel, "", false, app.POCancelled, 0},
		{"CancelSent", []app.POAction{app.POSend}, app.POCancel, "", false, app.POCancelled, 0},
		{"CancelTwice", []app.POAction{app.POCancel}, app.POCancel, "", true, app.POCancelled, 0},
		{"CloseDraft", nil, app.POClose, app.ECONFLICT, false, app.PODraft, 0},
		{"SendCancelled", []app.POAction{app.POCancel}, app.POSend, app.ECONFLICT, false, app.POCancelled, 0},
		{"CloseCancelled", []app.POAction{app.POCancel}, app.POClose, app.ECONFLICT, false, app.POCancelled, 0},
		{"SendClosed", []app.POAction{app.POSend, app.POClose}, app.POSend, app.ECONFLICT, false, app.POClosed, 0},
		{"CancelClosed", []app.POAction{app.POSend, app.POClose}, app.POCancel, app.ECONFLICT, false, app.POClosed, 0},
		{"UnknownAction", nil, "approve", app.EINVALID, false, app.PODraft, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := newPurchasingDB(t)
			p.mustCreate(po1())
			for _, a := range c.steps {
				p.mustAct("PO-1", a)
			}
			before := p.counts()
			po, done, err := p.ActOnPurchaseOrder(context.Background(), "PO-1", c.act, 0)
			if app.ErrorCode(err) != c.code || done != c.done {
				t.Fatalf("%s: done %v, err %v; want code %q done %v", c.act, done, err, c.code, c.done)
			}
			if err == nil && po.Status != c.status {
				t.Errorf("status %s, want %s", po.Status, c.status)
			}
			if err != nil || done {
				if after := p.counts(); fmt.Sprint(after) != fmt.Sprint(before) {
					t.Errorf("rows changed: %v -> %v", before, after)
				}
				got, _ := p.PurchaseOrder(context.Background(), "PO-1")
				if got.Status != c.status {
					t.Errorf("status %s after refusal, want %s", got.Status, c.status)
				}
			}
			if n := p.onOrder("W-1"); n != c.onOrder {
				t.Errorf("on order %d, want %d", n, c.onOrder)
			}
		})
	}
	t.Run("NotFound", func(t *testing.T) {
		p := newPurchasingDB(t)
		_, _, err := p.ActOnPurchaseOrder(context.Background(), "PO-404", app.POSend, 0)
		if app.ErrorCode(err) != app.ENOTFOUND || app.ErrorField(err) != "number" {
			t.Errorf("%v", err)
		}
	})
}

func TestCreatePurchaseOrderBadInput(t *testing.T) {
	p := newPurchasingDB(t)
	ctx := context.Background()
	p.mustCreate(po1())
	for _, c := range []struct {
		name, code, field string
		change            func(o *app.NewPurchaseOrder)
	}{
		{"NoNumber", app.EINVALID, "number", func(o *app.NewPurchaseOrder) { o.Number = " " }},
		{"NumberWithSpace", app.EINVALID, "number", func(o *app.NewPurchaseOrder) { o.Number = "PO 2" }},
		{"NoSupplier", app.EINVALID, "supplier", func(o *app.NewPurchaseOrder) { o.Supplier = "" }},
		{"UnknownSupplier", app.ENOTFOUND, "supplier", func(o *app.NewPurchaseOrder) { o.Supplier = "NOPE" }},
		{"BadDate", app.EINVALID, "expected_on", func(o *app.NewPurchaseOrder) { o.ExpectedOn = "2026-02-30" }},
		{"DockIsABin", app.EINVALID, "dock", func(o *app.NewPurchaseOrder) { o.Dock = "A-01" }},
		{"UnknownDock", app.ENOTFOUND, "dock", func(o *app.NewPurchaseOrder) { o.Dock = "D-9" }},
		{"NoLines", app.EINVALID, "lines", func(o *app.NewPurchaseOrder) { o.Lines = nil }},
		{"UnknownSKU", app.ENOTFOUND, "lines[1].sku", func(o *app.NewPurchaseOrder) { o.Lines[1].SKU = "X-9" }},
		{"ZeroQty", app.EINVALID, "lines[0].qty", func(o *app.NewPurchaseOrder) { o.Lines[0].Qty = 0 }},
		{"NegativeCost", app.EINVALID, "lines[1].unit_cost_minor", func(o *app.NewPurchaseOrder) { o.Lines[1].UnitCostMinor = -1 }},
		{"LineDate", app.EINVALID, "lines[1].expected_on", func(o *app.NewPurchaseOrder) { o.Lines[1].ExpectedOn = "9/3/2026" }},
		{"SKUTwice", app.EINVALID, "lines[1].sku", func(o *app.NewPurchaseOrder) { o.Lines[1].SKU = "W-1" }},
		{"NumberTakenOtherContent", app.ECONFLICT, "number", func(o *app.NewPurchaseOrder) { o.Number = "po-1"; o.Lines[0].Qty = 11 }},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := po1()
			o.Number = "PO-2"
			c.change(&o)
			before := p.counts()
			_, _, err := p.CreatePurchaseOrder(ctx, o)
			if app.ErrorCode(err) != c.code || app.ErrorField(err) != c.field {
				t.Fatalf("got %v (code %s, field %q); want code %s field %q", err, app.ErrorCode(err), app.ErrorField(err), c.code, c.field)
			}
			if after := p.counts(); fmt.Sprint(after) != fmt.Sprint(before) {
				t.Errorf("rows changed: %v -> %v", before, after)
			}
		})
	}
	t.Run("Replay", func(t *testing.T) {
		o := po1()
		o.Number = "po-1" // numbers match without regard to case
		before := p.counts()
		po, replayed, err := p.CreatePurchaseOrder(ctx, o)
		if err != nil || !replayed || po.Number != "PO-1" {
			t.Fatalf("replay: %v %v %+v", replayed, err, po)
		}
		if after := p.counts(); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Errorf("replay wrote: %v -> %v", before, after)
		}
	})
}

func TestSuppliers(t *testing.T) {
	p := newPurchasingDB(t)
	ctx := context.Background()
	s, replayed, err := p.CreateSupplier(ctx, app.NewSupplier{Code: "ACME", Name: "Acme Trading", Email: "orders@acme.example"})
	if err != nil || !replayed || s.Name != "Acme Trading" {
		t.Fatalf("repeat: %v %v %+v", replayed, err, s)
	}
	for _, c := range []struct {
		name, code, field string
		s                 app.NewSupplier
	}{
		{"OtherDetails", app.ECONFLICT, "code", app.NewSupplier{Code: "ACME", Name: "Acme Ltd"}},
		{"NoCode", app.EINVALID, "code", app.NewSupplier{Name: "X"}},
		{"NoName", app.EINVALID, "name", app.NewSupplier{Code: "X"}},
		{"BadEmail", app.EINVALID, "email", app.NewSupplier{Code: "X", Name: "X", Email: "orders at x"}},
		{"BadPhone", app.EINVALID, "phone", app.NewSupplier{Code: "X", Name: "X", Phone: "call me"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := p.CreateSupplier(ctx, c.s)
			if app.ErrorCode(err) != c.code || app.ErrorField(err) != c.field {
				t.Errorf("got %v; want %s on %s", err, c.code, c.field)
			}
			if n := p.count("suppliers"); n != 1 {
				t.Errorf("%d suppliers", n)
			}
		})
	}
	if _, _, err := p.CreateSupplier(ctx, app.NewSupplier{Code: "BOLT", Name: "Bolt & Nut", Phone: "+44 (0)20 7946-0000"}); err != nil {
		t.Fatal(err)
	}
	s, err = p.UpdateSupplier(ctx, "BOLT", app.NewSupplier{Name: "Bolt and Nut Ltd", Email: "sales@bolt.example"})
	if err != nil || s.Name != "Bolt and Nut Ltd" || s.Email != "sales@bolt.example" || s.Phone != "" {
		t.Fatalf("update: %v %+v", err, s)
	}
	if _, err := p.UpdateSupplier(ctx, "NOPE", app.NewSupplier{Name: "x"}); app.ErrorCode(err) != app.ENOTFOUND {
		t.Errorf("update unknown: %v", err)
	}
	p.mustCreate(po1())
	list, err := p.Suppliers(ctx, "bolt")
	if err != nil || len(list) != 1 || list[0].Code != "BOLT" {
		t.Errorf("search: %v %+v", err, list)
	}
	list, _ = p.Suppliers(ctx, "")
	if len(list) != 2 || list[0].Code != "ACME" || list[0].OpenOrders != 1 || list[1].OpenOrders != 0 {
		t.Errorf("all: %+v", list)
	}
}

func TestSupplierRecordAndLists(t *testing.T) {
	p := newPurchasingDB(t)
	ctx := context.Background()
	p.mustCreate(po1())
	p.mustAct("PO-1", app.POSend)
	p.at("2026-03-05", 23) // line 1 due 03-05: on time; line 2 due 03-09
	if err := p.receive("PO-1", map[int64][2]int64{1: {10, 0}, 2: {2, 0}}); err != nil {
		t.Fatal(err)
	}
	p.at("2026-03-11", 9) // line 2's rest two days late
	if err := p.receive("PO-1", map[int64][2]int64{2: {4, 0}}); err != nil {
		t.Fatal(err)
	}
	o := po1()
	o.Number, o.Lines = "PO-2", o.Lines[:1]
	p.mustCreate(o)
	p.mustAct("PO-2", app.POSend)
	p.at("2026-03-04", 9)
	if err := p.receive("PO-2", map[int64][2]int64{1: {3, 0}}); err != nil {
		t.Fatal(err)
	}
	p.mustAct("PO-2", app.POClose) // on time, not in full
	o.Number = "PO-3"
	p.mustCreate(o) // a draft: not in the record
	r, err := p.SupplierRecord(ctx, "ACME")
	if err != nil {
		t.Fatal(err)
	}
	if r.Lines != 3 || r.OnTime != 2 || r.InFull != 2 || r.OnTimePercent() != 66 {
		t.Errorf("record: %+v", r)
	}
	if len(r.Late) != 1 || r.Late[0] != (app.LateLine{Number: "PO-1", LineNo: 2, SKU: "L-1", ExpectedOn: "2026-03-09", ArrivedOn: "2026-03-11", DaysLate: 2}) {
		t.Errorf("late lines: %+v", r.Late)
	}
	for _, c := range []struct {
		name string
		f    app.POFilter
		want string
		code string
	}{
		{"All", app.POFilter{}, "[PO-3 PO-2 PO-1]", ""},
		{"Closed", app.POFilter{Status: app.POClosed}, "[PO-2]", ""},
		{"Open", app.POFilter{Open: true}, "[PO-3]", ""},
		{"Supplier", app.POFilter{Supplier: "ACME", Status: app.POReceived}, "[PO-1]", ""},
		{"SKU", app.POFilter{SKU: "l-1"}, "[PO-1]", ""},
		{"BadStatus", app.POFilter{Status: "open"}, "", app.EINVALID},
		{"UnknownSupplier", app.POFilter{Supplier: "NOPE"}, "", app.ENOTFOUND},
	} {
		t.Run(c.name, func(t *testing.T) {
			list, err := p.PurchaseOrders(ctx, c.f)
			if app.ErrorCode(err) != c.code {
				t.Fatalf("err %v, want %q", err, c.code)
			}
			var got []string
			for _, s := range list {
				got = append(got, s.Number)
			}
			if c.code == "" && fmt.Sprint(got) != c.want {
				t.Errorf("got %v, want %s", got, c.want)
			}
		})
	}
	list, _ := p.PurchaseOrders(ctx, app.POFilter{Status: app.POReceived})
	if s := list[0]; s.Ordered != 16 || s.Received != 16 || s.Outstanding != 0 || s.ValueMinor != 10*250+6*900 || s.Lines != 2 {
		t.Errorf("summary: %+v", s)
	}
}

func TestSetLotSupplier(t *testing.T) {
	p := newPurchasingDB(t)
	ctx := context.Background()
	if _, _, err := p.PostMovement(ctx, app.PostMovement{Kind: app.Receive, IdempotencyKey: "r1",
		Lines: []app.MovementLine{{SKU: "L-1", Qty: 3, To: "DOCK", Lot: &app.LotRef{Code: "LOT-A"}}}}); err != nil {
		t.Fatal(err)
	}
	lots, _ := p.Lots(ctx, app.LotFilter{SKU: "L-1"})
	id := lots[0].ID
	if err := p.SetLotSupplier(ctx, id, "ACME"); err != nil {
		t.Fatal(err)
	}
	if l, _ := p.Lot(ctx, id); l.Supplier != "Acme Trading" {
		t.Errorf("supplier %q", l.Supplier)
	}
	if err := p.SetLotSupplier(ctx, id, "NOPE"); app.ErrorCode(err) != app.ENOTFOUND || app.ErrorField(err) != "supplier" {
		t.Errorf("unknown supplier: %v", err)
	}
	if err := p.SetLotSupplier(ctx, 999, "ACME"); app.ErrorCode(err) != app.ENOTFOUND {
		t.Errorf("unknown lot: %v", err)
	}
	if err := p.SetLotSupplier(ctx, id, ""); err != nil {
		t.Fatal(err)
	}
	if l, _ := p.Lot(ctx, id); l.Supplier != "" {
		t.Errorf("cleared supplier %q", l.Supplier)
	}
}

func TestAddPOLineReceiptBadInput(t *testing.T) {
	p := newPurchasingDB(t)
	p.mustCreate(po1())
	p.mustAct("PO-1", app.POSend)
	for _, q := range [][2]int64{{0, 0}, {3, 4}, {2, -1}} {
		if err := p.receive("PO-1", map[int64][2]int64{1: q}); app.ErrorCode(err) != app.EINVALID {
			t.Errorf("%v: %v", q, err)
		}
	}
	_, err := p.w.Do(context.Background(), func(tx *Tx) (any, error) { return nil, tx.addPOLineReceipt(999, 1, 0) })
	if app.ErrorCode(err) != app.ENOTFOUND {
		t.Errorf("unknown line: %v", err)
	}
	po, _ := p.PurchaseOrder(context.Background(), "PO-1")
	if po.Status != app.POSent || po.Lines[0].Received != 0 {
		t.Errorf("refused receipts changed the order: %s %+v", po.Status, po.Lines[0])
	}
}

// benchPurchasing opens a database with 2,000 sent orders of 5 lines each
// over 1,000 variants.
func benchPurchasing(b testing.TB) *DB {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(b.TempDir(), "depot.db"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	p := app.NewProduct{Name: "Bulk"}
	for i := range 1000 {
		p.Variants = append(p.Variants, app.NewVariant{SKU: fmt.Sprintf("B-%04d", i)})
	}
	if _, err := db.CreateProduct(ctx, p); err != nil {
		b.Fatal(err)
	}
	if _, _, err := db.CreateSupplier(ctx, app.NewSupplier{Code: "S", Name: "S"}); err != nil {
		b.Fatal(err)
	}
	for i := range 2000 {
		o := app.NewPurchaseOrder{Number: fmt.Sprintf("PO-%d", i), Supplier: "S"}
		for j := range 5 {
			o.Lines = append(o.Lines, app.NewPOLine{SKU: fmt.Sprintf("B-%04d", (i*5+j)%1000), Qty: 10})
		}
		if _, _, err := db.CreatePurchaseOrder(ctx, o); err != nil {
			b.Fatal(err)
		}
		if _, _, err := db.ActOnPurchaseOrder(ctx, o.Number, app.POSend, 0); err != nil {
			b.Fatal(err)
		}
	}
	return db
}

// BenchmarkOnOrder measures the on-order sum of one variant (10 open
// lines among 10,000).
func BenchmarkOnOrder(b *testing.B) {
	db := benchPurchasing(b)
	for i := 0; b.Loop(); i++ {
		n, err := db.OnOrder(context.Background(), fmt.Sprintf("B-%04d", i%1000))
		if err != nil || n != 100 {
			b.Fatalf("on order %d, %v; want 100", n, err)
		}
	}
}

// BenchmarkPurchaseOrderList measures the first page (200) of the order
// list, sent orders of one supplier, with their lines' sums.
func BenchmarkPurchaseOrderList(b *testing.B) {
	db := benchPurchasing(b)
	for b.Loop() {
		list, err := db.PurchaseOrders(context.Background(), app.POFilter{Supplier: "S", Status: app.POSent})
		if err != nil || len(list) != 200 || list[0].Outstanding != 50 {
			b.Fatalf("%d orders, %v", len(list), err)
		}
	}
}

// BenchmarkPurchaseOrder measures one order's page read: header, lines,
// receipts.
func BenchmarkPurchaseOrder(b *testing.B) {
	db := benchPurchasing(b)
	for i := 0; b.Loop(); i++ {
		po, err := db.PurchaseOrder(context.Background(), fmt.Sprintf("PO-%d", i%2000))
		if err != nil || len(po.Lines) != 5 {
			b.Fatalf("%v %v", po, err)
		}
	}
}

// TestRefreshPOStatus derives the status from lines as a receipt leaves
// them, a line closed short at a receipt included.
func TestRefreshPOStatus(t *testing.T) {
	for _, c := range []struct {
		name   string
		lines  string // SQL assignments to line 1 and line 2
		status app.POStatus
	}{
		{"Nothing", "received_qty = 0|received_qty = 0", app.POSent},
		{"SomeUnits", "received_qty = 3|received_qty = 0", app.POPartial},
		{"ClosedShortAtReceipt", "closed = 1|received_qty = 0", app.POPartial},
		{"AllInFull", "received_qty = 10|received_qty = 6", app.POReceived},
		{"InFullAndClosedShort", "received_qty = 10, closed = 1|closed = 1, received_qty = 2", app.POReceived},
		{"OneLeft", "received_qty = 10, closed = 1|received_qty = 5", app.POPartial},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := newPurchasingDB(t)
			p.mustCreate(po1())
			p.mustAct("PO-1", app.POSend)
			_, err := p.w.Do(context.Background(), func(tx *Tx) (any, error) {
				po, err := tx.poForReceipt("PO-1")
				if err != nil {
					return nil, err
				}
				for i, set := range strings.Split(c.lines, "|") {
					if _, err := tx.Exec(`UPDATE purchase_order_lines SET `+set+` WHERE po_id = ? AND line_no = ?`, po.ID, i+1); err != nil {
						return nil, err
					}
				}
				return nil, tx.refreshPOStatus(po.ID)
			})
			if err != nil {
				t.Fatal(err)
			}
			if po, _ := p.PurchaseOrder(context.Background(), "PO-1"); po.Status != c.status {
				t.Errorf("status %s, want %s", po.Status, c.status)
			}
		})
	}
	t.Run("DraftLeftAlone", func(t *testing.T) {
		p := newPurchasingDB(t)
		po := p.mustCreate(po1())
		if _, err := p.w.Do(context.Background(), func(tx *Tx) (any, error) { return nil, tx.refreshPOStatus(po.ID) }); err != nil {
			t.Fatal(err)
		}
		if got, _ := p.PurchaseOrder(context.Background(), "PO-1"); got.Status != app.PODraft {
			t.Errorf("status %s", got.Status)
		}
	})
}
