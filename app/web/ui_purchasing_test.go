package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"depot/app"
)

// seedPurchasing gives the back office W-1, L-1 (by lot), a dock DOCK and
// a bin A-01.
func seedPurchasing(t *testing.T, e *uiEnv) {
	t.Helper()
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
}

func (e *uiEnv) poCounts() string {
	return fmt.Sprint(e.count("suppliers"), e.count("purchase_orders"), e.count("purchase_order_lines"), e.count("receipt_lines"))
}

func TestPurchasingPages(t *testing.T) {
	e := newUIEnv(t, false)
	seedPurchasing(t, e)
	clerk := e.signIn("cleo", app.Clerk)
	viewer := e.signIn("vic", app.Viewer)

	// Suppliers: a refused form keeps what was typed, with the error by
	// its field.
	before := e.poCounts()
	r := clerk.post("/purchasing/suppliers/new", "/purchasing/suppliers/new", url.Values{"code": {"ACME"}, "name": {"Acme Trading"}, "email": {"orders at acme"}})
	r.has(t, 400, `id="f-email-error"`, `value="orders at acme"`, `value="Acme Trading"`)
	if e.poCounts() != before {
		t.Error("a refused supplier wrote rows")
	}
	r = clerk.post("/purchasing/suppliers/new", "/purchasing/suppliers/new", url.Values{"code": {"ACME"}, "name": {"Acme Trading"}, "email": {"orders@acme.example"}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/purchasing/suppliers/ACME" {
		t.Fatalf("new supplier: %d %s", r.Status, r.Header.Get("Location"))
	}
	clerk.get("/purchasing/suppliers").has(t, 200, `id="suppliers"`, `data-code="ACME"`, "orders@acme.example", `id="new-supplier"`)
	r = clerk.post("/purchasing/suppliers/ACME/edit", "/purchasing/suppliers/ACME/edit", url.Values{"name": {"Acme Trading Ltd"}, "phone": {"+44 20 7946 0000"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("edit supplier: %d %s", r.Status, r.Body)
	}
	clerk.get("/purchasing/suppliers/ACME").has(t, 200, "Acme Trading Ltd", "+44 20 7946 0000", `id="no-record"`, "No purchase orders.")

	// The order form: a bad row is named, the form keeps its rows, and
	// nothing is written.
	clerk.get("/purchasing/new?supplier=ACME").has(t, 200, `id="po-form"`, `<option value="ACME" selected>`, `list="sku-options"`, `hx-get="/purchasing/skus"`)
	form := url.Values{"rows": {"3"}, "number": {"PO-1"}, "supplier": {"ACME"}, "expected_on": {"2026-03-05"}, "dock": {"DOCK"},
		"l0.sku": {"W-1"}, "l0.qty": {"10"}, "l0.cost": {"2.50"}, "l2.sku": {"NOPE"}, "l2.qty": {"4"}}
	before = e.poCounts()
	r = clerk.post("/purchasing/new", "/purchasing/new", form)
	r.has(t, 404, `id="f-l2-sku-error"`, `value="NOPE"`, `value="2.50"`, `id="line-2"`)
	form.Set("l2.sku", "L-1")
	form.Set("l2.cost", "9.001")
	clerk.post("/purchasing/new", "/purchasing/new", form).has(t, 400, `id="f-l2-cost-error"`)
	form.Set("l2.cost", "9")
	form.Set("l2.qty", "0")
	clerk.post("/purchasing/new", "/purchasing/new", form).has(t, 400, `id="f-l2-qty-error"`)
	if e.poCounts() != before {
		t.Error("a refused order wrote rows")
	}
	form.Set("more", "1")
	clerk.post("/purchasing/new", "/purchasing/new", form).has(t, 200, `id="line-3"`, `name="rows" value="4"`)
	form.Del("more")
	form.Set("l2.qty", "6")
	form.Set("l2.expected_on", "2026-03-09")
	r = clerk.post("/purchasing/new", "/purchasing/new", form)
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/purchasing/orders/PO-1" {
		t.Fatalf("create order: %d %s %s", r.Status, r.Header.Get("Location"), r.Body)
	}
	page := clerk.get("/purchasing/orders/PO-1")
	page.has(t, 200, `data-status="draft"`, `data-line="1"`, `data-line="2"`, "2026-03-09", `id="po-send"`, `id="po-cancel"`, `id="edit-po"`, `id="no-receipts"`)
	if strings.Contains(string(page.Body), `id="po-close"`) {
		t.Error("a draft offers to close")
	}
	viewerPage := viewer.get("/purchasing/orders/PO-1")
	viewerPage.has(t, 200, `data-line="2"`)
	if strings.Contains(string(viewerPage.Body), `id="po-actions"`) {
		t.Error("a viewer sees the order's buttons")
	}

	// Edit the draft: the form comes filled.
	clerk.get("/purchasing/orders/PO-1/edit").has(t, 200, `name="l1.sku" type="search" value="L-1"`, `value="9.00"`)
	edit := url.Values{"rows": {"2"}, "supplier": {"ACME"}, "expected_on": {"2026-03-05"}, "dock": {"DOCK"},
		"l0.sku": {"W-1"}, "l0.qty": {"12"}, "l0.cost": {"2.50"}, "l1.sku": {"L-1"}, "l1.qty": {"6"}, "l1.expected_on": {"2026-03-09"}}
	if r := clerk.post("/purchasing/orders/PO-1/edit", "/purchasing/orders/PO-1/edit", edit); r.Status != http.StatusSeeOther {
		t.Fatalf("edit order: %d %s", r.Status, r.Body)
	}

	clerk.post("/purchasing/new", "/purchasing/orders/PO-9/edit", edit).has(t, 404, `class="error form-error"`, "no purchase order has number")
	clerk.post("/purchasing/suppliers/new", "/purchasing/suppliers/NOPE/edit", url.Values{"name": {"x"}}).has(t, 404, `class="error form-error"`, "no supplier has code")

	// Changing needs manage_purchasing and the CSRF token.
	if r := viewer.post("/purchasing/orders/PO-1", "/purchasing/orders/PO-1/send", url.Values{}); r.Status != http.StatusForbidden {
		t.Errorf("a viewer sending: %d", r.Status)
	}
	if r := clerk.send("POST", "/purchasing/orders/PO-1/send", url.Values{}, nil); r.Status != http.StatusForbidden {
		t.Errorf("a send without the CSRF token: %d", r.Status)
	}
	clerk.get("/variants/W-1").has(t, 200, `<strong id="on-order">0</strong>`)
	r = clerk.post("/purchasing/orders/PO-1", "/purchasing/orders/PO-1/send", url.Values{})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("send: %d %s", r.Status, r.Body)
	}
	clerk.get("/purchasing/orders/PO-1").has(t, 200, `data-status="sent"`, `id="po-close"`, `id="po-cancel"`, "is sent.")
	clerk.get("/variants/W-1").has(t, 200, `<strong id="on-order">12</strong>`, `href="/purchasing?status=open&amp;sku=W-1"`)
	clerk.get("/purchasing/orders/PO-1/edit").has(t, 409, "only a draft can be edited")

	// A receipt (as the receiving branch leaves it), then closing short.
	fakeReceiptSQL(t, e.raw, "PO-1", 5, 1)
	clerk.get("/variants/W-1").has(t, 200, `<strong id="on-order">7</strong>`)
	clerk.get("/purchasing/orders/PO-1").has(t, 200, `data-status="partial"`, `id="po-receipts"`, `data-condition="damaged"`, "first truck")
	if r := clerk.post("/purchasing/orders/PO-1", "/purchasing/orders/PO-1/close", url.Values{}); r.Status != http.StatusSeeOther {
		t.Fatalf("close: %d %s", r.Status, r.Body)
	}
	page = clerk.get("/purchasing/orders/PO-1")
	page.has(t, 200, `data-status="closed"`, `data-condition="short"`, "closed short")
	if strings.Contains(string(page.Body), `id="po-actions"><form`) {
		t.Error("a closed order offers actions")
	}
	clerk.get("/variants/L-1").has(t, 200, `<strong id="on-order">0</strong>`)
	clerk.get("/purchasing/suppliers/ACME").has(t, 200, `id="on-time"`, "100%", "1 of 1 lines", `data-number="PO-1"`)

	// The list and its filters.
	clerk.get("/purchasing?status=closed&supplier=ACME").has(t, 200, `data-number="PO-1"`, `id="new-po"`)
	clerk.get("/purchasing?status=open").has(t, 200, "No purchase orders.")
	clerk.get("/purchasing?status=shipped").has(t, 400, `id="f-status-error"`)
	viewer.get("/purchasing").has(t, 200, `data-number="PO-1"`)
	if strings.Contains(string(viewer.get("/purchasing").Body), `id="new-po"`) {
		t.Error("a viewer is offered a new order")
	}
	if r := viewer.get("/purchasing/new"); r.Status != http.StatusForbidden {
		t.Errorf("a viewer's order form: %d", r.Status)
	}
	clerk.send("GET", "/purchasing/skus?l0.sku=w-", nil, map[string]string{"HX-Request": "true"}).has(t, 200, `<option value="W-1">Widget</option>`)
}

func TestPurchasingNav(t *testing.T) {
	e := newUIEnv(t, false)
	for _, role := range []app.Role{app.Clerk, app.Viewer, app.Picker} {
		b := e.signIn("u-"+string(role), role)
		b.get("/").has(t, 200, `href="/purchasing"`)
	}
	b := e.signIn("cleo", app.Clerk)
	b.get("/purchasing").has(t, 200, `aria-current="page">Purchasing</a>`)
}

func TestLotSupplierSelect(t *testing.T) {
	e := newUIEnv(t, false)
	seedPurchasing(t, e)
	ctx := context.Background()
	if _, _, err := e.db.CreateSupplier(ctx, app.NewSupplier{Code: "ACME", Name: "Acme Trading"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.db.PostMovement(ctx, app.PostMovement{Kind: app.Receive, IdempotencyKey: "r1",
		Lines: []app.MovementLine{{SKU: "L-1", Qty: 3, To: "DOCK", Lot: &app.LotRef{Code: "LOT-A"}}}}); err != nil {
		t.Fatal(err)
	}
	lots, _ := e.db.Lots(ctx, app.LotFilter{SKU: "L-1"})
	path := fmt.Sprintf("/lots/%d", lots[0].ID)
	clerk := e.signIn("cleo", app.Clerk)
	clerk.get(path).has(t, 200, `id="lot-supplier"`, `<option value="ACME">ACME · Acme Trading</option>`)
	if r := clerk.post(path, path+"/supplier", url.Values{"supplier": {"ACME"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("set supplier: %d %s", r.Status, r.Body)
	}
	clerk.get(path).has(t, 200, `<option value="ACME" selected>`, "<dd>Acme Trading</dd>")
	clerk.post(path, path+"/supplier", url.Values{"supplier": {"NOPE"}}).has(t, 404, "no supplier has code")
	viewer := e.signIn("vic", app.Viewer)
	if strings.Contains(string(viewer.get(path).Body), `id="lot-supplier"`) {
		t.Error("a viewer is offered the supplier form")
	}
}
