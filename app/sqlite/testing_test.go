package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"

	"depot/app"
	"depot/app/sqlite"
)

// MustOpen opens a fresh database file in a temp dir through the real
// migrations, and closes it when the test ends.
func MustOpen(tb testing.TB, opt sqlite.Options) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "depot.db"), opt)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// MustProduct creates a product with one variant per SKU.
func MustProduct(tb testing.TB, db *sqlite.DB, name string, lots bool, skus ...string) {
	tb.Helper()
	p := app.NewProduct{Name: name}
	for _, s := range skus {
		p.Variants = append(p.Variants, app.NewVariant{SKU: s, TrackLots: lots, UnitWeightMg: 1000})
	}
	if _, err := db.CreateProduct(context.Background(), p); err != nil {
		tb.Fatal(err)
	}
}

// MustLocations creates a site WH with the given bins under it.
func MustLocations(tb testing.TB, db *sqlite.DB, bins ...string) {
	tb.Helper()
	ctx := context.Background()
	if _, err := db.CreateLocation(ctx, app.NewLocation{Code: "WH", Kind: app.KindSite}); err != nil {
		tb.Fatal(err)
	}
	for i, b := range bins {
		if _, err := db.CreateLocation(ctx, app.NewLocation{Code: b, Kind: app.KindBin, Parent: "WH", WalkSeq: int64(i)}); err != nil {
			tb.Fatal(err)
		}
	}
}

var keySeq atomic.Int64

// MustPost posts a movement with a fresh idempotency key.
func MustPost(tb testing.TB, db *sqlite.DB, kind app.MovementKind, lines ...app.MovementLine) *app.Movement {
	tb.Helper()
	m, err := Post(db, kind, lines...)
	if err != nil {
		tb.Fatalf("post %s: %v", kind, err)
	}
	return m
}

// Post posts a movement with a fresh idempotency key.
func Post(db *sqlite.DB, kind app.MovementKind, lines ...app.MovementLine) (*app.Movement, error) {
	cmd := app.PostMovement{Kind: kind, IdempotencyKey: fmt.Sprintf("test-%d", keySeq.Add(1)), Lines: lines}
	if kind == app.Adjust {
		cmd.Reason = "correction"
	}
	m, _, err := db.PostMovement(context.Background(), cmd)
	return m, err
}

// OnHand returns the on-hand of the SKU at the location (all lots).
func OnHand(tb testing.TB, db *sqlite.DB, sku, loc string) int64 {
	tb.Helper()
	levels, err := db.Stock(context.Background(), app.StockFilter{SKU: sku, Location: loc})
	if err != nil {
		tb.Fatal(err)
	}
	var n int64
	for _, l := range levels {
		n += l.OnHand
	}
	return n
}
