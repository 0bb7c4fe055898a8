package main

import (
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserOrders drives chromium against the real `depot serve`: a
// customer and stock made through the API, an order entered in the form
// (a bad SKU refused beside its row first), released with the button onto
// the lot that expires first, and cancelled.
func TestBrowserOrders(t *testing.T) {
	path := filepath.Join(t.TempDir(), "depot.db")
	s := startServeTLS(t, path)
	ctx := newBrowser(t)
	step(t, ctx, "open depot", chromedp.EmulateViewport(1280, 800), chromedp.Navigate(s.base+"/"),
		chromedp.WaitVisible(chromedp.CSS("#f-code")))
	fill(t, ctx, "setup", map[string]string{"f-code": s.setupCode, "f-username": "olga", "f-password": "owner password",
		"f-confirm": "owner password"}, "form button[type=submit]")
	waitText(t, ctx, ".flash", "Welcome, olga")
	token := ownerToken(t, path, "orders-test")
	s.api(t, token, "POST", "/api/v1/locations", `{"code":"WH","kind":"site"}`, 201)
	s.api(t, token, "POST", "/api/v1/locations", `{"code":"A-01","kind":"bin","parent":"WH","walk_seq":1}`, 201)
	s.api(t, token, "POST", "/api/v1/locations", `{"code":"A-02","kind":"bin","parent":"WH","walk_seq":2}`, 201)
	s.api(t, token, "POST", "/api/v1/products", `{"name":"Oat milk","category":"Food","variants":[{"sku":"OAT-1L","track_lots":true}]}`, 201)
	s.api(t, token, "POST", "/api/v1/movements", `{"kind":"receive","idempotency_key":"o-1","lines":[
		{"sku":"OAT-1L","qty":12,"to":"A-01","lot":{"code":"L-LATE","expires_on":"2099-06-01"}},
		{"sku":"OAT-1L","qty":12,"to":"A-02","lot":{"code":"L-SOON","expires_on":"2099-01-01"}}]}`, 201)
	s.api(t, token, "POST", "/api/v1/customers", `{"code":"DELI","name":"Deli Fresh","address":"3 Mill Lane, York"}`, 201)

	step(t, ctx, "new order", chromedp.Navigate(s.base+"/orders/new"), chromedp.WaitVisible(chromedp.CSS("#f-number")))
	fill(t, ctx, "order with a bad SKU", map[string]string{"f-number": "SO-1", "f-customer": "DELI",
		"f-l0-sku": "OAT-1L", "f-l0-qty": "15", "f-l1-sku": "NOPE", "f-l1-qty": "1"}, "#create-order")
	waitText(t, ctx, "#f-l1-sku-error", "no variant has SKU")
	if v := eval[string](t, ctx, `document.querySelector("#f-l0-qty").value`); v != "15" {
		t.Errorf("the refused form lost line 1's quantity: %q", v)
	}
	step(t, ctx, "clear the bad row", discard(chromedp.Evaluate[string](
		`document.querySelector("#f-l1-sku").value = ""; document.querySelector("#f-l1-qty").value = ""`)))
	step(t, ctx, "enter", chromedp.Click(chromedp.CSS("#create-order")))
	waitText(t, ctx, ".flash", "Order SO-1 entered")
	waitText(t, ctx, "main", "3 Mill Lane, York")

	press(t, ctx, "#release-order")
	waitText(t, ctx, ".flash", "SO-1: 15 units reserved, none backordered.")
	waitText(t, ctx, "#allocations tbody tr:first-child", "L-SOON")
	waitText(t, ctx, "#allocations tbody tr:nth-child(2)", "L-LATE")
	shot(t, ctx, "order", 1280)
	shot(t, ctx, "order", 360)

	step(t, ctx, "order list", chromedp.Navigate(s.base+"/orders"))
	waitText(t, ctx, "#orders", "SO-1")
	waitText(t, ctx, "#order-statuses", "released (1)")
	shot(t, ctx, "orders", 1280)
	shot(t, ctx, "orders", 360)

	step(t, ctx, "order again", chromedp.Navigate(s.base+"/orders/SO-1"))
	press(t, ctx, "#cancel-order")
	waitText(t, ctx, ".flash", "SO-1 cancelled")
	stock := s.api(t, token, "GET", "/api/v1/stock?sku=OAT-1L", "", 200)
	for _, l := range stock["levels"].([]any) {
		if r := l.(map[string]any)["reserved"].(float64); r != 0 {
			t.Errorf("reserved after cancel: %v", l)
		}
	}
}
