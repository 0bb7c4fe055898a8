package sqlite

import (
	"context"
	"database/sql"

	"depot/app"
)

// receiptColumns reads an app.Receipt's header (scanReceipt).
const receiptColumns = `SELECT r.id, ifnull(po.number, ''), d.code, r.idempotency_key, ifnull(r.movement_id, 0),
	ifnull(u.username, ''), r.received_at, r.note, ifnull(po.status, '')
	FROM receipts r JOIN locations d ON d.id = r.dock_id
	LEFT JOIN purchase_orders po ON po.id = r.po_id
	LEFT JOIN users u ON u.id = r.user_id`

func scanReceipt(sc interface{ Scan(...any) error }) (app.Receipt, error) {
	var r app.Receipt
	var at int64
	err := sc.Scan(&r.ID, &r.PO, &r.Dock, &r.IdempotencyKey, &r.MovementID, &r.User, &at, &r.Note, &r.POStatus)
	r.ReceivedAt = fromMs(at)
	return r, err
}

// receiptLineColumns reads an app.ReceiptLine (scanReceiptLine).
const receiptLineColumns = `SELECT rl.id, ifnull(pl.line_no, 0), ifnull(v.sku, ''), ifnull(rl.scanned, ''),
	ifnull(o.code, ''), ifnull(o.expires_on, ''), rl.qty, rl.condition, ifnull(l.code, ''), rl.note
	FROM receipt_lines rl
	LEFT JOIN purchase_order_lines pl ON pl.id = rl.po_line_id
	LEFT JOIN variants v ON v.id = rl.variant_id
	LEFT JOIN lots o ON o.id = rl.lot_id
	LEFT JOIN locations l ON l.id = rl.location_id`

func scanReceiptLines(rows *sql.Rows) ([]app.ReceiptLine, error) {
	defer rows.Close()
	out := []app.ReceiptLine{}
	for rows.Next() {
		var l app.ReceiptLine
		if err := rows.Scan(&l.ID, &l.POLine, &l.SKU, &l.Scanned, &l.Lot, &l.ExpiresOn, &l.Qty, &l.Condition, &l.Location, &l.Note); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// Receipt returns one receipt with its lines. Errors: not_found.
func (db *DB) Receipt(ctx context.Context, id int64) (*app.Receipt, error) {
	r, err := scanReceipt(db.read.QueryRowContext(ctx, receiptColumns+` WHERE r.id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, app.Errorf(app.ENOTFOUND, "receipt %d does not exist", id)
	}
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, receiptLineColumns+` WHERE rl.receipt_id = ? ORDER BY rl.id`, id)
	if err != nil {
		return nil, err
	}
	if r.Lines, err = scanReceiptLines(rows); err != nil {
		return nil, err
	}
	return &r, nil
}

// Receipts returns the receipts of a purchase order, oldest first, with
// their lines. Errors: not_found.
func (db *DB) Receipts(ctx context.Context, po string) ([]app.Receipt, error) {
	poID, err := db.poID(ctx, po)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, receiptColumns+` WHERE r.po_id = ? ORDER BY r.id`, poID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []app.Receipt
	for rows.Next() {
		r, err := scanReceipt(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	for i := range out {
		lines, err := db.read.QueryContext(ctx, receiptLineColumns+` WHERE rl.receipt_id = ? ORDER BY rl.id`, out[i].ID)
		if err != nil {
			return nil, err
		}
		if out[i].Lines, err = scanReceiptLines(lines); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (db *DB) poID(ctx context.Context, po string) (int64, error) {
	var id int64
	err := db.read.QueryRowContext(ctx, `SELECT id FROM purchase_orders WHERE number = ?`, po).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, &app.Error{Code: app.ENOTFOUND, Field: "po", Message: "no purchase order has number " + quote(po)}
	}
	return id, err
}

// receivingOrderColumns reads an app.ReceivingOrder's header.
const receivingOrderColumns = `SELECT po.id, po.number, s.name, po.status, ifnull(d.code, ''), ifnull(po.expected_on, ''),
	(SELECT count(*) FROM receipts r WHERE r.po_id = po.id)
	FROM purchase_orders po JOIN suppliers s ON s.id = po.supplier_id
	LEFT JOIN locations d ON d.id = po.dock_id`

func scanReceivingOrder(sc interface{ Scan(...any) error }) (app.ReceivingOrder, error) {
	var o app.ReceivingOrder
	err := sc.Scan(&o.ID, &o.Number, &o.Supplier, &o.Status, &o.Dock, &o.ExpectedOn, &o.Receipts)
	return o, err
}

// ReceivingOrder returns the purchase order with its lines, expected and
// received, and the wrong items recorded against it. Errors: not_found.
func (db *DB) ReceivingOrder(ctx context.Context, po string) (*app.ReceivingOrder, error) {
	o, err := scanReceivingOrder(db.read.QueryRowContext(ctx, receivingOrderColumns+` WHERE po.number = ?`, po))
	if err == sql.ErrNoRows {
		return nil, &app.Error{Code: app.ENOTFOUND, Field: "po", Message: "no purchase order has number " + quote(po)}
	}
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT pl.line_no, v.sku, p.name, ifnull(v.gtin, ''), v.track_lots,
		pl.qty, pl.received_qty, pl.damaged_qty, pl.closed
		FROM purchase_order_lines pl JOIN variants v ON v.id = pl.variant_id JOIN products p ON p.id = v.product_id
		WHERE pl.po_id = ? ORDER BY pl.line_no`, o.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var l app.ReceivingLine
		if err := rows.Scan(&l.LineNo, &l.SKU, &l.ProductName, &l.GTIN, &l.TrackLots, &l.Qty, &l.Received, &l.Damaged, &l.Closed); err != nil {
			return nil, err
		}
		o.Lines = append(o.Lines, l)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	wrong, err := db.read.QueryContext(ctx, receiptLineColumns+` JOIN receipts r ON r.id = rl.receipt_id
		WHERE r.po_id = ? AND rl.condition = 'wrong_item' ORDER BY rl.id`, o.ID)
	if err != nil {
		return nil, err
	}
	if o.WrongItems, err = scanReceiptLines(wrong); err != nil {
		return nil, err
	}
	return &o, nil
}

// OpenReceivingOrders returns the orders that can be received (sent or
// partly received), expected soonest first (those without a date last),
// at most limit (default 50). Their lines are not read.
func (db *DB) OpenReceivingOrders(ctx context.Context, limit int) ([]app.ReceivingOrder, error) {
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := db.read.QueryContext(ctx, receivingOrderColumns+` WHERE po.status IN ('sent', 'partial')
		ORDER BY po.expected_on IS NULL, po.expected_on, po.id LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []app.ReceivingOrder
	for rows.Next() {
		o, err := scanReceivingOrder(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Docks returns the codes of the dock locations that are not archived, in
// walk order.
func (db *DB) Docks(ctx context.Context) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT code FROM locations WHERE kind = 'dock' AND archived = 0 ORDER BY walk_seq, code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
