package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"depot/app"
	"depot/app/putaway"
)

var _ putaway.Service = (*DB)(nil)

// queryRow is QueryRow of the read pool or of the writer's transaction.
type queryRow func(query string, args ...any) *sql.Row

func (db *DB) readRow(ctx context.Context) queryRow {
	return func(q string, args ...any) *sql.Row { return db.read.QueryRowContext(ctx, q, args...) }
}

// putawayItem reads what the engine needs of the variant (and lot) for qty
// units. A variant tracked by lot needs its lot; others take none.
func putawayItem(row queryRow, sku, lot string, qty int64) (putaway.Item, error) {
	it := putaway.Item{Qty: qty}
	var track, archived bool
	err := row(`SELECT v.id, v.sku, v.unit_weight_mg, v.track_lots, v.archived,
			CASE json_type(v.attributes, '$.temperature') WHEN 'text' THEN json_extract(v.attributes, '$.temperature') ELSE '' END,
			ifnull(c.name, '')
		FROM variants v JOIN products p ON p.id = v.product_id LEFT JOIN categories c ON c.id = p.category_id
		WHERE v.sku = ?`, sku).Scan(&it.VariantID, &it.SKU, &it.UnitWeightMg, &track, &archived, &it.Temperature, &it.Category)
	if err == sql.ErrNoRows {
		return it, &app.Error{Code: app.ENOTFOUND, Field: "sku", Message: "no variant has SKU " + quote(sku)}
	}
	if err != nil {
		return it, err
	}
	it.Temperature = strings.ToLower(strings.TrimSpace(it.Temperature))
	switch {
	case archived:
		return it, app.FieldErrorf("sku", "SKU %s is archived", it.SKU)
	case track && lot == "":
		return it, app.FieldErrorf("lot", "SKU %s is tracked by lot: give the lot", it.SKU)
	case !track && lot != "":
		return it, app.FieldErrorf("lot", "SKU %s is not tracked by lot: leave the lot out", it.SKU)
	case !track:
		return it, nil
	}
	err = row(`SELECT id, code, ifnull(expires_on, '') FROM lots WHERE variant_id = ? AND code = ?`, it.VariantID, lot).
		Scan(&it.LotID, &it.Lot, &it.ExpiresOn)
	if err == sql.ErrNoRows {
		return it, &app.Error{Code: app.ENOTFOUND, Field: "lot", Message: "SKU " + it.SKU + " has no lot " + quote(lot)}
	}
	return it, err
}

// putawayPlace is a place a putaway names.
type putawayPlace struct {
	id, walk int64
	code     string
	kind     app.LocationKind
	archived bool
	children int
}

func findPlace(row queryRow, field, code string) (putawayPlace, error) {
	var p putawayPlace
	err := row(`SELECT id, code, kind, walk_seq, archived,
			(SELECT count(*) FROM locations c WHERE c.parent_id = l.id AND c.archived = 0)
		FROM locations l WHERE code = ?`, code).Scan(&p.id, &p.code, &p.kind, &p.walk, &p.archived, &p.children)
	if err == sql.ErrNoRows {
		return p, &app.Error{Code: app.ENOTFOUND, Field: field, Message: "no location has code " + quote(code)}
	}
	if err == nil && p.archived {
		err = app.FieldErrorf(field, "location %s is archived", p.code)
	}
	return p, err
}

// dock checks that p is a dock, where stock waits for putaway.
func (p putawayPlace) dock(field string) error {
	if p.kind != app.KindDock {
		return app.FieldErrorf(field, "%s is a %s, not a dock: putaway takes stock from a dock", p.code, p.kind)
	}
	return nil
}

// siteInfo is what a putaway needs of the site: its packing areas' walk
// sequences and the farthest bin's distance from them.
type siteInfo struct {
	id          int64
	packWalks   []int64
	maxDistance int64
}

