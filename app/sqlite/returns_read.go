package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"depot/app"
)

// Return returns one received return; see app.ReturnService.
func (db *DB) Return(ctx context.Context, id int64) (*app.CustomerReturn, error) {
	r := &app.CustomerReturn{ID: id, Lines: []app.ReturnLine{}}
	var received int64
	err := db.read.QueryRowContext(ctx, `SELECT ifnull(r.shipment_id, 0), ifnull(s.tracking, ''), ifnull(o.number, ''), r.note,
			ifnull(u.username, ''), r.received_at
		FROM returns r LEFT JOIN shipments s ON s.id = r.shipment_id LEFT JOIN sales_orders o ON o.id = r.order_id
		LEFT JOIN users u ON u.id = r.user_id WHERE r.id = ?`, id).
		Scan(&r.Shipment, &r.Tracking, &r.Order, &r.Note, &r.User, &received)
	if err == sql.ErrNoRows {
		return nil, &app.Error{Code: app.ENOTFOUND, Field: "id", Message: "return " + itoa(id) + " does not exist"}
	}
	if err != nil {
		return nil, err
	}
	r.ReceivedAt = fromMs(received)
	rows, err := db.read.QueryContext(ctx, `SELECT v.sku, ifnull(lo.code, ''), rl.qty, rl.disposition, ifnull(p.code, ''), ifnull(rl.movement_id, 0)
		FROM return_lines rl JOIN variants v ON v.id = rl.variant_id LEFT JOIN lots lo ON lo.id = rl.lot_id
		LEFT JOIN locations p ON p.id = rl.location_id WHERE rl.return_id = ? ORDER BY rl.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var l app.ReturnLine
		if err := rows.Scan(&l.SKU, &l.Lot, &l.Qty, &l.Disposition, &l.Location, &r.Movement); err != nil {
			return nil, err
		}
		r.Lines = append(r.Lines, l)
	}
	return r, rows.Err()
}

// Returnable finds what a scan (a tracking number, else an order number)
// shipped and what came back; see app.ReturnService.
func (db *DB) Returnable(ctx context.Context, scan string) (*app.Returnable, error) {
	scan = strings.TrimSpace(scan)
	if scan == "" {
		return nil, app.FieldErrorf("scan", "is required: scan the tracking number or the order number")
	}
	q := func(query string, args ...any) (*sql.Rows, error) { return db.read.QueryContext(ctx, query, args...) }
	out := &app.Returnable{Lines: []app.ReturnableLine{}}
	var set *shippedSet
	err := db.read.QueryRowContext(ctx, `SELECT s.id, s.tracking, ifnull(o.number, '') FROM shipments s
		JOIN sales_orders o ON o.id = s.order_id
		WHERE s.tracking = ? AND s.status = 'shipped' ORDER BY s.id DESC LIMIT 1`, scan).Scan(&out.Shipment, &out.Tracking, &out.Order)
	switch {
	case err == nil:
		set, err = shippedBy(q, "shipment", out.Shipment, "")
	case err == sql.ErrNoRows:
		var orderID int64
		err = db.read.QueryRowContext(ctx, `SELECT id, number FROM sales_orders WHERE number = ?`, scan).Scan(&orderID, &out.Order)
		if err == sql.ErrNoRows {
			return nil, &app.Error{Code: app.ENOTFOUND, Field: "scan",
				Message: "no shipped shipment has tracking number " + quote(scan) + " and no order has that number"}
		}
		if err == nil {
			set, err = shippedBy(q, "order", orderID, "")
		}
	}
	if err != nil {
		return nil, err
	}
	for _, k := range set.keys {
		l := set.lines[k]
		out.Lines = append(out.Lines, app.ReturnableLine{SKU: l.sku, Lot: l.lot, Shipped: l.shipped, Returned: l.returned})
	}
	return out, nil
}
