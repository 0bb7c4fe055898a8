package label

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestPNGDecodes decodes every barcode case from the Go-rendered PNG.
func TestPNGDecodes(t *testing.T) {
	for _, dpi := range []int{203, 300} {
		for _, c := range barcodeCases {
			t.Run(fmt.Sprintf("%s/%d", c.name, dpi), func(t *testing.T) {
				l := caseLabel(t, c, dpi)
				b, err := l.PNG()
				if err != nil {
					t.Fatal(err)
				}
				img, err := png.Decode(bytes.NewReader(b))
				if err != nil {
					t.Fatal(err)
				}
				c.check(t, l, 0, img)
			})
		}
	}
}

// TestSVGDecodes rasterises the SVG preview with rsvg-convert (librsvg, as
// a browser would draw it) and decodes every barcode case from it.
func TestSVGDecodes(t *testing.T) {
	rsvg, err := exec.LookPath("rsvg-convert")
	if err != nil {
		t.Fatal("rsvg-convert is missing: run `make deps` (apt-get install librsvg2-bin)")
	}
	dir := t.TempDir()
	for _, dpi := range []int{203, 300} {
		for i, c := range barcodeCases {
			t.Run(fmt.Sprintf("%s/%d", c.name, dpi), func(t *testing.T) {
				l := caseLabel(t, c, dpi)
				svg, err := l.SVG()
				if err != nil {
					t.Fatal(err)
				}
				in := filepath.Join(dir, fmt.Sprintf("%d-%d.svg", dpi, i))
				out := strings.TrimSuffix(in, ".svg") + ".png"
				if err := os.WriteFile(in, svg, 0o644); err != nil {
					t.Fatal(err)
				}
				// Rasterise at one pixel per dot: the document is sized in mm.
				cmd := exec.Command(rsvg, "-w", fmt.Sprint(l.Width), "-h", fmt.Sprint(l.Height), "-b", "white", "-o", out, in)
				if msg, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("rsvg-convert: %v\n%s", err, msg)
				}
				f, err := os.Open(out)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				img, err := png.Decode(f)
				if err != nil {
					t.Fatal(err)
				}
				c.check(t, l, 0, img)
			})
		}
	}
}

func TestSVGDocument(t *testing.T) {
	l, err := ItemLabel(ItemInfo{Name: `<script>&"Bolt"</script> ^~`, SKU: "B-1", GTIN: "09506000134352", Lot: "L1", Expiry: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}, 203)
	if err != nil {
		t.Fatal(err)
	}
	svg, err := l.SVG()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Width   string `xml:"width,attr"`
		Height  string `xml:"height,attr"`
		ViewBox string `xml:"viewBox,attr"`
		Texts   []struct {
			Text string `xml:",chardata"`
		} `xml:"text"`
	}
	if err := xml.Unmarshal(svg, &doc); err != nil {
		t.Fatalf("SVG is not well-formed XML: %v\n%s", err, svg)
	}
	if doc.Width != "101.625mm" || doc.Height != "50.75mm" || doc.ViewBox != "0 0 813 406" {
		t.Errorf("size %s x %s viewBox %q", doc.Width, doc.Height, doc.ViewBox)
	}
	if len(doc.Texts) == 0 || doc.Texts[0].Text != `<script>&"Bolt"</script> ^~` {
		t.Errorf("name text = %+v, want the name unchanged as text", doc.Texts)
	}
	if bytes.Contains(svg, []byte("<script>")) {
		t.Error("SVG contains the name unescaped")
	}
}

func BenchmarkPNG(b *testing.B) {
	l, err := ShippingLabel(Shipment{From: []string{"depot", "Hafenstr. 1"}, To: []string{"Ana Silva", "Rua Augusta 100", "Lisboa"}, Order: "SO-10042", SSCC: "106141412345678908", TrackURL: "https://depot.local/t/SO-10042"}, 203)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := l.PNG(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSVG(b *testing.B) {
	l, err := ShippingLabel(Shipment{From: []string{"depot", "Hafenstr. 1"}, To: []string{"Ana Silva", "Rua Augusta 100", "Lisboa"}, Order: "SO-10042", SSCC: "106141412345678908", TrackURL: "https://depot.local/t/SO-10042"}, 203)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := l.SVG(); err != nil {
			b.Fatal(err)
		}
	}
}
