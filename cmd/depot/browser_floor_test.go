package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/code128"
	"github.com/chromedp/chromedp"
)

// burstJS types code into the focused element (or the page) as a
// keyboard-wedge scanner does: one keydown per character a few ms apart,
// GS as Ctrl+], then Enter.
func burstJS(code string) string {
	b, _ := json.Marshal(code)
	return fmt.Sprintf(`(async () => {
		const wait = () => new Promise(r => setTimeout(r, 4));
		for (const ch of %s) {
			const el = document.activeElement || document.body;
			const gs = ch === "\x1d";
			el.dispatchEvent(new KeyboardEvent("keydown", {key: gs ? "]" : ch, code: gs ? "BracketRight" : "", ctrlKey: gs, bubbles: true, cancelable: true}));
			await wait();
		}
		(document.activeElement || document.body).dispatchEvent(new KeyboardEvent("keydown", {key: "Enter", bubbles: true, cancelable: true}));
		return true;
	})()`, b)
}

// scanInto focuses the element (or the page body when sel is "") and
// scans code into it.
func scanInto(t *testing.T, ctx context.Context, sel, code string) {
	t.Helper()
	focus := `document.activeElement && document.activeElement.blur(); true`
	if sel != "" {
		focus = fmt.Sprintf(`document.querySelector(%q).focus(); true`, sel)
	}
	eval[bool](t, ctx, focus)
	eval[bool](t, ctx, burstJS(code))
}

