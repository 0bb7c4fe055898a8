package gs1

import (
	"sort"
	"strings"
)

// Validate checks one element as Parse would: a known AI and a value of the
// right format, check digit and date.
func Validate(e Element) error {
	a := table[e.AI]
	if a == nil {
		return errAt(1, "", "unknown application identifier %q", e.AI)
	}
	if strings.IndexByte(e.Value, GS) >= 0 {
		return errAt(1, e.AI, "value contains a GS separator")
	}
	return checkValue(a, e.Value, 1)
}

// Encode builds the element string for a symbol, without the leading FNC1:
// elements in the given order, each variable-length element that is followed
// by another one ended by GS (0x1D), which a printer encodes as FNC1. It
// validates every element; the error's Pos is the element's index + 1.
// Use Order first to need as few separators as possible.
func Encode(elems []Element) (string, error) {
	if len(elems) == 0 {
		return "", errAt(1, "", "no elements to encode")
	}
	var b strings.Builder
	seen := map[string]bool{}
	for i, e := range elems {
		if err := Validate(e); err != nil {
			err.(*Error).Pos = i + 1
			return "", err
		}
		if seen[e.AI] {
			return "", errAt(i+1, e.AI, "given twice")
		}
		seen[e.AI] = true
		b.WriteString(e.AI)
		b.WriteString(e.Value)
		if i < len(elems)-1 && !table[e.AI].Predefined() {
			b.WriteByte(GS)
		}
	}
	return b.String(), nil
}

// HRI returns the human-readable interpretation, "(01)…(17)…(10)…", after
// validating the elements like Encode.
func HRI(elems []Element) (string, error) {
	if _, err := Encode(elems); err != nil {
		return "", err
	}
	return hri(elems), nil
}

func hri(elems []Element) string {
	var b strings.Builder
	for _, e := range elems {
		b.WriteString("(" + e.AI + ")" + e.Value)
	}
	return b.String()
}

// Order returns the elements with the predefined-length ones first (keeping
// their order), so that only variable-length elements followed by another
// one need a separator: (01)(17)(3103) before (10)(21).
func Order(elems []Element) []Element {
	out := append([]Element(nil), elems...)
	sort.SliceStable(out, func(i, j int) bool {
		pi := table[out[i].AI] != nil && table[out[i].AI].Predefined()
		pj := table[out[j].AI] != nil && table[out[j].AI].Predefined()
		return pi && !pj
	})
	return out
}
