package sqlite

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"strings"

	"depot/app"
	"depot/app/putaway"
)

// putawayRefresh brings the cache up to date with what the writer did since
// the last suggestion; see the comment at the top of putaway.go.
func (db *DB) putawayRefresh(ctx context.Context, c *putawayCache) error {
	layout := c.layoutGen.Load()
	c.pendMu.Lock()
	first, next, variants, lots, all := c.pendFirst, c.pendNext, c.pendVariants, c.pendLots, c.pendAll
	c.pendFirst, c.pendNext, c.pendVariants, c.pendLots, c.pendAll = 0, 0, nil, nil, false
	c.pendMu.Unlock()
	if !c.loaded || all || next-first > refreshMax {
		if err := db.loadLayout(ctx, c, false); err != nil {
			return err
		}
		if err := db.loadContents(ctx, c, nil); err != nil {
			return err
		}
		c.gen, c.loaded = layout, true
		return nil
	}
	if layout != c.gen {
		if err := db.loadLayout(ctx, c, true); err != nil {
			return err
		}
		c.gen = layout
	}
	var ids []int64
	if next > first {
		var err error
		if ids, err = db.MovedVariants(ctx, first, next); err != nil {
			return err
		}
	}
	for id := range variants {
		ids = append(ids, id)
	}
	if len(lots) > 0 {
		of, err := db.lotVariants(ctx, lots)
		if err != nil {
			return err
		}
		ids = append(ids, of...)
	}
	if len(ids) > refreshMax {
		return db.loadContents(ctx, c, nil)
	}
	slices.Sort(ids)
	return db.refreshVariants(ctx, c, slices.Compact(ids))
}

// lotVariants returns the variants of the lots.
func (db *DB) lotVariants(ctx context.Context, lots map[int64]bool) ([]int64, error) {
	ids := make([]int64, 0, len(lots))
	for id := range lots {
		ids = append(ids, id)
	}
	list, _ := json.Marshal(ids)
	rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT variant_id FROM lots WHERE id IN (SELECT value FROM json_each(?))`, string(list))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
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
	// quarantine: the place holds stock kept apart ({"quarantine": true});
	// nothing is put away into it or below it.
	quarantine bool
}

// parsePlaceAttrs reads what putaway uses of a place's attributes:
// app.PlaceAttributes and "capacity_units".
func parsePlaceAttrs(raw string) (b putaway.Bin, hasTemp, hasTags bool) {
	if raw == "{}" || raw == "" {
		return b, false, false
	}
	a := app.ParsePlaceAttributes(json.RawMessage(raw))
	b.Temperature, b.CategoryTags, b.MaxWeightMg = strings.ToLower(a.Temperature), a.CategoryTags, a.MaxWeightMg
	if strings.Contains(raw, `"capacity_units"`) {
		var m struct {
			Capacity any `json:"capacity_units"`
		}
		if json.Unmarshal([]byte(raw), &m) == nil {
			if n, ok := m.Capacity.(float64); ok && n > 0 && n <= app.MaxQty {
				b.CapacityUnits = int64(n)
			}
		}
	}
	return b, a.Temperature != "", len(a.CategoryTags) > 0
}

// loadLayout reads the places and builds each site's candidate bins: the
// leaves of kind bin, shelf or rack that are not archived, in walk order,
// with their inherited attributes, the shared limits above them and their
// distance from packing. With carry, each bin keeps the contents the cache
// held for it (a layout edit moves no stock) and a bin new to the cache
// reads its own; without, the bins are empty until loadContents.
func (db *DB) loadLayout(ctx context.Context, c *putawayCache, carry bool) error {
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
		p.quarantine = strings.Contains(attrs, `"quarantine"`) && app.IsQuarantinePlace(json.RawMessage(attrs))
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
	old := c.bins
	c.sites, c.siteOf, c.bins, c.limits = map[int64]*putawaySite{}, map[int64]int64{}, map[int64]binRef{}, map[int64]*putaway.Limit{}
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
	var fresh []int64
	for _, p := range places {
		if !putawayKinds[p.kind] || p.archived || p.children > 0 || inQuarantine(places, p) {
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
		if r, ok := old[p.id]; carry && ok {
			was := &r.site.bins[r.i]
			b.Contents, b.Units, b.LoadMg = was.Contents, was.Units, was.LoadMg
		} else if carry {
			fresh = append(fresh, p.id)
		}
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
	if len(fresh) > 0 {
		return db.loadContents(ctx, c, fresh)
	}
	c.sumLimits()
	return nil
}

// loadContents reads what is in the bins (all of them when bins is nil,
// starting over) and sums the shared limits' loads again.
func (db *DB) loadContents(ctx context.Context, c *putawayCache, bins []int64) error {
	q := `SELECT il.location_id, il.variant_id, v.unit_weight_mg, il.lot_id, il.on_hand,
			ifnull(lo.code, ''), ifnull(lo.expires_on, '')
		FROM inventory_levels il JOIN variants v ON v.id = il.variant_id
		LEFT JOIN lots lo ON lo.id = il.lot_id
		WHERE il.physical = 1 AND il.on_hand > 0`
	var args []any
	if bins == nil {
		c.byVariant, c.weights = map[int64][]int64{}, map[int64]int64{}
		for _, s := range c.sites {
			for i := range s.bins {
				s.bins[i].Contents, s.bins[i].Units, s.bins[i].LoadMg = nil, 0, 0
			}
		}
	} else {
		list, _ := json.Marshal(bins)
		q += ` AND il.location_id IN (SELECT value FROM json_each(?))`
		args = append(args, string(list))
	}
	rows, err := db.read.QueryContext(ctx, q, args...)
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
		c.byVariant[ct.VariantID] = appendOnce(c.byVariant[ct.VariantID], loc)
		b := &ref.site.bins[ref.i]
		b.Contents = append(b.Contents, ct)
		b.Units += ct.Qty
		b.LoadMg += ct.Qty * weight
	}
	if err := rows.Err(); err != nil {
		return err
	}
	c.sumLimits()
	return nil
}

// sumLimits sets each shared limit's load to the sum of its bins' loads.
func (c *putawayCache) sumLimits() {
	for _, l := range c.limits {
		l.LoadMg = 0
	}
	for _, s := range c.sites {
		for i := range s.bins {
			for _, l := range s.bins[i].Above {
				l.LoadMg += s.bins[i].LoadMg
			}
		}
	}
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

// inQuarantine reports whether p or a place above it keeps its stock apart.
func inQuarantine(places map[int64]*placeRowP, p *placeRowP) bool {
	for q, i := p, 0; q != nil && i < 64; q, i = places[q.parent], i+1 {
		if q.quarantine {
			return true
		}
	}
	return false
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
