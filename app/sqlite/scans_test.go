package sqlite_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"depot/app"
	"depot/app/sqlite"
)

var scanNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// scansFixture: Bolt B-M5 (GTIN 09506000134352) with a case of 12 whose
// barcode is the case GTIN-14 10095060001347, a pack of 6 stored as a
// GTIN-13 and an inner pack of 3 whose EAN-8 00950602 is stored as a
// GTIN-14; bins A-1 and 96385074 (digits with a valid check digit); lot
// LOT42 of B-M5 (expires 2026-12-31) put on hold.
func scansFixture(t *testing.T) *sqlite.DB {
	t.Helper()
	ctx := context.Background()
	db := MustOpen(t, sqlite.Options{})
	if _, err := db.CreateProduct(ctx, app.NewProduct{Name: "Bolt M5", Variants: []app.NewVariant{{SKU: "B-M5", GTIN: "09506000134352", TrackLots: true,
		Packagings: []app.Packaging{{Name: "case", Qty: 12, Barcode: "10095060001347"}, {Name: "pack", Qty: 6, Barcode: "9506000134369"},
			{Name: "inner", Qty: 3, Barcode: "00000000950602"}}}}}); err != nil {
		t.Fatal(err)
	}
	MustProduct(t, db, "Nut M5", false, "N-M5")
	MustLocations(t, db, "A-1", "96385074")
	MustPost(t, db, app.Receive, app.MovementLine{SKU: "B-M5", Qty: 5, To: "A-1", Lot: &app.LotRef{Code: "LOT42", ExpiresOn: "2026-12-31"}})
	lots, err := db.Lots(ctx, app.LotFilter{})
	if err != nil || len(lots) != 1 {
		t.Fatalf("lots %v, %v", lots, err)
	}
	if _, err := db.ChangeLotStatus(ctx, app.LotStatusChange{LotID: lots[0].ID, Action: app.LotActionHold, Reason: "QA"}); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestResolveScan(t *testing.T) {
	db := scansFixture(t)
	bolt := &app.ScanVariant{SKU: "B-M5", Name: "Bolt M5"}
	tests := []struct {
		name string
		code string
		want app.ScanMatch // Scan is not compared
	}{
		{"SKU", "B-M5", app.ScanMatch{Kind: app.CodeVariant, Variant: bolt, Qty: 1}},
		{"EAN13", "]E09506000134352", app.ScanMatch{Kind: app.CodeVariant, Variant: bolt, Qty: 1}},
		{"CaseBarcode", "10095060001347", app.ScanMatch{Kind: app.CodePackaging, Variant: bolt, Packaging: &app.ScanPackaging{Name: "case", Qty: 12}, Qty: 12}},
		{"Location", "]C0A-1", app.ScanMatch{Kind: app.CodeLocation, Location: "A-1"}},
		{"NumericBinWithACheckDigit", "96385074", app.ScanMatch{Kind: app.CodeLocation, Location: "96385074"}},
		{"EANOfACaseStoredAsGTIN14", "]E4" + "00950602", app.ScanMatch{Kind: app.CodePackaging, Variant: bolt, Packaging: &app.ScanPackaging{Name: "inner", Qty: 3}, Qty: 3}},
		{"LotCode", "LOT42", app.ScanMatch{Kind: app.CodeLot, Variant: bolt, Lot: "LOT42", LotKnown: true, LotStatus: app.LotHold, LotExpiresOn: "2026-12-31"}},
		{"GS1KnownLot", "]d2\x1d01095060001343521726123110LOT42", app.ScanMatch{Kind: app.CodeVariant, Variant: bolt, Qty: 1,
			Lot: "LOT42", LotKnown: true, LotStatus: app.LotHold, LotExpiresOn: "2026-12-31"}},
		{"GS1NewLot", "(01)09506000134352(17)270630(10)LOT43", app.ScanMatch{Kind: app.CodeVariant, Variant: bolt, Qty: 1, Lot: "LOT43"}},
		{"GS1CaseGTIN14", "]C10110095060001347", app.ScanMatch{Kind: app.CodePackaging, Variant: bolt, Packaging: &app.ScanPackaging{Name: "case", Qty: 12}, Qty: 12}},
		{"GS1PackStoredAsGTIN13", "(01)09506000134369", app.ScanMatch{Kind: app.CodePackaging, Variant: bolt, Packaging: &app.ScanPackaging{Name: "pack", Qty: 6}, Qty: 6}},
		{"ContentAndCount", "]C10209506000134352" + "3710", app.ScanMatch{Kind: app.CodeVariant, Variant: bolt, Qty: 10}},
		{"CountOfCases", "(01)10095060001347(37)3", app.ScanMatch{Kind: app.CodePackaging, Variant: bolt, Packaging: &app.ScanPackaging{Name: "case", Qty: 12}, Qty: 36}},
		{"SSCC", "]C100106141412345678908", app.ScanMatch{Kind: app.CodeShippingUnit}},
		{"GS1LotAlone", "]C110LOT42", app.ScanMatch{Kind: app.CodeLot, Variant: bolt, Lot: "LOT42", LotKnown: true, LotStatus: app.LotHold, LotExpiresOn: "2026-12-31"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := app.ParseScan(tt.code, scanNow)
			if err != nil {
				t.Fatal(err)
			}
			m, err := db.ResolveScan(context.Background(), s)
			if err != nil {
				t.Fatalf("ResolveScan(%q): %v", tt.code, err)
			}
			if d := cmp.Diff(s, m.Scan); d != "" {
				t.Errorf("the match does not carry the scan: %s", d)
			}
			m.Scan = app.Scan{}
			if d := cmp.Diff(&tt.want, m); d != "" {
				t.Errorf("ResolveScan(%q) (-want +got):\n%s", tt.code, d)
			}
		})
	}
}

func TestResolveScanNotFound(t *testing.T) {
	db := scansFixture(t)
	for _, tt := range []struct{ name, code, msg string }{
		{"UnknownCode", "NOPE-1", `"NOPE-1" is not a SKU, GTIN, case barcode, location or lot`},
		{"UnknownGTIN", "(01)04006381333931(10)X", `the GTIN of (01)04006381333931(10)X is not the GTIN of a variant or the barcode of a case in depot`},
		{"UnknownEAN", "]E04006381333931", `"4006381333931" is not a SKU, GTIN, case barcode, location or lot`},
		{"UnknownLotAlone", "(10)ZZZ", `the GS1 barcode (10)ZZZ has no GTIN (01), and lot "ZZZ" is not in depot`},
		{"GS1WithoutIdentity", "(3103)001250", `the GS1 barcode (3103)001250 has no GTIN (01/02), SSCC (00) or lot (10): it names nothing depot keeps`},
		{"MalformedIsInvalid", "(01)09506000134353", ""},
		{"GTINThatIsABinCode", "(10)A-1", `the GS1 barcode (10)A-1 has no GTIN (01), and lot "A-1" is not in depot`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m, err := app.ResolveScanCode(context.Background(), db, tt.code, scanNow)
			if tt.msg == "" { // ParseScan refuses it before any lookup
				if app.ErrorCode(err) != app.EINVALID || app.ErrorField(err) != "code" || m != nil {
					t.Errorf("ResolveScanCode(%q) = %+v, %v; want invalid on code", tt.code, m, err)
				}
				return
			}
			if app.ErrorCode(err) != app.ENOTFOUND || app.ErrorField(err) != "code" || app.ErrorMessage(err) != tt.msg {
				t.Errorf("ResolveScan(%q) = %+v, %v\nwant not_found on code: %s", tt.code, m, err, tt.msg)
			}
		})
	}
}

func BenchmarkResolveScan(b *testing.B) {
	ctx := context.Background()
	db := MustOpen(b, sqlite.Options{})
	if _, err := db.CreateProduct(ctx, app.NewProduct{Name: "Bolt M5", Variants: []app.NewVariant{{SKU: "B-M5", GTIN: "09506000134352", TrackLots: true}}}); err != nil {
		b.Fatal(err)
	}
	MustLocations(b, db, "A-1")
	MustPost(b, db, app.Receive, app.MovementLine{SKU: "B-M5", Qty: 5, To: "A-1", Lot: &app.LotRef{Code: "LOT42"}})
	for _, code := range []string{"B-M5", "]d2\x1d01095060001343521726123110LOT42", "A-1"} {
		s, err := app.ParseScan(code, scanNow)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(code[:3], func(b *testing.B) {
			for b.Loop() {
				if _, err := db.ResolveScan(ctx, s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
