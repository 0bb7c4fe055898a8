package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"depot/app"
	"depot/app/sqlite"
	"depot/app/web"
)

// newOrdersEnv is the API with the order service over stockBolts.
func newOrdersEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t, func(s *web.Services) { s.Orders = s.Ledger.(*sqlite.DB) })
	stockBolts(t, e.db)
	return e
}

// stockBolts makes a site WH with bin A-01 holding 5 BOLT, and SKU NUT
// without stock.
func stockBolts(t testing.TB, db *sqlite.DB) {
	t.Helper()
	ctx := context.Background()
	if _, err := db.CreateProduct(ctx, app.NewProduct{Name: "Bolt", Variants: []app.NewVariant{{SKU: "BOLT"}, {SKU: "NUT"}}}); err != nil {
		t.Fatal(err)
	}
	for _, l := range []app.NewLocation{{Code: "WH", Kind: app.KindSite}, {Code: "A-01", Kind: app.KindBin, Parent: "WH"}} {
		if _, err := db.CreateLocation(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := db.PostMovement(ctx, app.PostMovement{Kind: app.Receive, IdempotencyKey: "r1",
		Lines: []app.MovementLine{{SKU: "BOLT", Qty: 5, To: "A-01"}}}); err != nil {
		t.Fatal(err)
	}
}

func TestOrdersAPI(t *testing.T) {
	e := newOrdersEnv(t)
	cust := `{"code":"ACME","name":"Acme","min_shelf_life_days":10}`
	e.do(app.Clerk, "POST", "/api/v1/customers", cust).must(t, http.StatusCreated, nil)
	e.do(app.Clerk, "POST", "/api/v1/customers", cust).must(t, http.StatusOK, nil)

	body := `{"number":"SO-1","customer":"ACME","ship_by":"2026-12-01","carrier":"manual",
		"lines":[{"sku":"BOLT","qty":7,"unit_price_minor":250},{"sku":"NUT","qty":1}]}`
	var created struct{ Order app.Order }
	res := e.do(app.Clerk, "POST", "/api/v1/orders", body).must(t, http.StatusCreated, &created)
	if created.Order.Status != app.OrderOpen || created.Order.Customer != "ACME" || len(created.Order.Lines) != 2 ||
		res.Header.Get("Location") != "/api/v1/orders/SO-1" {
		t.Fatalf("created %+v", created.Order)
	}
	res = e.do(app.Clerk, "POST", "/api/v1/orders", body).must(t, http.StatusOK, nil)
	if res.Header.Get("Idempotent-Replayed") != "true" {
		t.Error("a replay lacks Idempotent-Replayed")
	}
	res = e.do(app.Clerk, "POST", "/api/v1/orders", `{"number":"SO-1","lines":[{"sku":"BOLT","qty":1}]}`)
	if code, _, field := res.errorOf(t); res.Status != http.StatusConflict || code != app.ECONFLICT || field != "number" {
		t.Fatalf("same number, other body: %d %s", res.Status, res.Body)
	}

	var rel app.Release
	e.do(app.Clerk, "POST", "/api/v1/orders/SO-1/release", "").must(t, http.StatusOK, &rel)
	want := app.Release{Order: "SO-1", Status: app.OrderReleased,
		Allocations: []app.ReleasedStock{{SKU: "BOLT", Location: "A-01", Qty: 5}},
		Backorders:  []app.BackorderedLine{{SKU: "BOLT", Qty: 2}, {SKU: "NUT", Qty: 1}}}
	if d := cmp.Diff(want, rel); d != "" {
		t.Fatalf("release (-want +got):\n%s", d)
	}

	var list struct {
		Orders []app.OrderSummary
		Counts map[app.OrderStatus]int64
	}
	e.do(app.Viewer, "GET", "/api/v1/orders?status=released", "").must(t, http.StatusOK, &list)
	if len(list.Orders) != 1 || list.Orders[0].BackorderedQty != 3 || list.Counts[app.OrderReleased] != 1 {
		t.Fatalf("list %+v", list)
	}
	var got struct{ Order app.Order }
	e.do(app.Viewer, "GET", "/api/v1/orders/so-1", "").must(t, http.StatusOK, &got)
	if len(got.Order.Allocations) != 1 || got.Order.Allocations[0].Status != app.AllocationOpen {
		t.Fatalf("order %+v", got.Order)
	}

	e.do(app.Clerk, "POST", "/api/v1/orders/SO-1/cancel", "{}").must(t, http.StatusOK, &got)
	if got.Order.Status != app.OrderCancelled {
		t.Fatalf("after cancel: %s", got.Order.Status)
	}
	var reserved int64
	if err := e.raw.QueryRow(`SELECT sum(reserved) FROM inventory_levels`).Scan(&reserved); err != nil || reserved != 0 {
		t.Fatalf("reserved %d after cancel (%v)", reserved, err)
	}
	var run struct{ Orders int }
	e.do(app.Clerk, "POST", "/api/v1/backorders/allocate", "").must(t, http.StatusOK, &run)
}

func TestOrdersAPIRefusals(t *testing.T) {
	e := newOrdersEnv(t)
	for _, c := range []struct {
		name         string
		role         app.Role
		method, path string
		body         string
		status       int
		field        string
	}{
		{"PickerMayNotEnter", app.Picker, "POST", "/api/v1/orders", `{"number":"X","lines":[{"sku":"BOLT","qty":1}]}`, http.StatusForbidden, ""},
		{"ZeroQty", app.Clerk, "POST", "/api/v1/orders", `{"number":"X","lines":[{"sku":"BOLT","qty":0}]}`, http.StatusBadRequest, "lines[0].qty"},
		{"UnknownKey", app.Clerk, "POST", "/api/v1/orders", `{"number":"X","lines":[{"sku":"BOLT","qty":1}],"colour":"red"}`, http.StatusBadRequest, "colour"},
		{"UnknownSKU", app.Clerk, "POST", "/api/v1/orders", `{"number":"X","lines":[{"sku":"NOPE","qty":1}]}`, http.StatusNotFound, "lines[0].sku"},
		{"BadStatus", app.Viewer, "GET", "/api/v1/orders?status=lost", "", http.StatusBadRequest, "status"},
		{"ReleaseUnknown", app.Clerk, "POST", "/api/v1/orders/NOPE/release", "", http.StatusNotFound, "number"},
		{"ReleaseWithBody", app.Clerk, "POST", "/api/v1/orders/NOPE/release", `{"all":true}`, http.StatusBadRequest, "all"},
		{"CustomerBadEmail", app.Clerk, "POST", "/api/v1/customers", `{"code":"C","name":"C","email":"nope"}`, http.StatusBadRequest, "email"},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := e.do(c.role, c.method, c.path, c.body)
			_, _, field := res.errorOf(t)
			if res.Status != c.status || field != c.field {
				t.Fatalf("status %d field %q, want %d %q: %s", res.Status, field, c.status, c.field, res.Body)
			}
		})
	}
	var n int
	if err := e.raw.QueryRow(`SELECT (SELECT count(*) FROM sales_orders) + (SELECT count(*) FROM customers)`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d rows written (%v), want none", n, err)
	}
}

