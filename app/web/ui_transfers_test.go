package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"depot/app"
	"depot/app/sqlite/shiptest"
)

// transferUIEnv is the back office over the two sites of mustSites, with
// a clerk signed in.
func transferUIEnv(t *testing.T) (*uiEnv, *browser) {
	t.Helper()
	e := newUIEnv(t, false)
	e.owner()
	mustSites(t, e.db)
	return e, e.signIn("clara", app.Clerk)
}

func TestTransferPages(t *testing.T) {
	e, b := transferUIEnv(t)
	b.get("/orders").has(t, 200, `href="/orders/transfers"`)
	b.get("/orders/transfers").has(t, 200, "No transfers.", "Nothing in transit.", `href="/orders/transfers/new"`)
	b.get("/orders/transfers/new").has(t, 200, `<option value="S2"`, `name="l5.from"`)

	t.Run("RefusedFormKeepsInput", func(t *testing.T) {
		f := url.Values{"rows": {"6"}, "number": {"T-1"}, "from": {"WH"}, "to": {"S2"},
			"l0.sku": {"SKU-1"}, "l0.qty": {"2"}, "l0.from": {"A-01"},
			"l2.sku": {"SKU-1"}, "l2.qty": {"1"}, "l2.from": {"B-01"}}
		r := b.post("/orders/transfers/new", "/orders/transfers", f)
		r.has(t, 400, `id="f-l2-from-error"`, "B-01 is not at the source site WH", `value="T-1"`)
		if e.count("transfers") != 0 {
			t.Fatal("a refused form wrote a transfer")
		}
	})

	f := url.Values{"rows": {"6"}, "number": {"T-1"}, "from": {"WH"}, "to": {"S2"},
		"l0.sku": {"SKU-1"}, "l0.qty": {"4"}, "l0.from": {"A-01"}}
	r := b.post("/orders/transfers/new", "/orders/transfers", f)
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/orders/transfers/T-1" {
		t.Fatalf("create: %d %s %s", r.Status, r.Header.Get("Location"), r.Body)
	}
	b.get("/orders/transfers/T-1").has(t, 200, "Transfer T-1 planned", `id="ship-transfer"`, `<dd id="transfer-status">open</dd>`)

	b.post("/orders/transfers/T-1", "/orders/transfers/T-1/ship", url.Values{"tracking": {"VAN-1"}}).has(t, 400, `id="f-carrier-error"`, `value="VAN-1"`)
	r = b.post("/orders/transfers/T-1", "/orders/transfers/T-1/ship", url.Values{"carrier": {"own van"}, "tracking": {"VAN-1"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("ship: %d %s", r.Status, r.Body)
	}
	page := b.get("/orders/transfers/T-1")
	page.has(t, 200, "4 units in transit to S2", "own van, tracking VAN-1", `<dd id="transfer-status">shipped</dd>`, `name="q1" type="text" value="4"`, `id="receive-transfer"`)
	if onHand(t, e, "SKU-1", "A-01") != 6 {
		t.Fatalf("A-01 after ship: %d", onHand(t, e, "SKU-1", "A-01"))
	}
	b.get("/variants/SKU-1").has(t, 200, `id="variant-in-transit"`, `href="/orders/transfers/T-1"`, "WH → S2")
	b.get("/orders/transfers?status=shipped").has(t, 200, `data-transfer="T-1"`, `<td class="num in-transit">4</td>`)

	key := formKey(t, b, "/orders/transfers/T-1")
	r = b.post("/orders/transfers/T-1", "/orders/transfers/T-1/receive", url.Values{"key": {key}, "q1": {"9"}, "to": {"B-01"}})
	r.has(t, 400, `id="f-q1-error"`, "has 4 in transit; 9 cannot be received")
	r = b.post("/orders/transfers/T-1", "/orders/transfers/T-1/receive", url.Values{"key": {key}, "q1": {"1"}, "to": {"A-01"}})
	r.has(t, 400, `id="f-to-error"`, "A-01 is not at the destination site S2")
	r = b.post("/orders/transfers/T-1", "/orders/transfers/T-1/receive", url.Values{"key": {key}, "q1": {"1"}, "to": {"B-01"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("receive 1: %d %s", r.Status, r.Body)
	}
	b.get("/orders/transfers/T-1").has(t, 200, "Received 1 units of transfer T-1 into B-01", `<td class="num in-transit">3</td>`)
	if onHand(t, e, "SKU-1", "B-01") != 1 {
		t.Fatalf("B-01 after receipt: %d", onHand(t, e, "SKU-1", "B-01"))
	}
	// The same form again (a double submit) receives nothing more.
	movements := e.count("movements")
	b.post("/orders/transfers/T-1", "/orders/transfers/T-1/receive", url.Values{"key": {key}, "q1": {"1"}, "to": {"B-01"}})
	if e.count("movements") != movements || onHand(t, e, "SKU-1", "B-01") != 1 {
		t.Fatal("a double submit received twice")
	}

	viewer := e.signIn("vera", app.Viewer)
	viewer.get("/orders/transfers/T-1").has(t, 200, `<dd id="transfer-status">shipped</dd>`)
	if strings.Contains(string(viewer.get("/orders/transfers/T-1").Body), `id="receive-transfer"`) {
		t.Error("a viewer sees the receive button")
	}
	if r := viewer.post("/orders/transfers/T-1", "/orders/transfers/T-1/ship", url.Values{}); r.Status != http.StatusForbidden {
		t.Errorf("viewer ships: %d", r.Status)
	}
}

func TestFloorReturns(t *testing.T) {
	e, b := transferUIEnv(t)
	shiptest.ShippedOrder(t, e.db, e.raw, "SO-7", "TRK-7", "A-01", shiptest.Line{SKU: "SKU-1", Qty: 4})
	b.get("/floor").has(t, 200, `href="/floor/returns"`)
	b.get("/floor/returns").has(t, 200, `id="return-scan-form"`)
	b.get("/floor/returns?scan=NOPE").has(t, 404, `id="f-scan-error"`, "no shipped shipment has tracking number")

	page := b.get("/floor/returns?scan=TRK-7")
	page.has(t, 200, `id="return-restock"`, `id="return-scrap"`, `<td class="num returned">0</td>`, "Quarantine places: Q-1")
	key := keyRe.FindSubmatch(page.Body)
	if key == nil {
		t.Fatal("no key on the return form")
	}
	restock := url.Values{"key": {string(key[1])}, "scan": {"TRK-7"}, "item": {"SKU-1"}, "qty": {"2"}, "location": {"A-01"}, "disposition": {"restock"}}
	r := b.post("/floor/returns?scan=TRK-7", "/floor/returns", restock)
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/floor/returns?scan=TRK-7" {
		t.Fatalf("restock: %d %s %s", r.Status, r.Header.Get("Location"), r.Body)
	}
	b.get("/floor/returns?scan=TRK-7").has(t, 200, "2 SKU-1 restocked at A-01", `<td class="num returned">2</td>`)
	if got := onHand(t, e, "SKU-1", "A-01"); got != 8 { // 10 - 4 shipped + 2 back
		t.Fatalf("A-01 after the return: %d, want 8", got)
	}
	// A double submit posts once.
	b.post("/floor/returns?scan=TRK-7", "/floor/returns", restock)
	if e.count("returns") != 1 {
		t.Fatalf("returns after a double submit: %d", e.count("returns"))
	}

	over := url.Values{"key": {"ui-over"}, "scan": {"TRK-7"}, "item": {"SKU-1"}, "qty": {"3"}, "disposition": {"scrap"}}
	b.post("/floor/returns?scan=TRK-7", "/floor/returns", over).has(t, 400, `id="f-qty-error"`, "2 came back before; 3 cannot come back")
	noPlace := url.Values{"key": {"ui-np"}, "scan": {"TRK-7"}, "item": {"SKU-1"}, "disposition": {"restock"}}
	b.post("/floor/returns?scan=TRK-7", "/floor/returns", noPlace).has(t, 400, `id="f-location-error"`)
	b.post("/floor/returns?scan=TRK-7", "/floor/returns", url.Values{"key": {"ui-nd"}, "scan": {"TRK-7"}, "item": {"SKU-1"}}).
		has(t, 400, `id="f-disposition-error"`, "press Restock, Quarantine or Scrap")

	// Against the order number, a quarantine with no place goes to the only
	// quarantine place.
	r = b.post("/floor/returns?scan=SO-7", "/floor/returns", url.Values{"key": {"ui-q"}, "scan": {"SO-7"}, "item": {"SKU-1"}, "disposition": {"quarantine"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("quarantine: %d %s", r.Status, r.Body)
	}
	if got := onHand(t, e, "SKU-1", "Q-1"); got != 1 {
		t.Fatalf("Q-1 after the return: %d", got)
	}
	// Sent by the last scan, with no button: the quarantine place scanned
	// says quarantine.
	r = b.post("/floor/returns?scan=SO-7", "/floor/returns", url.Values{"key": {"ui-q2"}, "scan": {"SO-7"}, "item": {"SKU-1"}, "location": {"q-1"}})
	if r.Status != http.StatusSeeOther || onHand(t, e, "SKU-1", "Q-1") != 2 {
		t.Fatalf("quarantine by scan: %d, Q-1 holds %d: %s", r.Status, onHand(t, e, "SKU-1", "Q-1"), r.Body)
	}
	ret, err := e.db.Return(context.Background(), 2)
	if err != nil || ret.Order != "SO-7" || ret.Shipment != 0 || ret.User != "clara" {
		t.Fatalf("return 2: %+v %v", ret, err)
	}

	packer := e.signIn("pat", app.Packer)
	if r := packer.get("/floor/returns"); r.Status != http.StatusForbidden {
		t.Errorf("packer opens returns: %d", r.Status)
	}
}
