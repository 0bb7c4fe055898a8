package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"depot/app"
	"depot/app/web"
)

func decodeInto(b []byte, v any) error { return json.Unmarshal(b, v) }

// TestRequestLog: every answer has its own X-Request-Id, one log line per
// request carries it with method, path, status and user, and no token ever
// reaches the log.
func TestRequestLog(t *testing.T) {
	e := newEnv(t, nil)
	e.seed()
	wrong := "dpt_thisisnotarealtokenbutlookslikeoneaaaaaaaaaaaaaaaaa"
	rs := []*response{
		e.do(app.Viewer, "GET", "/api/v1/locations/WH", ""),
		e.doToken(wrong, "GET", "/api/v1/locations/WH", ""),
		e.do(app.Clerk, "POST", "/api/v1/movements", `{"kind":"receive","idempotency_key":"k","lines":[{"sku":"W-1","qty":1.5,"to":"DOCK"}]}`),
	}
	logs := e.logs.String()
	for role, tok := range e.tokens {
		if strings.Contains(logs, tok) {
			t.Errorf("the log shows %s's token", role)
		}
	}
	if strings.Contains(logs, wrong) || strings.Contains(logs, "Bearer") {
		t.Errorf("the log shows a token or an Authorization header:\n%s", logs)
	}
	byID := map[string]map[string]any{}
	for _, l := range e.logLines() {
		if l["msg"] == "request" {
			byID[l["request_id"].(string)] = l
		}
	}
	for i, tc := range []struct {
		status      float64
		user, code  string
		field, path string
	}{
		{200, "viewer", "", "", "/api/v1/locations/WH"},
		{401, "", "unauthorized", "", "/api/v1/locations/WH"},
		{400, "clerk", "invalid", "lines[0].qty", "/api/v1/movements"},
	} {
		id := rs[i].Header.Get("X-Request-Id")
		l := byID[id]
		if len(id) != 16 || l == nil {
			t.Errorf("request %d: id %q has no log line", i, id)
			continue
		}
		str := func(k string) string { s, _ := l[k].(string); return s }
		if l["status"] != tc.status || str("path") != tc.path || str("user") != tc.user || str("code") != tc.code ||
			str("field") != tc.field || str("method") == "" || l["duration"] == nil {
			t.Errorf("request %d log = %v, want status %v user %q code %q field %q", i, l, tc.status, tc.user, tc.code, tc.field)
		}
	}
	if len(byID) != 6+len(rs) { // 6 from seed
		t.Errorf("%d request log lines with distinct ids, want %d", len(byID), 6+len(rs))
	}
}

// brokenLedger fails the way a bug or a broken disk does.
type brokenLedger struct {
	app.LedgerService
}

func (brokenLedger) Stock(ctx context.Context, f app.StockFilter) ([]app.Level, error) {
	panic("index out of range in stock: /var/lib/depot/secret")
}

func (brokenLedger) Movement(ctx context.Context, id int64) (*app.Movement, error) {
	return nil, errors.New("disk I/O error reading /var/lib/depot/secret.db")
}

func TestInternalErrorsDoNotLeak(t *testing.T) {
	e := newEnv(t, func(s *web.Services) { s.Ledger = brokenLedger{s.Ledger} })
	for _, tc := range []struct {
		name, path, logged string
	}{
		{"Panic", "/api/v1/stock?sku=W-1", "index out of range in stock"},
		{"Error", "/api/v1/movements/1", "disk I/O error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do(app.Viewer, "GET", tc.path, "")
			var ae apiError
			if err := decodeInto(r.Body, &ae); err != nil {
				t.Fatalf("body %s: %v", r.Body, err)
			}
			id := r.Header.Get("X-Request-Id")
			if r.Status != 500 || ae.Error.Code != "internal" || ae.Error.Message != "internal error" ||
				ae.Error.RequestID != id || ae.Error.Field != nil {
				t.Errorf("answer %d %s, want 500 internal error with request id %s", r.Status, r.Body, id)
			}
			if strings.Contains(string(r.Body), "secret") {
				t.Errorf("answer leaks detail: %s", r.Body)
			}
			found := false
			for _, l := range e.logLines() {
				detail := fmt.Sprint(l["panic"], l["err"])
				if l["request_id"] == id && l["level"] == "ERROR" && strings.Contains(detail, tc.logged) {
					found = true
				}
			}
			if !found {
				t.Errorf("no ERROR log line with request id %s and %q:\n%s", id, tc.logged, e.logs.String())
			}
		})
	}
	// The server survives the panic.
	if r := e.do("", "GET", "/healthz", ""); r.Status != 200 {
		t.Errorf("healthz after panic = %d", r.Status)
	}
}
