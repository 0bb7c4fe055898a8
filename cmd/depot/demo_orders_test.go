package main

import (
	"context"
	"io"
	"path/filepath"
	"testing"

	"depot/app"
	"depot/app/sqlite"
)

// TestDemoOrders: the demo has customers, open orders and released ones
// whose stock is reserved, and verify agrees with the reservations.
func TestDemoOrders(t *testing.T) {
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
	counts, err := db.OrderCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts[app.OrderReleased] != 3 || counts[app.OrderOpen] != int64(len(demoOrderLines)-3) {
		t.Fatalf("demo orders per status: %v", counts)
	}
	o, err := db.Order(ctx, "SO-1002")
	if err != nil {
		t.Fatal(err)
	}
	if o.Customer != "DELI" || len(o.Allocations) == 0 || o.Allocations[0].Lot == "" {
		t.Errorf("SO-1002: customer %s, allocations %+v; want DELI with lots allocated", o.Customer, o.Allocations)
	}
	rep, err := db.Verify(ctx)
	if err != nil || len(rep.Problems) > 0 {
		t.Fatalf("verify: %v %v", rep.Problems, err)
	}
}
