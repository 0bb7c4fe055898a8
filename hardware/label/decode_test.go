package label

import (
	"image"
	"image/draw"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/datamatrix"
	"github.com/makiuchi-d/gozxing/oned"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// decoded is what gozxing read from an image: the text and the AIM
// symbology identifier ("]C1", "]d2", "]Q1", …).
type decoded struct {
	text, symbology string
}

// decode reads one barcode of the item's kind from img. GS1 symbols come
// back with their AIM identifier; Code 128 is read with ASSUME_GS1, so FNC1
// after the start gives "]C1" and later FNC1s give GS.
func decode(t *testing.T, it Item, img image.Image) (decoded, error) {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
	var r gozxing.Reader
	switch it.(type) {
	case *Code128, *GS1128:
		r = oned.NewCode128Reader()
		hints[gozxing.DecodeHintType_ASSUME_GS1] = true
	case *QR:
		r = qrcode.NewQRCodeReader()
	case *DataMatrix:
		r = datamatrix.NewDataMatrixReader()
	default:
		t.Fatalf("no decoder for %T", it)
	}
	res, err := r.Decode(bmp, hints)
	if err != nil {
		return decoded{}, err
	}
	sym, _ := res.GetResultMetadata()[gozxing.ResultMetadataType_SYMBOLOGY_IDENTIFIER].(string)
	return decoded{text: res.GetText(), symbology: sym}, nil
}

// crop copies the item's area of img (plus a margin for quiet zones) onto
// a white canvas twice its size, so that neighbours on the label do not
// confuse the detectors.
func crop(t *testing.T, l *Label, i int, img image.Image) image.Image {
	t.Helper()
	shapes, err := l.layout()
	if err != nil {
		t.Fatal(err)
	}
	x0, y0, x1, y1 := shapes[i].bounds()
	m := 24
	src := image.Rect(x0-m, y0-m, x1+m, y1+m).Intersect(img.Bounds())
	out := image.NewGray(image.Rect(0, 0, src.Dx()+2*m*2, src.Dy()+2*m*2))
	draw.Draw(out, out.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(out, src.Sub(src.Min).Add(image.Pt(2*m, 2*m)), img, src.Min, draw.Src)
	return out
}
