package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"sort"
	"strings"
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
//   - the layout (places, their inherited attributes, the packing area's
//     walk sequence) and the variants' unit weights are read once, and again
//     after the writer changed a location, a variant or a lot (an update
//     hook on the writer's connection counts such changes);
//   - the contents are refreshed per variant: each commit's range of
//     movement ids is recorded (OnCommit), and before the next suggestion
//     the levels of the variants those movements touched are read again;
//   - velocity (units shipped per variant in the last velocityWindow) is
//     read from the ledger at most once per velocityTTL, in the background.

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
	gen    int64 // catalogGen when loaded
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
	// catalogGen counts writer changes of locations, variants and lots.
	catalogGen atomic.Int64
	pendMu     sync.Mutex
	pendFirst  int64 // movements [pendFirst, pendNext) not yet applied
	pendNext   int64
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
		// it only counts. Inserted lots and variants change nothing held;
		// the levels of a new one arrive through OnCommit.
		// Not the request's context: a cancelled request must not leave
		// the hook unregistered for good.
		_, err = db.w.Do(context.WithoutCancel(ctx), func(tx *Tx) (any, error) {
			tx.w.raw.RegisterUpdateHook(func(op int, _, table string, _ int64) {
				if table == "locations" || (op != sqlite3.SQLITE_INSERT && (table == "variants" || table == "lots")) {
					c.catalogGen.Add(1)
				}
			})
			return nil, nil
		})
	})
	return err
}

