package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"depot/app"
	"depot/app/packcheck"
)

// This file is the packing station's side of the store: boxes, the site's
// packing tolerance, orders as the station sees them and the items scanned
// into a parcel. shipping.go verifies parcels and ships them.

// packQuerier is what the packing queries run on: the writer's Tx inside
// a command, or packRead on the read pool.
type packQuerier interface {
	Query(query string, args ...any) (*sql.Rows, error)
	QueryRow(query string, args ...any) *sql.Row
}

// packRead runs packing queries on the read pool.
type packRead struct {
	ctx context.Context
	db  *sql.DB
}

func (r packRead) Query(q string, args ...any) (*sql.Rows, error) {
	return r.db.QueryContext(r.ctx, q, args...)
}

func (r packRead) QueryRow(q string, args ...any) *sql.Row {
	return r.db.QueryRowContext(r.ctx, q, args...)
}

// Boxes returns the boxes by code; archived ones only when asked.
func (db *DB) Boxes(ctx context.Context, archived bool) ([]app.Box, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, code, name, tare_weight_mg, length_mm, width_mm, height_mm, max_weight_mg, archived
		FROM boxes WHERE archived = 0 OR ? ORDER BY code`, archived)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []app.Box
	for rows.Next() {
		var b app.Box
		if err := rows.Scan(&b.ID, &b.Code, &b.Name, &b.TareMg, &b.LengthMM, &b.WidthMM, &b.HeightMM, &b.MaxWeightMg, &b.Archived); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// SaveBox creates the box, or updates the box with the same code (codes
// match without regard to case). Errors: invalid.
func (db *DB) SaveBox(ctx context.Context, b app.Box) (*app.Box, error) {
	if err := b.Validate(); err != nil {
		return nil, err
	}
	v, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		res, err := tx.Exec(`UPDATE boxes SET name = ?, tare_weight_mg = ?, length_mm = ?, width_mm = ?, height_mm = ?,
			max_weight_mg = ?, archived = ? WHERE code = ?`, b.Name, b.TareMg, b.LengthMM, b.WidthMM, b.HeightMM, b.MaxWeightMg, b.Archived, b.Code)
		if err != nil {
			return nil, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if _, err := tx.Exec(`INSERT INTO boxes (code, name, tare_weight_mg, length_mm, width_mm, height_mm, max_weight_mg, archived)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, b.Code, b.Name, b.TareMg, b.LengthMM, b.WidthMM, b.HeightMM, b.MaxWeightMg, b.Archived); err != nil {
				return nil, err
			}
		}
		out := b
		err = tx.QueryRow(`SELECT id, code FROM boxes WHERE code = ?`, b.Code).Scan(&out.ID, &out.Code)
		return &out, err
	})
	if err != nil {
		return nil, err
	}
	return v.(*app.Box), nil
}

// PackTolerance returns the site's packing tolerance (settings key
// app.ToleranceKey), packcheck.DefaultTolerance when none is set.
func (db *DB) PackTolerance(ctx context.Context) (packcheck.Tolerance, error) {
	return siteTolerance(packRead{ctx, db.read})
}

// SetPackTolerance stores the site's packing tolerance. Errors: invalid.
func (db *DB) SetPackTolerance(ctx context.Context, t packcheck.Tolerance) error {
	if t.AbsMg < 0 || t.AbsMg > 100_000_000 {
		return app.FieldErrorf("abs_mg", "must be from 0 to 100000000 mg (100 kg)")
	}
	if t.PctBP < 0 || t.PctBP > 10_000 {
		return app.FieldErrorf("pct_bp", "must be from 0 to 10000 basis points (100 %%)")
	}
	return db.setSetting(ctx, app.ToleranceKey, t)
}

// SetShipFrom stores the sender's address lines printed on shipping
// labels. Errors: invalid.
func (db *DB) SetShipFrom(ctx context.Context, lines []string) error {
	if len(lines) > 6 {
		return app.FieldErrorf("ship_from", "has %d lines; a label has room for 6", len(lines))
	}
	for i, l := range lines {
		if strings.TrimSpace(l) == "" || len([]rune(l)) > 60 {
			return app.FieldErrorf(fmt.Sprintf("ship_from[%d]", i), "must be 1 to 60 characters")
		}
	}
	return db.setSetting(ctx, app.ShipFromKey, lines)
}