// putawaySuggest scores the site's bins for the query.
func (db *DB) putawaySuggest(ctx context.Context, q putaway.Query) (*putaway.Result, siteInfo, error) {
	var si siteInfo
	q.SKU, q.Lot, q.From = strings.TrimSpace(q.SKU), strings.TrimSpace(q.Lot), strings.TrimSpace(q.From)
	if q.SKU == "" {
		return nil, si, app.FieldErrorf("sku", "is required: the SKU to put away")
	}
	if q.Qty <= 0 || q.Qty > app.MaxQty {
		return nil, si, app.FieldErrorf("qty", "must be a whole number from 1 to %d", int64(app.MaxQty))
	}
	if q.N <= 0 {
		q.N = 3
	}
	row := db.readRow(ctx)
	item, err := putawayItem(row, q.SKU, q.Lot, q.Qty)
	if err != nil {
		return nil, si, err
	}
	var from int64
	if q.From != "" {
		p, err := findPlace(row, "from", q.From)
		if err != nil {
			return nil, si, err
		}
		if err := p.dock("from"); err != nil {
			return nil, si, err
		}
		from = p.id
	} else {
		// The dock the item waits on picks the site.
		err := row(`SELECT il.location_id FROM inventory_levels il JOIN locations l ON l.id = il.location_id
			WHERE il.variant_id = ? AND il.lot_id = ? AND l.kind = 'dock' AND il.on_hand > 0 LIMIT 1`,
			item.VariantID, item.LotID).Scan(&from)
		if err != nil && err != sql.ErrNoRows {
			return nil, si, err
		}
	}
	w, err := db.PutawayWeights(ctx)
	if err != nil {
		return nil, si, err
	}
	var res *putaway.Result
	err = db.putawayBins(ctx, func(c *putawayCache) error {
		if v := c.velocity.Load(); v != nil {
			item.VelocityRank, item.Ranked = v.rank[item.VariantID], v.ranked
		}
		site, ok := c.siteOf[from]
		if !ok {
			var sites []int64
			for id, s := range c.sites {
				if len(s.bins) > 0 {
					sites = append(sites, id)
				}
			}
			if len(sites) != 1 {
				return app.FieldErrorf("from", "%s is not waiting on a dock and there are %d sites with bins: give the dock (from)", item.SKU, len(sites))
			}
			site = sites[0]
		}
		s := c.sites[site]
		si = siteInfo{id: site, packWalks: append([]int64(nil), s.packWalks...), maxDistance: s.maxDistance}
		res = putaway.Suggest(item, s.bins, w, q.N)
		return nil
	})
	return res, si, err
}

// PutawaySuggestions returns the best bins of the site for the query, each
// with its score and reasons. Without a dock (From), the dock the item
// waits on picks the site, or the only site there is.
func (db *DB) PutawaySuggestions(ctx context.Context, q putaway.Query) (*putaway.Result, error) {
	res, _, err := db.putawaySuggest(ctx, q)
	return res, err
}

