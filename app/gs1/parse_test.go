package gs1

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	gs := string(GS)
	tests := []struct {
		name string
		in   string
		sym  string
		want []Element
	}{
		// The decode results quoted in hardware.md §4.3.
		{"GS1-128 from gozxing", "]C1010950600013435217261231310300125010LOT42", "]C1",
			[]Element{{"01", "09506000134352"}, {"17", "261231"}, {"3103", "001250"}, {"10", "LOT42"}}},
		{"DataMatrix with leading GS", "]d2" + gs + "01095060001343521726123110LOT42" + gs + "21SER001", "]d2",
			[]Element{{"01", "09506000134352"}, {"17", "261231"}, {"10", "LOT42"}, {"21", "SER001"}}},
		{"QR without leading GS", "]Q301095060001343521726123110LOT42" + gs + "21SER001", "]Q3",
			[]Element{{"01", "09506000134352"}, {"17", "261231"}, {"10", "LOT42"}, {"21", "SER001"}}},
		{"DataBar", "]e00109521234543213", "]e0", []Element{{"01", "09521234543213"}}},
		{"HRI", "(01)09506000134352(17)261231(3103)001250(10)LOT42", "",
			[]Element{{"01", "09506000134352"}, {"17", "261231"}, {"3103", "001250"}, {"10", "LOT42"}}},
		{"HRI with parentheses in a lot", "(10)A(B)(21)S1", "", []Element{{"10", "A(B)"}, {"21", "S1"}}},
		// GS1 General Specifications examples: SSCC, GTIN with weight, GLN ship-to.
		{"SSCC", "]C100106141412345678908", "]C1", []Element{{"00", "106141412345678908"}}},
		{"GTIN and weight", "(01)09521234543213(3103)000123", "", []Element{{"01", "09521234543213"}, {"3103", "000123"}}},
		{"ship to GLN and order", "4100614141000012400PO-77" + gs + "37" + "12", "",
			[]Element{{"410", "0614141000012"}, {"400", "PO-77"}, {"37", "12"}}},
		{"raw without prefix, trailing GS", "0109506000134352" + "10ABC" + gs, "", []Element{{"01", "09506000134352"}, {"10", "ABC"}}},
		{"redundant GS after fixed", "0109506000134352" + gs + "15260200", "", []Element{{"01", "09506000134352"}, {"15", "260200"}}},
		{"missing GS after fixed-format 422", "422276" + "17261231", "", []Element{{"422", "276"}, {"17", "261231"}}},
		{"count and pound weight", "]C13202000250" + "3012", "]C1", []Element{{"3202", "000250"}, {"30", "12"}}},
		{"GRAI and GIAI", "(8003)09506000134352AB12(8004)9506000X1", "", []Element{{"8003", "09506000134352AB12"}, {"8004", "9506000X1"}}},
		{"expiry time", "70032612312359" + gs + "10L", "", []Element{{"7003", "2612312359"}, {"10", "L"}}},
		// GS1 DataMatrix Guideline, example 2 (also boombuler's codeword test).
		{"GS1 DataMatrix guideline example 2", "]d2" + gs + "0109501101020917" + "17190508" + "10ABCD1234" + gs + "2110", "]d2",
			[]Element{{"01", "09501101020917"}, {"17", "190508"}, {"10", "ABCD1234"}, {"21", "10"}}},
		{"same AI twice, same value", "(10)A(10)A", "", []Element{{"10", "A"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if m.Symbology != tt.sym {
				t.Errorf("symbology %q, want %q", m.Symbology, tt.sym)
			}
			if d := cmp.Diff(tt.want, m.Elements); d != "" {
				t.Errorf("Parse(%q) elements (-want +got):\n%s", tt.in, d)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	gs := string(GS)
	tests := []struct {
		name   string
		in     string
		pos    int
		ai     string
		reason string
	}{
		{"bad GTIN check digit", "]C10109506000134353", 19, "01", "check digit is 3, should be 2"},
		{"bad SSCC check digit", "(00)106141412345678907", 22, "00", "check digit is 7, should be 8"},
		{"unknown AI", "(23)123", 2, "", `unknown application identifier "23"`},
		{"unknown AI raw", "0109506000134352" + "99X" + gs + "050", 21, "", `unknown application identifier: none starts with "050"`},
		{"month 13", "(17)261301", 5, "17", "month 13 in date 261301 is not 01 to 12"},
		{"30 February", "11260230", 3, "11", "day 30 in date 260230 does not exist"},
		{"29 February in a common year", "(15)250229", 5, "15", "day 29 in date 250229 does not exist"},
		{"lot too long", "10ABCDEFGHIJKLMNOPQRSTU", 23, "10", "value is 21 characters, at most 20 allowed (a GS separator missing after it?)"},
		{"lot with a space", "(10)LOT 42", 8, "10", `' ' is not in the GS1 character set 82`},
		{"lot with caret", "]C110LOT^42", 9, "10", `'^' is not in the GS1 character set 82`},
		{"letter in GTIN", "(01)0950600013435X", 18, "01", `'X' is not a digit (format N14)`},
		{"truncated GTIN", "]C1010950600", 4, "01", "needs 14 characters, the data has 7 left"},
		{"not GS1 symbology", "]C0SKU-12345", 1, "", "AIM symbology identifier ]C0 does not carry GS1 data (want ]C1, ]d2, ]Q3, ]e0 or ]J1)"},
		{"plain QR", "]Q1https://x", 1, "", "AIM symbology identifier ]Q1 does not carry GS1 data (want ]C1, ]d2, ]Q3, ]e0 or ]J1)"},
		{"plain text", "SKU-12345", 1, "", `expected an application identifier (2 to 4 digits), found 'S'`},
		{"prefix only", "]d2", 4, "", "no data"},
		{"HRI cut inside an AI", "(01)09506000134352(17", 5, "01", `value "09506000134352(17" has 17 characters, format N14 wants exactly 14`},
		{"HRI missing close", "(17261231", 4, "17", `expected ")" after the application identifier`},
		{"text before HRI", "x(01)09506000134352", 1, "", `expected an application identifier (2 to 4 digits), found 'x'`},
		{"HRI text between", "(01)09506000134352 (10)A", 5, "01", `value "09506000134352 " has 15 characters, format N14 wants exactly 14`},
		{"only separators", "]C1\x1d\x1d", 5, "", "only separators, no elements"},
		{"AI twice", "(10)A(21)B(10)C", 11, "10", `given twice with different values "A" and "C"`},
		{"GS inside fixed", "01095060" + gs + "0134352", 9, "01", "separator (GS) inside a value of predefined length 14"},
		{"empty lot", "10" + gs + "21X", 3, "10", "empty value (format X..20)"},
		{"3106 is no AI", "3106001250", 1, "", `unknown application identifier: none starts with "3106"`},
		{"hour 24", "(7003)2612312400", 7, "7003", "hour 24 is not 00 to 23"},
		{"count too long", "37123456789", 11, "37", "value is 9 characters, at most 8 allowed (a GS separator missing after it?)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse(tt.in)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse(%q) = %+v, %v; want *gs1.Error", tt.in, m, err)
			}
			if e.Pos != tt.pos || e.AI != tt.ai || e.Reason != tt.reason {
				t.Errorf("Parse(%q) error = {pos %d, AI %q, %q}\nwant {pos %d, AI %q, %q}", tt.in, e.Pos, e.AI, e.Reason, tt.pos, tt.ai, tt.reason)
			}
			if len(m.Elements) != 0 {
				t.Errorf("Parse(%q) returned elements %v with an error", tt.in, m.Elements)
			}
			if e.ErrorCode() != "invalid" {
				t.Errorf("error code %q, want invalid (app.EINVALID)", e.ErrorCode())
			}
		})
	}
}

func TestErrorText(t *testing.T) {
	_, err := Parse("]C10109506000134353")
	want := "GS1 element (01) at position 19: check digit is 3, should be 2"
	if err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
}

func TestParseDate(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	tests := []struct{ in, want string }{
		{"261231", "2026-12-31"},
		{"260200", "2026-02-28"}, // day 00: end of month
		{"240200", "2024-02-29"},
		{"241200", "2024-12-31"},
		{"260400", "2026-04-30"},
		{"991231", "1999-12-31"}, // 73 years ahead: past century
		{"760101", "2076-01-01"}, // 50 ahead: this century
		{"770101", "1977-01-01"}, // 51 ahead: past century
		{"000101", "2000-01-01"},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in, now)
		if err != nil || got.Format("2006-01-02") != tt.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %s", tt.in, got, err, tt.want)
		}
	}
	// Near the end of the century the window moves into the next one.
	late := time.Date(2080, 1, 1, 0, 0, 0, 0, time.UTC)
	if got, _ := ParseDate("100101", late); got.Year() != 2110 {
		t.Errorf("ParseDate(100101) in 2080 = %d, want 2110", got.Year())
	}
	for _, bad := range []string{"2612", "26123A", "261232", "261300"} {
		if _, err := ParseDate(bad, now); err == nil {
			t.Errorf("ParseDate(%q) accepted", bad)
		}
	}
	if _, err := (Element{"10", "LOT"}).Date(now); err == nil {
		t.Error("(10) read as a date")
	}
}