func TestReleaseOrdersAPI(t *testing.T) {
	e := newOrdersEnv(t)
	for _, n := range []string{"SO-A", "SO-B", "SO-C"} {
		e.do(app.Clerk, "POST", "/api/v1/orders", `{"number":"`+n+`","lines":[{"sku":"BOLT","qty":2}]}`).must(t, http.StatusCreated, nil)
	}
	var got struct {
		Orders []struct {
			Order       string
			Allocations []app.ReleasedStock
			Backorders  []app.BackorderedLine
			Error       *struct{ Code, Field string }
		}
	}
	// The order given decides: C and A get 2 each of the 5, B the last 1.
	e.do(app.Clerk, "POST", "/api/v1/orders/release", `{"numbers":["SO-C","SO-A","SO-NONE","SO-B"]}`).must(t, http.StatusOK, &got)
	if len(got.Orders) != 4 {
		t.Fatalf("%d outcomes: %+v", len(got.Orders), got)
	}
	for i, want := range []struct {
		order string
		qty   int64
		code  string
	}{{"SO-C", 2, ""}, {"SO-A", 2, ""}, {"SO-NONE", 0, app.ENOTFOUND}, {"SO-B", 1, ""}} {
		o := got.Orders[i]
		var q int64
		for _, a := range o.Allocations {
			q += a.Qty
		}
		code := ""
		if o.Error != nil {
			code = o.Error.Code
		}
		if o.Order != want.order || q != want.qty || code != want.code {
			t.Errorf("outcome %d: %s allocated %d error %q, want %s %d %q", i, o.Order, q, code, want.order, want.qty, want.code)
		}
	}
	res := e.do(app.Clerk, "POST", "/api/v1/orders/release", `{"numbers":[]}`)
	if _, _, field := res.errorOf(t); res.Status != http.StatusBadRequest || field != "numbers" {
		t.Errorf("no numbers: %d %s", res.Status, res.Body)
	}
}

// TestReleaseRaceOverHTTP: 20 clients release 20 orders for the last 5
// units at the same instant; exactly 5 are reserved.
func TestReleaseRaceOverHTTP(t *testing.T) {
	e := newOrdersEnv(t)
	const n = 20
	for i := 0; i < n; i++ {
		e.do(app.Clerk, "POST", "/api/v1/orders", fmt.Sprintf(`{"number":"SO-%d","lines":[{"sku":"BOLT","qty":1}]}`, i)).must(t, http.StatusCreated, nil)
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	rels := make([]app.Release, n)
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			res, err := e.send(e.tokens[app.Clerk], "POST", fmt.Sprintf("/api/v1/orders/SO-%d/release", i), "")
			if err == nil && res.Status != http.StatusOK {
				err = fmt.Errorf("status %d: %s", res.Status, res.Body)
			}
			if err == nil {
				err = json.Unmarshal(res.Body, &rels[i])
			}
			errs[i] = err
		}(i)
	}
	close(start)
	wg.Wait()
	var allocated, backordered int64
	for i := range rels {
		if errs[i] != nil {
			t.Fatalf("SO-%d: %v", i, errs[i])
		}
		for _, a := range rels[i].Allocations {
			allocated += a.Qty
		}
		for _, b := range rels[i].Backorders {
			backordered += b.Qty
		}
	}
	var reserved int64
	if err := e.raw.QueryRow(`SELECT sum(reserved) FROM inventory_levels`).Scan(&reserved); err != nil {
		t.Fatal(err)
	}
	if allocated != 5 || backordered != n-5 || reserved != 5 {
		t.Fatalf("allocated %d, backordered %d, reserved %d; want 5, %d, 5", allocated, backordered, reserved, n-5)
	}
}
