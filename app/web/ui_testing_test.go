package web_test

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"depot/app"
	"depot/app/sqlite"
	"depot/app/web"
)

const setupCode = "ABCD-EFGH"

// uiEnv is the back office over a fresh database without accounts.
type uiEnv struct {
	t      testing.TB
	db     *sqlite.DB
	srv    *httptest.Server
	raw    *sql.DB
	logs   *syncBuffer
	broker *web.Broker
}

// newUIEnv starts the back office; with changes the UI settings before it
// starts (e.g. to give it a device layer).
func newUIEnv(t testing.TB, secure bool, with ...func(*web.UI, *sqlite.DB)) *uiEnv {
	t.Helper()
	return newUIEnvWith(t, secure, nil, with...)
}

// newUIEnvWith is newUIEnv with services changed by services (e.g. a
// replication status).
func newUIEnvWith(t testing.TB, secure bool, services func(*web.Services), with ...func(*web.UI, *sqlite.DB)) *uiEnv {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	path := filepath.Join(t.TempDir(), "depot.db")
	db, err := sqlite.Open(ctx, path, sqlite.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	e := &uiEnv{t: t, db: db, logs: &syncBuffer{}}
	log := slog.New(slog.NewJSONHandler(e.logs, nil))
	e.broker = web.NewBroker(db.MovedVariants, log)
	stop := db.OnCommit(e.broker.Committed)
	go e.broker.Run(ctx)
	cfg := web.UI{SetupCode: setupCode, Secure: secure, Events: e.broker, CACert: []byte("-----BEGIN CERTIFICATE-----\n")}
	for _, f := range with {
		f(&cfg, db)
	}
	svc := web.Services{Ledger: db, Catalog: db, Auth: db, Accounts: db, Sessions: db, Browse: db, Search: db, Places: db, Lots: db, Edit: db, Import: db, Purchasing: db, Scans: db, Orders: db, Receiving: db, Putaway: db, Picking: db, Packing: db,
		Transfers: db, Returns: db}
	if services != nil {
		services(&svc)
	}
	h := web.NewAppHandler(svc, cfg, log)
	e.srv = httptest.NewServer(h)
	t.Cleanup(func() { e.broker.Close(); e.srv.Close(); stop(); cancel(); db.Close() })
	if e.raw, err = sql.Open("sqlite3", "file:"+path+"?_busy_timeout=10000"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.raw.Close() })
	return e
}

// browser is a cookie-keeping client that does not follow redirects.
type browser struct {
	e *uiEnv
	c *http.Client
}

func (e *uiEnv) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

func (b *browser) send(method, path string, form url.Values, header map[string]string) *response {
	b.e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.e.srv.URL+path, body)
	if err != nil {
		b.e.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return &response{Status: res.StatusCode, Header: res.Header, Body: out}
}

func (b *browser) get(path string) *response { b.e.t.Helper(); return b.send("GET", path, nil, nil) }

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf returns the form token of the page at path.
func (b *browser) csrf(path string) string {
	b.e.t.Helper()
	r := b.get(path)
	m := csrfRe.FindSubmatch(r.Body)
	if m == nil {
		b.e.t.Fatalf("no csrf field on %s (status %d): %s", path, r.Status, r.Body)
	}
	return string(m[1])
}

// post submits a form from the page at from, with its CSRF token.
func (b *browser) post(from, path string, form url.Values) *response {
	b.e.t.Helper()
	form.Set("csrf", b.csrf(from))
	return b.send("POST", path, form, nil)
}

// owner runs first setup and returns the owner's browser.
func (e *uiEnv) owner() *browser {
	e.t.Helper()
	b := e.browser()
	r := b.post("/setup", "/setup", url.Values{"code": {setupCode}, "username": {"olga"},
		"password": {"owner password"}, "confirm": {"owner password"}})
	if r.Status != http.StatusSeeOther {
		e.t.Fatalf("setup: %d %s", r.Status, r.Body)
	}
	return b
}

// signIn adds an account of the role and returns a browser signed in as it.
func (e *uiEnv) signIn(username string, role app.Role) *browser {
	e.t.Helper()
	if _, err := e.db.AddUser(context.Background(), username, role, "password of "+username); err != nil {
		e.t.Fatal(err)
	}
	b := e.browser()
	r := b.post("/login", "/login", url.Values{"username": {username}, "password": {"password of " + username}})
	if r.Status != http.StatusSeeOther {
		e.t.Fatalf("sign in %s: %d %s", username, r.Status, r.Body)
	}
	return b
}

func (e *uiEnv) count(table string) int {
	e.t.Helper()
	var n int
	if err := e.raw.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func (r *response) has(t testing.TB, status int, texts ...string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d; body:\n%s", r.Status, status, r.Body)
	}
	for _, s := range texts {
		if !strings.Contains(string(r.Body), s) {
			t.Errorf("page lacks %q; body:\n%s", s, r.Body)
		}
	}
}

type httptestServer = httptest.Server

func startTest(t *testing.T, h http.Handler) *httptest.Server {
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s
}
