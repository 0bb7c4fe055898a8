package label

import (
	"fmt"
	"strings"
	"time"

	"depot/app"
	"depot/app/gs1"
)

// ItemInfo is what a small item or lot label (4×2 in) shows.
type ItemInfo struct {
	Name        string    // product name, printed as text (any characters but control ones)
	SKU         string    // printed; a Code 128 of it when there is no GTIN
	GTIN        string    // GTIN-8/12/13/14; with it the label carries GS1-128 and GS1 DataMatrix
	Lot         string    // (10)
	Expiry      time.Time // (17), zero: none
	Serial      string    // (21)
	NetWeightMg int64     // (310n) in kg, 0: none
}

// Elements returns the item's GS1 element strings in encoding order
// (predefined lengths first): (01), (17), (310n), (10), (21).
func (it ItemInfo) Elements() ([]gs1.Element, error) {
	if it.GTIN == "" {
		return nil, nil
	}
	gtin, err := app.NormalizeGTIN(it.GTIN)
	if err != nil {
		return nil, app.FieldErrorf("gtin", "%s", app.ErrorMessage(err))
	}
	els := []gs1.Element{{AI: "01", Value: gtin}}
	if !it.Expiry.IsZero() {
		els = append(els, gs1.Element{AI: "17", Value: it.Expiry.Format("060102")})
	}
	if it.NetWeightMg > 0 {
		e, err := weightElement(it.NetWeightMg)
		if err != nil {
			return nil, err
		}
		els = append(els, e)
	}
	if it.Lot != "" {
		els = append(els, gs1.Element{AI: "10", Value: it.Lot})
	}
	if it.Serial != "" {
		els = append(els, gs1.Element{AI: "21", Value: it.Serial})
	}
	for _, e := range els {
		if err := gs1.Validate(e); err != nil {
			return nil, app.FieldErrorf(map[string]string{"17": "expiry", "10": "lot", "21": "serial"}[e.AI], "%s", app.ErrorMessage(err))
		}
	}
	return els, nil
}

// without returns els less the elements whose AI starts with prefix.
func without(els []gs1.Element, prefix string) []gs1.Element {
	var out []gs1.Element
	for _, e := range els {
		if !strings.HasPrefix(e.AI, prefix) {
			out = append(out, e)
		}
	}
	return out
}

// weightElement encodes a net weight in kg with as many decimals (up to 3,
// whole grams) as six digits allow: (3103)001250 for 1.250 kg.
func weightElement(mg int64) (gs1.Element, error) {
	grams := (mg + 500) / 1000
	for n, unit := 3, int64(1); n >= 0; n, unit = n-1, unit*10 {
		if v := (grams + unit/2) / unit; v <= 999999 {
			return gs1.Element{AI: fmt.Sprintf("310%d", n), Value: fmt.Sprintf("%06d", v)}, nil
		}
	}
	return gs1.Element{}, app.FieldErrorf("net_weight", "%d mg is more than GS1 (3100) can carry", mg)
}

// ItemLabel lays out a 4×2 in item or lot label: the name, a line with SKU,
// lot and expiry, a GS1 DataMatrix at the right with every element and a
// GS1-128 with its HRI below (without the serial and then the weight when
// long values would make it wider than the label), or a Code 128 of the SKU
// when the item has no GTIN.
func ItemLabel(it ItemInfo, dpi int) (*Label, error) {
	l, err := New(101.6, 50.8, dpi)
	if err != nil {
		return nil, err
	}
	d := func(mm float64) int { return MM(mm, dpi) }
	module := d(0.25)
	if it.Name == "" {
		return nil, app.FieldErrorf("name", "an item label needs a name")
	}
	l.Add(&Text{X: d(3), Y: d(3), Height: d(4.5), Text: it.Name})
	var info []string
	if it.SKU != "" {
		info = append(info, "SKU "+it.SKU)
	}
	if it.Lot != "" {
		info = append(info, "LOT "+it.Lot)
	}
	if !it.Expiry.IsZero() {
		info = append(info, "EXP "+it.Expiry.Format("2006-01-02"))
	}
	if len(info) > 0 {
		l.Add(&Text{X: d(3), Y: d(9), Height: d(3.5), Text: strings.Join(info, "   ")})
	}
	els, err := it.Elements()
	if err != nil {
		return nil, err
	}
	switch {
	case els != nil:
		// The DataMatrix carries every element; the GS1-128 drops the serial,
		// then the weight, when its bars would not fit the label otherwise.
		lin := els
		for _, drop := range []string{"21", "310"} {
			if w, _ := GS1128Width(lin, module); d(3)+w <= l.Width-d(2) {
				break
			}
			lin = without(lin, drop)
		}
		l.Add(&DataMatrix{X: d(83), Y: d(14), Module: d(0.5), Elements: els},
			&GS1128{X: d(3), Y: d(15), Height: d(15), Module: module, Elements: lin, HRI: true})
	case it.SKU != "":
		l.Add(&Code128{X: d(3), Y: d(15), Height: d(15), Module: module, Data: it.SKU, HRI: true})
	default:
		return nil, app.FieldErrorf("sku", "an item label needs a SKU or a GTIN")
	}
	if _, err := l.layout(); err != nil {
		return nil, err
	}
	return l, nil
}

