package sqlite

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"depot/app"
)

// LedgerCard returns the variant's movements newest first, ids below before
// (0: from the newest), at most limit (default 50, at most 500), each with
// its legs of this variant. Errors: not_found (sku).
func (db *DB) LedgerCard(ctx context.Context, sku string, before int64, limit int) ([]app.CardEntry, error) {
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 500)
	if before <= 0 {
		before = 1 << 62
	}
	id, err := db.variantID(ctx, sku)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `WITH ms AS (
			SELECT DISTINCT movement_id FROM inventory_transactions
			WHERE variant_id = ?1 AND movement_id < ?2 ORDER BY movement_id DESC LIMIT ?3)
		SELECT m.id, m.kind, m.posted_at, m.effective_at, ifnull(u.username, ''), ifnull(m.reason, ''),
			ifnull(m.note, ''), ifnull(m.reference_type, ''), ifnull(m.reference_id, ''), ifnull(m.reverses_id, 0),
			l.code, l.kind <> 'virtual', ifnull(lo.code, ''), t.qty
		FROM ms JOIN movements m ON m.id = ms.movement_id
		JOIN inventory_transactions t ON t.movement_id = m.id AND t.variant_id = ?1
		JOIN locations l ON l.id = t.location_id
		LEFT JOIN lots lo ON lo.id = t.lot_id
		LEFT JOIN users u ON u.id = m.user_id
		ORDER BY m.id DESC, t.id`, id, before, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []app.CardEntry
	for rows.Next() {
		var e app.CardEntry
		var posted, effective int64
		var refType, refID string
		var leg app.Leg
		if err := rows.Scan(&e.MovementID, &e.Kind, &posted, &effective, &e.User, &e.Reason, &e.Note, &refType, &refID,
			&e.Reverses, &leg.Location, &leg.Physical, &leg.Lot, &leg.Qty); err != nil {
			return nil, err
		}
		leg.SKU, leg.VariantID = sku, id
		if n := len(out); n > 0 && out[n-1].MovementID == e.MovementID {
			out[n-1].Legs = append(out[n-1].Legs, leg)
			continue
		}
		e.PostedAt, e.EffectiveAt = fromMs(posted), fromMs(effective)
		if refType != "" {
			e.Reference = &app.Reference{Type: refType, ID: refID}
		}
		e.Legs = []app.Leg{leg}
		out = append(out, e)
	}
	return out, rows.Err()
}

// SearchVariants finds variants by SKU prefix, exact GTIN, or a product
// name containing q (all without regard to case), SKU matches first, at most
// limit (default 20, at most 200). An empty q finds nothing.
func (db *DB) SearchVariants(ctx context.Context, q string, limit int) ([]app.VariantHit, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil, nil
	}
	if limit <= 0 {
		limit = 20
	}
	limit = min(limit, 200)
	gtin := ""
	if g, err := app.NormalizeGTIN(q); err == nil {
		gtin = g
	}
	// A prefix as a range, not LIKE: the connections plan statements once
	// for any bound value (see planner.go), which rules out LIKE's index
	// use; SKUs compare NOCASE, so the range is case-blind too.
	rows, err := db.read.QueryContext(ctx, `WITH hits(id, rank) AS (
			SELECT id, 0 FROM variants WHERE gtin = ?1
			UNION ALL
			SELECT id, 1 FROM (SELECT id FROM variants WHERE sku >= ?2 AND sku < ?3 ORDER BY sku LIMIT ?5)
			UNION ALL
			SELECT id, 2 FROM (SELECT v.id FROM products p JOIN variants v ON v.product_id = p.id
				WHERE p.name LIKE ?4 ESCAPE '\' AND p.archived = 0 LIMIT ?5))
		SELECT v.sku, p.name, ifnull(v.gtin, ''),
			ifnull((SELECT sum(on_hand) FROM inventory_levels WHERE variant_id = v.id AND physical = 1), 0)
		FROM (SELECT id, min(rank) AS rank FROM hits GROUP BY id) h
		JOIN variants v ON v.id = h.id JOIN products p ON p.id = v.product_id
		WHERE v.archived = 0
		ORDER BY h.rank, v.sku LIMIT ?5`, gtin, q, q+"\U0010FFFF", "%"+escapeLike(q)+"%", limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []app.VariantHit
	for rows.Next() {
		var h app.VariantHit
		if err := rows.Scan(&h.SKU, &h.ProductName, &h.GTIN, &h.OnHand); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// escapeLike escapes LIKE's wildcards with a backslash.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Children returns the locations directly under code, by walk sequence and
// code, each with the number of places directly under it and the units at
// the location itself. Subtree totals would read every level below a zone
// on each page view; they wait for aggregates kept by the writer.
// Errors: not_found (code).
func (db *DB) Children(ctx context.Context, code string) ([]app.ChildLocation, error) {
	id, err := db.locationID(ctx, code)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT c.code, c.name, c.kind,
			(SELECT count(*) FROM locations g WHERE g.parent_id = c.id AND g.archived = 0),
			(SELECT ifnull(sum(on_hand), 0) FROM inventory_levels WHERE location_id = c.id)
		FROM locations c WHERE c.parent_id = ? AND c.archived = 0 ORDER BY c.walk_seq, c.code`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []app.ChildLocation
	for rows.Next() {
		var c app.ChildLocation
		if err := rows.Scan(&c.Code, &c.Name, &c.Kind, &c.Places, &c.OnHand); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// LocationStock returns up to limit (default 500, at most 5000) non-zero
// physical levels at code and below, place by place down the tree (the
// level index per place), so that a site's page stops after limit rows
// instead of sorting all of them. CROSS JOIN keeps the places as the outer
// loop: with plans made once for any bound value (planner.go), SQLite
// otherwise scans every level. Errors: not_found (code).
func (db *DB) LocationStock(ctx context.Context, code string, limit int) ([]app.Level, error) {
	if limit <= 0 {
		limit = 500
	}
	limit = min(limit, 5000)
	id, err := db.locationID(ctx, code)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `WITH RECURSIVE sub(id) AS (
			SELECT ? UNION ALL SELECT l.id FROM locations l JOIN sub ON l.parent_id = sub.id)
		SELECT v.sku, l.code, ifnull(lo.code, ''), lv.on_hand, lv.reserved
		FROM sub CROSS JOIN inventory_levels lv ON lv.location_id = sub.id
		JOIN variants v ON v.id = lv.variant_id
		JOIN locations l ON l.id = lv.location_id
		LEFT JOIN lots lo ON lo.id = lv.lot_id
		WHERE lv.physical = 1 AND (lv.on_hand <> 0 OR lv.reserved <> 0)
		LIMIT ?`, id, limit)
	if err != nil {
		return nil, err
	}
	levels, err := scanLevels(rows)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(levels, func(a, b app.Level) int {
		return cmp.Or(strings.Compare(a.Location, b.Location), strings.Compare(a.SKU, b.SKU), strings.Compare(a.Lot, b.Lot))
	})
	return levels, nil
}
