package label

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"depot/app"
	"depot/app/gs1"
)

func TestZPLGolden(t *testing.T) {
	l, err := New(50.8, 25.4, 203)
	if err != nil {
		t.Fatal(err)
	}
	l.Add(&Text{X: 10, Y: 10, Height: 30, Text: "Bolt ^FS~JA\\ Ä"},
		&Code128{X: 10, Y: 50, Height: 40, Module: 2, Data: "A>B^1234"},
		&GS1128{X: 10, Y: 100, Height: 40, Module: 1, Elements: []gs1.Element{{AI: "01", Value: "09506000134352"}, {AI: "10", Value: "L_1"}, {AI: "21", Value: "S"}}, HRI: true},
		&QR{X: 300, Y: 10, Module: 2, Data: "x^y"},
		&DataMatrix{X: 300, Y: 100, Module: 3, Elements: []gs1.Element{{AI: "01", Value: "09506000134352"}, {AI: "10", Value: "L_1"}, {AI: "21", Value: "S"}}},
		&Box{X: 0, Y: 0, Width: 406, Height: 203, Thickness: 2})
	got, err := l.ZPL()
	if err != nil {
		t.Fatal(err)
	}
	want := `^XA
^CI28
^PW406
^LL203
^LH0,0
^FO10,10^A0N,30,30^FH\^FDBolt \5EFS\7EJA\5C Ä^FS
^FO10,50^BY2,3,40^BCN,40,N,N,N,N^FH\^FD>:A>0B\5E1234^FS
^FO10,100^BY1,3,40^BCN,40,N,N,N,N^FH\^FD>;>8010950600013435210>6L_1>821S^FS
^FO10,144^A0N,20,20^FH\^FD(01)09506000134352(10)L_1(21)S^FS
^BY2,3,10^FO300,10^BQN,2,2^FH\^FDMA,x\5Ey^FS
^FO300,100^BXN,3,200,,,,#^FH\^FD#1010950600013435210L_1#121S^FS
^FO0,0^GB406,203,2^FS
^PQ1
^XZ
`
	if string(got) != want {
		t.Errorf("ZPL:\n%s\nwant:\n%s", got, want)
	}
	// Exactly one format, and no field data with a raw ^ or ~ in it.
	if bytes.Count(got, []byte("^XA")) != 1 || bytes.Count(got, []byte("^XZ")) != 1 || bytes.ContainsRune(got, '~') {
		t.Errorf("ZPL has extra formats or a raw tilde:\n%s", got)
	}
}

