package sqlite

import (
	"cmp"
	"database/sql"
	"slices"
	"time"

	"depot/app"
)

// allocator picks the levels an order line is allocated from, inside one
// writer command. It remembers what it learned about places for the rest of
// the command (a batch of ReleaseOrders looks at the same bins again and
// again); nothing else writes locations while a command runs, and the next
// command starts with a new allocator.
type allocator struct {
	tx     *Tx
	places map[int64]placeFacts
}

func newAllocator(tx *Tx) *allocator { return &allocator{tx: tx, places: map[int64]placeFacts{}} }

// placeFacts are what allocation needs to know about a place.
type placeFacts struct {
	site        int64 // the site the place is under (itself for a site), 0 for none
	kind        string
	archived    bool
	quarantined bool // the place or one above it has {"quarantine": true}
}

// allocatable reports whether stock at the place may be allocated to an
// order shipping from site: not at a dock or staging place (not yet put
// away, or already picked), not in quarantine, not archived.
func (f placeFacts) allocatable(site int64) bool {
	return f.site == site && !f.quarantined && !f.archived &&
		f.kind != string(app.KindDock) && f.kind != string(app.KindStaging) && f.kind != string(app.KindVirtual)
}

// maxPlaceDepth bounds the walk up the place tree, against a loop in it.
const maxPlaceDepth = 64

// place returns the facts of the place with the id, walking up its
// parents the first time.
func (a *allocator) place(id int64) (placeFacts, error) {
	return a.placeAt(id, 0)
}

func (a *allocator) placeAt(id int64, depth int) (placeFacts, error) {
	if f, ok := a.places[id]; ok {
		return f, nil
	}
	var f placeFacts
	var parent int64
	err := a.tx.queryRow(`SELECT ifnull(parent_id, 0), kind, archived,
			attributes <> '{}' AND ifnull(json_extract(attributes, '$.quarantine'), 0) = 1
		FROM locations WHERE id = ?`, []any{id}, &parent, &f.kind, &f.archived, &f.quarantined)
	if err != nil {
		return f, err
	}
	switch {
	case f.kind == string(app.KindSite):
		f.site = id
	case parent != 0 && depth < maxPlaceDepth:
		up, err := a.placeAt(parent, depth+1)
		if err != nil {
			return f, err
		}
		f.site, f.quarantined = up.site, f.quarantined || up.quarantined
	}
	a.places[id] = f
	return f, nil
}

// candidatesQuery lists the levels of a variant (?1) with stock available
// whose lot, if any, may be allocated: its status is allocatable and it
// does not expire before ?2 (today, or today plus the customer's minimum
// shelf life). Places are checked by the allocator.
const candidatesQuery = `SELECT lv.location_id, l.code, l.walk_seq, lv.lot_id, ifnull(o.code, ''), ifnull(o.expires_on, ''),
		lv.on_hand - lv.reserved
	FROM inventory_levels lv JOIN locations l ON l.id = lv.location_id
	LEFT JOIN lots o ON o.id = lv.lot_id AND lv.lot_id <> 0
	LEFT JOIN lot_statuses s ON s.status = o.status
	WHERE lv.variant_id = ?1 AND lv.physical = 1 AND lv.on_hand > lv.reserved
		AND (lv.lot_id = 0 OR (s.allocatable = 1 AND (o.expires_on IS NULL OR o.expires_on >= ?2)))`

// firstLegQuery is the oldest leg of a level without lot: its stock's
// first receipt, near enough for FIFO between places. legs_variant walks
// the variant's legs in movement order and stops at the first one there
// (the unary + keeps SQLite off legs_location, which would walk every leg
// of the place).
const firstLegQuery = `SELECT movement_id FROM inventory_transactions
	WHERE variant_id = ? AND +location_id = ? AND lot_id IS NULL ORDER BY movement_id LIMIT 1`

type candidate struct {
	loc, lot, walk int64
	code           string
	lotCode        string
	expires        string // "" for none
	avail          int64
	first          int64 // FIFO key: the lot's id (lots are made at their first receipt), else the level's first leg
}

// candidates returns the levels line l of order h may take stock from,
// best first: earliest expiry (FEFO; no expiry last), then oldest stock
// (FIFO), then walk sequence.
func (a *allocator) candidates(h *orderHead, l *orderLine, want int64) ([]candidate, error) {
	earliest := a.tx.Now.UTC().AddDate(0, 0, int(h.minShelf)).Format(time.DateOnly)
	rows, err := a.tx.Query(candidatesQuery, l.variantID, earliest)
	if err != nil {
		return nil, err
	}
	var all []candidate
	for rows.Next() {
		var c candidate
		if err := rows.Scan(&c.loc, &c.code, &c.walk, &c.lot, &c.lotCode, &c.expires, &c.avail); err != nil {
			rows.Close()
			return nil, err
		}
		all = append(all, c)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := all[:0]
	var total int64
	for _, c := range all {
		f, err := a.place(c.loc)
		if err != nil {
			return nil, err
		}
		if f.allocatable(h.siteID) {
			out, total = append(out, c), total+c.avail
		}
	}
	if len(out) < 2 {
		return out, nil
	}
	// The order decides which levels give stock only when they hold more
	// than the line wants; the first legs are looked up only then.
	if total > want {
		for i := range out {
			c := &out[i]
			if c.lot != 0 {
				c.first = c.lot
				continue
			}
			if err := a.tx.queryRow(firstLegQuery, []any{l.variantID, c.loc}, &c.first); err != nil && err != sql.ErrNoRows {
				return nil, err
			}
		}
	}
	slices.SortFunc(out, func(x, y candidate) int {
		if (x.expires == "") != (y.expires == "") {
			if x.expires == "" {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(x.expires, y.expires), cmp.Compare(x.first, y.first),
			cmp.Compare(x.walk, y.walk), cmp.Compare(x.code, y.code))
	})
	return out, nil
}

// allocateLine allocates up to want of the line from the best candidates:
// an allocation row (open) and a reservation per level. It returns what it
// allocated.
func (a *allocator) allocateLine(h *orderHead, l *orderLine, want int64) ([]app.ReleasedStock, int64, error) {
	if h.siteID == 0 {
		return nil, 0, app.Errorf(app.ECONFLICT, "order %s has no site to ship from", h.number)
	}
	cands, err := a.candidates(h, l, want)
	if err != nil {
		return nil, 0, err
	}
	var out []app.ReleasedStock
	var got int64
	for _, c := range cands {
		q := min(want-got, c.avail)
		if q <= 0 {
			break
		}
		if err := a.tx.reserve(l.variantID, c.loc, c.lot, q); err != nil {
			return nil, 0, err
		}
		if _, err := a.tx.exec(`INSERT INTO allocations (order_line_id, variant_id, location_id, lot_id, qty, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, l.id, l.variantID, c.loc, c.lot, q, ms(a.tx.Now)); err != nil {
			return nil, 0, err
		}
		out = append(out, app.ReleasedStock{SKU: l.sku, Location: c.code, Lot: c.lotCode, Qty: q})
		got += q
	}
	return out, got, nil
}
