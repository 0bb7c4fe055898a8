package main

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserDevices drives chromium against the real `depot serve`: a
// station saved from the device page (a bad address refused first, with
// the field named and the typed text kept), then the simulated weight set
// from one tab shows up live on a second tab without a reload, and a test
// label printed from the page lands in the simulator's folder.
func TestBrowserDevices(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "depot.db")
	labels := filepath.Join(dir, "labels")
	s := startServeTLS(t, path)
	ctx := newBrowser(t)
	step(t, ctx, "open depot", chromedp.EmulateViewport(1280, 800), chromedp.Navigate(s.base+"/setup"),
		chromedp.WaitVisible(chromedp.CSS("#f-code")))
	fill(t, ctx, "setup", map[string]string{"f-code": s.setupCode, "f-username": "olga", "f-password": "owner password",
		"f-confirm": "owner password"}, "form button[type=submit]")
	waitText(t, ctx, ".flash", "Welcome, olga")
	token := ownerToken(t, path, "devices-test")
	s.api(t, token, "POST", "/api/v1/locations", `{"code":"WH","kind":"site"}`, 201)
	s.api(t, token, "POST", "/api/v1/locations", `{"code":"PACK","name":"Packing area","kind":"staging","parent":"WH"}`, 201)

	// Add the station from the page; a scale address without a protocol is refused first.
	step(t, ctx, "devices page", chromedp.Navigate(s.base+"/devices"), chromedp.WaitVisible(chromedp.CSS("#dev-6e6577-code")))
	newForm := map[string]string{"dev-6e6577-code": "PACK", "dev-6e6577-scale": "serial:/dev/ttyUSB9",
		"dev-6e6577-scanner": "sim:scanner", "dev-6e6577-printer": "sim:zebra?dir=" + labels}
	fill(t, ctx, "station with a bad scale", newForm, "form[action='/devices/stations'] button[type=submit]")
	waitText(t, ctx, "#dev-6e6577-scale-error", "scale: ")
	waitText(t, ctx, "#dev-6e6577-scale-error", "protocol=nci")
	if v := eval[string](t, ctx, `document.querySelector("#dev-6e6577-printer").value`); v != "sim:zebra?dir="+labels {
		t.Errorf("the refused form lost the printer: %q", v)
	}
	newForm["dev-6e6577-scale"] = "sim:nci?weight=0.500kg"
	fill(t, ctx, "station", newForm, "form[action='/devices/stations'] button[type=submit]")
	waitText(t, ctx, ".flash", "Station PACK saved.")
	waitText(t, ctx, "#station-PACK .weight", "0.500 kg stable")
	waitText(t, ctx, "#station-PACK [data-printer]", "ready")

	tab2, cancel := chromedp.NewContext(ctx)
	defer cancel()
	if err := chromedp.Do(tab2); err != nil { // opens the tab; no deadline on the first run
		t.Fatal(err)
	}
	step(t, tab2, "second tab", chromedp.EmulateViewport(360, 800), chromedp.Navigate(s.base+"/devices"))
	waitText(t, tab2, "#station-PACK .weight", "0.500 kg stable")
	waitJS(t, tab2, `(() => { const e = document.querySelector("[sse-connect]");
		return !!e && !!e["htmx-internal-data"] && !!e["htmx-internal-data"].sseEventSource &&
			e["htmx-internal-data"].sseEventSource.readyState === 1; })()`, "the device page's event stream")
	step(t, tab2, "mark the page", discard(chromedp.Evaluate[int](`window.notReloaded = 1`)))

	weight := "dev-" + hex.EncodeToString([]byte("PACK")) + "-weight"
	fill(t, ctx, "set the simulated weight", map[string]string{weight: "2.345 kg"}, "form.sim-scale button[value=set]")
	waitText(t, ctx, ".flash", "holds 2.345 kg")
	waitText(t, tab2, "#station-PACK .weight", "2.345 kg stable")
	if eval[int](t, tab2, `window.notReloaded || 0`) != 1 {
		t.Error("the second tab reloaded instead of taking the event")
	}
	shot(t, tab2, "devices", 360)

	// Unplug shows up live too, with the error.
	press(t, ctx, "form.sim-scale button[value=unplug]")
	waitText(t, tab2, "#station-PACK .scale .badge", "not connected")
	waitText(t, tab2, "#station-PACK .scale [data-error]", "Last error at")
	press(t, ctx, "form.sim-scale button[value=replug]")
	waitText(t, tab2, "#station-PACK .scale .badge", "connected")
	waitText(t, tab2, "#station-PACK .weight", "2.345 kg stable")

	press(t, ctx, "form[action='/devices/PACK/print-test'] button")
	waitText(t, ctx, ".flash", "Test label sent")
	waitText(t, tab2, "#station-PACK [data-printer]", "ready")
	waitText(t, tab2, "#station-PACK .printer", "1 label stored")
	files, err := os.ReadDir(labels)
	if err != nil || len(files) != 1 {
		t.Errorf("labels folder: %v %v", files, err)
	}
	shot(t, ctx, "devices", 1280)
}
