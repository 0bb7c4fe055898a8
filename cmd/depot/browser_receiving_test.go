package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"depot/app"
)

// poState reads the order through the API: its status and its lines as
// "SKU received/ordered damaged closed dated", in line order.
func poState(t *testing.T, s *served, token, number string) string {
	t.Helper()
	var po app.PurchaseOrder
	b, _ := json.Marshal(s.api(t, token, "GET", "/api/v1/purchase-orders/"+number, "", 200))
	if err := json.Unmarshal(b, &po); err != nil {
		t.Fatal(err)
	}
	out := []string{string(po.Status)}
	for _, l := range po.Lines {
		out = append(out, fmt.Sprintf("%s %d/%d damaged %d closed %v dated %v", l.SKU, l.Received, l.Ordered, l.Damaged, l.Closed, l.LastReceivedAt != nil))
	}
	return strings.Join(out, "; ")
}

// waitReceipt waits for the receive screen to show the receipt a scan
// posted, with text among its lines.
func waitReceipt(t *testing.T, ctx context.Context, text string) {
	t.Helper()
	waitText(t, ctx, "#last-receipt", text)
}

// TestBrowserReceiving receives a purchase order end to end in chromium
// against the real `depot serve`, with scanner bursts alone: the order
// scanned page-wide, a GS1 DataMatrix (]d2 with GS) that fills GTIN, lot
// and expiry, a far expiry confirmed on screen, a unit marked damaged into
// quarantine, a wrong item flagged, a scan left in the queue over a reload,
// one line closed short, the good mugs put away by scanning the suggested
// bin (a wrong bin refused); then the ledger, levels and order are checked
// through the API and `depot verify` passes.
func TestBrowserReceiving(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "depot.db")
	s := startServeTLS(t, path)
	ctx := newBrowser(t)
	step(t, ctx, "open depot", chromedp.EmulateViewport(1280, 800), chromedp.Navigate(s.base+"/"),
		chromedp.WaitVisible(chromedp.CSS("#f-code")))
	fill(t, ctx, "setup", map[string]string{"f-code": s.setupCode, "f-username": "olga", "f-password": "owner password",
		"f-confirm": "owner password"}, "form button[type=submit]")
	waitText(t, ctx, ".flash", "Welcome, olga")
	token := ownerToken(t, path, "receiving-test")
	for _, l := range []string{`{"code":"WH","kind":"site"}`, `{"code":"DOCK-1","kind":"dock","parent":"WH"}`,
		`{"code":"QUAR","name":"Quarantine","kind":"zone","parent":"WH","attributes":{"quarantine":true}}`,
		`{"code":"B-01","kind":"bin","parent":"WH","walk_seq":10}`, `{"code":"B-02","kind":"bin","parent":"WH","walk_seq":20}`} {
		s.api(t, token, "POST", "/api/v1/locations", l, 201)
	}
	s.api(t, token, "POST", "/api/v1/products", `{"name":"Green tea","variants":[{"sku":"TEA","gtin":"09506000134352","track_lots":true}]}`, 201)
	s.api(t, token, "POST", "/api/v1/products", `{"name":"Ceramic mug","variants":[{"sku":"MUG-BLU","gtin":"4006381333931",
		"packagings":[{"name":"case of 12","qty":12,"barcode":"CASE-MUG-BLU"}]}]}`, 201)
	s.api(t, token, "POST", "/api/v1/products", `{"name":"Spoon","variants":[{"sku":"SPOON"}]}`, 201)
	s.api(t, token, "POST", "/api/v1/suppliers", `{"code":"ACME","name":"Acme Foods"}`, 201)
	s.api(t, token, "POST", "/api/v1/purchase-orders", `{"number":"PO-7","supplier":"ACME","dock":"DOCK-1",
		"expected_on":"2027-01-15","lines":[{"sku":"TEA","qty":10},{"sku":"MUG-BLU","qty":12}]}`, 201)
	s.api(t, token, "POST", "/api/v1/purchase-orders/PO-7/send", "", 200)

	t.Run("OpenTheOrderByScanning", func(t *testing.T) {
		step(t, ctx, "floor", chromedp.EmulateViewport(360, 800), chromedp.Navigate(s.base+"/floor"),
			chromedp.WaitVisible(chromedp.CSS(".tiles")))
		press(t, ctx, `a.tile[href="/floor/receive"]`)
		waitText(t, ctx, "#open-orders", "PO-7")
		scanInto(t, ctx, "", "PO-7")
		waitJS(t, ctx, `!!document.querySelector("#receive-form")`, "the receive screen")
		waitText(t, ctx, "#line-1 .expected", "10")
		waitJS(t, ctx, `document.activeElement && document.activeElement.id === "f-item"`, "focus on the item")
	})

	t.Run("GS1DataMatrixFillsGTINLotAndExpiry", func(t *testing.T) {
		// ]d2, then (01) GTIN, (17) expiry, (10) lot ended by GS, (21) serial.
		scanInto(t, ctx, "", "]d2"+"0109506000134352"+"17271130"+"10LOT-A\x1d"+"21SER-1")
		waitReceipt(t, ctx, "1 TEA lot LOT-A (expires 2027-11-30) received into DOCK-1")
		waitText(t, ctx, "#line-1 .received", "1")
		href := eval[string](t, ctx, `document.querySelector("#last-receipt a.print-labels").getAttribute("href")`)
		if !strings.Contains(href, "/labels/receipt?") || !strings.Contains(href, "lot=LOT-A") || !strings.Contains(href, "expires=2027-11-30") {
			t.Errorf("print labels link %q", href)
		}
		if got := eval[string](t, ctx, `document.querySelector("#put-away").getAttribute("href")`); got != "/floor/putaway" {
			t.Errorf("put away link %q", got)
		}
		shot(t, ctx, "floor-receive", 360)
		// Six more of the same lot: the quantity typed, then the scan
		// while the quantity field still has the focus.
		eval[bool](t, ctx, `document.querySelector("#f-qty").value = "6"; true`)
		scanInto(t, ctx, "#f-qty", "]d2"+"0109506000134352"+"17271130"+"10LOT-A")
		waitReceipt(t, ctx, "6 TEA lot LOT-A")
		waitText(t, ctx, "#line-1 .received", "7")
	})

	t.Run("FarExpiryIsConfirmedOnScreen", func(t *testing.T) {
		scanInto(t, ctx, "", "]d2"+"0109506000134352"+"17401231"+"10LOT-B")
		waitText(t, ctx, "#confirm", "expires on 2040-12-31, more than 5 years from today. Receive it anyway?")
		waitText(t, ctx, "#line-1 .received", "7")
		press(t, ctx, "#confirm-receive")
		waitReceipt(t, ctx, "1 TEA lot LOT-B (expires 2040-12-31) received into DOCK-1")
		waitText(t, ctx, "#line-1 .received", "8")
	})

	t.Run("GoodAndDamagedUnits", func(t *testing.T) {
		eval[bool](t, ctx, `document.querySelector("#f-qty").value = "11"; true`)
		scanInto(t, ctx, "", "]E04006381333931")
		waitReceipt(t, ctx, "11 MUG-BLU received into DOCK-1")
		press(t, ctx, `#modes input[value="damaged"]`)
		waitJS(t, ctx, `document.activeElement && document.activeElement.id === "f-item"`, "focus back on the item")
		scanInto(t, ctx, "", "]E04006381333931")
		waitReceipt(t, ctx, "1 MUG-BLU damaged, into quarantine at QUAR")
		waitText(t, ctx, "#line-2 .damaged", "1")
		waitText(t, ctx, "#line-2 .state", "complete")
		if mode := eval[string](t, ctx, `document.querySelector("#modes input:checked").value`); mode != "ok" {
			t.Errorf("after a damaged unit the next scan is %q, want ok", mode)
		}
	})

	t.Run("WrongItemIsFlagged", func(t *testing.T) {
		press(t, ctx, `#modes input[value="wrong_item"]`)
		scanInto(t, ctx, "", "SPOON")
		waitReceipt(t, ctx, "1 SPOON recorded as a wrong item, not put into stock")
		waitText(t, ctx, "#wrong-items", "1 SPOON recorded as a wrong item")
		shot(t, ctx, "floor-receive", 1280)
	})

	t.Run("AQueuedScanSurvivesAReload", func(t *testing.T) {
		// A scan that arrived as the page went away is still in the queue:
		// the reloaded page posts it.
		eval[bool](t, ctx, `sessionStorage.setItem("depot.receive.queue", JSON.stringify([{code: "TEA", po: "PO-7"}])); true`)
		step(t, ctx, "reload", chromedp.Reload())
		// A TEA without a lot is refused: the screen asks for it and the
		// next scan fills it.
		waitText(t, ctx, "#f-lot-error", "SKU TEA is tracked by lot: give the lot code")
		if q := eval[string](t, ctx, `sessionStorage.getItem("depot.receive.queue")`); q != "[]" {
			t.Errorf("queue after the answer: %s", q)
		}
		scanInto(t, ctx, "#f-lot", "LOT-A")
		waitReceipt(t, ctx, "1 TEA lot LOT-A (expires 2027-11-30) received into DOCK-1")
		waitText(t, ctx, "#line-1 .received", "9")
	})

	t.Run("CloseALineShort", func(t *testing.T) {
		waitText(t, ctx, "#line-1 .close-short", "1 missing")
		press(t, ctx, "#line-1 .close-short")
		waitReceipt(t, ctx, "1 TEA never came: line closed short")
		waitText(t, ctx, "#line-1 .state", "closed short")
		waitText(t, ctx, "#order-facts", "Acme Foods · received")
	})

	var bin string
	t.Run("PutAwayTheSuggestedBinByScanning", func(t *testing.T) {
		// The last receipt was the short line, which offers no putaway:
		// the floor hub's tile leads there.
		step(t, ctx, "floor", chromedp.Navigate(s.base+"/floor"), chromedp.WaitVisible(chromedp.CSS(".tiles")))
		press(t, ctx, `a.tile[href="/floor/putaway"]`)
		waitText(t, ctx, "#putaway-waiting", "MUG-BLU")
		waitJS(t, ctx, `document.activeElement && document.activeElement.id === "f-item"`, "the item step focused")
		scanInto(t, ctx, "#f-item", "]E04006381333931")
		waitText(t, ctx, "#putaway-suggestions", "B-0")
		bin = eval[string](t, ctx, `document.querySelector("input[name=chosen]:checked").value`)
		other := map[string]string{"B-01": "B-02", "B-02": "B-01"}[bin]
		if other == "" {
			t.Fatalf("suggested bin %q, want B-01 or B-02 (QUAR holds damaged goods and is never suggested)", bin)
		}
		waitJS(t, ctx, `document.activeElement && document.activeElement.id === "f-to"`, "the bin step focused")
		scanInto(t, ctx, "#f-to", other)
		waitText(t, ctx, "#f-to-error", "you scanned bin "+other+" but chose bin "+bin)
		scanInto(t, ctx, "#f-to", bin)
		waitText(t, ctx, ".flash", "Put away 11 MUG-BLU into "+bin)
	})

	t.Run("LedgerLevelsAndOrderAreRight", func(t *testing.T) {
		if got, want := poState(t, s, token, "PO-7"), "received; TEA 9/10 damaged 0 closed true dated true; MUG-BLU 12/12 damaged 1 closed true dated true"; got != want {
			t.Errorf("PO-7:\n got %s\nwant %s", got, want)
		}
		levels := func(q string) string {
			var body struct {
				Levels []struct {
					SKU, Location, Lot string
					OnHand             int64 `json:"on_hand"`
				}
			}
			b, _ := json.Marshal(s.api(t, token, "GET", "/api/v1/stock?"+q, "", 200))
			json.Unmarshal(b, &body)
			var out []string
			for _, l := range body.Levels {
				if l.OnHand == 0 {
					continue
				}
				out = append(out, fmt.Sprintf("%s %s %s %d", l.SKU, l.Location, l.Lot, l.OnHand))
			}
			return strings.Join(out, ", ")
		}
		if got, want := levels("location=DOCK-1"), "TEA DOCK-1 LOT-A 8, TEA DOCK-1 LOT-B 1"; got != want {
			t.Errorf("DOCK-1: %s, want %s", got, want)
		}
		if got, want := levels("location="+bin), "MUG-BLU "+bin+"  11"; got != want {
			t.Errorf("%s after the putaway: %s, want %s", bin, got, want)
		}
		if got, want := levels("location=QUAR"), "MUG-BLU QUAR  1"; got != want {
			t.Errorf("QUAR: %s, want %s", got, want)
		}
		if got := levels("sku=SPOON"); got != "" {
			t.Errorf("the wrong item went into stock: %s", got)
		}
		rs := s.api(t, token, "GET", "/api/v1/receipts?po=PO-7", "", 200)["receipts"].([]any)
		var conds []string
		for _, r := range rs {
			for _, l := range r.(map[string]any)["lines"].([]any) {
				conds = append(conds, l.(map[string]any)["condition"].(string))
			}
		}
		if got, want := strings.Join(conds, " "), "ok ok ok ok damaged wrong_item ok short"; got != want {
			t.Errorf("receipt lines of PO-7: %s, want %s", got, want)
		}
		// Every good or damaged unit came from vendor in one receive
		// movement per receipt.
		ms := s.api(t, token, "GET", "/api/v1/movements?sku=TEA", "", 200)["movements"].([]any)
		var teaIn int64
		for _, m := range ms {
			mv := m.(map[string]any)
			if mv["kind"] != "receive" || mv["reference"].(map[string]any)["type"] != "receipt" {
				t.Errorf("movement %v", mv)
			}
			for _, l := range mv["legs"].([]any) {
				leg := l.(map[string]any)
				if leg["location"] == "vendor" {
					teaIn -= int64(leg["qty"].(float64))
				}
			}
		}
		if teaIn != 9 {
			t.Errorf("TEA received from vendor in the ledger: %d, want 9", teaIn)
		}
		vout, verr, code := runDepot(t, "", "verify", "--db", path)
		if code != 0 || !strings.Contains(vout, ": ok") {
			t.Errorf("depot verify: exit %d\n%s%s", code, vout, verr)
		}
	})
}
