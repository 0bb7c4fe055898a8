package web

import (
	"context"
	"strconv"
	"strings"

	"depot/app"
)

// receivedScan is what a scan at the receiving dock says: the item (or,
// for a wrong item not in the catalog, the scan itself), the units one scan
// stands for, and from a GS1 element string the lot (10), expiry (17),
// production date (11), serial (21), count (30 or 37) and net weight (310n
// or 320n, kept in the note).
type receivedScan struct {
	SKU, Scanned                   string
	Per, Count                     int64
	Lot, ExpiresOn, MadeOn, Serial string
	Note                           string
}

// receiveScan resolves the scan in the item field. A GS1 logistic unit
// that names its content with (02) instead of (01) resolves by it. In
// wrong-item mode a code depot does not know is kept as the scanned text.
// TODO(receiving): use the scans branch's app-level parser once merged.
func (s *server) receiveScan(ctx context.Context, code string, wrong bool) (receivedScan, error) {
	var out receivedScan
	sc, err := parseScan("item", code)
	if err != nil {
		if wrong {
			return receivedScan{Scanned: clipScan(code), Per: 1}, nil
		}
		return out, err
	}
	lookup := code
	if m := sc.GS1; m != nil {
		if _, ok := m.Value("01"); !ok {
			if content, ok := m.Value("02"); ok {
				lookup = "(01)" + content
			}
		}
		out.Lot, _ = m.Value("10")
		out.Serial, _ = m.Value("21")
		for ai, dst := range map[string]*string{"17": &out.ExpiresOn, "11": &out.MadeOn} {
			if e, ok := m.Element(ai); ok {
				t, err := e.Date(s.ui.Now())
				if err != nil {
					return out, app.FieldErrorf("item", "the GS1 barcode's (%s) %s: %v", ai, e.Value, err)
				}
				*dst = t.Format("2006-01-02")
			}
		}
		for _, ai := range []string{"30", "37"} {
			if e, ok := m.Element(ai); ok {
				n, err := e.Count()
				if err != nil || n < 1 {
					return out, app.FieldErrorf("item", "the GS1 barcode's count (%s) %s is not a number of units", ai, e.Value)
				}
				out.Count = int64(n)
			}
		}
		for _, ai := range []string{"310", "320"} {
			if e, ok := m.Element(ai); ok {
				if mg, err := e.WeightMg(); err == nil {
					out.Note = "net weight " + kgText(mg) + " kg"
				}
			}
		}
	}
	it, err := s.resolveItem(ctx, "item", lookup)
	if err != nil {
		if wrong && app.ErrorCode(err) == app.EINVALID {
			out.Scanned = clipScan(code)
			if sc.GS1 != nil {
				out.Scanned = clipScan(sc.GS1.HRI())
			}
			out.Per, out.Lot, out.ExpiresOn, out.MadeOn = 1, "", "", ""
			return out, nil
		}
		return out, err
	}
	out.SKU, out.Per = it.SKU, it.Per
	if out.Per < 1 {
		out.Per = 1
	}
	return out, nil
}

// clipScan keeps a scanned text storable and readable: separators shown,
// at most 500 bytes.
func clipScan(code string) string {
	code = strings.ReplaceAll(strings.TrimSpace(code), "\x1d", "<GS>")
	if len(code) > 500 {
		code = strings.ToValidUTF8(code[:500], "")
	}
	return code
}

// kgText writes milligrams as kilograms without trailing zeros: 1.25.
func kgText(mg int64) string {
	s := strconv.FormatInt(mg/1_000_000, 10)
	if frac := mg % 1_000_000; frac != 0 {
		s += "." + strings.TrimRight(strconv.FormatInt(1_000_000+frac, 10)[1:], "0")
	}
	return s
}
