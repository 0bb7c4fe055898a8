package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"slices"
	"strings"

	"depot/app"
)

// This file writes suppliers and purchase orders, and holds the helpers a
// receipt runs inside its writer command to update the lines and the
// status of the order it is taken in against (poForReceipt, poLineRefs,
// addPOLineReceipt, refreshPOStatus). The reads are in purchasing_read.go.

var _ app.PurchasingService = (*DB)(nil)

// CreateSupplier creates a supplier; a repeat with the same code and
// content is a replay. See app.PurchasingService.
func (db *DB) CreateSupplier(ctx context.Context, s app.NewSupplier) (*app.Supplier, bool, error) {
	if err := s.Validate(); err != nil {
		return nil, false, err
	}
	v, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		var name, email, phone string
		err := tx.QueryRow(`SELECT name, ifnull(email, ''), ifnull(phone, '') FROM suppliers WHERE code = ?`, s.Code).
			Scan(&name, &email, &phone)
		if err == nil {
			if name == s.Name && email == s.Email && phone == s.Phone {
				return true, nil
			}
			return nil, &app.Error{Code: app.ECONFLICT, Field: "code",
				Message: "supplier " + s.Code + " exists already with other details; edit it instead"}
		}
		if err != sql.ErrNoRows {
			return nil, err
		}
		_, err = tx.Exec(`INSERT INTO suppliers (code, name, email, phone, created_at) VALUES (?, ?, ?, ?, ?)`,
			s.Code, s.Name, null(s.Email), null(s.Phone), ms(tx.Now))
		return false, err
	})
	if err != nil {
		return nil, false, err
	}
	sup, err := db.Supplier(ctx, s.Code)
	return sup, v.(bool), err
}

// UpdateSupplier changes the supplier's name, email and phone.
func (db *DB) UpdateSupplier(ctx context.Context, code string, s app.NewSupplier) (*app.Supplier, error) {
	s.Code = code
	if err := s.Validate(); err != nil {
		return nil, err
	}
	_, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		res, err := tx.Exec(`UPDATE suppliers SET name = ?, email = ?, phone = ? WHERE code = ?`,
			s.Name, null(s.Email), null(s.Phone), s.Code)
		if err != nil {
			return nil, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil, supplierNotFound("code", s.Code)
		}
		return nil, nil
	})
	if err != nil {
		return nil, err
	}
	return db.Supplier(ctx, s.Code)
}

func supplierNotFound(field, code string) error {
	return &app.Error{Code: app.ENOTFOUND, Field: field, Message: "no supplier has code " + quote(code)}
}

// SetLotSupplier sets the supplier of a lot ("" clears it).
func (db *DB) SetLotSupplier(ctx context.Context, lotID int64, supplier string) error {
	supplier = strings.TrimSpace(supplier)
	_, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		var supID any
		if supplier != "" {
			var id int64
			err := tx.QueryRow(`SELECT id FROM suppliers WHERE code = ?`, supplier).Scan(&id)
			if err == sql.ErrNoRows {
				return nil, supplierNotFound("supplier", supplier)
			} else if err != nil {
				return nil, err
			}
			supID = id
		}
		res, err := tx.Exec(`UPDATE lots SET supplier_id = ? WHERE id = ?`, supID, lotID)
		if err != nil {
			return nil, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil, app.Errorf(app.ENOTFOUND, "lot %d does not exist", lotID)
		}
		return nil, nil
	})
	return err
}

// poContent is a purchase order's header and lines by ids: what a command
// resolves to, and what a stored order is compared with on a repeat.
type poContent struct {
	supplierID int64
	expectedOn string
	dockID     int64
	note       string
	lines      []poLineContent
}

type poLineContent struct {
	variantID, qty, costMinor int64
	expectedOn                string
}

