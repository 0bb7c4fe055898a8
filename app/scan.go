package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"depot/app/gs1"
)

// MaxScanLen bounds a scan: a GS1 DataMatrix holds at most about 3,100
// characters, so anything longer is not one barcode.
const MaxScanLen = 4096

// GS1Element is one element of a GS1 element string, with its GS1 data
// title: {"17", "USE BY or EXPIRY", "261231"}.
type GS1Element struct {
	AI    string `json:"ai"`
	Title string `json:"title"`
	Value string `json:"value"`
}

// Scan is what a scanned or typed code says by itself, before any lookup:
// its AIM symbology, its data and, for a GS1 element string, every element
// and the fields a warehouse uses. Dates are YYYY-MM-DD; a field is empty
// (or 0) when the scan does not carry it.
type Scan struct {
	// Code is the scan as given, without surrounding spaces and Enter.
	Code string `json:"code"`
	// AIM is the AIM symbology identifier the scanner prefixed ("]C1",
	// "]d2", "]E0"), "" when there was none.
	AIM string `json:"aim,omitempty"`
	// Symbology names the symbology of AIM ("GS1 DataMatrix"), "" when
	// unknown or absent.
	Symbology string `json:"symbology,omitempty"`
	// Data is the code without its AIM prefix: what a plain code is looked
	// up by.
	Data string `json:"data"`
	// GS1 is the element string's elements in scan order; nil when the
	// scan is not a GS1 element string.
	GS1 []GS1Element `json:"gs1,omitempty"`
	// HRI is the element string in its human-readable form
	// "(01)…(10)…", "" when not GS1.
	HRI string `json:"hri,omitempty"`

	GTIN string `json:"gtin,omitempty"` // GTIN-14: (01), or (02) the content of a logistic unit; an EAN/UPC scan's own
	// Content is true when GTIN came from (02): the trade items inside a
	// logistic unit, counted by (37).
	Content     bool   `json:"content,omitempty"`
	Lot         string `json:"lot,omitempty"`           // (10)
	ExpiresOn   string `json:"expires_on,omitempty"`    // (17), day 00 = last day of the month
	ProducedOn  string `json:"produced_on,omitempty"`   // (11)
	BestBefore  string `json:"best_before,omitempty"`   // (15)
	Serial      string `json:"serial,omitempty"`        // (21)
	Count       int64  `json:"count,omitempty"`         // (30) or (37): items in the unit
	NetWeightMg int64  `json:"net_weight_mg,omitempty"` // (310n) kg or (320n) lb, in mg
	SSCC        string `json:"sscc,omitempty"`          // (00)
}

// IsGS1 reports whether the scan is a GS1 element string.
func (s Scan) IsGS1() bool { return s.GS1 != nil }

// Value returns the value of the scan's first GS1 element with the AI.
func (s Scan) Value(ai string) (string, bool) {
	for _, e := range s.GS1 {
		if e.AI == ai {
			return e.Value, true
		}
	}
	return "", false
}

// aimSymbologies names the AIM symbology identifiers a warehouse meets.
var aimSymbologies = map[string]string{
	"]C0": "Code 128", "]C1": "GS1-128", "]C2": "Code 128", "]C4": "Code 128",
	"]E0": "EAN-13 / UPC-A", "]E3": "EAN-13 / UPC-A with add-on", "]E4": "EAN-8",
	"]A0": "Code 39", "]I0": "ITF", "]I1": "ITF",
	"]d1": "Data Matrix", "]d2": "GS1 DataMatrix",
	"]Q1": "QR Code", "]Q3": "GS1 QR Code",
	"]e0": "GS1 DataBar", "]J1": "GS1 DotCode",
}

// gs1AIM are the identifiers of symbols whose data is a GS1 element string
// (FNC1 in first position).
var gs1AIM = map[string]bool{"]C1": true, "]d2": true, "]Q3": true, "]e0": true, "]J1": true}

