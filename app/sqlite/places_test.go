package sqlite_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"depot/app"
	"depot/app/sqlite"
)

// treeFixture: WH > A > A-01 > (A-01-001, A-01-002), WH > B > B-01 and
// WH > EMPTY > EMPTY-1; stock: A-01-001 12, A-01-002 4, B-01 7.
func treeFixture(t *testing.T) *sqlite.DB {
	t.Helper()
	db := MustOpen(t, sqlite.Options{})
	ctx := context.Background()
	for _, l := range []app.NewLocation{
		{Code: "WH", Kind: app.KindSite},
		{Code: "A", Kind: app.KindZone, Parent: "WH", WalkSeq: 2},
		{Code: "B", Kind: app.KindZone, Parent: "WH", WalkSeq: 1},
		{Code: "A-01", Kind: app.KindAisle, Parent: "A"},
		{Code: "A-01-001", Kind: app.KindBin, Parent: "A-01"},
		{Code: "A-01-002", Kind: app.KindBin, Parent: "A-01"},
		{Code: "B-01", Kind: app.KindBin, Parent: "B"},
		{Code: "EMPTY", Kind: app.KindZone, Parent: "WH", WalkSeq: 3},
		{Code: "EMPTY-1", Kind: app.KindBin, Parent: "EMPTY"},
	} {
		if _, err := db.CreateLocation(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	MustProduct(t, db, "Widget", false, "W-1", "W-2")
	MustPost(t, db, app.Receive, app.MovementLine{SKU: "W-1", Qty: 10, To: "A-01-001"}, app.MovementLine{SKU: "W-2", Qty: 4, To: "A-01-002"})
	MustPost(t, db, app.Receive, app.MovementLine{SKU: "W-1", Qty: 9, To: "B-01"})
	MustPost(t, db, app.Move, app.MovementLine{SKU: "W-1", Qty: 2, From: "B-01", To: "A-01-001"})
	return db
}

func TestPlaceTotals(t *testing.T) {
	db := treeFixture(t)
	ctx := context.Background()
	kids, err := db.PlaceChildren(ctx, "WH")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, k := range kids {
		got = append(got, k.Code+":"+itoa(k.OnHand)+"/"+itoa(k.Levels)+"/"+itoa(k.Places))
	}
	// By walk sequence: B (1), A (2), EMPTY (3).
	if want := "B:7/1/1 A:16/2/1 EMPTY:0/0/1"; strings.Join(got, " ") != want {
		t.Errorf("children of WH = %v, want %s", got, want)
	}
	top, err := db.PlaceChildren(ctx, "")
	if err != nil || len(top) != 1 || top[0].Code != "WH" || top[0].OnHand != 23 {
		t.Errorf("top of tree = %+v, %v; want WH with 23", top, err)
	}
	n, err := db.Place(ctx, "A-01")
	if err != nil || n.OnHand != 16 || n.Levels != 2 || n.Places != 2 || n.Parent != "A" {
		t.Errorf("Place(A-01) = %+v, %v", n, err)
	}
	// The totals equal a sum over the levels themselves.
	var sum int64
	if err := mustRaw(t, db.Path).QueryRow(`SELECT sum(on_hand) FROM inventory_levels WHERE physical = 1`).Scan(&sum); err != nil || sum != 23 {
		t.Errorf("levels sum %d, %v", sum, err)
	}
	if _, err := db.PlaceChildren(ctx, "NOPE"); app.ErrorCode(err) != app.ENOTFOUND {
		t.Errorf("children of unknown place: %v", err)
	}
}

func TestUpdatePlace(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, code string
		u          app.PlaceUpdate
		field      string // "" for success
		errCode    string
	}{
		{"Rename", "A-01", app.PlaceUpdate{Code: "A-1", Name: "Aisle one", Parent: "A"}, "", ""},
		{"Move", "A-01", app.PlaceUpdate{Code: "A-01", Parent: "B"}, "", ""},
		{"Attributes", "A-01-001", app.PlaceUpdate{Code: "A-01-001", Parent: "A-01", WalkSeq: 5,
			Attributes: app.PlaceAttributes{Temperature: "Chilled", MaxWeightMg: 25_000_000, CategoryTags: []string{"Food", " food", "fragile"}}}, "", ""},
		{"IntoItself", "A", app.PlaceUpdate{Code: "A", Parent: "A"}, "parent", app.EINVALID},
		{"BelowItself", "A", app.PlaceUpdate{Code: "A", Parent: "A-01-001"}, "parent", app.EINVALID},
		{"SiteUnderPlace", "WH", app.PlaceUpdate{Code: "WH", Parent: "A"}, "parent", app.EINVALID},
		{"UnknownParent", "A-01", app.PlaceUpdate{Code: "A-01", Parent: "ZZ"}, "parent", app.ENOTFOUND},
		{"VirtualParent", "A-01", app.PlaceUpdate{Code: "A-01", Parent: "vendor"}, "parent", app.EINVALID},
		{"VirtualPlace", "vendor", app.PlaceUpdate{Code: "vendor"}, "code", app.EINVALID},
		{"CodeTaken", "A-01", app.PlaceUpdate{Code: "B-01", Parent: "A"}, "code", app.ECONFLICT},
		{"BadCode", "A-01", app.PlaceUpdate{Code: "A 01", Parent: "A"}, "code", app.EINVALID},
		{"BadTemperature", "A-01", app.PlaceUpdate{Code: "A-01", Parent: "A", Attributes: app.PlaceAttributes{Temperature: "warm"}}, "temperature", app.EINVALID},
		{"NegativeWalk", "A-01", app.PlaceUpdate{Code: "A-01", Parent: "A", WalkSeq: -1}, "walk_seq", app.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := treeFixture(t)
			raw := mustRaw(t, db.Path)
			before := dumpLocations(t, db)
			l, err := db.UpdatePlace(ctx, tc.code, tc.u)
			if tc.field != "" {
				if app.ErrorCode(err) != tc.errCode || app.ErrorField(err) != tc.field {
					t.Fatalf("err = %v (code %s field %s), want %s on %s", err, app.ErrorCode(err), app.ErrorField(err), tc.errCode, tc.field)
				}
				if after := dumpLocations(t, db); after != before {
					t.Errorf("refused update wrote:\n%s\nwas:\n%s", after, before)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if l.Code != tc.u.Code || l.Parent != tc.u.Parent || l.Name != tc.u.Name {
				t.Errorf("updated = %+v", l)
			}
			if tc.name == "Attributes" {
				if string(l.Attributes) != `{"category_tags":["food","fragile"],"max_weight_mg":25000000,"temperature":"chilled"}` || l.WalkSeq != 5 {
					t.Errorf("attributes = %s walk %d", l.Attributes, l.WalkSeq)
				}
				a := app.ParsePlaceAttributes(l.Attributes)
				if a.Temperature != "chilled" || a.MaxWeightMg != 25_000_000 || len(a.CategoryTags) != 2 {
					t.Errorf("parsed %+v", a)
				}
			}
			if tc.name == "Move" {
				// A's total lost the aisle's 16 units, B gained them.
				var a, b int64
				kids, _ := db.PlaceChildren(ctx, "WH")
				for _, k := range kids {
					switch k.Code {
					case "A":
						a = k.OnHand
					case "B":
						b = k.OnHand
					}
				}
				if a != 0 || b != 23 {
					t.Errorf("after move A=%d B=%d, want 0 and 23", a, b)
				}
				var parent string
				raw.QueryRow(`SELECT p.code FROM locations l JOIN locations p ON p.id = l.parent_id WHERE l.code = 'A-01'`).Scan(&parent)
				if parent != "B" {
					t.Errorf("parent in the table = %s", parent)
				}
			}
		})
	}
}

func TestArchivePlace(t *testing.T) {
	db := treeFixture(t)
	ctx := context.Background()
	err := db.ArchivePlace(ctx, "A")
	if app.ErrorCode(err) != app.ECONFLICT || !strings.Contains(app.ErrorMessage(err), "16 units in 2 stock levels") {
		t.Fatalf("archive A with stock: %v", err)
	}
	if err := db.ArchivePlace(ctx, "EMPTY"); err != nil {
		t.Fatal(err)
	}
	n, err := db.Place(ctx, "EMPTY-1")
	if err != nil || !n.Archived {
		t.Errorf("EMPTY-1 under archived EMPTY: %+v, %v", n, err)
	}
	kids, _ := db.PlaceChildren(ctx, "WH")
	for _, k := range kids {
		if k.Code == "EMPTY" {
			t.Errorf("archived EMPTY still listed")
		}
	}
	if _, err := Post(db, app.Receive, app.MovementLine{SKU: "W-1", Qty: 1, To: "EMPTY-1"}); err == nil {
		t.Error("receive into an archived bin was accepted")
	}
	if err := db.ArchivePlace(ctx, "EMPTY"); app.ErrorCode(err) != app.ECONFLICT {
		t.Errorf("archive twice: %v", err)
	}
	// Emptied, a bin can go.
	MustPost(t, db, app.Move, app.MovementLine{SKU: "W-1", Qty: 7, From: "B-01", To: "A-01-001"})
	if err := db.ArchivePlace(ctx, "B"); err != nil {
		t.Errorf("archive emptied B: %v", err)
	}
	if err := db.ArchivePlace(ctx, "customer"); app.ErrorCode(err) != app.EINVALID {
		t.Errorf("archive a virtual place: %v", err)
	}
}

func dumpLocations(t *testing.T, db *sqlite.DB) string {
	t.Helper()
	rows, err := mustRaw(t, db.Path).Query(`SELECT id, code, name, ifnull(parent_id, 0), walk_seq, attributes, archived FROM locations ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var vals [7]any
		ptrs := make([]any, 7)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		rows.Scan(ptrs...)
		j, _ := json.Marshal(vals)
		b.Write(j)
		b.WriteByte('\n')
	}
	return b.String()
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestVerifyFindsWrongPlaceTotals: totals changed behind the triggers'
// back are reported by verify, naming the place.
func TestVerifyFindsWrongPlaceTotals(t *testing.T) {
	db := treeFixture(t)
	ctx := context.Background()
	rep, err := db.Verify(ctx)
	if err != nil || len(rep.Problems) != 0 {
		t.Fatalf("fresh fixture: %v %v", rep, err)
	}
	mustExec(t, mustRaw(t, db.Path), `UPDATE location_totals SET on_hand = on_hand + 3
		WHERE location_id = (SELECT id FROM locations WHERE code = 'B-01')`)
	rep, err = db.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) != 1 || !strings.Contains(rep.Problems[0].What, "place totals of B-01 say 10 on hand, 0 reserved in 1 levels; its levels hold 7, 0 in 1") {
		t.Errorf("verify problems = %v", rep.Problems)
	}
}
