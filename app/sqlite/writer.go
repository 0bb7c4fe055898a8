package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mattn/go-sqlite3"
	"golang.org/x/sys/unix"

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
	nice     int // the writer thread's nice value; see run
	tid      int // the writer's thread while it is locked to one (tests)
	now      func() time.Time
	log      *slog.Logger
	stmts    map[string]*sql.Stmt
	quit     chan struct{}
	stopped  chan struct{}
	closeMu  sync.Once
	enqueue  sync.RWMutex // held for reading while a command is queued
	closed   bool         // set under enqueue: no more commands

	// Chain state: the hash of the newest movement and the next movement
	// id. Saved before each command and restored when it rolls back.
	lastHash [32]byte
	nextID   int64

	// catchUp asks the writer to finish a background checkpoint between
	// two groups; see DB.checkpointLoop.
	catchUp atomic.Bool

	// raw is the driver connection under conn. The ledger's own statements
	// and the transaction control run on it directly: database/sql's
	// per-statement work (argument conversion, Rows, Scan) was a fifth of
	// the writer's time. Only the writer goroutine uses either.
	raw      *sqlite3.SQLiteConn
	rawStmts map[string]*rawStmt
	lookups  lookups

	commits, commands atomic.Int64
	hooks             commitHooks // told of each commit; see notify.go
}

// WriterStats counts the writer's work since the database was opened.
type WriterStats struct {
	Commits  int64 // transactions committed
	Commands int64 // commands run in them, failed ones included
}

