package main

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"depot/app"
	"depot/app/sqlite"
	"depot/app/web"
)

func init() {
	commands["bench"] = command{"build a synthetic warehouse and measure postings, lookups and verify", runBench}
}

// benchResult is what --json prints. The first keys are fixed by the issue
// that asked for the bench; the rest explain them.
type benchResult struct {
	PostingsPerS         map[string]float64 `json:"postings_per_s"`
	BaselinePostingsPerS float64            `json:"baseline_postings_per_s"`
	LookupP99Ms          map[string]float64 `json:"lookup_p99_ms"`
	VerifyS              float64            `json:"verify_s"`
	Legs                 int64              `json:"legs"`
	FileMB               float64            `json:"file_mb"`

	LookupP50Ms     map[string]float64 `json:"lookup_p50_ms"`
	LookupSamples   map[string]int     `json:"lookup_samples"`
	LookupLoad      int                `json:"lookup_load_clients"`    // clients posting while lookups ran
	LookupPostings  float64            `json:"lookup_load_postings_s"` // their postings per second
	GroupSize       map[string]float64 `json:"group_size"`             // commands per commit
	BaselineClients int                `json:"baseline_clients"`
	Conflicts       int64              `json:"conflicts"` // moves refused for want of stock
	Movements       int64              `json:"movements"`
	// verify_s and legs are of the file as the bench found (or built) it;
	// these are of the file after the bench's own postings.
	VerifyAfterS float64 `json:"verify_after_s"`
	LegsAfter    int64   `json:"legs_after"`
	BuildS       float64 `json:"build_s,omitempty"` // when the bench built the warehouse
	Seconds      float64 `json:"seconds"`           // per round
	Rounds       int     `json:"rounds"`
}

type benchConfig struct {
	path       string
	seconds    time.Duration
	rounds     int
	lookupLoad int
	writerNice int
	log        *slog.Logger
	stderr     io.Writer
}

func runBench(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "bench")
	path := fs.String("db", "", "database `file`; built when missing or empty, reused otherwise (postings are added to it)")
	asJSON := fs.Bool("json", false, "print one JSON object instead of a table")
	skus := fs.Int("skus", sqlite.SynthSKUs, "SKUs of the synthetic warehouse")
	bins := fs.Int("bins", sqlite.SynthBins, "bins of the synthetic warehouse")
	legs := fs.Int64("legs", sqlite.SynthLegs, "legs of the synthetic ledger (even)")
	seconds := fs.Float64("seconds", 3, "length of one measurement round")
	rounds := fs.Int("rounds", 3, "rounds per measurement; the median is reported")
	lookupLoad := fs.Int("lookup-load", 8, "clients posting while lookups are measured")
	writerNice := fs.Int("writer-nice", 0, "nice value of the writer thread (0: the production default; negative: off)")
	orders := fs.Int("orders", 0, "instead: enter this many synthetic sales orders and time releasing them (e.g. 5000)")
	orderLines := fs.Int("order-lines", 3, "lines per order of --orders")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *path == "" {
		fmt.Fprintln(e.stderr, "depot bench: --db is required")
		return 2
	}
	if *seconds <= 0 || *rounds < 1 || *lookupLoad < 1 {
		fmt.Fprintln(e.stderr, "depot bench: --seconds must be positive, --rounds and --lookup-load at least 1")
		return 2
	}
	cfg := benchConfig{
		path: *path, seconds: time.Duration(*seconds * float64(time.Second)), rounds: *rounds, lookupLoad: *lookupLoad, writerNice: *writerNice,
		log:    slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		stderr: e.stderr,
	}
	res := &benchResult{Seconds: cfg.seconds.Seconds(), Rounds: cfg.rounds}

	empty, err := sqlite.IsEmpty(ctx, cfg.path)
	if err != nil {
		return fail(e, "bench", err)
	}
	if empty {
		fmt.Fprintf(e.stderr, "depot bench: building a synthetic warehouse in %s: %d SKUs, %d bins, %d legs\n", cfg.path, *skus, *bins, *legs)
		rep, err := sqlite.BuildSynthetic(ctx, cfg.path, sqlite.SynthOptions{SKUs: *skus, Bins: *bins, Legs: *legs, Progress: e.stderr})
		if err != nil {
			return fail(e, "bench", err)
		}
		res.BuildS = rep.Took.Seconds()
		fmt.Fprintf(e.stderr, "depot bench: built in %.1fs\n", res.BuildS)
	} else {
		fmt.Fprintf(e.stderr, "depot bench: reusing %s\n", cfg.path)
	}
	if *orders > 0 {
		if err := benchOrders(ctx, &cfg, *orders, max(1, *orderLines), e.stdout, *asJSON); err != nil {
			return fail(e, "bench", err)
		}
		return 0
	}
	if err := cfg.run(ctx, res); err != nil {
		return fail(e, "bench", err)
	}
	if *asJSON {
		res.round()
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			return fail(e, "bench", err)
		}
		return 0
	}
	printBench(e.stdout, cfg.path, res)
	return 0
}

