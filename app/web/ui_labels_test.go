package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"depot/app"
	"depot/hardware/label"
	"depot/hardware/station"
)

// mustBolt adds Bolt M5 (B-M5, GTIN 09506000134352, lot-tracked) and
// Screw (SCREW-9, no GTIN).
func mustBolt(t *testing.T, e *uiEnv) {
	t.Helper()
	if _, err := e.db.CreateProduct(context.Background(), app.NewProduct{Name: "Bolt M5", Variants: []app.NewVariant{{SKU: "B-M5", GTIN: "09506000134352", TrackLots: true}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.CreateProduct(context.Background(), app.NewProduct{Name: "Screw", Variants: []app.NewVariant{{SKU: "SCREW-9"}}}); err != nil {
		t.Fatal(err)
	}
}

// svgCount counts the inline SVG labels of a page.
func svgCount(body []byte) int { return bytes.Count(body, []byte("<svg ")) }

func TestReceiptLabelsPreview(t *testing.T) {
	e := newUIEnv(t, false)
	mustBolt(t, e)
	b := e.signIn("cleo", app.Clerk)

	t.Run("CaseLabels", func(t *testing.T) {
		r := b.get("/labels/receipt?sku=B-M5&lot=LOT42&expires=2026-12-31&qty=30&per=12")
		r.has(t, http.StatusOK, "Labels for B-M5", "3 label(s) to print", "Case of 12 × 2", "Case of 6 × 1",
			"(01)09506000134352(17)261231(37)12(10)LOT42", "(01)09506000134352(17)261231(37)6(10)LOT42",
			"SKU B-M5   LOT LOT42   EXP 2026-12-31", "CASE OF 12", "CASE OF 6", "Bolt M5",
			// No device layer: the page says so and offers the browser's print.
			"No station has a label printer", `data-print-page`, "/static/labels.js")
		if n := svgCount(r.Body); n != 2 {
			t.Errorf("%d SVG labels, want 2", n)
		}
		// The preview is the label's own SVG.
		l, err := label.CaseLabel(label.Receipt{SKU: "B-M5", Name: "Bolt M5", GTIN: "09506000134352", Lot: "LOT42",
			Expiry: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC), PerCase: 12}, 203)
		if err != nil {
			t.Fatal(err)
		}
		svg, _ := l.SVG()
		if !bytes.Contains(r.Body, svg) {
			t.Error("the page does not carry the case label's SVG as the label package renders it")
		}
	})
	t.Run("LotLabel", func(t *testing.T) {
		r := b.get("/labels/receipt?sku=B-M5&lot=LOT42&expires=2026-12-31&qty=30")
		r.has(t, http.StatusOK, "Lot label × 1", "(01)09506000134352(17)261231(10)LOT42")
		if n := svgCount(r.Body); n != 1 {
			t.Errorf("%d SVG labels, want 1", n)
		}
	})
	t.Run("Copies", func(t *testing.T) {
		b.get("/labels/receipt?sku=B-M5&lot=L1&qty=24&per=12&copies=3").has(t, http.StatusOK, "6 label(s) to print", "Case of 12 × 6")
	})
	t.Run("NoGTINLotLabel", func(t *testing.T) {
		b.get("/labels/receipt?sku=SCREW-9&lot=K1").has(t, http.StatusOK, "Lot label × 1", "SKU SCREW-9   LOT K1")
	})
	t.Run("BadInput", func(t *testing.T) {
		for _, c := range []struct {
			name, query string
			status      int
			msg         string
		}{
			{"NoSKU", "lot=L1", 400, "sku: is required: the SKU of the received goods"},
			{"UnknownSKU", "sku=NOPE", 404, "NOPE"},
			{"BadDate", "sku=B-M5&expires=31.12.2026", 400, "expires: &#34;31.12.2026&#34; is not a date YYYY-MM-DD"},
			{"BadQty", "sku=B-M5&qty=-3&per=12", 400, "qty: &#34;-3&#34; is not a whole number"},
			{"CaseWithoutGTIN", "sku=SCREW-9&per=12", 400, "gtin: SKU SCREW-9 has no GTIN"},
			{"LotWithSpace", "sku=B-M5&lot=LOT+42", 400, "lot: GS1 element (10) at position 4: &#39; &#39; is not in the GS1 character set 82"},
			{"TooManyLabels", "sku=B-M5&qty=100000&per=1", 400, "qty: 100000 units in cases of 1 make 100000 labels; one job prints at most 1000"},
			{"ZeroCopies", "sku=B-M5&copies=0", 400, "copies: must be at least 1"},
			{"UnknownParam", "sku=B-M5&count=3", 400, "count: is not a parameter here"},
		} {
			t.Run(c.name, func(t *testing.T) {
				b.get("/labels/receipt?"+c.query).has(t, c.status, c.msg)
			})
		}
	})
	t.Run("RoleWithoutReceiveGoods", func(t *testing.T) {
		p := e.signIn("pia", app.Picker)
		if r := p.get("/labels/receipt?sku=B-M5"); r.Status != http.StatusForbidden {
			t.Errorf("a picker got %d, want 403", r.Status)
		}
	})
}

func TestReceiptLabelsPrint(t *testing.T) {
	d := newDevicesEnv(t)
	mustBolt(t, d.uiEnv)
	b := d.signIn("cleo", app.Clerk)
	d.waitStation("PACK", "has a printer that answers", func(st station.State) bool { return st.Printer.Connected })
	page := "/labels/receipt?sku=B-M5&lot=LOT42&expires=2026-12-31&qty=30&per=12"
	b.get(page).has(t, http.StatusOK, `<option value="PACK"`, "PACK · Packing area (sim:zebra?dir=", "Print on the station's printer")

	form := func(station, copies string) url.Values {
		return url.Values{"sku": {"B-M5"}, "lot": {"LOT42"}, "expires": {"2026-12-31"}, "qty": {"30"}, "per": {"12"}, "station": {station}, "copies": {copies}}
	}
	t.Run("Refused", func(t *testing.T) {
		for _, c := range []struct {
			name, station, copies string
			status                int
			field, msg            string
		}{
			{"NoStation", "", "1", 400, "station", "is required: the station whose printer prints the labels"},
			{"UnknownStation", "B9", "1", 404, "station", "no station &#34;B9&#34; is running"},
			{"TooManyCopies", "PACK", "101", 400, "copies", "&#34;101&#34; is not a whole number from 0 to 100"},
		} {
			t.Run(c.name, func(t *testing.T) {
				r := b.post(page, "/labels/receipt/print", form(c.station, c.copies))
				r.has(t, c.status, `id="f-`+c.field+`-error"`, c.msg, "<svg ")
			})
		}
		if files := labelFiles(t, d.labels); len(files) != 0 {
			t.Errorf("a refused print printed %d labels", len(files))
		}
	})

	r := b.post(page, "/labels/receipt/print", form("PACK", "2"))
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/labels/receipt?copies=2&expires=2026-12-31&lot=LOT42&per=12&qty=30&sku=B-M5" {
		t.Fatalf("print: %d to %q: %s", r.Status, r.Header.Get("Location"), r.Body)
	}
	b.get(r.Header.Get("Location")).has(t, http.StatusOK, "6 label(s) sent to the printer of PACK.")

	// The simulated printer stored 2 copies of the 2 case labels of 12, then
	// 2 of the case label of 6, each exactly the ZPL of its label.
	exp := time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
	want := map[int64]string{}
	for _, n := range []int64{12, 6} {
		l, err := label.CaseLabel(label.Receipt{SKU: "B-M5", Name: "Bolt M5", GTIN: "09506000134352", Lot: "LOT42", Expiry: exp, PerCase: n}, 203)
		if err != nil {
			t.Fatal(err)
		}
		z, _ := l.ZPL()
		want[n] = string(z)
	}
	files := waitLabelFiles(t, d.labels, 6)
	for i, f := range files {
		got, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		n := int64(12)
		if i >= 4 {
			n = 6
		}
		if strings.TrimSpace(string(got)) != strings.TrimSpace(want[n]) {
			t.Errorf("label %d is\n%s\nwant the case label of %d:\n%s", i+1, got, n, want[n])
		}
	}
}

func labelFiles(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "label-*.zpl"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// waitLabelFiles waits until the simulated printer stored n labels.
func waitLabelFiles(t *testing.T, dir string, n int) []string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		files := labelFiles(t, dir)
		if len(files) >= n || time.Now().After(deadline) {
			if len(files) != n {
				t.Fatalf("the printer stored %d labels, want %d", len(files), n)
			}
			return files
		}
		time.Sleep(20 * time.Millisecond)
	}
}
