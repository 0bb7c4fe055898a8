package sqlite

import (
	"database/sql"

	"depot/app"
)

// This file holds the two writer primitives that the document workflows
// (receiving, putaway, orders, picking, packing, returns, transfers) build
// on: a change of reserved stock, and a movement posted inside a command
// that already runs in the writer.

// reserve changes the reserved quantity of one level (lot 0 is no lot) by
// delta. A positive delta needs that much available (on hand - reserved) at
// the level, and a negative one may not take reserved below zero; either
// refusal is a conflict naming the level and what it has, and changes
// nothing. Callers run it in the same writer command as the allocation rows
// that explain the reservation.
func (tx *Tx) reserve(variantID, locationID, lotID, delta int64) error {
	if delta == 0 {
		return nil
	}
	q := `UPDATE inventory_levels SET reserved = reserved + ?1
		WHERE variant_id = ?2 AND location_id = ?3 AND lot_id = ?4 AND on_hand - reserved >= ?1`
	if delta < 0 {
		q = `UPDATE inventory_levels SET reserved = reserved + ?1
		WHERE variant_id = ?2 AND location_id = ?3 AND lot_id = ?4 AND reserved + ?1 >= 0`
	}
	res, err := tx.exec(q, delta, variantID, locationID, lotID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return err
	}
	var onHand, reserved int64
	var sku, loc string
	err = tx.queryRow(`SELECT v.sku, l.code, coalesce(il.on_hand, 0), coalesce(il.reserved, 0)
		FROM variants v JOIN locations l ON l.id = ?2
		LEFT JOIN inventory_levels il ON il.variant_id = v.id AND il.location_id = l.id AND il.lot_id = ?3
		WHERE v.id = ?1`, []any{variantID, locationID, lotID}, &sku, &loc, &onHand, &reserved)
	if err != nil {
		if err == sql.ErrNoRows {
			return app.Errorf(app.ENOTFOUND, "no variant %d or location %d", variantID, locationID)
		}
		return err
	}
	if delta > 0 {
		return app.Errorf(app.ECONFLICT, "not enough available: SKU %s at %s has %d on hand and %d reserved; %d more cannot be reserved",
			sku, loc, onHand, reserved, delta)
	}
	return app.Errorf(app.ECONFLICT, "SKU %s at %s has only %d reserved; %d cannot be released", sku, loc, reserved, -delta)
}

// post appends a movement from inside a writer command: it validates the
// command as PostMovement does and posts it in the command's transaction,
// so that the movement and the document rows that go with it commit or
// roll back together. A key seen before with the same command returns the
// first movement's id in a movement with no legs (replay); callers that
// need the legs read them afterwards.
func (tx *Tx) post(cmd app.PostMovement) (*app.Movement, error) {
	if err := cmd.Validate(tx.Now); err != nil {
		return nil, err
	}
	if err := cmd.FillSides(); err != nil {
		return nil, err
	}
	reqHash, err := requestHash(&cmd)
	if err != nil {
		return nil, err
	}
	v, err := tx.postMovement(&cmd, reqHash)
	if err != nil {
		return nil, err
	}
	if id, ok := v.(replayed); ok {
		return &app.Movement{ID: int64(id), Kind: cmd.Kind, IdempotencyKey: cmd.IdempotencyKey}, nil
	}
	return v.(*app.Movement), nil
}