// round trims the numbers to what the measurements can tell.
func (r *benchResult) round() {
	to := func(v float64, places int) float64 {
		p := math.Pow(10, float64(places))
		return math.Round(v*p) / p
	}
	for _, m := range []map[string]float64{r.PostingsPerS} {
		for k, v := range m {
			m[k] = to(v, 0)
		}
	}
	for _, m := range []map[string]float64{r.LookupP50Ms, r.LookupP99Ms} {
		for k, v := range m {
			m[k] = to(v, 4)
		}
	}
	for k, v := range r.GroupSize {
		r.GroupSize[k] = to(v, 1)
	}
	r.BaselinePostingsPerS, r.LookupPostings = to(r.BaselinePostingsPerS, 0), to(r.LookupPostings, 0)
	r.VerifyS, r.VerifyAfterS, r.FileMB, r.BuildS = to(r.VerifyS, 3), to(r.VerifyAfterS, 3), to(r.FileMB, 1), to(r.BuildS, 1)
}

func (cfg *benchConfig) run(ctx context.Context, res *benchResult) error {
	res.PostingsPerS = map[string]float64{}
	res.GroupSize = map[string]float64{}
	// Verify first, so that verify_s is the time for the ledger of the
	// size asked for (5.5 million legs at top scale); the bench's own
	// postings are verified again at the end. Both start from a warm page
	// cache (warm).
	cfg.progress("verify")
	var err error
	if err := warm(cfg.path); err != nil {
		return err
	}
	if res.VerifyS, res.Legs, res.Movements, err = cfg.verify(ctx); err != nil {
		return err
	}
	db, err := sqlite.Open(ctx, cfg.path, sqlite.Options{WriterNice: cfg.writerNice, Logger: cfg.log})
	if err != nil {
		return err
	}
	defer func() {
		if db != nil {
			db.Close()
		}
	}()
	pairs, err := db.StockedPairs(ctx, 20_000, 50)
	if err != nil {
		return err
	}
	if len(pairs) == 0 {
		return errors.New("no SKU has 50 on hand in two bins: nothing to move")
	}
	p := &poster{db: db, pairs: pairs, run: time.Now().UnixNano()}

	// Warm the caches so that the first round is not the slow one.
	if _, err := p.measure(ctx, 8, min(cfg.seconds, time.Second)); err != nil {
		return err
	}
	for _, clients := range []int{1, 8, 64} {
		cfg.progress("postings with %d clients", clients)
		rate, group, err := cfg.median(ctx, p, clients)
		if err != nil {
			return err
		}
		res.PostingsPerS[strconv.Itoa(clients)] = rate
		res.GroupSize[strconv.Itoa(clients)] = group
	}

	cfg.progress("stock lookups while %d clients post", cfg.lookupLoad)
	if err := cfg.lookups(ctx, db, p, res); err != nil {
		return err
	}
	res.Conflicts = p.conflicts.Load()

	// The baseline: one transaction per posting. One writer per file, so
	// the grouped handle closes first.
	if err := db.Close(); err != nil {
		return err
	}
	db = nil
	cfg.progress("baseline: one transaction per posting, 64 clients")
	base, err := sqlite.Open(ctx, cfg.path, sqlite.Options{MaxBatch: 1, WriterNice: cfg.writerNice, Logger: cfg.log})
	if err != nil {
		return err
	}
	p.db = base
	res.BaselineClients = 64
	res.BaselinePostingsPerS, _, err = cfg.median(ctx, p, 64)
	res.Conflicts = p.conflicts.Load()
	if cerr := base.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}

	cfg.progress("verify after the postings")
	if err := warm(cfg.path); err != nil {
		return err
	}
	res.VerifyAfterS, res.LegsAfter, _, err = cfg.verify(ctx)
	if err != nil {
		return err
	}
	var size int64
	for _, f := range []string{cfg.path, cfg.path + "-wal"} {
		if fi, err := os.Stat(f); err == nil {
			size += fi.Size()
		}
	}
	res.FileMB = float64(size) / 1e6
	return nil
}

