package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mattn/go-sqlite3"
)

// TestRowBatch reads more rows than one batch holds and more text than one
// arena holds, so both refills (a full batch, a row left pending) run, and
// checks every value, NULLs included, against what was written.
func TestRowBatch(t *testing.T) {
	ctx := context.Background()
	rdb, err := sql.Open(driverName, dsn(filepath.Join(t.TempDir(), "b.db"), false))
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	const rows = 3*batchRows + 17
	if _, err := rdb.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, s TEXT, b BLOB)`); err != nil {
		t.Fatal(err)
	}
	tx, _ := rdb.Begin()
	for i := 1; i <= rows; i++ {
		var n, s, b any = int64(i) * -7, strings.Repeat("x", i%700), bytes.Repeat([]byte{byte(i)}, i%300)
		if i%5 == 0 {
			n, s, b = nil, nil, nil
		}
		if _, err := tx.Exec(`INSERT INTO t VALUES (?, ?, ?, ?)`, i, n, s, b); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	conn, err := rdb.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		c := dc.(*sqlite3.SQLiteConn)
		if _, err := queryBatch(c, `SELECT id, n FROM t`, "i"); err == nil {
			return fmt.Errorf("a kinds string shorter than the columns was accepted")
		}
		r, err := queryBatch(c, `SELECT id, n, s, b FROM t WHERE id BETWEEN ? AND ? ORDER BY id`, "iitt", 1, rows)
		if err != nil {
			return err
		}
		defer r.Close()
		i := 0
		for {
			ok, err := r.Next()
			if err != nil {
				return err
			}
			if !ok {
				break
			}
			i++
			wantN, wantS, wantB := int64(i)*-7, strings.Repeat("x", i%700), bytes.Repeat([]byte{byte(i)}, i%300)
			if i%5 == 0 {
				wantN, wantS, wantB = 0, "", nil
			}
			if r.Int(0) != int64(i) || r.Int(1) != wantN || string(r.Text(2)) != wantS || !bytes.Equal(r.Text(3), wantB) {
				return fmt.Errorf("row %d: got %d %d %q %x", i, r.Int(0), r.Int(1), r.Text(2), r.Text(3))
			}
		}
		if i != rows {
			return fmt.Errorf("read %d rows, want %d", i, rows)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("RowBeyondArena", func(t *testing.T) {
		if _, err := rdb.Exec(`INSERT INTO t VALUES (?, 1, ?, NULL)`, rows+1, strings.Repeat("y", batchArena+1)); err != nil {
			t.Fatal(err)
		}
		err := conn.Raw(func(dc any) error {
			r, err := queryBatch(dc.(*sqlite3.SQLiteConn), `SELECT s FROM t WHERE id = ?`, "t", rows+1)
			if err != nil {
				return err
			}
			defer r.Close()
			_, err = r.Next()
			return err
		})
		if err == nil {
			t.Fatal("a row larger than the arena was read without an error")
		}
	})
}