// putawayBin reads a bin as it is now, inside the writer: its inherited
// temperature and category tags, its own limits, its contents and load.
func (tx *Tx) putawayBin(p putawayPlace, si siteInfo) (putaway.Bin, int64, error) {
	b := putaway.Bin{ID: p.id, Code: p.code, WalkSeq: p.walk, Distance: distanceToPack(si.packWalks, p.walk)}
	rows, err := tx.Query(`WITH RECURSIVE up(id, depth) AS (
			SELECT ?1, 0 UNION ALL SELECT l.parent_id, up.depth + 1 FROM locations l JOIN up ON l.id = up.id
			WHERE l.parent_id IS NOT NULL AND up.depth < 64)
		SELECT l.id, l.code, l.attributes FROM up JOIN locations l ON l.id = up.id ORDER BY up.depth`, p.id)
	if err != nil {
		return b, 0, err
	}
	var site int64
	temp, tags := false, false
	var above []*putaway.Limit
	var aboveIDs []int64
	for rows.Next() {
		var attrs, code string
		if err := rows.Scan(&site, &code, &attrs); err != nil {
			rows.Close()
			return b, 0, err
		}
		a, hasTemp, hasTags := parsePlaceAttrs(attrs)
		if site == p.id {
			b = a
			b.ID, b.Code, b.WalkSeq, b.Distance = p.id, p.code, p.walk, distanceToPack(si.packWalks, p.walk)
			temp, tags = hasTemp, hasTags
			continue
		}
		if a.MaxWeightMg > 0 {
			above = append(above, &putaway.Limit{Code: code, MaxWeightMg: a.MaxWeightMg})
			aboveIDs = append(aboveIDs, site)
		}
		if !temp && hasTemp {
			b.Temperature, temp = a.Temperature, true
		}
		if !tags && hasTags {
			b.CategoryTags, tags = a.CategoryTags, true
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return b, 0, err
	}
	// A shelf's limit counts everything under it.
	for i, l := range above {
		if err := tx.QueryRow(`WITH RECURSIVE sub(id) AS (
				SELECT ?1 UNION ALL SELECT l.id FROM locations l JOIN sub ON l.parent_id = sub.id)
			SELECT ifnull(sum(il.on_hand * v.unit_weight_mg), 0) FROM sub
			JOIN inventory_levels il ON il.location_id = sub.id JOIN variants v ON v.id = il.variant_id
			WHERE il.on_hand > 0`, aboveIDs[i]).Scan(&l.LoadMg); err != nil {
			return b, 0, err
		}
	}
	b.Above = above
	rows, err = tx.Query(`SELECT il.variant_id, v.unit_weight_mg, il.lot_id, il.on_hand, ifnull(lo.code, ''), ifnull(lo.expires_on, '')
		FROM inventory_levels il JOIN variants v ON v.id = il.variant_id LEFT JOIN lots lo ON lo.id = il.lot_id
		WHERE il.location_id = ? AND il.on_hand > 0`, p.id)
	if err != nil {
		return b, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var ct putaway.Content
		var weight int64
		if err := rows.Scan(&ct.VariantID, &weight, &ct.LotID, &ct.Qty, &ct.Lot, &ct.ExpiresOn); err != nil {
			return b, 0, err
		}
		b.Contents = append(b.Contents, ct)
		b.Units += ct.Qty
		b.LoadMg += ct.Qty * weight
	}
	return b, site, rows.Err()
}

// Putaway moves stock from a dock to the scanned bin in one writer
// command: the bin is checked against the hard rules with what is in it
// now, a putaway_tasks row records the suggested bin, the bin used and its
// score, and a move movement (reference putaway, the task's id) posts the
// stock. The idempotency key is the task's: a repeated command returns the
// first task and writes nothing.
//
// Errors: invalid (the field says which: not a dock, not a bin, another
// site), not_found, conflict (a bin other than the chosen one, a hard rule
// broken, not enough on the dock, the key used for another putaway).
func (db *DB) Putaway(ctx context.Context, cmd putaway.Command) (*putaway.Task, bool, error) {
	if err := cmd.Validate(); err != nil {
		return nil, false, err
	}
	if cmd.Chosen != "" && !strings.EqualFold(cmd.Chosen, cmd.To) {
		return nil, false, &app.Error{Code: app.ECONFLICT, Field: "to", Message: "you scanned bin " + cmd.To +
			" but chose bin " + cmd.Chosen + ": put it into " + cmd.Chosen + " or choose " + cmd.To + " first"}
	}
	key := "putaway-" + cmd.IdempotencyKey
	if t, err := db.replayedPutaway(ctx, key); t != nil || err != nil {
		if err == nil {
			// Checked again by the post below, which compares the commands.
			_, err = db.w.Do(ctx, func(tx *Tx) (any, error) {
				_, err := tx.post(putawayMove(cmd, key, t.ID, t.From, t.To, t.Lot))
				return nil, err
			})
		}
		if err != nil {
			return nil, false, err
		}
		return t, true, nil
	}
	res, si, err := db.putawaySuggest(ctx, putaway.Query{SKU: cmd.SKU, Lot: cmd.Lot, Qty: cmd.Qty, From: cmd.From, N: 1})
	if err != nil {
		return nil, false, err
	}
	weights, err := db.PutawayWeights(ctx)
	if err != nil {
		return nil, false, err
	}
	v, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		row := func(q string, args ...any) *sql.Row { return tx.QueryRow(q, args...) }
		item, err := putawayItem(row, cmd.SKU, cmd.Lot, cmd.Qty)
		if err != nil {
			return nil, err
		}
		item.VelocityRank, item.Ranked = res.Item.VelocityRank, res.Item.Ranked
		from, err := findPlace(row, "from", cmd.From)
		if err == nil {
			err = from.dock("from")
		}
		if err != nil {
			return nil, err
		}
		to, err := findPlace(row, "to", cmd.To)
		if err != nil {
			return nil, err
		}
		if !putawayKinds[to.kind] {
			return nil, app.FieldErrorf("to", "%s is a %s, not a bin: scan a bin", to.code, to.kind)
		}
		if to.children > 0 {
			return nil, app.FieldErrorf("to", "%s has places under it: scan one of its bins", to.code)
		}
		bin, toSite, err := tx.putawayBin(to, si)
		if err != nil {
			return nil, err
		}
		if toSite != si.id {
			return nil, app.FieldErrorf("to", "%s is in another site than dock %s", to.code, from.code)
		}
		sg, err := putaway.Score(item, &bin, weights, si.maxDistance)
		if err != nil {
			return nil, &app.Error{Code: app.ECONFLICT, Field: "to", Message: app.ErrorMessage(err)}
		}
		t := &putaway.Task{SKU: item.SKU, Lot: item.Lot, Qty: cmd.Qty, From: from.code, To: to.code, Score: sg.Score,
			Status: "done", DoneAt: fromMs(ms(tx.Now))}
		var suggested any
		if len(res.Suggestions) > 0 {
			suggested, t.Suggested = res.Suggestions[0].BinID, res.Suggestions[0].Location
		}
		var receiptLine any
		var rl int64
		// The receipt line that brought it, among the recent ones (the
		// table has no index for this; the bound keeps the scan short).
		if err := tx.QueryRow(`SELECT id FROM receipt_lines WHERE id > ifnull((SELECT max(id) FROM receipt_lines), 0) - 5000
			AND variant_id = ? AND ifnull(lot_id, 0) = ? AND location_id = ? ORDER BY id DESC LIMIT 1`,
			item.VariantID, item.LotID, from.id).Scan(&rl); err == nil {
			receiptLine = rl
		} else if err != sql.ErrNoRows {
			return nil, err
		}
		r, err := tx.Exec(`INSERT INTO putaway_tasks (receipt_line_id, variant_id, lot_id, qty, from_id, suggested_id, to_id,
			score, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?)`,
			receiptLine, item.VariantID, nullID(item.LotID), cmd.Qty, from.id, suggested, to.id, sg.Score, ms(tx.Now))
		if err != nil {
			return nil, err
		}
		if t.ID, err = r.LastInsertId(); err != nil {
			return nil, err
		}
		pm := putawayMove(cmd, key, t.ID, from.code, to.code, item.Lot)
		pm.UserID = cmd.UserID
		m, err := tx.post(pm)
		if err != nil {
			return nil, putawayField(err)
		}
		t.MovementID = m.ID
		_, err = tx.Exec(`UPDATE putaway_tasks SET status = 'done', movement_id = ?, done_at = ?, done_by = ? WHERE id = ?`,
			m.ID, ms(tx.Now), nullID(cmd.UserID), t.ID)
		return t, err
	})
	if err != nil {
		return nil, false, err
	}
	return v.(*putaway.Task), false, nil
}

