package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"depot/app"
	"depot/app/sqlite"
)

func TestBuildSynthetic(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "synth.db")
	var progress strings.Builder
	end := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	rep, err := sqlite.BuildSynthetic(ctx, path, sqlite.SynthOptions{SKUs: 200, Bins: 20, Legs: 20_000, End: end, Progress: &progress})
	if err != nil {
		t.Fatal(err)
	}
	if rep.SKUs != 200 || rep.Legs != 20_000 || rep.Locations != 1+1+1+1+20 {
		t.Errorf("report %+v, want 200 SKUs, 20000 legs, 24 locations (site, dock, zone, aisle, 20 bins)", rep)
	}
	if !strings.Contains(progress.String(), "20000 of 20000 legs") {
		t.Errorf("progress lacks the final count:\n%s", progress.String())
	}

	v, err := sqlite.VerifyFile(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Problems) != 0 {
		t.Fatalf("verify found problems: %v", v.Problems)
	}
	if got := pageSize(t, path); got != sqlite.PageSize {
		t.Errorf("synthetic file has %d-byte pages, want %d", got, sqlite.PageSize)
	}
	if v.Legs != 20_000 || v.Movements != rep.Movements || v.Levels != rep.Levels {
		t.Errorf("verify counted %d movements, %d legs, %d levels; built %d, 20000, %d", v.Movements, v.Legs, v.Levels, rep.Movements, rep.Levels)
	}

	raw := mustRaw(t, path)
	for _, tc := range []struct {
		name, query string
		want        int64
	}{
		{"ForeignKeyViolations", `SELECT count(*) FROM pragma_foreign_key_check`, 0},
		{"NegativePhysicalLevels", `SELECT count(*) FROM inventory_levels WHERE physical = 1 AND on_hand < 0`, 0},
		{"LevelsSum", `SELECT sum(on_hand) FROM inventory_levels`, 0},
		{"PhysicalLevelsEqualPhysicalLegs", `SELECT (SELECT sum(on_hand) FROM inventory_levels WHERE physical = 1) -
			(SELECT sum(t.qty) FROM inventory_transactions t JOIN locations l ON l.id = t.location_id WHERE l.kind <> 'virtual')`, 0},
		{"VendorBalanceEqualsReceipts", `SELECT (SELECT -on_hand FROM (SELECT sum(on_hand) AS on_hand FROM inventory_levels WHERE location_id =
			(SELECT id FROM locations WHERE code = 'vendor'))) - (SELECT sum(t.qty) FROM inventory_transactions t JOIN movements m
			ON m.id = t.movement_id WHERE m.kind = 'receive' AND t.qty > 0)`, 0},
		{"Bins", `SELECT count(*) FROM locations WHERE kind = 'bin'`, 20},
		{"LotTrackedLegsWithoutLot", `SELECT count(*) FROM inventory_transactions t JOIN variants v ON v.id = t.variant_id
			WHERE (v.track_lots = 1) <> (t.lot_id IS NOT NULL)`, 0},
		{"MovementsAfterEnd", `SELECT count(*) FROM movements WHERE posted_at > ` + strconv.FormatInt(end.UnixMilli(), 10), 0},
		{"MovementsBeforeTheYear", `SELECT count(*) FROM movements WHERE effective_at < ` + strconv.FormatInt(end.AddDate(-1, 0, -2).UnixMilli(), 10), 0},
		{"Journal", `SELECT count(*) FROM pragma_journal_mode WHERE journal_mode <> 'wal'`, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got sql.NullInt64
			if err := raw.QueryRow(tc.query).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got.Int64 != tc.want {
				t.Errorf("%s = %d, want %d", tc.name, got.Int64, tc.want)
			}
		})
	}
	for _, kind := range []string{"receive", "move", "ship", "adjust", "count", "return"} {
		var n int64
		raw.QueryRow(`SELECT count(*) FROM movements WHERE kind = ?`, kind).Scan(&n)
		if n == 0 {
			t.Errorf("no %s movements", kind)
		}
	}
	var lots int64
	raw.QueryRow(`SELECT count(*) FROM lots`).Scan(&lots)
	if lots == 0 || lots != rep.Lots {
		t.Errorf("%d lots, report says %d; want some", lots, rep.Lots)
	}

	t.Run("SameSchemaAsFresh", func(t *testing.T) {
		fresh := MustOpen(t, sqlite.Options{})
		if diff := cmp.Diff(schemaOf(t, fresh.Path), schemaOf(t, path)); diff != "" {
			t.Errorf("synthetic schema differs from a fresh one (-fresh +synthetic):\n%s", diff)
		}
	})

	t.Run("WriterContinuesTheChain", func(t *testing.T) {
		db, err := sqlite.Open(ctx, path, sqlite.Options{})
		if err != nil {
			t.Fatal(err)
		}
		pairs, err := db.StockedPairs(ctx, 10, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(pairs) == 0 {
			t.Fatal("no stocked pairs")
		}
		for _, p := range pairs {
			if p.From == p.To || p.OnHand < 5 {
				t.Errorf("pair %+v: want two bins and at least 5 on hand", p)
			}
			MustPost(t, db, app.Move, app.MovementLine{SKU: p.SKU, Qty: 1, From: p.From, To: p.To})
		}
		db.Close()
		v, err := sqlite.VerifyFile(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Problems) != 0 || v.Legs != 20_000+2*int64(len(pairs)) {
			t.Errorf("after postings: %d legs, problems %v", v.Legs, v.Problems)
		}
	})

	t.Run("RefusesAFullFile", func(t *testing.T) {
		_, err := sqlite.BuildSynthetic(ctx, path, sqlite.SynthOptions{SKUs: 10, Bins: 2, Legs: 10})
		if app.ErrorCode(err) != app.ECONFLICT {
			t.Errorf("err %v, want conflict", err)
		}
		if empty, err := sqlite.IsEmpty(ctx, path); empty || err != nil {
			t.Errorf("IsEmpty = %v, %v; want false", empty, err)
		}
	})
}

func TestBuildSyntheticFillsAnEmptyDatabase(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t, sqlite.Options{})
	path := db.Path
	db.Close()
	if empty, err := sqlite.IsEmpty(ctx, path); !empty || err != nil {
		t.Fatalf("IsEmpty of a fresh database = %v, %v; want true", empty, err)
	}
	if _, err := sqlite.BuildSynthetic(ctx, path, sqlite.SynthOptions{SKUs: 3, Bins: 2, Legs: 7}); app.ErrorField(err) != "legs" {
		t.Errorf("odd legs: err %v, want invalid legs", err)
	}
	rep, err := sqlite.BuildSynthetic(ctx, path, sqlite.SynthOptions{SKUs: 3, Bins: 2, Legs: 10})
	if err != nil {
		t.Fatal(err)
	}
	v, err := sqlite.VerifyFile(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Problems) != 0 || v.Legs != 10 || rep.Legs != 10 {
		t.Errorf("verify: %d legs, problems %v; want 10 legs, none", v.Legs, v.Problems)
	}
}

func schemaOf(t *testing.T, path string) []string {
	t.Helper()
	rows, err := mustRaw(t, path).Query(`SELECT type || ' ' || name || ': ' || ifnull(sql, '') FROM sqlite_schema ORDER BY type, name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		out = append(out, s)
	}
	return out
}

// pageSize reads the page size of the database file at path.
func pageSize(t *testing.T, path string) int {
	t.Helper()
	c, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var n int
	if err := c.QueryRow(`PRAGMA page_size`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
