package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"image/png"
	"net/http"
	"net/url"
	"strings"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/code128"

	"depot/app"
	"depot/app/gs1"
	"depot/views"
)

// gs1Symbologies are the AIM identifiers of symbols that carry GS1 element
// strings.
var gs1Symbologies = map[string]bool{"]C1": true, "]d2": true, "]Q3": true, "]e0": true, "]J1": true}

// scan is a scanned or typed code: its AIM symbology identifier when the
// scanner sent one, and the data without it.
type scan struct {
	AIM, Data string
	// GS1 is the element string when the scan carries one.
	GS1 *gs1.Message
}

// parseScan splits a scan into its AIM prefix and data and parses GS1
// element strings: a GS1 symbology prefix, a GS (from Ctrl+]) or the
// human-readable "(01)..." form. Plain codes keep their data as is.
func parseScan(field, code string) (scan, error) {
	code = strings.TrimSpace(strings.TrimRight(code, "\r\n"))
	if code == "" {
		return scan{}, app.FieldErrorf(field, "is empty: scan or type a code")
	}
	var sc scan
	data := code
	if len(code) >= 3 && code[0] == ']' {
		sc.AIM, data = code[:3], code[3:]
	}
	looksGS1 := gs1Symbologies[sc.AIM] || strings.ContainsRune(code, 0x1D) || strings.HasPrefix(data, "(")
	if looksGS1 {
		m, err := gs1.Parse(code)
		if sc.AIM != "" && !gs1Symbologies[sc.AIM] {
			m, err = gs1.Parse(data)
		}
		if err != nil {
			return sc, app.FieldErrorf(field, "the GS1 barcode does not parse: %s", err.Error())
		}
		sc.GS1 = &m
	}
	sc.Data = data
	return sc, nil
}

// scannedItem is what an item scan names: the variant, the units one scan
// stands for (a case's pack size) and, from a GS1 barcode, the lot and its
// expiry.
type scannedItem struct {
	SKU, Lot, ExpiresOn string
	Per                 int64
	Packaging           string
}

// resolveItem says which variant the code in field names: a SKU, a GTIN, a
// case barcode or a GS1 element string with a GTIN (01) and maybe a lot
// (10) and expiry (17). Errors name field.
func (s *server) resolveItem(ctx context.Context, field, code string) (scannedItem, error) {
	sc, err := parseScan(field, code)
	if err != nil {
		return scannedItem{}, err
	}
	var it scannedItem
	lookup := sc.Data
	if sc.GS1 == nil && len(sc.Data) > 16 && strings.HasPrefix(sc.Data, "01") {
		// A GS1-128 whose scanner dropped the AIM prefix: parse it when it
		// is a valid element string, else take it as a plain code.
		if m, err := gs1.Parse(sc.Data); err == nil {
			if _, ok := m.Value("01"); ok {
				sc.GS1 = &m
			}
		}
	}
	if sc.GS1 != nil {
		g, ok := sc.GS1.Value("01")
		if !ok {
			return it, app.FieldErrorf(field, "the GS1 barcode %s has no GTIN (01): it does not name an item", sc.GS1.HRI())
		}
		lookup = g
		it.Lot, _ = sc.GS1.Value("10")
		if e, ok := sc.GS1.Element("17"); ok {
			if t, err := e.Date(s.clock()); err == nil {
				it.ExpiresOn = t.Format("2006-01-02")
			}
		}
	}
	m, err := s.Edit.ResolveCode(ctx, lookup)
	if err != nil {
		if app.ErrorCode(err) == app.ENOTFOUND {
			return it, app.FieldErrorf(field, "%q is not a SKU, GTIN or case barcode", clipText(lookup))
		}
		return it, err
	}
	switch m.Kind {
	case app.CodeVariant, app.CodePackaging:
	case app.CodeLocation:
		return it, app.FieldErrorf(field, "%s is a location, not an item: scan the item here", m.Location)
	case app.CodeLot:
		return it, app.FieldErrorf(field, "%s is a lot of %s: scan the item, then the lot", m.Lot, m.SKU)
	}
	it.SKU, it.Per, it.Packaging = m.SKU, m.Qty, m.Packaging
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
	sc, err := parseScan("code", q["code"])
	if err != nil {
		return err
	}
	lookup := sc.Data
	if sc.GS1 != nil {
		if g, ok := sc.GS1.Value("01"); ok {
			lookup = g
		} else if v, ok := sc.GS1.Value("00"); ok {
			return app.Errorf(app.ENOTFOUND, "SSCC %s is a shipping unit; depot has no page for it", v)
		}
	}
	m, err := s.Edit.ResolveCode(r.Context(), lookup)
	if err != nil {
		return err
	}
	to := "/variants/" + url.PathEscape(m.SKU)
	if m.Kind == app.CodeLocation {
		to = "/locations/" + url.PathEscape(m.Location)
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
