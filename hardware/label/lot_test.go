package label

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"depot/app"
	"depot/app/gs1"
)

var receiptExpiry = time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)

// receiptCase is one receipt label and what a scan of its barcodes must
// mean to depot.
type receiptCase struct {
	name  string
	label func(dpi int) (*Label, error)
	// symbols is the HRI of each GS1-128 on the label, in order; dm the HRI
	// of its DataMatrix ("" for none); code the Code 128 text ("" for none).
	symbols []string
	dm      string
	code    string
	// scan is what app.ParseScan must read from the DataMatrix (or the only
	// GS1-128): GTIN, lot, expiry, count.
	gtin, lot, expires string
	count              int64
}

var receiptCases = []receiptCase{
	{name: "LotLabel", label: func(dpi int) (*Label, error) {
		return LotLabel(Receipt{SKU: "B-M5", Name: "Bolt M5 stainless", GTIN: "9506000134352", Lot: "LOT42", Expiry: receiptExpiry}, dpi)
	}, symbols: []string{"(01)09506000134352(17)261231(10)LOT42"}, dm: "(01)09506000134352(17)261231(10)LOT42",
		gtin: "09506000134352", lot: "LOT42", expires: "2026-12-31"},
	{name: "CaseLabel", label: func(dpi int) (*Label, error) {
		return CaseLabel(Receipt{SKU: "B-M5", Name: "Bolt M5 stainless", GTIN: "09506000134352", Lot: "LOT42", Expiry: receiptExpiry, PerCase: 12}, dpi)
	}, symbols: []string{"(01)09506000134352(17)261231(37)12(10)LOT42"}, dm: "(01)09506000134352(17)261231(37)12(10)LOT42",
		gtin: "09506000134352", lot: "LOT42", expires: "2026-12-31", count: 12},
	{name: "CaseLabelLongLotSplits", label: func(dpi int) (*Label, error) {
		return CaseLabel(Receipt{SKU: "MILK-1L", Name: "Milk 1 l ^ ~ \\ carton", GTIN: "4006381333931", Lot: "ABCDEFGHIJ-123456789", Expiry: receiptExpiry, PerCase: 144}, dpi)
	}, symbols: []string{"(01)04006381333931(17)261231(37)144", "(10)ABCDEFGHIJ-123456789"},
		dm:   "(01)04006381333931(17)261231(37)144(10)ABCDEFGHIJ-123456789",
		gtin: "04006381333931", lot: "ABCDEFGHIJ-123456789", expires: "2026-12-31", count: 144},
	{name: "LotLabelLongLotSplits", label: func(dpi int) (*Label, error) {
		return LotLabel(Receipt{SKU: "B-M5", Name: "Bolt", GTIN: "09506000134352", Lot: "ABCDEFGHIJ-123456789", Expiry: receiptExpiry}, dpi)
	}, symbols: []string{"(01)09506000134352(17)261231", "(10)ABCDEFGHIJ-123456789"}, dm: "(01)09506000134352(17)261231(10)ABCDEFGHIJ-123456789",
		gtin: "09506000134352", lot: "ABCDEFGHIJ-123456789", expires: "2026-12-31"},
	{name: "LotLabelNoExpiry", label: func(dpi int) (*Label, error) {
		return LotLabel(Receipt{SKU: "B-M5", Name: "Bolt", GTIN: "09506000134352", Lot: "L/7-a"}, dpi)
	}, symbols: []string{"(01)09506000134352(10)L/7-a"}, dm: "(01)09506000134352(10)L/7-a", gtin: "09506000134352", lot: "L/7-a"},
	{name: "LotLabelWithoutGTIN", label: func(dpi int) (*Label, error) {
		return LotLabel(Receipt{SKU: "SCREW-9", Name: "Screw", Lot: "K 12", Expiry: receiptExpiry}, dpi)
	}, code: "K 12"},
}

