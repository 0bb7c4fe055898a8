package web_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"depot/app"
	"depot/app/sqlite"
	"depot/app/web"
)

// newPurchasingEnv is the API with the purchasing service, a product with
// W-1 and L-1 (by lot), a dock DOCK and a bin A-01.
func newPurchasingEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t, func(s *web.Services) { s.Purchasing = s.Ledger.(*sqlite.DB) })
	ctx := context.Background()
	if _, err := e.db.CreateProduct(ctx, app.NewProduct{Name: "Widget", Variants: []app.NewVariant{{SKU: "W-1"}, {SKU: "L-1", TrackLots: true}}}); err != nil {
		t.Fatal(err)
	}
	for _, l := range []app.NewLocation{{Code: "WH", Kind: app.KindSite}, {Code: "DOCK", Kind: app.KindDock, Parent: "WH"},
		{Code: "A-01", Kind: app.KindBin, Parent: "WH"}} {
		if _, err := e.db.CreateLocation(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// fakeReceiptSQL stands in for the receiving branch until it is merged: it
// writes a receipt of qty units (damaged of them to quarantine) against line
// 1 of the order straight into the tables, as a receipt leaves them.
func fakeReceiptSQL(t *testing.T, raw *sql.DB, number string, qty, damaged int64) {
	t.Helper()
	for _, q := range []string{
		`UPDATE purchase_order_lines SET received_qty = received_qty + ?2, damaged_qty = damaged_qty + ?3,
			first_received_at = 1772442000000, last_received_at = 1772442000000
			WHERE line_no = 1 AND po_id = (SELECT id FROM purchase_orders WHERE number = ?1)`,
		`UPDATE purchase_orders SET status = 'partial' WHERE number = ?1`,
		`INSERT INTO receipts (po_id, idempotency_key, request_hash, dock_id, received_at, note)
			SELECT id, 'fake-' || number, zeroblob(32), (SELECT id FROM locations WHERE code = 'DOCK'), 1772442000000, 'first truck'
			FROM purchase_orders WHERE number = ?1`,
		`INSERT INTO receipt_lines (receipt_id, po_line_id, variant_id, qty, condition, location_id)
			SELECT r.id, l.id, l.variant_id, ?2 - ?3, 'ok', r.dock_id FROM receipts r JOIN purchase_order_lines l ON l.po_id = r.po_id AND l.line_no = 1
			WHERE r.idempotency_key = 'fake-' || ?1`,
		`INSERT INTO receipt_lines (receipt_id, po_line_id, variant_id, qty, condition, location_id)
			SELECT r.id, l.id, l.variant_id, ?3, 'damaged', r.dock_id FROM receipts r JOIN purchase_order_lines l ON l.po_id = r.po_id AND l.line_no = 1
			WHERE r.idempotency_key = 'fake-' || ?1`,
	} {
		if _, err := raw.Exec(q, number, qty, damaged); err != nil {
			t.Fatalf("fake receipt: %v", err)
		}
	}
}

func (e *env) poRows() string {
	e.t.Helper()
	var a, b, c, d int64
	if err := e.raw.QueryRow(`SELECT (SELECT count(*) FROM suppliers), (SELECT count(*) FROM purchase_orders),
		(SELECT count(*) FROM purchase_order_lines), (SELECT count(*) FROM receipt_lines)`).Scan(&a, &b, &c, &d); err != nil {
		e.t.Fatal(err)
	}
	return fmt.Sprint(a, b, c, d)
}

func TestSuppliersAPI(t *testing.T) {
	e := newPurchasingEnv(t)
	const acme = `{"code":"ACME","name":"Acme Trading","email":"orders@acme.example","phone":"+44 20 7946 0000"}`
	var s app.Supplier
	r := e.do(app.Clerk, "POST", "/api/v1/suppliers", acme).must(t, 201, &s)
	if s.Code != "ACME" || s.Email != "orders@acme.example" || r.Header.Get("Location") != "/api/v1/suppliers/ACME" {
		t.Errorf("created %+v, Location %q", s, r.Header.Get("Location"))
	}
	r = e.do(app.Clerk, "POST", "/api/v1/suppliers", acme).must(t, 200, nil)
	if r.Header.Get("Idempotent-Replayed") != "true" {
		t.Error("a repeat is not marked as replayed")
	}
	for _, c := range []struct {
		name      string
		role      app.Role
		body      string
		status    int
		code, fld string
	}{
		{"OtherDetails", app.Clerk, `{"code":"ACME","name":"Acme Ltd"}`, 409, "conflict", "code"},
		{"BadEmail", app.Clerk, `{"code":"B","name":"B","email":"b@"}`, 400, "invalid", "email"},
		{"UnknownKey", app.Clerk, `{"code":"B","name":"B","fax":"1"}`, 400, "invalid", "fax"},
		{"Viewer", app.Viewer, `{"code":"B","name":"B"}`, 403, "forbidden", ""},
		{"Picker", app.Picker, `{"code":"B","name":"B"}`, 403, "forbidden", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := e.poRows()
			r := e.do(c.role, "POST", "/api/v1/suppliers", c.body)
			code, _, field := r.errorOf(t)
			if r.Status != c.status || code != c.code || field != c.fld {
				t.Errorf("%d %s %q, want %d %s %q: %s", r.Status, code, field, c.status, c.code, c.fld, r.Body)
			}
			if e.poRows() != before {
				t.Error("a refused request wrote rows")
			}
		})
	}
	s = app.Supplier{}
	e.do(app.Manager, "PUT", "/api/v1/suppliers/ACME", `{"name":"Acme Trading Ltd"}`).must(t, 200, &s)
	if s.Name != "Acme Trading Ltd" || s.Email != "" {
		t.Errorf("updated: %+v", s)
	}
	var list struct{ Suppliers []app.Supplier }
	e.do(app.Viewer, "GET", "/api/v1/suppliers?q=acme", "").must(t, 200, &list)
	if len(list.Suppliers) != 1 || list.Suppliers[0].Name != "Acme Trading Ltd" {
		t.Errorf("list: %+v", list)
	}
	var one struct {
		Code   string
		Record app.SupplierRecord
	}
	e.do(app.Viewer, "GET", "/api/v1/suppliers/ACME", "").must(t, 200, &one)
	if one.Code != "ACME" || one.Record.Lines != 0 {
		t.Errorf("one: %+v", one)
	}
	code, _, field := e.do(app.Viewer, "GET", "/api/v1/suppliers/NOPE", "").errorOf(t)
	if code != "not_found" || field != "code" {
		t.Errorf("unknown supplier: %s %s", code, field)
	}
}

func TestPurchaseOrdersAPI(t *testing.T) {
	e := newPurchasingEnv(t)
	e.do(app.Clerk, "POST", "/api/v1/suppliers", `{"code":"ACME","name":"Acme"}`).must(t, 201, nil)
	const po1 = `{"number":"PO-1","supplier":"ACME","expected_on":"2026-03-05","dock":"DOCK",
		"lines":[{"sku":"W-1","qty":10,"unit_cost_minor":250},{"sku":"L-1","qty":6,"unit_cost_minor":900,"expected_on":"2026-03-09"}]}`
	var po app.PurchaseOrder
	r := e.do(app.Clerk, "POST", "/api/v1/purchase-orders", po1).must(t, 201, &po)
	if po.Status != "draft" || po.CreatedBy != "clerk" || len(po.Lines) != 2 || po.Lines[0].ExpectedOn != "2026-03-05" ||
		r.Header.Get("Location") != "/api/v1/purchase-orders/PO-1" {
		t.Fatalf("created: %+v", po)
	}
	r = e.do(app.Clerk, "POST", "/api/v1/purchase-orders", po1).must(t, 200, nil)
	if r.Header.Get("Idempotent-Replayed") != "true" {
		t.Error("repeat not replayed")
	}

	t.Run("BadInput", func(t *testing.T) {
		for _, c := range []struct {
			name, body string
			status     int
			field      string
		}{
			{"FractionalQty", `{"number":"PO-2","supplier":"ACME","lines":[{"sku":"W-1","qty":1.5}]}`, 400, "lines[0].qty"},
			{"UnknownSKU", `{"number":"PO-2","supplier":"ACME","lines":[{"sku":"W-1","qty":1},{"sku":"X","qty":1}]}`, 404, "lines[1].sku"},
			{"UnknownSupplier", `{"number":"PO-2","supplier":"NOPE","lines":[{"sku":"W-1","qty":1}]}`, 404, "supplier"},
			{"DockIsABin", `{"number":"PO-2","supplier":"ACME","dock":"A-01","lines":[{"sku":"W-1","qty":1}]}`, 400, "dock"},
			{"BadDate", `{"number":"PO-2","supplier":"ACME","expected_on":"05/03/2026","lines":[{"sku":"W-1","qty":1}]}`, 400, "expected_on"},
			{"NoLines", `{"number":"PO-2","supplier":"ACME","lines":[]}`, 400, "lines"},
			{"NumberReused", `{"number":"PO-1","supplier":"ACME","lines":[{"sku":"W-1","qty":1}]}`, 409, "number"},
			{"UnknownKey", `{"number":"PO-2","supplier":"ACME","lines":[{"sku":"W-1","qty":1,"price":3}]}`, 400, "lines[0].price"},
		} {
			t.Run(c.name, func(t *testing.T) {
				before := e.poRows()
				r := e.do(app.Clerk, "POST", "/api/v1/purchase-orders", c.body)
				_, msg, field := r.errorOf(t)
				if r.Status != c.status || field != c.field || msg == "" {
					t.Errorf("%d %q (%s), want %d %q", r.Status, field, msg, c.status, c.field)
				}
				if e.poRows() != before {
					t.Error("a refused order wrote rows")
				}
			})
		}
	})

	e.do(app.Clerk, "PUT", "/api/v1/purchase-orders/PO-1",
		`{"supplier":"ACME","expected_on":"2026-03-05","dock":"DOCK","lines":[{"sku":"W-1","qty":12,"unit_cost_minor":250}]}`).must(t, 200, &po)
	if len(po.Lines) != 1 || po.Lines[0].Ordered != 12 {
		t.Errorf("edited draft: %+v", po.Lines)
	}
	e.do(app.Clerk, "POST", "/api/v1/purchase-orders/PO-1/send", "").must(t, 200, &po)
	if po.Status != "sent" || po.SentAt == nil {
		t.Errorf("sent: %+v", po)
	}
	r = e.do(app.Clerk, "POST", "/api/v1/purchase-orders/po-1/send", "{}").must(t, 200, nil)
	if r.Header.Get("Idempotent-Replayed") != "true" {
		t.Error("sending twice is not a replay")
	}
	if code, _, f := e.do(app.Clerk, "PUT", "/api/v1/purchase-orders/PO-1", po1).errorOf(t); code != "conflict" || f != "" {
		t.Errorf("editing a sent order: %s %s", code, f)
	}
	fakeReceiptSQL(t, e.raw, "PO-1", 5, 1)
	e.do(app.Viewer, "GET", "/api/v1/purchase-orders/PO-1", "").must(t, 200, &po)
	if l := po.Lines[0]; l.Ordered != 12 || l.Received != 5 || l.Damaged != 1 || l.Outstanding != 7 {
		t.Errorf("line after a receipt: %+v", l)
	}
	if len(po.Receipts) != 1 || len(po.Receipts[0].Lines) != 2 || po.Receipts[0].Lines[1].Condition != "damaged" || po.Receipts[0].Note != "first truck" {
		t.Errorf("receipt history: %+v", po.Receipts)
	}
	if code, _, _ := e.do(app.Clerk, "POST", "/api/v1/purchase-orders/PO-1/cancel", "").errorOf(t); code != "conflict" {
		t.Errorf("cancelling a partial order: %s", code)
	}
	if code, _, _ := e.do(app.Viewer, "POST", "/api/v1/purchase-orders/PO-1/close", "").errorOf(t); code != "forbidden" {
		t.Errorf("a viewer closing: %s", code)
	}
	r = e.do(app.Clerk, "POST", "/api/v1/purchase-orders/PO-1/approve", "")
	if code, _, f := r.errorOf(t); r.Status != 404 || code != "not_found" || f != "action" {
		t.Errorf("unknown action: %d %s %s", r.Status, code, f)
	}
	if _, _, f := e.do(app.Clerk, "POST", "/api/v1/purchase-orders/PO-1/close", `{"note":"x"}`).errorOf(t); f != "note" {
		t.Errorf("a body with keys: field %q", f)
	}
	e.do(app.Clerk, "POST", "/api/v1/purchase-orders/PO-1/close", "").must(t, 200, &po)
	if po.Status != "closed" || po.Lines[0].Short != 7 || po.Lines[0].Outstanding != 0 || len(po.Receipts) != 2 ||
		po.Receipts[1].Lines[0].Condition != "short" || po.Receipts[1].Lines[0].Qty != 7 {
		t.Errorf("closed short: %+v", po)
	}

	var list struct {
		PurchaseOrders []app.POSummary `json:"purchase_orders"`
	}
	e.do(app.Clerk, "POST", "/api/v1/purchase-orders", `{"number":"PO-2","supplier":"ACME","lines":[{"sku":"L-1","qty":3}]}`).must(t, 201, nil)
	for q, want := range map[string]string{"": "[PO-2 PO-1]", "?status=closed": "[PO-1]", "?status=open&supplier=ACME": "[PO-2]", "?sku=l-1": "[PO-2]"} {
		e.do(app.Viewer, "GET", "/api/v1/purchase-orders"+q, "").must(t, 200, &list)
		var got []string
		for _, s := range list.PurchaseOrders {
			got = append(got, s.Number)
		}
		if fmt.Sprint(got) != want {
			t.Errorf("list %q: %v, want %s", q, got, want)
		}
	}
	for q, want := range map[string][2]string{"?status=done": {"400", "status"}, "?supplier=NOPE": {"404", "supplier"},
		"?limit=0": {"400", "limit"}, "?colour=red": {"400", "colour"}} {
		r := e.do(app.Viewer, "GET", "/api/v1/purchase-orders"+q, "")
		if _, _, f := r.errorOf(t); fmt.Sprint(r.Status) != want[0] || f != want[1] {
			t.Errorf("list %q: %d %q, want %s %s", q, r.Status, f, want[0], want[1])
		}
	}
	if code, _, f := e.do(app.Viewer, "GET", "/api/v1/purchase-orders/PO-9", "").errorOf(t); code != "not_found" || f != "number" {
		t.Errorf("unknown order: %s %s", code, f)
	}
}
