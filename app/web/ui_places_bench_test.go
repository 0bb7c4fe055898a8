package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"testing"
)

// get serves path once and returns the body.
func (e *benchEnv) get(b *testing.B, path string) string {
	b.Helper()
	req := httptest.NewRequest("GET", path, nil)
	req.AddCookie(e.cookie)
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		b.Fatalf("GET %s: %d", path, w.Code)
	}
	return w.Body.String()
}

// BenchmarkSearchByName searches a word of a product name as typed so far
// (two, three and five letters): lists, never a redirect.
func BenchmarkSearchByName(b *testing.B) {
	e := newBenchEnv(b)
	page := e.get(b, "/variants/"+url.PathEscape(e.skus[0]))
	name := regexp.MustCompile(`</span> ([A-Za-z]+)`).FindStringSubmatch(page)
	if name == nil {
		b.Fatal("no product name on the variant page")
	}
	word := name[1]
	qs := []string{word[:2], word[:3], word[:min(5, len(word))], word + " " + e.skus[0][:1]}
	e.run(b, func(i int) string { return "/search?q=" + url.QueryEscape(qs[i%len(qs)]) })
}

// BenchmarkSearchTyping is the htmx fragment the search box fetches while
// a bin code is typed, one more character each time.
func BenchmarkSearchTyping(b *testing.B) {
	e := newBenchEnv(b)
	e.header = http.Header{"Hx-Request": {"true"}}
	e.run(b, func(i int) string {
		bin := e.bins[i%len(e.bins)]
		return "/search?q=" + url.QueryEscape(bin[:1+i%len(bin)])
	})
}

// BenchmarkPlacesPage is the top of the tree with the stock under each site.
func BenchmarkPlacesPage(b *testing.B) {
	e := newBenchEnv(b)
	e.run(b, func(int) string { return "/places" })
}

// BenchmarkLotsExpiring lists the lots expiring within 30 days.
func BenchmarkLotsExpiring(b *testing.B) {
	e := newBenchEnv(b)
	e.run(b, func(int) string { return "/lots?expiring=30" })
}

// BenchmarkLotPage renders lot pages (where each lot is, its history).
func BenchmarkLotPage(b *testing.B) {
	e := newBenchEnv(b)
	ids := regexp.MustCompile(`href="(/lots/\d+)"`).FindAllStringSubmatch(e.get(b, "/lots"), 100)
	if len(ids) == 0 {
		b.Fatal("no lots listed")
	}
	e.run(b, func(i int) string { return ids[i%len(ids)][1] })
}
