package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"depot/app"
	"depot/app/sqlite"
)

// TestUpgradeFillsSearchAndTotals: a version 2 database with a catalog,
// places, lots and levels, upgraded to 3, finds its rows by search and has
// the totals per place its levels add up to.
func TestUpgradeFillsSearchAndTotals(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v2.db")
	copyFile(t, filepath.Join(fixtureDir, "v2.db"), path)
	raw := mustRaw(t, path)
	for _, q := range []string{
		`INSERT INTO products (id, name, created_at) VALUES (1, 'Walnut Shelf', 0), (2, 'Old Thing', 0)`,
		`INSERT INTO variants (id, product_id, sku, gtin, attributes, track_lots, created_at) VALUES
			(1, 1, 'WS-OAK', '04006381333931', '{"finish":"matte"}', 1, 0), (2, 2, 'OLD-1', NULL, '{}', 0, 0)`,
		`UPDATE products SET archived = 1 WHERE id = 2`,
		`INSERT INTO packagings (variant_id, name, qty, barcode) VALUES (1, 'case', 6, 'WSC-6')`,
		`INSERT INTO locations (id, code, name, kind, parent_id, created_at) VALUES
			(100, 'WH', 'Main', 'site', NULL, 0), (101, 'Z', 'Zone', 'zone', 100, 0),
			(102, 'Z-01', '', 'bin', 101, 0), (103, 'Z-02', '', 'bin', 101, 0)`,
		`INSERT INTO lots (id, variant_id, code, status, created_at) VALUES (1, 1, 'LOT-77', 'available', 0)`,
		`INSERT INTO inventory_levels (variant_id, location_id, lot_id, physical, on_hand, reserved) VALUES
			(1, 102, 1, 1, 30, 2), (1, 103, 1, 1, 12, 0), (1, 1, 1, 0, -42, 0)`,
	} {
		mustExec(t, raw, q)
	}
	raw.Close()
	if v := userVersion(t, path); v != 2 {
		t.Fatalf("fixture is version %d", v)
	}
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for q, want := range map[string]string{
		"walnut": "variant WS-OAK", "matt": "variant WS-OAK", "WSC": "variant WS-OAK", "400638": "variant WS-OAK",
		"z-0": "location Z-01 Z-02", "LOT-7": "lot LOT-77", "old": "", "vendor": "",
	} {
		res, err := db.Search(ctx, q, 10)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		for _, h := range res.Variants {
			got += " variant " + h.SKU
		}
		if len(res.Locations) > 0 {
			got += " location"
			for _, h := range res.Locations {
				got += " " + h.Code
			}
		}
		for _, h := range res.Lots {
			got += " lot " + h.Code
		}
		if got != "" {
			got = got[1:]
		}
		if got != want {
			t.Errorf("after upgrade, search %q finds %q, want %q", q, got, want)
		}
	}
	n, err := db.Place(ctx, "WH")
	if err != nil || n.OnHand != 42 || n.Reserved != 2 || n.Levels != 2 {
		t.Errorf("WH after upgrade = %+v, %v; want 42 on hand, 2 reserved, 2 levels", n, err)
	}
	// And they keep up with new movements.
	if _, _, err := db.PostMovement(ctx, app.PostMovement{Kind: app.Move, IdempotencyKey: "u3", Lines: []app.MovementLine{
		{SKU: "WS-OAK", Qty: 5, From: "Z-01", To: "Z-02", Lot: &app.LotRef{Code: "LOT-77"}}}}); err != nil {
		t.Fatal(err)
	}
	kids, err := db.PlaceChildren(ctx, "Z")
	if err != nil || len(kids) != 2 || kids[0].OnHand != 25 || kids[1].OnHand != 17 {
		t.Errorf("Z's bins after a move = %+v, %v", kids, err)
	}
}
