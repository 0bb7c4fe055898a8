package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Backup writes a consistent copy of the database at src, which may be in
// use, to dst with VACUUM INTO: one read transaction, so the copy is the
// state of one instant, compacted. The copy is written beside dst under a
// temporary name, synced and renamed, so dst is either complete or absent.
// An existing dst is refused.
func Backup(ctx context.Context, src, dst string) error {
	if _, err := os.Stat(dst); err == nil {
		return fmt.Errorf("backup: %s exists: choose a new file", dst)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("backup: %w", err)
	}
	if _, err := os.Stat(src); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	tmp := dst + ".partial"
	os.Remove(tmp)
	// A read-write handle without the read-only pragma: VACUUM INTO needs
	// one, though it writes nothing to src. The connect hook turns
	// automatic checkpoints off, so this never checkpoints under a
	// replicator.
	db, err := sql.Open(driverName, dsn(src, false))
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	var v int
	if err := db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
		return fmt.Errorf("backup %s: %w", src, err)
	}
	if v == 0 {
		return fmt.Errorf("backup %s: not a depot database (no schema version)", src)
	}
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("backup %s: %w", src, err)
	}
	if err := syncFile(tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("backup: %w", err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("backup: %w", err)
	}
	return syncFile(filepath.Dir(dst))
}
