package sqlite

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"

	"depot/app"
)

// Export writes the CSV of kind in the format Import reads: the catalog one
// row per variant, the locations parents first, the stock one row per
// level at a physical location (which imports back as opening stock).
func (db *DB) Export(ctx context.Context, kind app.ImportKind, w io.Writer) error {
	cols, ok := app.ImportColumns[kind]
	if !ok {
		return app.FieldErrorf("kind", "%q is not an export: use products, locations or stock", kind)
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(cols); err != nil {
		return err
	}
	var err error
	switch kind {
	case app.ImportProducts:
		err = db.exportProducts(ctx, cw)
	case app.ImportLocations:
		err = db.exportRows(ctx, cw, `WITH RECURSIVE tree(id, depth) AS (
				SELECT id, 0 FROM locations WHERE parent_id IS NULL AND kind <> 'virtual'
				UNION ALL SELECT l.id, t.depth + 1 FROM locations l JOIN tree t ON l.parent_id = t.id)
			SELECT l.code, l.name, l.kind, ifnull(p.code, ''), l.walk_seq, CASE l.attributes WHEN '{}' THEN '' ELSE l.attributes END
			FROM tree t JOIN locations l ON l.id = t.id LEFT JOIN locations p ON p.id = l.parent_id
			WHERE l.archived = 0 ORDER BY t.depth, l.walk_seq, l.code`)
	case app.ImportStock:
		err = db.exportRows(ctx, cw, `SELECT v.sku, l.code, il.on_hand, ifnull(lt.code, ''), ifnull(lt.expires_on, '')
			FROM inventory_levels il JOIN variants v ON v.id = il.variant_id JOIN locations l ON l.id = il.location_id
			LEFT JOIN lots lt ON lt.id = il.lot_id
			WHERE il.physical = 1 AND il.on_hand > 0 ORDER BY l.code, v.sku, lt.code`)
	}
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// exportRows writes every row of query, each column as text.
func (db *DB) exportRows(ctx context.Context, cw *csv.Writer, query string) error {
	rows, err := db.read.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	vals := make([]string, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		if err := cw.Write(vals); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (db *DB) exportProducts(ctx context.Context, cw *csv.Writer) error {
	packs := map[int64][]app.Packaging{}
	prows, err := db.read.QueryContext(ctx, `SELECT variant_id, name, qty, ifnull(barcode, '') FROM packagings ORDER BY variant_id, qty, name`)
	if err != nil {
		return err
	}
	for prows.Next() {
		var id int64
		var pk app.Packaging
		if err := prows.Scan(&id, &pk.Name, &pk.Qty, &pk.Barcode); err != nil {
			prows.Close()
			return err
		}
		packs[id] = append(packs[id], pk)
	}
	prows.Close()
	if err := prows.Err(); err != nil {
		return err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT v.id, p.name, ifnull(c.name, ''), v.sku, ifnull(v.gtin, ''),
			CASE v.attributes WHEN '{}' THEN '' ELSE v.attributes END, v.unit_weight_mg, v.unit_cost_minor, v.track_lots,
			v.reorder_point, v.reorder_qty
		FROM variants v JOIN products p ON p.id = v.product_id LEFT JOIN categories c ON c.id = p.category_id
		WHERE v.archived = 0 AND p.archived = 0 ORDER BY p.name, p.id, v.id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, weight, cost, point, qty int64
		var lots bool
		var name, cat, sku, gtin, attrs string
		if err := rows.Scan(&id, &name, &cat, &sku, &gtin, &attrs, &weight, &cost, &lots, &point, &qty); err != nil {
			return err
		}
		err := cw.Write([]string{name, cat, sku, gtin, attrs, itoa(weight), itoa(cost), strconv.FormatBool(lots),
			itoa(point), itoa(qty), app.FormatPackagings(packs[id])})
		if err != nil {
			return err
		}
	}
	return rows.Err()
}