// warm reads the database file once, so that measurements start from the
// page cache a running depot would have rather than from the disk (some
// machines, this one, page out file data idle for a minute), and syncs it,
// so that no writeback of an earlier copy of the file (cp) competes with
// the fsyncs of the postings.
func warm(path string) error {
	for _, name := range []string{path, path + "-wal"} {
		f, err := os.Open(name)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, f)
		if err == nil {
			err = f.Sync()
		}
		f.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// verify checks the whole file and returns how long it took and what it
// counted; problems are an error.
func (cfg *benchConfig) verify(ctx context.Context) (seconds float64, legs, movements int64, err error) {
	start := time.Now()
	rep, err := sqlite.VerifyFile(ctx, cfg.path)
	if err != nil {
		return 0, 0, 0, err
	}
	seconds = time.Since(start).Seconds()
	if len(rep.Problems) > 0 {
		for _, pr := range rep.Problems {
			fmt.Fprintln(cfg.stderr, "PROBLEM", pr)
		}
		return 0, 0, 0, fmt.Errorf("verify found %d problems in %s", len(rep.Problems), cfg.path)
	}
	return seconds, rep.Legs, rep.Movements, nil
}

func (cfg *benchConfig) progress(format string, args ...any) {
	fmt.Fprintf(cfg.stderr, "depot bench: "+format+"\n", args...)
}

// median runs rounds of postings and returns the median rate and group size.
func (cfg *benchConfig) median(ctx context.Context, p *poster, clients int) (float64, float64, error) {
	var rates, groups []float64
	for r := 0; r < cfg.rounds; r++ {
		before := p.db.WriterStats()
		rate, err := p.measure(ctx, clients, cfg.seconds)
		if err != nil {
			return 0, 0, err
		}
		after := p.db.WriterStats()
		rates = append(rates, rate)
		groups = append(groups, float64(after.Commands-before.Commands)/float64(max(1, after.Commits-before.Commits)))
	}
	return median(rates), median(groups), nil
}

// poster posts moves of one unit between the bins of stocked pairs.
type poster struct {
	db        *sqlite.DB
	pairs     []sqlite.StockedPair
	run       int64
	seq       atomic.Int64
	conflicts atomic.Int64
}

// measure runs clients that post back to back for d and returns the
// postings per second that completed within d. A move refused for want of
// stock counts as a conflict, not a posting; any other error stops the
// bench.
func (p *poster) measure(ctx context.Context, clients int, d time.Duration) (float64, error) {
	var (
		done atomic.Int64
		stop atomic.Bool
		wg   sync.WaitGroup
		errs = make([]error, clients)
	)
	start := time.Now()
	deadline := start.Add(d)
	timer := time.AfterFunc(d, func() { stop.Store(true) })
	defer timer.Stop()
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(p.run), uint64(p.seq.Add(1))))
			for !stop.Load() && ctx.Err() == nil {
				if err := p.post(ctx, rng); err != nil {
					errs[c] = err
					stop.Store(true)
					return
				}
				if time.Now().Before(deadline) {
					done.Add(1)
				}
			}
		}(c)
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	return float64(done.Load()) / d.Seconds(), nil
}

// post posts one move of one unit, in a random direction, with a fresh
// idempotency key.
func (p *poster) post(ctx context.Context, rng *rand.Rand) error {
	pr := p.pairs[rng.IntN(len(p.pairs))]
	from, to := pr.From, pr.To
	if rng.IntN(2) == 0 {
		from, to = to, from
	}
	_, _, err := p.db.PostMovement(ctx, app.PostMovement{
		Kind:           app.Move,
		IdempotencyKey: "bench-" + strconv.FormatInt(p.run, 36) + "-" + strconv.FormatInt(p.seq.Add(1), 10),
		Lines:          []app.MovementLine{{SKU: pr.SKU, Qty: 1, From: from, To: to}},
	})
	if app.ErrorCode(err) == app.ECONFLICT {
		p.conflicts.Add(1)
		return nil
	}
	return err
}