// resolvePO looks up the supplier, dock and variants of a validated
// command. Errors name the field: not_found for an unknown code, invalid
// for a dock that is not a dock and for archived variants.
func (tx *Tx) resolvePO(o *app.NewPurchaseOrder) (*poContent, error) {
	c := &poContent{expectedOn: o.ExpectedOn, note: o.Note}
	err := tx.QueryRow(`SELECT id FROM suppliers WHERE code = ?`, o.Supplier).Scan(&c.supplierID)
	if err == sql.ErrNoRows {
		return nil, supplierNotFound("supplier", o.Supplier)
	} else if err != nil {
		return nil, err
	}
	if o.Dock != "" {
		var kind string
		var archived bool
		err := tx.QueryRow(`SELECT id, kind, archived FROM locations WHERE code = ?`, o.Dock).Scan(&c.dockID, &kind, &archived)
		if err == sql.ErrNoRows {
			return nil, &app.Error{Code: app.ENOTFOUND, Field: "dock", Message: "no location has code " + quote(o.Dock)}
		} else if err != nil {
			return nil, err
		}
		if kind != string(app.KindDock) {
			return nil, app.FieldErrorf("dock", "%s is a location of kind %s, not a dock", o.Dock, kind)
		}
		if archived {
			return nil, app.FieldErrorf("dock", "%s is archived", o.Dock)
		}
	}
	for i, l := range o.Lines {
		lc := poLineContent{qty: l.Qty, costMinor: l.UnitCostMinor, expectedOn: l.ExpectedOn}
		var archived bool
		err := tx.QueryRow(`SELECT id, archived FROM variants WHERE sku = ?`, l.SKU).Scan(&lc.variantID, &archived)
		if err == sql.ErrNoRows {
			return nil, &app.Error{Code: app.ENOTFOUND, Field: fieldf("lines[%d].sku", i), Message: "no variant has SKU " + quote(l.SKU)}
		} else if err != nil {
			return nil, err
		}
		if archived {
			return nil, app.FieldErrorf(fieldf("lines[%d].sku", i), "%s is archived: it cannot be ordered", l.SKU)
		}
		c.lines = append(c.lines, lc)
	}
	return c, nil
}

// storedPO reads the content of the stored order id.
func (tx *Tx) storedPO(id int64) (*poContent, error) {
	c := &poContent{}
	err := tx.QueryRow(`SELECT supplier_id, ifnull(expected_on, ''), ifnull(dock_id, 0), note FROM purchase_orders WHERE id = ?`, id).
		Scan(&c.supplierID, &c.expectedOn, &c.dockID, &c.note)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(`SELECT variant_id, qty, unit_cost_minor, ifnull(expected_on, '') FROM purchase_order_lines
		WHERE po_id = ? ORDER BY line_no`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var l poLineContent
		if err := rows.Scan(&l.variantID, &l.qty, &l.costMinor, &l.expectedOn); err != nil {
			return nil, err
		}
		c.lines = append(c.lines, l)
	}
	return c, rows.Err()
}

func (c *poContent) equal(d *poContent) bool {
	return c.supplierID == d.supplierID && c.expectedOn == d.expectedOn && c.dockID == d.dockID &&
		c.note == d.note && slices.Equal(c.lines, d.lines)
}

// insertPOLines writes the lines of order id, numbered from 1.
func (tx *Tx) insertPOLines(id int64, c *poContent) error {
	for i, l := range c.lines {
		_, err := tx.Exec(`INSERT INTO purchase_order_lines (po_id, line_no, variant_id, qty, unit_cost_minor, expected_on)
			VALUES (?, ?, ?, ?, ?, ?)`, id, i+1, l.variantID, l.qty, l.costMinor, null(l.expectedOn))
		if err != nil {
			return err
		}
	}
	return nil
}

