package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"depot/app"
	"depot/app/sqlite"
	"depot/app/sqlite/shiptest"
)

// TestBrowserReturns drives the returns floor screen in chromium against the
// real `depot serve` by scanner bursts alone: the tracking number, then the
// item and the bin (restock), then the item and the quarantine place; then
// a unit scrapped with the big button. The shipped order is written before
// serve starts (shiptest) until packing is merged.
func TestBrowserReturns(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "depot.db")
	seedShippedForBrowser(t, path)
	s := startServeTLS(t, path)
	ctx := newBrowser(t)
	step(t, ctx, "open depot", chromedp.EmulateViewport(1280, 800), chromedp.Navigate(s.base+"/"),
		chromedp.WaitVisible(chromedp.CSS("#f-code")))
	fill(t, ctx, "setup", map[string]string{"f-code": s.setupCode, "f-username": "olga", "f-password": "owner password",
		"f-confirm": "owner password"}, "form button[type=submit]")
	waitText(t, ctx, ".flash", "Welcome, olga")

	step(t, ctx, "floor hub", chromedp.Navigate(s.base+"/floor"), chromedp.WaitVisible(chromedp.CSS(`a[href="/floor/returns"]`)))
	step(t, ctx, "returns", chromedp.EmulateViewport(360, 800), chromedp.Navigate(s.base+"/floor/returns"),
		chromedp.WaitVisible(chromedp.CSS("#f-scan")))
	scanInto(t, ctx, "#f-scan", "1Z999AA10123456784")
	waitText(t, ctx, "#returnable", "SKU-1")
	shot(t, ctx, "floor-returns", 360)

	// The item, then (the quantity left empty: one) the bin: the form goes
	// with the last scan, and a bin means restock.
	scanInto(t, ctx, "#f-item", "SKU-1")
	waitJS(t, ctx, `document.activeElement && document.activeElement.id === "f-qty"`, "the quantity step")
	scanInto(t, ctx, "#f-qty", "A-01")
	waitText(t, ctx, ".flash", "1 SKU-1 restocked at A-01")
	waitText(t, ctx, `#returnable tr[data-sku="SKU-1"] .returned`, "1")

	scanInto(t, ctx, "#f-item", "SKU-1")
	waitJS(t, ctx, `document.activeElement && document.activeElement.id === "f-qty"`, "the quantity step")
	scanInto(t, ctx, "#f-qty", "Q-RET")
	waitText(t, ctx, ".flash", "1 SKU-1 quarantined at Q-RET")

	scanInto(t, ctx, "#f-item", "SKU-1")
	press(t, ctx, "#return-scrap")
	waitText(t, ctx, ".flash", "1 SKU-1 scrapped")
	waitText(t, ctx, `#returnable tr[data-sku="SKU-1"] .returned`, "3")
	shot(t, ctx, "floor-returns-done", 1280)

	got := onHandByPlace(t, path, "SKU-1")
	if got["A-01"] != 6 || got["Q-RET"] != 1 {
		t.Errorf("stock after the returns: %v; want A-01 6 (10 - 5 + 1), Q-RET 1", got)
	}

	t.Run("TransferToTheShop", func(t *testing.T) {
		step(t, ctx, "orders", chromedp.EmulateViewport(1280, 800), chromedp.Navigate(s.base+"/orders"),
			chromedp.WaitVisible(chromedp.CSS("#transfers-link")))
		press(t, ctx, "#transfers-link")
		press(t, ctx, "#new-transfer")
		step(t, ctx, "form", chromedp.WaitVisible(chromedp.CSS("#f-l0-sku")),
			chromedp.SetValue(chromedp.CSS("#f-from"), "WH"), chromedp.SetValue(chromedp.CSS("#f-to"), "SHOP"))
		fill(t, ctx, "new transfer", map[string]string{"f-number": "T-7", "f-l0-sku": "SKU-1", "f-l0-qty": "4", "f-l0-from": "A-01"}, "#create-transfer")
		waitText(t, ctx, ".flash", "Transfer T-7 planned")
		fill(t, ctx, "ship", map[string]string{"f-carrier": "own van", "f-tracking": "VAN-7"}, "#ship-transfer")
		waitText(t, ctx, ".flash", "4 units in transit to SHOP")
		shot(t, ctx, "transfer", 1280)
		// Receive 3 of the 4 by scanning the shelf: the rest stays in transit.
		step(t, ctx, "qty", chromedp.SetValue(chromedp.CSS("#f-q1"), "3"))
		scanInto(t, ctx, "#f-to", "SHOP-01")
		waitText(t, ctx, ".flash", "Received 3 units of transfer T-7 into SHOP-01")
		waitText(t, ctx, `#transfer-lines tr[data-line="1"] .in-transit`, "1")
		step(t, ctx, "variant", chromedp.Navigate(s.base+"/variants/SKU-1"), chromedp.WaitVisible(chromedp.CSS("#variant-in-transit")))
		waitText(t, ctx, "#in-transit", "WH → SHOP")
		step(t, ctx, "list", chromedp.Navigate(s.base+"/orders/transfers"), chromedp.WaitVisible(chromedp.CSS("#transfers")))
		shot(t, ctx, "transfers", 360)
		if got := onHandByPlace(t, path, "SKU-1"); got["SHOP-01"] != 3 || got["transit"] != 1 || got["A-01"] != 2 {
			t.Errorf("stock after the transfer: %v; want SHOP-01 3, transit 1, A-01 2", got)
		}
	})
}

// onHandByPlace reads the SKU's on hand per place from the file, beside the
// running depot (WAL lets a reader in).
func onHandByPlace(t *testing.T, path, sku string) map[string]int64 {
	t.Helper()
	raw, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT l.code, il.on_hand FROM inventory_levels il JOIN locations l ON l.id = il.location_id
		JOIN variants v ON v.id = il.variant_id WHERE v.sku = ?`, sku)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]int64{}
	for rows.Next() {
		var code string
		var n int64
		if err := rows.Scan(&code, &n); err != nil {
			t.Fatal(err)
		}
		got[code] = n
	}
	return got
}

// seedShippedForBrowser writes a site with bin A-01 and quarantine place
// Q-RET, SKU-1 with 10 received at A-01, and order SO-9 shipped 5 of it on
// tracking 1Z999AA10123456784.
func seedShippedForBrowser(t *testing.T, path string) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, l := range []app.NewLocation{{Code: "WH", Kind: app.KindSite}, {Code: "A-01", Kind: app.KindBin, Parent: "WH"},
		{Code: "Q-RET", Kind: app.KindStaging, Parent: "WH", Attributes: json.RawMessage(`{"quarantine":true}`)},
		{Code: "SHOP", Kind: app.KindSite}, {Code: "SHOP-01", Kind: app.KindBin, Parent: "SHOP"}} {
		if _, err := db.CreateLocation(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.CreateProduct(ctx, app.NewProduct{Name: "Widget", Variants: []app.NewVariant{{SKU: "SKU-1"}}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.PostMovement(ctx, app.PostMovement{Kind: app.Receive, IdempotencyKey: "seed",
		Lines: []app.MovementLine{{SKU: "SKU-1", Qty: 10, To: "A-01"}}}); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	shiptest.ShippedOrder(t, db, raw, "SO-9", "1Z999AA10123456784", "A-01", shiptest.Line{SKU: "SKU-1", Qty: 5})
}
