package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"depot/app"
)

// supplierColumns reads an app.Supplier (scanSupplier).
const supplierColumns = `s.id, s.code, s.name, ifnull(s.email, ''), ifnull(s.phone, ''), s.created_at,
	(SELECT count(*) FROM purchase_orders p WHERE p.supplier_id = s.id AND p.status IN ('draft', 'sent', 'partial'))
	FROM suppliers s`

func scanSupplier(sc interface{ Scan(...any) error }) (app.Supplier, error) {
	var s app.Supplier
	var created int64
	err := sc.Scan(&s.ID, &s.Code, &s.Name, &s.Email, &s.Phone, &created, &s.OpenOrders)
	s.CreatedAt = fromMs(created)
	return s, err
}

// Supplier returns the supplier with the code. Errors: not_found.
func (db *DB) Supplier(ctx context.Context, code string) (*app.Supplier, error) {
	s, err := scanSupplier(db.read.QueryRowContext(ctx, `SELECT `+supplierColumns+` WHERE s.code = ?`, strings.TrimSpace(code)))
	if err == sql.ErrNoRows {
		return nil, supplierNotFound("code", code)
	}
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// Suppliers lists suppliers by code, those whose code or name contains q.
func (db *DB) Suppliers(ctx context.Context, q string) ([]app.Supplier, error) {
	where, args := "", []any{}
	if q = strings.TrimSpace(q); q != "" {
		like := "%" + escapeLike(q) + "%"
		where, args = ` WHERE s.code LIKE ? ESCAPE '\' OR s.name LIKE ? ESCAPE '\'`, []any{like, like}
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+supplierColumns+where+` ORDER BY s.code LIMIT 500`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []app.Supplier{}
	for rows.Next() {
		s, err := scanSupplier(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// SupplierRecord is the supplier's delivery record over its lines that are
// done (closed) and had units received: on time when the UTC date of the
// last receipt is on or before the line's expected date (lines without one
// count as on time), in full when the units received reach the ordered.
// Errors: not_found.
func (db *DB) SupplierRecord(ctx context.Context, code string) (*app.SupplierRecord, error) {
	sup, err := db.Supplier(ctx, code)
	if err != nil {
		return nil, err
	}
	const arrived = `date(l.last_received_at / 1000, 'unixepoch')`
	const done = ` FROM purchase_order_lines l JOIN purchase_orders p ON p.id = l.po_id
		WHERE p.supplier_id = ? AND l.closed = 1 AND l.received_qty > 0`
	r := &app.SupplierRecord{Late: []app.LateLine{}}
	err = db.read.QueryRowContext(ctx, `SELECT count(*),
			ifnull(sum(l.expected_on IS NULL OR `+arrived+` <= l.expected_on), 0),
			ifnull(sum(l.received_qty >= l.qty), 0)`+done, sup.ID).Scan(&r.Lines, &r.OnTime, &r.InFull)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT p.number, l.line_no, v.sku, l.expected_on, `+arrived+`,
			CAST(julianday(`+arrived+`) - julianday(l.expected_on) AS INTEGER)`+
		strings.Replace(done, "JOIN purchase_orders p", "JOIN variants v ON v.id = l.variant_id JOIN purchase_orders p", 1)+
		` AND `+arrived+` > l.expected_on ORDER BY l.last_received_at DESC LIMIT 20`, sup.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var l app.LateLine
		if err := rows.Scan(&l.Number, &l.LineNo, &l.SKU, &l.ExpectedOn, &l.ArrivedOn, &l.DaysLate); err != nil {
			return nil, err
		}
		r.Late = append(r.Late, l)
	}
	return r, rows.Err()
}

// OnOrder is the variant's quantity on order: over the open lines (the
// partial index purchase_order_lines_open) of sent and partial orders, the
// sum of max(ordered - received, 0).
func (db *DB) OnOrder(ctx context.Context, sku string) (int64, error) {
	id, err := db.variantID(ctx, sku)
	if err != nil {
		return 0, err
	}
	var n int64
	err = db.read.QueryRowContext(ctx, `SELECT ifnull(sum(max(l.qty - l.received_qty, 0)), 0)
		FROM purchase_order_lines l JOIN purchase_orders p ON p.id = l.po_id
		WHERE l.variant_id = ? AND l.closed = 0 AND p.status IN ('sent', 'partial')`, id).Scan(&n)
	return n, err
}

// PurchaseOrders lists orders newest first; see app.PurchasingService.
func (db *DB) PurchaseOrders(ctx context.Context, f app.POFilter) ([]app.POSummary, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	switch {
	case f.Limit <= 0:
		f.Limit = 200
	case f.Limit > 1000:
		f.Limit = 1000
	}
	var conds []string
	var args []any
	if f.Status != "" {
		conds, args = append(conds, "status = ?"), append(args, string(f.Status))
	}
	if f.Open {
		conds = append(conds, "status IN ('draft', 'sent', 'partial')")
	}
	if f.Supplier != "" {
		var id int64
		err := db.read.QueryRowContext(ctx, `SELECT id FROM suppliers WHERE code = ?`, f.Supplier).Scan(&id)
		if err == sql.ErrNoRows {
			return nil, supplierNotFound("supplier", f.Supplier)
		} else if err != nil {
			return nil, err
		}
		conds, args = append(conds, "supplier_id = ?"), append(args, id)
	}
	if f.SKU != "" {
		id, err := db.variantID(ctx, f.SKU)
		if err != nil {
			return nil, err
		}
		conds, args = append(conds, "id IN (SELECT po_id FROM purchase_order_lines WHERE variant_id = ?)"), append(args, id)
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	// The page of order ids first, then their lines' sums.
	rows, err := db.read.QueryContext(ctx, `SELECT p.number, s.code, s.name, p.status, ifnull(p.expected_on, ''), p.created_at,
			count(l.id), ifnull(sum(l.qty), 0), ifnull(sum(l.received_qty), 0),
			ifnull(sum(CASE WHEN l.closed = 0 AND l.qty > l.received_qty THEN l.qty - l.received_qty ELSE 0 END), 0),
			ifnull(sum(l.qty * l.unit_cost_minor), 0)
		FROM (SELECT id FROM purchase_orders`+where+` ORDER BY id DESC LIMIT `+itoa(int64(f.Limit))+`) h
		JOIN purchase_orders p ON p.id = h.id JOIN suppliers s ON s.id = p.supplier_id
		LEFT JOIN purchase_order_lines l ON l.po_id = p.id
		GROUP BY p.id ORDER BY p.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []app.POSummary{}
	for rows.Next() {
		var s app.POSummary
		var created int64
		if err := rows.Scan(&s.Number, &s.Supplier, &s.SupplierName, &s.Status, &s.ExpectedOn, &created,
			&s.Lines, &s.Ordered, &s.Received, &s.Outstanding, &s.ValueMinor); err != nil {
			return nil, err
		}
		s.CreatedAt = fromMs(created)
		out = append(out, s)
	}
	return out, rows.Err()
}

// PurchaseOrder returns the order with its lines and receipts.
func (db *DB) PurchaseOrder(ctx context.Context, number string) (*app.PurchaseOrder, error) {
	po := &app.PurchaseOrder{Lines: []app.POLine{}, Receipts: []app.POReceipt{}}
	var created int64
	var sent, closed sql.NullInt64
	err := db.read.QueryRowContext(ctx, `SELECT p.id, p.number, s.code, s.name, p.status, ifnull(p.expected_on, ''),
			ifnull(d.code, ''), p.note, ifnull(u.username, ''), p.created_at, p.sent_at, p.closed_at
		FROM purchase_orders p JOIN suppliers s ON s.id = p.supplier_id
		LEFT JOIN locations d ON d.id = p.dock_id LEFT JOIN users u ON u.id = p.created_by
		WHERE p.number = ?`, strings.TrimSpace(number)).Scan(&po.ID, &po.Number, &po.Supplier, &po.SupplierName, &po.Status,
		&po.ExpectedOn, &po.Dock, &po.Note, &po.CreatedBy, &created, &sent, &closed)
	if err == sql.ErrNoRows {
		return nil, &app.Error{Code: app.ENOTFOUND, Field: "number", Message: "no purchase order has number " + quote(number)}
	}
	if err != nil {
		return nil, err
	}
	po.CreatedAt, po.SentAt, po.ClosedAt = fromMs(created), optTime(sent), optTime(closed)
	if po.Lines, err = db.poLines(ctx, po.ID); err != nil {
		return nil, err
	}
	if po.Receipts, err = db.poReceipts(ctx, po.ID); err != nil {
		return nil, err
	}
	return po, nil
}

func optTime(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMs(v.Int64)
	return &t
}

func (db *DB) poLines(ctx context.Context, poID int64) ([]app.POLine, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT l.id, l.line_no, v.sku, pr.name, l.qty, l.unit_cost_minor,
			ifnull(l.expected_on, ''), l.received_qty, l.damaged_qty, l.closed, l.first_received_at, l.last_received_at,
			v.track_lots,
			(SELECT ifnull(sum(rl.qty), 0) FROM receipt_lines rl WHERE rl.po_line_id = l.id AND rl.condition = 'short')
		FROM purchase_order_lines l JOIN variants v ON v.id = l.variant_id JOIN products pr ON pr.id = v.product_id
		WHERE l.po_id = ? ORDER BY l.line_no`, poID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []app.POLine{}
	for rows.Next() {
		var l app.POLine
		var first, last sql.NullInt64
		if err := rows.Scan(&l.ID, &l.LineNo, &l.SKU, &l.ProductName, &l.Ordered, &l.UnitCostMinor, &l.ExpectedOn,
			&l.Received, &l.Damaged, &l.Closed, &first, &last, &l.TrackLots, &l.Short); err != nil {
			return nil, err
		}
		l.FirstReceivedAt, l.LastReceivedAt = optTime(first), optTime(last)
		if !l.Closed && l.Ordered > l.Received {
			l.Outstanding = l.Ordered - l.Received
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

func (db *DB) poReceipts(ctx context.Context, poID int64) ([]app.POReceipt, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT r.id, r.received_at, ifnull(u.username, ''), d.code, ifnull(r.movement_id, 0), r.note,
			rl.id IS NOT NULL, ifnull(pl.line_no, 0), ifnull(v.sku, ''), ifnull(rl.scanned, ''), ifnull(o.code, ''),
			ifnull(rl.qty, 0), ifnull(rl.condition, ''), ifnull(loc.code, ''), ifnull(rl.note, '')
		FROM receipts r JOIN locations d ON d.id = r.dock_id LEFT JOIN users u ON u.id = r.user_id
		LEFT JOIN receipt_lines rl ON rl.receipt_id = r.id
		LEFT JOIN purchase_order_lines pl ON pl.id = rl.po_line_id
		LEFT JOIN variants v ON v.id = rl.variant_id LEFT JOIN lots o ON o.id = rl.lot_id
		LEFT JOIN locations loc ON loc.id = rl.location_id
		WHERE r.po_id = ?1 AND r.po_id IS NOT NULL ORDER BY r.id, rl.id`, poID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []app.POReceipt{}
	for rows.Next() {
		var r app.POReceipt
		var at int64
		var hasLine bool
		var l app.POReceiptLine
		if err := rows.Scan(&r.ID, &at, &r.User, &r.Dock, &r.MovementID, &r.Note, &hasLine, &l.LineNo, &l.SKU, &l.Scanned,
			&l.Lot, &l.Qty, &l.Condition, &l.Location, &l.Note); err != nil {
			return nil, err
		}
		if n := len(out); n == 0 || out[n-1].ID != r.ID {
			r.ReceivedAt, r.Lines = fromMs(at), []app.POReceiptLine{}
			out = append(out, r)
		}
		if hasLine {
			last := &out[len(out)-1]
			last.Lines = append(last.Lines, l)
		}
	}
	return out, rows.Err()
}
