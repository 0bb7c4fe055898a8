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

// receiveScan resolves the scan in the item field with the shared scan
// parser (app.ParseScan): a GS1 logistic unit that names its content with
// (02) instead of (01) resolves by it. In wrong-item mode a code depot does
// not know is kept as the scanned text.
func (s *server) receiveScan(ctx context.Context, code string, wrong bool) (receivedScan, error) {
	var out receivedScan
	keep := func(text string) (receivedScan, error) {
		return receivedScan{Scanned: clipScan(text), Per: 1}, nil
	}
	sc, err := app.ParseScan(code, s.now())
	if err != nil {
		if wrong {
			return keep(code)
		}
		return out, app.OnField(err, "item")
	}
	out.Lot, out.Serial, out.ExpiresOn, out.MadeOn, out.Count = sc.Lot, sc.Serial, sc.ExpiresOn, sc.ProducedOn, sc.Count
	if sc.NetWeightMg > 0 {
		out.Note = "net weight " + kgText(sc.NetWeightMg) + " kg"
	}
	res, err := s.scanResolver()
	if err != nil {
		return out, err
	}
	m, err := res.ResolveScan(ctx, sc)
	if err == nil {
		err = m.RequireItem("item")
	}
	if err != nil {
		if wrong && (app.ErrorCode(err) == app.ENOTFOUND || app.ErrorCode(err) == app.EINVALID) {
			if sc.IsGS1() {
				return keep(sc.HRI)
			}
			return keep(code)
		}
		return out, app.OnField(err, "item")
	}
	out.SKU, out.Per = m.Variant.SKU, 1
	if m.Packaging != nil && m.Packaging.Qty > 1 {
		out.Per = m.Packaging.Qty
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
