package gs1

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Published identifiers whose check digit is known independently of our
// code: GS1's own sample numbers, hardware.md §5 and the UPC-A example of
// the UPC standard.
func TestCheckDigitPublished(t *testing.T) {
	for _, tt := range []struct{ what, id string }{
		{"hardware.md §5 GTIN-14", "09506000134352"},
		{"GS1 sample EAN-13 (GS1 General Specifications, DataMatrix guideline)", "9501101530003"},
		{"GS1 US sample GTIN-14", "00614141999996"},
		{"GS1 General Specifications SSCC", "106141412345678908"},
		{"GS1 General Specifications GLN", "0614141000012"},
		{"EAN-13 on many manuals", "4006381333931"},
		{"UPC-A standard example", "036000291452"},
		{"EAN-8 example", "96385074"},
	} {
		if got, want := CheckDigit(tt.id[:len(tt.id)-1]), tt.id[len(tt.id)-1]; got != want {
			t.Errorf("%s %s: check digit %c, want %c", tt.what, tt.id, got, want)
		}
	}
}

// The element strings of GS1's General Specifications and of hardware.md,
// in every form a scanner or a person hands them over: AIM prefix (]C1,
// ]d2, ]Q3), FNC1 transmitted as GS, a leading GS, the HRI form.
func TestParseGeneralSpecificationsExamples(t *testing.T) {
	gs := string(GS)
	now := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	type el = Element
	tests := []struct {
		name  string
		forms []string // every form must give want
		want  []Element
	}{
		{"(01)(17)(10) GTIN, expiry, lot", []string{
			"]C10109501101530003" + "17140704" + "10AB-123",
			"]d2" + gs + "0109501101530003" + "17140704" + "10AB-123",
			"]Q30109501101530003" + "17140704" + "10AB-123",
			"(01)09501101530003(17)140704(10)AB-123",
		}, []el{{"01", "09501101530003"}, {"17", "140704"}, {"10", "AB-123"}}},
		{"(10) before (17) needs a separator", []string{
			"]C10109501101530003" + "10AB-123" + gs + "17140704",
			"(01)09501101530003(10)AB-123(17)140704",
		}, []el{{"01", "09501101530003"}, {"10", "AB-123"}, {"17", "140704"}}},
		{"(00) SSCC", []string{"]C100106141412345678908", "(00)106141412345678908"},
			[]el{{"00", "106141412345678908"}}},
		{"(00)(02)(37) logistic unit content", []string{
			"]C100106141412345678908" + "0209501101530003" + "3720",
			"(00)106141412345678908(02)09501101530003(37)20",
		}, []el{{"00", "106141412345678908"}, {"02", "09501101530003"}, {"37", "20"}}},
		{"(37) count followed by (10)", []string{"]C10200614141999996" + "37144" + gs + "10LOT-7", "(02)00614141999996(37)144(10)LOT-7"},
			[]el{{"02", "00614141999996"}, {"37", "144"}, {"10", "LOT-7"}}},
		{"(3103) net weight 1.250 kg", []string{"]C10109506000134352" + "3103001250", "(01)09506000134352(3103)001250"},
			[]el{{"01", "09506000134352"}, {"3103", "001250"}}},
		{"(3202) net weight 2.50 lb", []string{"]C10109506000134352" + "3202000250", "(01)09506000134352(3202)000250"},
			[]el{{"01", "09506000134352"}, {"3202", "000250"}}},
		{"(11) production date with day 00", []string{"]C10109506000134352" + "11260200" + "10L1", "(01)09506000134352(11)260200(10)L1"},
			[]el{{"01", "09506000134352"}, {"11", "260200"}, {"10", "L1"}}},
		{"(21) serial last, (10) separated", []string{"]d2" + gs + "0109506000134352" + "10LOT42" + gs + "21SER001", "(01)09506000134352(10)LOT42(21)SER001"},
			[]el{{"01", "09506000134352"}, {"10", "LOT42"}, {"21", "SER001"}}},
		{"(410)(400)(37) ship-to GLN", []string{"]C1410" + "0614141000012" + "400PO-77" + gs + "3712", "(410)0614141000012(400)PO-77(37)12"},
			[]el{{"410", "0614141000012"}, {"400", "PO-77"}, {"37", "12"}}},
	}
	for _, tt := range tests {
		for _, in := range tt.forms {
			t.Run(tt.name, func(t *testing.T) {
				m, err := Parse(in)
				if err != nil {
					t.Fatalf("Parse(%q): %v", in, err)
				}
				if d := cmp.Diff(tt.want, m.Elements); d != "" {
					t.Errorf("Parse(%q) (-want +got):\n%s", in, d)
				}
				// The HRI of any form is the HRI form.
				if hri, _ := HRI(tt.want); m.HRI() != hri {
					t.Errorf("HRI %q, want %q", m.HRI(), hri)
				}
			})
		}
	}
	// The meaning of the values.
	if d, _ := (Element{"11", "260200"}).Date(now); d.Format("2006-01-02") != "2026-02-28" {
		t.Errorf("(11)260200 = %v, want the last day of February 2026", d)
	}
	if d, _ := (Element{"17", "140704"}).Date(now); d.Format("2006-01-02") != "2014-07-04" {
		t.Errorf("(17)140704 = %v", d)
	}
	if mg, _ := (Element{"3103", "001250"}).WeightMg(); mg != 1_250_000 {
		t.Errorf("(3103)001250 = %d mg", mg)
	}
	// 2.50 lb = 2.5 × 453592.37 mg = 1133980.925 mg: rounded up.
	if mg, _ := (Element{"3202", "000250"}).WeightMg(); mg != 1_133_981 {
		t.Errorf("(3202)000250 = %d mg", mg)
	}
	// 999999 lb = 453591916407.63 mg: no overflow, rounded up.
	if mg, _ := (Element{"3200", "999999"}).WeightMg(); mg != 453_591_916_408 {
		t.Errorf("(3200)999999 = %d mg", mg)
	}
	if n, _ := (Element{"37", "144"}).Count(); n != 144 {
		t.Errorf("(37)144 = %d", n)
	}
}

// Malformed versions of the examples fail naming the AI and why.
func TestParseGeneralSpecificationsErrors(t *testing.T) {
	gs := string(GS)
	for _, tt := range []struct{ in, ai, reason string }{
		{"]C10109501101530004" + "17140704", "01", "check digit is 4, should be 3"},
		{"(00)106141412345678909", "00", "check digit is 9, should be 8"},
		{"(410)0614141000013", "410", "check digit is 3, should be 2"},
		{"]d2" + gs + "0109501101530003" + "17140732", "17", "day 32 in date 140732 does not exist"},
		{"(11)261300", "11", "month 13 in date 261300 is not 01 to 12"},
		{"(3103)00125", "3103", `value "00125" has 5 characters, format N6 wants exactly 6`},
		{"(37)12A", "37", `'A' is not a digit (format N..8)`},
	} {
		_, err := Parse(tt.in)
		var e *Error
		if !errors.As(err, &e) || e.AI != tt.ai || e.Reason != tt.reason {
			t.Errorf("Parse(%q) = %v, want (%s) %s", tt.in, err, tt.ai, tt.reason)
		}
	}
}
