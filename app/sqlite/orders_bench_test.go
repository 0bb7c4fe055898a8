package sqlite_test

import (
	"context"
	"fmt"
	"testing"

	"depot/app/sqlite"
)

// BenchmarkReleaseOrders releases batches of 1,000 synthetic orders of 3
// lines through ReleaseOrders on the benchmark warehouse (DEPOT_BENCH_DB
// for the top scale). Entering the orders, and cancelling them afterwards
// so the stock is there for the next batch, is not timed. lines/s is the
// figure to compare with the 15,000 lines in 10 s.
func BenchmarkReleaseOrders(b *testing.B) {
	const orders, lines = 1000, 3
	ctx := context.Background()
	db, err := sqlite.Open(ctx, benchPath(b), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var released int
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		numbers, err := db.SynthOrders(ctx, sqlite.SynthOrderOptions{Orders: orders, Lines: lines,
			Prefix: fmt.Sprintf("B%d-%d", benchRun, i), Seed: uint64(i + 1)})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for _, out := range db.ReleaseOrders(ctx, numbers) {
			if out.Err != nil {
				b.Fatalf("%s: %v", out.Number, out.Err)
			}
		}
		b.StopTimer()
		released += len(numbers)
		for _, n := range numbers {
			if _, err := db.CancelOrder(ctx, n); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(released*lines)/b.Elapsed().Seconds(), "lines/s")
}
