package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"depot/app"
)

// TestOrderPages enters a customer and an order through the forms,
// releases it with the button, sees its allocations and backorders, and
// cancels it.
func TestOrderPages(t *testing.T) {
	e := newUIEnv(t, false)
	b := e.owner()
	ctx := context.Background()
	if _, err := e.db.CreateProduct(ctx, app.NewProduct{Name: "Milk", Variants: []app.NewVariant{{SKU: "MILK", TrackLots: true}}}); err != nil {
		t.Fatal(err)
	}
	for _, l := range []app.NewLocation{{Code: "WH", Kind: app.KindSite}, {Code: "A-01", Kind: app.KindBin, Parent: "WH"}} {
		if _, err := e.db.CreateLocation(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := e.db.PostMovement(ctx, app.PostMovement{Kind: app.Receive, IdempotencyKey: "r1",
		Lines: []app.MovementLine{{SKU: "MILK", Qty: 4, To: "A-01", Lot: &app.LotRef{Code: "L1", ExpiresOn: "2099-01-01"}}}}); err != nil {
		t.Fatal(err)
	}

	r := b.post("/customers/new", "/customers/new", url.Values{"code": {"ACME"}, "name": {"Acme"}, "min_shelf_life_days": {"x"}})
	r.has(t, http.StatusBadRequest, `id="f-min_shelf_life_days-error"`, `value="Acme"`)
	r = b.post("/customers/new", "/customers/new", url.Values{"code": {"ACME"}, "name": {"Acme"}, "address": {"1 Road"}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/customers/ACME" {
		t.Fatalf("create customer: %d %s", r.Status, r.Body)
	}
	b.get("/customers").has(t, 200, "ACME", "Acme")

	// A bad line is refused beside its row, nothing written.
	form := url.Values{"rows": {"3"}, "number": {"SO-7"}, "customer": {"ACME"}, "l0.sku": {"MILK"}, "l0.qty": {"6"},
		"l0.price": {"1.25"}, "l2.sku": {"NOPE"}, "l2.qty": {"1"}}
	r = b.post("/orders/new", "/orders/new", form)
	r.has(t, http.StatusNotFound, `id="f-l2-sku-error"`, `value="NOPE"`, `value="SO-7"`)
	if n := e.count("sales_orders"); n != 0 {
		t.Fatalf("%d orders after a refused form", n)
	}
	form.Del("l2.sku")
	form.Del("l2.qty")
	r = b.post("/orders/new", "/orders/new", form)
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/orders/SO-7" {
		t.Fatalf("create order: %d %s", r.Status, r.Body)
	}
	b.get("/orders/SO-7").has(t, 200, "SO-7", "1 Road", `id="release-order"`, `id="cancel-order"`, "1.25", "Nothing is reserved")

	r = b.post("/orders/SO-7", "/orders/SO-7/release", url.Values{})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("release: %d %s", r.Status, r.Body)
	}
	page := b.get("/orders/SO-7")
	page.has(t, 200, "SO-7: 4 units reserved, 2 backordered.", `id="allocations"`, "A-01", "L1", "2099-01-01",
		`id="allocate-order-backorders"`, `data-status="released"`)
	if strings.Contains(string(page.Body), `id="release-order"`) {
		t.Error("a released order still offers release")
	}
	b.get("/orders?status=released").has(t, 200, "SO-7", "released (1)", "open (0)")
	b.get("/customers/ACME").has(t, 200, "SO-7", `id="min-shelf-life"`)

	r = b.post("/orders/SO-7", "/orders/SO-7/cancel", url.Values{})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("cancel: %d %s", r.Status, r.Body)
	}
	b.get("/orders/SO-7").has(t, 200, "SO-7 cancelled; its stock is available again.", `data-status="cancelled"`)
	r = b.post("/orders?status=cancelled", "/orders/SO-7/release", url.Values{})
	r.has(t, http.StatusConflict, "is cancelled and cannot be released")

	// A viewer reads orders but gets no buttons and may not post.
	v := e.signIn("vera", app.Viewer)
	p := v.get("/orders/SO-7")
	p.has(t, 200, "SO-7")
	if strings.Contains(string(p.Body), `id="order-actions"`) {
		t.Error("a viewer sees the order buttons")
	}
	if r := v.post("/orders", "/orders/SO-7/release", url.Values{}); r.Status != http.StatusForbidden {
		t.Errorf("viewer release: %d", r.Status)
	}
	if n := e.count("allocations WHERE status = 'open'"); n != 0 {
		t.Errorf("%d open allocations after cancel", n)
	}
}

func TestReleaseOpenOrdersButton(t *testing.T) {
	e := newUIEnv(t, false)
	b := e.owner()
	ctx := context.Background()
	stockBolts(t, e.db)
	for i, n := range []string{"SO-1", "SO-2", "SO-3"} {
		o := app.NewOrder{Number: n, Priority: int64(i), Lines: []app.NewOrderLine{{SKU: "BOLT", Qty: 2}}}
		if _, _, err := e.db.CreateOrder(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	b.get("/orders").has(t, 200, "Release all 3 open orders", `id="picking-link"`)
	r := b.post("/orders", "/orders/release-open", url.Values{})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("release open: %d %s", r.Status, r.Body)
	}
	b.get("/orders?status=released").has(t, 200, "3 orders released; 1 units backordered.", "released (3)")
	// Highest priority first: SO-3 and SO-2 are whole, SO-1 short.
	o, err := e.db.Order(ctx, "SO-1")
	if err != nil || o.Lines[0].BackorderedQty != 1 {
		t.Fatalf("SO-1: %+v %v", o, err)
	}
}