// CreatePurchaseOrder creates a draft; see app.PurchasingService.
func (db *DB) CreatePurchaseOrder(ctx context.Context, o app.NewPurchaseOrder) (*app.PurchaseOrder, bool, error) {
	if err := o.Validate(); err != nil {
		return nil, false, err
	}
	v, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		c, err := tx.resolvePO(&o)
		if err != nil {
			return nil, err
		}
		var id int64
		err = tx.QueryRow(`SELECT id FROM purchase_orders WHERE number = ?`, o.Number).Scan(&id)
		if err == nil {
			stored, err := tx.storedPO(id)
			if err != nil {
				return nil, err
			}
			if stored.equal(c) {
				return true, nil
			}
			return nil, &app.Error{Code: app.ECONFLICT, Field: "number",
				Message: "purchase order " + o.Number + " exists already with other content; choose another number"}
		}
		if err != sql.ErrNoRows {
			return nil, err
		}
		res, err := tx.Exec(`INSERT INTO purchase_orders (number, supplier_id, status, expected_on, dock_id, note, created_by, created_at)
			VALUES (?, ?, 'draft', ?, ?, ?, ?, ?)`,
			o.Number, c.supplierID, null(c.expectedOn), nullID(c.dockID), c.note, nullID(o.UserID), ms(tx.Now))
		if err != nil {
			return nil, err
		}
		if id, err = res.LastInsertId(); err != nil {
			return nil, err
		}
		return false, tx.insertPOLines(id, c)
	})
	if err != nil {
		return nil, false, err
	}
	po, err := db.PurchaseOrder(ctx, o.Number)
	return po, v.(bool), err
}

// UpdatePurchaseOrder replaces a draft's header and lines.
func (db *DB) UpdatePurchaseOrder(ctx context.Context, number string, o app.NewPurchaseOrder) (*app.PurchaseOrder, error) {
	number = strings.TrimSpace(number)
	if o.Number = strings.TrimSpace(o.Number); o.Number == "" {
		o.Number = number
	} else if !strings.EqualFold(o.Number, number) {
		return nil, app.FieldErrorf("number", "cannot be changed (%s); create a new order instead", number)
	}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	_, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		po, err := tx.poRef(number)
		if err != nil {
			return nil, err
		}
		if po.Status != app.PODraft {
			return nil, app.Errorf(app.ECONFLICT, "purchase order %s is %s: only a draft can be edited", po.Number, po.Status)
		}
		c, err := tx.resolvePO(&o)
		if err != nil {
			return nil, err
		}
		if _, err := tx.Exec(`UPDATE purchase_orders SET supplier_id = ?, expected_on = ?, dock_id = ?, note = ? WHERE id = ?`,
			c.supplierID, null(c.expectedOn), nullID(c.dockID), c.note, po.ID); err != nil {
			return nil, err
		}
		// A draft has no receipts, so nothing refers to its lines.
		if _, err := tx.Exec(`DELETE FROM purchase_order_lines WHERE po_id = ?`, po.ID); err != nil {
			return nil, err
		}
		return nil, tx.insertPOLines(po.ID, c)
	})
	if err != nil {
		return nil, err
	}
	return db.PurchaseOrder(ctx, number)
}

// ActOnPurchaseOrder sends, closes or cancels an order.
func (db *DB) ActOnPurchaseOrder(ctx context.Context, number string, a app.POAction, userID int64) (*app.PurchaseOrder, bool, error) {
	if _, err := app.ParsePOAction(string(a)); err != nil {
		return nil, false, err
	}
	number = strings.TrimSpace(number)
	v, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		po, err := tx.poRef(number)
		if err != nil {
			return nil, err
		}
		done, err := a.Check(po.Number, po.Status)
		if err != nil || done {
			return done, err
		}
		switch a {
		case app.POSend:
			_, err = tx.Exec(`UPDATE purchase_orders SET status = 'sent', sent_at = ? WHERE id = ?`, ms(tx.Now), po.ID)
		case app.POCancel:
			if _, err = tx.Exec(`UPDATE purchase_order_lines SET closed = 1 WHERE po_id = ? AND closed = 0`, po.ID); err == nil {
				_, err = tx.Exec(`UPDATE purchase_orders SET status = 'cancelled', closed_at = ? WHERE id = ?`, ms(tx.Now), po.ID)
			}
		case app.POClose:
			err = tx.closePOShort(po, userID)
		}
		return false, err
	})
	if err != nil {
		return nil, false, err
	}
	po, err := db.PurchaseOrder(ctx, number)
	return po, v.(bool), err
}