// ParseScan reads a scan the way a scanner or a person hands it over: an
// optional AIM prefix ("]C1", "]d2", "]Q3", "]E0" …), then a plain code or a
// GS1 element string (raw with GS separators, or the human-readable
// "(01)…(17)…(10)…" form). A GS1 element string is recognised by a GS1
// symbology prefix, a GS (0x1D, FNC1) in the data, a leading "(", or, when a
// scanner dropped the prefix, data that starts with (01) and parses. now
// places two-digit years (GS1's sliding century window).
//
// Errors are invalid-input *Error on field "code", naming the scan and what
// is wrong: empty, too long, not UTF-8, a control character, an unknown
// application identifier, a bad check digit or date, a malformed element.
func ParseScan(code string, now time.Time) (Scan, error) {
	code = strings.TrimSpace(code)
	var s Scan
	switch {
	case code == "":
		return s, FieldErrorf("code", "is empty: scan or type a code")
	case len(code) > MaxScanLen:
		return s, FieldErrorf("code", "is %d bytes long; a scan is at most %d", len(code), MaxScanLen)
	case !utf8.ValidString(code):
		return s, FieldErrorf("code", "%q is not valid UTF-8: check the scanner's keyboard settings", clipScan(code))
	}
	for i, r := range code {
		if r < 0x20 && r != gs1.GS || r == 0x7f {
			return s, FieldErrorf("code", "%q has control character %U at byte %d; only GS (FNC1) may appear in a scan", clipScan(code), r, i+1)
		}
	}
	s.Code, s.Data = code, code
	if len(code) >= 3 && code[0] == ']' && isAIMLetter(code[1]) {
		s.AIM, s.Data = code[:3], code[3:]
		s.Symbology = aimSymbologies[s.AIM]
		if s.Data == "" {
			return s, FieldErrorf("code", "%q is only the symbology identifier %s; the scan has no data", code, s.AIM)
		}
	}
	var m gs1.Message
	var err error
	switch {
	case gs1AIM[s.AIM]:
		m, err = gs1.Parse(code)
	case strings.ContainsRune(s.Data, gs1.GS) || strings.HasPrefix(s.Data, "("):
		m, err = gs1.Parse(s.Data)
	case s.AIM == "" && len(s.Data) >= 16 && strings.HasPrefix(s.Data, "01"):
		// A GS1-128 whose scanner dropped the AIM prefix: GS1 when it parses,
		// else a plain code that happens to start with 01.
		if m, err = gs1.Parse(s.Data); err != nil {
			m, err = gs1.Message{}, nil
		}
	default:
		if gtin, err := NormalizeGTIN(s.Data); err == nil && (s.AIM == "]E0" || s.AIM == "]E3" || s.AIM == "]E4" || s.AIM == "") {
			s.GTIN = gtin
		}
		return s, nil
	}
	if err != nil {
		return s, FieldErrorf("code", "%s (scan %q)", err.Error(), clipScan(code))
	}
	if m.Elements != nil {
		if err := s.fill(m, now); err != nil {
			return Scan{Code: s.Code, AIM: s.AIM, Symbology: s.Symbology, Data: s.Data}, err
		}
	}
	return s, nil
}

// fill takes the warehouse fields out of a parsed element string.
func (s *Scan) fill(m gs1.Message, now time.Time) error {
	s.GS1 = make([]GS1Element, len(m.Elements))
	s.HRI = m.HRI()
	for i, e := range m.Elements {
		s.GS1[i] = GS1Element{AI: e.AI, Title: e.Title(), Value: e.Value}
		var err error
		switch {
		case e.AI == "00":
			s.SSCC = e.Value
		case e.AI == "01":
			s.GTIN = e.Value
		case e.AI == "02":
			if s.GTIN == "" {
				s.GTIN, s.Content = e.Value, true
			}
		case e.AI == "10":
			s.Lot = e.Value
		case e.AI == "21":
			s.Serial = e.Value
		case e.AI == "11":
			s.ProducedOn, err = gs1Date(e, now)
		case e.AI == "15":
			s.BestBefore, err = gs1Date(e, now)
		case e.AI == "17":
			s.ExpiresOn, err = gs1Date(e, now)
		case e.AI == "30" || e.AI == "37":
			var n int
			if n, err = e.Count(); err == nil {
				if s.Count != 0 && s.Count != int64(n) {
					return FieldErrorf("code", "the GS1 barcode %s gives two counts, %d and %d", s.HRI, s.Count, n)
				}
				s.Count = int64(n)
			}
		case strings.HasPrefix(e.AI, "310") || strings.HasPrefix(e.AI, "320"):
			var mg int64
			if mg, err = e.WeightMg(); err == nil {
				if s.NetWeightMg != 0 && s.NetWeightMg != mg {
					return FieldErrorf("code", "the GS1 barcode %s gives two net weights, (%s) differs from the first", s.HRI, e.AI)
				}
				s.NetWeightMg = mg
			}
		}
		if err != nil {
			return FieldErrorf("code", "GS1 element (%s) %q in %s: %v", e.AI, e.Value, s.HRI, err)
		}
	}
	return nil
}

// gs1Date returns a GS1 date element as YYYY-MM-DD.
func gs1Date(e gs1.Element, now time.Time) (string, error) {
	t, err := e.Date(now)
	if err != nil {
		return "", err
	}
	return t.Format("2006-01-02"), nil
}