// putawayBins brings the cache up to date and calls fn with it locked.
func (db *DB) putawayBins(ctx context.Context, fn func(c *putawayCache) error) error {
	if err := db.putawayStart(ctx); err != nil {
		return err
	}
	c := &db.putaway
	c.mu.Lock()
	defer c.mu.Unlock()
	gen := c.catalogGen.Load()
	c.pendMu.Lock()
	first, next := c.pendFirst, c.pendNext
	c.pendFirst, c.pendNext = 0, 0
	c.pendMu.Unlock()
	switch {
	case !c.loaded || gen != c.gen || next-first > refreshMax:
		if err := db.loadPutaway(ctx, c); err != nil {
			c.loaded = false
			return err
		}
		c.gen = gen
	case next > first:
		ids, err := db.MovedVariants(ctx, first, next)
		if err == nil {
			err = db.refreshVariants(ctx, c, ids)
		}
		if err != nil {
			c.loaded = false
			return err
		}
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

// placeRowP is a physical place as the layout load reads it.
type placeRowP struct {
	id, parent, walk int64
	code             string
	kind             app.LocationKind
	archived         bool
	attrs            putaway.Bin // Temperature, CategoryTags, MaxWeightMg, CapacityUnits
	hasTemp, hasTags bool
	children         int
}

// parsePlaceAttrs reads what putaway uses of a place's attributes:
// app.PlaceAttributes and "capacity_units".
func parsePlaceAttrs(raw string) (b putaway.Bin, hasTemp, hasTags bool) {
	if raw == "{}" || raw == "" {
		return b, false, false
	}
	a := app.ParsePlaceAttributes(json.RawMessage(raw))
	b.Temperature, b.CategoryTags, b.MaxWeightMg = strings.ToLower(a.Temperature), a.CategoryTags, a.MaxWeightMg
	var m struct {
		Capacity any `json:"capacity_units"`
	}
	if json.Unmarshal([]byte(raw), &m) == nil {
		if n, ok := m.Capacity.(float64); ok && n > 0 && n <= app.MaxQty {
			b.CapacityUnits = int64(n)
		}
	}
	return b, a.Temperature != "", len(a.CategoryTags) > 0
}

// loadPutaway reads the layout and all contents of the candidate bins.
func (db *DB) loadPutaway(ctx context.Context, c *putawayCache) error {
	rows, err := db.read.QueryContext(ctx, `SELECT id, ifnull(parent_id, 0), walk_seq, code, kind, archived, attributes
		FROM locations WHERE kind <> 'virtual'`)
	if err != nil {
		return err
	}
	places := map[int64]*placeRowP{}
	for rows.Next() {
		p := &placeRowP{}
		var attrs string
		if err := rows.Scan(&p.id, &p.parent, &p.walk, &p.code, &p.kind, &p.archived, &attrs); err != nil {
			rows.Close()
			return err
		}
		p.attrs, p.hasTemp, p.hasTags = parsePlaceAttrs(attrs)
		places[p.id] = p
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, p := range places {
		if pp := places[p.parent]; pp != nil && !p.archived {
			pp.children++
		}
	}
	c.sites, c.siteOf, c.bins = map[int64]*putawaySite{}, map[int64]int64{}, map[int64]binRef{}
	c.byVariant, c.weights, c.limits = map[int64][]int64{}, map[int64]int64{}, map[int64]*putaway.Limit{}
	// Sites first, with their packing areas (staging places).
	for _, p := range places {
		site := siteOfPlace(places, p)
		c.siteOf[p.id] = site
		if c.sites[site] == nil {
			c.sites[site] = &putawaySite{}
		}
		if p.kind == app.KindStaging && !p.archived {
			c.sites[site].packWalks = append(c.sites[site].packWalks, p.walk)
		}
	}
	for _, p := range places {
		if !putawayKinds[p.kind] || p.archived || p.children > 0 {
			continue
		}
		s := c.sites[c.siteOf[p.id]]
		b := inherit(places, p)
		for q, i := places[p.parent], 0; q != nil && i < 64; q, i = places[q.parent], i+1 {
			if q.attrs.MaxWeightMg > 0 {
				if c.limits[q.id] == nil {
					c.limits[q.id] = &putaway.Limit{Code: q.code, MaxWeightMg: q.attrs.MaxWeightMg}
				}
				b.Above = append(b.Above, c.limits[q.id])
			}
		}
		b.ID, b.Code, b.WalkSeq = p.id, p.code, p.walk
		b.Distance = distanceToPack(s.packWalks, p.walk)
		s.maxDistance = max(s.maxDistance, b.Distance)
		s.bins = append(s.bins, b)
	}
	for _, s := range c.sites {
		// Walk order, so that a scan of the bins reads like the floor.
		sort.Slice(s.bins, func(i, j int) bool {
			if s.bins[i].WalkSeq != s.bins[j].WalkSeq {
				return s.bins[i].WalkSeq < s.bins[j].WalkSeq
			}
			return s.bins[i].Code < s.bins[j].Code
		})
		for i := range s.bins {
			c.bins[s.bins[i].ID] = binRef{s, i}
		}
	}
	rows, err = db.read.QueryContext(ctx, `SELECT il.location_id, il.variant_id, v.unit_weight_mg, il.lot_id, il.on_hand,
			ifnull(lo.code, ''), ifnull(lo.expires_on, '')
		FROM inventory_levels il JOIN variants v ON v.id = il.variant_id
		LEFT JOIN lots lo ON lo.id = il.lot_id
		WHERE il.physical = 1 AND il.on_hand > 0`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var loc, weight int64
		var ct putaway.Content
		if err := rows.Scan(&loc, &ct.VariantID, &weight, &ct.LotID, &ct.Qty, &ct.Lot, &ct.ExpiresOn); err != nil {
			return err
		}
		ref, ok := c.bins[loc]
		if !ok {
			continue
		}
		c.weights[ct.VariantID] = weight
		b := &ref.site.bins[ref.i]
		if len(b.Contents) == 0 || b.Contents[len(b.Contents)-1].VariantID != ct.VariantID {
			c.byVariant[ct.VariantID] = appendOnce(c.byVariant[ct.VariantID], loc)
		}
		b.Contents = append(b.Contents, ct)
		b.Units += ct.Qty
		b.LoadMg += ct.Qty * weight
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, s := range c.sites {
		for i := range s.bins {
			for _, l := range s.bins[i].Above {
				l.LoadMg += s.bins[i].LoadMg
			}
		}
	}
	c.loaded = true
	return nil
}

func appendOnce(ids []int64, id int64) []int64 {
	for _, x := range ids {
		if x == id {
			return ids
		}
	}
	return append(ids, id)
}

func siteOfPlace(places map[int64]*placeRowP, p *placeRowP) int64 {
	for i := 0; i < 64 && p.parent != 0 && places[p.parent] != nil; i++ {
		p = places[p.parent]
	}
	return p.id
}

// inherit returns the place's putaway attributes, the temperature and
// category tags taken from the nearest ancestor that has them when the
// place has none. Weight and capacity limits are the place's own (an
// ancestor's weight limit is shared, in Above).
func inherit(places map[int64]*placeRowP, p *placeRowP) putaway.Bin {
	b := p.attrs
	temp, tags := p.hasTemp, p.hasTags
	for q, i := places[p.parent], 0; q != nil && (!temp || !tags) && i < 64; q, i = places[q.parent], i+1 {
		if !temp && q.hasTemp {
			b.Temperature, temp = q.attrs.Temperature, true
		}
		if !tags && q.hasTags {
			b.CategoryTags, tags = q.attrs.CategoryTags, true
		}
	}
	return b
}

// distanceToPack is how far walk is from the nearest packing area; from
// the start of the walk when the site has none.
func distanceToPack(packWalks []int64, walk int64) int64 {
	if len(packWalks) == 0 {
		return walk
	}
	d := int64(-1)
	for _, p := range packWalks {
		x := walk - p
		if x < 0 {
			x = -x
		}
		if d < 0 || x < d {
			d = x
		}
	}
	return d
}

// refreshVariants reads again where the variants are, after movements.
func (db *DB) refreshVariants(ctx context.Context, c *putawayCache, ids []int64) error {
	for _, v := range ids {
		// Take the variant out of every bin that held it.
		for _, loc := range c.byVariant[v] {
			ref, ok := c.bins[loc]
			if !ok {
				continue
			}
			b := &ref.site.bins[ref.i]
			kept := b.Contents[:0]
			for _, ct := range b.Contents {
				if ct.VariantID != v {
					kept = append(kept, ct)
				}
			}
			b.Contents = kept
			c.recount(b)
		}
		delete(c.byVariant, v)
		rows, err := db.read.QueryContext(ctx, `SELECT il.location_id, v.unit_weight_mg, il.lot_id, il.on_hand,
				ifnull(lo.code, ''), ifnull(lo.expires_on, '')
			FROM inventory_levels il JOIN variants v ON v.id = il.variant_id
			LEFT JOIN lots lo ON lo.id = il.lot_id
			WHERE il.variant_id = ? AND il.physical = 1 AND il.on_hand > 0`, v)
		if err != nil {
			return err
		}
		for rows.Next() {
			var loc, weight int64
			ct := putaway.Content{VariantID: v}
			if err := rows.Scan(&loc, &weight, &ct.LotID, &ct.Qty, &ct.Lot, &ct.ExpiresOn); err != nil {
				rows.Close()
				return err
			}
			c.weights[v] = weight
			ref, ok := c.bins[loc]
			if !ok {
				continue
			}
			b := &ref.site.bins[ref.i]
			b.Contents = append(b.Contents, ct)
			c.recount(b)
			c.byVariant[v] = appendOnce(c.byVariant[v], loc)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// recount sums the bin's units and load again, and passes the change of
// load on to the limits of the places it is in.
func (c *putawayCache) recount(b *putaway.Bin) {
	was := b.LoadMg
	b.Units, b.LoadMg = 0, 0
	for _, ct := range b.Contents {
		b.Units += ct.Qty
		b.LoadMg += ct.Qty * c.weights[ct.VariantID]
	}
	for _, l := range b.Above {
		l.LoadMg += b.LoadMg - was
	}
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