// checkReceiptLabel decodes every barcode of l from img and compares it
// with the case: the decoded GS1 string is the encoded one, and parsed as a
// scan it gives the receipt's GTIN, lot, expiry and count.
func (c receiptCase) checkReceiptLabel(t *testing.T, l *Label, img image.Image) {
	t.Helper()
	var hri []string
	dm, code := "", ""
	for i, it := range l.Items {
		switch b := it.(type) {
		case *GS1128:
			h, _ := gs1.HRI(b.Elements)
			hri = append(hri, h)
			gs1Case("GS1-128 "+h, b.Elements, false).check(t, l, i, img)
		case *DataMatrix:
			dm, _ = gs1.HRI(b.Elements)
			bc := gs1Case("DataMatrix", b.Elements, true)
			bc.check(t, l, i, img)
			got, err := decode(t, it, crop(t, l, i, img))
			if err != nil {
				t.Fatalf("DataMatrix: %v", err)
			}
			s, err := app.ParseScan(got.symbology+got.text, time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC))
			if err != nil {
				t.Fatalf("the decoded DataMatrix %q is no scan: %v", got.text, err)
			}
			if s.GTIN != c.gtin || s.Lot != c.lot || s.ExpiresOn != c.expires || s.Count != c.count {
				t.Errorf("the DataMatrix scans as GTIN %s lot %q expires %q count %d; want %s %q %q %d", s.GTIN, s.Lot, s.ExpiresOn, s.Count, c.gtin, c.lot, c.expires, c.count)
			}
		case *Code128:
			code = b.Data
			barcodeCase{name: "Code 128", text: b.Data, item: func(int) Item { return it }}.check(t, l, i, img)
		}
	}
	if strings.Join(hri, " ") != strings.Join(c.symbols, " ") || dm != c.dm || code != c.code {
		t.Errorf("label carries GS1-128 %q, DataMatrix %q, Code 128 %q; want %q, %q, %q", hri, dm, code, c.symbols, c.dm, c.code)
	}
}

// TestReceiptLabelsZPLDecode renders the receipt labels' ZPL with the real
// renderer at 203 and 300 dpi and decodes every barcode back.
func TestReceiptLabelsZPLDecode(t *testing.T) {
	var labels []*Label
	var cases []receiptCase
	for _, dpi := range []int{203, 300} {
		for _, c := range receiptCases {
			l, err := c.label(dpi)
			if err != nil {
				t.Fatalf("%s at %d dpi: %v", c.name, dpi, err)
			}
			labels, cases = append(labels, l), append(cases, c)
		}
	}
	imgs, ms := renderZPL(t, labels...)
	for i, c := range cases {
		t.Run(fmt.Sprintf("%s/%d", c.name, labels[i].DPI), func(t *testing.T) {
			c.checkReceiptLabel(t, labels[i], imgs[i])
		})
	}
	t.Logf("zpl-renderer-js render times (ms): %.0f", ms)
}

// TestReceiptLabelsPreviewDecode decodes the PNG preview and the SVG
// preview (rasterised by librsvg, as a browser draws it).
func TestReceiptLabelsPreviewDecode(t *testing.T) {
	rsvg, err := exec.LookPath("rsvg-convert")
	if err != nil {
		t.Fatal("rsvg-convert is missing: run `make deps` (apt-get install librsvg2-bin)")
	}
	for _, dpi := range []int{203, 300} {
		for _, c := range receiptCases {
			l, err := c.label(dpi)
			if err != nil {
				t.Fatal(err)
			}
			t.Run(fmt.Sprintf("PNG/%s/%d", c.name, dpi), func(t *testing.T) {
				b, err := l.PNG()
				if err != nil {
					t.Fatal(err)
				}
				img, err := png.Decode(bytes.NewReader(b))
				if err != nil {
					t.Fatal(err)
				}
				c.checkReceiptLabel(t, l, img)
			})
			t.Run(fmt.Sprintf("SVG/%s/%d", c.name, dpi), func(t *testing.T) {
				svg, err := l.SVG()
				if err != nil {
					t.Fatal(err)
				}
				in := filepath.Join(t.TempDir(), "label.svg")
				out := strings.TrimSuffix(in, ".svg") + ".png"
				if err := os.WriteFile(in, svg, 0o644); err != nil {
					t.Fatal(err)
				}
				if msg, err := exec.Command(rsvg, "-w", fmt.Sprint(l.Width), "-h", fmt.Sprint(l.Height), "-b", "white", "-o", out, in).CombinedOutput(); err != nil {
					t.Fatalf("rsvg-convert: %v\n%s", err, msg)
				}
				b, err := os.ReadFile(out)
				if err != nil {
					t.Fatal(err)
				}
				img, err := png.Decode(bytes.NewReader(b))
				if err != nil {
					t.Fatal(err)
				}
				c.checkReceiptLabel(t, l, img)
			})
		}
	}
}

