package label

import (
	"image"
	"testing"

	"github.com/google/go-cmp/cmp"

	"depot/app/gs1"
)

// barcodeCase is one barcode on a label of its own, with what a decoder
// must read back from any rendering of it.
type barcodeCase struct {
	name string
	item func(module int) Item
	text string // decoded text, exact
	sym  string // AIM symbology identifier, "" when not asserted
	els  []gs1.Element
}

var (
	hwElements  = []gs1.Element{{AI: "01", Value: "09506000134352"}, {AI: "17", Value: "261231"}, {AI: "3103", Value: "001250"}, {AI: "10", Value: "LOT42"}}
	serialEls   = []gs1.Element{{AI: "01", Value: "09506000134352"}, {AI: "10", Value: "LOT42"}, {AI: "21", Value: "SER001"}}
	ssccEls     = []gs1.Element{{AI: "00", Value: "106141412345678908"}}
	poundEls    = []gs1.Element{{AI: "02", Value: "09521234543213"}, {AI: "3202", Value: "000250"}, {AI: "37", Value: "12"}}
	guideEls    = []gs1.Element{{AI: "01", Value: "09501101020917"}, {AI: "17", Value: "190508"}, {AI: "10", Value: "ABCD1234"}, {AI: "21", Value: "10"}}
	underscores = []gs1.Element{{AI: "01", Value: "09506000134352"}, {AI: "10", Value: "L_1"}, {AI: "21", Value: "S_"}}
)

func gs1Case(name string, els []gs1.Element, dm bool) barcodeCase {
	enc, err := gs1.Encode(els)
	if err != nil {
		panic(err)
	}
	if dm {
		return barcodeCase{name: name, els: els, text: string(gs1.GS) + enc, sym: "]d2",
			item: func(m int) Item { return &DataMatrix{X: 40, Y: 40, Module: 2 * m, Elements: els} }}
	}
	return barcodeCase{name: name, els: els, text: "]C1" + enc, sym: "]C1",
		item: func(m int) Item { return &GS1128{X: 40, Y: 40, Height: 60 * m, Module: m, Elements: els, HRI: true} }}
}

var barcodeCases = []barcodeCase{
	{name: "Code128 SKU", text: "SKU-12345",
		item: func(m int) Item {
			return &Code128{X: 40, Y: 40, Height: 60 * m, Module: m, Data: "SKU-12345", HRI: true}
		}},
	{name: "Code128 odd digits", text: "1234567",
		item: func(m int) Item { return &Code128{X: 40, Y: 40, Height: 60 * m, Module: m, Data: "1234567"} }},
	{name: "Code128 specials", text: `A>B^C~D\E_F 12`,
		item: func(m int) Item { return &Code128{X: 40, Y: 40, Height: 60 * m, Module: m, Data: `A>B^C~D\E_F 12`} }},
	gs1Case("GS1-128 01 17 3103 10", hwElements, false),
	gs1Case("GS1-128 01 10 21", serialEls, false),
	gs1Case("GS1-128 SSCC", ssccEls, false),
	gs1Case("GS1-128 02 3202 37", poundEls, false),
	{name: "QR URL", text: "https://wms.local/p/SKU-12345",
		item: func(m int) Item { return &QR{X: 40, Y: 40, Module: 3 * m, Data: "https://wms.local/p/SKU-12345"} }},
	{name: "QR specials", text: `x^y~z\w_v`,
		item: func(m int) Item { return &QR{X: 40, Y: 40, Module: 3 * m, Data: `x^y~z\w_v`} }},
	gs1Case("DataMatrix GS1 guideline example 2", guideEls, true),
	gs1Case("DataMatrix underscores", underscores, true),
}

// module is the narrow bar width used at each resolution.
func module(dpi int) int {
	if dpi == 300 {
		return 3
	}
	return 2
}

// caseLabel puts the case's barcode on a 4×2 in label of its own.
func caseLabel(t *testing.T, c barcodeCase, dpi int) *Label {
	t.Helper()
	l, err := New(101.6, 50.8, dpi)
	if err != nil {
		t.Fatal(err)
	}
	l.Add(c.item(module(dpi)))
	return l
}

// check decodes the case's barcode (item i of l) from img and compares
// text, symbology and, for GS1, the parsed elements with the input.
// gozxing's DataMatrix detector searches outwards from the image centre and
// misses a small symbol in a large blank label, so the barcode's area is
// cropped first (see crop).
func (c barcodeCase) check(t *testing.T, l *Label, i int, img image.Image) {
	t.Helper()
	got, err := decode(t, c.item(1), crop(t, l, i, img))
	if err != nil {
		t.Fatalf("%s: decode: %v", c.name, err)
	}
	if got.text != c.text {
		t.Errorf("%s: decoded %q, want %q", c.name, got.text, c.text)
	}
	if c.sym != "" && got.symbology != c.sym {
		t.Errorf("%s: symbology %q, want %q", c.name, got.symbology, c.sym)
	}
	if c.els != nil {
		in := got.text
		if c.sym == "]d2" {
			in = "]d2" + in
		}
		m, err := gs1.Parse(in)
		if err != nil {
			t.Fatalf("%s: gs1.Parse(%q): %v", c.name, in, err)
		}
		if d := cmp.Diff(c.els, m.Elements); d != "" {
			t.Errorf("%s: elements (-want +got):\n%s", c.name, d)
		}
	}
}
