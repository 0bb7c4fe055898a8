package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mattn/go-sqlite3"

	"depot/app"
)

// TestWriterLookupsForget proves that the writer's remembered variants and
// locations never outlive the rows they describe.
func TestWriterLookupsForget(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "depot.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.CreateProduct(ctx, app.NewProduct{Name: "Widget", Variants: []app.NewVariant{{SKU: "W-1"}}}); err != nil {
		t.Fatal(err)
	}
	for _, l := range []app.NewLocation{{Code: "WH", Kind: app.KindSite}, {Code: "A", Kind: app.KindBin, Parent: "WH"}, {Code: "B", Kind: app.KindBin, Parent: "WH"}} {
		if _, err := db.CreateLocation(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	post := func(kind app.MovementKind, line app.MovementLine) error {
		n++
		_, _, err := db.PostMovement(ctx, app.PostMovement{Kind: kind, IdempotencyKey: "k" + itoa(int64(n)), Lines: []app.MovementLine{line}})
		return err
	}
	if err := post(app.Receive, app.MovementLine{SKU: "W-1", Qty: 10, To: "A"}); err != nil {
		t.Fatal(err)
	}

	t.Run("RolledBackLocation", func(t *testing.T) {
		// A command creates location C, posts into it (so the writer looks
		// it up), then fails: C must be unknown afterwards.
		_, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
			if _, err := tx.Exec(`INSERT INTO locations (code, kind, parent_id, created_at) VALUES ('C', 'bin', NULL, 0)`); err != nil {
				return nil, err
			}
			cmd := app.PostMovement{Kind: app.Move, IdempotencyKey: "in-c", Lines: []app.MovementLine{{SKU: "W-1", Qty: 1, From: "A", To: "C"}}}
			if err := cmd.FillSides(); err != nil {
				return nil, err
			}
			if _, err := tx.postMovement(&cmd, make([]byte, 32)); err != nil {
				return nil, err
			}
			return nil, app.Errorf(app.ECONFLICT, "changed my mind")
		})
		if app.ErrorCode(err) != app.ECONFLICT {
			t.Fatalf("command: %v", err)
		}
		if err := post(app.Move, app.MovementLine{SKU: "W-1", Qty: 1, From: "A", To: "C"}); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("move into the rolled-back location: err %v, want not_found", err)
		}
	})

	t.Run("MissThenCreate", func(t *testing.T) {
		if err := post(app.Move, app.MovementLine{SKU: "W-1", Qty: 1, From: "A", To: "D"}); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("move into D before it exists: err %v, want not_found", err)
		}
		if _, err := db.CreateLocation(ctx, app.NewLocation{Code: "D", Kind: app.KindBin, Parent: "WH"}); err != nil {
			t.Fatal(err)
		}
		if err := post(app.Move, app.MovementLine{SKU: "W-1", Qty: 1, From: "A", To: "D"}); err != nil {
			t.Errorf("move into D once it exists: %v", err)
		}
	})

	t.Run("ChangedByAnotherConnection", func(t *testing.T) {
		if err := post(app.Move, app.MovementLine{SKU: "W-1", Qty: 1, From: "A", To: "B"}); err != nil {
			t.Fatal(err)
		}
		other, err := sql.Open(driverName, dsn(db.Path, false))
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		if _, err := other.Exec(`UPDATE locations SET archived = 1 WHERE code = 'B'`); err != nil {
			t.Fatal(err)
		}
		if _, err := other.Exec(`UPDATE variants SET archived = 1 WHERE sku = 'W-1'`); err != nil {
			t.Fatal(err)
		}
		err = post(app.Move, app.MovementLine{SKU: "W-1", Qty: 1, From: "A", To: "B"})
		if app.ErrorField(err) != "lines[0].sku" {
			t.Errorf("move of an SKU archived elsewhere: err %v, want lines[0].sku archived", err)
		}
		if _, err := other.Exec(`UPDATE variants SET archived = 0 WHERE sku = 'W-1'`); err != nil {
			t.Fatal(err)
		}
		err = post(app.Move, app.MovementLine{SKU: "W-1", Qty: 1, From: "A", To: "B"})
		if app.ErrorField(err) != "lines[0].to" {
			t.Errorf("move into a location archived elsewhere: err %v, want lines[0].to archived", err)
		}
	})

	rep, err := db.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) > 0 {
		t.Errorf("verify: %v", rep.Problems)
	}
}

// TestStablePlans fails when the driver no longer lets the connect hook
// turn on the query planner stability guarantee (see enableStablePlans).
func TestStablePlans(t *testing.T) {
	d := &sqlite3.SQLiteDriver{}
	c, err := d.Open(dsn(filepath.Join(t.TempDir(), "plans.db"), false))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := enableStablePlans(c.(*sqlite3.SQLiteConn)); err != nil {
		t.Fatal(err)
	}
}

// TestWriterThreadNice proves the writer runs on a thread of its own at the
// nice value asked for, and that a negative value leaves it alone.
func TestWriterThreadNice(t *testing.T) {
	for _, tc := range []struct{ opt, want int }{{0, 10}, {7, 7}, {-1, 0}} {
		db, err := Open(context.Background(), filepath.Join(t.TempDir(), "depot.db"), Options{WriterNice: tc.opt})
		if err != nil {
			t.Fatal(err)
		}
		switch tid := db.w.tid; {
		case tc.want == 0 && tid != 0:
			t.Errorf("WriterNice %d: the writer locked itself to thread %d", tc.opt, tid)
		case tc.want != 0 && tid == 0:
			t.Errorf("WriterNice %d: the writer has no thread of its own", tc.opt)
		case tc.want != 0:
			if got := threadNice(t, tid); got != tc.want {
				t.Errorf("WriterNice %d: the writer thread %d runs at nice %d, want %d", tc.opt, tid, got, tc.want)
			}
		}
		db.Close()
	}
}

// threadNice reads a thread's nice value from /proc/self/task/TID/stat
// (field 19).
func threadNice(t *testing.T, tid int) int {
	t.Helper()
	b, err := os.ReadFile("/proc/self/task/" + strconv.Itoa(tid) + "/stat")
	if err != nil {
		t.Fatal(err)
	}
	// The command name, in parentheses, may hold spaces: count fields
	// after its closing parenthesis (field 3 onwards).
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	n, err := strconv.Atoi(f[16])
	if err != nil {
		t.Fatalf("thread %d: nice %q: %v", tid, f[16], err)
	}
	return n
}
