package replica

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/benbjohnson/litestream"

	"depot/app"
)

// DefaultInterval is the time between two syncs. Under a steady 1,000
// postings/s on a shared 2-core machine (BenchmarkReplicationLag) the p95
// lag measured 1.2-2.3s with Litestream's 1s and 1.1-1.9s with 500ms. An
// idle database costs no upload.
const DefaultInterval = 500 * time.Millisecond

// Config is what Replicate needs.
type Config struct {
	DB          string       // the database file
	Target      Target       // where to replicate to
	Credentials *Credentials // nil: from the environment
	// Interval is the time between two syncs (DefaultInterval): WAL to
	// local LTX files, then LTX files to the replica.
	Interval time.Duration
	// MaxBackoff caps the wait between failed syncs (default 5s), so that
	// replication catches up soon after the replica comes back.
	MaxBackoff time.Duration
	// Status receives one JSON app.ReplicationStatus per line, each
	// Interval and after each sync; nil for none.
	Status io.Writer
	Logger *slog.Logger
	Now    func() time.Time
}

// Replicate runs Litestream against cfg.DB until ctx ends, then makes a
// final sync (retried for up to 30s) and returns. It must run in a process
// that does not open the database through another SQLite (depot replicate,
// started by the Supervisor). It returns an error when the replica cannot be
// set up (bad URL, client init); sync failures are reported in the status and
// retried.
func Replicate(ctx context.Context, cfg Config) error {
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultInterval
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 5 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	client, err := newClient(cfg.Target, cfg.Credentials)
	if err != nil {
		return err
	}
	ldb := litestream.NewDB(cfg.DB)
	// Syncs are driven below, not by Litestream's monitors, so that every
	// error is seen and the lag is known.
	ldb.MonitorInterval = 0
	r := litestream.NewReplicaWithClient(ldb, client)
	r.MonitorEnabled = false
	ldb.Replica = r
	store := litestream.NewStore([]*litestream.DB{ldb}, litestream.DefaultCompactionLevels)
	st := &tracker{
		cfg:     cfg,
		secrets: secretsOf(cfg),
		status: app.ReplicationStatus{
			Replica: cfg.Target.String(), Running: true,
		},
		started: cfg.Now(),
		wal:     cfg.DB + "-wal",
	}
	// Litestream's compaction and retention monitors reach the replica on
	// their own and only log their failures. While they retry, they hold a
	// lock the WAL sync needs, so during an outage the sync loop below
	// waits rather than failing: their errors are the first sign of it.
	logger := slog.New(&errorTap{next: cfg.Logger.Handler(), onError: st.failedMsg})
	store.Logger = logger
	ldb.SetLogger(logger)
	if err := store.Open(ctx); err != nil {
		return fmt.Errorf("replica %s: %s", cfg.Target, st.scrub(err.Error()))
	}
	cfg.Logger.Info("replicating", "db", cfg.DB, "replica", cfg.Target.String(), "interval", cfg.Interval)

	var wg sync.WaitGroup
	reportCtx, stopReports := context.WithCancel(context.Background())
	wg.Add(1)
	go func() { defer wg.Done(); st.reportEvery(reportCtx, cfg.Interval) }()

	backoff := time.Duration(0)
	for ctx.Err() == nil {
		wait := cfg.Interval
		if backoff > 0 {
			wait = backoff
		}
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
		if ctx.Err() != nil {
			break
		}
		if err := st.syncOnce(ctx, ldb, r); err != nil && ctx.Err() == nil {
			backoff = min(max(2*backoff, cfg.Interval), cfg.MaxBackoff)
		} else {
			backoff = 0
		}
	}

	// The final sync: everything committed before the signal goes out.
	// Litestream's own final sync on Close does nothing for a database it
	// has not synced yet (it opens it lazily, on the first sync), so a
	// signal that came before the first interval lost everything: sync
	// once here first.
	//
	// And no checkpoint from here on. When serve is killed between writing
	// a transaction's frames to the WAL and publishing them in the WAL
	// index, the frames (commit frame included) are already on their way
	// to the replica (Litestream reads the WAL file), while SQLite's index,
	// which a checkpoint follows, does not have them. A checkpoint then
	// restarts the WAL over those frames, and the replica's next
	// transaction shrinks the database under pages it already holds: a
	// restore came back malformed (page 1 said 922 pages, the file had
	// 921). Without a checkpoint the frames stay in the WAL, and the next
	// open of the database recovers them, as the replica has them.
	ldb.MinCheckpointPageN = math.MaxInt32
	ldb.TruncatePageN = -1
	ldb.CheckpointInterval = 0
	mark := walMark(st.wal)
	start := cfg.Now()
	if err := st.syncOnce(context.Background(), ldb, r); err != nil {
		cfg.Logger.Warn("final sync: first attempt", "err", st.scrub(err.Error()))
	}
	err = store.Close(context.Background())
	if err != nil {
		st.failed(fmt.Errorf("final sync: %w", err))
		cfg.Logger.Error("final sync failed", "err", st.scrub(err.Error()))
	} else {
		st.synced(start, mark, ldb, r)
		cfg.Logger.Info("final sync done", "txid", st.snapshot().ReplicatedTXID)
	}
	stopReports()
	wg.Wait()
	st.report()
	if err != nil {
		return fmt.Errorf("final sync: %s", st.scrub(err.Error()))
	}
	return nil
}

