package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/mattn/go-sqlite3"

	"depot/app"
)

// CreateProduct creates a product with its variants and packagings; a new
// category name creates the category. Errors: invalid, conflict (a SKU, GTIN
// or barcode already in use).
func (db *DB) CreateProduct(ctx context.Context, p app.NewProduct) (*app.Product, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	v, err := db.w.Do(ctx, func(tx *Tx) (any, error) { return tx.createProduct(&p) })
	if err != nil {
		return nil, err
	}
	return db.Product(ctx, v.(int64))
}

func (tx *Tx) createProduct(p *app.NewProduct) (int64, error) {
	var catID any
	if p.Category != "" {
		var id int64
		err := tx.QueryRow(`SELECT id FROM categories WHERE name = ?`, p.Category).Scan(&id)
		if err == sql.ErrNoRows {
			res, err := tx.Exec(`INSERT INTO categories (name) VALUES (?)`, p.Category)
			if err != nil {
				return 0, err
			}
			id, _ = res.LastInsertId()
		} else if err != nil {
			return 0, err
		}
		catID = id
	}
	res, err := tx.Exec(`INSERT INTO products (name, category_id, created_at) VALUES (?, ?, ?)`, p.Name, catID, ms(tx.Now))
	if err != nil {
		return 0, err
	}
	productID, _ := res.LastInsertId()
	for i, v := range p.Variants {
		if err := tx.insertVariant(productID, fieldf("variants[%d]", i), &v); err != nil {
			return 0, err
		}
	}
	return productID, nil
}

