package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"depot/app"
)

// Writer owns the one write connection. Commands queue to it; it runs as
// many as are waiting (up to maxBatch) in one SQLite transaction, each inside
// its own SAVEPOINT so that a failed command rolls back alone, and commits
// them with one fsync. Commands therefore see each other's effects in queue
// order, and checks and writes in one command are atomic: that is what makes
// "ship 1 of the last 10" correct with 64 clients at once.
type Writer struct {
	conn     *sql.Conn
	jobs     chan *job
	maxBatch int
	now      func() time.Time
	log      *slog.Logger
	stmts    map[string]*sql.Stmt
	quit     chan struct{}
	stopped  chan struct{}
	closeMu  sync.Once

	// Chain state: the hash of the newest movement and the next movement
	// id. Saved before each command and restored when it rolls back.
	lastHash [32]byte
	nextID   int64
}

// Tx is what a command sees inside the writer's transaction.
type Tx struct {
	ctx context.Context
	w   *Writer
	// Now is pinned for the whole group: every movement of one commit
	// carries the same posted_at.
	Now time.Time
}

type job struct {
	ctx  context.Context
	fn   func(*Tx) (any, error)
	done chan result
}

type result struct {
	v   any
	err error
}

func newWriter(ctx context.Context, conn *sql.Conn, maxBatch int, now func() time.Time, log *slog.Logger) (*Writer, error) {
	w := &Writer{
		conn: conn, jobs: make(chan *job, 4096), maxBatch: maxBatch, now: now, log: log,
		stmts: map[string]*sql.Stmt{}, quit: make(chan struct{}), stopped: make(chan struct{}),
	}
	if err := w.loadChain(ctx); err != nil {
		return nil, err
	}
	go w.run()
	return w, nil
}

func (w *Writer) loadChain(ctx context.Context) error {
	var id sql.NullInt64
	var h []byte
	err := w.conn.QueryRowContext(ctx, `SELECT id, hash FROM movements ORDER BY id DESC LIMIT 1`).Scan(&id, &h)
	if err == sql.ErrNoRows {
		w.lastHash, w.nextID = [32]byte{}, 1
		return nil
	}
	if err != nil {
		return fmt.Errorf("load ledger chain: %w", err)
	}
	copy(w.lastHash[:], h)
	w.nextID = id.Int64 + 1
	return nil
}

// Do runs fn in the writer's transaction and waits for its commit. fn's
// writes are durable when Do returns nil. An *app.Error from fn rolls back
// fn's writes alone and is returned as is.
func (w *Writer) Do(ctx context.Context, fn func(*Tx) (any, error)) (any, error) {
	j := &job{ctx: ctx, fn: fn, done: make(chan result, 1)}
	select {
	case w.jobs <- j:
	case <-w.quit:
		return nil, app.Errorf(app.EUNAVAILABLE, "depot is shutting down")
	case <-ctx.Done():
		return nil, app.Errorf(app.EUNAVAILABLE, "request cancelled before it was written")
	}
	// Once queued the job runs; wait for its outcome even if ctx ends, so
	// that a caller never reports failure for a command that committed.
	r := <-j.done
	return r.v, r.err
}

// Close lets queued commands finish, then stops the writer.
func (w *Writer) Close() {
	w.closeMu.Do(func() {
		close(w.quit)
		<-w.stopped
		for _, s := range w.stmts {
			s.Close()
		}
		w.conn.Close()
	})
}

func (w *Writer) run() {
	defer close(w.stopped)
	batch := make([]*job, 0, w.maxBatch)
	for {
		var first *job
		select {
		case first = <-w.jobs:
		case <-w.quit:
			// Drain what was queued before the quit.
			for {
				select {
				case j := <-w.jobs:
					w.runBatch([]*job{j})
				default:
					return
				}
			}
		}
		batch = append(batch[:0], first)
	fill:
		for len(batch) < w.maxBatch {
			select {
			case j := <-w.jobs:
				batch = append(batch, j)
			default:
				break fill
			}
		}
		w.runBatch(batch)
	}
}

