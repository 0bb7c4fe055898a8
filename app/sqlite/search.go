package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"unicode"

	"depot/app"
)

var _ app.SearchService = (*DB)(nil)

// Rowid ranges of search_index (schema.sql): variants below locationKey,
// locations from locationKey, lots from lotKey.
const (
	locationKey = int64(1) << 40
	lotKey      = int64(1) << 41
)

// Search finds variants, places and lots with the FTS5 index search_index:
// every word of q must start a word of the thing's SKU or code, name, GTIN,
// attribute values or barcodes. Hits are ranked by bm25 within each kind,
// at most limit of each (default 20, at most 100). A q that is exactly a
// SKU, GTIN, packaging barcode, place code or the code of one lot sets
// Exact.
func (db *DB) Search(ctx context.Context, q string, limit int) (*app.SearchResult, error) {
	q = strings.TrimSpace(q)
	res := &app.SearchResult{}
	if q == "" {
		return res, nil
	}
	if limit <= 0 {
		limit = 20
	}
	limit = min(limit, 100)
	exact, err := db.exactTarget(ctx, q)
	if err != nil {
		return nil, err
	}
	res.Exact = exact
	match := ftsQuery(q)
	if match == "" {
		return res, nil
	}
	if res.Variants, err = db.searchVariants(ctx, match, limit); err != nil {
		return nil, err
	}
	if res.Locations, err = db.searchLocations(ctx, match, limit); err != nil {
		return nil, err
	}
	if res.Lots, err = db.searchLots(ctx, match, limit); err != nil {
		return nil, err
	}
	return res, nil
}

// ftsQuery turns what was typed into an FTS5 query: each word a quoted
// phrase with a prefix star, so "a-01-0" finds A-01-003 and "ced bra"
// finds "Cedar Bracket". Words without a letter or digit are dropped:
// the tokenizer would make nothing of them.
func ftsQuery(q string) string {
	var parts []string
	for _, w := range strings.Fields(q) {
		if !strings.ContainsFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
			continue
		}
		parts = append(parts, `"`+strings.ReplaceAll(w, `"`, `""`)+`"*`)
		if len(parts) == 8 {
			break
		}
	}
	return strings.Join(parts, " ")
}

// exactTarget looks q up as a whole code through the unique indexes.
func (db *DB) exactTarget(ctx context.Context, q string) (*app.SearchTarget, error) {
	gtin := ""
	if g, err := app.NormalizeGTIN(q); err == nil {
		gtin = g
	}
	var sku string
	err := db.read.QueryRowContext(ctx, `SELECT sku FROM variants WHERE sku = ?1 AND archived = 0
		UNION ALL SELECT sku FROM variants WHERE gtin = ?2 AND archived = 0
		UNION ALL SELECT v.sku FROM packagings k JOIN variants v ON v.id = k.variant_id WHERE k.barcode = ?1 AND v.archived = 0
		LIMIT 1`, q, gtin).Scan(&sku)
	if err == nil {
		return &app.SearchTarget{Kind: "variant", Key: sku}, nil
	} else if err != sql.ErrNoRows {
		return nil, err
	}
	var code string
	err = db.read.QueryRowContext(ctx, `SELECT code FROM locations WHERE code = ? AND archived = 0 AND kind <> 'virtual'`, q).Scan(&code)
	if err == nil {
		return &app.SearchTarget{Kind: "location", Key: code}, nil
	} else if err != sql.ErrNoRows {
		return nil, err
	}
	// A lot code is unique per variant only: jump when one lot has it.
	rows, err := db.read.QueryContext(ctx, `SELECT id FROM lots WHERE code = ? LIMIT 2`, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(ids) == 1 {
		return &app.SearchTarget{Kind: "lot", Key: q, ID: ids[0]}, nil
	}
	return nil, nil
}

// The hits of one kind are the best limit rowids of its range; the rows
// are joined to them afterwards (CROSS JOIN keeps the hits the outer loop).
func (db *DB) searchVariants(ctx context.Context, match string, limit int) ([]app.VariantHit, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT v.sku, p.name, ifnull(v.gtin, ''),
			ifnull((SELECT sum(on_hand) FROM inventory_levels WHERE variant_id = v.id AND physical = 1), 0)
		FROM (SELECT rowid AS id, rank AS r FROM search_index WHERE search_index MATCH ?1 AND rowid < ?2
			ORDER BY rank LIMIT ?3) h
		CROSS JOIN variants v ON v.id = h.id JOIN products p ON p.id = v.product_id
		ORDER BY h.r, v.sku`, match, locationKey, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []app.VariantHit{}
	for rows.Next() {
		var h app.VariantHit
		if err := rows.Scan(&h.SKU, &h.ProductName, &h.GTIN, &h.OnHand); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

func (db *DB) searchLocations(ctx context.Context, match string, limit int) ([]app.LocationHit, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT l.code, l.name, l.kind, ifnull(p.code, '')
		FROM (SELECT rowid - ?2 AS id, rank AS r FROM search_index WHERE search_index MATCH ?1 AND rowid >= ?2 AND rowid < ?3
			ORDER BY rank LIMIT ?4) h
		CROSS JOIN locations l ON l.id = h.id LEFT JOIN locations p ON p.id = l.parent_id
		ORDER BY h.r, l.code`, match, locationKey, lotKey, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []app.LocationHit{}
	for rows.Next() {
		var h app.LocationHit
		if err := rows.Scan(&h.Code, &h.Name, &h.Kind, &h.Parent); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

func (db *DB) searchLots(ctx context.Context, match string, limit int) ([]app.LotHit, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT o.id, o.code, v.sku, o.status, ifnull(o.expires_on, '')
		FROM (SELECT rowid - ?2 AS id, rank AS r FROM search_index WHERE search_index MATCH ?1 AND rowid >= ?2
			ORDER BY rank LIMIT ?3) h
		CROSS JOIN lots o ON o.id = h.id JOIN variants v ON v.id = o.variant_id
		ORDER BY h.r, o.code, v.sku`, match, lotKey, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []app.LotHit{}
	for rows.Next() {
		var h app.LotHit
		if err := rows.Scan(&h.ID, &h.Code, &h.SKU, &h.Status, &h.ExpiresOn); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}