func TestMeasures(t *testing.T) {
	tests := []struct {
		e        Element
		units    int64
		decimals int
		mg       int64
	}{
		{Element{"3103", "001250"}, 1250, 3, 1_250_000},
		{Element{"3100", "000012"}, 12, 0, 12_000_000},
		{Element{"3105", "123456"}, 123456, 5, 1_234_560},
		{Element{"3302", "004500"}, 4500, 2, 45_000_000},
		{Element{"3202", "000250"}, 250, 2, 1_133_981}, // 2.50 lb = 1133980.925 mg
	}
	for _, tt := range tests {
		u, d, err := tt.e.Decimal()
		if err != nil || u != tt.units || d != tt.decimals {
			t.Errorf("%v.Decimal() = %d, %d, %v; want %d, %d", tt.e, u, d, err, tt.units, tt.decimals)
		}
		mg, err := tt.e.WeightMg()
		if err != nil || mg != tt.mg {
			t.Errorf("%v.WeightMg() = %d, %v; want %d", tt.e, mg, err, tt.mg)
		}
	}
	if _, err := (Element{"3113", "001000"}).WeightMg(); err == nil {
		t.Error("a length (311n) read as a weight")
	}
	if n, err := (Element{"37", "00000012"}).Count(); err != nil || n != 12 {
		t.Errorf("Count = %d, %v", n, err)
	}
	if got := (Element{"17", "261231"}).Title(); got != "USE BY or EXPIRY" {
		t.Errorf("Title = %q", got)
	}
}

