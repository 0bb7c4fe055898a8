package label

import (
	"strings"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/code128"

	"depot/app/gs1"
)

// code128Plan turns data into ^BC field data with explicit subset
// invocations (hardware.md §4.2): ">;" start C, ">:" start B, ">6" code B,
// ">8" FNC1, ">0" a literal ">". A leading run of digits goes in subset C,
// two digits per symbol, then the rest in subset B. It never switches back
// to C with ">5": zebrash 1.38, the renderer the acceptance test uses,
// encodes ">5" as FNC4 and stays in B, and what prints must be what the
// preview and the tests see. GS1 element strings put their digits first
// (gs1.Order), so this costs little. With gs1 the symbol starts with FNC1
// and GS (0x1D) in data is FNC1. It returns the field data and the number
// of symbol characters before the check character (start and FNC1
// included), which fixes the printed width.
//
// zebrash 1.38 drops a lone last character after ">6" (">;>837>6A" prints
// "37"), so subset C ends early when a pair would leave exactly one
// character: "37" + "144" is ">;>837>6144"… and never "…3714>64".
func code128Plan(data string, gs1 bool) (string, int) {
	digits := func(i int) int {
		n := 0
		for i+n < len(data) && data[i+n] >= '0' && data[i+n] <= '9' {
			n++
		}
		return n
	}
	var b strings.Builder
	symbols := 1
	setC := false
	if run := digits(0); run >= 4 || (run >= 2 && run%2 == 0) || (gs1 && run >= 2) {
		b.WriteString(">;")
		setC = true
	} else {
		b.WriteString(">:")
	}
	if gs1 {
		b.WriteString(">8")
		symbols++
	}
	for i := 0; i < len(data); {
		c := data[i]
		switch {
		case c == gs1GS:
			b.WriteString(">8")
			i++
		case setC && digits(i) >= 2 && i+3 != len(data):
			b.WriteString(data[i : i+2])
			i += 2
		case setC:
			b.WriteString(">6")
			setC = false
		case c == '>':
			b.WriteString(">0")
			i++
		default:
			b.WriteByte(c)
			i++
		}
		symbols++
	}
	return b.String(), symbols
}

// GS1128Width returns the printed width in dots of a GS1-128 symbol of the
// elements (in the given order) with the given module width, without quiet
// zones.
func GS1128Width(elems []gs1.Element, module int) (int, error) {
	data, err := gs1.Encode(elems)
	if err != nil {
		return 0, err
	}
	_, symbols := code128Plan(data, true)
	return code128Modules(symbols) * module, nil
}

// code128Modules is the width in modules of a symbol with this many symbol
// characters before the check character: 11 modules each, the check
// character too, and 13 for the stop.
func code128Modules(symbols int) int { return (symbols+1)*11 + 13 }

// encode128 encodes content (FNC1 as boombuler's rune) for previews.
func encode128(content string) (barcode.Barcode, error) {
	return code128.Encode(content)
}