// Shipment is what a 4×6 in shipping label shows.
type Shipment struct {
	From     []string // sender address lines
	To       []string // recipient address lines
	Order    string   // order or shipment number, printed and as Code 128
	Tracking string   // the carrier's tracking number, printed and as Code 128 when set
	SSCC     string   // 18-digit SSCC with check digit: a GS1-128 (00) at the bottom, optional
	WeightMg int64    // package weight, printed when > 0
	Carrier  string   // printed when set
	TrackURL string   // a QR code when set
}

// ShippingLabel lays out a standard 4×6 in shipping label: sender, recipient
// in large type, carrier and weight, the order number as Code 128, a QR code
// of the tracking URL, the tracking number as Code 128 and the SSCC as
// GS1-128.
func ShippingLabel(s Shipment, dpi int) (*Label, error) {
	l, err := New(101.6, 152.4, dpi)
	if err != nil {
		return nil, err
	}
	d := func(mm float64) int { return MM(mm, dpi) }
	if len(s.To) == 0 {
		return nil, app.FieldErrorf("to", "a shipping label needs the recipient's address")
	}
	if s.Order == "" {
		return nil, app.FieldErrorf("order", "a shipping label needs an order number")
	}
	line := d(0.5)
	l.Add(&Box{X: d(2), Y: d(2), Width: l.Width - d(4), Height: l.Height - d(4), Thickness: line})
	y := d(4)
	for _, f := range s.From {
		l.Add(&Text{X: d(5), Y: y, Height: d(3), Text: f})
		y += d(3.6)
	}
	y = max(y, d(22)) + d(1)
	l.Add(&Box{X: d(2), Y: y, Width: l.Width - d(4), Height: line, Thickness: line})
	y += d(3)
	l.Add(&Text{X: d(5), Y: y, Height: d(3), Text: "SHIP TO:"})
	y += d(4.5)
	for _, t := range s.To {
		l.Add(&Text{X: d(8), Y: y, Height: d(6), Text: t})
		y += d(7)
	}
	y = max(y, d(64)) + d(1)
	l.Add(&Box{X: d(2), Y: y, Width: l.Width - d(4), Height: line, Thickness: line})
	y += d(3)
	var info []string
	if s.Carrier != "" {
		info = append(info, s.Carrier)
	}
	if s.WeightMg > 0 {
		info = append(info, fmt.Sprintf("%.3f kg", float64(s.WeightMg)/1e6))
	}
	if len(info) > 0 {
		l.Add(&Text{X: d(5), Y: y, Height: d(5), Text: strings.Join(info, "   ")})
	}
	y += d(7)
	l.Add(&Text{X: d(5), Y: y, Height: d(3.5), Text: "ORDER " + s.Order})
	l.Add(&Code128{X: d(5), Y: y + d(5), Height: d(14), Module: d(0.25), Data: s.Order})
	if s.TrackURL != "" {
		l.Add(&QR{X: d(70), Y: y - d(2), Module: d(0.5), Data: s.TrackURL})
	}
	ssccY := d(112)
	if s.Tracking != "" {
		y = d(97)
		l.Add(&Text{X: d(5), Y: y, Height: d(3.5), Text: "TRACKING " + s.Tracking})
		l.Add(&Code128{X: d(5), Y: y + d(4.5), Height: d(12), Module: d(0.25), Data: s.Tracking})
		ssccY = d(119)
	}
	if s.SSCC != "" {
		y = ssccY
		l.Add(&Box{X: d(2), Y: y, Width: l.Width - d(4), Height: line, Thickness: line})
		l.Add(&Text{X: d(5), Y: y + d(2), Height: d(3), Text: "SSCC"},
			&GS1128{X: d(8), Y: y + d(6), Height: d(22), Module: d(0.375), Elements: []gs1.Element{{AI: "00", Value: s.SSCC}}, HRI: true})
	}
	if _, err := l.layout(); err != nil {
		return nil, err
	}
	return l, nil
}

// TestLabel is what `depot devices print-test` prints: a title, the note
// (printer address and time), a GS1-128 and a QR code with known content.
func TestLabel(note string, dpi int) (*Label, error) {
	l, err := New(101.6, 76.2, dpi)
	if err != nil {
		return nil, err
	}
	d := func(mm float64) int { return MM(mm, dpi) }
	l.Add(&Text{X: d(4), Y: d(3), Height: d(6), Text: "depot test label"},
		&Text{X: d(4), Y: d(11), Height: d(3), Text: note},
		&GS1128{X: d(4), Y: d(18), Height: d(16), Module: d(0.25), Elements: TestElements, HRI: true},
		&QR{X: d(4), Y: d(42), Module: d(0.5), Data: TestQR})
	if _, err := l.layout(); err != nil {
		return nil, err
	}
	return l, nil
}

// TestElements and TestQR are the contents of the test label's barcodes.
var (
	TestElements = []gs1.Element{{AI: "01", Value: "09506000134352"}, {AI: "17", Value: "261231"}, {AI: "10", Value: "TEST"}}
	TestQR       = "depot print test"
)
