package label

import (
	"bytes"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"strings"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Image renders the label at one pixel per dot, black on white, the way the
// printer lays it out: the same bars and modules as the ZPL (previews of
// Code 128 may choose other subsets than the printer and differ in width by a
// few modules), text in Go Bold at the item's height (a Text's Width is
// ZPL-only).
func (l *Label) Image() (*image.Gray, error) {
	shapes, err := l.layout()
	if err != nil {
		return nil, err
	}
	faces := faceCache{}
	img := image.NewGray(image.Rect(0, 0, l.Width, l.Height))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	for _, s := range shapes {
		for _, r := range s.rects {
			draw.Draw(img, image.Rect(r.x, r.y, r.x+r.w, r.y+r.h), image.Black, image.Point{}, draw.Src)
		}
		for _, t := range s.texts {
			face, err := faces.get(t.h)
			if err != nil {
				return nil, err
			}
			d := font.Drawer{Dst: img, Src: image.NewUniform(color.Black), Face: face,
				Dot: fixed.P(t.x, t.y+face.Metrics().Ascent.Ceil())}
			d.DrawString(t.s)
		}
	}
	return img, nil
}

// PNG renders the label as a PNG image (see Image).
func (l *Label) PNG() ([]byte, error) {
	img, err := l.Image()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, fmt.Errorf("label: encode png: %w", err)
	}
	return b.Bytes(), nil
}

// SVG renders the label as an SVG document sized in millimetres (so a
// browser prints it at the label's real size), with a viewBox in dots: one
// path for every bar and module, text as <text> elements whose spaces are
// kept (xml:space, which browsers honour on the element only), as the
// printer keeps them.
func (l *Label) SVG() ([]byte, error) {
	shapes, err := l.layout()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%gmm" height="%gmm" viewBox="0 0 %d %d" shape-rendering="crispEdges">`+"\n",
		l.WidthMM(), l.HeightMM(), l.Width, l.Height)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/>`+"\n", l.Width, l.Height)
	faces := faceCache{}
	var path strings.Builder
	for _, s := range shapes {
		for _, r := range s.rects {
			if r.w > 0 && r.h > 0 {
				fmt.Fprintf(&path, "M%d %dh%dv%dh%dz", r.x, r.y, r.w, r.h, -r.w)
			}
		}
	}
	if path.Len() > 0 {
		fmt.Fprintf(&b, `<path fill="#000" d="%s"/>`+"\n", path.String())
	}
	for _, s := range shapes {
		for _, t := range s.texts {
			face, err := faces.get(t.h)
			if err != nil {
				return nil, err
			}
			fmt.Fprintf(&b, `<text xml:space="preserve" x="%d" y="%d" font-family="Go, Helvetica, Arial, sans-serif" font-weight="bold" font-size="%.1f" fill="#000">%s</text>`+"\n",
				t.x, t.y+face.Metrics().Ascent.Ceil(), float64(t.h)*fontScale, html.EscapeString(t.s))
		}
	}
	b.WriteString("</svg>\n")
	return b.Bytes(), nil
}

var (
	fontOnce sync.Once
	fontBold *opentype.Font
	fontErr  error
)

// fontScale sizes Go Bold so that its lines match ZPL font 0 of the same
// height in dots.
const fontScale = 0.85

// faceCache holds Go Bold faces by pixel height for one render; a face is
// not safe for concurrent use, so renders do not share them.
type faceCache map[int]font.Face

// get returns Go Bold sized so that a line is h pixels tall, like a ZPL
// font of height h.
func (c faceCache) get(h int) (font.Face, error) {
	fontOnce.Do(func() { fontBold, fontErr = opentype.Parse(gobold.TTF) })
	if fontErr != nil {
		return nil, fmt.Errorf("label: font: %w", fontErr)
	}
	if f, ok := c[h]; ok {
		return f, nil
	}
	f, err := opentype.NewFace(fontBold, &opentype.FaceOptions{Size: float64(h) * fontScale, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, fmt.Errorf("label: font size %d: %w", h, err)
	}
	c[h] = f
	return f, nil
}
