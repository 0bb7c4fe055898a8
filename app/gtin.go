package app

import (
	"fmt"
	"strings"

	"depot/app/gs1"
)

// GS1CheckDigit returns the GS1 check digit for the data digits (a GTIN or
// SSCC without its last digit): weights 3,1,3,1... from the rightmost digit.
func GS1CheckDigit(digits string) byte { return gs1.CheckDigit(digits) }

// NormalizeGTIN validates a GTIN-8, -12, -13 or -14 by its check digit and
// returns it as GTIN-14 (left-padded with zeros).
func NormalizeGTIN(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch len(s) {
	case 8, 12, 13, 14:
	default:
		return "", Errorf(EINVALID, "GTIN %q has %d digits; a GTIN has 8, 12, 13 or 14", s, len(s))
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", Errorf(EINVALID, "GTIN %q has a non-digit at position %d", s, i+1)
		}
	}
	if want := GS1CheckDigit(s[:len(s)-1]); s[len(s)-1] != want {
		return "", Errorf(EINVALID, "GTIN %q has check digit %c; it should be %c", s, s[len(s)-1], want)
	}
	return fmt.Sprintf("%014s", s), nil
}