// TestBrowserFloor drives the catalog, import, floor and scanner screens in
// chromium against the real `depot serve`: a product with two variants made
// in the form, locations and opening stock imported from CSV, stock moved
// by scanner bursts alone, a scan that opens a variant page, the scanner
// self-test, a floor post without the CSRF token refused, and screenshots
// at 360 px and desktop.
func TestBrowserFloor(t *testing.T) {
	dir := t.TempDir()
	s := startServeTLS(t, filepath.Join(dir, "depot.db"))
	ctx := newBrowser(t)
	step(t, ctx, "open depot", chromedp.EmulateViewport(1280, 800), chromedp.Navigate(s.base+"/"),
		chromedp.WaitVisible(chromedp.CSS("#f-code")))
	fill(t, ctx, "setup", map[string]string{"f-code": s.setupCode, "f-username": "olga", "f-password": "owner password",
		"f-confirm": "owner password"}, "form button[type=submit]")
	waitText(t, ctx, ".flash", "Welcome, olga")

	t.Run("ImportLocations", func(t *testing.T) {
		var csv strings.Builder
		csv.WriteString("code,name,kind,parent,walk_seq\nWH,Warehouse,site,,0\nZ1,Zone 1,zone,WH,1\n")
		for i := 1; i <= 200; i++ {
			fmt.Fprintf(&csv, "B-%03d,,bin,Z1,%d\n", i, i)
		}
		pasteCSV(t, ctx, s.base, "locations", csv.String(), "#import-run")
		waitText(t, ctx, "#import-report", "Imported 202 rows")
	})

	t.Run("CreateProductWithTwoVariants", func(t *testing.T) {
		step(t, ctx, "new product", chromedp.EmulateViewport(360, 800), chromedp.Navigate(s.base+"/catalog/new"),
			chromedp.WaitVisible(chromedp.CSS("#f-name")))
		shot(t, ctx, "catalog-new", 360)
		// A bad GTIN first: the form comes back with the field named and
		// everything typed kept.
		fill(t, ctx, "product form", map[string]string{"f-name": "Ceramic mug", "f-category": "Kitchen",
			"f-v0-sku": "MUG-BLU", "f-v0-gtin": "4006381333932", "f-v0-weight_g": "350", "f-v0-cost": "2.90",
			"f-v1-sku": "MUG-RED", "f-v1-attributes": "color=red"}, "#create-product")
		waitText(t, ctx, "#f-v0-gtin-error", "check digit")
		if v := eval[string](t, ctx, `document.querySelector("#f-v1-sku").value`); v != "MUG-RED" {
			t.Errorf("the refused form lost the second SKU: %q", v)
		}
		fill(t, ctx, "fix the GTIN", map[string]string{"f-v0-gtin": "4006381333931"}, "#create-product")
		waitText(t, ctx, ".flash", "Product Ceramic mug created with 2 variants")
		waitText(t, ctx, "#catalog", "MUG-RED")
		shot(t, ctx, "catalog", 360)
		shot(t, ctx, "catalog", 1280)
		step(t, ctx, "edit", chromedp.Navigate(s.base+"/variants/MUG-BLU/edit"), chromedp.WaitVisible(chromedp.CSS("#f-pack_name")))
		fill(t, ctx, "add a case", map[string]string{"f-pack_name": "case of 12", "f-pack_qty": "12", "f-pack_barcode": "CASE-MUG-BLU"}, "#add-packaging")
		waitText(t, ctx, "#packagings", "CASE-MUG-BLU")
		shot(t, ctx, "variant-edit", 360)
		shot(t, ctx, "variant-edit", 1280)
	})

	t.Run("ImportOpeningStock", func(t *testing.T) {
		var csv strings.Builder
		csv.WriteString("sku,location,qty,lot,expires_on\n")
		for i := 1; i <= 200; i++ {
			fmt.Fprintf(&csv, "MUG-%s,B-%03d,%d,,\n", map[bool]string{true: "BLU", false: "RED"}[i%2 == 1], i, 24+i%5)
		}
		bad := csv.String() + "MUG-GRN,B-001,5,,\n"
		pasteCSV(t, ctx, s.base, "stock", bad, "#import-dry-run")
		waitText(t, ctx, "#import-report", "1 problem in 201 rows")
		waitText(t, ctx, "#import-report", `line 202, sku: no variant has SKU "MUG-GRN"`)
		shot(t, ctx, "import", 360)
		pasteCSV(t, ctx, s.base, "stock", csv.String(), "#import-run")
		waitText(t, ctx, "#import-report", "200 receipts written")
		shot(t, ctx, "import", 1280)
	})

	t.Run("MoveByScannerBursts", func(t *testing.T) {
		// B-001 holds 25 MUG-BLU: one case of 12 goes to B-002.
		step(t, ctx, "move", chromedp.EmulateViewport(360, 800), chromedp.Navigate(s.base+"/floor/move"),
			chromedp.WaitVisible(chromedp.CSS("#f-from")))
		scanInto(t, ctx, "#f-from", "B-001")
		waitJS(t, ctx, `document.activeElement && document.activeElement.id === "f-item"`, "focus on the item step")
		scanInto(t, ctx, "#f-item", "CASE-MUG-BLU")
		waitJS(t, ctx, `document.activeElement && document.activeElement.id === "f-qty"`, "focus on the quantity step")
		shot(t, ctx, "floor-move", 360)
		// The target bin scanned while the quantity waits: one case, posted.
		scanInto(t, ctx, "#f-qty", "B-002")
		waitText(t, ctx, ".flash", "Moved 12 MUG-BLU from B-001 to B-002")
		if v := eval[string](t, ctx, `document.querySelector("#f-from").value`); v != "B-001" {
			t.Errorf("the next move does not start from the same bin: %q", v)
		}
		// A GS1 element string with the GTIN; Ctrl+] as the separator
		// before nothing else is allowed, and the quantity typed.
		scanInto(t, ctx, "#f-item", "]C1"+"0104006381333931")
		waitJS(t, ctx, `document.activeElement && document.activeElement.id === "f-qty"`, "focus on the quantity step")
		eval[bool](t, ctx, `document.querySelector("#f-qty").value = "3"; true`)
		scanInto(t, ctx, "#f-to", "B-003")
		waitText(t, ctx, ".flash", "Moved 3 MUG-BLU from B-001 to B-003")
		step(t, ctx, "bin page", chromedp.Navigate(s.base+"/locations/B-001"))
		waitText(t, ctx, "#total-on-hand", "10")
		shot(t, ctx, "floor-move", 1280)
	})

	t.Run("AdjustWithAReason", func(t *testing.T) {
		step(t, ctx, "adjust", chromedp.EmulateViewport(360, 800), chromedp.Navigate(s.base+"/floor/adjust"),
			chromedp.WaitVisible(chromedp.CSS("#f-bin")))
		scanInto(t, ctx, "#f-bin", "B-003")
		waitJS(t, ctx, `document.activeElement && document.activeElement.id === "f-item"`, "focus on the item step")
		scanInto(t, ctx, "#f-item", "MUG-BLU")
		waitJS(t, ctx, `document.activeElement && document.activeElement.id === "f-qty"`, "focus on the quantity step")
		// No reason yet: refused, the scans kept.
		step(t, ctx, "post without a reason", chromedp.Click(chromedp.CSS("#post-adjust")))
		waitText(t, ctx, "#f-reason-error", "Reason: is required")
		if v := eval[string](t, ctx, `document.querySelector("#f-item").value`); v != "MUG-BLU" {
			t.Errorf("the refused adjustment lost the item: %q", v)
		}
		eval[bool](t, ctx, `document.querySelector("#f-reason").value = "damaged"; document.querySelector("#f-qty").value = "2"; true`)
		shot(t, ctx, "floor-adjust", 360)
		step(t, ctx, "post", chromedp.Click(chromedp.CSS("#post-adjust")))
		waitText(t, ctx, ".flash", "Took 2 MUG-BLU out of B-003 (damaged)")
	})

	t.Run("ScanOnAPageOpensTheVariant", func(t *testing.T) {
		step(t, ctx, "floor", chromedp.Navigate(s.base+"/floor"), chromedp.WaitVisible(chromedp.CSS(".tiles")))
		shot(t, ctx, "floor", 360)
		scanInto(t, ctx, "", "]E04006381333931")
		waitText(t, ctx, "h1", "MUG-BLU")
		scanInto(t, ctx, "", "B-002")
		waitText(t, ctx, "h1", "B-002")
	})

	t.Run("CountWithSecondCount", func(t *testing.T) {
		step(t, ctx, "count", chromedp.Navigate(s.base+"/floor/count?bin=B-002"), chromedp.WaitVisible(chromedp.CSS("#count-form")))
		// B-002 holds 26 MUG-RED and the case of 12 MUG-BLU moved in: count none.
		n := eval[int](t, ctx, `document.querySelectorAll("#count-form fieldset[data-sku]").length`)
		if n == 0 {
			t.Fatal("the count sheet lists nothing")
		}
		eval[bool](t, ctx, `document.querySelectorAll("#count-form fieldset[data-sku] input[name$='.counted']").forEach(e => e.value = "0"); true`)
		step(t, ctx, "post count", chromedp.Click(chromedp.CSS("#post-count")))
		waitText(t, ctx, "#recount", "count those lines again")
		shot(t, ctx, "floor-count", 360)
		eval[bool](t, ctx, `document.querySelectorAll("#count-form input[name$='.recount']").forEach(e => e.value = "0"); true`)
		step(t, ctx, "post second count", chromedp.Click(chromedp.CSS("#post-count")))
		waitText(t, ctx, ".flash", "Count of B-002 posted")
		step(t, ctx, "bin page", chromedp.Navigate(s.base+"/locations/B-002"))
		waitText(t, ctx, "#no-stock", "No stock here")
	})

	t.Run("ScannerSelfTest", func(t *testing.T) {
		step(t, ctx, "scanner test", chromedp.EmulateViewport(360, 800), chromedp.Navigate(s.base+"/floor/scanner"),
			chromedp.WaitVisible(chromedp.CSS("#scanner-test")))
		want := eval[string](t, ctx, `document.querySelector("#scanner-test").dataset.expect`)
		scanInto(t, ctx, "", "]C0"+want)
		waitText(t, ctx, "#scanner-verdict", "OK: the scan arrived intact")
		waitText(t, ctx, "#scanner-aim", "]C0")
		// A US scanner on a German layout: Z and Y come out swapped.
		swapped := strings.NewReplacer("Z", "Y", "y", "z").Replace(want)
		scanInto(t, ctx, "", swapped)
		waitText(t, ctx, "#scanner-verdict", "German (QWERTZ)")
		shot(t, ctx, "scanner-test", 360)
		shot(t, ctx, "scanner-test", 1280)
	})

	t.Run("FloorPostWithoutCSRFTokenIsRefused", func(t *testing.T) {
		step(t, ctx, "move", chromedp.Navigate(s.base+"/floor/move"), chromedp.WaitVisible(chromedp.CSS("#f-from")))
		status := eval[int](t, ctx, `fetch("/floor/move", {method: "POST", headers: {"Content-Type": "application/x-www-form-urlencoded"},
			body: "key=k-evil&from=B-003&item=MUG-BLU&qty=1&to=B-004"}).then(r => r.status)`)
		if status != 403 {
			t.Errorf("POST /floor/move without the token: %d, want 403", status)
		}
		step(t, ctx, "bin page", chromedp.Navigate(s.base+"/locations/B-004"))
		if text := eval[string](t, ctx, `document.querySelector("main").innerText`); strings.Contains(text, "MUG-BLU") {
			t.Errorf("the refused post moved stock into B-004:\n%s", text)
		}
	})
}