// closePOShort closes an order: its open lines are closed, and the units
// they still lacked are recorded as one receipt of their own with a line
// of condition short per line, so the order's history shows the
// discrepancy. The receipt is at the order's dock, else the dock of its
// last receipt, else the first dock of the database.
func (tx *Tx) closePOShort(po *poRef, userID int64) error {
	rows, err := tx.Query(`SELECT id, variant_id, qty - received_qty FROM purchase_order_lines
		WHERE po_id = ? AND closed = 0 AND qty > received_qty ORDER BY line_no`, po.ID)
	if err != nil {
		return err
	}
	type short struct{ lineID, variantID, qty int64 }
	var shorts []short
	for rows.Next() {
		var s short
		if err := rows.Scan(&s.lineID, &s.variantID, &s.qty); err != nil {
			rows.Close()
			return err
		}
		shorts = append(shorts, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(shorts) > 0 {
		dock := po.DockID
		if dock == 0 {
			var d sql.NullInt64
			if err := tx.QueryRow(`SELECT ifnull((SELECT dock_id FROM receipts WHERE po_id = ?1 ORDER BY id DESC LIMIT 1),
				(SELECT id FROM locations WHERE kind = 'dock' ORDER BY archived, id LIMIT 1))`, po.ID).Scan(&d); err != nil {
				return err
			}
			if !d.Valid {
				return app.Errorf(app.ECONFLICT, "purchase order %s has no dock and depot has none to record its short units at: create a location of kind dock first", po.Number)
			}
			dock = d.Int64
		}
		key := "po-" + itoa(po.ID) + "-closed-short"
		hash := sha256.Sum256([]byte(key))
		res, err := tx.Exec(`INSERT INTO receipts (po_id, idempotency_key, request_hash, dock_id, user_id, received_at, note)
			VALUES (?, ?, ?, ?, ?, ?, 'closed short')`, po.ID, key, hash[:], dock, nullID(userID), ms(tx.Now))
		if err != nil {
			return err
		}
		receiptID, err := res.LastInsertId()
		if err != nil {
			return err
		}
		for _, s := range shorts {
			if _, err := tx.Exec(`INSERT INTO receipt_lines (receipt_id, po_line_id, variant_id, qty, condition, note)
				VALUES (?, ?, ?, ?, 'short', 'closed short')`, receiptID, s.lineID, s.variantID, s.qty); err != nil {
				return err
			}
		}
	}
	if _, err := tx.Exec(`UPDATE purchase_order_lines SET closed = 1 WHERE po_id = ? AND closed = 0`, po.ID); err != nil {
		return err
	}
	_, err = tx.Exec(`UPDATE purchase_orders SET status = 'closed', closed_at = ? WHERE id = ?`, ms(tx.Now), po.ID)
	return err
}

// poRef is a purchase order as a writer command sees it.
type poRef struct {
	ID         int64
	Number     string
	Status     app.POStatus
	SupplierID int64
	// DockID is the dock the goods are expected at, 0 for none.
	DockID int64
}

// poRef reads the order with the number (any case). Errors: not_found
// (field number).
func (tx *Tx) poRef(number string) (*poRef, error) {
	po := &poRef{}
	var status string
	err := tx.queryRow(`SELECT id, number, status, supplier_id, ifnull(dock_id, 0) FROM purchase_orders WHERE number = ?`,
		[]any{number}, &po.ID, &po.Number, &status, &po.SupplierID, &po.DockID)
	if err == sql.ErrNoRows {
		return nil, &app.Error{Code: app.ENOTFOUND, Field: "number", Message: "no purchase order has number " + quote(number)}
	}
	po.Status = app.POStatus(status)
	return po, err
}

// poForReceipt returns the order a receipt is taken in against: one that
// was sent (sent, partial or received: a late or over delivery may still
// come after the last line was received in full). Errors: not_found
// (field number), conflict for a draft, closed or cancelled order.
func (tx *Tx) poForReceipt(number string) (*poRef, error) {
	po, err := tx.poRef(number)
	if err != nil {
		return nil, err
	}
	switch po.Status {
	case app.POSent, app.POPartial, app.POReceived:
		return po, nil
	case app.PODraft:
		return nil, app.Errorf(app.ECONFLICT, "purchase order %s is a draft: send it before receiving against it", po.Number)
	}
	return nil, app.Errorf(app.ECONFLICT, "purchase order %s is %s: nothing more can be received against it", po.Number, po.Status)
}

// poLineRef is a purchase-order line as a receipt sees it. Outstanding is
// max(Qty - Received, 0), 0 once closed.
type poLineRef struct {
	ID, LineNo, VariantID, Qty, Received, Damaged, Outstanding int64
	Closed                                                     bool
}

// poLineRefs returns the lines of the order, by line number.
func (tx *Tx) poLineRefs(poID int64) ([]poLineRef, error) {
	rows, err := tx.Query(`SELECT id, line_no, variant_id, qty, received_qty, damaged_qty, closed
		FROM purchase_order_lines WHERE po_id = ? ORDER BY line_no`, poID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []poLineRef
	for rows.Next() {
		var l poLineRef
		if err := rows.Scan(&l.ID, &l.LineNo, &l.VariantID, &l.Qty, &l.Received, &l.Damaged, &l.Closed); err != nil {
			return nil, err
		}
		if !l.Closed && l.Qty > l.Received {
			l.Outstanding = l.Qty - l.Received
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// addPOLineReceipt records units taken in against a purchase-order line:
// qty is every unit of the line in this receipt (good, over and damaged),
// damaged the part of it that went to quarantine (0 <= damaged <= qty).
// It sets the line's first and last receipt instants (tx.Now) and closes
// the line once received in full. Call refreshPOStatus after the lines of
// one receipt. Errors: invalid (quantities), not_found (line).
func (tx *Tx) addPOLineReceipt(lineID, qty, damaged int64) error {
	if qty < 1 || qty > app.MaxQty || damaged < 0 || damaged > qty {
		return app.Errorf(app.EINVALID, "a receipt against a purchase-order line takes 1 to %d units, of which 0 to all damaged (got %d, %d damaged)",
			int64(app.MaxQty), qty, damaged)
	}
	res, err := tx.exec(`UPDATE purchase_order_lines SET received_qty = received_qty + ?1, damaged_qty = damaged_qty + ?2,
		first_received_at = coalesce(first_received_at, ?3), last_received_at = ?3,
		closed = CASE WHEN received_qty + ?1 >= qty THEN 1 ELSE closed END
		WHERE id = ?4`, qty, damaged, ms(tx.Now), lineID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return err
	}
	return app.Errorf(app.ENOTFOUND, "purchase-order line %d does not exist", lineID)
}

// refreshPOStatus derives the status of a sent order from its lines after
// a receipt: received when every line is done (closed, or received in
// full), else partial when any line has units received or was closed short
// at a receipt, else sent. Drafts and closed or cancelled orders are left
// as they are (a receipt refuses them first: see poForReceipt). Run it in
// the receipt's writer command, after the lines are updated
// (addPOLineReceipt).
func (tx *Tx) refreshPOStatus(poID int64) error {
	var status string
	var lines, done, started int64
	err := tx.queryRow(`SELECT p.status, count(l.id), ifnull(sum(l.closed = 1 OR l.received_qty >= l.qty), 0),
			ifnull(sum(l.closed = 1 OR l.received_qty > 0), 0)
		FROM purchase_orders p LEFT JOIN purchase_order_lines l ON l.po_id = p.id WHERE p.id = ?1 GROUP BY p.id`,
		[]any{poID}, &status, &lines, &done, &started)
	if err == sql.ErrNoRows {
		return app.Errorf(app.ENOTFOUND, "purchase order %d does not exist", poID)
	} else if err != nil {
		return err
	}
	switch app.POStatus(status) {
	case app.POSent, app.POPartial, app.POReceived:
	default:
		return nil
	}
	next := app.POSent
	switch {
	case lines > 0 && done == lines:
		next = app.POReceived
	case started > 0:
		next = app.POPartial
	}
	if string(next) == status {
		return nil
	}
	_, err = tx.exec(`UPDATE purchase_orders SET status = ?1 WHERE id = ?2`, string(next), poID)
	return err
}
