package sqlite

import (
	"context"
	"database/sql"
	"encoding/hex"
	"strconv"
	"strings"

	"depot/app"
)

// Movement returns one movement with its legs, or not_found.
func (db *DB) Movement(ctx context.Context, id int64) (*app.Movement, error) {
	ms, err := db.movements(ctx, `WHERE m.id = ?`, []any{id}, 1)
	if err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return nil, app.Errorf(app.ENOTFOUND, "movement %d does not exist", id)
	}
	return ms[0], nil
}

// Movements returns movements oldest first that have a leg matching every
// field of f, with ids above f.After. Limit defaults to 100 and is capped at
// 1000.
func (db *DB) Movements(ctx context.Context, f app.MovementFilter) ([]*app.Movement, error) {
	switch {
	case f.Limit <= 0:
		f.Limit = 100
	case f.Limit > 1000:
		f.Limit = 1000
	}
	var conds []string
	args := []any{f.After}
	if f.SKU != "" {
		id, err := db.variantID(ctx, f.SKU)
		if err != nil {
			return nil, err
		}
		conds, args = append(conds, "t.variant_id = ?"), append(args, id)
	}
	if f.Location != "" {
		id, err := db.locationID(ctx, f.Location)
		if err != nil {
			return nil, err
		}
		conds, args = append(conds, "t.location_id = ?"), append(args, id)
	}
	if f.Lot != "" {
		conds, args = append(conds, "t.lot_id IN (SELECT id FROM lots WHERE code = ?)"), append(args, f.Lot)
	}
	where := `WHERE m.id > ?`
	if len(conds) > 0 {
		where += ` AND m.id IN (SELECT DISTINCT t.movement_id FROM inventory_transactions t WHERE t.movement_id > ?1 AND ` +
			strings.Join(conds, " AND ") + ` ORDER BY t.movement_id LIMIT ` + itoa(int64(f.Limit)) + `)`
	}
	return db.movements(ctx, where, args, f.Limit)
}

// pageLegsQuery reads the legs of a page of movements in one query, their
// ids given as a JSON array.
const pageLegsQuery = `SELECT t.movement_id, t.variant_id, v.sku, t.location_id, l.code, k.physical,
		ifnull(t.lot_id, 0), ifnull(lo.code, ''), t.qty
	FROM inventory_transactions t
	JOIN variants v ON v.id = t.variant_id
	JOIN locations l ON l.id = t.location_id
	JOIN location_kinds k ON k.kind = l.kind
	LEFT JOIN lots lo ON lo.id = t.lot_id
	WHERE t.movement_id IN (SELECT value FROM json_each(?)) ORDER BY t.movement_id, t.id`

// attachLegs fills in the legs of ms (in id order) with one query, not one
// per movement.
func (db *DB) attachLegs(ctx context.Context, ms []*app.Movement) error {
	if len(ms) == 0 {
		return nil
	}
	ids := make([]byte, 0, 8*len(ms))
	byID := make(map[int64]*app.Movement, len(ms))
	ids = append(ids, '[')
	for i, m := range ms {
		if i > 0 {
			ids = append(ids, ',')
		}
		ids = strconv.AppendInt(ids, m.ID, 10)
		byID[m.ID] = m
	}
	ids = append(ids, ']')
	rows, err := db.read.QueryContext(ctx, pageLegsQuery, string(ids))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var l app.Leg
		if err := rows.Scan(&id, &l.VariantID, &l.SKU, &l.LocationID, &l.Location, &l.Physical, &l.LotID, &l.Lot, &l.Qty); err != nil {
			return err
		}
		if m := byID[id]; m != nil {
			m.Legs = append(m.Legs, l)
		}
	}
	return rows.Err()
}

