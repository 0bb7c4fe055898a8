// Package label models printable labels (text, Code 128, GS1-128, QR, GS1
// DataMatrix, boxes at positions in printer dots) and renders them to ZPL II
// for label printers and to PNG and SVG for previews and for printing from
// the browser when no label printer is attached.
package label

import (
	"fmt"
	"math"
	"unicode/utf8"

	"depot/app"
	"depot/app/gs1"
)

// Label is a label layout. Positions and sizes are in printer dots from the
// top-left corner; DPI says how big a dot is (203 dpi = 8 dots/mm, 300 dpi =
// 12 dots/mm).
type Label struct {
	Width, Height int // dots
	DPI           int // 203 or 300
	Items         []Item
}

// New returns an empty label of the given size in millimetres at 203 or 300
// dpi.
func New(widthMM, heightMM float64, dpi int) (*Label, error) {
	if dpi != 203 && dpi != 300 {
		return nil, app.FieldErrorf("dpi", "%d dpi is not a label printer resolution (want 203 or 300)", dpi)
	}
	if widthMM <= 0 || heightMM <= 0 || widthMM > 300 || heightMM > 2000 {
		return nil, app.FieldErrorf("size", "%gx%g mm is not a label size", widthMM, heightMM)
	}
	return &Label{Width: MM(widthMM, dpi), Height: MM(heightMM, dpi), DPI: dpi}, nil
}

// DotsPerMM is the printer resolution in dots per millimetre: 8 at 203 dpi,
// 12 at 300 dpi.
func DotsPerMM(dpi int) int {
	if dpi == 300 {
		return 12
	}
	return 8
}

// MM converts millimetres to dots at the given resolution.
func MM(mm float64, dpi int) int { return int(math.Round(mm * float64(DotsPerMM(dpi)))) }

// WidthMM and HeightMM give the label size in millimetres.
func (l *Label) WidthMM() float64  { return float64(l.Width) / float64(DotsPerMM(l.DPI)) }
func (l *Label) HeightMM() float64 { return float64(l.Height) / float64(DotsPerMM(l.DPI)) }

// Add appends items and returns the label.
func (l *Label) Add(items ...Item) *Label {
	l.Items = append(l.Items, items...)
	return l
}

// Item is one thing on a label: *Text, *Code128, *GS1128, *QR, *DataMatrix
// or *Box.
type Item interface {
	// layout checks the item and returns what every renderer draws.
	layout() (shape, error)
	kind() string
}

// Text is one line of text. Height is the character height in dots; Width
// the character width (0: same as Height). Any UTF-8 text prints (ZPL ^CI28);
// control characters are refused.
type Text struct {
	X, Y   int
	Height int
	Width  int
	Text   string
}

// Code128 is a Code 128 barcode of printable ASCII. Module is the narrow bar
// width in dots (2 or 3 at 203 dpi); HRI prints the data under the bars.
type Code128 struct {
	X, Y   int
	Height int
	Module int
	Data   string
	HRI    bool
}

// GS1128 is a GS1-128 barcode of GS1 element strings: FNC1 first, FNC1 after
// each variable-length element that is followed by another. Elements are
// encoded in the order given (see gs1.Order). HRI prints "(01)…(17)…" under
// the bars.
type GS1128 struct {
	X, Y     int
	Height   int
	Module   int
	Elements []gs1.Element
	HRI      bool
}

// QR is a QR code (error correction M, automatic input mode). Module is the
// size of one square in dots (1 to 10).
type QR struct {
	X, Y   int
	Module int
	Data   string
}

// DataMatrix is a GS1 DataMatrix (ECC 200) of element strings. Module is the
// size of one square in dots.
type DataMatrix struct {
	X, Y     int
	Module   int
	Elements []gs1.Element
}

// Box is a rectangle outline (Thickness < min(Width, Height)/2) or a filled
// bar; use it for lines and frames.
type Box struct {
	X, Y          int
	Width, Height int
	Thickness     int
}

func (*Text) kind() string       { return "text" }
func (*Code128) kind() string    { return "Code 128" }
func (*GS1128) kind() string     { return "GS1-128" }
func (*QR) kind() string         { return "QR code" }
func (*DataMatrix) kind() string { return "GS1 DataMatrix" }
func (*Box) kind() string        { return "box" }

// shape is an item laid out: bars or modules in dots, and text lines.
type shape struct {
	rects []rect
	texts []textRun
	// zpl is the item's ZPL, from ^FO to the last ^FS.
	zpl string
}

type rect struct{ x, y, w, h int }

type textRun struct {
	x, y, h, w int
	s          string
}

// bounds returns the box the shape covers.
func (s shape) bounds() (x0, y0, x1, y1 int) {
	x0, y0 = math.MaxInt, math.MaxInt
	grow := func(ax, ay, bx, by int) {
		x0, y0, x1, y1 = min(x0, ax), min(y0, ay), max(x1, bx), max(y1, by)
	}
	for _, r := range s.rects {
		grow(r.x, r.y, r.x+r.w, r.y+r.h)
	}
	for _, t := range s.texts {
		grow(t.x, t.y, t.x+textWidth(t), t.y+t.h)
	}
	return
}

// textWidth estimates a line's width in dots for layout checks; ZPL font 0
// is condensed, about 0.55 of its width setting per character.
func textWidth(t textRun) int {
	w := t.w
	if w == 0 {
		w = t.h
	}
	return int(float64(utf8.RuneCountInString(t.s)*w) * 0.55)
}

// layout checks every item and that it starts on the label. Barcodes must
// fit entirely; text may run off the right edge (it is cut there), since its
// printed width depends on the font.
func (l *Label) layout() ([]shape, error) {
	if l.DPI != 203 && l.DPI != 300 {
		return nil, app.FieldErrorf("dpi", "%d dpi is not a label printer resolution (want 203 or 300)", l.DPI)
	}
	if l.Width <= 0 || l.Height <= 0 {
		return nil, app.FieldErrorf("size", "label size %dx%d dots is empty", l.Width, l.Height)
	}
	if len(l.Items) == 0 {
		return nil, app.FieldErrorf("items", "the label has nothing on it")
	}
	shapes := make([]shape, len(l.Items))
	for i, it := range l.Items {
		field := fmt.Sprintf("items[%d]", i)
		s, err := it.layout()
		if err != nil {
			return nil, app.FieldErrorf(field, "%s: %s", it.kind(), app.ErrorMessage(err))
		}
		x0, y0, x1, y1 := s.bounds()
		_, isText := it.(*Text)
		if x0 < 0 || y0 < 0 || x0 >= l.Width || y0 >= l.Height || (!isText && (x1 > l.Width || y1 > l.Height)) {
			return nil, app.FieldErrorf(field, "%s at %d,%d to %d,%d dots does not fit the %dx%d-dot label", it.kind(), x0, y0, x1, y1, l.Width, l.Height)
		}
		shapes[i] = s
	}
	return shapes, nil
}

func checkSize(name string, v, lo, hi int) error {
	if v < lo || v > hi {
		return app.Errorf(app.EINVALID, "%s %d dots is out of range %d to %d", name, v, lo, hi)
	}
	return nil
}
