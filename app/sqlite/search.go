package sqlite

import (
	"context"
	"database/sql"
	"strconv"
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
	ids, more, err := db.searchIDs(ctx, match, 0, locationKey, limit)
	if err != nil {
		return nil, err
	}
	if res.Variants, err = db.searchVariants(ctx, ids); err != nil {
		return nil, err
	}
	res.MoreVariants = more
	if ids, res.MoreLocations, err = db.searchIDs(ctx, match, locationKey, lotKey, limit); err != nil {
		return nil, err
	}
	if res.Locations, err = db.searchLocations(ctx, ids); err != nil {
		return nil, err
	}
	if ids, res.MoreLots, err = db.searchIDs(ctx, match, lotKey, 1<<62, limit); err != nil {
		return nil, err
	}
	if res.Lots, err = db.searchLots(ctx, ids); err != nil {
		return nil, err
	}
	return res, nil
}

// ftsQuery turns what was typed into an FTS5 query: each word a prefix,
// all words required, so "ced bra" finds "Cedar Bracket". A word with
// separators (a code: "A-01-0") is searched as the code without them
// (a01003 is indexed for A-01-003, see schema.sql); when its last part is
// three characters or more it may also be a phrase ("T-shirt" as "t
// shirt"). Only letters and digits reach the query, so nothing typed can
// break its syntax.
func ftsQuery(q string) string {
	var parts []string
	for _, w := range strings.Fields(q) {
		segs := strings.FieldsFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		switch {
		case len(segs) == 0:
			continue
		case len(segs) == 1:
			parts = append(parts, `"`+segs[0]+`"*`)
		case len([]rune(segs[len(segs)-1])) >= 3:
			parts = append(parts, `("`+strings.Join(segs, "")+`"* OR "`+strings.Join(segs, " ")+`"*)`)
		default:
			parts = append(parts, `"`+strings.Join(segs, "")+`"*`)
		}
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

// rankLimit is how many matches of a kind are ranked by bm25. Past it (a
// letter or two typed: "s" matches every SKU) ranking costs tens of
// milliseconds and means little, so the first matches by rowid (the order
// things were created) are listed instead, and more is set.
const rankLimit = 1000

// searchIDs returns the ids (rowid - lo) of up to limit matches of match
// with rowids in [lo, hi), best first; more is true when there were more.
// The ids go to the row queries as a JSON array, whose json_each keeps
// their order.
func (db *DB) searchIDs(ctx context.Context, match string, lo, hi int64, limit int) (ids string, more bool, err error) {
	rows, err := db.read.QueryContext(ctx, `SELECT rowid - ?2 FROM search_index WHERE search_index MATCH ?1
		AND rowid >= ?2 AND rowid < ?3 LIMIT ?4`, match, lo, hi, rankLimit+1)
	if err != nil {
		return "", false, err
	}
	var found []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return "", false, err
		}
		found = append(found, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return "", false, err
	}
	more = len(found) > limit
	if len(found) > rankLimit {
		return jsonIDs(found[:limit]), more, nil
	}
	rows, err = db.read.QueryContext(ctx, `SELECT rowid - ?2 FROM search_index WHERE search_index MATCH ?1
		AND rowid >= ?2 AND rowid < ?3 ORDER BY rank LIMIT ?4`, match, lo, hi, limit)
	if err != nil {
		return "", false, err
	}
	defer rows.Close()
	found = found[:0]
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return "", false, err
		}
		found = append(found, id)
	}
	return jsonIDs(found), more, rows.Err()
}

func jsonIDs(ids []int64) string {
	b := []byte{'['}
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return string(append(b, ']'))
}

// The rows of the hits, in the hits' order (CROSS JOIN keeps the hits the
// outer loop).
func (db *DB) searchVariants(ctx context.Context, ids string) ([]app.VariantHit, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT v.sku, p.name, ifnull(v.gtin, ''),
			ifnull((SELECT sum(on_hand) FROM inventory_levels WHERE variant_id = v.id AND physical = 1), 0)
		FROM json_each(?) h CROSS JOIN variants v ON v.id = h.value JOIN products p ON p.id = v.product_id
		ORDER BY h.key`, ids)
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

func (db *DB) searchLocations(ctx context.Context, ids string) ([]app.LocationHit, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT l.code, l.name, l.kind, ifnull(p.code, '')
		FROM json_each(?) h CROSS JOIN locations l ON l.id = h.value LEFT JOIN locations p ON p.id = l.parent_id
		ORDER BY h.key`, ids)
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

func (db *DB) searchLots(ctx context.Context, ids string) ([]app.LotHit, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT o.id, o.code, v.sku, o.status, ifnull(o.expires_on, '')
		FROM json_each(?) h CROSS JOIN lots o ON o.id = h.value JOIN variants v ON v.id = o.variant_id
		ORDER BY h.key`, ids)
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