func (db *DB) movements(ctx context.Context, where string, args []any, limit int) ([]*app.Movement, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT m.id, m.kind, m.idempotency_key, ifnull(m.reference_type, ''),
			ifnull(m.reference_id, ''), ifnull(m.reason, ''), ifnull(m.note, ''), ifnull(m.reverses_id, 0),
			ifnull(u.username, ''), m.posted_at, m.effective_at, m.hash
		FROM movements m LEFT JOIN users u ON u.id = m.user_id `+where+` ORDER BY m.id LIMIT `+itoa(int64(limit)), args...)
	if err != nil {
		return nil, err
	}
	var out []*app.Movement
	for rows.Next() {
		m := &app.Movement{}
		var refType, refID string
		var posted, effective int64
		var hash []byte
		if err := rows.Scan(&m.ID, &m.Kind, &m.IdempotencyKey, &refType, &refID, &m.Reason, &m.Note, &m.Reverses,
			&m.User, &posted, &effective, &hash); err != nil {
			rows.Close()
			return nil, err
		}
		if refType != "" {
			m.Reference = &app.Reference{Type: refType, ID: refID}
		}
		m.PostedAt, m.EffectiveAt, m.Hash = fromMs(posted), fromMs(effective), hex.EncodeToString(hash)
		out = append(out, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := db.attachLegs(ctx, out); err != nil {
		return nil, err
	}
	return out, nil
}

// Stock returns levels matching f, physical locations only unless f names a
// virtual location. A location includes its sub-locations. Limit defaults to
// 1000, at most 10000.
func (db *DB) Stock(ctx context.Context, f app.StockFilter) ([]app.Level, error) {
	if f.SKU == "" && f.Location == "" && f.Lot == "" {
		return nil, app.FieldErrorf("sku", "give sku, location or lot")
	}
	switch {
	case f.Limit <= 0:
		f.Limit = 1000
	case f.Limit > 10000:
		f.Limit = 10000
	}
	var conds []string
	var args []any
	var with string
	if f.SKU != "" {
		// Resolved inside the one query: a lookup by SKU is the hot read of
		// the floor, and a second round trip doubled its time. An unknown
		// SKU is told apart from an empty one below.
		conds, args = append(conds, "lv.variant_id = (SELECT id FROM variants WHERE sku = ?)"), append(args, f.SKU)
	}
	if f.Location != "" {
		id, err := db.locationID(ctx, f.Location)
		if err != nil {
			return nil, err
		}
		with = `WITH RECURSIVE sub(id) AS (SELECT ? UNION ALL SELECT l.id FROM locations l JOIN sub ON l.parent_id = sub.id) `
		args = append([]any{id}, args...)
		conds = append(conds, "lv.location_id IN (SELECT id FROM sub)")
	} else {
		conds = append(conds, "lv.physical = 1")
	}
	if f.Lot != "" {
		conds, args = append(conds, "lv.lot_id IN (SELECT id FROM lots WHERE code = ?)"), append(args, f.Lot)
	}
	rows, err := db.read.QueryContext(ctx, with+`SELECT v.sku, l.code, ifnull(lo.code, ''), lv.on_hand, lv.reserved
		FROM inventory_levels lv
		JOIN variants v ON v.id = lv.variant_id
		JOIN locations l ON l.id = lv.location_id
		LEFT JOIN lots lo ON lo.id = lv.lot_id
		WHERE `+strings.Join(conds, " AND ")+` AND (lv.on_hand <> 0 OR lv.reserved <> 0)
		ORDER BY v.sku, l.code, lo.code LIMIT `+itoa(int64(f.Limit)), args...)
	if err != nil {
		return nil, err
	}
	levels, err := scanLevels(rows)
	if err != nil {
		return nil, err
	}
	if len(levels) == 0 && f.SKU != "" {
		if _, err := db.variantID(ctx, f.SKU); err != nil {
			return nil, err
		}
	}
	return levels, nil
}

func (db *DB) variantID(ctx context.Context, sku string) (int64, error) {
	var id int64
	err := db.read.QueryRowContext(ctx, `SELECT id FROM variants WHERE sku = ?`, sku).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, &app.Error{Code: app.ENOTFOUND, Field: "sku", Message: "no variant has SKU " + quote(sku)}
	}
	return id, err
}

func (db *DB) locationID(ctx context.Context, code string) (int64, error) {
	var id int64
	err := db.read.QueryRowContext(ctx, `SELECT id FROM locations WHERE code = ?`, code).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, &app.Error{Code: app.ENOTFOUND, Field: "location", Message: "no location has code " + quote(code)}
	}
	return id, err
}

// scanLevels reads rows of (sku, location, lot, on_hand, reserved) into
// levels with their availability, and closes rows.
func scanLevels(rows *sql.Rows) ([]app.Level, error) {
	defer rows.Close()
	levels := []app.Level{}
	for rows.Next() {
		var l app.Level
		if err := rows.Scan(&l.SKU, &l.Location, &l.Lot, &l.OnHand, &l.Reserved); err != nil {
			return nil, err
		}
		l.Available = l.OnHand - l.Reserved
		levels = append(levels, l)
	}
	return levels, rows.Err()
}
