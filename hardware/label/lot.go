package label

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"depot/app"
	"depot/app/gs1"
)

// Receipt is what the labels printed at a receipt show: one variant in one
// lot, and for a case label the units in the case.
type Receipt struct {
	SKU    string    // printed; required
	Name   string    // product name, printed; required
	GTIN   string    // GTIN-8/12/13/14: (01); required for a case label
	Lot    string    // (10), "" when the variant is not lot-tracked
	Expiry time.Time // (17), zero: none
	// PerCase is the units in one case: (37) on a case label.
	PerCase int64
}

// maxCount is the largest (37) count: N..8.
const maxCount = 99_999_999

// elements returns the GS1 elements of the label in encoding order: (01)
// and (17) (predefined lengths), then (37) when count > 0, then (10).
func (r Receipt) elements(count int64) ([]gs1.Element, error) {
	gtin, err := app.NormalizeGTIN(r.GTIN)
	if err != nil {
		return nil, app.FieldErrorf("gtin", "%s", app.ErrorMessage(err))
	}
	els := []gs1.Element{{AI: "01", Value: gtin}}
	if !r.Expiry.IsZero() {
		els = append(els, gs1.Element{AI: "17", Value: r.Expiry.Format("060102")})
	}
	if count > 0 {
		els = append(els, gs1.Element{AI: "37", Value: strconv.FormatInt(count, 10)})
	}
	if r.Lot != "" {
		els = append(els, gs1.Element{AI: "10", Value: r.Lot})
	}
	for _, e := range els {
		if err := gs1.Validate(e); err != nil {
			field := map[string]string{"17": "expires", "37": "per", "10": "lot"}[e.AI]
			return nil, app.FieldErrorf(field, "%s", app.ErrorMessage(err))
		}
	}
	return els, nil
}

// LotLabel lays out a 4×2 in lot label for goods just received (4×3 in
// when the lot code needs a second GS1-128, see below): the name,
// a line with SKU, lot and expiry, a GS1 DataMatrix and a GS1-128 of (01)
// GTIN, (17) expiry and (10) lot, with the HRI under the bars. A lot code
// too long for one GS1-128 across the label goes into a second GS1-128 of
// its own (GS1 allows an element string split over symbols). A variant
// without a GTIN gets a Code 128 of the lot code (or of the SKU when there
// is no lot), which depot's scan lookup resolves too.
func LotLabel(r Receipt, dpi int) (*Label, error) {
	return receiptLabel(r, 0, dpi)
}

// CaseLabel lays out a 4×3 in case label: what LotLabel shows, plus
// "CASE OF n" and the count (37) in both barcodes: (01) GTIN of the unit,
// (17), (37) units in the case, (10). depot's scan lookup reads it as n
// units of the variant in the lot. (GS1's association rules reserve (37)
// for the content (02) of a logistic unit with an SSCC; this label is for
// depot's own floor, where a case has no GTIN of its own.) A case label
// needs the GTIN and PerCase from 1 to 99,999,999.
func CaseLabel(r Receipt, dpi int) (*Label, error) {
	if r.PerCase < 1 || r.PerCase > maxCount {
		return nil, app.FieldErrorf("per", "%d units in a case: a case label needs 1 to %d", r.PerCase, maxCount)
	}
	if strings.TrimSpace(r.GTIN) == "" {
		return nil, app.FieldErrorf("gtin", "SKU %s has no GTIN: a case label carries GS1 (01) GTIN and (37) count", r.SKU)
	}
	return receiptLabel(r, r.PerCase, dpi)
}

// receiptLabel is the layout of both labels; count > 0 makes a case label.
func receiptLabel(r Receipt, count int64, dpi int) (*Label, error) {
	r.SKU, r.Name, r.GTIN, r.Lot = strings.TrimSpace(r.SKU), strings.TrimSpace(r.Name), strings.TrimSpace(r.GTIN), strings.TrimSpace(r.Lot)
	if r.SKU == "" {
		return nil, app.FieldErrorf("sku", "a receipt label needs the SKU")
	}
	if r.Name == "" {
		return nil, app.FieldErrorf("name", "a receipt label needs the product name")
	}
	d := func(mm float64) int { return MM(mm, dpi) }
	module := d(0.25)
	// The GS1-128 runs left of the DataMatrix, split before (10) when one
	// symbol would be too wide.
	var els []gs1.Element
	var lin [][]gs1.Element
	if r.GTIN != "" {
		var err error
		if els, err = r.elements(count); err != nil {
			return nil, err
		}
		lin = [][]gs1.Element{els}
		if w, _ := GS1128Width(els, module); d(3)+w > d(80) && r.Lot != "" && len(els) > 1 {
			lin = [][]gs1.Element{els[:len(els)-1], els[len(els)-1:]}
		}
	}
	// 4×2 in when one barcode row fits under the text, else 4×3 in.
	height := 50.8
	if count > 0 || len(lin) > 1 {
		height = 76.2
	}
	l, err := New(101.6, height, dpi)
	if err != nil {
		return nil, err
	}
	info := []string{"SKU " + r.SKU}
	if r.Lot != "" {
		info = append(info, "LOT "+r.Lot)
	}
	if !r.Expiry.IsZero() {
		info = append(info, "EXP "+r.Expiry.Format("2006-01-02"))
	}
	l.Add(&Text{X: d(3), Y: d(3), Height: d(5), Text: r.Name},
		&Text{X: d(3), Y: d(10), Height: d(3.5), Text: strings.Join(info, "   ")})
	y := d(16)
	if count > 0 {
		l.Add(&Text{X: d(3), Y: y, Height: d(6), Text: fmt.Sprintf("CASE OF %d", count)})
		y = d(24)
	}
	if els == nil {
		code := r.Lot
		if code == "" {
			code = r.SKU
		}
		l.Add(&Code128{X: d(3), Y: y, Height: d(15), Module: module, Data: code, HRI: true})
	} else {
		l.Add(&DataMatrix{X: d(82), Y: y, Module: d(0.5), Elements: els})
		for _, part := range lin {
			l.Add(&GS1128{X: d(3), Y: y, Height: d(15), Module: module, Elements: part, HRI: true})
			y += d(22)
		}
	}
	if _, err := l.layout(); err != nil {
		return nil, err
	}
	return l, nil
}
