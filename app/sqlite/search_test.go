package sqlite_test

import (
	"context"
	"encoding/json"
	"testing"

	"depot/app"
	"depot/app/sqlite"
)

// searchFixture is a small catalog: two products with attributes, a GTIN
// and a case barcode, a site with a zone and bins, and lots.
func searchFixture(t *testing.T) *sqlite.DB {
	t.Helper()
	db := MustOpen(t, sqlite.Options{})
	ctx := context.Background()
	_, err := db.CreateProduct(ctx, app.NewProduct{Name: "Cedar Bracket", Variants: []app.NewVariant{
		{SKU: "CB-RED", GTIN: "4006381333931", Attributes: json.RawMessage(`{"colour":"crimson","size":"L"}`),
			Packagings: []app.Packaging{{Name: "case", Qty: 12, Barcode: "CASE-CB-RED-12"}}},
		{SKU: "CB-BLU", Attributes: json.RawMessage(`{"colour":"navy"}`), TrackLots: true},
	}})
	if err != nil {
		t.Fatal(err)
	}
	MustProduct(t, db, "Pine Washer", true, "PW-1")
	MustLocations(t, db, "A-01-001", "A-01-002", "B-07-001")
	MustPost(t, db, app.Receive, app.MovementLine{SKU: "CB-BLU", Qty: 5, To: "A-01-001", Lot: &app.LotRef{Code: "L2411-07"}})
	MustPost(t, db, app.Receive, app.MovementLine{SKU: "PW-1", Qty: 3, To: "A-01-002", Lot: &app.LotRef{Code: "L2411-08"}})
	MustPost(t, db, app.Receive, app.MovementLine{SKU: "PW-1", Qty: 2, To: "A-01-002", Lot: &app.LotRef{Code: "SHARED"}})
	MustPost(t, db, app.Receive, app.MovementLine{SKU: "CB-BLU", Qty: 2, To: "A-01-002", Lot: &app.LotRef{Code: "SHARED"}})
	return db
}

