package replica

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"depot/app"
	"depot/app/sqlite"
)

// lines is a Status writer the test can read while Replicate writes.
type lines struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lines) last() app.ReplicationStatus {
	l.mu.Lock()
	defer l.mu.Unlock()
	all := strings.Split(strings.TrimSpace(l.buf.String()), "\n")
	var st app.ReplicationStatus
	json.Unmarshal([]byte(all[len(all)-1]), &st)
	return st
}

// seed makes a database with n receipts and closes it.
func seed(t *testing.T, path string, n int) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path, sqlite.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.CreateProduct(ctx, app.NewProduct{Name: "Widget", Variants: []app.NewVariant{{SKU: "W-1"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateLocation(ctx, app.NewLocation{Code: "A-01", Kind: app.KindBin}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if _, _, err := db.PostMovement(ctx, app.PostMovement{Kind: app.Receive, IdempotencyKey: fmt.Sprint("r", i),
			Lines: []app.MovementLine{{SKU: "W-1", Qty: 2, To: "A-01"}}}); err != nil {
			t.Fatal(err)
		}
	}
}

// replicateOnce replicates path to a file replica until caught up, then
// stops (with the final sync) and returns the replica URL.
func replicateOnce(t *testing.T, path string) Target {
	t.Helper()
	target, err := ParseURL("file://" + filepath.Join(t.TempDir(), "replica"))
	if err != nil {
		t.Fatal(err)
	}
	out := &lines{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Replicate(ctx, Config{DB: path, Target: target, Interval: 50 * time.Millisecond, Status: out,
			Logger: slog.New(slog.DiscardHandler)})
	}()
	waitFor(t, "the replica to catch up", func() bool {
		st := out.last()
		return st.ReplicatedTXID > 0 && st.ReplicatedTXID == st.LocalTXID && st.LagSeconds == 0
	})
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Replicate: %v", err)
	}
	if st := out.last(); st.State != app.ReplicationOK || st.LastError != "" {
		t.Errorf("final status %+v", st)
	}
	return target
}

func countMovements(t *testing.T, path string) int64 {
	t.Helper()
	rep, err := sqlite.VerifyFile(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) > 0 {
		t.Fatalf("verify %s: %v", path, rep.Problems)
	}
	return rep.Movements
}

func check(ctx context.Context, path string) error {
	db, err := sqlite.Open(ctx, path, sqlite.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	return db.Close()
}

func TestRestoreFromFileReplica(t *testing.T) {
	ctx := context.Background()
	src := filepath.Join(t.TempDir(), "depot.db")
	seed(t, src, 40)
	target := replicateOnce(t, src)
	dir := t.TempDir()
	to := filepath.Join(dir, "restored.db")

	// A Litestream folder left from an earlier database at the same path.
	stale := filepath.Join(MetaDir(to), "ltx", "0")
	if err := os.MkdirAll(stale, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Restore(ctx, RestoreOptions{Target: target, To: to, Check: check}); err != nil {
		t.Fatal(err)
	}
	if got := countMovements(t, to); got != 40 {
		t.Errorf("restored %d movements, want 40", got)
	}
	if _, err := os.Stat(MetaDir(to)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale Litestream folder still there: %v", err)
	}

	t.Run("RefusesExisting", func(t *testing.T) {
		before, _ := os.ReadFile(to)
		err := Restore(ctx, RestoreOptions{Target: target, To: to, Check: check})
		if app.ErrorCode(err) != app.ECONFLICT || !strings.Contains(err.Error(), "--force") {
			t.Errorf("err %v, want a conflict that names --force", err)
		}
		if after, _ := os.ReadFile(to); !bytes.Equal(before, after) {
			t.Error("the existing database changed")
		}
	})
	t.Run("CheckFails", func(t *testing.T) {
		other := filepath.Join(dir, "other.db")
		err := Restore(ctx, RestoreOptions{Target: target, To: other,
			Check: func(context.Context, string) error { return errors.New("verify: 3 problems") }})
		if err == nil || err.Error() != "verify: 3 problems" {
			t.Errorf("err %v", err)
		}
		for _, p := range []string{other, other + ".restoring", other + ".restoring-wal"} {
			if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("%s written after a failed check", p)
			}
		}
	})
	t.Run("Force", func(t *testing.T) {
		// The old file's WAL must not survive beside the new file.
		if err := os.WriteFile(to+"-wal", []byte("stale wal"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := Restore(ctx, RestoreOptions{Target: target, To: to, Force: true, Check: check}); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(to + "-wal"); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("old WAL left beside the restored file: %v", err)
		}
		if got := countMovements(t, to); got != 40 {
			t.Errorf("restored %d movements, want 40", got)
		}
	})
	t.Run("EmptyReplica", func(t *testing.T) {
		empty, _ := ParseURL("file://" + t.TempDir())
		err := Restore(ctx, RestoreOptions{Target: empty, To: filepath.Join(dir, "none.db"), Check: check})
		if app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("err %v, want not found", err)
		}
	})
}
