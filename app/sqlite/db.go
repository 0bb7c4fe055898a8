// Package sqlite is depot's store: connections, migrations, the ledger
// writer and the queries. All SQL lives here.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"sync"
	"time"

	"github.com/mattn/go-sqlite3"

	"depot/app"
)

// driverName is mattn/go-sqlite3 with a connect hook for the pragmas the DSN
// cannot set. Every pooled connection passes through it.
const driverName = "depot-sqlite3"

func init() {
	sql.Register(driverName, &sqlite3.SQLiteDriver{
		ConnectHook: func(c *sqlite3.SQLiteConn) error {
			// Plans that do not depend on bound values, so that reused
			// statements are not re-prepared: see enableStablePlans. Its
			// failure costs speed only.
			enableStablePlans(c)
			// Checkpoints never run inside a commit: the writer's group
			// commit would stall behind them. The background checkpointer
			// (or Litestream) does them instead.
			if _, err := c.Exec("PRAGMA wal_autocheckpoint = 0", nil); err != nil {
				return err
			}
			// Pages of the database file are read through a memory map
			// rather than a read call each: a reader's page cache starts
			// over whenever the WAL has changed, which under steady writes
			// is every read transaction.
			_, err := c.Exec("PRAGMA mmap_size = 1073741824", nil)
			return err
		},
	})
}

// dsn builds the connection string. The pragmas are in the DSN so that every
// connection of a pool has them; _sync=FULL because mattn's default NORMAL can
// lose acknowledged commits on power loss.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_sync", "FULL")
	q.Set("_fk", "1")
	q.Set("_busy_timeout", "10000")
	q.Set("_txlock", "immediate")
	q.Set("_cache_size", "-8000") // 8 MB per connection
	// Queries built per call (Stock, Movements) reuse their prepared
	// statements instead of parsing and planning every time.
	q.Set("_stmt_cache_size", "32")
	// database/sql hands a connection to one goroutine at a time and the
	// writer owns its own, so SQLite's per-connection mutex only costs: a
	// lock and unlock around every step and every column read, a tenth of
	// verify's time.
	q.Set("_mutex", "no")
	if readOnly {
		q.Set("_query_only", "1")
	}
	return "file:" + path + "?" + q.Encode()
}

// Options tune a DB. The zero value is right for production.
type Options struct {
	// MaxBatch caps how many commands one group commit takes; 1 turns group
	// commit off (one transaction per command, the bench baseline).
	MaxBatch int
	// ReadConns is the size of the read pool (default 4).
	ReadConns int
	// NoCheckpoint leaves WAL checkpoints to someone else (Litestream).
	NoCheckpoint bool
	// WriterNice is the nice value of the writer's thread, which lets reads
	// preempt it (default 10; negative leaves the writer at the process's
	// priority).
	WriterNice int
	// WriterCacheMB is the page cache of the writer's connection (default
	// 64). The pages a group commit changes are spread over the ledger's
	// indexes; with a small cache the writer read them back from the WAL
	// one pread at a time.
	WriterCacheMB int
	// Now is the clock; time.Now by default.
	Now func() time.Time
	// Logger receives operational messages; slog.Default() by default.
	Logger *slog.Logger
}

// PageSize is the page size of the database files depot creates.
//
// A posting changes a few rows scattered over the ledger's indexes (the
// variant's and each location's legs, the levels, the idempotency key), and
// SQLite writes every changed page whole to the WAL and again at the
// checkpoint. With 4 KiB pages the writer wrote 33-43 KB per posting; with
// 1 KiB pages 9-12 KB, at the same CPU per posting and the same verify time.
// Files created with another page size keep it.
const PageSize = 1024

