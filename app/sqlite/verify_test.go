package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"

	"depot/app"
	"depot/app/sqlite"
)

func TestVerify(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t, sqlite.Options{})
	MustProduct(t, db, "Widget", false, "W-1", "W-2")
	MustProduct(t, db, "Milk", true, "MILK")
	MustLocations(t, db, "DOCK", "A-01")
	for i := 0; i < 50; i++ {
		MustPost(t, db, app.Receive, app.MovementLine{SKU: "W-1", Qty: 3, To: "DOCK"}, app.MovementLine{SKU: "W-2", Qty: 1, To: "A-01"})
		MustPost(t, db, app.Move, app.MovementLine{SKU: "W-1", Qty: 2, From: "DOCK", To: "A-01"})
	}
	MustPost(t, db, app.Receive, app.MovementLine{SKU: "MILK", Qty: 3, To: "DOCK", Lot: &app.LotRef{Code: "L1"}})
	rep, err := db.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) != 0 {
		t.Fatalf("fresh ledger has problems: %v", rep.Problems)
	}
	if rep.Movements != 101 || rep.Legs != 302 {
		t.Errorf("verify counted %d movements, %d legs; want 101, 302", rep.Movements, rep.Legs)
	}
	path := db.Path
	db.Close()

	t.Run("TriggersRejectEdits", func(t *testing.T) {
		raw := mustRaw(t, path)
		for _, q := range []string{
			`UPDATE inventory_transactions SET qty = 5 WHERE id = 1`,
			`DELETE FROM inventory_transactions WHERE id = 1`,
			`UPDATE movements SET note = 'x' WHERE id = 1`,
			`DELETE FROM movements WHERE id = 1`,
		} {
			if _, err := raw.Exec(q); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: err %v, want append-only refusal", q, err)
			}
		}
	})

	t.Run("EditBehindTriggersFound", func(t *testing.T) {
		raw := mustRaw(t, path)
		mustExec(t, raw, `DROP TRIGGER legs_no_update`)
		mustExec(t, raw, `UPDATE inventory_transactions SET qty = qty + 1 WHERE id = (SELECT min(id) FROM inventory_transactions WHERE movement_id = 40 AND qty > 0)`)
		raw.Close()
		rep, err := sqlite.VerifyFile(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		text := ""
		for _, p := range rep.Problems {
			text += p.String() + "\n"
		}
		for _, want := range []string{"movement 40: its content does not match its hash", "movement 40: its legs for variant", "the ledger sums to 1, not zero", "level of SKU"} {
			if !strings.Contains(text, want) {
				t.Errorf("problems lack %q:\n%s", want, text)
			}
		}
	})
}

func mustRaw(t *testing.T, path string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

func mustExec(t *testing.T, db *sql.DB, q string) {
	t.Helper()
	if _, err := db.Exec(q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// TestVerifyOldVersions: verify reads files of every released schema
// version as they are (old backups, replicas), without upgrading them.
func TestVerifyOldVersions(t *testing.T) {
	for v := 1; v <= sqlite.Version; v++ {
		src := filepath.Join(fixtureDir, fmt.Sprintf("v%d.db", v))
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "old.db")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		rep, err := sqlite.VerifyFile(context.Background(), path)
		if err != nil {
			t.Fatalf("v%d: %v", v, err)
		}
		if len(rep.Problems) != 0 {
			t.Errorf("v%d: %v", v, rep.Problems)
		}
	}
}
