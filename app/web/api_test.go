package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"depot/app"
)

// leg is a leg as the tests compare it.
type leg struct {
	SKU, Location, Lot string
	Qty                int64
}

// lv is a level with nothing reserved.
func lv(sku, loc, lot string, onHand int64) app.Level {
	return app.Level{SKU: sku, Location: loc, Lot: lot, OnHand: onHand, Available: onHand}
}

func legsOf(m *app.Movement) []leg {
	out := []leg{}
	for _, l := range m.Legs {
		out = append(out, leg{l.SKU, l.Location, l.Lot, l.Qty})
	}
	return out
}

type movementJSON struct {
	Movement *app.Movement `json:"movement"`
}

type movementsJSON struct {
	Movements []*app.Movement `json:"movements"`
	Next      string          `json:"next"`
}

type levelsJSON struct {
	Levels []app.Level `json:"levels"`
}

// post posts a movement and checks the status; it returns the movement and
// the raw body.
func (e *env) post(role app.Role, status int, body string) (*app.Movement, []byte) {
	e.t.Helper()
	var m movementJSON
	r := e.do(role, "POST", "/api/v1/movements", body).must(e.t, status, &m)
	return m.Movement, r.Body
}

func TestCatalogEndpoints(t *testing.T) {
	e := newEnv(t, nil)

	var p app.Product
	r := e.do(app.Manager, "POST", "/api/v1/products", `{"name":" Widget ","category":"Hardware","variants":[
		{"sku":"W-1","gtin":"4006381333931","attributes":{"color":"red","size":"M"},"unit_weight_mg":250000,
		 "unit_cost_minor":1299,"packagings":[{"name":"case","qty":12,"barcode":"CASE-W1","tare_weight_mg":50000}]},
		{"sku":"W-2","track_lots":true}]}`).must(t, http.StatusCreated, &p)
	if p.ID != 1 || p.Name != "Widget" || p.Category != "Hardware" || len(p.Variants) != 2 || p.CreatedAt.IsZero() {
		t.Fatalf("product = %+v", p)
	}
	w1 := p.Variants[0]
	want := app.Variant{ID: 1, ProductID: 1, ProductName: "Widget", SKU: "W-1", GTIN: "04006381333931",
		Attributes: json.RawMessage(`{"color":"red","size":"M"}`), UnitWeightMg: 250000, UnitCostMinor: 1299,
		Packagings: []app.Packaging{{Name: "case", Qty: 12, Barcode: "CASE-W1", TareWeightMg: 50000}}}
	if !reflect.DeepEqual(w1, want) {
		t.Errorf("variant W-1 =\n%+v, want\n%+v", w1, want)
	}
	if w2 := p.Variants[1]; w2.SKU != "W-2" || !w2.TrackLots || string(w2.Attributes) != "{}" || w2.GTIN != "" || len(w2.Packagings) != 0 {
		t.Errorf("variant W-2 = %+v", w2)
	}
	if !strings.Contains(string(r.Body), `"packagings":[]`) {
		t.Errorf("W-2 packagings should be [] in %s", r.Body)
	}

	var got app.Variant
	e.do(app.Viewer, "GET", "/api/v1/variants/W-1", "").must(t, http.StatusOK, &got)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("GET variant =\n%+v, want\n%+v", got, want)
	}
	// A SKU with a slash travels escaped.
	e.do(app.Owner, "POST", "/api/v1/products", `{"name":"Box","variants":[{"sku":"BOX/10"}]}`).must(t, http.StatusCreated, nil)
	e.do(app.Viewer, "GET", "/api/v1/variants/BOX%2F10", "").must(t, http.StatusOK, &got)
	if got.SKU != "BOX/10" || got.ProductName != "Box" {
		t.Errorf("GET BOX%%2F10 = %+v", got)
	}

	var site, bin app.Location
	e.do(app.Manager, "POST", "/api/v1/locations", `{"code":"WH","name":"Main warehouse","kind":"site"}`).must(t, http.StatusCreated, &site)
	if site.Code != "WH" || site.Kind != app.KindSite || site.Parent != "" || string(site.Attributes) != "{}" {
		t.Errorf("site = %+v", site)
	}
	r = e.do(app.Manager, "POST", "/api/v1/locations",
		`{"code":"A-01","name":"Aisle A bin 1","kind":"bin","parent":"WH","walk_seq":20,"attributes":{"temp":"ambient","max_weight_mg":500000000}}`).
		must(t, http.StatusCreated, &bin)
	if loc := r.Header.Get("Location"); loc != "/api/v1/locations/A-01" {
		t.Errorf("Location header = %q", loc)
	}
	wantBin := app.Location{ID: bin.ID, Code: "A-01", Name: "Aisle A bin 1", Kind: app.KindBin, Parent: "WH", WalkSeq: 20,
		Attributes: json.RawMessage(`{"max_weight_mg":500000000,"temp":"ambient"}`)}
	if bin.ID <= site.ID || !reflect.DeepEqual(bin, wantBin) {
		t.Errorf("bin =\n%+v, want\n%+v", bin, wantBin)
	}
	var gotBin app.Location
	e.do(app.Viewer, "GET", "/api/v1/locations/A-01", "").must(t, http.StatusOK, &gotBin)
	if !reflect.DeepEqual(gotBin, wantBin) {
		t.Errorf("GET location =\n%+v, want\n%+v", gotBin, wantBin)
	}
	// Virtual locations exist from the start.
	e.do(app.Viewer, "GET", "/api/v1/locations/customer", "").must(t, http.StatusOK, &gotBin)
	if gotBin.Kind != app.KindVirtual {
		t.Errorf("customer = %+v, want virtual", gotBin)
	}
}

