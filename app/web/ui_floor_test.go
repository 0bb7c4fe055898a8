package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"depot/app"
)

var keyRe = regexp.MustCompile(`name="key" value="([^"]+)"`)

// formKey returns the idempotency key of the floor form at path.
func formKey(t *testing.T, b *browser, path string) string {
	t.Helper()
	m := keyRe.FindSubmatch(b.get(path).Body)
	if m == nil {
		t.Fatalf("no key on %s", path)
	}
	return string(m[1])
}

// floorEnv is a warehouse with two bins, a mug with a case of 12 and a
// lot-tracked tea with a GTIN.
func floorEnv(t *testing.T) (*uiEnv, *browser) {
	e := newUIEnv(t, false)
	b := e.owner()
	ctx := context.Background()
	for _, l := range []app.NewLocation{{Code: "WH", Kind: app.KindSite}, {Code: "A-01", Kind: app.KindBin, Parent: "WH"},
		{Code: "B-02", Kind: app.KindBin, Parent: "WH"}} {
		if _, err := e.db.CreateLocation(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	_, err := e.db.CreateProduct(ctx, app.NewProduct{Name: "Mug", Variants: []app.NewVariant{
		{SKU: "MUG-BLU", GTIN: "4006381333931", Packagings: []app.Packaging{{Name: "case of 12", Qty: 12, Barcode: "CASE-MUG-BLU"}}},
		{SKU: "TEA", GTIN: "09506000134352", TrackLots: true}}})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = e.db.PostMovement(ctx, app.PostMovement{Kind: app.Receive, IdempotencyKey: "r1", Lines: []app.MovementLine{
		{SKU: "MUG-BLU", Qty: 100, To: "A-01"}, {SKU: "TEA", Qty: 30, To: "A-01", Lot: &app.LotRef{Code: "L42"}}}})
	if err != nil {
		t.Fatal(err)
	}
	return e, b
}

func onHand(t *testing.T, e *uiEnv, sku, loc string) int64 {
	t.Helper()
	ls, err := e.db.Stock(context.Background(), app.StockFilter{SKU: sku, Location: loc})
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, l := range ls {
		n += l.OnHand
	}
	return n
}

func TestFloorMove(t *testing.T) {
	e, b := floorEnv(t)
	t.Run("CaseBarcodeCountsItsPackSize", func(t *testing.T) {
		key := formKey(t, b, "/floor/move")
		f := url.Values{"key": {key}, "from": {"A-01"}, "item": {"CASE-MUG-BLU"}, "qty": {"2"}, "to": {"B-02"}}
		r := b.post("/floor/move", "/floor/move", f)
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/floor/move?from=A-01" {
			t.Fatalf("move: %d %s %s", r.Status, r.Header.Get("Location"), r.Body)
		}
		// The same form sent again posts nothing.
		movements := e.count("movements")
		r = b.post("/floor/move", "/floor/move", f)
		if r.Status != http.StatusSeeOther || e.count("movements") != movements {
			t.Fatalf("double submit: %d, movements %d -> %d", r.Status, movements, e.count("movements"))
		}
		b.get("/floor/move").has(t, 200, "Already posted")
		if a, bb := onHand(t, e, "MUG-BLU", "A-01"), onHand(t, e, "MUG-BLU", "B-02"); a != 76 || bb != 24 {
			t.Errorf("after moving 2 cases: A-01 %d, B-02 %d; want 76, 24", a, bb)
		}
	})
	t.Run("GS1BarcodeFillsGTINAndLot", func(t *testing.T) {
		code := "]C1" + "0109506000134352" + "10L42" + "\x1d" + "17261231"
		f := url.Values{"key": {formKey(t, b, "/floor/move")}, "from": {"A-01"}, "item": {code}, "qty": {"5"}, "to": {"B-02"}}
		if r := b.post("/floor/move", "/floor/move", f); r.Status != http.StatusSeeOther {
			t.Fatalf("GS1 move: %d %s", r.Status, r.Body)
		}
		ls, _ := e.db.Stock(context.Background(), app.StockFilter{SKU: "TEA", Location: "B-02"})
		if len(ls) != 1 || ls[0].Lot != "L42" || ls[0].OnHand != 5 {
			t.Errorf("TEA at B-02: %+v", ls)
		}
	})
	t.Run("BadInputNamesTheStep", func(t *testing.T) {
		before := e.count("movements")
		for _, c := range []struct {
			name       string
			form       url.Values
			field, msg string
		}{
			{"UnknownItem", url.Values{"item": {"NOPE"}}, "item", "is not a SKU, GTIN, case barcode, location or lot"},
			{"BinAsItem", url.Values{"item": {"B-02"}}, "item", "is a location, not an item"},
			{"UnknownSource", url.Values{"from": {"Z-99"}}, "from", "no location has code"},
			{"SameBin", url.Values{"to": {"A-01"}}, "to", "is the source bin"},
			{"TooMany", url.Values{"qty": {"500"}}, "qty", "not enough stock"},
			{"NotANumber", url.Values{"qty": {"ten"}}, "qty", "not a whole number"},
			{"LotMissing", url.Values{"item": {"TEA"}}, "lot", "tracked by lot"},
			{"BadGS1", url.Values{"item": {"]C10109506000134353"}}, "item", "GS1"},
		} {
			t.Run(c.name, func(t *testing.T) {
				f := url.Values{"key": {formKey(t, b, "/floor/move")}, "from": {"A-01"}, "item": {"MUG-BLU"}, "qty": {"1"}, "to": {"B-02"}}
				for k, v := range c.form {
					f[k] = v
				}
				r := b.post("/floor/move", "/floor/move", f)
				if r.Status < 400 {
					t.Fatalf("status %d", r.Status)
				}
				body := string(r.Body)
				if !strings.Contains(body, `id="f-`+c.field+`-error"`) || !strings.Contains(body, c.msg) {
					t.Errorf("want %q at %s:\n%s", c.msg, c.field, body)
				}
				if !strings.Contains(body, `value="`+f.Get("key")+`"`) {
					t.Errorf("the refused form lost its key")
				}
			})
		}
		if n := e.count("movements"); n != before {
			t.Errorf("refused moves wrote %d movements", n-before)
		}
	})
	t.Run("WithoutCSRFRefused", func(t *testing.T) {
		before := e.count("movements")
		r := b.send("POST", "/floor/move", url.Values{"key": {"k-x"}, "from": {"A-01"}, "item": {"MUG-BLU"}, "to": {"B-02"}}, nil)
		if r.Status != 403 || e.count("movements") != before {
			t.Errorf("POST without token: %d, movements %d -> %d", r.Status, before, e.count("movements"))
		}
	})
	t.Run("ViewerCannotMove", func(t *testing.T) {
		v := e.signIn("vic", app.Viewer)
		if r := v.get("/floor/move"); r.Status != 403 {
			t.Errorf("viewer GET /floor/move: %d", r.Status)
		}
	})
}

func TestFloorAdjustAndCount(t *testing.T) {
	e, b := floorEnv(t)
	t.Run("AdjustNeedsAReason", func(t *testing.T) {
		f := url.Values{"key": {formKey(t, b, "/floor/adjust")}, "bin": {"A-01"}, "item": {"4006381333931"}, "qty": {"3"}, "direction": {"out"}}
		b.post("/floor/adjust", "/floor/adjust", f).has(t, 400, `id="f-reason-error"`)
		f.Set("reason", "damaged")
		if r := b.post("/floor/adjust", "/floor/adjust", f); r.Status != http.StatusSeeOther {
			t.Fatalf("adjust: %d %s", r.Status, r.Body)
		}
		if n := onHand(t, e, "MUG-BLU", "A-01"); n != 97 {
			t.Errorf("A-01 after 3 damaged: %d", n)
		}
		var reason string
		e.raw.QueryRow(`SELECT reason FROM movements WHERE kind = 'adjust'`).Scan(&reason)
		if reason != "damaged" {
			t.Errorf("reason %q", reason)
		}
	})
	t.Run("CountAsksAgainWhenTheDifferenceIsLarge", func(t *testing.T) {
		page := b.get("/floor/count?bin=A-01&blind=1")
		page.has(t, 200, `data-sku="MUG-BLU"`, `data-sku="TEA"`)
		if strings.Contains(string(page.Body), "System: 97") {
			t.Errorf("a blind count shows the system's quantity")
		}
		key := keyRe.FindSubmatch(page.Body)[1]
		lines := regexp.MustCompile(`name="l(\d)\.sku" value="([^"]+)"`).FindAllSubmatch(page.Body, -1)
		f := url.Values{"key": {string(key)}, "bin": {"A-01"}, "blind": {"1"}, "lines": {"2"}, "extra": {"3"}}
		for _, l := range lines {
			i, sku := string(l[1]), string(l[2])
			f.Set("l"+i+".sku", sku)
			if sku == "TEA" {
				f.Set("l"+i+".lot", "L42")
				f.Set("l"+i+".counted", "29") // 1 of 30 missing: small
			} else {
				f.Set("l"+i+".counted", "80") // 17 of 97 missing: large
			}
		}
		before := e.count("movements")
		r := b.post("/floor/count?bin=A-01", "/floor/count", f)
		r.has(t, 409, `id="recount"`, "Second count")
		if e.count("movements") != before {
			t.Fatal("a count with a large difference was posted before the second count")
		}
		for _, l := range lines {
			if string(l[2]) == "MUG-BLU" {
				f.Set("l"+string(l[1])+".recount", "81")
			}
		}
		if r := b.post("/floor/count?bin=A-01", "/floor/count", f); r.Status != http.StatusSeeOther {
			t.Fatalf("count: %d %s", r.Status, r.Body)
		}
		if n := onHand(t, e, "MUG-BLU", "A-01"); n != 81 {
			t.Errorf("MUG-BLU at A-01 after the count: %d, want 81 (the second count)", n)
		}
		if n := onHand(t, e, "TEA", "A-01"); n != 29 {
			t.Errorf("TEA at A-01 after the count: %d, want 29", n)
		}
		var kind string
		e.raw.QueryRow(`SELECT kind FROM movements ORDER BY id DESC LIMIT 1`).Scan(&kind)
		if kind != "count" || e.count("movements") != before+1 {
			t.Errorf("last movement %s, %d new; want one count", kind, e.count("movements")-before)
		}
	})
	t.Run("FoundStockByCase", func(t *testing.T) {
		// B-02 is empty: two cases of mugs are found there.
		page := b.get("/floor/count?bin=B-02")
		page.has(t, 200, `name="lines" value="0"`)
		f := url.Values{"key": {string(keyRe.FindSubmatch(page.Body)[1])}, "bin": {"B-02"}, "lines": {"0"}, "extra": {"3"},
			"x1.item": {"CASE-MUG-BLU"}, "x1.counted": {"2"}}
		b.post("/floor/count?bin=B-02", "/floor/count", f).has(t, 409, `id="f-x1-recount"`)
		f.Set("x1.recount", "2")
		if r := b.post("/floor/count?bin=B-02", "/floor/count", f); r.Status != http.StatusSeeOther {
			t.Fatalf("count: %d %s", r.Status, r.Body)
		}
		if n := onHand(t, e, "MUG-BLU", "B-02"); n != 24 {
			t.Errorf("MUG-BLU at B-02: %d, want 24 (two cases of 12)", n)
		}
		f = url.Values{"key": {"k-bad"}, "bin": {"B-02"}, "lines": {"0"}, "extra": {"3"}, "x2.item": {"A-01"}, "x2.counted": {"1"}}
		b.post("/floor/count?bin=B-02", "/floor/count", f).has(t, 400, `id="f-x2-item-error"`, "is a location, not an item")
	})
	t.Run("ScanOpensTheRightPage", func(t *testing.T) {
		for code, want := range map[string]string{"MUG-BLU": "/variants/MUG-BLU", "]E04006381333931": "/variants/MUG-BLU",
			"CASE-MUG-BLU": "/variants/MUG-BLU", "a-01": "/locations/A-01", "L42": "/variants/TEA",
			"]d2\x1d0109506000134352": "/variants/TEA"} {
			r := b.get("/scan?code=" + url.QueryEscape(code))
			if r.Status != http.StatusSeeOther || r.Header.Get("Location") != want {
				t.Errorf("scan %q: %d to %q, want %s", code, r.Status, r.Header.Get("Location"), want)
			}
		}
		b.get("/scan?code=NOTHING").has(t, 404, `&#34;NOTHING&#34; is not a SKU, GTIN, case barcode, location or lot`)
	})
}