// WeightTolerances lists the variants' own packing tolerances by SKU.
func (db *DB) WeightTolerances(ctx context.Context) ([]app.WeightTolerance, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT v.sku, t.abs_mg, t.pct_bp FROM weight_tolerances t
		JOIN variants v ON v.id = t.variant_id ORDER BY v.sku`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []app.WeightTolerance
	for rows.Next() {
		var w app.WeightTolerance
		var abs, pct sql.NullInt64
		if err := rows.Scan(&w.SKU, &abs, &pct); err != nil {
			return nil, err
		}
		if abs.Valid {
			w.AbsMg = &abs.Int64
		}
		if pct.Valid {
			w.PctBP = &pct.Int64
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// SetWeightTolerance gives a variant its own packing tolerance over the
// site's; a nil part falls back to the site's, and both nil removes the
// override. Errors: not_found (SKU), invalid.
func (db *DB) SetWeightTolerance(ctx context.Context, sku string, absMg, pctBP *int64) error {
	if (absMg != nil && (*absMg < 0 || *absMg > 100_000_000)) || (pctBP != nil && (*pctBP < 0 || *pctBP > 10_000)) {
		return app.FieldErrorf("tolerance", "must be 0 to 100 kg and 0 to 100 %%")
	}
	if sku = strings.TrimSpace(sku); sku == "" {
		return app.FieldErrorf("sku", "is required: the variant whose tolerance this is")
	}
	_, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		var id int64
		if err := tx.QueryRow(`SELECT id FROM variants WHERE sku = ?`, sku).Scan(&id); err != nil {
			if err == sql.ErrNoRows {
				return nil, &app.Error{Code: app.ENOTFOUND, Field: "sku", Message: fmt.Sprintf("no variant has SKU %q", sku)}
			}
			return nil, err
		}
		if absMg == nil && pctBP == nil {
			_, err := tx.Exec(`DELETE FROM weight_tolerances WHERE variant_id = ?`, id)
			return nil, err
		}
		_, err := tx.Exec(`INSERT INTO weight_tolerances (variant_id, abs_mg, pct_bp) VALUES (?, ?, ?)
			ON CONFLICT (variant_id) DO UPDATE SET abs_mg = excluded.abs_mg, pct_bp = excluded.pct_bp`, id, absMg, pctBP)
		return nil, err
	})
	return err
}

// setSetting stores value as JSON under key.
func (db *DB) setSetting(ctx context.Context, key string, value any) error {
	b, err := json.Marshal(value)
	if err != nil {
		return err
	}
	_, err = db.w.Do(ctx, func(tx *Tx) (any, error) {
		_, err := tx.Exec(`INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, key, string(b), ms(tx.Now))
		return nil, err
	})
	return err
}

// ShipFrom returns the sender's address lines for labels (settings key
// app.ShipFromKey), nil when none is set.
func (db *DB) ShipFrom(ctx context.Context) ([]string, error) {
	var raw string
	err := db.read.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, app.ShipFromKey).Scan(&raw)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var lines []string
	if err := json.Unmarshal([]byte(raw), &lines); err != nil {
		return nil, fmt.Errorf("settings %s: %q is not a list of address lines", app.ShipFromKey, raw)
	}
	return lines, nil
}

func siteTolerance(q packQuerier) (packcheck.Tolerance, error) {
	var raw string
	err := q.QueryRow(`SELECT value FROM settings WHERE key = ?`, app.ToleranceKey).Scan(&raw)
	if err == sql.ErrNoRows {
		return packcheck.DefaultTolerance, nil
	}
	if err != nil {
		return packcheck.Tolerance{}, err
	}
	t := packcheck.DefaultTolerance
	if err := json.Unmarshal([]byte(raw), &t); err != nil || t.AbsMg < 0 || t.PctBP < 0 {
		return packcheck.Tolerance{}, fmt.Errorf("settings %s: %q is not {\"abs_mg\": N, \"pct_bp\": N}", app.ToleranceKey, raw)
	}
	return t, nil
}

