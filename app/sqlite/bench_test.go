package sqlite_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"depot/app"
	"depot/app/sqlite"
)

// benchPath returns a synthetic warehouse for benchmarks: the file named by
// DEPOT_BENCH_DB (built at top scale when missing; postings are added to it),
// else a small one built in a temp dir.
func benchPath(b *testing.B) string {
	b.Helper()
	ctx := context.Background()
	path := os.Getenv("DEPOT_BENCH_DB")
	size := sqlite.SynthOptions{}
	if path == "" {
		path = filepath.Join(b.TempDir(), "bench.db")
		size = sqlite.SynthOptions{SKUs: 2000, Bins: 100, Legs: 200_000}
	}
	if empty, err := sqlite.IsEmpty(ctx, path); err != nil {
		b.Fatal(err)
	} else if empty {
		if _, err := sqlite.BuildSynthetic(ctx, path, size); err != nil {
			b.Fatal(err)
		}
	}
	return path
}

// openBench opens the benchmark database with pairs to move stock between.
// The caller closes it before another handle opens the file: one writer
// per file.
func openBench(b *testing.B, path string, opt sqlite.Options) (*sqlite.DB, []sqlite.StockedPair) {
	b.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path, opt)
	if err != nil {
		b.Fatal(err)
	}
	pairs, err := db.StockedPairs(ctx, 10_000, 50)
	if err != nil {
		b.Fatal(err)
	}
	if len(pairs) < 100 {
		b.Fatalf("only %d stocked pairs", len(pairs))
	}
	return db, pairs
}

var (
	benchRun = time.Now().UnixNano()
	benchKey atomic.Int64 // keys are unique across every run of a benchmark
)

// postMoves posts moves of one unit between stocked pairs until pb says
// stop, counting conflicts (a bin ran short) apart from failures.
func postMoves(b *testing.B, db *sqlite.DB, pairs []sqlite.StockedPair, client int64, next func() bool, conflicts *atomic.Int64) {
	rng := rand.New(rand.NewPCG(uint64(client), uint64(benchRun)))
	ctx := context.Background()
	for next() {
		p := pairs[rng.IntN(len(pairs))]
		from, to := p.From, p.To
		if rng.IntN(2) == 0 {
			from, to = to, from
		}
		_, _, err := db.PostMovement(ctx, app.PostMovement{Kind: app.Move,
			IdempotencyKey: fmt.Sprintf("bench-%d-%d", benchRun, benchKey.Add(1)),
			Lines:          []app.MovementLine{{SKU: p.SKU, Qty: 1, From: from, To: to}}})
		if app.ErrorCode(err) == app.ECONFLICT {
			conflicts.Add(1)
		} else if err != nil {
			b.Error(err)
			return
		}
	}
}

// BenchmarkPostMove measures durable postings (synchronous=FULL) through
// the group-committing writer with 1, 8 and 64 clients, and with group
// commit off (one transaction per posting) as the baseline.
func BenchmarkPostMove(b *testing.B) {
	path := benchPath(b)
	for _, tc := range []struct {
		name     string
		clients  int
		maxBatch int
	}{
		{"clients=1", 1, 0}, {"clients=8", 8, 0}, {"clients=64", 64, 0}, {"clients=64/nogroup", 64, 1},
	} {
		db, pairs := openBench(b, path, sqlite.Options{MaxBatch: tc.maxBatch})
		b.Run(tc.name, func(b *testing.B) {
			var conflicts atomic.Int64
			var clientSeq atomic.Int64
			before := db.WriterStats()
			cpu0, w0 := cpuTime(), bytesWritten()
			b.ResetTimer()
			if tc.clients == 1 {
				i := 0
				postMoves(b, db, pairs, 0, func() bool { i++; return i <= b.N }, &conflicts)
			} else {
				b.SetParallelism((tc.clients + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
				b.RunParallel(func(pb *testing.PB) {
					postMoves(b, db, pairs, clientSeq.Add(1), pb.Next, &conflicts)
				})
			}
			b.StopTimer()
			// CPU per posting holds still on a busy machine where
			// postings/s does not.
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/posting")
			b.ReportMetric(float64(bytesWritten()-w0)/1024/float64(b.N), "written-KB/posting")
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "postings/s")
			b.ReportMetric(float64(conflicts.Load()), "conflicts")
			after := db.WriterStats()
			b.ReportMetric(float64(after.Commands-before.Commands)/float64(max(1, after.Commits-before.Commits)), "group")
		})
		db.Close()
	}
}

// BenchmarkStockLookup measures db.Stock for one SKU, idle and while eight
// clients post moves.
func BenchmarkStockLookup(b *testing.B) {
	db, pairs := openBench(b, benchPath(b), sqlite.Options{WriterNice: envInt("DEPOT_WRITER_NICE")})
	defer db.Close()
	for _, busy := range []bool{false, true} {
		b.Run(map[bool]string{false: "idle", true: "posting"}[busy], func(b *testing.B) {
			ctx := context.Background()
			stop := make(chan struct{})
			var wg sync.WaitGroup
			var conflicts atomic.Int64
			if busy {
				for c := 0; c < 8; c++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						postMoves(b, db, pairs, int64(c), func() bool {
							select {
							case <-stop:
								return false
							default:
								return true
							}
						}, &conflicts)
					}()
				}
			}
			rng := rand.New(rand.NewPCG(1, 2))
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				sku := pairs[rng.IntN(len(pairs))].SKU
				t := time.Now()
				levels, err := db.Stock(ctx, app.StockFilter{SKU: sku})
				lat = append(lat, time.Since(t))
				if err != nil || len(levels) == 0 {
					b.Fatalf("stock of %s: %v, %d levels", sku, err, len(levels))
				}
			}
			b.StopTimer()
			close(stop)
			wg.Wait()
			slices.Sort(lat)
			for _, p := range []int{500, 900, 990, 999} {
				b.ReportMetric(float64(lat[min(len(lat)-1, len(lat)*p/1000)].Microseconds()), fmt.Sprintf("p%g-µs", float64(p)/10))
			}
		})
	}
}

// BenchmarkVerify replays the whole ledger of the benchmark database.
func BenchmarkVerify(b *testing.B) {
	db, _ := openBench(b, benchPath(b), sqlite.Options{})
	defer db.Close()
	ctx := context.Background()
	b.ResetTimer()
	var legs int64
	for i := 0; i < b.N; i++ {
		rep, err := db.Verify(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if len(rep.Problems) > 0 {
			b.Fatalf("problems: %v", rep.Problems)
		}
		legs = rep.Legs
	}
	b.ReportMetric(float64(legs)*float64(b.N)/b.Elapsed().Seconds(), "legs/s")
}

// envInt reads an integer setting for a benchmark, e.g. DEPOT_WRITER_NICE=-1
// to compare with the writer at normal priority.
func envInt(k string) int { n, _ := strconv.Atoi(os.Getenv(k)); return n }

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// bytesWritten is what the process has passed to write calls (WAL frames
// and checkpoints, mostly), from /proc/self/io.
func bytesWritten() int64 {
	b, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "wchar: "); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	return 0
}
