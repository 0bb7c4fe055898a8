package web_test

import (
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"depot/app"
)

// TestBadInput sends requests that must be refused and checks the status,
// the error code, the exact field, and that no table changed.
func TestBadInput(t *testing.T) {
	e := newEnv(t, nil)
	e.seed()
	e.post(app.Clerk, http.StatusCreated, `{"kind":"receive","idempotency_key":"setup-1","lines":[{"sku":"W-1","qty":10,"to":"A-01"}]}`)
	e.post(app.Clerk, http.StatusCreated, `{"kind":"receive","idempotency_key":"setup-2","lines":[{"sku":"MILK","qty":5,"to":"A-02","lot":{"code":"L1"}}]}`)
	e.post(app.Clerk, http.StatusCreated, `{"kind":"move","idempotency_key":"setup-3","lines":[{"sku":"W-1","qty":4,"from":"A-01","to":"A-02"}]}`)
	// Now A-01 holds 6 of W-1.

	// mv wraps lines in a movement of the kind with a fresh key.
	mv := func(kind, lines string) string {
		return `{"kind":"` + kind + `","idempotency_key":"bad-` + kind + `","lines":[` + lines + `]}`
	}
	big := `{"kind":"receive","idempotency_key":"big","note":"` + strings.Repeat("x", 2<<20) + `","lines":[{"sku":"W-1","qty":1,"to":"A-01"}]}`

	for _, tc := range []struct {
		name         string
		token        string // a role's name, or a literal token after "raw:"
		method, path string
		body         string
		status       int
		code, field  string
	}{
		{"UnknownSKU", "clerk", "POST", "/api/v1/movements", mv("receive", `{"sku":"NOPE","qty":1,"to":"A-01"}`), 404, "not_found", "lines[0].sku"},
		{"UnknownLocation", "clerk", "POST", "/api/v1/movements", mv("receive", `{"sku":"W-1","qty":1,"to":"NOWHERE"}`), 404, "not_found", "lines[0].to"},
		{"UnknownFromLocation", "clerk", "POST", "/api/v1/movements", mv("move", `{"sku":"W-1","qty":1,"from":"A-01","to":"A-02"},{"sku":"W-1","qty":1,"from":"NOWHERE","to":"A-02"}`), 404, "not_found", "lines[1].from"},
		{"QtyZero", "clerk", "POST", "/api/v1/movements", mv("receive", `{"sku":"W-1","qty":0,"to":"A-01"}`), 400, "invalid", "lines[0].qty"},
		{"QtyMissing", "clerk", "POST", "/api/v1/movements", mv("receive", `{"sku":"W-1","to":"A-01"}`), 400, "invalid", "lines[0].qty"},
		{"QtyNegative", "clerk", "POST", "/api/v1/movements", mv("receive", `{"sku":"W-1","qty":-5,"to":"A-01"}`), 400, "invalid", "lines[0].qty"},
		{"QtyFraction", "clerk", "POST", "/api/v1/movements", mv("receive", `{"sku":"W-1","qty":1,"to":"A-01"},{"sku":"W-1","qty":1.5,"to":"A-01"}`), 400, "invalid", "lines[1].qty"},
		{"QtyString", "clerk", "POST", "/api/v1/movements", mv("receive", `{"sku":"W-1","qty":"3","to":"A-01"}`), 400, "invalid", "lines[0].qty"},
		{"QtyTooLarge", "clerk", "POST", "/api/v1/movements", mv("receive", `{"sku":"W-1","qty":1000000000001,"to":"A-01"}`), 400, "invalid", "lines[0].qty"},
		{"ShipMoreThanOnHand", "packer", "POST", "/api/v1/movements", mv("ship", `{"sku":"W-1","qty":7,"from":"A-01"}`), 409, "conflict", "lines[0].qty"},
		{"ShipSecondLineShort", "packer", "POST", "/api/v1/movements", mv("ship", `{"sku":"W-1","qty":6,"from":"A-01"},{"sku":"W-1","qty":1,"from":"A-01"}`), 409, "conflict", "lines[1].qty"},
		{"ShipFromVirtual", "packer", "POST", "/api/v1/movements", mv("ship", `{"sku":"W-1","qty":1,"from":"vendor"}`), 400, "invalid", "lines[0].from"},
		{"Unbalanced", "clerk", "POST", "/api/v1/movements", mv("move", `{"sku":"W-1","qty":3,"from":"A-01"}`), 400, "invalid", "lines"},
		{"NoLines", "clerk", "POST", "/api/v1/movements", mv("receive", ``), 400, "invalid", "lines"},
		{"LotMissing", "clerk", "POST", "/api/v1/movements", mv("move", `{"sku":"MILK","qty":1,"from":"A-02","to":"A-01"}`), 400, "invalid", "lines[0].lot"},
		{"LotUnknown", "clerk", "POST", "/api/v1/movements", mv("move", `{"sku":"MILK","qty":1,"from":"A-02","to":"A-01","lot":{"code":"L9"}}`), 404, "not_found", "lines[0].lot.code"},
		{"CountWithQty", "clerk", "POST", "/api/v1/movements", mv("count", `{"sku":"W-1","location":"A-01","qty":3}`), 400, "invalid", "lines[0].counted"},
		{"UnknownKind", "clerk", "POST", "/api/v1/movements", mv("teleport", `{"sku":"W-1","qty":1,"to":"A-01"}`), 400, "invalid", "kind"},
		{"AdjustWithoutReason", "clerk", "POST", "/api/v1/movements", mv("adjust", `{"sku":"W-1","qty":1,"from":"A-01"}`), 400, "invalid", "reason"},
		{"FutureEffectiveAt", "clerk", "POST", "/api/v1/movements", `{"kind":"receive","idempotency_key":"f","effective_at":"2999-01-01T00:00:00Z","lines":[{"sku":"W-1","qty":1,"to":"A-01"}]}`, 400, "invalid", "effective_at"},
		{"MissingKey", "clerk", "POST", "/api/v1/movements", `{"kind":"receive","lines":[{"sku":"W-1","qty":1,"to":"A-01"}]}`, 400, "invalid", "idempotency_key"},
		{"KeyReusedOtherBody", "clerk", "POST", "/api/v1/movements", `{"kind":"receive","idempotency_key":"setup-1","lines":[{"sku":"W-1","qty":11,"to":"A-01"}]}`, 409, "conflict", "idempotency_key"},
		{"ReverseUnknown", "manager", "POST", "/api/v1/movements", `{"kind":"reversal","idempotency_key":"r","reverses":99}`, 404, "not_found", "reverses"},
		{"ReverseBelowZero", "manager", "POST", "/api/v1/movements", `{"kind":"reversal","idempotency_key":"r","reverses":1}`, 409, "conflict", "reverses"},
		{"MalformedJSON", "clerk", "POST", "/api/v1/movements", `{"kind":"receive",`, 400, "invalid", "body"},
		{"TrailingJSON", "clerk", "POST", "/api/v1/movements", mv("receive", `{"sku":"W-1","qty":1,"to":"A-01"}`) + `{}`, 400, "invalid", "body"},
		{"EmptyBody", "clerk", "POST", "/api/v1/movements", ``, 400, "invalid", "body"},
		{"BodyOver1MiB", "owner", "POST", "/api/v1/movements", big, 413, "invalid", "body"},
		{"UnknownField", "clerk", "POST", "/api/v1/movements", mv("receive", `{"sku":"W-1","qty":1,"to":"A-01","bin":"A-02"}`), 400, "invalid", "lines[0].bin"},
		{"UserIDFromBody", "clerk", "POST", "/api/v1/movements", `{"kind":"receive","idempotency_key":"u","user_id":1,"lines":[{"sku":"W-1","qty":1,"to":"A-01"}]}`, 400, "invalid", "user_id"},
		{"DuplicateKey", "clerk", "POST", "/api/v1/movements", `{"kind":"receive","kind":"ship"}`, 400, "invalid", "kind"},
		{"MissingToken", "", "POST", "/api/v1/movements", mv("receive", `{"sku":"W-1","qty":1,"to":"A-01"}`), 401, "unauthorized", ""},
		{"WrongToken", "raw:dpt_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "POST", "/api/v1/movements", mv("receive", `{"sku":"W-1","qty":1,"to":"A-01"}`), 401, "unauthorized", ""},
		{"GarbageToken", "raw:hunter2", "GET", "/api/v1/stock?sku=W-1", "", 401, "unauthorized", ""},
		{"ViewerPostsMovement", "viewer", "POST", "/api/v1/movements", mv("move", `{"sku":"W-1","qty":1,"from":"A-01","to":"A-02"}`), 403, "forbidden", ""},
		{"ViewerPostsUnknownKind", "viewer", "POST", "/api/v1/movements", mv("teleport", `{"sku":"W-1","qty":1,"to":"A-01"}`), 403, "forbidden", ""},
		{"ViewerPostsMalformed", "viewer", "POST", "/api/v1/movements", `{"kind":`, 403, "forbidden", ""},
		{"PickerPostsReceive", "picker", "POST", "/api/v1/movements", mv("receive", `{"sku":"W-1","qty":1,"to":"A-01"}`), 403, "forbidden", ""},
		{"PackerPostsMove", "packer", "POST", "/api/v1/movements", mv("move", `{"sku":"W-1","qty":1,"from":"A-01","to":"A-02"}`), 403, "forbidden", ""},
		{"ClerkReverses", "clerk", "POST", "/api/v1/movements", `{"kind":"reversal","idempotency_key":"r","reverses":1}`, 403, "forbidden", ""},
		{"BadGTIN", "manager", "POST", "/api/v1/products", `{"name":"Gadget","variants":[{"sku":"G-1","gtin":"4006381333932"}]}`, 400, "invalid", "variants[0].gtin"},
		{"DuplicateSKU", "manager", "POST", "/api/v1/products", `{"name":"Widget again","variants":[{"sku":"W-1"}]}`, 409, "conflict", "variants[0].sku"},
		{"DuplicateSKUInBody", "manager", "POST", "/api/v1/products", `{"name":"Twins","variants":[{"sku":"T-1"},{"sku":"T-1"}]}`, 400, "invalid", "variants[1].sku"},
		{"ProductWithoutVariants", "manager", "POST", "/api/v1/products", `{"name":"Nothing","variants":[]}`, 400, "invalid", "variants"},
		{"ProductUnknownField", "manager", "POST", "/api/v1/products", `{"name":"Gadget","variants":[{"sku":"G-1","packagings":[{"name":"case","qty":6,"weight":1}]}]}`, 400, "invalid", "variants[0].packagings[0].weight"},
		{"ProductAttributesNotObject", "manager", "POST", "/api/v1/products", `{"name":"Gadget","variants":[{"sku":"G-1","attributes":[1]}]}`, 400, "invalid", "variants[0].attributes"},
		{"ClerkCreatesProduct", "clerk", "POST", "/api/v1/products", `{"name":"Gadget","variants":[{"sku":"G-1"}]}`, 403, "forbidden", ""},
		{"DuplicateLocation", "manager", "POST", "/api/v1/locations", `{"code":"a-01","kind":"bin","parent":"WH"}`, 409, "conflict", "code"},
		{"LocationUnknownParent", "manager", "POST", "/api/v1/locations", `{"code":"B-01","kind":"bin","parent":"ZZ"}`, 404, "not_found", "parent"},
		{"LocationVirtualKind", "manager", "POST", "/api/v1/locations", `{"code":"B-01","kind":"virtual"}`, 400, "invalid", "kind"},
		{"LocationWalkSeqFraction", "manager", "POST", "/api/v1/locations", `{"code":"B-01","kind":"bin","walk_seq":2.5}`, 400, "invalid", "walk_seq"},
		{"PickerCreatesLocation", "picker", "POST", "/api/v1/locations", `{"code":"B-01","kind":"bin"}`, 403, "forbidden", ""},
		{"NotJSONContentType", "clerk", "POST", "/api/v1/movements#text", mv("receive", `{"sku":"W-1","qty":1,"to":"A-01"}`), 415, "invalid", "Content-Type"},
		{"StockNoFilter", "viewer", "GET", "/api/v1/stock", "", 400, "invalid", "sku"},
		{"StockBadLimit", "viewer", "GET", "/api/v1/stock?sku=W-1&limit=ten", "", 400, "invalid", "limit"},
		{"StockLimitZero", "viewer", "GET", "/api/v1/stock?sku=W-1&limit=0", "", 400, "invalid", "limit"},
		{"StockUnknownParam", "viewer", "GET", "/api/v1/stock?skus=W-1", "", 400, "invalid", "skus"},
		{"StockRepeatedParam", "viewer", "GET", "/api/v1/stock?sku=W-1&sku=MILK", "", 400, "invalid", "sku"},
		{"StockUnknownSKU", "viewer", "GET", "/api/v1/stock?sku=NOPE", "", 404, "not_found", "sku"},
		{"StockUnknownLocation", "viewer", "GET", "/api/v1/stock?location=NOWHERE", "", 404, "not_found", "location"},
		{"MovementsBadAfter", "viewer", "GET", "/api/v1/movements?after=-1", "", 400, "invalid", "after"},
		{"MovementsAfterNotNumber", "viewer", "GET", "/api/v1/movements?after=abc", "", 400, "invalid", "after"},
		{"MovementsLimitTooLarge", "viewer", "GET", "/api/v1/movements?limit=5000", "", 400, "invalid", "limit"},
		{"MovementBadID", "viewer", "GET", "/api/v1/movements/abc", "", 400, "invalid", "id"},
		{"MovementNotFound", "viewer", "GET", "/api/v1/movements/999", "", 404, "not_found", ""},
		{"VariantNotFound", "viewer", "GET", "/api/v1/variants/NOPE", "", 404, "not_found", "sku"},
		{"LocationNotFound", "viewer", "GET", "/api/v1/locations/NOPE", "", 404, "not_found", "code"},
		{"NoSuchEndpoint", "viewer", "GET", "/api/v1/nope", "", 404, "not_found", ""},
		{"MethodNotAllowed", "viewer", "DELETE", "/api/v1/movements/1", "", 405, "invalid", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := e.counts()
			token := e.tokens[app.Role(tc.token)]
			if raw, ok := strings.CutPrefix(tc.token, "raw:"); ok {
				token = raw
			}
			var r *response
			if path, ok := strings.CutSuffix(tc.path, "#text"); ok {
				r = e.doContentType(token, "text/plain", tc.method, path, tc.body)
			} else {
				r = e.doToken(token, tc.method, tc.path, tc.body)
			}
			if r.Status != tc.status {
				t.Errorf("status %d, want %d; body %.300s", r.Status, tc.status, r.Body)
			}
			code, msg, field := r.errorOf(t)
			if code != tc.code || field != tc.field {
				t.Errorf("error %s field %q, want %s field %q (message %q)", code, field, tc.code, tc.field, msg)
			}
			if msg == "" || r.Header.Get("X-Request-Id") == "" || r.Header.Get("Content-Type") != "application/json" {
				t.Errorf("message %q, X-Request-Id %q, Content-Type %q", msg, r.Header.Get("X-Request-Id"), r.Header.Get("Content-Type"))
			}
			if after := e.counts(); !reflect.DeepEqual(after, before) {
				t.Errorf("rows changed: %v, then %v", before, after)
			}
		})
	}
}

// doContentType sends a body with the given Content-Type.
func (e *env) doContentType(token, contentType, method, path, body string) *response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return &response{Status: res.StatusCode, Header: res.Header, Body: b}
}
