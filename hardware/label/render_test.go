package label

// The acceptance test of issue 4 for labels: ZPL from the label model is
// rendered by a real ZPL renderer (zpl-renderer-js: zebrash compiled to
// wasm, run with Node) and decoded back with gozxing.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// renderZPL renders each label's ZPL with testdata/zpl/render.mjs and
// returns the images and the render time of each in milliseconds.
func renderZPL(t *testing.T, labels ...*Label) ([]image.Image, []float64) {
	t.Helper()
	imgs, ms, err := renderRaw(t, labels, nil)
	if err != nil {
		t.Fatal(err)
	}
	return imgs, ms
}

// renderRaw renders labels, with zpl[i] (when given) instead of label i's
// own ZPL; the label still gives the size.
func renderRaw(t *testing.T, labels []*Label, zpl []string) ([]image.Image, []float64, error) {
	t.Helper()
	dir, err := filepath.Abs("../../testdata/zpl")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "zpl-renderer-js", "package.json")); err != nil {
		t.Fatalf("zpl-renderer-js is not installed: run `make deps` (or `cd testdata/zpl && npm ci`): %v", err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is missing: run `make deps` (it installs nodejs and npm)")
	}
	type job struct {
		ZPL      string  `json:"zpl"`
		WidthMM  float64 `json:"widthMm"`
		HeightMM float64 `json:"heightMm"`
		DPMM     int     `json:"dpmm"`
		Out      string  `json:"out"`
	}
	tmp := t.TempDir()
	var jobs []job
	for i, l := range labels {
		var z string
		if i < len(zpl) && zpl[i] != "" {
			z = zpl[i]
		} else {
			b, err := l.ZPL()
			if err != nil {
				t.Fatalf("label %d: %v", i, err)
			}
			z = string(b)
		}
		jobs = append(jobs, job{z, l.WidthMM(), l.HeightMM(), DotsPerMM(l.DPI), filepath.Join(tmp, fmt.Sprintf("label-%d.png", i))})
	}
	in, _ := json.Marshal(jobs)
	cmd := exec.Command(node, filepath.Join(dir, "render.mjs"))
	cmd.Stdin = bytes.NewReader(in)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, nil, fmt.Errorf("render.mjs: %v: %s", err, stderr.String())
	}
	var res struct {
		Zebrash string    `json:"zebrash"`
		MS      []float64 `json:"ms"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatalf("render.mjs output %q: %v", stdout.String(), err)
	}
	var imgs []image.Image
	for _, j := range jobs {
		f, err := os.Open(j.Out)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", j.Out, err)
		}
		imgs = append(imgs, img)
	}
	return imgs, res.MS, nil
}

// TestZPLRenderedDecodes renders every barcode case at 203 and 300 dpi with
// the real renderer and decodes it: content equal to the input, GS1 element
// strings exact.
func TestZPLRenderedDecodes(t *testing.T) {
	var labels []*Label
	var cases []barcodeCase
	for _, dpi := range []int{203, 300} {
		for _, c := range barcodeCases {
			labels = append(labels, caseLabel(t, c, dpi))
			cases = append(cases, c)
		}
	}
	imgs, ms := renderZPL(t, labels...)
	for i, c := range cases {
		t.Run(fmt.Sprintf("%s/%d", c.name, labels[i].DPI), func(t *testing.T) {
			b := imgs[i].Bounds()
			if b.Dx() != labels[i].Width || b.Dy() != labels[i].Height {
				t.Errorf("rendered %dx%d, want %dx%d dots", b.Dx(), b.Dy(), labels[i].Width, labels[i].Height)
			}
			c.check(t, labels[i], 0, imgs[i])
			// The preview puts the symbol where the printer does: same
			// top-left corner, and for 2-D symbols the same size.
			pngBytes, err := labels[i].PNG()
			if err != nil {
				t.Fatal(err)
			}
			preview, err := png.Decode(bytes.NewReader(pngBytes))
			if err != nil {
				t.Fatal(err)
			}
			pr, zr := inkBox(preview), inkBox(imgs[i])
			if abs(pr.Min.X-zr.Min.X) > 1 || abs(pr.Min.Y-zr.Min.Y) > 1 {
				t.Errorf("preview symbol at %v, printed at %v", pr.Min, zr.Min)
			}
			switch c.item(1).(type) {
			case *QR, *DataMatrix:
				if pr.Size() != zr.Size() {
					t.Errorf("preview symbol %v, printed %v", pr.Size(), zr.Size())
				}
			}
		})
	}
	t.Logf("zpl-renderer-js render times (ms): %.0f", ms)
}

// inkBox is the bounding box of the dark pixels.
func inkBox(img image.Image) image.Rectangle {
	var r image.Rectangle
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if isInk(img, x, y) {
				r = r.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return r
}

func abs(v int) int { return max(v, -v) }

// TestZPLRenderedLabels renders the item, shipping and test labels whole
// and decodes every barcode on them.
func TestZPLRenderedLabels(t *testing.T) {
	exp := time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
	var labels []*Label
	for _, dpi := range []int{203, 300} {
		item, err := ItemLabel(ItemInfo{Name: "Bolt M5 stainless", SKU: "B-M5", GTIN: "09506000134352", Lot: "LOT42", Expiry: exp, Serial: "SER001", NetWeightMg: 1_250_000}, dpi)
		if err != nil {
			t.Fatal(err)
		}
		ship, err := ShippingLabel(Shipment{From: []string{"depot GmbH", "Hafenstr. 1", "20457 Hamburg"}, To: []string{"Ana Silva", "Rua Augusta 100", "1100-053 Lisboa"},
			Order: "SO-10042", SSCC: "106141412345678908", WeightMg: 2_450_000, Carrier: "DHL", TrackURL: "https://depot.local/t/SO-10042",
			Tracking: "DPT00000004271"}, dpi)
		if err != nil {
			t.Fatal(err)
		}
		slip, err := PackingSlip(Slip{Order: "SO-10042", Tracking: "DPT00000004271", To: []string{"Ana Silva", "Rua Augusta 100"},
			Lines: []SlipLine{{SKU: "MUG-BLU", Name: "Ceramic mug", Qty: 3}}}, dpi)
		if err != nil {
			t.Fatal(err)
		}
		test, err := TestLabel("tcp:127.0.0.1:9100", dpi)
		if err != nil {
			t.Fatal(err)
		}
		labels = append(labels, item, ship, slip, test)
	}
	imgs, ms := renderZPL(t, labels...)
	for li, l := range labels {
		for i, it := range l.Items {
			var want barcodeCase
			switch b := it.(type) {
			case *Code128:
				want = barcodeCase{name: "Code 128", text: b.Data}
			case *QR:
				want = barcodeCase{name: "QR", text: b.Data}
			case *GS1128:
				want = gs1Case("GS1-128", b.Elements, false)
			case *DataMatrix:
				want = gs1Case("DataMatrix", b.Elements, true)
			default:
				continue
			}
			want.item = func(int) Item { return it }
			t.Run(fmt.Sprintf("label%d/%d/%s", li, i, want.name), func(t *testing.T) {
				want.check(t, l, i, imgs[li])
			})
		}
	}
	t.Logf("zpl-renderer-js render times (ms): %.0f", ms)
}

// TestZPLNameWithCaretAndTilde prints a product name full of ZPL command
// characters. It must print as text: the rendered name is pixel for pixel
// the same as the name rendered on a label of its own, it is wider than the
// name without those characters (so "^" and "~" left glyphs), and the
// barcodes after it still decode. Without the escaping (a control, built by
// hand) the rendering differs.
func TestZPLNameWithCaretAndTilde(t *testing.T) {
	const name = `Bolt ^FS^XZ ~JA 5^8 \ ~HS`
	info := ItemInfo{Name: name, SKU: "B-M5", GTIN: "09506000134352", Lot: "LOT42", Expiry: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}
	full, err := ItemLabel(info, 203)
	if err != nil {
		t.Fatal(err)
	}
	z, err := full.ZPL()
	if err != nil {
		t.Fatal(err)
	}
	nameItem := *full.Items[0].(*Text)
	field := fmt.Sprintf(`^FO%d,%d^A0N,%d,%d^FH\^FD%s^FS`, nameItem.X, nameItem.Y, nameItem.Height, nameItem.Height, `Bolt \5EFS\5EXZ \7EJA 5\5E8 \5C \7EHS`)
	if !bytes.Contains(z, []byte(field+"\n")) || bytes.Count(z, []byte("^XA")) != 1 || bytes.Count(z, []byte("^XZ")) != 1 || bytes.ContainsRune(z, '~') {
		t.Fatalf("the name is not one escaped field %s in:\n%s", field, z)
	}

	alone := &Label{Width: full.Width, Height: full.Height, DPI: 203, Items: []Item{&nameItem}}
	plainItem := nameItem
	plainItem.Text = strings.NewReplacer("^", "", "~", "").Replace(name)
	plain := &Label{Width: full.Width, Height: full.Height, DPI: 203, Items: []Item{&plainItem}}
	imgs, _ := renderZPL(t, full, alone, plain)

	band := image.Rect(0, nameItem.Y-4, full.Width, nameItem.Y+nameItem.Height+4)
	if d := diffPixels(imgs[0], imgs[1], band); d != 0 {
		t.Errorf("the name on the label differs from the name alone in %d pixels", d)
	}
	fullRight, plainRight := inkRight(imgs[0], band), inkRight(imgs[2], band)
	if fullRight <= plainRight {
		t.Errorf("the name with ^ and ~ ends at x=%d, the name without them at x=%d: the characters left no glyphs", fullRight, plainRight)
	}
	for i, it := range full.Items {
		switch b := it.(type) {
		case *GS1128:
			gs1Case("GS1-128 after the name", b.Elements, false).check(t, full, i, imgs[0])
		case *DataMatrix:
			gs1Case("DataMatrix after the name", b.Elements, true).check(t, full, i, imgs[0])
		}
	}

	// The control: the same label with the name unescaped.
	raw := strings.Replace(string(z), field, fmt.Sprintf(`^FO%d,%d^A0N,%d,%d^FD%s^FS`, nameItem.X, nameItem.Y, nameItem.Height, nameItem.Height, name), 1)
	ctl, _, err := renderRaw(t, []*Label{full}, []string{raw})
	if err == nil && diffPixels(ctl[0], imgs[1], band) == 0 {
		t.Error("the unescaped name renders like the escaped one: the test cannot tell them apart")
	}
}

// diffPixels counts the pixels in r where a and b differ in darkness.
func diffPixels(a, b image.Image, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if isInk(a, x, y) != isInk(b, x, y) {
				n++
			}
		}
	}
	return n
}

// inkRight returns the rightmost dark column in r, or -1.
func inkRight(img image.Image, r image.Rectangle) int {
	for x := r.Max.X - 1; x >= r.Min.X; x-- {
		for y := r.Min.Y; y < r.Max.Y; y++ {
			if isInk(img, x, y) {
				return x
			}
		}
	}
	return -1
}

func isInk(img image.Image, x, y int) bool {
	if !(image.Point{x, y}.In(img.Bounds())) {
		return false
	}
	r, g, b, a := img.At(x, y).RGBA()
	return a > 0x8000 && (r+g+b)/3 < 0x8000
}
