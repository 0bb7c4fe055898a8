package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/mattn/go-sqlite3"

	"depot/app"
)

// Products lists variants with their product; see app.CatalogEditor.
func (db *DB) Products(ctx context.Context, q string, archived bool, offset, limit int) ([]app.ProductRow, error) {
	where, args, order := `(v.archived = 0 AND p.archived = 0)`, []any{}, `p.id DESC, v.id`
	if archived {
		where = `(v.archived = 1 OR p.archived = 1)`
	}
	if q = strings.TrimSpace(q); q != "" {
		like := "%" + escapeLike(q) + "%"
		where += ` AND (v.sku LIKE ? ESCAPE '\' OR v.gtin = ? OR p.name LIKE ? ESCAPE '\' OR c.name LIKE ? ESCAPE '\')`
		gtin, _ := app.NormalizeGTIN(q)
		args = append(args, like, gtin, like, like)
		// A search reads every variant: in table order, newest first.
		order = `v.id DESC`
	}
	args = append(args, limit, offset)
	rows, err := db.read.QueryContext(ctx, `SELECT p.id, p.name, ifnull(c.name, ''), v.sku, ifnull(v.gtin, ''),
			v.archived OR p.archived
		FROM variants v JOIN products p ON p.id = v.product_id LEFT JOIN categories c ON c.id = p.category_id
		WHERE `+where+` ORDER BY `+order+` LIMIT ? OFFSET ?`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []app.ProductRow
	for rows.Next() {
		var r app.ProductRow
		if err := rows.Scan(&r.ProductID, &r.ProductName, &r.Category, &r.SKU, &r.GTIN, &r.Archived); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// VariantEdit returns the editable state of the variant.
func (db *DB) VariantEdit(ctx context.Context, sku string) (*app.VariantEdit, error) {
	v, err := db.Variant(ctx, sku)
	if err != nil {
		return nil, err
	}
	e := &app.VariantEdit{SKU: v.SKU, ProductID: v.ProductID, ProductName: v.ProductName, GTIN: v.GTIN,
		Attributes: v.Attributes, UnitWeightMg: v.UnitWeightMg, UnitCostMinor: v.UnitCostMinor, TrackLots: v.TrackLots,
		Packagings: v.Packagings}
	err = db.read.QueryRowContext(ctx, `SELECT ifnull(c.name, ''), v.reorder_point, v.reorder_qty, v.archived
		FROM variants v JOIN products p ON p.id = v.product_id LEFT JOIN categories c ON c.id = p.category_id
		WHERE v.id = ?`, v.ID).Scan(&e.Category, &e.ReorderPoint, &e.ReorderQty, &e.Archived)
	return e, err
}

// UpdateVariant writes an edit of the variant and its product (name and
// category are the product's, shared by its variants). Turning lot
// tracking on or off is refused while the variant has stock.
func (db *DB) UpdateVariant(ctx context.Context, e app.VariantEdit) error {
	if err := e.Validate(); err != nil {
		return err
	}
	_, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		var id, productID int64
		var lots bool
		err := tx.QueryRow(`SELECT id, product_id, track_lots FROM variants WHERE sku = ?`, e.SKU).Scan(&id, &productID, &lots)
		if err == sql.ErrNoRows {
			return nil, &app.Error{Code: app.ENOTFOUND, Field: "sku", Message: "no variant has SKU " + quote(e.SKU)}
		} else if err != nil {
			return nil, err
		}
		if lots != e.TrackLots {
			var n int
			if err := tx.QueryRow(`SELECT count(*) FROM inventory_levels WHERE variant_id = ? AND on_hand <> 0`, id).Scan(&n); err != nil {
				return nil, err
			}
			if n > 0 {
				return nil, &app.Error{Code: app.ECONFLICT, Field: "track_lots",
					Message: "cannot be changed while " + e.SKU + " has stock; move or count it out first"}
			}
		}
		catID, err := tx.categoryID(e.Category)
		if err != nil {
			return nil, err
		}
		if _, err := tx.Exec(`UPDATE products SET name = ?, category_id = ? WHERE id = ?`, e.ProductName, catID, productID); err != nil {
			return nil, err
		}
		_, err = tx.Exec(`UPDATE variants SET gtin = ?, attributes = ?, unit_weight_mg = ?, unit_cost_minor = ?,
			track_lots = ?, reorder_point = ?, reorder_qty = ?, archived = ? WHERE id = ?`,
			null(e.GTIN), string(e.Attributes), e.UnitWeightMg, e.UnitCostMinor, boolInt(e.TrackLots),
			e.ReorderPoint, e.ReorderQty, boolInt(e.Archived), id)
		if isConstraint(err, sqlite3.ErrConstraintUnique) {
			return nil, &app.Error{Code: app.ECONFLICT, Field: "gtin", Message: "GTIN " + e.GTIN + " belongs to another variant"}
		}
		if err != nil {
			return nil, err
		}
		// The writer caches a variant's lot and archive flags.
		tx.w.lookups.clear()
		return nil, nil
	})
	return err
}

// categoryID returns the id of the named category, creating it; nil for "".
func (tx *Tx) categoryID(name string) (any, error) {
	if name == "" {
		return nil, nil
	}
	var id int64
	err := tx.QueryRow(`SELECT id FROM categories WHERE name = ?`, name).Scan(&id)
	if err == sql.ErrNoRows {
		res, err := tx.Exec(`INSERT INTO categories (name) VALUES (?)`, name)
		if err != nil {
			return nil, err
		}
		return res.LastInsertId()
	}
	return id, err
}

// AddPackaging adds a packaging to the variant.
func (db *DB) AddPackaging(ctx context.Context, sku string, pk app.Packaging) error {
	if err := app.ValidatePackaging(&pk); err != nil {
		return err
	}
	_, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		var id int64
		err := tx.QueryRow(`SELECT id FROM variants WHERE sku = ?`, sku).Scan(&id)
		if err == sql.ErrNoRows {
			return nil, &app.Error{Code: app.ENOTFOUND, Field: "sku", Message: "no variant has SKU " + quote(sku)}
		} else if err != nil {
			return nil, err
		}
		return nil, tx.addPackaging(id, "", pk)
	})
	return err
}