// tracker keeps the status of one replicator.
type tracker struct {
	cfg     Config
	secrets []string
	wal     string
	started time.Time

	mu      sync.Mutex
	status  app.ReplicationStatus
	caught  time.Time // the start of the last sync that succeeded
	caughtM string    // the WAL's size and mtime then
}

// syncOnce copies new WAL frames to local LTX files and uploads them.
func (t *tracker) syncOnce(ctx context.Context, ldb *litestream.DB, r *litestream.Replica) error {
	mark := walMark(t.wal)
	start := t.cfg.Now()
	err := ldb.Sync(ctx)
	if err == nil {
		// Before the first frame reaches an LTX file there is nothing to
		// upload, and the replica would say "waiting for data".
		if pos, perr := ldb.Pos(); perr != nil {
			err = perr
		} else if pos.TXID > 0 {
			err = r.Sync(ctx)
		}
	}
	if err != nil {
		if ctx.Err() == nil {
			t.failed(err)
		}
		return err
	}
	t.synced(start, mark, ldb, r)
	t.report()
	return nil
}

// synced records a sync that began at start, when the WAL was at mark.
func (t *tracker) synced(start time.Time, mark string, ldb *litestream.DB, r *litestream.Replica) {
	pos, _ := ldb.Pos()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.status.LastError != "" {
		t.cfg.Logger.Info("replica reachable again", "txid", uint64(r.Pos().TXID))
	}
	t.caught, t.caughtM = start, mark
	t.status.LocalTXID = uint64(pos.TXID)
	t.status.ReplicatedTXID = uint64(r.Pos().TXID)
	t.status.LastReplicatedAt = start.UTC()
	t.status.LastError, t.status.LastErrorAt = "", time.Time{}
}

func (t *tracker) failed(err error) { t.failedMsg(err.Error()) }

func (t *tracker) failedMsg(msg string) {
	msg = t.scrub(msg)
	t.mu.Lock()
	first := t.status.LastError == ""
	t.status.LastError, t.status.LastErrorAt = msg, t.cfg.Now().UTC()
	t.mu.Unlock()
	if first {
		t.cfg.Logger.Warn("replica sync failed; retrying", "err", msg)
	}
	t.report()
}

// snapshot returns the status as of now: the lag is the time since the
// start of the last good sync when the WAL has changed since, else 0.
func (t *tracker) snapshot() app.ReplicationStatus {
	mark := walMark(t.wal)
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.status
	now := t.cfg.Now()
	switch {
	case t.caught.IsZero():
		s.LagSeconds = now.Sub(t.started).Seconds()
	case mark != t.caughtM:
		s.LagSeconds = now.Sub(t.caught).Seconds()
	default:
		s.LagSeconds = 0
	}
	s.UpdatedAt = now.UTC()
	s.Classify(0)
	return s
}

// report writes the status as one JSON line: after each sync and failure,
// and each interval (reportEvery).
func (t *tracker) report() {
	if t.cfg.Status == nil {
		return
	}
	b, err := json.Marshal(t.snapshot())
	if err != nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.cfg.Status.Write(append(b, '\n'))
}

func (t *tracker) reportEvery(ctx context.Context, d time.Duration) {
	tick := time.NewTicker(d)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			t.report()
		}
	}
}

// scrub removes secret values from text bound for logs or the status.
func (t *tracker) scrub(s string) string {
	for _, sec := range t.secrets {
		if len(sec) >= 4 {
			s = strings.ReplaceAll(s, sec, "REDACTED")
		}
	}
	return s
}

// secretsOf lists the secret values in play, to keep them out of messages.
func secretsOf(cfg Config) []string {
	var out []string
	if cfg.Credentials != nil {
		out = append(out, cfg.Credentials.SecretAccessKey)
	}
	for _, k := range []string{"AWS_SECRET_ACCESS_KEY", "LITESTREAM_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"} {
		if v := os.Getenv(k); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// walMark identifies the WAL's state: any commit changes it.
func walMark(path string) string {
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return "none"
	} else if err != nil {
		return err.Error()
	}
	return fmt.Sprintf("%d@%d", fi.Size(), fi.ModTime().UnixNano())
}

// errorTap passes log records on and reports those at level ERROR (with
// their "error" attribute) to onError.
type errorTap struct {
	next    slog.Handler
	onError func(msg string)
}

func (h *errorTap) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelError || h.next.Enabled(ctx, l)
}

func (h *errorTap) Handle(ctx context.Context, r slog.Record) error {
	if r.Level >= slog.LevelError {
		msg := r.Message
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "error" || a.Key == "err" {
				msg += ": " + a.Value.String()
			}
			return true
		})
		h.onError(msg)
	}
	if !h.next.Enabled(ctx, r.Level) {
		return nil
	}
	return h.next.Handle(ctx, r)
}

func (h *errorTap) WithAttrs(as []slog.Attr) slog.Handler {
	return &errorTap{next: h.next.WithAttrs(as), onError: h.onError}
}

func (h *errorTap) WithGroup(name string) slog.Handler {
	return &errorTap{next: h.next.WithGroup(name), onError: h.onError}
}