// TestBrowserCameraScan scans with the phone camera's fallback: chromium's
// fake camera shows a Code 128 of a SKU, the vendored ZXing decoder (this
// chromium has no BarcodeDetector) reads it from the box, and the scan
// opens the variant page.
func TestBrowserCameraScan(t *testing.T) {
	dir := t.TempDir()
	feed := filepath.Join(dir, "camera.mjpeg")
	writeBarcodeFeed(t, feed, "MUG-BLU")
	path := filepath.Join(dir, "depot.db")
	s := startServeTLS(t, path)
	ctx := newBrowser(t, chromedp.Flag("use-fake-device-for-media-stream", true), chromedp.Flag("use-fake-ui-for-media-stream", true),
		chromedp.Flag("use-file-for-fake-video-capture", feed))
	step(t, ctx, "open depot", chromedp.EmulateViewport(360, 800), chromedp.Navigate(s.base+"/"),
		chromedp.WaitVisible(chromedp.CSS("#f-code")))
	fill(t, ctx, "setup", map[string]string{"f-code": s.setupCode, "f-username": "olga", "f-password": "owner password",
		"f-confirm": "owner password"}, "form button[type=submit]")
	waitText(t, ctx, ".flash", "Welcome, olga")
	pasteCSV(t, ctx, s.base, "products", "product,sku\nMug,MUG-BLU\n", "#import-run")
	waitText(t, ctx, "#import-report", "1 products written")

	// The vendored decoder reads the self-test barcode from its image.
	step(t, ctx, "scanner test", chromedp.Navigate(s.base+"/floor/scanner"), chromedp.WaitVisible(chromedp.CSS(".test-code img")))
	got := eval[string](t, ctx, `depotScan.loadDecoder().then(Z => new Z.BrowserMultiFormatReader().decodeFromImageElement(
		document.querySelector(".test-code img"))).then(r => r.getText())`)
	if want := eval[string](t, ctx, `document.querySelector("#scanner-test").dataset.expect`); got != want {
		t.Errorf("ZXing read %q from the test barcode, want %q", got, want)
	}
	if has := eval[bool](t, ctx, `"BarcodeDetector" in window`); has {
		t.Log("this chromium has BarcodeDetector: the native path is tested instead of ZXing")
	}
	step(t, ctx, "floor", chromedp.Navigate(s.base+"/floor"), chromedp.WaitVisible(chromedp.CSS("#camera-scan")))
	step(t, ctx, "camera", chromedp.Click(chromedp.CSS("#camera-scan")))
	waitText(t, ctx, "h1", "MUG-BLU")
}

