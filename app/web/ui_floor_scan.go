package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"image/png"
	"net/http"
	"net/url"
	"time"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/code128"

	"depot/app"
	"depot/views"
)

// scanResolver is the store's scan lookup: Services.Scans, or the catalog
// editor when it resolves scans too (callers that wired only Edit before
// Scans existed keep working).
func (s *server) scanResolver() (app.ScanResolver, error) {
	if s.Scans != nil {
		return s.Scans, nil
	}
	if r, ok := s.Edit.(app.ScanResolver); ok {
		return r, nil
	}
	return nil, app.Errorf(app.EUNAVAILABLE, "this depot runs without scan lookups")
}

// resolveScan parses the code typed or scanned into field (app.ParseScan)
// and says what it names in the store (app.ScanResolver). Errors name field.
func (s *server) resolveScan(ctx context.Context, field, code string) (*app.ScanMatch, error) {
	res, err := s.scanResolver()
	if err != nil {
		return nil, err
	}
	m, err := app.ResolveScanCode(ctx, res, code, s.now())
	if err != nil {
		return nil, app.OnField(err, field)
	}
	return m, nil
}

// now is the UI's clock, or the wall clock for the API alone.
func (s *server) now() time.Time {
	if s.ui != nil && s.ui.Now != nil {
		return s.ui.Now()
	}
	return time.Now()
}

// scannedItem is what an item scan names: the variant, the units one scan
// stands for (a case's pack size, times a GS1 count) and, from a GS1
// barcode, the lot and its expiry.
type scannedItem struct {
	SKU, Lot, ExpiresOn string
	Per                 int64
	Packaging           string
}

// resolveItem says which variant the code in field names: a SKU, a GTIN, a
// case barcode or a GS1 element string with a GTIN (01) and maybe a lot
// (10) and expiry (17). A location, lot or SSCC is refused naming field.
func (s *server) resolveItem(ctx context.Context, field, code string) (scannedItem, error) {
	m, err := s.resolveScan(ctx, field, code)
	if err != nil {
		return scannedItem{}, err
	}
	if err := m.RequireItem(field); err != nil {
		return scannedItem{}, err
	}
	it := scannedItem{SKU: m.Variant.SKU, Lot: m.Scan.Lot, ExpiresOn: m.Scan.ExpiresOn, Per: m.Qty}
	if m.Packaging != nil {
		it.Packaging = m.Packaging.Name
	}
	return it, nil
}

// scanPage handles GET /scan?code=: what a scan outside any form opens. A
// SKU, GTIN, case barcode or GS1 barcode opens the variant, a location code
// the location, a lot code the variant that has the lot.
func (s *server) scanPage(w http.ResponseWriter, r *http.Request) error {
	q, err := queryParams(r, "code")
	if err != nil {
		return err
	}
	m, err := s.resolveScan(r.Context(), "code", q["code"])
	if err != nil {
		return err
	}
	var to string
	switch m.Kind {
	case app.CodeLocation:
		to = "/locations/" + url.PathEscape(m.Location)
	case app.CodeShippingUnit:
		return app.Errorf(app.ENOTFOUND, "SSCC %s is a shipping unit; depot has no page for it", m.Scan.SSCC)
	default:
		to = "/variants/" + url.PathEscape(m.Variant.SKU)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// scannerTestCode is the self-test barcode: letters that swap on German and
// French layouts (Z/Y, A/Q), the punctuation that moves (- . / #) and digits.
const scannerTestCode = "DEPOT-Zy/Aq.09#M"

// scannerTestPage handles GET /floor/scanner: a barcode to scan and a panel
// (scan.js) that shows every key that arrived, its timing and what differs
// from the barcode.
func (s *server) scannerTestPage(w http.ResponseWriter, r *http.Request) error {
	img, err := barcodePNG(scannerTestCode)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.ScannerTest(s.pageFor(w, r, "Scanner test"), scannerTestCode, img))
}

// barcodePNG renders a Code 128 of text as a data: URL.
func barcodePNG(text string) (string, error) {
	c, err := code128.Encode(text)
	if err != nil {
		return "", err
	}
	img, err := barcode.Scale(c, 3*c.Bounds().Dx(), 120)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", err
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}