func isAIMLetter(c byte) bool { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }

// clipScan shortens a scan quoted in a message.
func clipScan(s string) string {
	if len(s) <= 80 {
		return s
	}
	return strings.ToValidUTF8(s[:80], "") + "…"
}

// ScanMatch is what a scan names in the store. Kind says which of the
// fields are set: a variant (by SKU or GTIN, one unit), a packaging (a case
// barcode or a case GTIN: Packaging and Qty), a location, a lot (of
// Variant), or a shipping unit (an SSCC alone, which depot does not look
// up).
type ScanMatch struct {
	Scan Scan
	Kind CodeKind
	// Variant is the item the scan names (kinds variant, packaging, lot).
	Variant *ScanVariant
	// Packaging is the case scanned, nil for a single unit.
	Packaging *ScanPackaging
	// Location is the code of a scanned location.
	Location string
	// Lot is the lot code: the scan's (10) or a scanned lot code. LotKnown
	// says whether the variant has a lot of that code in depot; then
	// LotStatus and LotExpiresOn are the stored ones.
	Lot          string
	LotKnown     bool
	LotStatus    LotStatus
	LotExpiresOn string
	// Qty is the base units the scan stands for: the count (30)/(37) times
	// the pack size when the scan carries a count, else the pack size (1
	// for a single unit). 0 for locations and shipping units.
	Qty int64
}

// ScanVariant is the variant a scan names.
type ScanVariant struct {
	SKU  string `json:"sku"`
	Name string `json:"name"`
}

// ScanPackaging is the packaging a case scan names; Qty is its pack size.
type ScanPackaging struct {
	Name string `json:"name"`
	Qty  int64  `json:"qty"`
}

// CodeShippingUnit is what an SSCC (00) without a GTIN names: a pallet or
// parcel, which depot does not track yet.
const CodeShippingUnit CodeKind = "shipping_unit"

// ScanResolver says what a parsed scan names in the store.
type ScanResolver interface {
	// ResolveScan looks up the scan: a GS1 scan by its GTIN (a variant's
	// GTIN or a packaging's barcode, as GTIN-14 or without its leading
	// zeros) with its lot, an SSCC alone as a shipping unit, a GS1 lot (10)
	// alone as a lot; any other scan by its data as SKU, GTIN, case
	// barcode, location code or lot code (see CatalogEditor.ResolveCode),
	// then an EAN/UPC by its GTIN-14. Errors: not_found on field "code",
	// `"X" is not a SKU, GTIN, case barcode, location or lot`.
	ResolveScan(ctx context.Context, s Scan) (*ScanMatch, error)
}

// ResolveScanCode parses code (ParseScan, with now for GS1 dates) and looks
// it up with r: what a scanned or typed code means, in one call. Errors are
// those of ParseScan and ResolveScan, on field "code" (see OnField).
func ResolveScanCode(ctx context.Context, r ScanResolver, code string, now time.Time) (*ScanMatch, error) {
	s, err := ParseScan(code, now)
	if err != nil {
		return nil, err
	}
	return r.ResolveScan(ctx, s)
}

// NotFoundScan is the error of a code that names nothing in depot.
func NotFoundScan(code string) *Error {
	return &Error{Code: ENOTFOUND, Field: "code", Message: fmt.Sprintf("%q is not a SKU, GTIN, case barcode, location or lot", clipScan(code))}
}

// IsItem reports whether the match names an item: a variant or a case of
// one.
func (m *ScanMatch) IsItem() bool { return m.Kind == CodeVariant || m.Kind == CodePackaging }

// RequireItem returns nil when the match names an item, else an invalid
// error on field saying what the scan named instead.
func (m *ScanMatch) RequireItem(field string) error {
	switch m.Kind {
	case CodeVariant, CodePackaging:
		return nil
	case CodeLocation:
		return FieldErrorf(field, "%s is a location, not an item: scan the item here", m.Location)
	case CodeLot:
		return FieldErrorf(field, "%s is a lot of %s: scan the item, then the lot", m.Lot, m.Variant.SKU)
	case CodeShippingUnit:
		return FieldErrorf(field, "SSCC %s is a shipping unit, not an item: scan the item's own barcode", m.Scan.SSCC)
	}
	return FieldErrorf(field, "%q does not name an item", clipScan(m.Scan.Code))
}

// OnField returns err with its field set to field when err is an *Error
// about field "code" (the scan), so a screen can name its own input
// ("item", "lines[2].code"). Other errors are returned as they are.
func OnField(err error, field string) error {
	var e *Error
	if !errors.As(err, &e) || e.Field != "code" {
		return err
	}
	c := *e
	c.Field = field
	return &c
}
