package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"depot/app"
)

// pickUIEnv is a warehouse with a staging place PACK and an aisle A1:
// TEE (case of 6) in A1-02, lot-tracked MILK (GTIN) in A1-05, CAP in
// A1-07; orders SO-1 (TEE 7, MILK 2) and SO-2 (CAP 3) are released.
func pickUIEnv(t *testing.T) *uiEnv {
	t.Helper()
	e := newUIEnv(t, false)
	ctx := context.Background()
	for _, p := range []app.NewProduct{
		{Name: "T-shirt", Variants: []app.NewVariant{{SKU: "TEE", Packagings: []app.Packaging{{Name: "case of 6", Qty: 6, Barcode: "CASE-TEE"}}}}},
		{Name: "Milk", Variants: []app.NewVariant{{SKU: "MILK", GTIN: "09506000134369", TrackLots: true}}},
		{Name: "Cap", Variants: []app.NewVariant{{SKU: "CAP"}}},
	} {
		if _, err := e.db.CreateProduct(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	locs := []app.NewLocation{{Code: "WH", Kind: app.KindSite}, {Code: "PACK", Kind: app.KindStaging, Parent: "WH"},
		{Code: "A1", Kind: app.KindAisle, Parent: "WH"}}
	for b := 1; b <= 8; b++ {
		locs = append(locs, app.NewLocation{Code: fmt.Sprintf("A1-%02d", b), Kind: app.KindBin, Parent: "A1"})
	}
	for _, l := range locs {
		if _, err := e.db.CreateLocation(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := e.db.PostMovement(ctx, app.PostMovement{Kind: app.Receive, IdempotencyKey: "r", Lines: []app.MovementLine{
		{SKU: "TEE", Qty: 20, To: "A1-02"}, {SKU: "MILK", Qty: 10, To: "A1-05", Lot: &app.LotRef{Code: "L1", ExpiresOn: "2027-01-31"}},
		{SKU: "CAP", Qty: 3, To: "A1-07"}}}); err != nil {
		t.Fatal(err)
	}
	for _, o := range []app.NewOrder{{Number: "SO-1", Lines: []app.NewOrderLine{{SKU: "TEE", Qty: 7}, {SKU: "MILK", Qty: 2}}},
		{Number: "SO-2", Lines: []app.NewOrderLine{{SKU: "CAP", Qty: 3}}}} {
		if _, _, err := e.db.CreateOrder(ctx, o); err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.ReleaseOrder(ctx, o.Number); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

var taskRe = regexp.MustCompile(`name="task" value="(\d+)"`)
var seenRe = regexp.MustCompile(`name="seen" value="(\d*)"`)

// pickForm is the confirm form of the picker's current stop.
func pickForm(t *testing.T, b *browser, fields ...string) url.Values {
	t.Helper()
	page := b.get("/floor/pick").Body
	task, seen := taskRe.FindSubmatch(page), seenRe.FindSubmatch(page)
	if task == nil || seen == nil {
		t.Fatalf("no stop on the pick screen:\n%s", page)
	}
	f := url.Values{"task": {string(task[1])}, "seen": {string(seen[1])}}
	for i := 0; i+1 < len(fields); i += 2 {
		f.Set(fields[i], fields[i+1])
	}
	return f
}

func TestPickingUI(t *testing.T) {
	e := pickUIEnv(t)
	boss := e.signIn("boss", app.Manager)
	ana := e.signIn("ana", app.Picker)

	ana.get("/floor").has(t, 200, `href="/floor/pick"`)
	ana.get("/picking").has(t, http.StatusForbidden)
	ana.get("/floor/pick").has(t, 200, "No pick list is waiting", "Take the next list")

	// The manager builds a batch of both orders.
	r := boss.post("/picking", "/picking", url.Values{"kind": {"wave"}, "group_by": {"nope"}})
	r.has(t, http.StatusBadRequest, "is not a grouping")
	r = boss.post("/picking", "/picking", url.Values{"kind": {"batch"}, "orders": {"SO-1, SO-404"}})
	r.has(t, http.StatusNotFound, "SO-404")
	r = boss.post("/picking", "/picking", url.Values{"kind": {"batch"}, "orders": {"SO-1 SO-2"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("build: %d %s", r.Status, r.Body)
	}
	boss.get("/picking").has(t, 200, "Built 1 pick list(s) with 3 stops", "Batch of 2 orders")
	boss.get("/picking/lists").has(t, 200, "Batch of 2 orders", "open")

	// The picker takes it and sees the first stop.
	ana.get("/floor/pick").has(t, 200, "1 pick list is waiting")
	r = ana.post("/floor/pick", "/floor/pick/claim", url.Values{})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("claim: %d %s", r.Status, r.Body)
	}
	ana.get("/floor/pick").has(t, 200, "is yours: 3 stops", `id="stop-bin">A1-02<`, `id="stop-qty">7<`, `id="stop-tote">T1<`, "Stop 1 of 3",
		`name="bin" type="text" value="" autocomplete="off" autocapitalize="characters" autofocus`)

	t.Run("WrongBin", func(t *testing.T) {
		movements := e.count("movements")
		r := ana.post("/floor/pick", "/floor/pick/confirm", pickForm(t, ana, "bin", "A1-03", "item", "TEE"))
		r.has(t, http.StatusBadRequest, "this stop is bin A1-02", `value="TEE"`)
		if e.count("movements") != movements {
			t.Fatal("a refused pick posted a movement")
		}
	})
	// A case (6), then one more by SKU; the bin stays filled in.
	f := pickForm(t, ana, "bin", "A1-02", "item", "CASE-TEE")
	r = ana.post("/floor/pick", "/floor/pick/confirm", f)
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/floor/pick?bin=A1-02" {
		t.Fatalf("pick a case: %d %s %s", r.Status, r.Header.Get("Location"), r.Body)
	}
	// The bin stays filled in for the same bin's next pick; the cursor
	// starts at the quantity.
	ana.get("/floor/pick?bin=A1-02").has(t, 200, "Picked 6 TEE into T1. 1 more here.", `id="stop-qty">1<`, `name="bin" type="text" value="A1-02"`,
		`name="qty" type="text" value="" autocomplete="off" autocapitalize="characters" autofocus`)
	t.Run("DoubleTap", func(t *testing.T) {
		r := ana.post("/floor/pick", "/floor/pick/confirm", f)
		r.has(t, http.StatusConflict, "nothing was picked again")
	})
	r = ana.post("/floor/pick", "/floor/pick/confirm", pickForm(t, ana, "bin", "A1-02", "item", "TEE"))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("pick one: %d %s", r.Status, r.Body)
	}
	// MILK: the lot is a step; the GS1 barcode brings it.
	ana.get("/floor/pick").has(t, 200, `id="stop-lot">L1<`, "a GS1 barcode fills it")
	r = ana.post("/floor/pick", "/floor/pick/confirm", pickForm(t, ana, "bin", "A1-05", "qty", "2", "item", "(01)09506000134369(10)L1"))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("pick milk: %d %s", r.Status, r.Body)
	}
	// CAP: only 1 of 3 there.
	f = pickForm(t, ana, "found", "1")
	delete(f, "seen")
	r = ana.post("/floor/pick", "/floor/pick/short", f)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("short: %d %s", r.Status, r.Body)
	}
	ana.get("/floor/pick").has(t, 200, "Short at A1-07: 1 picked, 2 backordered. List done: to PACK.", "No pick list is waiting")

	var status string
	e.raw.QueryRow(`SELECT status FROM sales_orders WHERE number = 'SO-1'`).Scan(&status)
	if status != "picked" {
		t.Fatalf("SO-1 is %s", status)
	}
	if n := onHand(t, e, "TEE", "PACK"); n != 7 {
		t.Fatalf("PACK has %d TEE, want 7", n)
	}
	// The count screen lists the flagged bin; counting it closes the request.
	ana.get("/floor/count/requests").has(t, 200, "Bins to count", `href="/floor/count?bin=A1-07"`, "short pick")
	boss.get("/picking/1").has(t, 200, `id="list-status">done<`, "short")
}

func TestPickingUIRelease(t *testing.T) {
	e := pickUIEnv(t)
	boss := e.signIn("boss", app.Manager)
	ana := e.signIn("ana", app.Picker)
	if _, err := e.db.CreatePickLists(context.Background(), app.NewPickLists{Kind: app.PickSingle, Orders: []string{"SO-2"}}); err != nil {
		t.Fatal(err)
	}
	ana.post("/floor/pick", "/floor/pick/claim", url.Values{})
	boss.get("/picking/1").has(t, 200, "Release ana")
	r := boss.post("/picking/1", "/picking/1/release", url.Values{})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("release: %d %s", r.Status, r.Body)
	}
	boss.get("/picking/1").has(t, 200, `id="list-status">open<`)
	ana.get("/floor/pick").has(t, 200, "1 pick list is waiting")
	ana.post("/floor/pick", "/floor/pick/claim", url.Values{})
	r = ana.post("/floor/pick", "/floor/pick/release", url.Values{"list": {"1"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("picker gives it back: %d %s", r.Status, r.Body)
	}
	ana.get("/floor/pick").has(t, 200, "List 1 is given back")
	if !strings.Contains(string(ana.get("/floor/count").Body), `hx-get="/floor/count/requests"`) {
		t.Fatal("the count screen does not load the count requests")
	}
}
