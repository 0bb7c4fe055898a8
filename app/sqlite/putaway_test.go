package sqlite_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"depot/app"
	"depot/app/putaway"
	"depot/app/sqlite"
)

// putawaySite is a site with a dock and a packing area at walk 0, a frozen
// zone of two bins, and an ambient zone tagged for kitchen goods: A-01
// (10 kg limit, near packing), A-02 and A-03, and a shelf S-01 with a
// capacity of 20 units. Peas are frozen; mugs (1 kg) are kitchen goods;
// yoghurt is tracked by lot. 40 peas and 30 mugs wait on the dock.
func putawaySite(t *testing.T) (*sqlite.DB, *sql.DB) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "depot.db")
	db, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	raw, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	ctx := context.Background()
	for _, l := range []app.NewLocation{
		{Code: "WH", Kind: app.KindSite},
		{Code: "DOCK", Kind: app.KindDock, Parent: "WH"},
		{Code: "PACK", Kind: app.KindStaging, Parent: "WH"},
		{Code: "Z-F", Kind: app.KindZone, Parent: "WH", Attributes: []byte(`{"temperature":"frozen"}`)},
		{Code: "F-01", Kind: app.KindBin, Parent: "Z-F", WalkSeq: 500},
		{Code: "F-02", Kind: app.KindBin, Parent: "Z-F", WalkSeq: 600},
		{Code: "Z-A", Kind: app.KindZone, Parent: "WH", Attributes: []byte(`{"temperature":"ambient","category_tags":["kitchen"]}`)},
		{Code: "A-01", Kind: app.KindBin, Parent: "Z-A", WalkSeq: 100, Attributes: []byte(`{"max_weight_mg":10000000}`)},
		{Code: "A-02", Kind: app.KindBin, Parent: "Z-A", WalkSeq: 200},
		{Code: "A-03", Kind: app.KindBin, Parent: "Z-A", WalkSeq: 300},
		{Code: "S-01", Kind: app.KindShelf, Parent: "Z-A", WalkSeq: 1000, Attributes: []byte(`{"capacity_units":20}`)},
	} {
		if _, err := db.CreateLocation(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []app.NewProduct{
		{Name: "Peas", Category: "Frozen", Variants: []app.NewVariant{{SKU: "PEAS", UnitWeightMg: 500_000, Attributes: []byte(`{"temperature":"frozen"}`)}}},
		{Name: "Mug", Category: "Kitchen", Variants: []app.NewVariant{{SKU: "MUG", UnitWeightMg: 1_000_000}, {SKU: "CUP", UnitWeightMg: 200_000}}},
		{Name: "Yoghurt", Category: "Kitchen", Variants: []app.NewVariant{{SKU: "YOG", UnitWeightMg: 100_000, TrackLots: true}}},
	} {
		if _, err := db.CreateProduct(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	MustPost(t, db, app.Receive, app.MovementLine{SKU: "PEAS", Qty: 41, To: "DOCK"},
		app.MovementLine{SKU: "MUG", Qty: 40, To: "DOCK"}, app.MovementLine{SKU: "CUP", Qty: 5, To: "A-03"},
		app.MovementLine{SKU: "YOG", Qty: 12, To: "DOCK", Lot: &app.LotRef{Code: "NEW", ExpiresOn: "2027-05-01"}},
		app.MovementLine{SKU: "YOG", Qty: 4, To: "A-02", Lot: &app.LotRef{Code: "OLD", ExpiresOn: "2027-02-01"}})
	// Mugs move fast (rank 1 of 2), peas at medium pace (rank 2 of 2);
	// yoghurt has not shipped.
	MustPost(t, db, app.Ship, app.MovementLine{SKU: "MUG", Qty: 10, From: "DOCK"}, app.MovementLine{SKU: "PEAS", Qty: 1, From: "DOCK"})
	return db, raw
}

func locations(res *putaway.Result) string {
	var out []string
	for _, s := range res.Suggestions {
		out = append(out, s.Location)
	}
	return strings.Join(out, " ")
}

func rows(t *testing.T, raw *sql.DB, table string) int {
	t.Helper()
	var n int
	if err := raw.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPutawaySuggestions(t *testing.T) {
	db, _ := putawaySite(t)
	ctx := context.Background()
	suggest := func(q putaway.Query) *putaway.Result {
		t.Helper()
		res, err := db.PutawaySuggestions(ctx, q)
		if err != nil {
			t.Fatalf("%+v: %v", q, err)
		}
		return res
	}
	t.Run("FrozenInheritsTheZone", func(t *testing.T) {
		res := suggest(putaway.Query{SKU: "PEAS", Qty: 10, From: "DOCK"})
		if got := locations(res); got != "F-01 F-02" || res.WrongTemperature != 4 {
			t.Fatalf("peas to %q (%d in other zones); want F-01 F-02", got, res.WrongTemperature)
		}
		if r := res.Suggestions[0].Reasons[0]; r.Text != "frozen zone matches" {
			t.Errorf("reason %+v", r)
		}
	})
	t.Run("WeightLimitAndCapacity", func(t *testing.T) {
		// 30 kg of mugs: over A-01's 10 kg and S-01's 20 units.
		res := suggest(putaway.Query{SKU: "MUG", Qty: 30})
		if got := locations(res); got != "A-02 A-03" || res.OverWeight != 1 || res.OverCapacity != 1 {
			t.Fatalf("30 mugs to %q (over weight %d, capacity %d)", got, res.OverWeight, res.OverCapacity)
		}
		// 5 kg fit A-01, near packing, with room.
		res = suggest(putaway.Query{SKU: "MUG", Qty: 5})
		if res.Suggestions[0].Location != "A-01" {
			t.Fatalf("5 mugs to %s first", locations(res))
		}
		var weight string
		for _, r := range res.Suggestions[0].Reasons {
			if r.Rule == putaway.RuleWeight {
				weight = r.Text
			}
		}
		if weight != "0 kg of 10 kg used, 5 kg after" {
			t.Errorf("weight reason %q", weight)
		}
	})
	t.Run("FEFOAvoidsTheOlderLot", func(t *testing.T) {
		res := suggest(putaway.Query{SKU: "YOG", Lot: "NEW", Qty: 12, N: 5})
		if res.Suggestions[len(res.Suggestions)-1].Location != "A-02" {
			t.Errorf("yoghurt lot NEW: %s; A-02 (older lot OLD) should be last", locations(res))
		}
	})
	t.Run("MovesAreSeen", func(t *testing.T) {
		// Mugs moved into A-03 make it the bin to consolidate into.
		MustPost(t, db, app.Move, app.MovementLine{SKU: "MUG", Qty: 2, From: "DOCK", To: "A-03"})
		res := suggest(putaway.Query{SKU: "MUG", Qty: 5})
		if res.Suggestions[0].Location != "A-03" || res.Suggestions[0].Reasons[2].Text != "same SKU already here" {
			t.Fatalf("after a move into A-03: %s %+v", locations(res), res.Suggestions[0].Reasons)
		}
		// And out again.
		MustPost(t, db, app.Move, app.MovementLine{SKU: "MUG", Qty: 2, From: "A-03", To: "DOCK"})
		if res := suggest(putaway.Query{SKU: "MUG", Qty: 5}); res.Suggestions[0].Location != "A-01" {
			t.Fatalf("after moving out of A-03: %s", locations(res))
		}
	})
	reason := func(res *putaway.Result, bin, rule string) string {
		for _, s := range res.Suggestions {
			for _, r := range s.Reasons {
				if s.Location == bin && r.Rule == rule {
					return r.Text
				}
			}
		}
		return "(" + bin + " not suggested)"
	}
	t.Run("VariantEditsAreSeen", func(t *testing.T) {
		MustPost(t, db, app.Move, app.MovementLine{SKU: "MUG", Qty: 2, From: "DOCK", To: "A-01"})
		if got := reason(suggest(putaway.Query{SKU: "MUG", Qty: 5}), "A-01", putaway.RuleWeight); got != "2 kg of 10 kg used, 7 kg after" {
			t.Errorf("2 mugs in A-01: %q", got)
		}
		e, err := db.VariantEdit(ctx, "MUG")
		if err != nil {
			t.Fatal(err)
		}
		e.UnitWeightMg = 2_000_000
		if err := db.UpdateVariant(ctx, *e); err != nil {
			t.Fatal(err)
		}
		// 2 mugs of 2 kg now: 10 kg more do not fit, 6 kg do.
		if res := suggest(putaway.Query{SKU: "MUG", Qty: 5}); res.OverWeight != 1 || strings.Contains(locations(res), "A-01") {
			t.Errorf("5 mugs of 2 kg: %q, over weight %d", locations(res), res.OverWeight)
		}
		if got := reason(suggest(putaway.Query{SKU: "MUG", Qty: 3}), "A-01", putaway.RuleWeight); got != "4 kg of 10 kg used, 10 kg after" {
			t.Errorf("3 mugs of 2 kg: %q", got)
		}
	})
	t.Run("PlaceEditsAreSeen", func(t *testing.T) {
		if _, err := db.SetLocationAttribute(ctx, "A-03", "temperature", json.RawMessage(`"frozen"`)); err != nil {
			t.Fatal(err)
		}
		res := suggest(putaway.Query{SKU: "PEAS", Qty: 1, N: 5})
		if got := locations(res); got != "F-01 F-02 A-03" && got != "A-03 F-01 F-02" {
			t.Errorf("after A-03 became frozen: peas to %q", got)
		}
		// The bins kept their contents through the layout's reload.
		if got := reason(res, "A-03", putaway.RuleConsolidate); got != "shares the bin with 1 other SKU" {
			t.Errorf("A-03 (5 cups) after the edit: %q", got)
		}
		if got := reason(suggest(putaway.Query{SKU: "MUG", Qty: 3}), "A-01", putaway.RuleWeight); got != "4 kg of 10 kg used, 10 kg after" {
			t.Errorf("A-01 after the edit: %q", got)
		}
		// A shelf that holds stock becomes a bin when its one bin is
		// archived: it comes with what is on it.
		for _, l := range []app.NewLocation{{Code: "SH", Kind: app.KindShelf, Parent: "Z-A", WalkSeq: 900},
			{Code: "SH-1", Kind: app.KindBin, Parent: "SH", WalkSeq: 901}} {
			if _, err := db.CreateLocation(ctx, l); err != nil {
				t.Fatal(err)
			}
		}
		MustPost(t, db, app.Receive, app.MovementLine{SKU: "CUP", Qty: 3, To: "SH"})
		if got := locations(suggest(putaway.Query{SKU: "CUP", Qty: 1, N: 10})); strings.Contains(got, "SH ") || !strings.Contains(got, "SH-1") {
			t.Errorf("with SH-1 under it, SH is no bin: %q", got)
		}
		if err := db.ArchivePlace(ctx, "SH-1"); err != nil {
			t.Fatal(err)
		}
		if got := reason(suggest(putaway.Query{SKU: "CUP", Qty: 1, N: 10}), "SH", putaway.RuleConsolidate); got != "same SKU already here" {
			t.Errorf("shelf SH after SH-1 was archived: %q", got)
		}
		if _, err := db.CreateLocation(ctx, app.NewLocation{Code: "F-03", Kind: app.KindBin, Parent: "Z-F", WalkSeq: 50}); err != nil {
			t.Fatal(err)
		}
		if got := locations(suggest(putaway.Query{SKU: "PEAS", Qty: 1, N: 5})); !strings.Contains(got, "F-03") {
			t.Errorf("new bin F-03 not suggested: %q", got)
		}
	})
	t.Run("BadQueries", func(t *testing.T) {
		for _, c := range []struct {
			q     putaway.Query
			field string
		}{
			{putaway.Query{SKU: "NOPE", Qty: 1}, "sku"},
			{putaway.Query{SKU: "MUG", Qty: 0}, "qty"},
			{putaway.Query{SKU: "YOG", Qty: 1}, "lot"},
			{putaway.Query{SKU: "YOG", Lot: "X", Qty: 1}, "lot"},
			{putaway.Query{SKU: "MUG", Lot: "X", Qty: 1}, "lot"},
			{putaway.Query{SKU: "MUG", Qty: 1, From: "A-01"}, "from"},
			{putaway.Query{SKU: "MUG", Qty: 1, From: "NOWHERE"}, "from"},
		} {
			if _, err := db.PutawaySuggestions(ctx, c.q); app.ErrorField(err) != c.field {
				t.Errorf("%+v: %v, want an error for %s", c.q, err, c.field)
			}
		}
	})
}

func TestPutaway(t *testing.T) {
	db, raw := putawaySite(t)
	ctx := context.Background()
	cmd := putaway.Command{SKU: "MUG", Qty: 5, From: "DOCK", To: "A-01", Chosen: "A-01", IdempotencyKey: "k1"}
	task, replayed, err := db.Putaway(ctx, cmd)
	if err != nil || replayed {
		t.Fatalf("putaway: %v (replayed %v)", err, replayed)
	}
	if task.To != "A-01" || task.Suggested != "A-01" || task.Status != "done" || task.MovementID == 0 || task.Score <= 0 {
		t.Errorf("task %+v", task)
	}
	if OnHand(t, db, "MUG", "A-01") != 5 || OnHand(t, db, "MUG", "DOCK") != 25 {
		t.Errorf("after putaway: A-01 %d, DOCK %d", OnHand(t, db, "MUG", "A-01"), OnHand(t, db, "MUG", "DOCK"))
	}
	m, err := db.Movement(ctx, task.MovementID)
	if err != nil || m.Kind != app.Move || m.Reference == nil || m.Reference.Type != "putaway" || m.Reference.ID != itoa(task.ID) {
		t.Errorf("movement %+v %v", m, err)
	}
	var status string
	var to, suggested, score, movement int64
	if err := raw.QueryRow(`SELECT status, to_id, suggested_id, score, movement_id FROM putaway_tasks WHERE id = ?`, task.ID).
		Scan(&status, &to, &suggested, &score, &movement); err != nil || status != "done" || movement != task.MovementID ||
		score != int64(task.Score) || to != suggested {
		t.Errorf("row: %s to %d suggested %d score %d movement %d: %v", status, to, suggested, score, movement, err)
	}

	t.Run("Replay", func(t *testing.T) {
		before := rows(t, raw, "movements")
		again, replayed, err := db.Putaway(ctx, cmd)
		if err != nil || !replayed || again.ID != task.ID || again.MovementID != task.MovementID {
			t.Fatalf("replay: %+v %v %v", again, replayed, err)
		}
		if rows(t, raw, "movements") != before || rows(t, raw, "putaway_tasks") != 1 {
			t.Errorf("replay wrote")
		}
		other := cmd
		other.Qty = 6
		if _, _, err := db.Putaway(ctx, other); app.ErrorCode(err) != app.ECONFLICT || app.ErrorField(err) != "idempotency_key" {
			t.Errorf("same key, other qty: %v", err)
		}
	})

	t.Run("Refused", func(t *testing.T) {
		movements, tasks := rows(t, raw, "movements"), rows(t, raw, "putaway_tasks")
		for _, c := range []struct {
			name  string
			cmd   putaway.Command
			code  string
			field string
			msg   string
		}{
			{"WrongBin", putaway.Command{SKU: "MUG", Qty: 1, From: "DOCK", To: "A-02", Chosen: "A-03"}, app.ECONFLICT, "to",
				"you scanned bin A-02 but chose bin A-03"},
			{"FrozenToAmbient", putaway.Command{SKU: "PEAS", Qty: 1, From: "DOCK", To: "A-02"}, app.ECONFLICT, "to",
				"A-02 is in the ambient zone; PEAS needs frozen"},
			{"AmbientToFrozen", putaway.Command{SKU: "MUG", Qty: 1, From: "DOCK", To: "F-01"}, app.ECONFLICT, "to",
				"F-01 is in the frozen zone; MUG needs ambient"},
			{"OverWeight", putaway.Command{SKU: "MUG", Qty: 6, From: "DOCK", To: "A-01"}, app.ECONFLICT, "to",
				"A-01 holds 5 kg of 10 kg; 6 of MUG (6 kg) would exceed its weight limit"},
			{"OverCapacity", putaway.Command{SKU: "MUG", Qty: 21, From: "DOCK", To: "S-01"}, app.ECONFLICT, "to",
				"S-01 has room for 20 of its 20 units"},
			{"NotADock", putaway.Command{SKU: "CUP", Qty: 1, From: "A-03", To: "A-02"}, app.EINVALID, "from",
				"A-03 is a bin, not a dock"},
			{"NotABin", putaway.Command{SKU: "MUG", Qty: 1, From: "DOCK", To: "Z-A"}, app.EINVALID, "to",
				"Z-A is a zone, not a bin"},
			{"NotEnough", putaway.Command{SKU: "MUG", Qty: 26, From: "DOCK", To: "A-02"}, app.ECONFLICT, "qty", "not enough"},
			{"LotMissing", putaway.Command{SKU: "YOG", Qty: 1, From: "DOCK", To: "A-03"}, app.EINVALID, "lot", "tracked by lot"},
			{"NoBin", putaway.Command{SKU: "MUG", Qty: 1, From: "DOCK"}, app.EINVALID, "to", "required"},
		} {
			t.Run(c.name, func(t *testing.T) {
				c.cmd.IdempotencyKey = "refused-" + c.name
				_, _, err := db.Putaway(ctx, c.cmd)
				if app.ErrorCode(err) != c.code || app.ErrorField(err) != c.field || !strings.Contains(app.ErrorMessage(err), c.msg) {
					t.Errorf("%v (code %s, field %s); want %s at %s saying %q", err, app.ErrorCode(err), app.ErrorField(err), c.code, c.field, c.msg)
				}
			})
		}
		if rows(t, raw, "movements") != movements || rows(t, raw, "putaway_tasks") != tasks {
			t.Errorf("refused putaways wrote rows")
		}
	})

	t.Run("LotToTheBinWithoutOlderLots", func(t *testing.T) {
		res, err := db.PutawaySuggestions(ctx, putaway.Query{SKU: "YOG", Lot: "NEW", Qty: 12})
		if err != nil {
			t.Fatal(err)
		}
		top := res.Suggestions[0].Location
		task, _, err := db.Putaway(ctx, putaway.Command{SKU: "YOG", Lot: "NEW", Qty: 12, From: "DOCK", To: top, IdempotencyKey: "yog"})
		if err != nil || task.Lot != "NEW" || top == "A-02" {
			t.Fatalf("yoghurt to %s: %+v %v", top, task, err)
		}
		if OnHand(t, db, "YOG", top) != 12 {
			t.Errorf("yoghurt at %s: %d", top, OnHand(t, db, "YOG", top))
		}
	})

	t.Run("LinksTheReceiptLine", func(t *testing.T) {
		// A receipt as the receiving side writes it (set up here with SQL).
		_, err := raw.Exec(`INSERT INTO receipts (id, idempotency_key, request_hash, dock_id, received_at)
			VALUES (7, 'rcpt-7', zeroblob(32), (SELECT id FROM locations WHERE code = 'DOCK'), 0);
			INSERT INTO receipt_lines (id, receipt_id, variant_id, qty, condition, location_id)
			VALUES (70, 7, (SELECT id FROM variants WHERE sku = 'PEAS'), 41, 'ok', (SELECT id FROM locations WHERE code = 'DOCK'))`)
		if err != nil {
			t.Fatal(err)
		}
		task, _, err := db.Putaway(ctx, putaway.Command{SKU: "PEAS", Qty: 10, From: "DOCK", To: "F-01", IdempotencyKey: "peas"})
		if err != nil {
			t.Fatal(err)
		}
		var line int64
		if err := raw.QueryRow(`SELECT receipt_line_id FROM putaway_tasks WHERE id = ?`, task.ID).Scan(&line); err != nil || line != 70 {
			t.Errorf("receipt line %d (%v), want 70", line, err)
		}
	})

	t.Run("Waiting", func(t *testing.T) {
		w, err := db.PutawayWaiting(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, x := range w {
			got = append(got, x.Dock+":"+x.SKU+":"+itoa(x.Qty))
		}
		if strings.Join(got, " ") != "DOCK:MUG:25 DOCK:PEAS:30" {
			t.Errorf("waiting %v", got)
		}
	})

	report, err := db.Verify(ctx)
	if err != nil || len(report.Problems) > 0 {
		t.Errorf("verify: %+v %v", report, err)
	}
}

func TestPutawayWeightsSetting(t *testing.T) {
	db := MustOpen(t, sqlite.Options{})
	ctx := context.Background()
	w, err := db.PutawayWeights(ctx)
	if err != nil || w != putaway.DefaultWeights {
		t.Fatalf("defaults: %+v %v", w, err)
	}
	w.Velocity, w.Consolidate = 90, 0
	if err := db.SetPutawayWeights(ctx, w); err != nil {
		t.Fatal(err)
	}
	if got, err := db.PutawayWeights(ctx); err != nil || got != w {
		t.Errorf("stored %+v, read %+v %v", w, got, err)
	}
	w.FEFO = 101
	if err := db.SetPutawayWeights(ctx, w); app.ErrorField(err) != "fefo" {
		t.Errorf("fefo 101: %v", err)
	}
}

// TestPutawayShelfLimit: the bins of a rack share its weight limit, in the
// suggestions (kept as stock moves) and when a bin is scanned.
func TestPutawayShelfLimit(t *testing.T) {
	db := MustOpen(t, sqlite.Options{})
	ctx := context.Background()
	for _, l := range []app.NewLocation{
		{Code: "WH", Kind: app.KindSite},
		{Code: "DOCK", Kind: app.KindDock, Parent: "WH"},
		{Code: "R", Kind: app.KindRack, Parent: "WH", Attributes: []byte(`{"max_weight_mg":20000000}`)},
		{Code: "R-1", Kind: app.KindBin, Parent: "R", WalkSeq: 10},
		{Code: "R-2", Kind: app.KindBin, Parent: "R", WalkSeq: 20},
		{Code: "X-1", Kind: app.KindBin, Parent: "WH", WalkSeq: 30},
	} {
		if _, err := db.CreateLocation(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.CreateProduct(ctx, app.NewProduct{Name: "Mug", Variants: []app.NewVariant{{SKU: "MUG", UnitWeightMg: 1_000_000}}}); err != nil {
		t.Fatal(err)
	}
	MustPost(t, db, app.Receive, app.MovementLine{SKU: "MUG", Qty: 15, To: "R-1"}, app.MovementLine{SKU: "MUG", Qty: 10, To: "DOCK"})
	res, err := db.PutawaySuggestions(ctx, putaway.Query{SKU: "MUG", Qty: 10, From: "DOCK"})
	if err != nil || locations(res) != "X-1" || res.OverWeight != 2 {
		t.Fatalf("10 kg with 5 kg left on the rack: %q (over %d) %v", locations(res), res.OverWeight, err)
	}
	_, _, err = db.Putaway(ctx, putaway.Command{SKU: "MUG", Qty: 10, From: "DOCK", To: "R-2", IdempotencyKey: "r2"})
	if app.ErrorCode(err) != app.ECONFLICT || app.ErrorMessage(err) != "R-2 is in R, which holds 15 kg of 20 kg; 10 of MUG (10 kg) would exceed its weight limit" {
		t.Errorf("putaway into R-2: %v", err)
	}
	res, err = db.PutawaySuggestions(ctx, putaway.Query{SKU: "MUG", Qty: 5, From: "DOCK"})
	if err != nil || res.Suggestions[0].Location != "R-1" || res.Suggestions[0].Reasons[4].Text != "R: 15 kg of 20 kg used, 20 kg after" {
		t.Fatalf("5 kg: %+v %v", res.Suggestions, err)
	}
	// Moving 5 kg off the rack makes room for 10 kg in either of its bins.
	MustPost(t, db, app.Move, app.MovementLine{SKU: "MUG", Qty: 5, From: "R-1", To: "X-1"})
	res, err = db.PutawaySuggestions(ctx, putaway.Query{SKU: "MUG", Qty: 10, From: "DOCK"})
	if err != nil || res.OverWeight != 0 || len(res.Suggestions) != 3 {
		t.Fatalf("after moving 5 kg off the rack: %q (over %d) %v", locations(res), res.OverWeight, err)
	}
	if _, _, err := db.Putaway(ctx, putaway.Command{SKU: "MUG", Qty: 10, From: "DOCK", To: "R-2", IdempotencyKey: "r2"}); err != nil {
		t.Errorf("putaway into R-2 with room: %v", err)
	}
}

// TestPutawayNeverIntoQuarantine: a bin under a quarantine place holds
// damaged goods kept apart; it is never suggested, however near packing.
func TestPutawayNeverIntoQuarantine(t *testing.T) {
	db, _ := putawaySite(t)
	ctx := context.Background()
	for _, l := range []app.NewLocation{
		{Code: "QUAR", Kind: app.KindZone, Parent: "WH", Attributes: []byte(`{"quarantine":true,"temperature":"ambient","category_tags":["kitchen"]}`)},
		{Code: "Q-01", Kind: app.KindBin, Parent: "QUAR", WalkSeq: 1},
	} {
		if _, err := db.CreateLocation(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	res, err := db.PutawaySuggestions(ctx, putaway.Query{SKU: "MUG", Qty: 1, N: 10})
	if err != nil {
		t.Fatal(err)
	}
	if got := locations(res); strings.Contains(got, "Q-01") || got == "" {
		t.Fatalf("mugs to %q: the quarantine bin Q-01 must not be a candidate", got)
	}
}
