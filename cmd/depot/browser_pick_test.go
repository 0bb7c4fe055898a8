package main

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserPick picks a released order in chromium against the real
// `depot serve` with scanner bursts alone: the manager's page builds the
// list, the picker's screen takes it, a bin and a case barcode confirm the
// first stop, a GS1 barcode with its lot the second, a wrong bin is
// refused with the bin named, and the order ends up picked at PACK.
func TestBrowserPick(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "depot.db")
	s := startServeTLS(t, path)
	ctx := newBrowser(t)
	step(t, ctx, "open depot", chromedp.EmulateViewport(360, 800), chromedp.Navigate(s.base+"/"),
		chromedp.WaitVisible(chromedp.CSS("#f-code")))
	fill(t, ctx, "setup", map[string]string{"f-code": s.setupCode, "f-username": "olga", "f-password": "owner password",
		"f-confirm": "owner password"}, "form button[type=submit]")
	waitText(t, ctx, ".flash", "Welcome, olga")

	token := ownerToken(t, path, "browser-pick")
	for _, l := range []string{
		`{"code":"WH","kind":"site"}`, `{"code":"PACK","kind":"staging","parent":"WH"}`,
		`{"code":"A1","kind":"aisle","parent":"WH"}`, `{"code":"A2","kind":"aisle","parent":"WH"}`,
		`{"code":"A1-01","kind":"bin","parent":"A1"}`, `{"code":"A1-04","kind":"bin","parent":"A1"}`,
		`{"code":"A2-02","kind":"bin","parent":"A2"}`,
	} {
		s.api(t, token, "POST", "/api/v1/locations", l, 201)
	}
	s.api(t, token, "POST", "/api/v1/products", `{"name":"T-shirt","variants":[{"sku":"TEE",
		"packagings":[{"name":"case of 6","qty":6,"barcode":"CASE-TEE"}]}]}`, 201)
	s.api(t, token, "POST", "/api/v1/products", `{"name":"Oat milk","variants":[{"sku":"OAT","gtin":"09506000134369","track_lots":true}]}`, 201)
	s.api(t, token, "POST", "/api/v1/movements", `{"kind":"receive","idempotency_key":"bpick-1","lines":[
		{"sku":"TEE","qty":30,"to":"A2-02"},
		{"sku":"OAT","qty":10,"to":"A1-04","lot":{"code":"L7","expires_on":"2027-03-31"}}]}`, 201)
	s.api(t, token, "POST", "/api/v1/orders", `{"number":"SO-9","lines":[{"sku":"TEE","qty":6},{"sku":"OAT","qty":2}]}`, 201)
	s.api(t, token, "POST", "/api/v1/orders/SO-9/release", "", 200)

	// The manager's page builds a single list for SO-9.
	step(t, ctx, "picking page", chromedp.EmulateViewport(1280, 800), chromedp.Navigate(s.base+"/picking"),
		chromedp.WaitVisible(chromedp.CSS("#f-kind")))
	eval[bool](t, ctx, `document.querySelector("#f-kind").value = "single"; document.querySelector("#f-orders").value = "SO-9"; true`)
	step(t, ctx, "build", chromedp.Click(chromedp.CSS("#build-lists")))
	waitText(t, ctx, ".flash", "Built 1 pick list(s) with 2 stops")
	shot(t, ctx, "picking", 1280)

	step(t, ctx, "pick screen", chromedp.EmulateViewport(360, 800), chromedp.Navigate(s.base+"/floor/pick"),
		chromedp.WaitVisible(chromedp.CSS("#claim-next")))
	step(t, ctx, "claim", chromedp.Click(chromedp.CSS("#claim-next")))
	// A1 comes before A2 on the walk: the oat milk first.
	waitText(t, ctx, "#stop-bin", "A1-04")
	waitText(t, ctx, "#stop-lot", "L7")
	waitJS(t, ctx, `document.activeElement && document.activeElement.id === "f-bin"`, "the cursor in the bin step")
	shot(t, ctx, "floor-pick", 360)

	// A wrong bin is refused with the bin named, the cursor back in it.
	scanHere(t, ctx, "A1-01")
	waitJS(t, ctx, `document.activeElement && document.activeElement.id === "f-qty"`, "focus on the quantity step")
	scanHere(t, ctx, "]C1"+"010950600013436910L7")
	waitText(t, ctx, "#f-bin-error", "this stop is bin A1-04")
	// The refused page puts the cursor back in the bin step once its
	// scripts run.
	waitJS(t, ctx, `document.activeElement && document.activeElement.id === "f-bin"`, "the cursor back in the bin step after the refusal")
	// The bin again, 2 typed, then the GS1 barcode with lot L7.
	scanHere(t, ctx, "A1-04")
	waitJS(t, ctx, `document.activeElement && document.activeElement.id === "f-qty"`, "focus on the quantity step")
	eval[bool](t, ctx, `document.querySelector("#f-qty").value = "2"; true`)
	scanHere(t, ctx, "]C1"+"010950600013436910L7")
	waitText(t, ctx, ".flash", "Picked 2 OAT into T1.")
	waitText(t, ctx, "#stop-bin", "A2-02")

	// The case barcode counts its 6, scanned while the quantity waits.
	scanHere(t, ctx, "A2-02")
	waitJS(t, ctx, `document.activeElement && document.activeElement.id === "f-qty"`, "focus on the quantity step")
	scanHere(t, ctx, "CASE-TEE")
	waitText(t, ctx, ".flash", "Picked 6 TEE into T1. List done: to PACK.")

	order := s.api(t, token, "GET", "/api/v1/orders/SO-9", "", 200)
	if st := order["order"].(map[string]any)["status"]; st != "picked" {
		t.Fatalf("SO-9 is %v after the last stop", st)
	}
	stock := s.api(t, token, "GET", "/api/v1/stock?location=PACK", "", 200)
	var onHand float64
	for _, l := range stock["levels"].([]any) {
		onHand += l.(map[string]any)["on_hand"].(float64)
	}
	if onHand != 8 {
		t.Fatalf("PACK holds %v units, want 8", onHand)
	}
}

// scanHere scans code into whatever has the focus, as a scanner does: the
// page decides where the cursor is.
func scanHere(t *testing.T, ctx context.Context, code string) {
	t.Helper()
	eval[bool](t, ctx, burstJS(code))
}
