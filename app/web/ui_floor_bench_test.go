package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
	"time"
)

// The catalog and floor pages at the synthetic warehouse's scale (see
// newBenchEnv; -ui-bench-db for the top scale).

func BenchmarkCatalogPage(b *testing.B) {
	e := newBenchEnv(b)
	e.run(b, func(int) string { return "/catalog" })
}

func BenchmarkCatalogSearch(b *testing.B) {
	e := newBenchEnv(b)
	e.run(b, func(i int) string {
		sku := e.skus[i%len(e.skus)]
		return "/catalog?q=" + url.QueryEscape(sku[:len(sku)-1])
	})
}

func BenchmarkVariantEditPage(b *testing.B) {
	e := newBenchEnv(b)
	e.run(b, func(i int) string { return "/variants/" + url.PathEscape(e.skus[i%len(e.skus)]) + "/edit" })
}

func BenchmarkFloorMovePage(b *testing.B) {
	e := newBenchEnv(b)
	e.run(b, func(i int) string { return "/floor/move?from=" + url.QueryEscape(e.bins[i%len(e.bins)]) })
}

func BenchmarkCountSheet(b *testing.B) {
	e := newBenchEnv(b)
	e.run(b, func(i int) string { return "/floor/count?bin=" + url.QueryEscape(e.bins[i%len(e.bins)]) })
}

func BenchmarkScannerTestPage(b *testing.B) {
	e := newBenchEnv(b)
	e.run(b, func(int) string { return "/floor/scanner" })
}

// BenchmarkScanResolve answers a scan of a SKU with the redirect to its page.
func BenchmarkScanResolve(b *testing.B) {
	e := newBenchEnv(b)
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest("GET", "/scan?code="+url.QueryEscape(e.bins[i%len(e.bins)]), nil)
		req.AddCookie(e.cookie)
		w := httptest.NewRecorder()
		start := time.Now()
		e.h.ServeHTTP(w, req)
		times = append(times, time.Since(start))
		if w.Code != http.StatusSeeOther {
			b.Fatalf("scan: %d %s", w.Code, w.Body.String())
		}
	}
	b.StopTimer()
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)*95/100].Microseconds())/1000, "p95-ms")
}

// BenchmarkExportProducts writes the whole catalog as CSV.
func BenchmarkExportProducts(b *testing.B) {
	e := newBenchEnv(b)
	e.run(b, func(int) string { return "/export/products.csv" })
}