// putawayMove is the movement of a putaway: the same command gives the same
// movement, so that a replay is recognized by the ledger's request hash.
func putawayMove(cmd putaway.Command, key string, task int64, from, to, lot string) app.PostMovement {
	l := app.MovementLine{SKU: cmd.SKU, Qty: cmd.Qty, From: from, To: to}
	if lot != "" {
		l.Lot = &app.LotRef{Code: lot}
	}
	return app.PostMovement{Kind: app.Move, IdempotencyKey: key, Reference: &app.Reference{Type: "putaway", ID: itoa(task)},
		Lines: []app.MovementLine{l}, UserID: cmd.UserID}
}

// putawayField maps a movement line's field to the putaway's.
func putawayField(err error) error {
	e, ok := err.(*app.Error)
	if !ok {
		return err
	}
	c := *e
	f := strings.TrimPrefix(e.Field, "lines[0].")
	switch {
	case f == "qty" || f == "sku" || f == "from" || f == "to":
		c.Field = f
	case strings.HasPrefix(f, "lot"):
		c.Field = "lot"
	case f != e.Field:
		c.Field = ""
	}
	return &c
}

// replayedPutaway returns the task posted with the movement key, if any.
func (db *DB) replayedPutaway(ctx context.Context, key string) (*putaway.Task, error) {
	t := &putaway.Task{}
	var done sql.NullInt64
	err := db.read.QueryRowContext(ctx, `SELECT t.id, v.sku, ifnull(lo.code, ''), t.qty, f.code, ifnull(s.code, ''), d.code,
			ifnull(t.score, 0), t.status, t.movement_id, t.done_at
		FROM movements m JOIN putaway_tasks t ON t.movement_id = m.id
		JOIN variants v ON v.id = t.variant_id LEFT JOIN lots lo ON lo.id = t.lot_id
		JOIN locations f ON f.id = t.from_id LEFT JOIN locations s ON s.id = t.suggested_id
		JOIN locations d ON d.id = t.to_id
		WHERE m.idempotency_key = ?`, key).
		Scan(&t.ID, &t.SKU, &t.Lot, &t.Qty, &t.From, &t.Suggested, &t.To, &t.Score, &t.Status, &t.MovementID, &done)
	if err == sql.ErrNoRows {
		var id int64
		if err := db.read.QueryRowContext(ctx, `SELECT id FROM movements WHERE idempotency_key = ?`, key).Scan(&id); err == nil {
			return nil, &app.Error{Code: app.ECONFLICT, Field: "idempotency_key",
				Message: "this idempotency key was already used for a movement that is not a putaway (id " + itoa(id) + ")"}
		}
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	t.DoneAt = fromMs(done.Int64)
	return t, nil
}

// PutawayWaiting lists stock on docks that can be put away (on hand less
// reserved), by dock, SKU and expiry; at most limit levels (100 when 0).
func (db *DB) PutawayWaiting(ctx context.Context, limit int) ([]putaway.Waiting, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	rows, err := db.read.QueryContext(ctx, `SELECT l.code, v.sku, p.name, ifnull(lo.code, ''), ifnull(lo.expires_on, ''),
			il.on_hand - il.reserved
		FROM locations l JOIN inventory_levels il ON il.location_id = l.id
		JOIN variants v ON v.id = il.variant_id JOIN products p ON p.id = v.product_id
		LEFT JOIN lots lo ON lo.id = il.lot_id
		WHERE l.kind = 'dock' AND l.archived = 0 AND il.on_hand - il.reserved > 0
		ORDER BY l.code, v.sku, lo.expires_on, lo.code LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []putaway.Waiting{}
	for rows.Next() {
		var w putaway.Waiting
		if err := rows.Scan(&w.Dock, &w.SKU, &w.Name, &w.Lot, &w.ExpiresOn, &w.Qty); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// PutawayWeights returns the stored rule weights, or the defaults.
func (db *DB) PutawayWeights(ctx context.Context) (putaway.Weights, error) {
	var raw string
	err := db.read.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, putaway.SettingsKey).Scan(&raw)
	if err == sql.ErrNoRows {
		return putaway.DefaultWeights, nil
	}
	if err != nil {
		return putaway.DefaultWeights, err
	}
	w, err := putaway.ParseWeights([]byte(raw))
	if err != nil {
		db.log.Warn("putaway: stored weights are not valid; using the defaults", "err", err)
		return putaway.DefaultWeights, nil
	}
	return w, nil
}

// SetPutawayWeights stores the rule weights. Errors: invalid (the field
// names the rule).
func (db *DB) SetPutawayWeights(ctx context.Context, w putaway.Weights) error {
	if err := w.Validate(); err != nil {
		return err
	}
	_, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		return tx.Exec(`INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
			putaway.SettingsKey, string(putaway.MarshalWeights(w)), ms(tx.Now))
	})
	return err
}