// PackOrder finds an order by number, or by a tote it was picked into (the
// newest pick task with that tote). Errors: not_found.
func (db *DB) PackOrder(ctx context.Context, ref string) (*app.PackOrder, error) {
	return packOrder(packRead{ctx, db.read}, ref)
}

func packOrder(q packQuerier, ref string) (*app.PackOrder, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return nil, app.FieldErrorf("order", "is required: scan the order number or its tote")
	}
	const cols = `SELECT o.id, o.number, o.status, ifnull(c.name, ''), o.ship_to, o.carrier, o.service
		FROM sales_orders o LEFT JOIN customers c ON c.id = o.customer_id `
	o := &app.PackOrder{}
	scan := func(row *sql.Row) error {
		return row.Scan(&o.ID, &o.Number, &o.Status, &o.Customer, &o.ShipTo, &o.Carrier, &o.Service)
	}
	err := scan(q.QueryRow(cols+`WHERE o.number = ?`, ref))
	if err == sql.ErrNoRows {
		err = scan(q.QueryRow(cols+`WHERE o.id = (SELECT order_id FROM pick_tasks WHERE tote = ? COLLATE NOCASE AND tote <> '' ORDER BY id DESC LIMIT 1)`, ref))
	}
	if err == sql.ErrNoRows {
		return nil, &app.Error{Code: app.ENOTFOUND, Field: "order", Message: fmt.Sprintf("no order or tote %q", ref)}
	}
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(`SELECT l.line_no, v.sku, p.name, v.unit_weight_mg, l.allocated_qty, l.packed_qty, l.shipped_qty,
			(SELECT ifnull(sum(a.qty), 0) FROM allocations a WHERE a.order_line_id = l.id AND a.status = 'picked')
		FROM sales_order_lines l JOIN variants v ON v.id = l.variant_id JOIN products p ON p.id = v.product_id
		WHERE l.order_id = ? ORDER BY l.line_no`, o.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var l app.PackLine
		if err := rows.Scan(&l.LineNo, &l.SKU, &l.Name, &l.UnitWeightMg, &l.Qty, &l.Packed, &l.Shipped, &l.Picked); err != nil {
			return nil, err
		}
		o.Lines = append(o.Lines, l)
	}
	return o, rows.Err()
}

// PackItem counts qty units of a scanned SKU into the order's parcel: the
// first line of that variant with picked units not yet packed. Errors:
// not_found (order), conflict naming the item when it is not on the order,
// not picked, or already packed in full; nothing changes then.
func (db *DB) PackItem(ctx context.Context, s app.PackScan) (*app.PackOrder, error) {
	if s.Qty <= 0 || s.Qty > app.MaxQty {
		return nil, app.FieldErrorf("qty", "must be at least 1")
	}
	v, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		o, err := packOrder(tx, s.Order)
		if err != nil {
			return nil, err
		}
		if o.Status == "shipped" || o.Status == "cancelled" {
			return nil, app.Errorf(app.ECONFLICT, "order %s is %s: nothing more is packed into it", o.Number, o.Status)
		}
		var onOrder bool
		var packed, picked int64
		var lineNo int64
		for _, l := range o.Lines {
			if !strings.EqualFold(l.SKU, s.SKU) {
				continue
			}
			onOrder = true
			packed, picked = packed+l.Packed, picked+l.Picked
			if lineNo == 0 && l.Packed < l.Picked {
				lineNo = l.LineNo
			}
		}
		item := &app.Error{Code: app.ECONFLICT, Field: "item"}
		switch {
		case !onOrder:
			item.Message = fmt.Sprintf("WRONG ITEM: %s is not on order %s; put it aside", s.SKU, o.Number)
		case picked == 0:
			item.Message = fmt.Sprintf("%s of order %s is not picked yet; it cannot be packed", s.SKU, o.Number)
		case packed >= picked:
			item.Message = fmt.Sprintf("EXTRA ITEM: all %d x %s of order %s are already packed; put this one aside", picked, s.SKU, o.Number)
		case packed+s.Qty > picked:
			item.Message = fmt.Sprintf("TOO MANY: only %d more x %s belong in the parcel, the scan counts %d", picked-packed, s.SKU, s.Qty)
		default:
			item = nil
		}
		if item != nil {
			return nil, item
		}
		// The scan may span lines of the same variant.
		left := s.Qty
		for _, l := range o.Lines {
			if left == 0 || !strings.EqualFold(l.SKU, s.SKU) || l.Packed >= l.Picked || l.LineNo < lineNo {
				continue
			}
			n := min(left, l.Picked-l.Packed)
			if _, err := tx.Exec(`UPDATE sales_order_lines SET packed_qty = packed_qty + ? WHERE order_id = ? AND line_no = ?`, n, o.ID, l.LineNo); err != nil {
				return nil, err
			}
			left -= n
		}
		return packOrder(tx, o.Number)
	})
	if err != nil {
		return nil, err
	}
	return v.(*app.PackOrder), nil
}

