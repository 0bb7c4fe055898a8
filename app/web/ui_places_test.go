package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"depot/app"
)

// seedPlaces makes WH > A > A-01 > (A-01-001, A-01-002), WH > EMPTY, a
// lot-tracked variant with lot L-77 in two bins and a plain one.
func seedPlaces(t testing.TB, e *uiEnv) int64 {
	t.Helper()
	ctx := context.Background()
	for _, l := range []app.NewLocation{
		{Code: "WH", Name: "Main", Kind: app.KindSite},
		{Code: "A", Name: "Zone A", Kind: app.KindZone, Parent: "WH"},
		{Code: "A-01", Kind: app.KindAisle, Parent: "A"},
		{Code: "A-01-001", Kind: app.KindBin, Parent: "A-01"},
		{Code: "A-01-002", Kind: app.KindBin, Parent: "A-01"},
		{Code: "EMPTY", Name: "Spare zone", Kind: app.KindZone, Parent: "WH"},
	} {
		if _, err := e.db.CreateLocation(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.db.CreateProduct(ctx, app.NewProduct{Name: "Walnut Shelf", Variants: []app.NewVariant{
		{SKU: "WS-1", TrackLots: true, GTIN: "4006381333931"}, {SKU: "WS-2"}}}); err != nil {
		t.Fatal(err)
	}
	for i, cmd := range []app.PostMovement{
		{Kind: app.Receive, Lines: []app.MovementLine{{SKU: "WS-1", Qty: 30, To: "A-01-001", Lot: &app.LotRef{Code: "L-77", ExpiresOn: "2026-12-20"}},
			{SKU: "WS-2", Qty: 5, To: "A-01-002"}}},
		{Kind: app.Move, Lines: []app.MovementLine{{SKU: "WS-1", Qty: 8, From: "A-01-001", To: "A-01-002", Lot: &app.LotRef{Code: "L-77"}}}},
	} {
		cmd.IdempotencyKey = fmt.Sprint("places-", i)
		if _, _, err := e.db.PostMovement(ctx, cmd); err != nil {
			t.Fatal(err)
		}
	}
	lots, err := e.db.Lots(ctx, app.LotFilter{SKU: "WS-1"})
	if err != nil || len(lots) != 1 {
		t.Fatalf("lots: %v %v", lots, err)
	}
	return lots[0].ID
}

func TestSearchPage(t *testing.T) {
	e := newUIEnv(t, false)
	lot := seedPlaces(t, e)
	b := e.signIn("vic", app.Viewer)
	r := b.get("/search?q=walnut")
	r.has(t, 200, `id="found-variants"`, "WS-1", "WS-2", "Variants")
	b.get("/search?q=a-01-00").has(t, 200, `id="found-places"`, "A-01-001", "A-01-002")
	b.get("/search?q=L-7").has(t, 200, `id="found-lots"`, "L-77", fmt.Sprintf(`href="/lots/%d"`, lot))
	b.get("/search?q=qqqq").has(t, 200, "Nothing found for “qqqq”")
	b.get("/variants/WS-1").has(t, 200, `id="on-order-note"`, `<strong id="on-order">0</strong>`, `href="/lots?sku=WS-1"`)
	for q, to := range map[string]string{
		"ws-1": "/variants/WS-1", "4006381333931": "/variants/WS-1", "a-01-002": "/locations/A-01-002",
		"L-77": fmt.Sprintf("/lots/%d", lot),
	} {
		r := b.get("/search?q=" + url.QueryEscape(q))
		if r.Status != 303 || r.Header.Get("Location") != to {
			t.Errorf("search %q: %d to %q, want 303 to %s", q, r.Status, r.Header.Get("Location"), to)
		}
	}
	// Typing (htmx) gets the results fragment, never a redirect.
	r = b.send("GET", "/search?q=ws-1", nil, map[string]string{"HX-Request": "true"})
	r.has(t, 200, `id="search-results"`, "WS-1")
	if strings.Contains(string(r.Body), "<html") {
		t.Error("typing got a whole page")
	}
}

func TestPlacesPages(t *testing.T) {
	e := newUIEnv(t, false)
	seedPlaces(t, e)
	viewer := e.signIn("vic", app.Viewer)
	manager := e.signIn("max", app.Manager)

	t.Run("TotalsIncludeChildren", func(t *testing.T) {
		viewer.get("/places").has(t, 200, `data-code="WH"`, `<td class="num on-hand">35</td>`)
		r := viewer.get("/locations/A")
		r.has(t, 200, `id="place-total">35 on hand`, `data-code="A-01"`)
		if strings.Contains(string(r.Body), "/edit") {
			t.Error("a viewer sees the edit link")
		}
		manager.get("/locations/A").has(t, 200, `href="/locations/A/edit"`)
	})
	t.Run("ViewerCannotEdit", func(t *testing.T) {
		viewer.get("/locations/A/edit").has(t, 403)
		before := dumpLocations(t, e)
		viewer.post("/places", "/locations/A/archive", url.Values{}).has(t, 403)
		if dumpLocations(t, e) != before {
			t.Error("a viewer's archive wrote")
		}
	})
	t.Run("BadInputKeepsForm", func(t *testing.T) {
		for _, tc := range []struct {
			name   string
			form   url.Values
			status int
			texts  []string
		}{
			{"Cycle", url.Values{"code": {"A"}, "parent": {"A-01-001"}, "name": {"Zone Aye"}}, 400,
				[]string{"A-01-001 is under A", `value="Zone Aye"`, `value="A-01-001"`}},
			{"UnknownParent", url.Values{"code": {"A"}, "parent": {"NOPE"}}, 404, []string{"no location has code", `value="NOPE"`}},
			{"CodeTaken", url.Values{"code": {"EMPTY"}, "parent": {"WH"}}, 409, []string{"Code: location code EMPTY is already in use"}},
			{"BadWeight", url.Values{"code": {"A"}, "parent": {"WH"}, "max_weight": {"12kgs"}}, 400, []string{"Max weight", `value="12kgs"`}},
			{"BadWalk", url.Values{"code": {"A"}, "parent": {"WH"}, "walk_seq": {"first"}}, 400, []string{"Walk sequence", `value="first"`}},
			{"BadTemperature", url.Values{"code": {"A"}, "parent": {"WH"}, "temperature": {"lukewarm"}}, 400, []string{"Temperature zone: "}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := dumpLocations(t, e)
				manager.post("/locations/A/edit", "/locations/A/edit", tc.form).has(t, tc.status, tc.texts...)
				if dumpLocations(t, e) != before {
					t.Error("a refused edit wrote")
				}
			})
		}
	})
	t.Run("ArchiveWithStockRefused", func(t *testing.T) {
		before := dumpLocations(t, e)
		manager.post("/locations/A/edit", "/locations/A/archive", url.Values{}).
			has(t, 409, "A cannot be archived: 35 units in 3 stock levels are at it or below it")
		if dumpLocations(t, e) != before {
			t.Error("a refused archive wrote")
		}
	})
	t.Run("EditMoveAndArchive", func(t *testing.T) {
		r := manager.post("/locations/A-01-002/edit", "/locations/A-01-002/edit", url.Values{"code": {"E-01"}, "name": {"Cold bin"},
			"parent": {"EMPTY"}, "walk_seq": {"4"}, "temperature": {"chilled"}, "max_weight": {"12.5"}, "category_tags": {"Food, fragile"}})
		if r.Status != 303 || r.Header.Get("Location") != "/locations/E-01" {
			t.Fatalf("edit: %d %s", r.Status, r.Body)
		}
		manager.get("/locations/E-01").has(t, 200, "Place E-01 saved.", "chilled", "12.5 kg", "food, fragile", `href="/locations/EMPTY"`)
		manager.get("/locations/EMPTY").has(t, 200, `id="place-total">13 on hand`)
		manager.get("/locations/A").has(t, 200, `id="place-total">22 on hand`)
		r = manager.post("/places/new", "/places", url.Values{"code": {"SPARE-1"}, "kind": {"bin"}, "parent": {"WH"}})
		if r.Status != 303 {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		r = manager.post("/locations/SPARE-1/edit", "/locations/SPARE-1/archive", url.Values{})
		if r.Status != 303 || r.Header.Get("Location") != "/locations/WH" {
			t.Fatalf("archive: %d %s", r.Status, r.Body)
		}
		var archived int
		e.raw.QueryRow(`SELECT archived FROM locations WHERE code = 'SPARE-1'`).Scan(&archived)
		if archived != 1 {
			t.Error("SPARE-1 is not archived")
		}
	})
	t.Run("CreateBadKindKeepsForm", func(t *testing.T) {
		before := e.count("locations")
		manager.post("/places/new", "/places", url.Values{"code": {"X-9"}, "kind": {"cupboard"}, "name": {"Odd"}}).
			has(t, 400, "Kind: ", `value="X-9"`, `value="Odd"`)
		if e.count("locations") != before {
			t.Error("a refused create wrote")
		}
	})
}

func TestLotsPages(t *testing.T) {
	e := newUIEnv(t, false)
	lot := seedPlaces(t, e)
	clerk := e.signIn("cleo", app.Clerk)
	manager := e.signIn("max", app.Manager)
	lotPath := fmt.Sprintf("/lots/%d", lot)

	clerk.get("/lots?expiring=3650").has(t, 200, "L-77", "WS-1")
	clerk.get("/lots?status=hold").has(t, 200, "No lots match.")
	clerk.get("/lots?expiring=soon").has(t, 400, "Expiring within (days): ", `value="soon"`)
	clerk.get("/lots?sku=NOPE").has(t, 404, "no variant has SKU")
	clerk.get("/lots?status=lost").has(t, 400, "Status: ")
	r := clerk.get(lotPath)
	r.has(t, 200, "L-77", "A-01-001", "22", "A-01-002", "8", "2026-12-20")
	if strings.Contains(string(r.Body), "Change status") {
		t.Error("a clerk is offered the status form")
	}
	clerk.post(lotPath, lotPath+"/status", url.Values{"action": {"hold"}, "reason": {"x"}}).has(t, 403)

	t.Run("BadInput", func(t *testing.T) {
		for _, tc := range []struct {
			form   url.Values
			status int
			texts  []string
		}{
			{url.Values{"action": {"hold"}, "reason": {" "}}, 400, []string{"Reason: is required"}},
			{url.Values{"action": {"burn"}, "reason": {"smoke"}}, 400, []string{"Action: ", `value="smoke"`}},
			{url.Values{"action": {"release"}, "reason": {"all good"}}, 409, []string{"already available", `value="all good"`}},
		} {
			manager.post(lotPath, lotPath+"/status", tc.form).has(t, tc.status, tc.texts...)
			if e.count("lot_status_changes") != 0 {
				t.Fatal("a refused status change wrote")
			}
		}
	})
	r = manager.post(lotPath, lotPath+"/status", url.Values{"action": {"hold"}, "reason": {"label misprint"}})
	if r.Status != 303 {
		t.Fatalf("hold: %d %s", r.Status, r.Body)
	}
	manager.get(lotPath).has(t, 200, `data-status="hold"`, "available → hold", "max", "label misprint")
	manager.get("/lots?status=hold").has(t, 200, "L-77")

	t.Run("Details", func(t *testing.T) {
		var before string
		e.raw.QueryRow(`SELECT json_array(manufactured_on, certificate_ref) FROM lots WHERE id = ?`, lot).Scan(&before)
		manager.post(lotPath, lotPath+"/details", url.Values{"manufactured_on": {"2026-13-01"}, "certificate_ref": {"COA-1"}}).
			has(t, 400, "Made on (YYYY-MM-DD): ", `value="COA-1"`)
		manager.post(lotPath, lotPath+"/details", url.Values{"manufactured_on": {"2999-01-01"}}).has(t, 400, "is in the future")
		var after string
		e.raw.QueryRow(`SELECT json_array(manufactured_on, certificate_ref) FROM lots WHERE id = ?`, lot).Scan(&after)
		if after != before || before != "[null,null]" {
			t.Errorf("refused details wrote: %s -> %s", before, after)
		}
		clerk.post(lotPath, lotPath+"/details", url.Values{"certificate_ref": {"X"}}).has(t, 403)
		r := manager.post(lotPath, lotPath+"/details", url.Values{"manufactured_on": {"2026-10-01"}, "certificate_ref": {"COA-2026-0042"}})
		if r.Status != 303 {
			t.Fatalf("details: %d %s", r.Status, r.Body)
		}
		manager.get(lotPath).has(t, 200, "<dd>2026-10-01</dd>", "<dd>COA-2026-0042</dd>")
	})
}

// dumpLocations returns every row of locations, to prove a refused
// change wrote nothing.
func dumpLocations(t *testing.T, e *uiEnv) string {
	t.Helper()
	var s string
	if err := e.raw.QueryRow(`SELECT group_concat(json_array(id, code, name, kind, parent_id, walk_seq, attributes, archived), ';')
		FROM (SELECT * FROM locations ORDER BY id)`).Scan(&s); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(s, `"A-01-001"`) {
		t.Fatalf("locations dump lacks A-01-001: %s", s)
	}
	return s
}