// writeBarcodeFeed writes an MJPEG file (JPEG frames back to back) showing
// a Code 128 of text, for chromium's fake camera.
func writeBarcodeFeed(t *testing.T, path, text string) {
	t.Helper()
	c, err := code128.Encode(text)
	if err != nil {
		t.Fatal(err)
	}
	bc, err := barcode.Scale(c, 4*c.Bounds().Dx(), 160)
	if err != nil {
		t.Fatal(err)
	}
	frame := image.NewRGBA(image.Rect(0, 0, 640, 480))
	draw.Draw(frame, frame.Bounds(), image.White, image.Point{}, draw.Src)
	off := image.Pt((640-bc.Bounds().Dx())/2, (480-bc.Bounds().Dy())/2)
	draw.Draw(frame, bc.Bounds().Add(off), bc, image.Point{}, draw.Src)
	var buf bytes.Buffer
	for i := 0; i < 30; i++ {
		if err := jpeg.Encode(&buf, frame, &jpeg.Options{Quality: 90}); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// pasteCSV opens the import page, pastes csv for kind and presses button.
func pasteCSV(t *testing.T, ctx context.Context, base, kind, csv, button string) {
	t.Helper()
	b, _ := json.Marshal(csv)
	step(t, ctx, "import page", chromedp.Navigate(base+"/import"), chromedp.WaitVisible(chromedp.CSS("#f-csv")))
	eval[bool](t, ctx, fmt.Sprintf(`document.querySelector("#f-kind").value = %q; document.querySelector("#f-csv").value = %s; true`, kind, b))
	step(t, ctx, "submit "+kind, chromedp.Click(chromedp.CSS(button)))
	waitJS(t, ctx, `!!document.querySelector("#import-report")`, "the import report")
}