// ResetPacking sets the packed counts of an order not yet shipped back to
// zero, to pack it again from the start. Errors: not_found, conflict.
func (db *DB) ResetPacking(ctx context.Context, order string) (*app.PackOrder, error) {
	v, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		o, err := packOrder(tx, order)
		if err != nil {
			return nil, err
		}
		if o.Status == "shipped" || o.Status == "cancelled" {
			return nil, app.Errorf(app.ECONFLICT, "order %s is %s", o.Number, o.Status)
		}
		if _, err := tx.Exec(`UPDATE sales_order_lines SET packed_qty = 0 WHERE order_id = ?`, o.ID); err != nil {
			return nil, err
		}
		return packOrder(tx, o.Number)
	})
	if err != nil {
		return nil, err
	}
	return v.(*app.PackOrder), nil
}

// parcelOf builds the weight check's parcel of an order: each line's
// allocated quantity (or, when items is not nil, the quantities it names
// by SKU) with the variant's unit weight and tolerance override, the box's
// tare and the site's tolerance. It returns the box's id (0: none).
func parcelOf(q packQuerier, orderID int64, box string, items map[string]int64) (packcheck.Parcel, int64, error) {
	var p packcheck.Parcel
	var boxID int64
	if box != "" {
		err := q.QueryRow(`SELECT id, tare_weight_mg FROM boxes WHERE code = ? AND archived = 0`, box).Scan(&boxID, &p.TareMg)
		if err == sql.ErrNoRows {
			return p, 0, &app.Error{Code: app.ENOTFOUND, Field: "box", Message: fmt.Sprintf("no box %q: choose one of the boxes on the list", box)}
		}
		if err != nil {
			return p, 0, err
		}
	}
	site, err := siteTolerance(q)
	if err != nil {
		return p, 0, err
	}
	p.Site = site
	rows, err := q.Query(`SELECT v.sku, v.unit_weight_mg, sum(l.allocated_qty), t.variant_id IS NOT NULL, t.abs_mg, t.pct_bp
		FROM sales_order_lines l JOIN variants v ON v.id = l.variant_id
		LEFT JOIN weight_tolerances t ON t.variant_id = v.id
		WHERE l.order_id = ? GROUP BY v.id ORDER BY min(l.line_no)`, orderID)
	if err != nil {
		return p, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var l packcheck.Line
		var hasOverride bool
		var abs, pct sql.NullInt64
		if err := rows.Scan(&l.SKU, &l.UnitWeightMg, &l.Qty, &hasOverride, &abs, &pct); err != nil {
			return p, 0, err
		}
		if hasOverride {
			l.Override = &packcheck.Override{}
			if abs.Valid {
				l.Override.AbsMg = &abs.Int64
			}
			if pct.Valid {
				l.Override.PctBP = &pct.Int64
			}
		}
		if items != nil {
			l.Qty = items[strings.ToUpper(l.SKU)]
		}
		if l.Qty > 0 {
			p.Lines = append(p.Lines, l)
		}
	}
	return p, boxID, rows.Err()
}
