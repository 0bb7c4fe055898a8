package main

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"depot/app"
	"depot/app/putaway"
	"depot/app/sqlite"
)

// TestDemoPutaway checks that the demo's chilled milk waiting on the dock is
// suggested chilled bins only, and that the bins have their limits.
func TestDemoPutaway(t *testing.T) {
	ctx := context.Background()
	sqlite.BcryptCost = 4
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "depot.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := seedDemo(ctx, db, io.Discard); err != nil {
		t.Fatal(err)
	}
	waiting, err := db.PutawayWaiting(ctx, 1000)
	if err != nil || len(waiting) < 100 {
		t.Fatalf("%d levels wait on the dock (%v)", len(waiting), err)
	}
	var milk *putaway.Waiting
	for i := range waiting {
		if waiting[i].SKU == "OAT-1L" {
			milk = &waiting[i]
		}
	}
	if milk == nil || milk.Lot == "" {
		t.Fatalf("no oat milk with a lot waits on the dock: %+v", milk)
	}
	res, err := db.PutawaySuggestions(ctx, putaway.Query{SKU: milk.SKU, Lot: milk.Lot, Qty: milk.Qty, From: milk.Dock})
	if err != nil || len(res.Suggestions) != 3 {
		t.Fatalf("milk: %+v %v", res, err)
	}
	for _, s := range res.Suggestions {
		if !strings.HasPrefix(s.Location, "C") || s.Reasons[0].Text != "chilled zone matches" {
			t.Errorf("chilled milk suggested %s: %+v", s.Location, s.Reasons)
		}
	}
	if res.WrongTemperature != 180 {
		t.Errorf("%d bins in other zones, want the 180 ambient ones", res.WrongTemperature)
	}
	bin, err := db.Location(ctx, "B1-01")
	if err != nil || app.ParsePlaceAttributes(bin.Attributes).MaxWeightMg != 1_500_000_000 {
		t.Errorf("bulk bin B1-01: %s %v", bin.Attributes, err)
	}
}
