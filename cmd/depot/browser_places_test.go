package main

import (
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserPlacesAndLots drives chromium against the real `depot serve`:
// a search by part of a product name that lists the variant while typing,
// a lot found by part of its code, put on hold with a reason (an empty
// reason refused first, with the field named), and the status and the
// history seen on the lot page; the places pages at phone and desktop
// widths.
func TestBrowserPlacesAndLots(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "depot.db")
	s := startServeTLS(t, path)
	ctx := newBrowser(t)
	step(t, ctx, "open depot", chromedp.EmulateViewport(1280, 800), chromedp.Navigate(s.base+"/"),
		chromedp.WaitVisible(chromedp.CSS("#f-code")))
	fill(t, ctx, "setup", map[string]string{"f-code": s.setupCode, "f-username": "olga", "f-password": "owner password",
		"f-confirm": "owner password"}, "form button[type=submit]")
	waitText(t, ctx, ".flash", "Welcome, olga")

	token := ownerToken(t, path, "browser-places")
	for _, l := range []string{
		`{"code":"WH","name":"Main warehouse","kind":"site"}`,
		`{"code":"C","name":"Cold room","kind":"zone","parent":"WH","attributes":{"temperature":"chilled"}}`,
		`{"code":"C-01-001","kind":"bin","parent":"C","walk_seq":1,"attributes":{"max_weight_mg":250000000,"category_tags":["food"]}}`,
		`{"code":"C-01-002","kind":"bin","parent":"C","walk_seq":2}`,
	} {
		s.api(t, token, "POST", "/api/v1/locations", l, 201)
	}
	s.api(t, token, "POST", "/api/v1/products", `{"name":"Walnut Yoghurt","variants":[
		{"sku":"YOG-WAL-500","gtin":"4006381333931","track_lots":true,"attributes":{"size":"500 g"}},
		{"sku":"YOG-WAL-150","track_lots":true}]}`, 201)
	s.api(t, token, "POST", "/api/v1/movements", `{"kind":"receive","idempotency_key":"bp-1","lines":[
		{"sku":"YOG-WAL-500","qty":40,"to":"C-01-001","lot":{"code":"LY-2611-07","expires_on":"2026-12-20"}},
		{"sku":"YOG-WAL-150","qty":12,"to":"C-01-002","lot":{"code":"LY-2611-09","expires_on":"2026-12-28"}}]}`, 201)
	s.api(t, token, "POST", "/api/v1/movements", `{"kind":"move","idempotency_key":"bp-2","lines":[
		{"sku":"YOG-WAL-500","qty":15,"from":"C-01-001","to":"C-01-002","lot":{"code":"LY-2611-07"}}]}`, 201)

	// Typing part of the name lists both variants without pressing Enter.
	step(t, ctx, "search page", chromedp.Navigate(s.base+"/"), chromedp.WaitVisible(chromedp.CSS("#q")),
		chromedp.SendKeys(chromedp.CSS("#q"), "walnut yog"))
	waitText(t, ctx, "#found-variants", "YOG-WAL-500")
	waitText(t, ctx, "#found-variants", "YOG-WAL-150")
	shot(t, ctx, "search-typing", 1280)
	shot(t, ctx, "search-typing", 360)

	// A lot by the start of its code; Enter lists it (two lots match).
	step(t, ctx, "search a lot", chromedp.EmulateViewport(1280, 800), chromedp.Navigate(s.base+"/search?q=LY-2611"),
		chromedp.WaitVisible(chromedp.CSS("#found-lots")))
	waitText(t, ctx, "#found-lots", "LY-2611-07")
	step(t, ctx, "open the lot", chromedp.Click(chromedp.CSS(`#found-lots a[href^="/lots/"]`)),
		chromedp.WaitVisible(chromedp.CSS("#lot-status")))
	waitText(t, ctx, "h1", "LY-2611-07")
	waitText(t, ctx, "#levels", "C-01-001")
	waitText(t, ctx, "#levels", "C-01-002")
	waitText(t, ctx, "#lot-status", "available")

	// Hold without a reason: refused, the field named, nothing changed.
	step(t, ctx, "choose hold", discardEval(`document.querySelector("#f-action").value = "hold"`),
		chromedp.Click(chromedp.CSS(`form[action$="/status"] button[type=submit]`)))
	waitText(t, ctx, "#f-reason-error", "Reason: is required")
	waitText(t, ctx, "#lot-status", "available")
	step(t, ctx, "hold with a reason", discardEval(`document.querySelector("#f-action").value = "hold"`),
		chromedp.SendKeys(chromedp.CSS("#f-reason"), "supplier recall notice 77 under review"),
		chromedp.Click(chromedp.CSS(`form[action$="/status"] button[type=submit]`)))
	waitText(t, ctx, ".flash", "is now on hold")
	waitText(t, ctx, "#lot-status", "on hold")
	waitText(t, ctx, "#lot-history", "supplier recall notice 77 under review")
	waitText(t, ctx, "#lot-history", "olga")
	shot(t, ctx, "lot", 1280)
	shot(t, ctx, "lot", 360)

	step(t, ctx, "lots list", chromedp.EmulateViewport(1280, 800), chromedp.Navigate(s.base+"/lots?status=hold"),
		chromedp.WaitVisible(chromedp.CSS("#lots")))
	waitText(t, ctx, "#lots", "LY-2611-07")
	shot(t, ctx, "lots", 1280)
	shot(t, ctx, "lots", 360)

	// Places: the zone's total includes its bins; the edit form.
	step(t, ctx, "places", chromedp.EmulateViewport(1280, 800), chromedp.Navigate(s.base+"/places"),
		chromedp.WaitVisible(chromedp.CSS("#children")))
	waitText(t, ctx, `#children tr[data-code="WH"] .on-hand`, "52")
	step(t, ctx, "zone", chromedp.Navigate(s.base+"/locations/C"), chromedp.WaitVisible(chromedp.CSS("#place-total")))
	waitText(t, ctx, "#place-total", "52 on hand")
	shot(t, ctx, "place", 1280)
	shot(t, ctx, "place", 360)
	step(t, ctx, "edit a bin", chromedp.EmulateViewport(1280, 800), chromedp.Navigate(s.base+"/locations/C-01-002/edit"),
		chromedp.WaitVisible(chromedp.CSS("#f-max_weight")))
	fill(t, ctx, "bad weight", map[string]string{"f-max_weight": "heavy", "f-name": "Bottom shelf"}, `form[action$="/edit"] button[type=submit]`)
	waitText(t, ctx, "#f-max_weight-error", "Max weight")
	if v := eval[string](t, ctx, `document.querySelector("#f-name").value`); v != "Bottom shelf" {
		t.Errorf("refused place form lost the name: %q", v)
	}
	shot(t, ctx, "place-edit", 1280)
	shot(t, ctx, "place-edit", 360)
}

func discardEval(js string) chromedp.Action[chromedp.Void] {
	return discard(chromedp.Evaluate[string](js))
}