func TestEncode(t *testing.T) {
	gs := string(GS)
	elems := []Element{{"01", "09506000134352"}, {"10", "LOT42"}, {"17", "261231"}, {"21", "SER001"}, {"3103", "001250"}}
	ordered := Order(elems)
	want := []Element{{"01", "09506000134352"}, {"17", "261231"}, {"3103", "001250"}, {"10", "LOT42"}, {"21", "SER001"}}
	if d := cmp.Diff(want, ordered); d != "" {
		t.Fatalf("Order (-want +got):\n%s", d)
	}
	got, err := Encode(ordered)
	if err != nil {
		t.Fatal(err)
	}
	if wantS := "0109506000134352172612313103001250" + "10LOT42" + gs + "21SER001"; got != wantS {
		t.Errorf("Encode = %q, want %q", got, wantS)
	}
	// In the given order, variable elements in the middle get a separator.
	got, _ = Encode(elems[:3])
	if wantS := "0109506000134352" + "10LOT42" + gs + "17261231"; got != wantS {
		t.Errorf("Encode unordered = %q, want %q", got, wantS)
	}
	h, err := HRI(ordered)
	if err != nil || h != "(01)09506000134352(17)261231(3103)001250(10)LOT42(21)SER001" {
		t.Errorf("HRI = %q, %v", h, err)
	}
	m, err := Parse("]C1" + got)
	if err != nil || m.HRI() != "(01)09506000134352(10)LOT42(17)261231" {
		t.Errorf("round trip: %q, %v", m.HRI(), err)
	}

	bad := []struct {
		elems  []Element
		reason string
	}{
		{nil, "no elements to encode"},
		{[]Element{{"01", "09506000134352"}, {"17", "261332"}}, "month 13 in date 261332 is not 01 to 12"},
		{[]Element{{"10", "A" + gs + "B"}}, "value contains a GS separator"},
		{[]Element{{"77", "1"}}, `unknown application identifier "77"`},
		{[]Element{{"10", "A"}, {"10", "B"}}, "given twice"},
		{[]Element{{"10", strings.Repeat("L", 21)}}, `value "LLLLLLLLLLLLLLLLLLLLL" has 21 characters, format X..20 wants 1 to 20`},
	}
	for _, b := range bad {
		_, err := Encode(b.elems)
		var e *Error
		if !errors.As(err, &e) || e.Reason != b.reason {
			t.Errorf("Encode(%v) = %v, want reason %q", b.elems, err, b.reason)
		}
	}
}

