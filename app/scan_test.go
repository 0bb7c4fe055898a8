package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"depot/app"
	"depot/app/gs1"
)

var scanNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func TestParseScan(t *testing.T) {
	const gs = "\x1d"
	hwEls := []app.GS1Element{{"01", "GTIN", "09506000134352"}, {"17", "USE BY or EXPIRY", "261231"},
		{"3103", "NET WEIGHT (kg)", "001250"}, {"10", "BATCH/LOT", "LOT42"}}
	tests := []struct {
		name string
		in   string
		want app.Scan
	}{
		{"PlainSKU", "  MUG-BLU\r\n", app.Scan{Code: "MUG-BLU", Data: "MUG-BLU"}},
		{"EAN13WithAIM", "]E04006381333931", app.Scan{Code: "]E04006381333931", AIM: "]E0", Symbology: "EAN-13 / UPC-A",
			Data: "4006381333931", GTIN: "04006381333931"}},
		{"EAN8", "]E496385074", app.Scan{Code: "]E496385074", AIM: "]E4", Symbology: "EAN-8", Data: "96385074", GTIN: "00000096385074"}},
		{"PlainGTIN13", "4006381333931", app.Scan{Code: "4006381333931", Data: "4006381333931", GTIN: "04006381333931"}},
		{"DigitsWithBadCheckAreAPlainCode", "4006381333932", app.Scan{Code: "4006381333932", Data: "4006381333932"}},
		{"Code128Location", "]C0A-01-02", app.Scan{Code: "]C0A-01-02", AIM: "]C0", Symbology: "Code 128", Data: "A-01-02"}},
		{"QRURL", "]Q1https://x.test/p", app.Scan{Code: "]Q1https://x.test/p", AIM: "]Q1", Symbology: "QR Code", Data: "https://x.test/p"}},
		// hardware.md §4.3: the GS1-128 as gozxing decodes it.
		{"HardwareGS1128", "]C1010950600013435217261231310300125010LOT42", app.Scan{
			Code: "]C1010950600013435217261231310300125010LOT42", AIM: "]C1", Symbology: "GS1-128",
			Data: "010950600013435217261231310300125010LOT42", GS1: hwEls,
			HRI:  "(01)09506000134352(17)261231(3103)001250(10)LOT42",
			GTIN: "09506000134352", ExpiresOn: "2026-12-31", NetWeightMg: 1_250_000, Lot: "LOT42"}},
		// hardware.md §4.3: the GS1 DataMatrix with gozxing's leading GS.
		{"HardwareDataMatrix", "]d2" + gs + "01095060001343521726123110LOT42" + gs + "21SER001", app.Scan{
			Code: "]d2" + gs + "01095060001343521726123110LOT42" + gs + "21SER001", AIM: "]d2", Symbology: "GS1 DataMatrix",
			Data: gs + "01095060001343521726123110LOT42" + gs + "21SER001",
			GS1: []app.GS1Element{{"01", "GTIN", "09506000134352"}, {"17", "USE BY or EXPIRY", "261231"},
				{"10", "BATCH/LOT", "LOT42"}, {"21", "SERIAL", "SER001"}},
			HRI:  "(01)09506000134352(17)261231(10)LOT42(21)SER001",
			GTIN: "09506000134352", ExpiresOn: "2026-12-31", Lot: "LOT42", Serial: "SER001"}},
		{"HRIForm", "(01)09506000134352(17)261231(3103)001250(10)LOT42", app.Scan{
			Code: "(01)09506000134352(17)261231(3103)001250(10)LOT42", Data: "(01)09506000134352(17)261231(3103)001250(10)LOT42",
			GS1: hwEls, HRI: "(01)09506000134352(17)261231(3103)001250(10)LOT42",
			GTIN: "09506000134352", ExpiresOn: "2026-12-31", NetWeightMg: 1_250_000, Lot: "LOT42"}},
		{"GS1QR", "]Q3011234567890123110ABC", app.Scan{Code: "]Q3011234567890123110ABC", AIM: "]Q3", Symbology: "GS1 QR Code",
			Data: "011234567890123110ABC", GS1: []app.GS1Element{{"01", "GTIN", "12345678901231"}, {"10", "BATCH/LOT", "ABC"}},
			HRI: "(01)12345678901231(10)ABC", GTIN: "12345678901231", Lot: "ABC"}},
		{"GS1WithoutPrefix", "0109506000134352" + "10L1" + gs + "11260200", app.Scan{
			Code: "0109506000134352" + "10L1" + gs + "11260200", Data: "0109506000134352" + "10L1" + gs + "11260200",
			GS1: []app.GS1Element{{"01", "GTIN", "09506000134352"}, {"10", "BATCH/LOT", "L1"}, {"11", "PROD DATE", "260200"}},
			HRI: "(01)09506000134352(10)L1(11)260200", GTIN: "09506000134352", Lot: "L1", ProducedOn: "2026-02-28"}},
		{"GS1128DroppedPrefix", "010950600013435215270100", app.Scan{Code: "010950600013435215270100", Data: "010950600013435215270100",
			GS1:  []app.GS1Element{{"01", "GTIN", "09506000134352"}, {"15", "BEST BEFORE or BEST BY", "270100"}},
			HRI:  "(01)09506000134352(15)270100",
			GTIN: "09506000134352", BestBefore: "2027-01-31"}},
		{"GTINOnlyDroppedPrefix", "0109506000134352", app.Scan{Code: "0109506000134352", Data: "0109506000134352",
			GS1: []app.GS1Element{{"01", "GTIN", "09506000134352"}}, HRI: "(01)09506000134352", GTIN: "09506000134352"}},
		{"SixteenDigitsBadCheckIsPlain", "0109506000134353", app.Scan{Code: "0109506000134353", Data: "0109506000134353"}},
		{"LeadingZeroSKUIsPlain", "01-SHELF-TOP-0000", app.Scan{Code: "01-SHELF-TOP-0000", Data: "01-SHELF-TOP-0000"}},
		// GS1 General Specifications: an SSCC, check digit 8.
		{"SSCC", "]C100106141412345678908", app.Scan{Code: "]C100106141412345678908", AIM: "]C1", Symbology: "GS1-128",
			Data: "00106141412345678908", GS1: []app.GS1Element{{"00", "SSCC", "106141412345678908"}},
			HRI: "(00)106141412345678908", SSCC: "106141412345678908"}},
		// A logistic unit: content (02), count (37), pound weight (3202).
		{"ContentCountPounds", "]C10209521234543213" + "3202000250" + "3712", app.Scan{
			Code: "]C10209521234543213" + "3202000250" + "3712", AIM: "]C1", Symbology: "GS1-128",
			Data: "0209521234543213" + "3202000250" + "3712",
			GS1:  []app.GS1Element{{"02", "CONTENT", "09521234543213"}, {"3202", "NET WEIGHT (lb)", "000250"}, {"37", "COUNT", "12"}},
			HRI:  "(02)09521234543213(3202)000250(37)12",
			GTIN: "09521234543213", Content: true, Count: 12, NetWeightMg: 1_133_981}},
		{"VariableCount30", "(01)09506000134352(30)8", app.Scan{Code: "(01)09506000134352(30)8", Data: "(01)09506000134352(30)8",
			GS1: []app.GS1Element{{"01", "GTIN", "09506000134352"}, {"30", "VAR. COUNT", "8"}}, HRI: "(01)09506000134352(30)8",
			GTIN: "09506000134352", Count: 8}},
		{"Kilograms5Decimals", "(3105)123456", app.Scan{Code: "(3105)123456", Data: "(3105)123456",
			GS1: []app.GS1Element{{"3105", "NET WEIGHT (kg)", "123456"}}, HRI: "(3105)123456", NetWeightMg: 1_234_560}},
		{"Pounds0Decimals", "(3200)000001", app.Scan{Code: "(3200)000001", Data: "(3200)000001",
			GS1: []app.GS1Element{{"3200", "NET WEIGHT (lb)", "000001"}}, HRI: "(3200)000001", NetWeightMg: 453_592}},
		{"GS1DataMatrixGuideline", "]d2" + gs + "0109501101020917" + "17190508" + "10ABCD1234" + gs + "2110", app.Scan{
			Code: "]d2" + gs + "0109501101020917" + "17190508" + "10ABCD1234" + gs + "2110", AIM: "]d2", Symbology: "GS1 DataMatrix",
			Data: gs + "0109501101020917" + "17190508" + "10ABCD1234" + gs + "2110",
			GS1: []app.GS1Element{{"01", "GTIN", "09501101020917"}, {"17", "USE BY or EXPIRY", "190508"},
				{"10", "BATCH/LOT", "ABCD1234"}, {"21", "SERIAL", "10"}},
			HRI:  "(01)09501101020917(17)190508(10)ABCD1234(21)10",
			GTIN: "09501101020917", ExpiresOn: "2019-05-08", Lot: "ABCD1234", Serial: "10"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := app.ParseScan(tt.in, scanNow)
			if err != nil {
				t.Fatalf("ParseScan(%q): %v", tt.in, err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("ParseScan(%q) (-want +got):\n%s", tt.in, d)
			}
			if got.IsGS1() != (tt.want.GS1 != nil) {
				t.Errorf("IsGS1 = %v", got.IsGS1())
			}
		})
	}
}

func TestParseScanErrors(t *testing.T) {
	tests := []struct {
		name, in, msg string
	}{
		{"Empty", " \r\n", "is empty: scan or type a code"},
		{"TooLong", strings.Repeat("A", app.MaxScanLen+1), "is 4097 bytes long; a scan is at most 4096"},
		{"NotUTF8", "SKU\xff", `"SKU\xff" is not valid UTF-8: check the scanner's keyboard settings`},
		{"ControlCharacter", "SKU\x07X", `"SKU\aX" has control character U+0007 at byte 4; only GS (FNC1) may appear in a scan`},
		{"OnlyAIM", "]C1", `"]C1" is only the symbology identifier ]C1; the scan has no data`},
		{"BadGTINCheckDigit", "]C10109506000134353", `GS1 element (01) at position 19: check digit is 3, should be 2 (scan "]C10109506000134353")`},
		{"BadSSCCCheckDigit", "(00)106141412345678907", `GS1 element (00) at position 22: check digit is 7, should be 8 (scan "(00)106141412345678907")`},
		{"UnknownAI", "]C123ABC", `GS1 element string at position 4: unknown application identifier: none starts with "23" (scan "]C123ABC")`},
		{"UnknownAIHRI", "(23)123", `GS1 element string at position 2: unknown application identifier "23" (scan "(23)123")`},
		{"BadMonth", "]d2" + "\x1d" + "0109506000134352" + "17261301", `GS1 element (17) at position 23: month 13 in date 261301 is not 01 to 12 (scan "]d2\x1d010950600013435217261301")`},
		{"BadDay", "(11)260230", `GS1 element (11) at position 5: day 30 in date 260230 does not exist (scan "(11)260230")`},
		{"LotTooLong", "]C110ABCDEFGHIJKLMNOPQRSTU", `GS1 element (10) at position 26: value is 21 characters, at most 20 allowed (a GS separator missing after it?) (scan "]C110ABCDEFGHIJKLMNOPQRSTU")`},
		{"TwoCounts", "(30)5(37)6", `the GS1 barcode (30)5(37)6 gives two counts, 5 and 6`},
		{"TwoWeights", "(3103)001250(3202)000250", `the GS1 barcode (3103)001250(3202)000250 gives two net weights, (3202) differs from the first`},
		{"ParenthesisedSKU", "(BOX)", `GS1 element string at position 2: expected an application identifier (2 to 4 digits), found 'B' (scan "(BOX)")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := app.ParseScan(tt.in, scanNow)
			if err == nil {
				t.Fatalf("ParseScan(%q) = %+v, want an error", tt.in, got)
			}
			if app.ErrorCode(err) != app.EINVALID || app.ErrorField(err) != "code" || app.ErrorMessage(err) != tt.msg {
				t.Errorf("ParseScan(%q) error {%s %s %q}\nwant {invalid code %q}", tt.in, app.ErrorCode(err), app.ErrorField(err), app.ErrorMessage(err), tt.msg)
			}
			if got.GS1 != nil || got.GTIN != "" || got.Lot != "" {
				t.Errorf("fields filled despite the error: %+v", got)
			}
		})
	}
}

// A *gs1.Error reads as invalid input through app's error helpers, though
// gs1 cannot import app.
func TestGS1ErrorIsInvalidInput(t *testing.T) {
	_, err := gs1.Parse("]C10109506000134353")
	if app.ErrorCode(err) != app.EINVALID || app.ErrorMessage(err) != err.Error() {
		t.Errorf("code %q message %q; want invalid and %q", app.ErrorCode(err), app.ErrorMessage(err), err.Error())
	}
}

func TestScanMatchRequireItem(t *testing.T) {
	for _, tt := range []struct {
		m    app.ScanMatch
		want string
	}{
		{app.ScanMatch{Kind: app.CodeVariant}, ""},
		{app.ScanMatch{Kind: app.CodePackaging}, ""},
		{app.ScanMatch{Kind: app.CodeLocation, Location: "A-1"}, "A-1 is a location, not an item: scan the item here"},
		{app.ScanMatch{Kind: app.CodeLot, Lot: "L1", Variant: &app.ScanVariant{SKU: "PW-1"}}, "L1 is a lot of PW-1: scan the item, then the lot"},
		{app.ScanMatch{Kind: app.CodeShippingUnit, Scan: app.Scan{SSCC: "106141412345678908"}}, "SSCC 106141412345678908 is a shipping unit, not an item: scan the item's own barcode"},
	} {
		err := tt.m.RequireItem("item")
		if tt.want == "" {
			if err != nil || !tt.m.IsItem() {
				t.Errorf("%s: %v", tt.m.Kind, err)
			}
			continue
		}
		if app.ErrorMessage(err) != tt.want || app.ErrorField(err) != "item" || tt.m.IsItem() {
			t.Errorf("%s: %v, want %q on item", tt.m.Kind, err, tt.want)
		}
	}
	err := app.OnField(app.NotFoundScan("X-9"), "lines[2].code")
	if app.ErrorField(err) != "lines[2].code" || app.ErrorCode(err) != app.ENOTFOUND || app.ErrorMessage(err) != `"X-9" is not a SKU, GTIN, case barcode, location or lot` {
		t.Errorf("OnField: %v", err)
	}
	if other := app.FieldErrorf("qty", "x"); app.OnField(other, "item") != error(other) {
		t.Error("OnField changed an error about another field")
	}
}

func FuzzParseScan(f *testing.F) {
	for _, s := range []string{
		"MUG-BLU", "]E04006381333931", "]C1010950600013435217261231310300125010LOT42",
		"]d2\x1d01095060001343521726123110LOT42\x1d21SER001", "(01)09506000134352(17)261200(10)A",
		"]C10209521234543213320200025037", "(00)106141412345678908", "]Q3", "]C4X", "010950600013435299", "(30)5(37)6",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, err := app.ParseScan(in, scanNow)
		if err != nil {
			if app.ErrorCode(err) != app.EINVALID || app.ErrorField(err) != "code" {
				t.Fatalf("ParseScan(%q): %v is not invalid input on code", in, err)
			}
			return
		}
		if s.Code == "" || s.Data == "" || s.Code != strings.TrimSpace(in) || !strings.HasSuffix(s.Code, s.Data) {
			t.Fatalf("ParseScan(%q) = code %q data %q", in, s.Code, s.Data)
		}
		if s.GS1 == nil {
			if s.HRI != "" || s.Lot != "" || s.SSCC != "" || s.Count != 0 || s.NetWeightMg != 0 {
				t.Fatalf("ParseScan(%q): GS1 fields without a GS1 element string: %+v", in, s)
			}
			if s.GTIN != "" {
				if _, err := app.NormalizeGTIN(s.GTIN); err != nil || len(s.GTIN) != 14 {
					t.Fatalf("ParseScan(%q): GTIN %q: %v", in, s.GTIN, err)
				}
			}
			return
		}
		// A GS1 scan reads back the same from its human-readable form.
		again, err := app.ParseScan(s.HRI, scanNow)
		if err != nil {
			t.Fatalf("ParseScan(%q) gave HRI %q, which does not parse: %v", in, s.HRI, err)
		}
		if d := cmp.Diff(s.GS1, again.GS1); d != "" || again.GTIN != s.GTIN || again.Lot != s.Lot ||
			again.ExpiresOn != s.ExpiresOn || again.NetWeightMg != s.NetWeightMg || again.Count != s.Count || again.SSCC != s.SSCC {
			t.Fatalf("ParseScan(%q) and its HRI %q differ: %+v vs %+v %s", in, s.HRI, s, again, d)
		}
		if s.NetWeightMg < 0 || s.Count < 0 {
			t.Fatalf("ParseScan(%q): negative weight or count %+v", in, s)
		}
	})
}

func BenchmarkParseScan(b *testing.B) {
	for _, in := range []string{"MUG-BLU", "]d2\x1d01095060001343521726123110LOT42\x1d21SER001"} {
		b.Run(in[:3], func(b *testing.B) {
			for b.Loop() {
				if _, err := app.ParseScan(in, scanNow); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
