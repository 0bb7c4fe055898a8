package web_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"depot/app"
	"depot/app/sqlite"
	"depot/app/web"
)

// putawayLayout gives db a site with a dock, a frozen zone (F-01, F-02) and
// an ambient zone (A-01 near packing with a 10 kg limit, A-02, A-03), and
// on the dock 20 frozen peas and 30 mugs of 1 kg.
func putawayLayout(t testing.TB, db *sqlite.DB) {
	t.Helper()
	ctx := context.Background()
	for _, l := range []app.NewLocation{
		{Code: "WH", Kind: app.KindSite},
		{Code: "DOCK", Kind: app.KindDock, Parent: "WH"},
		{Code: "PACK", Kind: app.KindStaging, Parent: "WH"},
		{Code: "Z-F", Kind: app.KindZone, Parent: "WH", Attributes: []byte(`{"temperature":"frozen"}`)},
		{Code: "F-01", Kind: app.KindBin, Parent: "Z-F", WalkSeq: 500},
		{Code: "F-02", Kind: app.KindBin, Parent: "Z-F", WalkSeq: 600},
		{Code: "Z-A", Kind: app.KindZone, Parent: "WH", Attributes: []byte(`{"temperature":"ambient"}`)},
		{Code: "A-01", Kind: app.KindBin, Parent: "Z-A", WalkSeq: 100, Attributes: []byte(`{"max_weight_mg":10000000}`)},
		{Code: "A-02", Kind: app.KindBin, Parent: "Z-A", WalkSeq: 200},
		{Code: "A-03", Kind: app.KindBin, Parent: "Z-A", WalkSeq: 300},
	} {
		if _, err := db.CreateLocation(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []app.NewProduct{
		{Name: "Peas", Variants: []app.NewVariant{{SKU: "PEAS", UnitWeightMg: 500_000, Attributes: []byte(`{"temperature":"frozen"}`)}}},
		{Name: "Mug", Variants: []app.NewVariant{{SKU: "MUG", UnitWeightMg: 1_000_000}}},
	} {
		if _, err := db.CreateProduct(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	for i, cmd := range []app.PostMovement{
		{Kind: app.Receive, Lines: []app.MovementLine{{SKU: "PEAS", Qty: 21, To: "DOCK"}, {SKU: "MUG", Qty: 40, To: "DOCK"}}},
		// Mugs are the fast mover.
		{Kind: app.Ship, Lines: []app.MovementLine{{SKU: "MUG", Qty: 10, From: "DOCK"}, {SKU: "PEAS", Qty: 1, From: "DOCK"}}},
	} {
		cmd.IdempotencyKey = "setup-" + string(rune('a'+i))
		if _, _, err := db.PostMovement(ctx, cmd); err != nil {
			t.Fatal(err)
		}
	}
}

func putawayEnv(t *testing.T) *env {
	e := newEnv(t, func(s *web.Services) { s.Putaway = s.Ledger.(*sqlite.DB) })
	putawayLayout(t, e.db)
	return e
}

type suggestionsJSON struct {
	SKU         string `json:"sku"`
	Suggestions []struct {
		Location string `json:"location"`
		Score    int    `json:"score"`
		Reasons  []struct {
			Rule   string `json:"rule"`
			Points int    `json:"points"`
			Text   string `json:"text"`
		} `json:"reasons"`
	} `json:"suggestions"`
	WrongTemperature int    `json:"wrong_temperature"`
	OverWeight       int    `json:"over_weight"`
	Note             string `json:"note"`
}

func TestPutawaySuggestionsAPI(t *testing.T) {
	e := putawayEnv(t)
	var got suggestionsJSON
	e.do(app.Viewer, "GET", "/api/v1/putaway/suggestions?sku=MUG&qty=5", "").must(t, 200, &got)
	if len(got.Suggestions) != 3 || got.Suggestions[0].Location != "A-01" || got.SKU != "MUG" || got.WrongTemperature != 2 {
		t.Fatalf("mugs: %+v", got)
	}
	top := got.Suggestions[0]
	sum := 0
	texts := map[string]string{}
	for _, r := range top.Reasons {
		sum += r.Points
		texts[r.Rule] = r.Text
	}
	if sum != top.Score || len(top.Reasons) != 7 {
		t.Errorf("A-01: score %d, reasons add to %d: %+v", top.Score, sum, top.Reasons)
	}
	if texts["weight"] != "0 kg of 10 kg used, 5 kg after" || texts["velocity"] != "fast mover, near packing (walk 100)" ||
		texts["temperature"] != "ambient zone matches" {
		t.Errorf("A-01 reasons %q", texts)
	}
	// 20 mugs are over A-01's limit.
	got = suggestionsJSON{}
	e.do(app.Clerk, "GET", "/api/v1/putaway/suggestions?sku=MUG&qty=20", "").must(t, 200, &got)
	if len(got.Suggestions) != 2 || got.Suggestions[0].Location != "A-02" || got.OverWeight != 1 {
		t.Errorf("20 mugs: %+v", got)
	}
	// Frozen peas only to the frozen zone.
	got = suggestionsJSON{}
	e.do(app.Clerk, "GET", "/api/v1/putaway/suggestions?sku=PEAS&qty=20&from=DOCK", "").must(t, 200, &got)
	if len(got.Suggestions) != 2 || !strings.HasPrefix(got.Suggestions[0].Location, "F-") || !strings.HasPrefix(got.Suggestions[1].Location, "F-") {
		t.Errorf("peas: %+v", got)
	}
	for _, c := range []struct {
		query  string
		status int
		field  string
	}{
		{"qty=5", 400, "sku"},
		{"sku=MUG", 400, "qty"},
		{"sku=MUG&qty=ten", 400, "qty"},
		{"sku=MUG&qty=0", 400, "qty"},
		{"sku=NOPE&qty=1", 404, "sku"},
		{"sku=MUG&qty=1&lot=L1", 400, "lot"},
		{"sku=MUG&qty=1&from=A-01", 400, "from"},
		{"sku=MUG&qty=1&bin=A-01", 400, "bin"},
	} {
		r := e.do(app.Clerk, "GET", "/api/v1/putaway/suggestions?"+c.query, "")
		if r.Status != c.status {
			t.Errorf("%s: status %d, want %d: %s", c.query, r.Status, c.status, r.Body)
			continue
		}
		if _, _, f := r.errorOf(t); f != c.field {
			t.Errorf("%s: field %q, want %q: %s", c.query, f, c.field, r.Body)
		}
	}
	if r := e.do("", "GET", "/api/v1/putaway/suggestions?sku=MUG&qty=1", ""); r.Status != 401 {
		t.Errorf("without a token: %d", r.Status)
	}
}

func TestPutawayAPI(t *testing.T) {
	e := putawayEnv(t)
	body := `{"sku":"MUG","qty":5,"from":"DOCK","to":"A-01","idempotency_key":"pa-1"}`
	var first struct {
		Task struct {
			ID         int64  `json:"id"`
			To         string `json:"to"`
			Suggested  string `json:"suggested"`
			Score      int    `json:"score"`
			Status     string `json:"status"`
			MovementID int64  `json:"movement_id"`
		} `json:"task"`
	}
	r := e.do(app.Clerk, "POST", "/api/v1/putaway", body).must(t, 201, &first)
	if first.Task.To != "A-01" || first.Task.Suggested != "A-01" || first.Task.Status != "done" || first.Task.MovementID == 0 {
		t.Errorf("task %s", r.Body)
	}
	var levels []app.Level
	if levels, _ = e.db.Stock(context.Background(), app.StockFilter{SKU: "MUG", Location: "A-01"}); len(levels) != 1 || levels[0].OnHand != 5 {
		t.Errorf("A-01 holds %+v", levels)
	}
	before := e.counts()
	again := e.do(app.Clerk, "POST", "/api/v1/putaway", body).must(t, 200, nil)
	if again.Header.Get("Idempotent-Replayed") != "true" || !bytes.Equal(again.Body, r.Body) {
		t.Errorf("replay: %s\nfirst: %s", again.Body, r.Body)
	}
	for _, c := range []struct {
		name, role, body string
		status           int
		field, msg       string
	}{
		{"WrongBin", "clerk", `{"sku":"MUG","qty":1,"from":"DOCK","to":"A-02","chosen":"A-03","idempotency_key":"x1"}`, 409, "to",
			"you scanned bin A-02 but chose bin A-03"},
		{"FrozenToAmbient", "clerk", `{"sku":"PEAS","qty":1,"from":"DOCK","to":"A-02","idempotency_key":"x2"}`, 409, "to",
			"A-02 is in the ambient zone; PEAS needs frozen"},
		{"OverWeight", "clerk", `{"sku":"MUG","qty":6,"from":"DOCK","to":"A-01","idempotency_key":"x3"}`, 409, "to",
			"would exceed its weight limit"},
		{"KeyReused", "clerk", `{"sku":"MUG","qty":4,"from":"DOCK","to":"A-01","idempotency_key":"pa-1"}`, 409, "idempotency_key", "already used"},
		{"NoKey", "clerk", `{"sku":"MUG","qty":1,"from":"DOCK","to":"A-02"}`, 400, "idempotency_key", "required"},
		{"UnknownField", "clerk", `{"sku":"MUG","qty":1,"from":"DOCK","to":"A-02","idempotency_key":"x4","bin":"A-02"}`, 400, "bin", ""},
		{"NotEnough", "clerk", `{"sku":"MUG","qty":99,"from":"DOCK","to":"A-02","idempotency_key":"x5"}`, 409, "qty", "not enough"},
		{"Picker", "picker", `{"sku":"MUG","qty":1,"from":"DOCK","to":"A-02","idempotency_key":"x6"}`, 403, "", "may not receive goods"},
		{"Viewer", "viewer", `{"sku":"MUG","qty":1,"from":"DOCK","to":"A-02","idempotency_key":"x7"}`, 403, "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := e.do(app.Role(c.role), "POST", "/api/v1/putaway", c.body)
			if r.Status != c.status {
				t.Fatalf("status %d, want %d: %s", r.Status, c.status, r.Body)
			}
			_, msg, field := r.errorOf(t)
			if field != c.field || !strings.Contains(msg, c.msg) {
				t.Errorf("%s: %q, want %q at %q", field, msg, c.msg, c.field)
			}
		})
	}
	after := e.counts()
	for table, n := range before {
		if after[table] != n {
			t.Errorf("%s: %d rows before, %d after refused putaways", table, n, after[table])
		}
	}
	var waiting struct {
		Waiting []struct {
			Dock, SKU string
			Qty       int64
		} `json:"waiting"`
	}
	e.do(app.Viewer, "GET", "/api/v1/putaway/waiting", "").must(t, 200, &waiting)
	if len(waiting.Waiting) != 2 || waiting.Waiting[0].SKU != "MUG" || waiting.Waiting[0].Qty != 25 || waiting.Waiting[1].Qty != 20 {
		t.Errorf("waiting %+v", waiting)
	}
}