func TestSearch(t *testing.T) {
	db := searchFixture(t)
	type want struct {
		variants, locations, lots []string
		exact                     string // kind:key
	}
	for _, tc := range []struct {
		name, q string
		want    want
	}{
		{"PartialName", "ceda", want{variants: []string{"CB-BLU", "CB-RED"}}},
		{"TwoWordPrefixes", "cedar bra", want{variants: []string{"CB-BLU", "CB-RED"}}},
		{"NameAndSize", "pine wash", want{variants: []string{"PW-1"}}},
		{"AttributeValue", "crims", want{variants: []string{"CB-RED"}}},
		{"SKUPrefix", "cb-r", want{variants: []string{"CB-RED"}}},
		{"ExactSKUAnyCase", "cb-red", want{variants: []string{"CB-RED"}, exact: "variant:CB-RED"}},
		{"GTIN13Prefix", "400638133", want{variants: []string{"CB-RED"}}},
		{"ExactGTIN", "4006381333931", want{variants: []string{"CB-RED"}, exact: "variant:CB-RED"}},
		{"ExactCaseBarcode", "CASE-CB-RED-12", want{variants: []string{"CB-RED"}, exact: "variant:CB-RED"}},
		{"BinPrefix", "A-01-00", want{locations: []string{"A-01-001", "A-01-002"}}},
		{"ExactBin", "b-07-001", want{locations: []string{"B-07-001"}, exact: "location:B-07-001"}},
		{"LotPrefix", "L2411", want{lots: []string{"L2411-07", "L2411-08"}}},
		{"ExactLot", "L2411-08", want{lots: []string{"L2411-08"}, exact: "lot:L2411-08"}},
		{"LotCodeOfTwoVariantsIsAList", "SHARED", want{lots: []string{"SHARED", "SHARED"}}},
		{"Nothing", "zzzz", want{}},
		{"Punctuation", `"*-`, want{}},
		{"QuoteIsASeparator", `ced"ar`, want{variants: []string{"CB-BLU", "CB-RED"}}},
		{"CodeWithoutSeparators", "a01", want{locations: []string{"A-01-001", "A-01-002"}}},
		{"CodeMiddlePart", "01-002", want{locations: []string{"A-01-002"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := db.Search(context.Background(), tc.q, 20)
			if err != nil {
				t.Fatal(err)
			}
			var got want
			for _, h := range res.Variants {
				got.variants = append(got.variants, h.SKU)
			}
			for _, h := range res.Locations {
				got.locations = append(got.locations, h.Code)
			}
			for _, h := range res.Lots {
				got.lots = append(got.lots, h.Code)
			}
			if res.Exact != nil {
				got.exact = res.Exact.Kind + ":" + res.Exact.Key
			}
			if !sameSet(got.variants, tc.want.variants) || !sameSet(got.locations, tc.want.locations) ||
				!sameSet(got.lots, tc.want.lots) || got.exact != tc.want.exact {
				t.Errorf("Search(%q) = %+v, want %+v", tc.q, got, tc.want)
			}
		})
	}
}

// TestSearchIndexFollowsRows: renames, archiving and new packagings change
// what is found, in the same transaction as the rows.
func TestSearchIndexFollowsRows(t *testing.T) {
	db := searchFixture(t)
	ctx := context.Background()
	raw := mustRaw(t, db.Path)
	found := func(q string) []string {
		t.Helper()
		res, err := db.Search(ctx, q, 20)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, h := range res.Variants {
			out = append(out, h.SKU)
		}
		for _, h := range res.Locations {
			out = append(out, h.Code)
		}
		for _, h := range res.Lots {
			out = append(out, h.Code)
		}
		return out
	}
	mustExec(t, raw, `UPDATE products SET name = 'Oak Hinge' WHERE name = 'Pine Washer'`)
	if got := found("oak"); !sameSet(got, []string{"PW-1"}) {
		t.Errorf("after product rename, oak finds %v", got)
	}
	if got := found("pine"); len(got) != 0 {
		t.Errorf("after product rename, pine still finds %v", got)
	}
	mustExec(t, raw, `UPDATE variants SET archived = 1 WHERE sku = 'CB-BLU'`)
	if got := found("cedar"); !sameSet(got, []string{"CB-RED"}) {
		t.Errorf("after archiving CB-BLU, cedar finds %v", got)
	}
	mustExec(t, raw, `INSERT INTO packagings (variant_id, name, qty, barcode) SELECT id, 'pallet', 480, 'PAL-777' FROM variants WHERE sku = 'PW-1'`)
	if got := found("PAL-7"); !sameSet(got, []string{"PW-1"}) {
		t.Errorf("new packaging barcode finds %v", got)
	}
	if _, err := db.UpdatePlace(ctx, "B-07-001", app.PlaceUpdate{Code: "C-01-001", Parent: "WH"}); err != nil {
		t.Fatal(err)
	}
	if got := found("C-01"); !sameSet(got, []string{"C-01-001"}) {
		t.Errorf("renamed bin: C-01 finds %v", got)
	}
	if got := found("B-07"); len(got) != 0 {
		t.Errorf("renamed bin: old code still finds %v", got)
	}
	if err := db.ArchivePlace(ctx, "C-01-001"); err != nil {
		t.Fatal(err)
	}
	if got := found("C-01"); len(got) != 0 {
		t.Errorf("archived bin still found: %v", got)
	}
	if _, err := raw.Exec(`INSERT INTO search_index (search_index, rank) VALUES ('integrity-check', 0)`); err != nil {
		t.Errorf("FTS5 integrity check: %v", err)
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	count := map[string]int{}
	for _, s := range a {
		count[s]++
	}
	for _, s := range b {
		count[s]--
	}
	for _, n := range count {
		if n != 0 {
			return false
		}
	}
	return true
}
