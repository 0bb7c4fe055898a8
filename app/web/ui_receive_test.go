package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"depot/app"
)

// receiveEnv is a site WH with dock DOCK-1 and quarantine place Q-1, a
// lot-tracked tea with a GTIN, a mug with a case of 12, a spoon that is not
// ordered, and PO-1 (sent) for 20 TEA and 24 MUG-BLU.
func receiveEnv(t *testing.T) (*uiEnv, *browser) {
	t.Helper()
	e := newUIEnv(t, false)
	b := e.owner()
	ctx := context.Background()
	for _, l := range []app.NewLocation{{Code: "WH", Kind: app.KindSite}, {Code: "DOCK-1", Kind: app.KindDock, Parent: "WH"},
		{Code: "Q-1", Kind: app.KindZone, Parent: "WH", Attributes: json.RawMessage(`{"quarantine":true}`)}} {
		if _, err := e.db.CreateLocation(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	_, err := e.db.CreateProduct(ctx, app.NewProduct{Name: "Mug", Variants: []app.NewVariant{
		{SKU: "MUG-BLU", GTIN: "4006381333931", Packagings: []app.Packaging{{Name: "case of 12", Qty: 12, Barcode: "CASE-MUG-BLU"}}},
		{SKU: "TEA", GTIN: "09506000134352", TrackLots: true}, {SKU: "SPOON"}}})
	if err != nil {
		t.Fatal(err)
	}
	mustSentPO(t, e.db, "PO-1", "2027-01-15", "TEA", 20, "MUG-BLU", 24)
	return e, b
}

var lastRe = regexp.MustCompile(`^/floor/receive\?last=(\d+)&per=(\d+)&po=PO-1$`)

// scanReceive posts one scan on the receive screen and returns the answer.
func scanReceive(t *testing.T, b *browser, vals url.Values) *response {
	t.Helper()
	if vals.Get("key") == "" {
		vals.Set("key", formKey(t, b, "/floor/receive?po=PO-1"))
	}
	vals.Set("po", "PO-1")
	return b.post("/floor/receive?po=PO-1", "/floor/receive", vals)
}

// mustReceive posts a scan that must be received and returns the screen
// the redirect leads to.
func mustReceive(t *testing.T, b *browser, vals url.Values) *response {
	t.Helper()
	r := scanReceive(t, b, vals)
	loc := r.Header.Get("Location")
	if r.Status != http.StatusSeeOther || !lastRe.MatchString(loc) {
		t.Fatalf("receive %v: %d %q\n%s", vals, r.Status, loc, r.Body)
	}
	return b.get(loc)
}

func lineState(t *testing.T, e *uiEnv, lineNo int) (received, damaged, closed int) {
	t.Helper()
	if err := e.raw.QueryRow(`SELECT received_qty, damaged_qty, closed FROM purchase_order_lines WHERE po_id = 1 AND line_no = ?`, lineNo).
		Scan(&received, &damaged, &closed); err != nil {
		t.Fatal(err)
	}
	return
}

func TestFloorReceive(t *testing.T) {
	e, b := receiveEnv(t)

	t.Run("StartListsOpenOrders", func(t *testing.T) {
		b.get("/floor").has(t, 200, `href="/floor/receive"`)
		b.get("/floor/receive").has(t, 200, `href="/floor/receive?po=PO-1"`, "Acme Foods", "expected 2027-01-15")
		b.get("/floor/receive?po=PO-404").has(t, 404, `no purchase order has number &#34;PO-404&#34;`)
		b.get("/floor/receive?po=PO-1").has(t, 200, `id="receive-form"`, `data-sku="TEA"`, "expected", "receive.js")
	})

	t.Run("GS1DataMatrixFillsLotExpiryAndDate", func(t *testing.T) {
		code := "]d2" + "0109506000134352" + "17270531" + "11261101" + "10LOT7\x1d" + "21SN-1"
		page := mustReceive(t, b, url.Values{"item": {code}})
		page.has(t, 200, "1 TEA lot LOT7 (expires 2027-05-31) received into DOCK-1",
			`href="/labels/receipt?copies=1&amp;expires=2027-05-31&amp;lot=LOT7&amp;qty=1&amp;sku=TEA"`, `href="/floor/putaway"`)
		lots, err := e.db.Lots(context.Background(), app.LotFilter{SKU: "TEA"})
		if err != nil || len(lots) != 1 || lots[0].ManufacturedOn != "2026-11-01" || lots[0].Supplier != "Acme Foods" {
			t.Fatalf("lots %+v %v", lots, err)
		}
		var note string
		if err := e.raw.QueryRow(`SELECT note FROM receipt_lines ORDER BY id DESC LIMIT 1`).Scan(&note); err != nil || note != "serial SN-1" {
			t.Errorf("note %q %v", note, err)
		}
	})

	t.Run("LogisticUnitCountsItsContent", func(t *testing.T) {
		// (02) content GTIN with (37) count 5 and the lot: 5 units.
		mustReceive(t, b, url.Values{"item": {"]C1" + "0209506000134352" + "375\x1d" + "10LOT7"}}).has(t, 200, "5 TEA lot LOT7")
		if got, _, _ := lineState(t, e, 1); got != 6 {
			t.Errorf("TEA received %d, want 6", got)
		}
	})

	t.Run("CaseBarcodeCountsItsPack", func(t *testing.T) {
		page := mustReceive(t, b, url.Values{"item": {"CASE-MUG-BLU"}, "qty": {"2"}})
		page.has(t, 200, "24 MUG-BLU received into DOCK-1", "copies=1&amp;expires=&amp;lot=&amp;per=12&amp;qty=24&amp;sku=MUG-BLU")
		if got := onHand(t, e, "MUG-BLU", "DOCK-1"); got != 24 {
			t.Errorf("MUG-BLU at DOCK-1: %d", got)
		}
	})

	t.Run("LotTrackedWithoutLotAsksForIt", func(t *testing.T) {
		receipts := e.count("receipts")
		r := scanReceive(t, b, url.Values{"item": {"09506000134352"}})
		r.has(t, 400, "SKU TEA is tracked by lot: give the lot code", `value="09506000134352"`)
		if !regexp.MustCompile(`id="f-lot"[^>]*autofocus`).Match(r.Body) {
			t.Errorf("the lot field is not focused:\n%s", r.Body)
		}
		if e.count("receipts") != receipts {
			t.Error("a refused scan wrote a receipt")
		}
		mustReceive(t, b, url.Values{"item": {"09506000134352"}, "lot": {"LOT7"}}).has(t, 200, "1 TEA lot LOT7")
	})

	t.Run("FarExpiryAsksToConfirm", func(t *testing.T) {
		code := "]d2" + "0109506000134352" + "17401231" + "10LOT-FAR"
		key := formKey(t, b, "/floor/receive?po=PO-1")
		r := scanReceive(t, b, url.Values{"item": {code}, "key": {key}})
		r.has(t, 409, "lot LOT-FAR of SKU TEA expires on 2040-12-31, more than 5 years from today. Receive it anyway?",
			`id="confirm-receive"`, `value="LOT-FAR"`, `value="2040-12-31"`)
		mustReceive(t, b, url.Values{"item": {code}, "key": {key}, "lot": {"LOT-FAR"}, "expiry": {"2040-12-31"}, "confirm": {"1"}}).
			has(t, 200, "1 TEA lot LOT-FAR (expires 2040-12-31)")
	})

	t.Run("DamagedGoesToQuarantine", func(t *testing.T) {
		mustReceive(t, b, url.Values{"item": {"4006381333931"}, "condition": {"damaged"}}).
			has(t, 200, "1 MUG-BLU damaged, into quarantine at Q-1")
		if got := onHand(t, e, "MUG-BLU", "Q-1"); got != 1 {
			t.Errorf("MUG-BLU at Q-1: %d", got)
		}
		if rec, dmg, _ := lineState(t, e, 2); rec != 25 || dmg != 1 {
			t.Errorf("MUG-BLU line: received %d damaged %d", rec, dmg)
		}
	})

	t.Run("WrongItemsAreRecordedNotStocked", func(t *testing.T) {
		mustReceive(t, b, url.Values{"item": {"SPOON"}, "condition": {"wrong_item"}}).has(t, 200, "1 SPOON recorded as a wrong item")
		page := mustReceive(t, b, url.Values{"item": {"UNKNOWN-77"}, "condition": {"wrong_item"}, "qty": {"3"}})
		page.has(t, 200, `id="wrong-items"`, "3 “UNKNOWN-77” recorded as a wrong item")
		if got := onHand(t, e, "SPOON", "DOCK-1"); got != 0 {
			t.Errorf("a wrong item went into stock: %d", got)
		}
		// Not on the order and scanned as good: refused, naming the way out.
		scanReceive(t, b, url.Values{"item": {"SPOON"}}).has(t, 400, "SKU SPOON is not on purchase order PO-1: record it as a wrong item")
	})

	t.Run("DoubleSubmitPostsOnce", func(t *testing.T) {
		key := formKey(t, b, "/floor/receive?po=PO-1")
		mustReceive(t, b, url.Values{"item": {"MUG-BLU"}, "key": {key}})
		receipts := e.count("receipts")
		mustReceive(t, b, url.Values{"item": {"MUG-BLU"}, "key": {key}})
		if e.count("receipts") != receipts {
			t.Error("the same form twice wrote two receipts")
		}
	})

	t.Run("OverToleranceIsRefused", func(t *testing.T) {
		// 26 of 24 received; the tolerance allows 26 (24 + 10%, rounded down).
		scanReceive(t, b, url.Values{"item": {"MUG-BLU"}}).has(t, 409, "line 2 of purchase order PO-1 (SKU MUG-BLU) ordered 24 and has 26 received")
	})

	t.Run("CloseShort", func(t *testing.T) {
		b.get("/floor/receive/lines?po=PO-1").has(t, 200, `id="receive-table"`, "Close short <span>(12 missing)</span>", "over by 2")
		mustReceive(t, b, url.Values{"action": {"short"}, "sku": {"TEA"}}).has(t, 200, "12 TEA never came: line closed short")
		if rec, _, closed := lineState(t, e, 1); rec != 8 || closed != 1 {
			t.Errorf("TEA line: received %d closed %d", rec, closed)
		}
		var status string
		if err := e.raw.QueryRow(`SELECT status FROM purchase_orders WHERE number = 'PO-1'`).Scan(&status); err != nil || status != "received" {
			t.Errorf("PO-1 status %q %v", status, err)
		}
		b.get("/floor/receive").has(t, 200, "No purchase order is waiting to be received")
	})

	t.Run("PickerMayNotReceive", func(t *testing.T) {
		p := e.signIn("pia", app.Picker)
		p.get("/floor/receive").has(t, 403)
		if strings.Contains(string(p.get("/floor").Body), `href="/floor/receive"`) {
			t.Error("the floor hub offers receiving to a picker")
		}
	})
}