// lookups measures stock lookups by SKU, in process (db.Stock) and over
// HTTP (GET /api/v1/stock with a bearer token), while clients post. Every
// call is timed and every sample counts.
func (cfg *benchConfig) lookups(ctx context.Context, db *sqlite.DB, p *poster, res *benchResult) error {
	res.LookupLoad = cfg.lookupLoad
	res.LookupP50Ms, res.LookupP99Ms, res.LookupSamples = map[string]float64{}, map[string]float64{}, map[string]int{}

	token, err := benchToken(ctx, db)
	if err != nil {
		return err
	}
	// Request lines are formatted as in production and then dropped.
	srv := httptest.NewServer(web.NewHandler(web.Services{Ledger: db, Catalog: db, Auth: db},
		slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer srv.Close()
	client := srv.Client()
	client.Transport.(*http.Transport).MaxIdleConnsPerHost = 4

	inProcess := func(sku string) error {
		levels, err := db.Stock(ctx, app.StockFilter{SKU: sku})
		if err == nil && len(levels) == 0 {
			err = fmt.Errorf("stock of %s: no levels", sku)
		}
		return err
	}
	overHTTP := func(sku string) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/api/v1/stock?sku="+url.QueryEscape(sku), nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
			return fmt.Errorf("GET /api/v1/stock?sku=%s: %s: %s", sku, resp.Status, b)
		}
		var body struct {
			Levels []app.Level `json:"levels"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			return fmt.Errorf("GET /api/v1/stock: %w", err)
		}
		if len(body.Levels) == 0 {
			return fmt.Errorf("GET /api/v1/stock?sku=%s: no levels", sku)
		}
		return nil
	}

	var postRates []float64
	for _, m := range []struct {
		name string
		fn   func(string) error
	}{{"inprocess", inProcess}, {"http", overHTTP}} {
		var p50s, p99s []float64
		for r := 0; r < cfg.rounds; r++ {
			lat, rate, err := cfg.lookupRound(ctx, p, m.fn)
			if err != nil {
				return err
			}
			postRates = append(postRates, rate)
			slices.Sort(lat)
			p50s = append(p50s, ms(percentile(lat, 50)))
			p99s = append(p99s, ms(percentile(lat, 99)))
			res.LookupSamples[m.name] += len(lat)
		}
		res.LookupP50Ms[m.name], res.LookupP99Ms[m.name] = median(p50s), median(p99s)
	}
	res.LookupPostings = median(postRates)
	return nil
}

// lookupRound looks up random SKUs back to back from one goroutine for one
// round while cfg.lookupLoad clients post, and returns every latency and the
// clients' postings per second.
func (cfg *benchConfig) lookupRound(ctx context.Context, p *poster, lookup func(string) error) ([]time.Duration, float64, error) {
	var (
		rate    float64
		postErr error
		wg      sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		rate, postErr = p.measure(ctx, cfg.lookupLoad, cfg.seconds)
	}()
	rng := rand.New(rand.NewPCG(uint64(p.run), 7))
	lat := make([]time.Duration, 0, 1<<16)
	// Start after the posting clients are up, stop before they stop.
	time.Sleep(cfg.seconds / 20)
	end := time.Now().Add(cfg.seconds * 9 / 10)
	var err error
	for time.Now().Before(end) && err == nil {
		sku := p.pairs[rng.IntN(len(p.pairs))].SKU
		t := time.Now()
		err = lookup(sku)
		lat = append(lat, time.Since(t))
	}
	wg.Wait()
	if err != nil {
		return nil, 0, err
	}
	if postErr != nil {
		return nil, 0, postErr
	}
	return lat, rate, nil
}

// benchToken creates a manager and an API token for the HTTP lookups.
func benchToken(ctx context.Context, db *sqlite.DB) (string, error) {
	b := make([]byte, 12)
	crand.Read(b)
	name := "bench-" + hex.EncodeToString(b[:4])
	if _, err := db.AddUser(ctx, name, app.Manager, hex.EncodeToString(b)); err != nil {
		return "", err
	}
	return db.CreateToken(ctx, name, "bench")
}

func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, len(sorted)*p/100)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func printBench(w io.Writer, path string, r *benchResult) {
	fmt.Fprintf(w, "depot bench %s: %d legs in %d movements, %.0f MB after the bench\n", path, r.Legs, r.Movements, r.FileMB)
	if r.BuildS > 0 {
		fmt.Fprintf(w, "  synthetic warehouse built in %.1f s\n", r.BuildS)
	}
	fmt.Fprintf(w, "\ndurable postings per second (synchronous=FULL), median of %d rounds of %.1f s:\n", r.Rounds, r.Seconds)
	for _, c := range []string{"1", "8", "64"} {
		fmt.Fprintf(w, "  %2s clients   %8.0f /s   %5.1f per commit\n", c, r.PostingsPerS[c], r.GroupSize[c])
	}
	ratio := 0.0
	if r.BaselinePostingsPerS > 0 {
		ratio = r.PostingsPerS["64"] / r.BaselinePostingsPerS
	}
	fmt.Fprintf(w, "  %2d clients, one transaction per posting (baseline) %8.0f /s; grouped is %.1fx\n",
		r.BaselineClients, r.BaselinePostingsPerS, ratio)
	fmt.Fprintf(w, "  moves refused for want of stock: %d\n", r.Conflicts)
	fmt.Fprintf(w, "\nstock lookup by SKU while %d clients post (%.0f postings/s), median of rounds:\n", r.LookupLoad, r.LookupPostings)
	for _, k := range []string{"inprocess", "http"} {
		fmt.Fprintf(w, "  %-10s p50 %7.3f ms   p99 %7.3f ms   (%d samples)\n", k, r.LookupP50Ms[k], r.LookupP99Ms[k], r.LookupSamples[k])
	}
	fmt.Fprintf(w, "\nverify (legs, levels, hash chain): %.2f s for %d legs; after the bench's postings %.2f s for %d legs\n",
		r.VerifyS, r.Legs, r.VerifyAfterS, r.LegsAfter)
}