// seed creates W-1 (no lots), MILK (lots), the site WH with DOCK, A-01 and
// A-02 under it, through the API.
func (e *env) seed() {
	e.t.Helper()
	e.do(app.Manager, "POST", "/api/v1/products", `{"name":"Widget","variants":[{"sku":"W-1","unit_weight_mg":1000}]}`).must(e.t, http.StatusCreated, nil)
	e.do(app.Manager, "POST", "/api/v1/products", `{"name":"Milk","variants":[{"sku":"MILK","track_lots":true}]}`).must(e.t, http.StatusCreated, nil)
	e.do(app.Manager, "POST", "/api/v1/locations", `{"code":"WH","kind":"site"}`).must(e.t, http.StatusCreated, nil)
	for i, code := range []string{"DOCK", "A-01", "A-02"} {
		kind := "bin"
		if code == "DOCK" {
			kind = "dock"
		}
		e.do(app.Manager, "POST", "/api/v1/locations",
			fmt.Sprintf(`{"code":%q,"kind":%q,"parent":"WH","walk_seq":%d}`, code, kind, i)).must(e.t, http.StatusCreated, nil)
	}
}

func TestMovementsAndStock(t *testing.T) {
	e := newEnv(t, nil)
	e.seed()

	receive := `{"kind":"receive","idempotency_key":"po-7-1","reference":{"type":"po","id":"7"},
		"lines":[{"sku":"W-1","qty":100,"to":"DOCK"}]}`
	m, first := e.post(app.Clerk, http.StatusCreated, receive)
	if m.ID != 1 || m.Kind != app.Receive || m.User != "clerk" || m.IdempotencyKey != "po-7-1" ||
		m.Reference == nil || *m.Reference != (app.Reference{Type: "po", ID: "7"}) || len(m.Hash) != 64 {
		t.Errorf("receive = %+v", m)
	}
	if got, want := legsOf(m), []leg{{"W-1", "vendor", "", -100}, {"W-1", "DOCK", "", 100}}; !reflect.DeepEqual(got, want) {
		t.Errorf("receive legs = %v, want %v", got, want)
	}

	// The same key and body again: 200, the same bytes, nothing written.
	before := e.counts()
	r := e.do(app.Clerk, "POST", "/api/v1/movements", receive).must(t, http.StatusOK, nil)
	if !bytes.Equal(r.Body, first) {
		t.Errorf("replay body differs:\n%s\n%s", r.Body, first)
	}
	if r.Header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("replay without Idempotent-Replayed header")
	}
	if after := e.counts(); !reflect.DeepEqual(after, before) {
		t.Errorf("replay wrote rows: %v, then %v", before, after)
	}
	// GET returns the very same movement too.
	r = e.do(app.Viewer, "GET", "/api/v1/movements/1", "").must(t, http.StatusOK, nil)
	if !bytes.Equal(r.Body, first) {
		t.Errorf("GET /movements/1 differs from the POST answer:\n%s\n%s", r.Body, first)
	}

	m, _ = e.post(app.Picker, http.StatusCreated, `{"kind":"move","idempotency_key":"mv-1","lines":[{"sku":"W-1","qty":40,"from":"DOCK","to":"A-01"}]}`)
	if got, want := legsOf(m), []leg{{"W-1", "DOCK", "", -40}, {"W-1", "A-01", "", 40}}; m.ID != 2 || !reflect.DeepEqual(got, want) {
		t.Errorf("move %d legs = %v, want %v", m.ID, got, want)
	}
	m, _ = e.post(app.Packer, http.StatusCreated, `{"kind":"ship","idempotency_key":"so-9","lines":[{"sku":"W-1","qty":5,"from":"A-01"}]}`)
	if got, want := legsOf(m), []leg{{"W-1", "A-01", "", -5}, {"W-1", "customer", "", 5}}; m.ID != 3 || m.User != "packer" || !reflect.DeepEqual(got, want) {
		t.Errorf("ship %d by %s legs = %v, want %v", m.ID, m.User, got, want)
	}
	lotReceipt := `{"kind":"receive","idempotency_key":" po-8-1 ","effective_at":"2025-06-01T10:00:00.1239+02:00",
		"lines":[{"sku":"MILK","qty":12,"to":"a-02","lot":{"code":"L1","expires_on":"2027-01-31"}}]}`
	m, first = e.post(app.Clerk, http.StatusCreated, lotReceipt)
	if got, want := legsOf(m), []leg{{"MILK", "vendor", "L1", -12}, {"MILK", "A-02", "L1", 12}}; m.ID != 4 || !reflect.DeepEqual(got, want) {
		t.Errorf("lot receipt %d legs = %v, want %v", m.ID, got, want)
	}
	if got := m.EffectiveAt.Format("2006-01-02T15:04:05.000Z07:00"); got != "2025-06-01T08:00:00.123Z" || m.IdempotencyKey != "po-8-1" {
		t.Errorf("lot receipt effective_at %s key %q, want 2025-06-01T08:00:00.123Z and po-8-1", got, m.IdempotencyKey)
	}
	// Normalized text, a lower-case location code and a sub-millisecond
	// instant must not make the replay differ from the first answer.
	if r := e.do(app.Clerk, "POST", "/api/v1/movements", lotReceipt).must(t, http.StatusOK, nil); !bytes.Equal(r.Body, first) {
		t.Errorf("lot receipt replay differs:\n%s\n%s", r.Body, first)
	}
	m, _ = e.post(app.Picker, http.StatusCreated, `{"kind":"count","idempotency_key":"cc-1","effective_at":"2025-06-01T08:00:00Z",
		"lines":[{"sku":"W-1","location":"A-01","counted":33}]}`)
	if got, want := legsOf(m), []leg{{"W-1", "count", "", 2}, {"W-1", "A-01", "", -2}}; m.ID != 5 || !reflect.DeepEqual(got, want) {
		t.Errorf("count %d legs = %v, want %v", m.ID, got, want)
	}
	if got := m.EffectiveAt.Format("2006-01-02T15:04:05Z07:00"); got != "2025-06-01T08:00:00Z" {
		t.Errorf("count effective_at = %s", got)
	}
	m, _ = e.post(app.Clerk, http.StatusCreated, `{"kind":"adjust","idempotency_key":"adj-1","reason":"damaged","note":"forklift",
		"lines":[{"sku":"W-1","qty":1,"from":"DOCK"}]}`)
	if got, want := legsOf(m), []leg{{"W-1", "DOCK", "", -1}, {"W-1", "adjustment", "", 1}}; m.ID != 6 || m.Reason != "damaged" || !reflect.DeepEqual(got, want) {
		t.Errorf("adjust %d legs = %v, want %v", m.ID, got, want)
	}
	m, _ = e.post(app.Manager, http.StatusCreated, `{"kind":"reversal","idempotency_key":"rev-6","reverses":6}`)
	if got, want := legsOf(m), []leg{{"W-1", "DOCK", "", 1}, {"W-1", "adjustment", "", -1}}; m.ID != 7 || m.Reverses != 6 || !reflect.DeepEqual(got, want) {
		t.Errorf("reversal %d of %d legs = %v, want %v", m.ID, m.Reverses, got, want)
	}

	for _, tc := range []struct {
		query string
		want  []app.Level
	}{
		{"sku=W-1", []app.Level{lv("W-1", "A-01", "", 33), lv("W-1", "DOCK", "", 60)}},
		{"location=WH", []app.Level{lv("MILK", "A-02", "L1", 12), lv("W-1", "A-01", "", 33), lv("W-1", "DOCK", "", 60)}},
		{"location=WH&limit=1", []app.Level{lv("MILK", "A-02", "L1", 12)}},
		{"location=A-01", []app.Level{lv("W-1", "A-01", "", 33)}},
		{"lot=L1", []app.Level{lv("MILK", "A-02", "L1", 12)}},
		{"sku=W-1&location=customer", []app.Level{lv("W-1", "customer", "", 5)}},
		{"sku=W-1&location=vendor", []app.Level{lv("W-1", "vendor", "", -100)}},
		{"sku=MILK&location=DOCK", []app.Level{}},
	} {
		var got levelsJSON
		e.do(app.Viewer, "GET", "/api/v1/stock?"+tc.query, "").must(t, http.StatusOK, &got)
		if !reflect.DeepEqual(got.Levels, tc.want) {
			t.Errorf("stock?%s =\n%+v, want\n%+v", tc.query, got.Levels, tc.want)
		}
	}

	// Paging: full pages name the cursor; the page after the last is empty.
	for _, tc := range []struct {
		query string
		ids   []int64
		next  string
	}{
		{"sku=W-1&limit=2", []int64{1, 2}, "2"},
		{"sku=W-1&limit=2&after=2", []int64{3, 5}, "5"},
		{"sku=W-1&limit=2&after=5", []int64{6, 7}, "7"},
		{"sku=W-1&limit=2&after=7", []int64{}, ""},
		{"location=A-02", []int64{4}, ""},
		{"lot=L1", []int64{4}, ""},
		{"location=adjustment", []int64{6, 7}, ""},
		{"sku=W-1&location=A-01", []int64{2, 3, 5}, ""},
		{"", []int64{1, 2, 3, 4, 5, 6, 7}, ""},
		{"after=3&limit=3", []int64{4, 5, 6}, "6"},
	} {
		var got movementsJSON
		e.do(app.Viewer, "GET", "/api/v1/movements?"+tc.query, "").must(t, http.StatusOK, &got)
		ids := []int64{}
		for _, m := range got.Movements {
			ids = append(ids, m.ID)
			if len(m.Legs) == 0 {
				t.Errorf("movements?%s: movement %d without legs", tc.query, m.ID)
			}
		}
		if !reflect.DeepEqual(ids, tc.ids) || got.Next != tc.next {
			t.Errorf("movements?%s = %v next %q, want %v next %q", tc.query, ids, got.Next, tc.ids, tc.next)
		}
	}

	rep, err := e.db.Verify(context.Background())
	if err != nil || len(rep.Problems) != 0 || rep.Movements != 7 {
		t.Errorf("verify: %+v, %v", rep, err)
	}
}

func TestCountWithoutDifference(t *testing.T) {
	e := newEnv(t, nil)
	e.seed()
	// A count that finds what the ledger says writes a movement with no legs.
	m, _ := e.post(app.Clerk, http.StatusCreated, `{"kind":"count","idempotency_key":"cc-0","lines":[{"sku":"W-1","location":"A-01","counted":0}]}`)
	if len(m.Legs) != 0 {
		t.Errorf("legs = %+v, want none", m.Legs)
	}
	r := e.do(app.Viewer, "GET", "/api/v1/movements/1", "").must(t, http.StatusOK, nil)
	if !strings.Contains(string(r.Body), `"legs":[]`) {
		t.Errorf("legs should be [] in %s", r.Body)
	}
}

func TestHealthzIsPublic(t *testing.T) {
	e := newEnv(t, nil)
	r := e.do("", "GET", "/healthz", "")
	if r.Status != http.StatusOK || string(r.Body) != "ok\n" || r.Header.Get("X-Request-Id") == "" {
		t.Errorf("healthz = %d %q, request id %q", r.Status, r.Body, r.Header.Get("X-Request-Id"))
	}
}
