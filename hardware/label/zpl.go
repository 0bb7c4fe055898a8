package label

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/datamatrix"
	"github.com/boombuler/barcode/qr"

	"depot/app"
	"depot/app/gs1"
)

// ZPL renders the label as one ZPL II format (^XA…^XZ): UTF-8 (^CI28),
// print width and label length set, every field's data hex-escaped with
// ^FH\ so that "^", "~" and "\" in a product name print as text instead of
// starting commands. Nothing is returned when an item is wrong; the error
// names the item (items[i]) and why.
func (l *Label) ZPL() ([]byte, error) {
	shapes, err := l.layout()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "^XA\n^CI28\n^PW%d\n^LL%d\n^LH0,0\n", l.Width, l.Height)
	for _, s := range shapes {
		b.WriteString(s.zpl)
		b.WriteByte('\n')
	}
	b.WriteString("^PQ1\n^XZ\n")
	return b.Bytes(), nil
}

// fh escapes field data for ^FH\: "^", "~", "\" and control bytes become
// \XX hex escapes; everything else (UTF-8 included) passes unchanged.
func fh(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '^' || c == '~' || c == '\\' || c < 0x20 || c == 0x7f {
			fmt.Fprintf(&b, "\\%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

func checkText(s string) error {
	if s == "" {
		return app.Errorf(app.EINVALID, "no text")
	}
	for i, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return app.Errorf(app.EINVALID, "control character %U at byte %d of %q cannot be printed", r, i+1, s)
		}
		if r == 0xfffd {
			return app.Errorf(app.EINVALID, "%q is not valid UTF-8 at byte %d", s, i+1)
		}
	}
	return nil
}

func (t *Text) layout() (shape, error) {
	if err := checkText(t.Text); err != nil {
		return shape{}, err
	}
	if err := checkSize("height", t.Height, 10, 1000); err != nil {
		return shape{}, err
	}
	w := t.Width
	if w == 0 {
		w = t.Height
	}
	if err := checkSize("width", w, 10, 1000); err != nil {
		return shape{}, err
	}
	return shape{
		texts: []textRun{{x: t.X, y: t.Y, h: t.Height, w: w, s: t.Text}},
		zpl:   fmt.Sprintf("^FO%d,%d^A0N,%d,%d^FH\\^FD%s^FS", t.X, t.Y, t.Height, w, fh(t.Text)),
	}, nil
}

func (c *Code128) layout() (shape, error) {
	if c.Data == "" {
		return shape{}, app.Errorf(app.EINVALID, "no data")
	}
	for i, r := range c.Data {
		if r < 0x20 || r > 0x7e {
			return shape{}, app.Errorf(app.EINVALID, "%q has %q at byte %d; Code 128 here takes printable ASCII only", c.Data, r, i+1)
		}
	}
	hri := ""
	if c.HRI {
		hri = c.Data
	}
	return bars128(c.X, c.Y, c.Height, c.Module, c.Data, false, hri)
}

func (g *GS1128) layout() (shape, error) {
	data, err := gs1.Encode(g.Elements)
	if err != nil {
		return shape{}, err
	}
	hri := ""
	if g.HRI {
		hri, _ = gs1.HRI(g.Elements)
	}
	return bars128(g.X, g.Y, g.Height, g.Module, data, true, hri)
}

// bars128 lays out a Code 128 symbol. With gs1, the symbol starts with FNC1
// and GS in data stands for FNC1. The printer's own interpretation line is
// off; the HRI text (if any) is a text field under the bars, so the ZPL and
// the previews print the same line.
func bars128(x, y, h, module int, data string, gs1 bool, hri string) (shape, error) {
	if err := checkSize("module", module, 1, 10); err != nil {
		return shape{}, err
	}
	if err := checkSize("height", h, 10, 2000); err != nil {
		return shape{}, err
	}
	fd, symbols := code128Plan(data, gs1)
	if symbols > 100 {
		return shape{}, app.Errorf(app.EINVALID, "%d symbol characters is too long for one Code 128 symbol", symbols)
	}
	content := data
	if gs1 {
		content = string(rune(0xf1)) + strings.ReplaceAll(data, string(rune(gs1GS)), string(rune(0xf1))) // boombuler's FNC1 rune
	}
	code, err := encode128(content)
	if err != nil {
		return shape{}, app.Errorf(app.EINTERNAL, "Code 128 preview of %q: %v", data, err)
	}
	s := shape{rects: modules(code, x, y, module, h)}
	// Size the symbol as the printer will print it.
	width := code128Modules(symbols) * module
	s.rects = append(s.rects, rect{x, y, 0, h}, rect{x + width, y, 0, h}) // the printed extent, for bounds
	s.zpl = fmt.Sprintf("^FO%d,%d^BY%d,3,%d^BCN,%d,N,N,N,N^FH\\^FD%s^FS", x, y, module, h, h, fh(fd))
	if hri != "" {
		th := max(20, 9*module)
		t := textRun{x: x, y: y + h + module*4, h: th, w: th, s: hri}
		s.texts = append(s.texts, t)
		s.zpl += fmt.Sprintf("\n^FO%d,%d^A0N,%d,%d^FH\\^FD%s^FS", t.x, t.y, t.h, t.w, fh(hri))
	}
	return s, nil
}

const gs1GS = gs1.GS

// qrDrop is how far below its ^FO a QR code prints, in dots.
const qrDrop = 10

func (q *QR) layout() (shape, error) {
	if err := checkText(q.Data); err != nil {
		return shape{}, err
	}
	if err := checkSize("module", q.Module, 1, 10); err != nil {
		return shape{}, err
	}
	code, err := qr.Encode(q.Data, qr.M, qr.Auto)
	if err != nil {
		return shape{}, app.Errorf(app.EINVALID, "%d bytes do not fit a QR code: %v", len(q.Data), err)
	}
	// Printers place a QR code lower than its ^FO by the current ^BY bar
	// height (zebrash does the same); set it to 10 dots here so the offset
	// is known, and draw the previews 10 dots lower too.
	return shape{
		rects: modules(code, q.X, q.Y+qrDrop, q.Module, 0),
		zpl:   fmt.Sprintf("^BY2,3,%d^FO%d,%d^BQN,2,%d^FH\\^FDMA,%s^FS", qrDrop, q.X, q.Y, q.Module, fh(q.Data)),
	}, nil
}

func (d *DataMatrix) layout() (shape, error) {
	data, err := gs1.Encode(d.Elements)
	if err != nil {
		return shape{}, err
	}
	if err := checkSize("module", d.Module, 1, 20); err != nil {
		return shape{}, err
	}
	// boombuler marks GS1 with the FNC1 codeword (232) first and as separator.
	fnc1 := string([]byte{datamatrix.FNC1})
	code, err := datamatrix.Encode(fnc1 + strings.ReplaceAll(data, string(rune(gs1GS)), fnc1))
	if err != nil {
		return shape{}, app.Errorf(app.EINVALID, "%d characters do not fit a DataMatrix: %v", len(data), err)
	}
	// The ^BX escape character is set explicitly (firmware defaults differ)
	// to "#", which GS1 data (character set 82) never contains, so the data
	// needs no doubling: "#1" is FNC1. ("__" for a literal "_" is not
	// understood by zebrash.)
	fd := "#1" + strings.ReplaceAll(data, string(rune(gs1GS)), "#1")
	return shape{
		rects: modules(code, d.X, d.Y, d.Module, 0),
		zpl:   fmt.Sprintf("^FO%d,%d^BXN,%d,200,,,,#^FH\\^FD%s^FS", d.X, d.Y, d.Module, fh(fd)),
	}, nil
}

func (b *Box) layout() (shape, error) {
	if b.Width < 1 || b.Height < 1 || b.Thickness < 1 {
		return shape{}, app.Errorf(app.EINVALID, "width, height and thickness must be at least 1 dot")
	}
	s := shape{zpl: fmt.Sprintf("^FO%d,%d^GB%d,%d,%d^FS", b.X, b.Y, b.Width, b.Height, b.Thickness)}
	t := b.Thickness
	if 2*t >= min(b.Width, b.Height) {
		s.rects = []rect{{b.X, b.Y, b.Width, b.Height}}
	} else {
		s.rects = []rect{
			{b.X, b.Y, b.Width, t}, {b.X, b.Y + b.Height - t, b.Width, t},
			{b.X, b.Y, t, b.Height}, {b.X + b.Width - t, b.Y, t, b.Height},
		}
	}
	return s, nil
}

// modules turns a barcode's dark modules into rectangles: one per run of
// dark modules in a row, scaled by module. h > 0 makes a 1-D code h dots
// tall.
func modules(code barcode.Barcode, x, y, module, h int) []rect {
	bd := code.Bounds()
	var out []rect
	rows := bd.Dy()
	if h > 0 {
		rows = 1
	}
	for r := 0; r < rows; r++ {
		rh := module
		if h > 0 {
			rh = h
		}
		for c := 0; c < bd.Dx(); {
			if !dark(code, bd.Min.X+c, bd.Min.Y+r) {
				c++
				continue
			}
			start := c
			for c < bd.Dx() && dark(code, bd.Min.X+c, bd.Min.Y+r) {
				c++
			}
			out = append(out, rect{x + start*module, y + r*module, (c - start) * module, rh})
		}
	}
	return out
}

func dark(code barcode.Barcode, x, y int) bool {
	r, _, _, _ := code.At(x, y).RGBA()
	return r < 0x8000
}
