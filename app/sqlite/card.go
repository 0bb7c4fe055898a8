package sqlite

import (
	"context"
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