// The human-readable text of a receipt label, and the escaping of ZPL
// command characters in it.
func TestReceiptLabelText(t *testing.T) {
	l, err := CaseLabel(Receipt{SKU: "MILK-1L", Name: "Milk ^FS~JA\\", GTIN: "4006381333931", Lot: "L1", Expiry: receiptExpiry, PerCase: 6}, 203)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, it := range l.Items {
		if x, ok := it.(*Text); ok {
			texts = append(texts, x.Text)
		}
	}
	want := []string{"Milk ^FS~JA\\", "SKU MILK-1L   LOT L1   EXP 2026-12-31", "CASE OF 6", "(01)04006381333931(17)261231(37)6(10)L1"}
	z, err := l.ZPL()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(texts[:3], "|") != strings.Join(want[:3], "|") {
		t.Errorf("texts %q, want %q", texts, want[:3])
	}
	for _, s := range []string{`^FH\^FDMilk \5EFS\7EJA\5C^FS`, `^FDSKU MILK-1L   LOT L1   EXP 2026-12-31^FS`, `^FDCASE OF 6^FS`, `^FD` + want[3] + `^FS`} {
		if !bytes.Contains(z, []byte(s)) {
			t.Errorf("ZPL lacks %s:\n%s", s, z)
		}
	}
	if bytes.Count(z, []byte("^XA")) != 1 || bytes.Count(z, []byte("^XZ")) != 1 || bytes.ContainsRune(z, '~') {
		t.Errorf("the name escaped the field:\n%s", z)
	}
}

// A lot label is 4×2 in unless its lot code needs a second barcode row; a
// case label is 4×3 in.
func TestReceiptLabelSizes(t *testing.T) {
	want := map[string]float64{"LotLabel": 50.75, "CaseLabel": 76.25, "CaseLabelLongLotSplits": 76.25,
		"LotLabelLongLotSplits": 76.25, "LotLabelNoExpiry": 50.75, "LotLabelWithoutGTIN": 50.75}
	for _, c := range receiptCases {
		l, err := c.label(203)
		if err != nil {
			t.Fatal(err)
		}
		if l.WidthMM() != 101.625 || l.HeightMM() != want[c.name] {
			t.Errorf("%s is %gx%g mm, want 101.625x%g", c.name, l.WidthMM(), l.HeightMM(), want[c.name])
		}
	}
}

func TestReceiptLabelErrors(t *testing.T) {
	ok := Receipt{SKU: "B-M5", Name: "Bolt", GTIN: "09506000134352", Lot: "LOT42", Expiry: receiptExpiry, PerCase: 12}
	for _, tt := range []struct {
		name  string
		edit  func(*Receipt)
		cased bool
		field string
		msg   string
	}{
		{"NoSKU", func(r *Receipt) { r.SKU = " " }, false, "sku", "a receipt label needs the SKU"},
		{"NoName", func(r *Receipt) { r.Name = "" }, true, "name", "a receipt label needs the product name"},
		{"BadGTIN", func(r *Receipt) { r.GTIN = "09506000134353" }, false, "gtin", `GTIN "09506000134353" has check digit 3; it should be 2`},
		{"LotWithSpace", func(r *Receipt) { r.Lot = "LOT 42" }, false, "lot", `GS1 element (10) at position 4: ' ' is not in the GS1 character set 82`},
		{"LotTooLong", func(r *Receipt) { r.Lot = strings.Repeat("L", 21) }, true, "lot", `GS1 element (10) at position 1: value "LLLLLLLLLLLLLLLLLLLLL" has 21 characters, format X..20 wants 1 to 20`},
		{"CaseOfZero", func(r *Receipt) { r.PerCase = 0 }, true, "per", "0 units in a case: a case label needs 1 to 99999999"},
		{"CaseTooBig", func(r *Receipt) { r.PerCase = 100_000_000 }, true, "per", "100000000 units in a case: a case label needs 1 to 99999999"},
		{"CaseWithoutGTIN", func(r *Receipt) { r.GTIN = "" }, true, "gtin", "SKU B-M5 has no GTIN: a case label carries GS1 (01) GTIN and (37) count"},
		{"ControlInName", func(r *Receipt) { r.Name = "Bolt\x07" }, false, "items[0]", "text: control character U+0007 at byte 5 of \"Bolt\\a\" cannot be printed"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := ok
			tt.edit(&r)
			var l *Label
			var err error
			if tt.cased {
				l, err = CaseLabel(r, 203)
			} else {
				l, err = LotLabel(r, 203)
			}
			if app.ErrorCode(err) != app.EINVALID || app.ErrorField(err) != tt.field || app.ErrorMessage(err) != tt.msg {
				t.Errorf("got %v, %v\nwant invalid on %s: %s", l, err, tt.field, tt.msg)
			}
		})
	}
}

func BenchmarkCaseLabelZPL(b *testing.B) {
	r := Receipt{SKU: "B-M5", Name: "Bolt M5 stainless", GTIN: "09506000134352", Lot: "LOT42", Expiry: receiptExpiry, PerCase: 12}
	for b.Loop() {
		l, err := CaseLabel(r, 203)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := l.ZPL(); err != nil {
			b.Fatal(err)
		}
	}
}
