package main

import (
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserReceiptLabels opens the receipt label page in chromium against
// the real `depot serve`: the case labels show as inline SVG at their real
// size, the page's script and print stylesheet load under the
// Content-Security-Policy, and with no station printer the page offers the
// browser's print, whose button calls window.print.
func TestBrowserReceiptLabels(t *testing.T) {
	path := filepath.Join(t.TempDir(), "depot.db")
	s := startServeTLS(t, path)
	ctx := newBrowser(t)
	step(t, ctx, "open depot", chromedp.EmulateViewport(1280, 800), chromedp.Navigate(s.base+"/setup"),
		chromedp.WaitVisible(chromedp.CSS("#f-code")))
	fill(t, ctx, "setup", map[string]string{"f-code": s.setupCode, "f-username": "olga", "f-password": "owner password",
		"f-confirm": "owner password"}, "form button[type=submit]")
	waitText(t, ctx, ".flash", "Welcome, olga")
	token := ownerToken(t, path, "labels-test")
	s.api(t, token, "POST", "/api/v1/products", `{"name":"Bolt M5","variants":[{"sku":"B-M5","gtin":"09506000134352","track_lots":true}]}`, 201)

	step(t, ctx, "label page", chromedp.Navigate(s.base+"/labels/receipt?sku=B-M5&lot=LOT42&expires=2026-12-31&qty=30&per=12"))
	waitJS(t, ctx, `document.querySelectorAll("figure.label-preview svg").length === 2`, "two case labels")
	waitText(t, ctx, "main", "Case of 12 × 2")
	waitText(t, ctx, "main", "No station has a label printer")
	// 101.625 mm wide at CSS's 96 px to the inch.
	if w := eval[float64](t, ctx, `document.querySelector("figure.label-preview svg").getBoundingClientRect().width`); w < 383 || w > 385 {
		t.Errorf("the label preview is %.1f px wide, want 384 (its size in mm)", w)
	}
	// The preview keeps the spaces of "SKU B-M5   LOT LOT42", as the printer does.
	if !eval[bool](t, ctx, `(() => { const t = document.querySelectorAll("figure.label-preview svg text")[1];
		const c = t.cloneNode(true); c.textContent = t.textContent.replace(/ +/g, " "); t.parentNode.appendChild(c);
		const wider = t.getComputedTextLength() > c.getComputedTextLength() + 5; c.remove(); return wider; })()`) {
		t.Error("the SVG preview collapses the spaces of the label's text")
	}
	waitJS(t, ctx, `[...document.styleSheets].some(s => s.href && s.href.includes("/static/labels.css") && s.cssRules.length > 0)`,
		"the label print stylesheet")
	step(t, ctx, "stub the print dialog", discardEval(`window.print = () => { window.printed = (window.printed || 0) + 1; }; ""`))
	press(t, ctx, "[data-print-page]")
	waitJS(t, ctx, `window.printed === 1`, "the browser's print")
	shot(t, ctx, "labels", 360)
	shot(t, ctx, "labels", 1280)
}