// insertVariant adds a validated variant with its packagings to the
// product; field is the variant's name in errors ("variants[0]").
func (tx *Tx) insertVariant(productID int64, field string, v *app.NewVariant) error {
	res, err := tx.Exec(`INSERT INTO variants (product_id, sku, gtin, attributes, unit_weight_mg, unit_cost_minor,
		track_lots, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		productID, v.SKU, null(v.GTIN), string(v.Attributes), v.UnitWeightMg, v.UnitCostMinor, boolInt(v.TrackLots), ms(tx.Now))
	if err != nil {
		return tx.uniqueErr(err, field, v.SKU, v.GTIN)
	}
	variantID, _ := res.LastInsertId()
	for j, pk := range v.Packagings {
		_, err := tx.Exec(`INSERT INTO packagings (variant_id, name, qty, barcode, tare_weight_mg) VALUES (?, ?, ?, ?, ?)`,
			variantID, pk.Name, pk.Qty, null(pk.Barcode), pk.TareWeightMg)
		if isConstraint(err, sqlite3.ErrConstraintUnique) {
			return &app.Error{Code: app.ECONFLICT, Field: fieldf("%s.packagings[%d]", field, j),
				Message: "packaging name or barcode already in use"}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// uniqueErr explains a unique violation on a new variant.
func (tx *Tx) uniqueErr(err error, field, sku, gtin string) error {
	if !isConstraint(err, sqlite3.ErrConstraintUnique) {
		return err
	}
	var n int
	if tx.QueryRow(`SELECT count(*) FROM variants WHERE sku = ?`, sku).Scan(&n); n > 0 {
		return &app.Error{Code: app.ECONFLICT, Field: field + ".sku", Message: "SKU " + sku + " already exists"}
	}
	return &app.Error{Code: app.ECONFLICT, Field: field + ".gtin", Message: "GTIN " + gtin + " belongs to another variant"}
}

// Product returns a product with its variants.
func (db *DB) Product(ctx context.Context, id int64) (*app.Product, error) {
	p := &app.Product{ID: id}
	var created int64
	err := db.read.QueryRowContext(ctx, `SELECT p.name, ifnull(c.name, ''), p.created_at FROM products p
		LEFT JOIN categories c ON c.id = p.category_id WHERE p.id = ?`, id).Scan(&p.Name, &p.Category, &created)
	if err == sql.ErrNoRows {
		return nil, app.Errorf(app.ENOTFOUND, "product %d does not exist", id)
	}
	if err != nil {
		return nil, err
	}
	p.CreatedAt = fromMs(created)
	rows, err := db.read.QueryContext(ctx, `SELECT sku FROM variants WHERE product_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	var skus []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return nil, err
		}
		skus = append(skus, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, s := range skus {
		v, err := db.Variant(ctx, s)
		if err != nil {
			return nil, err
		}
		p.Variants = append(p.Variants, *v)
	}
	return p, nil
}

// Variant returns the variant with the SKU, or not_found.
func (db *DB) Variant(ctx context.Context, sku string) (*app.Variant, error) {
	v := &app.Variant{Packagings: []app.Packaging{}}
	var attrs string
	err := db.read.QueryRowContext(ctx, `SELECT v.id, v.product_id, p.name, v.sku, ifnull(v.gtin, ''), v.attributes,
			v.unit_weight_mg, v.unit_cost_minor, v.track_lots
		FROM variants v JOIN products p ON p.id = v.product_id WHERE v.sku = ?`, sku).
		Scan(&v.ID, &v.ProductID, &v.ProductName, &v.SKU, &v.GTIN, &attrs, &v.UnitWeightMg, &v.UnitCostMinor, &v.TrackLots)
	if err == sql.ErrNoRows {
		return nil, &app.Error{Code: app.ENOTFOUND, Field: "sku", Message: "no variant has SKU " + quote(sku)}
	}
	if err != nil {
		return nil, err
	}
	v.Attributes = json.RawMessage(attrs)
	rows, err := db.read.QueryContext(ctx, `SELECT name, qty, ifnull(barcode, ''), tare_weight_mg FROM packagings
		WHERE variant_id = ? ORDER BY qty`, v.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var pk app.Packaging
		if err := rows.Scan(&pk.Name, &pk.Qty, &pk.Barcode, &pk.TareWeightMg); err != nil {
			return nil, err
		}
		v.Packagings = append(v.Packagings, pk)
	}
	return v, rows.Err()
}

// CreateLocation creates a location under its parent. Errors: invalid,
// not_found (parent), conflict (code in use).
func (db *DB) CreateLocation(ctx context.Context, l app.NewLocation) (*app.Location, error) {
	if err := l.Validate(); err != nil {
		return nil, err
	}
	_, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		var parent any
		if l.Parent != "" {
			p, err := tx.place("parent", l.Parent)
			if err != nil {
				return nil, err
			}
			if !p.Physical {
				return nil, app.FieldErrorf("parent", "%s is a virtual location and holds no sub-locations", p.Code)
			}
			parent = p.ID
		}
		res, err := tx.Exec(`INSERT INTO locations (code, name, kind, parent_id, walk_seq, attributes, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, l.Code, l.Name, string(l.Kind), parent, l.WalkSeq, string(l.Attributes), ms(tx.Now))
		if isConstraint(err, sqlite3.ErrConstraintUnique) {
			return nil, &app.Error{Code: app.ECONFLICT, Field: "code", Message: "location code " + l.Code + " is already in use"}
		}
		if err != nil {
			return nil, err
		}
		return res.LastInsertId()
	})
	if err != nil {
		return nil, err
	}
	return db.Location(ctx, l.Code)
}

// Location returns the location with the code, or not_found.
func (db *DB) Location(ctx context.Context, code string) (*app.Location, error) {
	l := &app.Location{}
	var attrs string
	err := db.read.QueryRowContext(ctx, `SELECT l.id, l.code, l.name, l.kind, ifnull(p.code, ''), l.walk_seq, l.attributes
		FROM locations l LEFT JOIN locations p ON p.id = l.parent_id WHERE l.code = ?`, code).
		Scan(&l.ID, &l.Code, &l.Name, &l.Kind, &l.Parent, &l.WalkSeq, &attrs)
	if err == sql.ErrNoRows {
		return nil, &app.Error{Code: app.ENOTFOUND, Field: "code", Message: "no location has code " + quote(code)}
	}
	if err != nil {
		return nil, err
	}
	l.Attributes = json.RawMessage(attrs)
	return l, nil
}
