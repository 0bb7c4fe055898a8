package main

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"depot/app"
	"depot/app/packcheck"
	"depot/app/sqlite"
)

func TestDemoPacking(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "depot.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.CreateProduct(ctx, app.NewProduct{Name: "Cheddar", Variants: []app.NewVariant{
		{SKU: "CHD-200G", UnitWeightMg: 200_000}, {SKU: "CHD-400G", UnitWeightMg: 400_000}, {SKU: "CHD-1K", UnitWeightMg: 1_000_000}}}); err != nil {
		t.Fatal(err)
	}
	if err := demoPacking(ctx, db); err != nil {
		t.Fatal(err)
	}
	boxes, err := db.Boxes(ctx, false)
	if err != nil || len(boxes) != len(demoBoxes) {
		t.Fatalf("boxes: %+v %v", boxes, err)
	}
	for _, b := range boxes {
		if b.TareMg <= 0 {
			t.Errorf("box %s has no tare", b.Code)
		}
	}
	if tol, err := db.PackTolerance(ctx); err != nil || tol != packcheck.DefaultTolerance {
		t.Errorf("tolerance %+v %v", tol, err)
	}
	if from, err := db.ShipFrom(ctx); err != nil || !reflect.DeepEqual(from, []string{"depot demo warehouse", "1 Harbour Road", "Springfield"}) {
		t.Errorf("ship from %q %v", from, err)
	}
	// Saving boxes by code and settings by key: a second run changes nothing.
	if err := demoPacking(ctx, db); err != nil {
		t.Errorf("a second run: %v", err)
	}
	if again, _ := db.Boxes(ctx, true); len(again) != len(demoBoxes) {
		t.Errorf("boxes after a second run: %d", len(again))
	}
}
