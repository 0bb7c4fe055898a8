package sqlite

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mattn/go-sqlite3"

	"depot/app"
	"depot/app/putaway"
)

// Putaway suggestions score every candidate bin of a site, so the bins,
// their attributes and what is in them are kept in memory (putawayCache)
// rather than read per suggestion:
//
//   - the layout (places, their inherited attributes and limits, the
//     packing areas' walk sequences) is read once, and again after the
//     writer changed a location (an update hook on the writer's connection
//     counts such changes); the bins keep the contents held for them;
//   - the contents are refreshed per variant: each commit's range of
//     movement ids is recorded (OnCommit), and before the next suggestion
//     the levels of the variants those movements touched are read again,
//     as are those of variants and lots the writer updated (a unit weight,
//     an expiry; the update hook records their ids);
//   - velocity (units shipped per variant in the last velocityWindow) is
//     read from the ledger at most once per velocityTTL, in the background.
//
// Load, layout and refresh are in putaway_load.go.

const (
	velocityWindow = 30 * 24 * time.Hour
	velocityTTL    = time.Hour
	// refreshMax is the most movements refreshed variant by variant; a
	// larger backlog reloads all contents at once.
	refreshMax = 5000
)

// putawayKinds are the kinds of place stock is put away into, when nothing
// is below them.
var putawayKinds = map[app.LocationKind]bool{app.KindBin: true, app.KindShelf: true, app.KindRack: true}

// putawaySite is one site's candidate bins.
type putawaySite struct {
	bins        []putaway.Bin
	maxDistance int64
	packWalks   []int64 // walk sequences of the site's staging places
}

type binRef struct {
	site *putawaySite
	i    int
}

// putawayCache is what suggestions read; see the comment at the top.
type putawayCache struct {
	mu     sync.Mutex
	loaded bool
	gen    int64 // layoutGen when the layout was read
	sites  map[int64]*putawaySite
	siteOf map[int64]int64 // physical place -> its site
	bins   map[int64]binRef
	// limits are the weight limits of places that hold bins (a shelf, a
	// rack), shared by the bins' Above.
	limits map[int64]*putaway.Limit
	// byVariant lists the bins that hold a variant; weights are the unit
	// weights of the variants seen.
	byVariant map[int64][]int64
	weights   map[int64]int64

	// Velocity ranks, replaced whole by the background refresh.
	velocity   atomic.Pointer[velocityRanks]
	velocityMu sync.Mutex // one refresh at a time

	setup sync.Once
	// layoutGen counts the writer's changes of locations.
	layoutGen atomic.Int64
	pendMu    sync.Mutex
	pendFirst int64 // movements [pendFirst, pendNext) not yet applied
	pendNext  int64
	// pendVariants and pendLots are the variants and lots the writer
	// updated since the last refresh; pendAll is set instead when there
	// are more than refreshMax.
	pendVariants, pendLots map[int64]bool
	pendAll                bool
}

type velocityRanks struct {
	at     time.Time
	rank   map[int64]int
	ranked int
}

// putawayStart registers the hooks that keep the cache current; it runs
// once, at the first suggestion, so a database that never suggests pays
// nothing.
func (db *DB) putawayStart(ctx context.Context) error {
	c := &db.putaway
	var err error
	c.setup.Do(func() {
		db.OnCommit(func(first, next int64) {
			c.pendMu.Lock()
			if c.pendNext == 0 || first < c.pendFirst {
				c.pendFirst = first
			}
			c.pendNext = max(c.pendNext, next)
			c.pendMu.Unlock()
		})
		// The hook runs on the writer's goroutine, inside its statements:
		// it only records. Inserted lots and variants change nothing held;
		// the levels of a new one arrive through OnCommit.
		// Not the request's context: a cancelled request must not leave
		// the hook unregistered for good.
		_, err = db.w.Do(context.WithoutCancel(ctx), func(tx *Tx) (any, error) {
			tx.w.raw.RegisterUpdateHook(func(op int, _, table string, id int64) {
				switch {
				case table == "locations":
					c.layoutGen.Add(1)
				case op == sqlite3.SQLITE_INSERT || (table != "variants" && table != "lots"):
				default:
					c.pending(table == "lots", id)
				}
			})
			return nil, nil
		})
	})
	return err
}

// pending records a variant or lot the writer updated.
func (c *putawayCache) pending(lot bool, id int64) {
	c.pendMu.Lock()
	defer c.pendMu.Unlock()
	m := &c.pendVariants
	if lot {
		m = &c.pendLots
	}
	if *m == nil {
		*m = map[int64]bool{}
	}
	if len(c.pendVariants)+len(c.pendLots) >= refreshMax {
		c.pendAll = true
		return
	}
	(*m)[id] = true
}

// putawayBins brings the cache up to date and calls fn with it locked.
func (db *DB) putawayBins(ctx context.Context, fn func(c *putawayCache) error) error {
	if err := db.putawayStart(ctx); err != nil {
		return err
	}
	c := &db.putaway
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := db.putawayRefresh(ctx, c); err != nil {
		c.loaded = false // read all again next time
		return err
	}
	if v := c.velocity.Load(); v == nil {
		if err := db.loadVelocity(ctx); err != nil {
			return err
		}
	} else if db.now().Sub(v.at) > velocityTTL && c.velocityMu.TryLock() {
		go func() {
			defer c.velocityMu.Unlock()
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if err := db.loadVelocityLocked(ctx); err != nil {
				db.log.Warn("putaway: velocity refresh", "err", err)
			}
		}()
	}
	return fn(c)
}

func (db *DB) loadVelocity(ctx context.Context) error {
	c := &db.putaway
	c.velocityMu.Lock()
	defer c.velocityMu.Unlock()
	if c.velocity.Load() != nil {
		return nil
	}
	return db.loadVelocityLocked(ctx)
}

// loadVelocityLocked ranks variants by units shipped in the last
// velocityWindow. Movement ids grow with time, so the window's first
// movement is found by a binary search on ids rather than a scan.
func (db *DB) loadVelocityLocked(ctx context.Context) error {
	now := db.now()
	since := ms(now.Add(-velocityWindow))
	var lo, hi int64
	if err := db.read.QueryRowContext(ctx, `SELECT ifnull(min(id), 1), ifnull(max(id), 0) + 1 FROM movements`).Scan(&lo, &hi); err != nil {
		return err
	}
	for lo < hi {
		mid := lo + (hi-lo)/2
		var at int64
		err := db.read.QueryRowContext(ctx, `SELECT posted_at FROM movements WHERE id >= ? ORDER BY id LIMIT 1`, mid).Scan(&at)
		if err == sql.ErrNoRows || (err == nil && at >= since) {
			hi = mid
		} else if err != nil {
			return err
		} else {
			lo = mid + 1
		}
	}
	rows, err := db.read.QueryContext(ctx, `SELECT t.variant_id, -sum(t.qty) AS shipped
		FROM movements m JOIN inventory_transactions t ON t.movement_id = m.id
		WHERE m.id >= ? AND m.kind = 'ship' AND t.qty < 0
		GROUP BY t.variant_id ORDER BY shipped DESC, t.variant_id`, lo)
	if err != nil {
		return err
	}
	defer rows.Close()
	v := &velocityRanks{at: now, rank: map[int64]int{}}
	for rows.Next() {
		var id, n int64
		if err := rows.Scan(&id, &n); err != nil {
			return err
		}
		v.ranked++
		v.rank[id] = v.ranked
	}
	if err := rows.Err(); err != nil {
		return err
	}
	db.putaway.velocity.Store(v)
	return nil
}
