package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"depot/app"
	"depot/app/sqlite"
)

func TestSeedPurchasingDemo(t *testing.T) {
	ctx := context.Background()
	sqlite.BcryptCost = 4
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "depot.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := seedDemo(ctx, db, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	po, err := db.PurchaseOrder(ctx, "PO-2001")
	if err != nil || po.Status != app.POSent || po.Dock != "DOCK" || po.ExpectedOn != time.Now().UTC().Format("2006-01-02") {
		t.Fatalf("PO-2001: %+v, %v", po, err)
	}
	lots := false
	for _, l := range po.Lines {
		lots = lots || l.TrackLots
	}
	if !lots || len(po.Lines) != 3 {
		t.Errorf("PO-2001 lines want a lot-tracked one: %+v", po.Lines)
	}
	if n, err := db.OnOrder(ctx, "COF-ESP-250G"); err != nil || n != 48 {
		t.Errorf("on order of COF-ESP-250G: %d %v", n, err)
	}
	if n, err := db.OnOrder(ctx, "MUG-BLK"); err != nil || n != 0 {
		t.Errorf("on order of MUG-BLK (a draft): %d %v", n, err)
	}
	q, err := db.Location(ctx, "QUAR")
	if err != nil || string(q.Attributes) != `{"quarantine":true}` {
		t.Errorf("QUAR: %+v %v", q, err)
	}
	if sups, _ := db.Suppliers(ctx, ""); len(sups) != 3 {
		t.Errorf("suppliers: %+v", sups)
	}
}