func TestFH(t *testing.T) {
	for in, want := range map[string]string{
		"plain":       "plain",
		"^XZ":         `\5EXZ`,
		"~JA":         `\7EJA`,
		`a\b`:         `a\5Cb`,
		"Äpfel 東京":    "Äpfel 東京",
		"_5E stays _": "_5E stays _",
	} {
		if got := fh(in); got != want {
			t.Errorf("fh(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCode128Plan(t *testing.T) {
	gs := string(gs1.GS)
	tests := []struct {
		data    string
		gs1     bool
		want    string
		symbols int
	}{
		{"SKU-12345", false, ">:SKU-12345", 10},
		{"12345678", false, ">;12345678", 5},
		{"123", false, ">:123", 4},
		// Not ">;123456>67": a lone last character after ">6" is lost.
		{"1234567", false, ">;1234>6567", 7},
		{"12A", false, ">;>612A", 5},
		{"AB123456", false, ">:AB123456", 9},
		{"a>b", false, ">:a>0b", 4},
		{"0109506000134352172612313103001250" + "10LOT42", true, ">;>8010950600013435217261231310300125010>6LOT42", 26},
		{"10LOT42" + gs + "21SER001", true, ">;>810>6LOT42>821SER001", 18},
		{"00106141412345678908", true, ">;>800106141412345678908", 12},
		{"0104006381333931172612313" + "7144", true, ">;>801040063813339311726123137>6144", 19},
	}
	for _, tt := range tests {
		got, n := code128Plan(tt.data, tt.gs1)
		if got != tt.want || n != tt.symbols {
			t.Errorf("code128Plan(%q, %v) = %q, %d; want %q, %d", tt.data, tt.gs1, got, n, tt.want, tt.symbols)
		}
	}
}

func TestLayoutErrors(t *testing.T) {
	els := []gs1.Element{{AI: "01", Value: "09506000134352"}}
	tests := []struct {
		name  string
		item  Item
		field string
		msg   string
	}{
		{"control char", &Text{X: 1, Y: 1, Height: 20, Text: "a\nb"}, "items[0]", `text: control character U+000A at byte 2 of "a\nb" cannot be printed`},
		{"empty text", &Text{X: 1, Y: 1, Height: 20}, "items[0]", "text: no text"},
		{"tiny font", &Text{X: 1, Y: 1, Height: 2, Text: "x"}, "items[0]", "text: height 2 dots is out of range 10 to 1000"},
		{"off the label", &Text{X: 500, Y: 1, Height: 20, Text: "x"}, "items[0]", "text at 500,1 to 511,21 dots does not fit the 406x203-dot label"},
		{"barcode too wide", &Code128{X: 10, Y: 10, Height: 50, Module: 4, Data: "ABCDEFGHIJ"}, "items[0]", "Code 128 at 10,10 to 590,60 dots does not fit the 406x203-dot label"},
		{"non-ASCII Code 128", &Code128{X: 10, Y: 10, Height: 50, Module: 2, Data: "Ä"}, "items[0]", `Code 128: "Ä" has 'Ä' at byte 1; Code 128 here takes printable ASCII only`},
		{"bad check digit", &GS1128{X: 10, Y: 10, Height: 50, Module: 1, Elements: []gs1.Element{{AI: "01", Value: "09506000134353"}}}, "items[0]", "GS1-128: GS1 element (01) at position 1: check digit is 3, should be 2"},
		{"bad expiry in DataMatrix", &DataMatrix{X: 10, Y: 10, Module: 3, Elements: []gs1.Element{{AI: "17", Value: "260931"}}}, "items[0]", "GS1 DataMatrix: GS1 element (17) at position 1: day 31 in date 260931 does not exist"},
		{"module 0", &QR{X: 10, Y: 10, Data: "x"}, "items[0]", "QR code: module 0 dots is out of range 1 to 10"},
		{"no elements", &GS1128{X: 10, Y: 10, Height: 50, Module: 1}, "items[0]", "GS1-128: GS1 element string at position 1: no elements to encode"},
		{"empty box", &Box{X: 1, Y: 1, Width: 0, Height: 5, Thickness: 1}, "items[0]", "box: width, height and thickness must be at least 1 dot"},
		{"DataMatrix fits", &DataMatrix{X: 10, Y: 10, Module: 3, Elements: els}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, _ := New(50.8, 25.4, 203)
			l.Add(tt.item)
			z, err := l.ZPL()
			if tt.msg == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || app.ErrorField(err) != tt.field || app.ErrorMessage(err) != tt.msg || app.ErrorCode(err) != app.EINVALID {
				t.Fatalf("ZPL error = %v (field %q); want %s: %s", err, app.ErrorField(err), tt.field, tt.msg)
			}
			if z != nil {
				t.Errorf("ZPL returned %q with an error", z)
			}
			if _, err := l.PNG(); err == nil {
				t.Error("PNG accepted what ZPL refused")
			}
		})
	}
	if _, err := New(100, 50, 600); app.ErrorField(err) != "dpi" {
		t.Errorf("600 dpi: %v", err)
	}
	l, _ := New(100, 50, 300)
	if _, err := l.ZPL(); app.ErrorMessage(err) != "the label has nothing on it" {
		t.Errorf("empty label: %v", err)
	}
	if l.Width != 1200 || l.Height != 600 {
		t.Errorf("100x50 mm at 300 dpi = %dx%d dots, want 1200x600", l.Width, l.Height)
	}
}

func TestBuilders(t *testing.T) {
	exp := time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
	it := ItemInfo{Name: "Bolt", SKU: "B-1", GTIN: "9506000134352", Lot: "LOT42", Expiry: exp, NetWeightMg: 1_250_400}
	els, err := it.Elements()
	if err != nil {
		t.Fatal(err)
	}
	if h, _ := gs1.HRI(els); h != "(01)09506000134352(17)261231(3103)001250(10)LOT42" {
		t.Errorf("item elements %s", h)
	}
	for _, dpi := range []int{203, 300} {
		if _, err := ItemLabel(it, dpi); err != nil {
			t.Errorf("ItemLabel at %d dpi: %v", dpi, err)
		}
		if _, err := TestLabel("tcp:127.0.0.1:9100", dpi); err != nil {
			t.Errorf("TestLabel at %d dpi: %v", dpi, err)
		}
		if _, err := ShippingLabel(Shipment{To: []string{"Ana"}, Order: "SO-1", SSCC: "106141412345678908", TrackURL: "https://x"}, dpi); err != nil {
			t.Errorf("ShippingLabel at %d dpi: %v", dpi, err)
		}
	}
	// A long lot and serial do not fit the 4-inch GS1-128: the serial and the
	// weight move to the DataMatrix only.
	it.Serial, it.Lot = "SERIAL-0123456789", "LOT-2026-11-27-A"
	l, err := ItemLabel(it, 203)
	if err != nil {
		t.Fatal(err)
	}
	for _, item := range l.Items {
		switch b := item.(type) {
		case *GS1128:
			if h, _ := gs1.HRI(b.Elements); h != "(01)09506000134352(17)261231(10)LOT-2026-11-27-A" {
				t.Errorf("GS1-128 has %s, want no serial and no weight", h)
			}
		case *DataMatrix:
			if len(b.Elements) != 5 {
				t.Errorf("DataMatrix has %d elements, want 5", len(b.Elements))
			}
		}
	}
	bad := []struct {
		it    ItemInfo
		field string
	}{
		{ItemInfo{Name: "x", GTIN: "9506000134353"}, "gtin"},
		{ItemInfo{Name: "x", GTIN: "9506000134352", Lot: "LOT 42"}, "lot"},
		{ItemInfo{Name: "x"}, "sku"},
		{ItemInfo{SKU: "x"}, "name"},
		{ItemInfo{Name: "x", GTIN: "9506000134352", NetWeightMg: 2_000_000_000_000}, "net_weight"},
	}
	for _, b := range bad {
		if _, err := ItemLabel(b.it, 203); app.ErrorField(err) != b.field {
			t.Errorf("ItemLabel(%+v) = %v, want an error on %q", b.it, err, b.field)
		}
	}
	if _, err := ShippingLabel(Shipment{Order: "1"}, 203); app.ErrorField(err) != "to" {
		t.Errorf("shipping without address: %v", err)
	}
	if !strings.Contains(TestQR, "depot") {
		t.Error("test QR content changed")
	}
}

func TestWeightElement(t *testing.T) {
	for mg, want := range map[int64]string{
		1_250_000:       "3103001250",
		999_999_000:     "3103999999",
		1_000_000_000:   "3102100000",
		12_345_678_000:  "3101123457",
		999_999_000_000: "3100999999",
		1_250_499:       "3103001250",
		1_250_500:       "3103001251",
	} {
		e, err := weightElement(mg)
		if err != nil || e.AI+e.Value != want {
			t.Errorf("weightElement(%d) = %v, %v; want %s", mg, e, err, want)
		}
	}
}

func BenchmarkZPL(b *testing.B) {
	l, err := ItemLabel(ItemInfo{Name: "Bolt M5", SKU: "B-M5", GTIN: "09506000134352", Lot: "LOT42", Expiry: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}, 203)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := l.ZPL(); err != nil {
			b.Fatal(err)
		}
	}
}