// WriterStats returns the writer's counts; Commands/Commits is the mean
// group size.
func (db *DB) WriterStats() WriterStats {
	return WriterStats{Commits: db.w.commits.Load(), Commands: db.w.commands.Load()}
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

func newWriter(ctx context.Context, conn *sql.Conn, maxBatch, nice int, now func() time.Time, log *slog.Logger) (*Writer, error) {
	w := &Writer{
		conn: conn, jobs: make(chan *job, 4096), maxBatch: maxBatch, nice: nice, now: now, log: log,
		stmts: map[string]*sql.Stmt{}, quit: make(chan struct{}), stopped: make(chan struct{}),
		rawStmts: map[string]*rawStmt{},
	}
	err := conn.Raw(func(dc any) error {
		c, ok := dc.(*sqlite3.SQLiteConn)
		if !ok {
			return fmt.Errorf("writer: driver connection is %T, not *sqlite3.SQLiteConn", dc)
		}
		w.raw = c
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := w.loadChain(ctx); err != nil {
		return nil, err
	}
	ready := make(chan struct{})
	go w.run(ready)
	<-ready
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
	done, err := w.submit(ctx, fn)
	if err != nil {
		return nil, err
	}
	// Once queued the job runs; wait for its outcome even if ctx ends, so
	// that a caller never reports failure for a command that committed.
	r := <-done
	return r.v, r.err
}

// submit queues fn and returns at once; done receives fn's result after
// its commit. Commands one goroutine submits run in the order submitted,
// and those queued together may share a commit.
func (w *Writer) submit(ctx context.Context, fn func(*Tx) (any, error)) (done <-chan result, err error) {
	j := &job{ctx: ctx, fn: fn, done: make(chan result, 1)}
	// The read lock keeps Close from finishing its drain while a command
	// is being queued: a command queued after the drain would wait forever.
	w.enqueue.RLock()
	defer w.enqueue.RUnlock()
	if w.closed {
		return nil, app.Errorf(app.EUNAVAILABLE, "depot is shutting down")
	}
	select {
	case w.jobs <- j:
		return j.done, nil
	case <-ctx.Done():
		return nil, app.Errorf(app.EUNAVAILABLE, "request cancelled before it was written")
	}
}

// Close lets queued commands finish, then stops the writer.
func (w *Writer) Close() {
	w.closeMu.Do(func() {
		w.enqueue.Lock()
		w.closed = true
		w.enqueue.Unlock()
		close(w.quit)
		<-w.stopped
		for _, s := range w.stmts {
			s.Close()
		}
		for _, s := range w.rawStmts {
			s.st.Close()
		}
		w.conn.Close()
	})
}

// run is the writer's loop; it closes ready once its thread is set up.
func (w *Writer) run(ready chan<- struct{}) {
	defer close(w.stopped)
	// The writer is the one thread that can keep a core busy for long
	// stretches (SQLite's b-tree work for a group of commands). On a
	// 2-core box a stock lookup or a page request that wakes up behind it
	// waited for the kernel's next time slice: the tail of every read was
	// the writer's. Running the writer on its own thread at a lower
	// priority lets reads preempt it; it still takes every cycle nobody
	// else wants, so throughput holds.
	if w.nice > 0 {
		// Never unlocked: when run returns, the thread exits with it
		// instead of going back to Go's pool still at the low priority.
		runtime.LockOSThread()
		w.tid = unix.Gettid()
		if err := unix.Setpriority(unix.PRIO_PROCESS, unix.Gettid(), w.nice); err != nil {
			w.log.Warn("writer: lower thread priority", "nice", w.nice, "err", err)
		}
	}
	close(ready)
	batch := make([]*job, 0, w.maxBatch)
	results := make([]result, 0, w.maxBatch)
	for {
		var first *job
		select {
		case first = <-w.jobs:
		case <-w.quit:
			// Drain what was queued before the quit.
			for {
				select {
				case j := <-w.jobs:
					batch, results = w.runBatch(append(batch[:0], j), results)
				default:
					return
				}
			}
		}
		batch, results = w.runBatch(append(batch[:0], first), results)
		if w.catchUp.Swap(false) {
			if err := w.control("PRAGMA wal_checkpoint(PASSIVE)"); err != nil {
				w.log.Warn("writer: checkpoint", "err", err)
			}
		}
	}
}

// runBatch runs the queued commands in one transaction, starting with
// batch. Commands that arrive while it runs join it, up to maxBatch: clients
// whose commands committed in the last group queue again while this one
// runs, and taking them now instead of in the next group halves the commits
// (and fsyncs) per command under steady load. It returns the slices for
// reuse.
func (w *Writer) runBatch(batch []*job, results []result) ([]*job, []result) {
	results = results[:0]
	savedHash, savedID := w.lastHash, w.nextID
	if err := w.control("BEGIN IMMEDIATE"); err != nil {
		w.log.Error("writer: begin", "err", err)
		batch = w.fill(batch)
		results = failAll(results, len(batch), app.Errorf(app.EUNAVAILABLE, "the database cannot start a write; try again"))
		w.deliver(batch, results)
		return batch, results
	}
	if err := w.lookups.check(w); err != nil {
		w.log.Error("writer: data version", "err", err)
		w.lookups.clear()
	}
	tx := &Tx{ctx: context.Background(), w: w, Now: w.now().UTC().Truncate(time.Millisecond)}
	aborted := false
	for i := 0; i < len(batch); i++ {
		if i == len(batch)-1 {
			batch = w.fill(batch)
		}
		j := batch[i]
		if err := j.ctx.Err(); err != nil {
			results = append(results, result{err: app.Errorf(app.EUNAVAILABLE, "request cancelled before it was written")})
			continue
		}
		r, ok := w.runOne(tx, j)
		results = append(results, r)
		if !ok {
			aborted = true
			break
		}
	}
	if !aborted {
		if err := w.control("COMMIT"); err != nil {
			w.log.Error("writer: commit", "err", err, "commands", len(batch))
			aborted = true
		}
	}
	if aborted {
		w.control("ROLLBACK")
		w.lookups.clear()
		w.lastHash, w.nextID = savedHash, savedID
		if err := w.loadChain(context.Background()); err != nil {
			w.log.Error("writer: reload chain", "err", err)
		}
		results = failAll(results, len(batch), app.Errorf(app.EUNAVAILABLE, "the database could not write; nothing was saved, try again"))
	} else {
		w.commits.Add(1)
		w.commands.Add(int64(len(batch)))
		w.hooks.fire(savedID, w.nextID)
	}
	w.deliver(batch, results)
	return batch, results
}

// failAll sets n results to err.
func failAll(results []result, n int, err error) []result {
	results = results[:0]
	for i := 0; i < n; i++ {
		results = append(results, result{err: err})
	}
	return results
}

// fill adds the commands waiting in the queue to batch, up to maxBatch.
func (w *Writer) fill(batch []*job) []*job {
	for len(batch) < w.maxBatch {
		select {
		case j := <-w.jobs:
			batch = append(batch, j)
		default:
			return batch
		}
	}
	return batch
}

// runOne runs one command inside a savepoint. ok is false when the
// transaction itself is broken and the whole group must roll back.
func (w *Writer) runOne(tx *Tx, j *job) (r result, ok bool) {
	if err := w.control("SAVEPOINT cmd"); err != nil {
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
		// What the command looked up may be what it wrote.
		w.lookups.clear()
		if err := w.control("ROLLBACK TO cmd"); err != nil {
			w.log.Error("writer: rollback to savepoint", "err", err)
			return r, false
		}
		if app.ErrorCode(r.err) == app.EINTERNAL {
			w.log.Error("writer: command failed", "err", r.err)
			r.err = app.Errorf(app.EINTERNAL, "internal error")
		}
	}
	if err := w.control("RELEASE cmd"); err != nil {
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

// Exec runs a write statement. Since it may change variants or locations,
// it forgets what the ledger's lookups remembered.
func (tx *Tx) Exec(query string, args ...any) (sql.Result, error) {
	tx.w.lookups.clear()
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

// rawStmt is a statement prepared on the raw connection, with buffers for
// its arguments and one row.
type rawStmt struct {
	st   driver.Stmt
	args []driver.NamedValue
	row  []driver.Value
}

// rawStmt returns the prepared statement for query on the raw connection.
func (w *Writer) rawStmt(query string) (*rawStmt, error) {
	if s, ok := w.rawStmts[query]; ok {
		return s, nil
	}
	st, err := w.raw.Prepare(query)
	if err != nil {
		return nil, fmt.Errorf("prepare %q: %w", query, err)
	}
	s := &rawStmt{st: st}
	w.rawStmts[query] = s
	return s, nil
}

// control runs a statement without arguments: transaction control and
// pragmas.
func (w *Writer) control(query string) error {
	s, err := w.rawStmt(query)
	if err != nil {
		return err
	}
	// Through Query, so that a statement that returns a row (a checkpoint)
	// is reset by Close and does not stay in progress.
	rows, err := s.st.(driver.StmtQueryContext).QueryContext(context.Background(), nil)
	if err != nil {
		return err
	}
	return rows.Close()
}

func (s *rawStmt) bind(args []any) error {
	s.args = s.args[:0]
	for i, a := range args {
		switch v := a.(type) {
		case int:
			a = int64(v)
		case nil, int64, string, []byte, bool:
		default:
			return fmt.Errorf("writer: argument %d is a %T", i+1, a)
		}
		s.args = append(s.args, driver.NamedValue{Ordinal: i + 1, Value: a})
	}
	return nil
}

// exec runs one of the ledger's own write statements on the raw
// connection. Unlike Exec it keeps the lookups: the ledger writes movements,
// legs, levels and lots, never variants or locations.
func (tx *Tx) exec(query string, args ...any) (driver.Result, error) {
	s, err := tx.w.rawStmt(query)
	if err != nil {
		return nil, err
	}
	if err := s.bind(args); err != nil {
		return nil, err
	}
	return s.st.(driver.StmtExecContext).ExecContext(tx.ctx, s.args)
}

// queryRow runs a query on the raw connection and scans its first row into
// dest (pointers to int64, bool, string, []byte or sql.NullString), or
// returns sql.ErrNoRows.
func (tx *Tx) queryRow(query string, args []any, dest ...any) error {
	s, err := tx.w.rawStmt(query)
	if err != nil {
		return err
	}
	if err := s.bind(args); err != nil {
		return err
	}
	rows, err := s.st.(driver.StmtQueryContext).QueryContext(tx.ctx, s.args)
	if err != nil {
		return err
	}
	defer rows.Close()
	if cap(s.row) < len(dest) {
		s.row = make([]driver.Value, len(dest))
	}
	row := s.row[:len(dest)]
	if err := rows.Next(row); err == io.EOF {
		return sql.ErrNoRows
	} else if err != nil {
		return err
	}
	for i, d := range dest {
		if err := assign(d, row[i]); err != nil {
			return fmt.Errorf("scan column %d of %q: %w", i, query, err)
		}
	}
	return nil
}

// assign stores a column value the way database/sql's Scan would for the
// types the ledger reads.
func assign(dest any, v driver.Value) error {
	switch d := dest.(type) {
	case *int64:
		if n, ok := v.(int64); ok {
			*d = n
			return nil
		}
	case *bool:
		if n, ok := v.(int64); ok {
			*d = n != 0
			return nil
		}
	case *string:
		switch x := v.(type) {
		case string:
			*d = x
			return nil
		case []byte:
			*d = string(x)
			return nil
		}
	case *[]byte:
		switch x := v.(type) {
		case []byte:
			*d = append([]byte(nil), x...)
			return nil
		case string:
			*d = []byte(x)
			return nil
		case nil:
			*d = nil
			return nil
		}
	case *sql.NullString:
		switch x := v.(type) {
		case nil:
			*d = sql.NullString{}
			return nil
		case string:
			*d = sql.NullString{String: x, Valid: true}
			return nil
		case []byte:
			*d = sql.NullString{String: string(x), Valid: true}
			return nil
		}
	}
	return fmt.Errorf("cannot store %T in %T", v, dest)
}

// lookups remembers variants and locations the ledger looked up, by the
// SKU or code as given. A command that fails (its savepoint rolls back), a
// group that aborts, any write through Tx.Exec and any commit by another
// connection (PRAGMA data_version) forget them all, so an entry never
// outlives the row it describes. Misses are not remembered.
type lookups struct {
	variants map[string]variantRow
	places   map[string]placeRow
	version  int64
}

type variantRow struct {
	v        variantRef
	archived bool
}

type placeRow struct {
	p        app.Place
	archived bool
}

// maxLookups bounds each map; past it the map starts over.
const maxLookups = 200_000

func (l *lookups) clear() {
	clear(l.variants)
	clear(l.places)
}

// check forgets everything when another connection has committed since
// the last check.
func (l *lookups) check(w *Writer) error {
	var v int64
	if err := (&Tx{ctx: context.Background(), w: w}).queryRow("PRAGMA data_version", nil, &v); err != nil {
		return err
	}
	if v != l.version {
		l.clear()
		l.version = v
	}
	return nil
}

func (l *lookups) variant(sku string) (variantRow, bool) {
	r, ok := l.variants[sku]
	return r, ok
}

func (l *lookups) addVariant(sku string, r variantRow) {
	if l.variants == nil || len(l.variants) >= maxLookups {
		l.variants = map[string]variantRow{}
	}
	l.variants[sku] = r
}

func (l *lookups) place(code string) (placeRow, bool) {
	r, ok := l.places[code]
	return r, ok
}

func (l *lookups) addPlace(code string, r placeRow) {
	if l.places == nil || len(l.places) >= maxLookups {
		l.places = map[string]placeRow{}
	}
	l.places[code] = r
}
