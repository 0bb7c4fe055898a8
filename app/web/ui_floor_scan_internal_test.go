package web

import (
	"bytes"
	"encoding/base64"
	"image/png"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
)

// The self-test barcode decodes to the code the page compares against.
func TestScannerTestBarcodeDecodes(t *testing.T) {
	url, err := barcodePNG(scannerTestCode)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(url, "data:image/png;base64,"))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := oned.NewCode128Reader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if res.GetText() != scannerTestCode {
		t.Errorf("decoded %q, want %q", res.GetText(), scannerTestCode)
	}
}

func TestParseDecimal(t *testing.T) {
	for _, c := range []struct {
		in    string
		scale int
		want  int64
		ok    bool
	}{
		{"", 2, 0, true}, {"2.90", 2, 290, true}, {"2,9", 2, 290, true}, {"3", 2, 300, true}, {".5", 3, 500, true},
		{"350", 3, 350000, true}, {"0.125", 3, 125, true}, {"1.2345", 3, 0, false}, {"-1", 2, 0, false},
		{"1e3", 2, 0, false}, {"1.2.3", 2, 0, false}, {"99999999999999999999", 2, 0, false},
	} {
		got, err := parseDecimal("f", c.in, c.scale, "a number")
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("parseDecimal(%q, %d) = %d, %v; want %d ok=%v", c.in, c.scale, got, err, c.want, c.ok)
		}
		if c.ok && c.in != "" && err == nil {
			back, _ := parseDecimal("f", formatDecimal(got, c.scale, 0), c.scale, "")
			if back != got {
				t.Errorf("formatDecimal(%d) = %q does not read back", got, formatDecimal(got, c.scale, 0))
			}
		}
	}
}

func TestRecountRule(t *testing.T) {
	r := RecountRule{Units: 5, Percent: 10}
	for _, c := range []struct {
		expected, counted int64
		large             bool
	}{
		{100, 95, false}, {100, 94, true}, {100, 106, true}, {20, 18, false}, {20, 17, true}, {0, 1, true}, {0, 0, false},
		{1000, 990, true}, // 10 units: more than 5
	} {
		if got := r.large(c.expected, c.counted); got != c.large {
			t.Errorf("large(%d, %d) = %v, want %v", c.expected, c.counted, got, c.large)
		}
	}
}
