package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"depot/app"
	"depot/app/putaway"
)

var chosenRe = regexp.MustCompile(`<input type="radio" name="chosen" id="chosen-(\d)" value="([^"]+)"( checked)?`)

func TestFloorPutaway(t *testing.T) {
	e := newUIEnv(t, false)
	b := e.owner()
	putawayLayout(t, e.db)

	b.get("/floor").has(t, 200, `href="/floor/putaway"`)
	first := b.get("/floor/putaway")
	first.has(t, 200, `id="putaway-waiting"`, "MUG", "PEAS", `href="/floor/putaway?from=DOCK&amp;item=MUG"`,
		// The one dock is filled in; the item is the step to scan.
		`name="from" type="text" value="DOCK"`, `href="/settings/putaway"`)

	t.Run("WaitingListIsLive", func(t *testing.T) {
		first.has(t, 200, `sse-connect="/events"`, `hx-get="/floor/putaway/waiting"`, `hx-trigger="sse:movement throttle:2s"`)
		if _, _, err := e.db.PostMovement(context.Background(), app.PostMovement{Kind: app.Receive, IdempotencyKey: "more-peas",
			Lines: []app.MovementLine{{SKU: "PEAS", Qty: 5, To: "DOCK"}}}); err != nil {
			t.Fatal(err)
		}
		r := b.get("/floor/putaway/waiting")
		r.has(t, 200, `id="putaway-waiting"`, `<td class="num">25</td>`)
		if strings.Contains(string(r.Body), "<html") {
			t.Errorf("the fragment is a whole page")
		}
		if _, _, err := e.db.PostMovement(context.Background(), app.PostMovement{Kind: app.Ship, IdempotencyKey: "less-peas",
			Lines: []app.MovementLine{{SKU: "PEAS", Qty: 5, From: "DOCK"}}}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ScanItemGetsSuggestions", func(t *testing.T) {
		r := b.get("/floor/putaway?from=DOCK&item=MUG&qty=5")
		r.has(t, 200, `id="putaway-suggestions"`, `data-location="A-01"`, "0 kg of 10 kg used, 5 kg after",
			"fast mover, near packing (walk 100)", "ambient zone matches", `name="to"`)
		m := chosenRe.FindAllStringSubmatch(string(r.Body), -1)
		if len(m) != 3 || m[0][2] != "A-01" || m[0][3] == "" || m[1][3] != "" {
			t.Fatalf("choices %v; want A-01 first and checked", m)
		}
		if strings.Contains(string(r.Body), `data-location="F-01"`) {
			t.Errorf("mugs offered a frozen bin")
		}
	})
	t.Run("EmptyQtyTakesAllThatWaits", func(t *testing.T) {
		b.get("/floor/putaway?item=PEAS").has(t, 200, "<strong>20</strong>", `data-location="F-01"`, "frozen zone matches")
	})

	t.Run("WrongBinRefused", func(t *testing.T) {
		before := e.count("movements")
		key := formKey(t, b, "/floor/putaway?from=DOCK&item=MUG&qty=5")
		r := b.post("/floor/putaway?from=DOCK&item=MUG&qty=5", "/floor/putaway", url.Values{"key": {key}, "from": {"DOCK"},
			"item": {"MUG"}, "qty": {"5"}, "chosen": {"A-01"}, "to": {"A-02"}})
		r.has(t, http.StatusConflict, `id="f-to-error"`, "you scanned bin A-02 but chose bin A-01", `value="`+key+`"`)
		if e.count("movements") != before || e.count("putaway_tasks") != 0 {
			t.Errorf("a refused putaway wrote")
		}
	})
	t.Run("FrozenToAmbientRefused", func(t *testing.T) {
		key := formKey(t, b, "/floor/putaway?item=PEAS")
		r := b.post("/floor/putaway", "/floor/putaway", url.Values{"key": {key}, "from": {"DOCK"},
			"item": {"PEAS"}, "qty": {"20"}, "chosen": {"A-02"}, "to": {"A-02"}})
		r.has(t, http.StatusConflict, "A-02 is in the ambient zone; PEAS needs frozen")
	})

	t.Run("ScanTheChosenBin", func(t *testing.T) {
		key := formKey(t, b, "/floor/putaway?from=DOCK&item=MUG&qty=5")
		f := url.Values{"key": {key}, "from": {"DOCK"}, "item": {"MUG"}, "qty": {"5"}, "chosen": {"A-01"}, "to": {"a-01"}}
		r := b.post("/floor/putaway", "/floor/putaway", f)
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/floor/putaway?from=DOCK" {
			t.Fatalf("putaway: %d %s %s", r.Status, r.Header.Get("Location"), r.Body)
		}
		b.get("/floor/putaway?from=DOCK").has(t, 200, "Put away 5 MUG into A-01 (task 1")
		if a, d := onHand(t, e, "MUG", "A-01"), onHand(t, e, "MUG", "DOCK"); a != 5 || d != 25 {
			t.Errorf("A-01 %d, DOCK %d; want 5, 25", a, d)
		}
		var status, to, suggested string
		if err := e.raw.QueryRow(`SELECT t.status, l.code, s.code FROM putaway_tasks t JOIN locations l ON l.id = t.to_id
			JOIN locations s ON s.id = t.suggested_id`).Scan(&status, &to, &suggested); err != nil || status != "done" || to != "A-01" || suggested != "A-01" {
			t.Errorf("task: %s %s %s %v", status, to, suggested, err)
		}
		movements := e.count("movements")
		if r := b.post("/floor/putaway", "/floor/putaway", f); r.Status != http.StatusSeeOther || e.count("movements") != movements {
			t.Errorf("double submit: %d, movements %d -> %d", r.Status, movements, e.count("movements"))
		}
		b.get("/floor/putaway").has(t, 200, "Already put away as task 1")
	})

	t.Run("LotFromTheDock", func(t *testing.T) {
		ctx := context.Background()
		if _, err := e.db.CreateProduct(ctx, app.NewProduct{Name: "Tea", Variants: []app.NewVariant{{SKU: "TEA", TrackLots: true}}}); err != nil {
			t.Fatal(err)
		}
		receive := func(key, lot string) {
			if _, _, err := e.db.PostMovement(ctx, app.PostMovement{Kind: app.Receive, IdempotencyKey: key,
				Lines: []app.MovementLine{{SKU: "TEA", Qty: 4, To: "DOCK", Lot: &app.LotRef{Code: lot}}}}); err != nil {
				t.Fatal(err)
			}
		}
		// One lot waits: scanning the SKU alone means it.
		receive("tea-1", "L1")
		b.get("/floor/putaway?item=TEA").has(t, 200, `name="lot" value="L1"`, "<strong>4</strong>")
		// Two lots: the lot is asked for.
		receive("tea-2", "L2")
		b.get("/floor/putaway?item=TEA").has(t, 400, `id="f-lot-error"`, "TEA waits in lots L1, L2: scan or type the lot")
		b.get("/floor/putaway?item=TEA&lot=L2").has(t, 200, `name="lot" value="L2"`)
	})

	t.Run("BadScans", func(t *testing.T) {
		for _, c := range []struct {
			query, field, msg string
			status            int
		}{
			{"item=NOPE", "item", "is not a SKU, GTIN, case barcode, location or lot", 404},
			{"item=A-01", "item", "is a location, not an item", 400},
			{"item=MUG&qty=500", "qty", "only 25 of MUG wait on dock DOCK", 409},
			{"item=MUG&qty=ten", "qty", "not a whole number", 400},
			{"item=MUG&from=A-02", "from", "not a dock", 400},
		} {
			r := b.get("/floor/putaway?" + c.query)
			if r.Status < 400 || !strings.Contains(string(r.Body), `id="f-`+c.field+`-error"`) || !strings.Contains(string(r.Body), c.msg) {
				t.Errorf("%s: %d, want %q at %s:\n%s", c.query, r.Status, c.msg, c.field, r.Body)
			}
		}
	})

	t.Run("Roles", func(t *testing.T) {
		picker := e.signIn("pia", app.Picker)
		if r := picker.get("/floor/putaway"); r.Status != http.StatusForbidden {
			t.Errorf("picker: %d", r.Status)
		}
		clerk := e.signIn("cleo", app.Clerk)
		clerk.get("/floor/putaway").has(t, 200, "MUG")
		if strings.Contains(string(clerk.get("/floor/putaway").Body), "/settings/putaway") {
			t.Errorf("clerk sees the settings link")
		}
		if r := clerk.get("/settings/putaway"); r.Status != http.StatusForbidden {
			t.Errorf("clerk on settings: %d", r.Status)
		}
	})
}

func TestPutawaySettingsPage(t *testing.T) {
	e := newUIEnv(t, false)
	b := e.owner()
	b.get("/settings/putaway").has(t, 200, `name="velocity" type="text" value="20"`, `name="consolidate" type="text" value="40"`)
	form := url.Values{}
	for _, r := range putaway.Rules {
		form.Set(r.Name, "10")
	}
	form.Set("velocity", "101")
	b.post("/settings/putaway", "/settings/putaway", form).has(t, 400, `id="f-velocity-error"`, "from 0 to 100", `name="fefo" type="text" value="10"`)
	form.Set("velocity", "")
	b.post("/settings/putaway", "/settings/putaway", form).has(t, 400, `id="f-velocity-error"`, "is required")
	form.Set("velocity", "75")
	if r := b.post("/settings/putaway", "/settings/putaway", form); r.Status != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.Status, r.Body)
	}
	w, err := e.db.PutawayWeights(context.Background())
	if err != nil || w.Velocity != 75 || w.Consolidate != 10 {
		t.Errorf("stored %+v %v", w, err)
	}
	b.get("/settings/putaway").has(t, 200, "Putaway rule weights saved.", `name="velocity" type="text" value="75"`)
}
