package replica

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/benbjohnson/litestream"

	"depot/app"
)

// RestoreOptions say what to restore where.
type RestoreOptions struct {
	Target      Target
	Credentials *Credentials // nil: from the environment
	To          string       // the database file to write
	// Timestamp, when set, restores the state as of that instant rather
	// than the latest.
	Timestamp time.Time
	// Force replaces an existing database at To.
	Force bool
	// Check runs on the restored copy before it is put at To (depot runs
	// the migrations and verify); an error leaves To untouched.
	Check  func(ctx context.Context, path string) error
	Logger *slog.Logger
}

// MetaDir is the folder beside a database where Litestream keeps its local
// state. One left from an earlier life of the file makes Litestream believe
// it has replicated frames it has not, so Restore removes it.
func MetaDir(db string) string {
	dir, file := filepath.Split(db)
	return filepath.Join(dir, "."+file+litestream.MetaDirSuffix)
}

// Restore brings the replica back into opt.To: into a temporary file beside
// it first, which opt.Check must accept; then it removes the stale WAL,
// shared-memory file and Litestream folder of To and renames the copy into
// place. It refuses an existing To without Force, and writes nothing at To on
// any failure.
func Restore(ctx context.Context, opt RestoreOptions) error {
	if opt.To == "" {
		return app.FieldErrorf("to", "no database path given")
	}
	if fi, err := os.Stat(opt.To); err == nil {
		if fi.IsDir() {
			return app.FieldErrorf("to", "%s is a directory", opt.To)
		}
		if !opt.Force {
			return app.Errorf(app.ECONFLICT, "%s exists: restore to a new path, or add --force to replace it", opt.To)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("restore to %s: %w", opt.To, err)
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	client, err := newClient(opt.Target, opt.Credentials)
	if err != nil {
		return err
	}
	client.SetLogger(opt.Logger)
	if err := client.Init(ctx); err != nil {
		return fmt.Errorf("replica %s: %s", opt.Target, scrubWith(err.Error(), secretsOf(Config{Credentials: opt.Credentials})))
	}
	tmp := opt.To + ".restoring"
	removeDB(tmp)
	os.Remove(tmp + ".tmp") // Litestream's own temporary file
	defer removeDB(tmp)

	r := litestream.NewReplicaWithClient(nil, client)
	lopt := litestream.NewRestoreOptions()
	lopt.OutputPath = tmp
	lopt.Timestamp = opt.Timestamp
	if err := r.Restore(ctx, lopt); err != nil {
		switch {
		case errors.Is(err, litestream.ErrNoSnapshots), errors.Is(err, litestream.ErrTxNotAvailable):
			if !opt.Timestamp.IsZero() {
				return app.Errorf(app.ENOTFOUND, "replica %s holds no copy as of %s", opt.Target, opt.Timestamp.Format(time.RFC3339))
			}
			return app.Errorf(app.ENOTFOUND, "replica %s holds no copy of a database", opt.Target)
		case strings.Contains(err.Error(), "timestamp does not exist"):
			return app.Errorf(app.ENOTFOUND, "replica %s holds no copy as of %s", opt.Target, opt.Timestamp.Format(time.RFC3339))
		}
		return fmt.Errorf("restore from %s: %s", opt.Target, scrubWith(err.Error(), secretsOf(Config{Credentials: opt.Credentials})))
	}
	if opt.Check != nil {
		if err := opt.Check(ctx, tmp); err != nil {
			return err
		}
	}
	// The restored file is complete: no WAL of its own may survive, and
	// none of the old database's.
	for _, p := range []string{tmp + "-wal", tmp + "-shm", opt.To + "-wal", opt.To + "-shm"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("restore: remove %s: %w", p, err)
		}
	}
	if err := os.RemoveAll(MetaDir(opt.To)); err != nil {
		return fmt.Errorf("restore: remove stale Litestream state %s: %w", MetaDir(opt.To), err)
	}
	if err := os.Rename(tmp, opt.To); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if d, err := os.Open(filepath.Dir(opt.To)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

func removeDB(p string) {
	for _, s := range []string{"", "-wal", "-shm"} {
		os.Remove(p + s)
	}
}

func scrubWith(s string, secrets []string) string {
	t := tracker{secrets: secrets}
	return t.scrub(s)
}