// addPackaging inserts a packaging; prefix is put before the field names
// of its errors.
func (tx *Tx) addPackaging(variantID int64, prefix string, pk app.Packaging) error {
	if pk.Barcode != "" {
		var n int
		if err := tx.QueryRow(`SELECT count(*) FROM variants WHERE sku = ? OR gtin = ?`, pk.Barcode, pk.Barcode).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return &app.Error{Code: app.ECONFLICT, Field: prefix + "barcode", Message: "barcode " + pk.Barcode + " is a variant's SKU or GTIN; a scan of it must mean one thing"}
		}
	}
	_, err := tx.Exec(`INSERT INTO packagings (variant_id, name, qty, barcode, tare_weight_mg) VALUES (?, ?, ?, ?, ?)`,
		variantID, pk.Name, pk.Qty, null(pk.Barcode), pk.TareWeightMg)
	if isConstraint(err, sqlite3.ErrConstraintUnique) {
		var n int
		tx.QueryRow(`SELECT count(*) FROM packagings WHERE variant_id = ? AND name = ?`, variantID, pk.Name).Scan(&n)
		if n > 0 {
			return &app.Error{Code: app.ECONFLICT, Field: prefix + "name", Message: "this variant already has a packaging named " + quote(pk.Name)}
		}
		return &app.Error{Code: app.ECONFLICT, Field: prefix + "barcode", Message: "barcode " + pk.Barcode + " is already on another packaging"}
	}
	return err
}

// RemovePackaging removes the variant's packaging by name.
func (db *DB) RemovePackaging(ctx context.Context, sku, name string) error {
	_, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		res, err := tx.Exec(`DELETE FROM packagings WHERE name = ? AND variant_id = (SELECT id FROM variants WHERE sku = ?)`, name, sku)
		if err != nil {
			return nil, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil, &app.Error{Code: app.ENOTFOUND, Field: "name", Message: "SKU " + sku + " has no packaging " + quote(name)}
		}
		return nil, nil
	})
	return err
}

// ResolveCode says what code names; see app.CatalogEditor.
func (db *DB) ResolveCode(ctx context.Context, code string) (*app.CodeMatch, error) {
	code = strings.TrimSpace(code)
	if code == "" {
		return nil, app.FieldErrorf("code", "is empty")
	}
	m := &app.CodeMatch{Qty: 1}
	gtin, _ := app.NormalizeGTIN(code)
	err := db.read.QueryRowContext(ctx, `SELECT sku FROM variants WHERE sku = ? OR (gtin = ? AND ? <> '')
		ORDER BY sku = ? DESC LIMIT 1`, code, gtin, gtin, code).Scan(&m.SKU)
	if err == nil {
		m.Kind = app.CodeVariant
		return m, nil
	} else if err != sql.ErrNoRows {
		return nil, err
	}
	err = db.read.QueryRowContext(ctx, `SELECT v.sku, pk.name, pk.qty FROM packagings pk JOIN variants v ON v.id = pk.variant_id
		WHERE pk.barcode = ?`, code).Scan(&m.SKU, &m.Packaging, &m.Qty)
	if err == nil {
		m.Kind = app.CodePackaging
		return m, nil
	} else if err != sql.ErrNoRows {
		return nil, err
	}
	if l, err := db.Location(ctx, code); err == nil {
		m.Kind, m.Location = app.CodeLocation, l.Code
		return m, nil
	} else if app.ErrorCode(err) != app.ENOTFOUND {
		return nil, err
	}
	err = db.read.QueryRowContext(ctx, `SELECT v.sku, l.code FROM lots l JOIN variants v ON v.id = l.variant_id
		WHERE l.code = ? ORDER BY l.id LIMIT 1`, code).Scan(&m.SKU, &m.Lot)
	if err == nil {
		m.Kind = app.CodeLot
		return m, nil
	} else if err != sql.ErrNoRows {
		return nil, err
	}
	return nil, &app.Error{Code: app.ENOTFOUND, Field: "code", Message: "no SKU, GTIN, case barcode, location or lot has code " + quote(code)}
}

// AdjustReasonNames returns the adjust_reasons table: code and name.
func (db *DB) AdjustReasonNames(ctx context.Context) ([][2]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT code, name FROM adjust_reasons ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var r [2]string
		if err := rows.Scan(&r[0], &r[1]); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// AddVariant adds a variant to the product of the variant sku names: a new
// size or color of an existing product. Errors: invalid, not_found,
// conflict (SKU or GTIN in use).
func (db *DB) AddVariant(ctx context.Context, sku string, v app.NewVariant) error {
	p := app.NewProduct{Name: "x", Variants: []app.NewVariant{v}}
	if err := p.Validate(); err != nil {
		return err
	}
	v = p.Variants[0]
	_, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		var productID int64
		err := tx.QueryRow(`SELECT product_id FROM variants WHERE sku = ?`, sku).Scan(&productID)
		if err == sql.ErrNoRows {
			return nil, &app.Error{Code: app.ENOTFOUND, Field: "sku", Message: "no variant has SKU " + quote(sku)}
		} else if err != nil {
			return nil, err
		}
		return nil, tx.insertVariant(productID, "variants[0]", &v)
	})
	return err
}
