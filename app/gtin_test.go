package app

import "testing"

func TestNormalizeGTIN(t *testing.T) {
	for _, tc := range []struct {
		in, want, err string
	}{
		{"09506000134352", "09506000134352", ""}, // hardware.md's worked example
		{"9506000134352", "09506000134352", ""},  // GTIN-13
		{"96385074", "00000096385074", ""},       // GTIN-8
		{"036000291452", "00036000291452", ""},   // UPC-A
		{"09506000134353", "", `GTIN "09506000134353" has check digit 3; it should be 2`},
		{"0950600013435", "", `GTIN "0950600013435" has check digit 5; it should be 9`},
		{"12345", "", `GTIN "12345" has 5 digits; a GTIN has 8, 12, 13 or 14`},
		{"0950600013435X", "", `GTIN "0950600013435X" has a non-digit at position 14`},
	} {
		got, err := NormalizeGTIN(tc.in)
		if tc.err == "" {
			if err != nil || got != tc.want {
				t.Errorf("NormalizeGTIN(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
			continue
		}
		if err == nil || len(err.Error()) < len(tc.err) || err.Error()[:len(tc.err)] != tc.err {
			t.Errorf("NormalizeGTIN(%q) error = %v; want prefix %q", tc.in, err, tc.err)
		}
	}
}
