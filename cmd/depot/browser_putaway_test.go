package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"depot/app"
	"depot/app/sqlite"
)

// TestBrowserPutaway puts away by scanner bursts alone in chromium against
// the real `depot serve`: the item scanned on the putaway screen brings
// the suggestions, a scan of another bin than the chosen one is refused
// naming both, a scan of the chosen bin posts the move; frozen peas are
// offered frozen bins only.
func TestBrowserPutaway(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "depot.db")
	putawayDemoFile(t, path)
	s := startServeTLS(t, path)
	ctx := newBrowser(t)
	step(t, ctx, "open depot", chromedp.EmulateViewport(360, 800), chromedp.Navigate(s.base+"/"),
		chromedp.WaitVisible(chromedp.CSS("#f-code")))
	fill(t, ctx, "setup", map[string]string{"f-code": s.setupCode, "f-username": "olga", "f-password": "owner password",
		"f-confirm": "owner password"}, "form button[type=submit]")
	waitText(t, ctx, ".flash", "Welcome, olga")

	step(t, ctx, "floor", chromedp.Navigate(s.base+"/floor"), chromedp.WaitVisible(chromedp.CSS(`a[href="/floor/putaway"]`)))
	press(t, ctx, `a[href="/floor/putaway"]`)
	waitText(t, ctx, "#putaway-waiting", "MUG-BLU")
	shot(t, ctx, "putaway", 360)

	// A receipt posted through the API shows up in the list while it is open.
	out, errOut, code := runDepot(t, "", "token", "create", "--db", path, "--username", "olga", "--name", "browser-test")
	if code != 0 {
		t.Fatalf("token create: %s %s", out, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	s.api(t, lines[len(lines)-1], "POST", "/api/v1/movements",
		`{"kind":"receive","idempotency_key":"po-2","lines":[{"sku":"PEAS-1K","qty":7,"to":"DOCK"}]}`, 201)
	waitJS(t, ctx, `(() => { const r = [...document.querySelectorAll("#putaway-waiting tr")].find(tr => tr.textContent.includes("PEAS-1K"));
		return !!r && r.querySelector("td.num").textContent === "27"; })()`, "27 peas waiting, live")

	// The item field has the focus: a scan brings the suggestions.
	waitJS(t, ctx, `document.activeElement && document.activeElement.id === "f-item"`, "the item step focused")
	scanInto(t, ctx, "#f-item", "MUG-BLU")
	waitText(t, ctx, "#putaway-suggestions", "A-01")
	waitText(t, ctx, "#putaway-item-facts", "30")
	if got := eval[string](t, ctx, `document.querySelector("input[name=chosen]:checked").value`); got != "A-01" {
		t.Fatalf("chosen bin %q, want the first suggestion A-01", got)
	}
	shot(t, ctx, "putaway-suggestions", 360)
	shot(t, ctx, "putaway-suggestions", 1280)

	// The bin field has the focus: another bin is refused, naming both.
	waitJS(t, ctx, `document.activeElement && document.activeElement.id === "f-to"`, "the bin step focused")
	scanInto(t, ctx, "#f-to", "A-02")
	waitText(t, ctx, "#f-to-error", "you scanned bin A-02 but chose bin A-01")
	scanInto(t, ctx, "#f-to", "A-01")
	waitText(t, ctx, ".flash", "Put away 30 MUG-BLU into A-01")

	// Frozen peas: frozen bins only.
	scanInto(t, ctx, "#f-item", "PEAS-1K")
	waitText(t, ctx, "#putaway-suggestions", "F-01")
	if n := eval[float64](t, ctx, `document.querySelectorAll("#putaway-suggestions [data-location^=A]").length`); n != 0 {
		t.Errorf("frozen peas offered %v ambient bins", n)
	}
	scanInto(t, ctx, "#f-to", "F-01")
	waitText(t, ctx, ".flash", "Put away 27 PEAS-1K into F-01")
	waitText(t, ctx, "main", "Nothing waits on the docks.")

	db, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, c := range []struct {
		sku, loc string
		want     int64
	}{{"MUG-BLU", "A-01", 30}, {"PEAS-1K", "F-01", 27}, {"MUG-BLU", "DOCK", 0}} {
		levels, err := db.Stock(context.Background(), app.StockFilter{SKU: c.sku, Location: c.loc})
		var n int64
		for _, l := range levels {
			n += l.OnHand
		}
		if err != nil || n != c.want {
			t.Errorf("%s at %s: %d (%v), want %d", c.sku, c.loc, n, err, c.want)
		}
	}
}

// putawayDemoFile makes a database with a frozen and an ambient zone and 30
// mugs and 20 frozen peas received on the dock.
func putawayDemoFile(t *testing.T, path string) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, l := range []app.NewLocation{
		{Code: "WH", Kind: app.KindSite},
		{Code: "DOCK", Kind: app.KindDock, Parent: "WH"},
		{Code: "PACK", Kind: app.KindStaging, Parent: "WH"},
		{Code: "Z-F", Kind: app.KindZone, Parent: "WH", Attributes: []byte(`{"temperature":"frozen"}`)},
		{Code: "F-01", Kind: app.KindBin, Parent: "Z-F", WalkSeq: 500},
		{Code: "Z-A", Kind: app.KindZone, Parent: "WH", Attributes: []byte(`{"temperature":"ambient"}`)},
		{Code: "A-01", Kind: app.KindBin, Parent: "Z-A", WalkSeq: 100, Attributes: []byte(`{"max_weight_mg":50000000}`)},
		{Code: "A-02", Kind: app.KindBin, Parent: "Z-A", WalkSeq: 200},
	} {
		if _, err := db.CreateLocation(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []app.NewProduct{
		{Name: "Peas", Variants: []app.NewVariant{{SKU: "PEAS-1K", UnitWeightMg: 500_000, Attributes: []byte(`{"temperature":"frozen"}`)}}},
		{Name: "Mug", Variants: []app.NewVariant{{SKU: "MUG-BLU", UnitWeightMg: 350_000}}},
	} {
		if _, err := db.CreateProduct(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := db.PostMovement(ctx, app.PostMovement{Kind: app.Receive, IdempotencyKey: "po-1",
		Lines: []app.MovementLine{{SKU: "MUG-BLU", Qty: 40, To: "DOCK"}, {SKU: "PEAS-1K", Qty: 20, To: "DOCK"}}}); err != nil {
		t.Fatal(err)
	}
	// Mugs ship, so they are the fast mover.
	if _, _, err := db.PostMovement(ctx, app.PostMovement{Kind: app.Ship, IdempotencyKey: "so-1",
		Lines: []app.MovementLine{{SKU: "MUG-BLU", Qty: 10, From: "DOCK"}}}); err != nil {
		t.Fatal(err)
	}
}