func (w *Writer) runBatch(batch []*job) {
	ctx := context.Background()
	results := make([]result, len(batch))
	fail := func(err error) {
		for i := range results {
			results[i] = result{err: err}
		}
	}
	savedHash, savedID := w.lastHash, w.nextID
	if _, err := w.conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		w.log.Error("writer: begin", "err", err)
		fail(app.Errorf(app.EUNAVAILABLE, "the database cannot start a write; try again"))
		w.deliver(batch, results)
		return
	}
	tx := &Tx{ctx: ctx, w: w, Now: w.now().UTC().Truncate(time.Millisecond)}
	aborted := false
	for i, j := range batch {
		if err := j.ctx.Err(); err != nil {
			results[i] = result{err: app.Errorf(app.EUNAVAILABLE, "request cancelled before it was written")}
			continue
		}
		r, ok := w.runOne(tx, j)
		results[i] = r
		if !ok {
			aborted = true
			break
		}
	}
	if !aborted {
		if _, err := w.conn.ExecContext(ctx, "COMMIT"); err != nil {
			w.log.Error("writer: commit", "err", err, "commands", len(batch))
			aborted = true
		}
	}
	if aborted {
		w.conn.ExecContext(ctx, "ROLLBACK")
		w.lastHash, w.nextID = savedHash, savedID
		if err := w.loadChain(ctx); err != nil {
			w.log.Error("writer: reload chain", "err", err)
		}
		fail(app.Errorf(app.EUNAVAILABLE, "the database could not write; nothing was saved, try again"))
	}
	w.deliver(batch, results)
}

// runOne runs one command inside a savepoint. ok is false when the
// transaction itself is broken and the whole group must roll back.
func (w *Writer) runOne(tx *Tx, j *job) (r result, ok bool) {
	ctx := tx.ctx
	if _, err := w.conn.ExecContext(ctx, "SAVEPOINT cmd"); err != nil {
		w.log.Error("writer: savepoint", "err", err)
		return result{}, false
	}
	savedHash, savedID := w.lastHash, w.nextID
	func() {
		defer func() {
			if p := recover(); p != nil {
				w.log.Error("writer: command panicked", "panic", p, "stack", string(debug.Stack()))
				r = result{err: app.Errorf(app.EINTERNAL, "internal error")}
			}
		}()
		r.v, r.err = j.fn(tx)
	}()
	if r.err != nil {
		w.lastHash, w.nextID = savedHash, savedID
		if _, err := w.conn.ExecContext(ctx, "ROLLBACK TO cmd"); err != nil {
			w.log.Error("writer: rollback to savepoint", "err", err)
			return r, false
		}
		if app.ErrorCode(r.err) == app.EINTERNAL {
			w.log.Error("writer: command failed", "err", r.err)
			r.err = app.Errorf(app.EINTERNAL, "internal error")
		}
	}
	if _, err := w.conn.ExecContext(ctx, "RELEASE cmd"); err != nil {
		w.log.Error("writer: release savepoint", "err", err)
		return r, false
	}
	return r, true
}

func (w *Writer) deliver(batch []*job, results []result) {
	for i, j := range batch {
		j.done <- results[i]
	}
}

// stmt returns the prepared statement for query on the write connection.
func (tx *Tx) stmt(query string) (*sql.Stmt, error) {
	if s, ok := tx.w.stmts[query]; ok {
		return s, nil
	}
	s, err := tx.w.conn.PrepareContext(tx.ctx, query)
	if err != nil {
		return nil, fmt.Errorf("prepare %q: %w", query, err)
	}
	tx.w.stmts[query] = s
	return s, nil
}

// Exec runs a write statement.
func (tx *Tx) Exec(query string, args ...any) (sql.Result, error) {
	s, err := tx.stmt(query)
	if err != nil {
		return nil, err
	}
	return s.ExecContext(tx.ctx, args...)
}

// QueryRow runs a query that returns at most one row.
func (tx *Tx) QueryRow(query string, args ...any) *sql.Row {
	s, err := tx.stmt(query)
	if err != nil {
		// A bad query is a bug; surface it through Scan.
		return tx.w.conn.QueryRowContext(tx.ctx, query, args...)
	}
	return s.QueryRowContext(tx.ctx, args...)
}

// Query runs a query inside the transaction.
func (tx *Tx) Query(query string, args ...any) (*sql.Rows, error) {
	s, err := tx.stmt(query)
	if err != nil {
		return nil, err
	}
	return s.QueryContext(tx.ctx, args...)
}
