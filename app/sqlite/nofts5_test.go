//go:build !sqlite_fts5 && !fts5

package sqlite_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"depot/app/sqlite"
)

// TestOpenWithoutFTS5 runs only in a build without the sqlite_fts5 tag
// (where every other test fails at Open): it proves that such a build
// says what is missing and creates no file.
func TestOpenWithoutFTS5(t *testing.T) {
	path := filepath.Join(t.TempDir(), "depot.db")
	_, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	if !errors.Is(err, sqlite.ErrNoFTS5) {
		t.Fatalf("Open without FTS5: %v, want ErrNoFTS5", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open without FTS5 created %s: %v", path, err)
	}
}