// initFile gives a new or empty database file its page size. It must come
// before anything else: the connections' journal_mode=WAL writes the header
// and fixes the page size from then on.
func initFile(path string) error {
	if st, err := os.Stat(path); err == nil && st.Size() > 0 {
		return nil
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	c, err := sql.Open(driverName, "file:"+path)
	if err != nil {
		return err
	}
	defer c.Close()
	_, err = c.Exec(fmt.Sprintf("PRAGMA page_size = %d; PRAGMA journal_mode = WAL", PageSize))
	return err
}

// DB is an open depot database: a read pool and the single writer.
type DB struct {
	Path   string
	read   *sql.DB
	write  *sql.DB
	w      *Writer
	now    func() time.Time
	log    *slog.Logger
	cancel context.CancelFunc
	done   sync.WaitGroup
	// noCheckpoint: someone else (Litestream) owns checkpoints, Close too.
	noCheckpoint bool

	// Ids of the virtual locations, fixed by the schema's seed rows.
	virtual map[string]int64

	putaway putawayCache // see putaway.go
}

// Open opens (creating if needed) the database at path, brings its schema to
// the current version and starts the writer.
func Open(ctx context.Context, path string, opt Options) (*DB, error) {
	if path == "" {
		return nil, app.Errorf(app.EINVALID, "no database path given")
	}
	if opt.WriterNice == 0 {
		opt.WriterNice = 10
	}
	if opt.MaxBatch <= 0 {
		opt.MaxBatch = 256
	}
	if opt.ReadConns <= 0 {
		opt.ReadConns = 4
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	db := &DB{Path: path, now: opt.Now, log: opt.Logger, noCheckpoint: opt.NoCheckpoint}
	if err := checkFTS5(ctx); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := initFile(path); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	var err error
	if db.write, err = sql.Open(driverName, dsn(path, false)); err != nil {
		return nil, err
	}
	db.write.SetMaxOpenConns(1)
	db.write.SetMaxIdleConns(1)
	db.write.SetConnMaxLifetime(0)
	db.write.SetConnMaxIdleTime(0)
	if err := migrate(ctx, db.write); err != nil {
		db.write.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if db.read, err = sql.Open(driverName, dsn(path, true)); err != nil {
		db.write.Close()
		return nil, err
	}
	db.read.SetMaxOpenConns(opt.ReadConns)
	db.read.SetMaxIdleConns(opt.ReadConns)
	if err := db.loadVirtual(ctx); err != nil {
		db.Close()
		return nil, err
	}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	if opt.WriterCacheMB == 0 {
		opt.WriterCacheMB = 64
	}
	if _, err := conn.ExecContext(ctx, "PRAGMA cache_size = "+itoa(-1024*int64(opt.WriterCacheMB))); err != nil {
		conn.Close()
		db.Close()
		return nil, err
	}
	if db.w, err = newWriter(ctx, conn, opt.MaxBatch, opt.WriterNice, opt.Now, opt.Logger); err != nil {
		conn.Close()
		db.Close()
		return nil, err
	}
	bg, cancel := context.WithCancel(context.Background())
	db.cancel = cancel
	if !opt.NoCheckpoint {
		db.done.Add(1)
		go func() { defer db.done.Done(); db.checkpointLoop(bg) }()
	}
	return db, nil
}

// Close stops the writer after the commands already queued and closes the
// database. A final checkpoint folds the WAL back into the file, unless
// NoCheckpoint: a replicator reading the WAL keeps it, and a TRUNCATE would
// wait on its read lock.
func (db *DB) Close() error {
	if db.cancel != nil {
		db.cancel()
	}
	db.done.Wait()
	if db.w != nil {
		db.w.Close()
	}
	var errs []error
	if db.read != nil {
		errs = append(errs, db.read.Close())
	}
	if db.write != nil {
		if db.w != nil && !db.noCheckpoint {
			_, err := db.write.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
			errs = append(errs, err)
		}
		errs = append(errs, db.write.Close())
	}
	return errors.Join(errs...)
}

func (db *DB) loadVirtual(ctx context.Context) error {
	rows, err := db.read.QueryContext(ctx, `SELECT code, id FROM locations WHERE kind = 'virtual'`)
	if err != nil {
		return err
	}
	defer rows.Close()
	db.virtual = map[string]int64{}
	for rows.Next() {
		var code string
		var id int64
		if err := rows.Scan(&code, &id); err != nil {
			return err
		}
		db.virtual[code] = id
	}
	return rows.Err()
}

// checkpointLoop copies the WAL back into the database file in the
// background. PASSIVE never waits for the writer or readers. Under steady
// writes a pass never ends with the whole WAL copied (the writer appends
// meanwhile), and SQLite only starts the WAL over from its beginning when a
// write begins with every frame copied; so passes run back to back until one
// is short, and then the writer copies the last few frames itself between
// two groups (Writer.catchUp), which lets its next group restart the WAL.
// Without that the WAL grows by every frame ever written.
func (db *DB) checkpointLoop(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	var conn *sqlite3.SQLiteConn
	defer func() {
		if conn != nil {
			conn.Close()
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		fi, err := os.Stat(db.Path + "-wal")
		if err != nil || fi.Size() < 4<<20 {
			continue
		}
		if conn == nil {
			c, err := db.write.Driver().Open(dsn(db.Path, false))
			if err != nil {
				db.log.Warn("checkpoint: open", "err", err)
				continue
			}
			conn = c.(*sqlite3.SQLiteConn)
		}
		for pass := 0; pass < 10 && ctx.Err() == nil; pass++ {
			start := time.Now()
			if _, err := conn.Exec("PRAGMA wal_checkpoint(PASSIVE)", nil); err != nil {
				db.log.Warn("checkpoint", "err", err)
				break
			}
			if time.Since(start) < 20*time.Millisecond {
				db.w.catchUp.Store(true)
				break
			}
		}
	}
}

// isConstraint reports whether err is the SQLite constraint error ext.
func isConstraint(err error, ext sqlite3.ErrNoExtended) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.ExtendedCode == ext
}

// ms is the one stored form of an instant: UTC unix milliseconds.
func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMs(v int64) time.Time { return time.UnixMilli(v).UTC() }