func TestTable(t *testing.T) {
	for _, tt := range []struct {
		code       string
		predefined bool
		format     string
	}{
		{"00", true, "N18"}, {"01", true, "N14"}, {"10", false, "X..20"}, {"17", true, "N6 (YYMMDD)"},
		{"3103", true, "N6"}, {"3205", true, "N6"}, {"37", false, "N..8"}, {"410", true, "N13"},
		{"422", false, "N3"}, {"8003", false, "N14+X..16"}, {"7003", false, "N10 (YYMMDDHH…)"},
	} {
		a := Lookup(tt.code)
		if a == nil || a.Predefined() != tt.predefined || a.Format() != tt.format {
			t.Errorf("Lookup(%q) = %+v, want predefined %v format %q", tt.code, a, tt.predefined, tt.format)
		}
	}
	// AIs must be prefix-free, or lookupPrefix would be ambiguous.
	for c := range table {
		for n := 2; n < len(c); n++ {
			if table[c[:n]] != nil {
				t.Errorf("AI %s has AI %s as a prefix", c, c[:n])
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"]C1010950600013435217261231310300125010LOT42",
		"]d2\x1d01095060001343521726123110LOT42\x1d21SER001",
		"(01)09506000134352(17)261231(3103)001250(10)LOT42",
		"(8003)09506000134352AB12(8004)X", "4222761726123", "]Q3", "((", "]C1\x1d\x1d", "(10)A(B)(21)S1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := Parse(s)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Pos < 1 || e.Pos > len(s)+1 {
				t.Fatalf("Parse(%q): error %v with position outside the input", s, err)
			}
			return
		}
		// Whatever parses re-encodes, and the encoding parses back to the same elements.
		enc, err := Encode(m.Elements)
		if err != nil {
			t.Fatalf("Parse(%q) gave %v, which Encode refuses: %v", s, m.Elements, err)
		}
		again, err := Parse("]C1" + enc)
		if err != nil {
			t.Fatalf("Parse(Encode(%v)) = %v", m.Elements, err)
		}
		if d := cmp.Diff(m.Elements, again.Elements); d != "" {
			t.Fatalf("round trip of %q (-first +second):\n%s", s, d)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	in := "]d2\x1d01095060001343521726123110LOT42\x1d21SER001"
	for b.Loop() {
		if _, err := Parse(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncode(b *testing.B) {
	els := []Element{{"01", "09506000134352"}, {"17", "261231"}, {"3103", "001250"}, {"10", "LOT42"}, {"21", "SER001"}}
	for b.Loop() {
		if _, err := Encode(els); err != nil {
			b.Fatal(err)
		}
	}
}
