package sqlite_test

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"testing"
	"time"

	"depot/app"
	"depot/app/sqlite"
)

// searchQueries are what people type, taken from the warehouse: the first
// 1, 2, 3 and 5 letters of a product name, a name and part of the next
// word, the start of a SKU, a bin and a lot, and whole codes (a scan).
func searchQueries(b *testing.B, path string) []string {
	b.Helper()
	raw, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	var qs []string
	add := func(query string, f func(s string) []string) {
		rows, err := raw.Query(query)
		if err != nil {
			b.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var s string
			rows.Scan(&s)
			qs = append(qs, f(s)...)
		}
	}
	prefixes := func(s string) []string {
		var out []string
		for _, n := range []int{1, 2, 3, 5} {
			out = append(out, s[:min(n, len(s))])
		}
		if i := strings.IndexByte(s, ' '); i > 0 && i+3 <= len(s) {
			out = append(out, s[:i+3])
		}
		return append(out, s)
	}
	add(`SELECT name FROM products ORDER BY random() LIMIT 20`, prefixes)
	add(`SELECT sku FROM variants ORDER BY random() LIMIT 20`, prefixes)
	add(`SELECT code FROM locations WHERE kind = 'bin' ORDER BY random() LIMIT 10`, prefixes)
	add(`SELECT code FROM lots ORDER BY random() LIMIT 10`, prefixes)
	return qs
}

// BenchmarkSearch runs the search of the stock page over a mix of typed
// prefixes and scanned codes and reports the median and 95th percentile
// of one search. DEPOT_BENCH_DB=/path/to/top-scale.db measures at the
// seed's top scale.
func BenchmarkSearch(b *testing.B) {
	path := benchPath(b)
	qs := searchQueries(b, path)
	db, err := sqlite.Open(context.Background(), path, sqlite.Options{NoCheckpoint: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	times := make([]time.Duration, 0, b.N)
	hits := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		res, err := db.Search(ctx, qs[i%len(qs)], 30)
		times = append(times, time.Since(start))
		if err != nil {
			b.Fatal(err)
		}
		if res.Exact != nil || len(res.Variants)+len(res.Locations)+len(res.Lots) > 0 {
			hits++
		}
	}
	b.StopTimer()
	if hits < b.N*9/10 {
		b.Fatalf("only %d of %d searches found something", hits, b.N)
	}
	reportPercentiles(b, times)
}

// BenchmarkPlaceChildren lists the zones of the biggest site with the
// stock under each: a walk of the tree over location_totals.
func BenchmarkPlaceChildren(b *testing.B) {
	path := benchPath(b)
	db, err := sqlite.Open(context.Background(), path, sqlite.Options{NoCheckpoint: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	top, err := db.PlaceChildren(ctx, "")
	if err != nil || len(top) == 0 {
		b.Fatalf("no sites: %v", err)
	}
	site := slices.MaxFunc(top, func(a, c app.PlaceNode) int { return int(a.OnHand - c.OnHand) })
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		kids, err := db.PlaceChildren(ctx, site.Code)
		times = append(times, time.Since(start))
		if err != nil || len(kids) == 0 {
			b.Fatalf("children of %s: %v, %v", site.Code, kids, err)
		}
	}
	b.StopTimer()
	reportPercentiles(b, times)
}

// BenchmarkLots lists the lots expiring within 30 days, soonest first.
func BenchmarkLots(b *testing.B) {
	path := benchPath(b)
	db, err := sqlite.Open(context.Background(), path, sqlite.Options{NoCheckpoint: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		_, err := db.Lots(ctx, app.LotFilter{ExpiringDays: 30 + i%60, Today: time.Now()})
		times = append(times, time.Since(start))
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	reportPercentiles(b, times)
}

func reportPercentiles(b *testing.B, times []time.Duration) {
	slices.Sort(times)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(times[len(times)/2]), "p50-ms")
	b.ReportMetric(ms(times[len(times)*95/100]), "p95-ms")
}
