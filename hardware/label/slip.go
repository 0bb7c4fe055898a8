package label

import (
	"fmt"

	"depot/app"
)

// Slip is what a packing slip shows: the order, where it goes and what is
// in the parcel.
type Slip struct {
	Order    string
	Tracking string // printed when set
	To       []string
	Lines    []SlipLine
}

// SlipLine is one line of a packing slip.
type SlipLine struct {
	SKU, Name string
	Qty       int64
}

// slipRows is how many item lines fit on a 4×6 in slip; the rest are
// counted on a last line.
const slipRows = 20

// PackingSlip lays out a 4×6 in packing slip for the label printer: the
// order number as text and Code 128, the recipient, and one line per item
// ("3 x SKU-A  Ceramic mug"). A slip with more lines than fit says how many
// lines and units it leaves out, so nobody takes a cut list for the whole.
func PackingSlip(s Slip, dpi int) (*Label, error) {
	l, err := New(101.6, 152.4, dpi)
	if err != nil {
		return nil, err
	}
	d := func(mm float64) int { return MM(mm, dpi) }
	if s.Order == "" {
		return nil, app.FieldErrorf("order", "a packing slip needs an order number")
	}
	if len(s.Lines) == 0 {
		return nil, app.FieldErrorf("lines", "a packing slip needs the parcel's items")
	}
	l.Add(&Text{X: d(5), Y: d(4), Height: d(6), Text: "PACKING SLIP"},
		&Text{X: d(5), Y: d(12), Height: d(4), Text: "ORDER " + s.Order},
		&Code128{X: d(5), Y: d(18), Height: d(10), Module: d(0.25), Data: s.Order})
	y := d(31)
	if s.Tracking != "" {
		l.Add(&Text{X: d(5), Y: y, Height: d(3), Text: "TRACKING " + s.Tracking})
		y += d(4.5)
	}
	for _, t := range s.To {
		l.Add(&Text{X: d(5), Y: y, Height: d(3), Text: t})
		y += d(3.8)
	}
	y += d(1.5)
	l.Add(&Box{X: d(3), Y: y, Width: l.Width - d(6), Height: d(0.4), Thickness: d(0.4)})
	y += d(2.5)
	var units int64
	for i, ln := range s.Lines {
		units += ln.Qty
		if i == slipRows {
			var restLines, restUnits int64
			for _, r := range s.Lines[i:] {
				restLines, restUnits = restLines+1, restUnits+r.Qty
			}
			for _, r := range s.Lines[i+1:] {
				units += r.Qty
			}
			l.Add(&Text{X: d(5), Y: y, Height: d(3.2), Text: fmt.Sprintf("... and %d more lines (%d units) not listed", restLines, restUnits)})
			y += d(4.2)
			break
		}
		l.Add(&Text{X: d(5), Y: y, Height: d(3.2), Text: fmt.Sprintf("%d x %s  %s", ln.Qty, ln.SKU, ln.Name)})
		y += d(4.2)
	}
	l.Add(&Text{X: d(5), Y: max(y+d(1), d(140)), Height: d(3.5), Text: fmt.Sprintf("%d units in %d lines", units, len(s.Lines))})
	if _, err := l.layout(); err != nil {
		return nil, err
	}
	return l, nil
}
