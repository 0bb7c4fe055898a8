package scanner

import (
	"strings"
	"testing"
	"time"

	"depot/app"
)

func TestParseAIM(t *testing.T) {
	for _, tc := range []struct {
		id  string
		sym Symbology
		gs1 bool
	}{
		{"]C0", SymCode128, false},
		{"]C1", SymGS1128, true},
		{"]C2", SymCode128, false},
		{"]E0", SymEAN13, false},
		{"]E4", SymEAN8, false},
		{"]E3", SymEAN13AddOn, false},
		{"]d1", SymDataMatrix, false},
		{"]d2", SymGS1DataMatrix, true},
		{"]d5", SymGS1DataMatrix, true},
		{"]Q1", SymQR, false},
		{"]Q3", SymGS1QR, true},
		{"]e0", SymGS1DataBar, true},
		{"]e1", SymGS1Composite, true},
		{"]J1", SymGS1DotCode, true},
		{"]A0", SymCode39, false},
		{"]I1", SymITF, false},
		{"]L2", SymPDF417, false},
		{"]zC", SymAztec, false},
		{"]X0", SymOther, false},
		{"]Z6", SymNonBarcode, false},
		{"]y0", SymUnknown, false}, // well formed, unknown code character: kept, not refused
	} {
		t.Run(tc.id, func(t *testing.T) {
			a, ok := ParseAIM(tc.id)
			if !ok || a.ID != tc.id || a.Symbology != tc.sym || a.GS1 != tc.gs1 {
				t.Errorf("ParseAIM(%q) = %+v, %v; want %q gs1=%v", tc.id, a, ok, tc.sym, tc.gs1)
			}
		})
	}
	for _, bad := range []string{"", "]", "]C", "C10", "]1C", "]Cx", "]C1A", "[C1", "]C-"} {
		if a, ok := ParseAIM(bad); ok {
			t.Errorf("ParseAIM(%q) = %+v, want not an AIM identifier", bad, a)
		}
	}
}

func TestDecode(t *testing.T) {
	at := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	gs1 := "0109501101530003" + "17261231" + "10AB-12" + "\x1d" + "21SN1"
	for _, tc := range []struct {
		name  string
		frame string
		noAIM bool
		want  Scan
	}{
		{"GS1-128", "]C1" + gs1, false, Scan{Data: gs1, Symbology: SymGS1128, AIM: "]C1", GS1: true}},
		{"GS1DataMatrix", "]d2" + gs1, false, Scan{Data: gs1, Symbology: SymGS1DataMatrix, AIM: "]d2", GS1: true}},
		{"GS1QR", "]Q3" + gs1, false, Scan{Data: gs1, Symbology: SymGS1QR, AIM: "]Q3", GS1: true}},
		{"LeadingFNC1AsGS", "]C1\x1d" + gs1, false, Scan{Data: gs1, Symbology: SymGS1128, AIM: "]C1", GS1: true}},
		{"EAN13", "]E05901234123457", false, Scan{Data: "5901234123457", Symbology: SymEAN13, AIM: "]E0"}},
		{"Code128", "]C0BIN-A-01-3", false, Scan{Data: "BIN-A-01-3", Symbology: SymCode128, AIM: "]C0"}},
		{"PlainDataMatrixLooksGS1", "]d10109501101530003", false, Scan{Data: "0109501101530003", Symbology: SymDataMatrix, AIM: "]d1"}},
		{"NoPrefix", "BIN-A-01", false, Scan{Data: "BIN-A-01"}},
		{"BracketNotAIM", "]]x", false, Scan{Data: "]]x"}},
		{"NoAIMConfigured", "]C1ABC", true, Scan{Data: "]C1ABC"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.want.At = at
			got, err := Decode([]byte(tc.frame), at, tc.noAIM)
			if err != nil || got != tc.want {
				t.Errorf("Decode(%q) = %+v, %v\nwant %+v", tc.frame, got, err, tc.want)
			}
		})
	}
	for _, tc := range []struct{ name, frame, msg string }{
		{"Empty", "", "empty scan"},
		{"AIMOnly", "]C1", "scan with AIM ]C1 carries no data"},
		{"GS1WithoutAI", "]C1ABC123", `scan "ABC123": AIM ]C1 says GS1 but the data does not start with an Application Identifier`},
		{"GS1OneDigit", "]d21", `scan "1": AIM ]d2 says GS1`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Decode([]byte(tc.frame), at, false)
			if err == nil || app.ErrorCode(err) != app.EINVALID || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("Decode(%q) = %+v, %v; want an invalid-input error containing %q", tc.frame, s, err, tc.msg)
			}
		})
	}
}
