package sqlite_test

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"depot/app/sqlite"
)

var updateFixture = flag.Bool("update-schema-fixture", false,
	"write testdata/schema/vN.db for the current schema version (do this once, when Version changes)")

const fixtureDir = "../../testdata/schema"

// TestMigrationsMatchSchema proves that a database of every earlier schema
// version, upgraded step by step, ends with the same schema and seed rows as
// a fresh one made from schema.sql. The fixtures are databases as each
// released version created them; a change to schema.sql without an upgrade
// step fails here against the fixture of the current version.
func TestMigrationsMatchSchema(t *testing.T) {
	fresh := MustOpen(t, sqlite.Options{})
	want := dumpSchema(t, fresh.Path)
	if *updateFixture {
		out := filepath.Join(fixtureDir, fmt.Sprintf("v%d.db", sqlite.Version))
		os.Remove(out)
		raw := mustRaw(t, fresh.Path)
		mustExec(t, raw, "VACUUM INTO '"+out+"'")
	}
	fixtures, _ := filepath.Glob(filepath.Join(fixtureDir, "v*.db"))
	found := map[int]bool{}
	for _, f := range fixtures {
		var v int
		if _, err := fmt.Sscanf(filepath.Base(f), "v%d.db", &v); err != nil {
			t.Fatalf("fixture %s: name is not vN.db", f)
		}
		found[v] = true
		t.Run(filepath.Base(f), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "old.db")
			copyFile(t, f, path)
			if got := userVersion(t, path); got != v {
				t.Fatalf("fixture %s has user_version %d", f, got)
			}
			db, err := sqlite.Open(context.Background(), path, sqlite.Options{})
			if err != nil {
				t.Fatalf("upgrade from v%d: %v", v, err)
			}
			db.Close()
			if got := userVersion(t, path); got != sqlite.Version {
				t.Errorf("after upgrade user_version = %d, want %d", got, sqlite.Version)
			}
			if diff := cmp.Diff(want, dumpSchema(t, path)); diff != "" {
				t.Errorf("upgraded v%d differs from fresh (-fresh +upgraded):\n%s", v, diff)
			}
		})
	}
	for v := 1; v <= sqlite.Version; v++ {
		if !found[v] {
			t.Errorf("no fixture for schema version %d: run go test ./app/sqlite -run TestMigrationsMatchSchema -update-schema-fixture", v)
		}
	}
}

func TestOpenRefuses(t *testing.T) {
	ctx := context.Background()
	t.Run("NewerVersion", func(t *testing.T) {
		db := MustOpen(t, sqlite.Options{})
		path := db.Path
		db.Close()
		mustExec(t, mustRaw(t, path), fmt.Sprintf("PRAGMA user_version = %d", sqlite.Version+1))
		_, err := sqlite.Open(ctx, path, sqlite.Options{})
		if err == nil || !strings.Contains(err.Error(), "newer than this depot") {
			t.Errorf("open of a newer schema: err %v, want refusal", err)
		}
	})
	t.Run("NotDepot", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "other.db")
		mustExec(t, mustRaw(t, path), "CREATE TABLE notes (body TEXT)")
		_, err := sqlite.Open(ctx, path, sqlite.Options{})
		if err == nil || !strings.Contains(err.Error(), "not a depot database") {
			t.Errorf("open of a foreign database: err %v, want refusal", err)
		}
	})
}

// dumpSchema lists sqlite_schema and the rows of the seeded lookup tables.
func dumpSchema(t *testing.T, path string) []string {
	t.Helper()
	raw := mustRaw(t, path)
	var out []string
	space := regexp.MustCompile(`\s+`)
	rows, err := raw.Query(`SELECT type, name, tbl_name, ifnull(sql, '') FROM sqlite_schema ORDER BY type, name`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var typ, name, tbl, q string
		rows.Scan(&typ, &name, &tbl, &q)
		out = append(out, strings.Join([]string{typ, name, tbl, space.ReplaceAllString(q, " ")}, " | "))
	}
	rows.Close()
	for _, q := range []string{
		`SELECT role FROM roles ORDER BY 1`,
		`SELECT kind || ' ' || physical FROM location_kinds ORDER BY 1`,
		`SELECT status || ' ' || allocatable FROM lot_statuses ORDER BY 1`,
		`SELECT kind FROM movement_kinds ORDER BY 1`,
		`SELECT code || ' ' || name FROM adjust_reasons ORDER BY 1`,
		`SELECT id || ' ' || code || ' ' || kind FROM locations WHERE kind = 'virtual' ORDER BY 1`,
	} {
		rows, err := raw.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			rows.Scan(&s)
			out = append(out, q+": "+s)
		}
		rows.Close()
	}
	return out
}

func userVersion(t *testing.T, path string) int {
	t.Helper()
	var v int
	if err := mustRaw(t, path).QueryRow(`PRAGMA user_version`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestNewFilePageSize proves new files get depot's page size and existing
// files keep theirs.
func TestNewFilePageSize(t *testing.T) {
	dir := t.TempDir()
	fresh := filepath.Join(dir, "fresh.db")
	db, err := sqlite.Open(context.Background(), fresh, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if got := pageSize(t, fresh); got != sqlite.PageSize {
		t.Errorf("new file: %d-byte pages, want %d", got, sqlite.PageSize)
	}
	old := filepath.Join(dir, "old.db")
	c, err := sql.Open("sqlite3", "file:"+old)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(`PRAGMA page_size = 4096; CREATE TABLE x (y)`); err != nil {
		t.Fatal(err)
	}
	c.Close()
	if _, err := sqlite.Open(context.Background(), old, sqlite.Options{}); err == nil {
		t.Fatal("a non-depot file was opened")
	}
	if got := pageSize(t, old); got != 4096 {
		t.Errorf("existing file: %d-byte pages, want its 4096 kept", got)
	}
}
