package web_test

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"depot/app"
	"depot/app/sqlite"
	"depot/app/web"
)

var benchDB = flag.String("ui-bench-db", "", "database `file` for the page benchmarks; an empty or missing one is filled "+
	"with the synthetic warehouse at the seed's top scale (50,000 SKUs, 5.5 million legs; minutes). "+
	"Default: a small synthetic warehouse in a temp dir")

// benchEnv is the back office over a synthetic warehouse, with a signed-in
// owner's cookie.
type benchEnv struct {
	h      http.Handler
	cookie *http.Cookie
	skus   []string
	bins   []string
	site   string
	// header is sent with every request of run (HX-Request: htmx).
	header http.Header
}

func newBenchEnv(b *testing.B) *benchEnv {
	b.Helper()
	ctx := context.Background()
	path, o := *benchDB, sqlite.SynthOptions{}
	if path == "" {
		path = filepath.Join(b.TempDir(), "depot.db")
		o = sqlite.SynthOptions{SKUs: 2000, Bins: 200, Legs: 200_000}
	}
	if empty, err := sqlite.IsEmpty(ctx, path); err != nil {
		b.Fatal(err)
	} else if empty {
		if _, err := sqlite.BuildSynthetic(ctx, path, o); err != nil {
			b.Fatal(err)
		}
	}
	db, err := sqlite.Open(ctx, path, sqlite.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	name := fmt.Sprint("bench-", time.Now().UnixNano())
	u, err := db.AddUser(ctx, name, app.Owner, "bench password")
	if err != nil {
		b.Fatal(err)
	}
	token, err := db.CreateSession(ctx, u.ID, time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	pairs, err := db.StockedPairs(ctx, 500, 1)
	if err != nil || len(pairs) == 0 {
		b.Fatalf("no stocked SKUs: %v", err)
	}
	e := &benchEnv{cookie: &http.Cookie{Name: "depot_session", Value: token}}
	for _, p := range pairs {
		e.skus = append(e.skus, p.SKU)
		e.bins = append(e.bins, p.From)
	}
	l, err := db.Location(ctx, e.bins[0])
	for err == nil && l.Parent != "" {
		l, err = db.Location(ctx, l.Parent)
	}
	if err != nil {
		b.Fatal(err)
	}
	e.site = l.Code
	e.h = web.NewAppHandler(web.Services{Ledger: db, Catalog: db, Auth: db, Accounts: db, Sessions: db, Browse: db, Search: db, Places: db, Lots: db, Edit: db, Import: db},
		web.UI{Events: web.NewBroker(db.MovedVariants, nil)}, slog.New(slog.DiscardHandler))
	return e
}

// run serves path(i) b.N times in process and reports the mean and the
// 95th percentile time of one render.
func (e *benchEnv) run(b *testing.B, path func(i int) string) {
	b.Helper()
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest("GET", path(i), nil)
		req.AddCookie(e.cookie)
		for k, v := range e.header {
			req.Header[k] = v
		}
		w := httptest.NewRecorder()
		start := time.Now()
		e.h.ServeHTTP(w, req)
		times = append(times, time.Since(start))
		if w.Code != http.StatusOK {
			b.Fatalf("GET %s: %d %s", path(i), w.Code, w.Body.String())
		}
		io.Discard.Write(w.Body.Bytes())
	}
	b.StopTimer()
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)*95/100].Microseconds())/1000, "p95-ms")
}

func BenchmarkVariantPage(b *testing.B) {
	e := newBenchEnv(b)
	e.run(b, func(i int) string { return "/variants/" + url.PathEscape(e.skus[i%len(e.skus)]) })
}

func BenchmarkVariantLiveFragment(b *testing.B) {
	e := newBenchEnv(b)
	e.run(b, func(i int) string { return "/variants/" + url.PathEscape(e.skus[i%len(e.skus)]) + "/live" })
}

func BenchmarkSearchPage(b *testing.B) {
	e := newBenchEnv(b)
	e.run(b, func(i int) string {
		sku := e.skus[i%len(e.skus)]
		return "/search?q=" + url.QueryEscape(sku[:len(sku)-1]) // a prefix: a list, not a redirect
	})
}

func BenchmarkUsersPage(b *testing.B) {
	e := newBenchEnv(b)
	e.run(b, func(int) string { return "/users" })
}

// BenchmarkLocationPage renders the page of the whole site: every level of
// the warehouse is under it (118,620 at top scale), of which it lists 500.
func BenchmarkLocationPage(b *testing.B) {
	e := newBenchEnv(b)
	e.run(b, func(int) string { return "/locations/" + e.site })
}

func BenchmarkBinPage(b *testing.B) {
	e := newBenchEnv(b)
	e.run(b, func(i int) string { return "/locations/" + url.PathEscape(e.bins[i%len(e.bins)]) })
}
