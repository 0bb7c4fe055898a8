package sqlite_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	"depot/app"
	"depot/app/putaway"
	"depot/app/sqlite"
)

// putawayBench opens a synthetic warehouse of 10,000 bins (three ambient
// zones in four, one chilled, each bin with a 500 kg limit), 5,000 SKUs
// and a ledger of 200,000 legs, and returns queries for SKUs that are in
// stock somewhere.
func putawayBench(b *testing.B) (*sqlite.DB, []putaway.Query) {
	b.Helper()
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "putaway.db")
	if _, err := sqlite.BuildSynthetic(ctx, path, sqlite.SynthOptions{SKUs: 5000, Bins: 10_000, Legs: 200_000}); err != nil {
		b.Fatal(err)
	}
	raw, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		b.Fatal(err)
	}
	rs, err := raw.Query(`SELECT v.sku, ifnull(lo.code, '') FROM inventory_levels il JOIN variants v ON v.id = il.variant_id
		LEFT JOIN lots lo ON lo.id = il.lot_id WHERE il.physical = 1 AND il.on_hand > 0 GROUP BY v.id LIMIT 500`)
	if err != nil {
		b.Fatal(err)
	}
	var qs []putaway.Query
	for rs.Next() {
		var q putaway.Query
		if err := rs.Scan(&q.SKU, &q.Lot); err != nil {
			b.Fatal(err)
		}
		q.Qty = int64(1 + len(qs)%24)
		qs = append(qs, q)
	}
	rs.Close()
	raw.Close()
	if len(qs) < 100 {
		b.Fatalf("only %d SKUs in stock", len(qs))
	}
	db, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	// The first suggestion loads the bins.
	res, err := db.PutawaySuggestions(ctx, qs[0])
	if err != nil {
		b.Fatal(err)
	}
	if n := res.Considered + res.WrongTemperature + res.OverWeight + res.OverCapacity; n != 10_000 || len(res.Suggestions) != 3 {
		b.Fatalf("%d bins scored or left out, %d suggestions", n, len(res.Suggestions))
	}
	return db, qs
}

// BenchmarkPutawaySuggest is one suggestion over the 10,000 bins with the
// bins in memory and nothing moved since the last one.
func BenchmarkPutawaySuggest(b *testing.B) {
	db, qs := putawayBench(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := db.PutawaySuggestions(ctx, qs[i%len(qs)]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPutawaySuggestAfterMove is a suggestion after a move of another
// SKU: the moved variant's levels are read again first. The move itself
// is not timed.
func BenchmarkPutawaySuggestAfterMove(b *testing.B) {
	db, qs := putawayBench(b)
	ctx := context.Background()
	pairs, err := db.StockedPairs(ctx, 1000, 2)
	if err != nil || len(pairs) < 10 {
		b.Fatalf("%d pairs: %v", len(pairs), err)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		p := pairs[i/2%len(pairs)]
		if i%2 == 1 {
			p.From, p.To = p.To, p.From
		}
		MustPost(b, db, app.Move, app.MovementLine{SKU: p.SKU, Qty: 1, From: p.From, To: p.To})
		b.StartTimer()
		if _, err := db.PutawaySuggestions(ctx, qs[i%len(qs)]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPutawayReload is a suggestion after a place was edited: the
// whole layout (10,000 bins and their places) is read again; the bins keep
// their contents.
func BenchmarkPutawayReload(b *testing.B) {
	db, qs := putawayBench(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		if _, err := db.SetLocationAttribute(ctx, "DOCK-1", "note", json.RawMessage(fmt.Sprint(i))); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := db.PutawaySuggestions(ctx, qs[i%len(qs)]); err != nil {
			b.Fatal(err)
		}
	}
}
