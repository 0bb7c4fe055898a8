package web_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	_ "github.com/mattn/go-sqlite3"

	"depot/app"
	"depot/app/sqlite"
	"depot/app/web"
)

func TestMain(m *testing.M) {
	sqlite.BcryptCost = 4 // the minimum: tests make many users
	os.Exit(m.Run())
}

// env is a running API over a fresh database file.
type env struct {
	t      testing.TB
	db     *sqlite.DB
	srv    *httptest.Server
	raw    *sql.DB // a separate connection, to count rows behind the API's back
	logs   *syncBuffer
	tokens map[app.Role]string
}

// newEnv opens a fresh database in t.TempDir() through the real migrations,
// creates one user and token per role (username: the role's name) and
// serves the API over it. wrap, when not nil, changes the services the
// handler sees.
func newEnv(t testing.TB, wrap func(*web.Services)) *env {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "depot.db")
	db, err := sqlite.Open(ctx, path, sqlite.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e := &env{t: t, db: db, logs: &syncBuffer{}, tokens: map[app.Role]string{}}
	for _, role := range app.Roles {
		if _, err := db.AddUser(ctx, string(role), role, "password-"+string(role)); err != nil {
			t.Fatal(err)
		}
		if e.tokens[role], err = db.CreateToken(ctx, string(role), "test"); err != nil {
			t.Fatal(err)
		}
	}
	s := web.Services{Ledger: db, Catalog: db, Auth: db}
	if wrap != nil {
		wrap(&s)
	}
	e.srv = httptest.NewServer(web.NewHandler(s, slog.New(slog.NewJSONHandler(e.logs, nil))))
	t.Cleanup(e.srv.Close)
	if e.raw, err = sql.Open("sqlite3", "file:"+path+"?_busy_timeout=10000"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.raw.Close() })
	return e
}

// response is what a request got back.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// do sends a request with the role's token (no token for role "") and a
// JSON body (none when body is "").
func (e *env) do(role app.Role, method, path, body string) *response {
	e.t.Helper()
	return e.doToken(e.tokens[role], method, path, body)
}

func (e *env) doToken(token, method, path, body string) *response {
	e.t.Helper()
	r, err := e.send(token, method, path, body)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	return r
}

// send is do without t, for use from other goroutines.
func (e *env) send(token, method, path, body string) (*response, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		return nil, err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return &response{Status: res.StatusCode, Header: res.Header, Body: b}, err
}

// must checks the status and decodes the body into v (when not nil).
func (r *response) must(t testing.TB, status int, v any) *response {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d; body %s", r.Status, status, r.Body)
	}
	if v != nil {
		if err := json.Unmarshal(r.Body, v); err != nil {
			t.Fatalf("decoding %s: %v", r.Body, err)
		}
	}
	return r
}

// apiError is the JSON of an error response.
type apiError struct {
	Error struct {
		Code      string  `json:"code"`
		Message   string  `json:"message"`
		Field     *string `json:"field"`
		RequestID string  `json:"request_id"`
	} `json:"error"`
}

// errorOf decodes an error response; a missing "field" reads as "".
func (r *response) errorOf(t testing.TB) (code, message, field string) {
	t.Helper()
	var e apiError
	if err := json.Unmarshal(r.Body, &e); err != nil || e.Error.Code == "" {
		t.Fatalf("not an error body: %s (%v)", r.Body, err)
	}
	if e.Error.Field != nil {
		if *e.Error.Field == "" {
			t.Errorf(`error body has "field":"", want it left out: %s`, r.Body)
		}
		field = *e.Error.Field
	}
	return e.Error.Code, e.Error.Message, field
}

// rowTables are the tables the bad-input tests watch for changes.
var rowTables = []string{"movements", "inventory_transactions", "inventory_levels", "products", "variants", "locations", "lots"}

// counts returns the row count of every table in rowTables.
func (e *env) counts() map[string]int64 {
	e.t.Helper()
	out := map[string]int64{}
	for _, table := range rowTables {
		var n int64
		if err := e.raw.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
			e.t.Fatalf("count %s: %v", table, err)
		}
		out[table] = n
	}
	return out
}

// syncBuffer is a bytes.Buffer safe for the handler's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// logLines returns the JSON log records written so far.
func (e *env) logLines() []map[string]any {
	e.t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(e.logs.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			e.t.Fatalf("log line %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}
