package sqlite

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"strconv"
	"strings"

	"depot/app"
)

var _ app.ReceivingService = (*DB)(nil)

// PostReceipt takes one delivery in, all or nothing, in one writer command:
// the receipt and its lines, the lots it brings (with expiry, manufacture
// date, the order's supplier and the certificate reference), one receive
// movement (good and over units vendor → dock, damaged units vendor → the
// quarantine place of the dock's site) and the purchase order's lines and
// status. A line that fails rolls back the whole receipt.
//
// Damaged units are kept apart by place, not by lot status: a lot's status
// covers all its units, and the good ones of the same lot must stay
// available. The quarantine place is a location with attributes
// {"quarantine": true} under the dock's site (app.IsQuarantinePlace);
// allocation and putaway must leave it alone.
func (db *DB) PostReceipt(ctx context.Context, cmd app.PostReceipt) (*app.Receipt, bool, error) {
	if err := cmd.Validate(db.now().UTC()); err != nil {
		return nil, false, err
	}
	body, err := json.Marshal(struct {
		app.PostReceipt
		UserID int64 `json:"user_id"`
	}{cmd, cmd.UserID})
	if err != nil {
		return nil, false, err
	}
	hash := sha256.Sum256(body)
	v, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		return tx.postReceipt(&cmd, hash[:])
	})
	if err != nil {
		return nil, false, err
	}
	if id, ok := v.(replayed); ok {
		r, err := db.Receipt(ctx, int64(id))
		return r, true, err
	}
	r, err := db.Receipt(ctx, v.(int64))
	return r, false, err
}

// poLine is a purchase order line being received, changed in memory and
// written back once the whole receipt has been checked.
type poLine struct {
	id, lineNo, variantID  int64
	qty, received, damaged int64
	// closed as the order's helpers keep it: received in full or closed
	// short.
	closed bool
	// What this receipt adds: units (of which damaged), and a close short.
	add, addDamaged int64
	closeShort      bool
}

// receiptRun is the state of one PostReceipt inside the writer.
type receiptRun struct {
	tx        *Tx
	cmd       *app.PostReceipt
	id        int64 // the receipt
	poID      int64
	poNumber  string
	supplier  sql.NullInt64
	dock      *app.Place
	siteID    int64
	quar      *app.Place // found on the first damaged line
	lines     []*poLine
	tolerance int
	limit     int
	moves     []app.MovementLine
	moveLine  []int // the command line of each movement line
}

func (tx *Tx) postReceipt(cmd *app.PostReceipt, hash []byte) (any, error) {
	var seenID int64
	var seen []byte
	err := tx.queryRow(`SELECT id, request_hash FROM receipts WHERE idempotency_key = ?`, []any{cmd.IdempotencyKey}, &seenID, &seen)
	switch {
	case err == nil && bytes.Equal(seen, hash):
		return replayed(seenID), nil
	case err == nil:
		return nil, &app.Error{Code: app.ECONFLICT, Field: "idempotency_key",
			Message: "this idempotency key was already used for a different receipt (id " + itoa(seenID) + ")"}
	case err != sql.ErrNoRows:
		return nil, err
	}
	run := &receiptRun{tx: tx, cmd: cmd}
	if err := run.load(); err != nil {
		return nil, err
	}
	res, err := tx.exec(`INSERT INTO receipts (po_id, idempotency_key, request_hash, dock_id, user_id, received_at, note)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, nullID(run.poID), cmd.IdempotencyKey, hash, run.dock.ID, nullID(cmd.UserID), ms(tx.Now), cmd.Note)
	if err != nil {
		return nil, err
	}
	if run.id, err = res.LastInsertId(); err != nil {
		return nil, err
	}
	for i := range cmd.Lines {
		if err := run.line(i); err != nil {
			return nil, err
		}
	}
	if err := run.post(); err != nil {
		return nil, err
	}
	if err := run.savePO(); err != nil {
		return nil, err
	}
	return run.id, nil
}

// load reads the order, the dock, its site and the settings.
func (r *receiptRun) load() error {
	tx, cmd := r.tx, r.cmd
	if cmd.PO != "" {
		po, err := tx.poForReceipt(cmd.PO)
		if err != nil {
			return onField(err, "po")
		}
		r.poID, r.poNumber, r.supplier = po.ID, po.Number, sql.NullInt64{Int64: po.SupplierID, Valid: true}
		if cmd.Dock == "" {
			if po.DockID == 0 {
				return app.FieldErrorf("dock", "is required: purchase order %s names no dock", r.poNumber)
			}
			if err := tx.queryRow(`SELECT code FROM locations WHERE id = ?`, []any{po.DockID}, &cmd.Dock); err != nil {
				return err
			}
		}
		refs, err := tx.poLineRefs(po.ID)
		if err != nil {
			return err
		}
		for _, l := range refs {
			r.lines = append(r.lines, &poLine{id: l.ID, lineNo: l.LineNo, variantID: l.VariantID, qty: l.Qty,
				received: l.Received, damaged: l.Damaged, closed: l.Closed})
		}
	}
	var kind, attrs string
	var archived bool
	r.dock = &app.Place{}
	err := tx.queryRow(`SELECT id, code, kind, archived, attributes FROM locations WHERE code = ?`, []any{cmd.Dock},
		&r.dock.ID, &r.dock.Code, &kind, &archived, &attrs)
	switch {
	case err == sql.ErrNoRows:
		return &app.Error{Code: app.ENOTFOUND, Field: "dock", Message: "no location has code " + quote(cmd.Dock)}
	case err != nil:
		return err
	case kind != string(app.KindDock):
		return app.FieldErrorf("dock", "%s is a %s, not a dock: goods are received at a location of kind dock", r.dock.Code, kind)
	case archived:
		return app.FieldErrorf("dock", "dock %s is archived", r.dock.Code)
	}
	r.dock.Physical = true
	if err := tx.queryRow(`WITH RECURSIVE up(id, parent_id, kind, depth) AS (
			SELECT id, parent_id, kind, 0 FROM locations WHERE id = ?
			UNION ALL SELECT l.id, l.parent_id, l.kind, up.depth + 1 FROM locations l JOIN up ON l.id = up.parent_id)
		SELECT id FROM up ORDER BY kind = 'site' DESC, parent_id IS NULL DESC, depth LIMIT 1`, []any{r.dock.ID}, &r.siteID); err != nil {
		return err
	}
	if r.tolerance, err = tx.settingInt(app.SettingOverTolerancePct, app.DefaultOverTolerancePct, 0, 1000); err != nil {
		return err
	}
	r.limit, err = tx.settingInt(app.SettingExpiryLimitYears, app.DefaultExpiryLimitYears, 0, 100)
	return err
}

// onField gives an error of the order's helpers the receipt's field name.
func onField(err error, field string) error {
	e, ok := err.(*app.Error)
	if !ok {
		return err
	}
	c := *e
	c.Field = field
	return &c
}

// settingInt reads a whole-number setting from min to max, or def when it
// is not set or not such a number.
func (tx *Tx) settingInt(key string, def, min, max int) (int, error) {
	var raw string
	err := tx.queryRow(`SELECT value FROM settings WHERE key = ?`, []any{key}, &raw)
	if err == sql.ErrNoRows {
		return def, nil
	}
	if err != nil {
		return 0, err
	}
	var f float64
	if json.Unmarshal([]byte(raw), &f) != nil || f != float64(int(f)) || int(f) < min || int(f) > max {
		return def, nil
	}
	return int(f), nil
}

func (r *receiptRun) field(i int, name string) string { return fieldf("lines[%d].%s", i, name) }

// line records command line i.
func (r *receiptRun) line(i int) error {
	l := &r.cmd.Lines[i]
	var v variantRef
	if l.SKU != "" {
		var err error
		if v, err = r.tx.variant(i, l.SKU); err != nil {
			return err
		}
	}
	note := l.Note
	if l.Serial != "" {
		note = strings.TrimSpace("serial " + l.Serial + "; " + note)
		note = strings.TrimSuffix(note, ";")
	}
	switch l.Condition {
	case app.ReceiptWrongItem:
		return r.insertLine(nil, v.id, l.Scanned, 0, l.Qty, app.ReceiptWrongItem, 0, note)
	case app.ReceiptShort:
		return r.short(i, v, note)
	}
	lot, err := r.lot(i, v)
	if err != nil {
		return err
	}
	to := r.dock
	if l.Condition == app.ReceiptDamaged {
		if to, err = r.quarantine(i); err != nil {
			return err
		}
	}
	if r.poID == 0 {
		if err := r.insertLine(nil, v.id, "", lot, l.Qty, l.Condition, to.ID, note); err != nil {
			return err
		}
		return r.move(i, v, l.Lot, l.Qty, to)
	}
	parts, err := r.match(i, v, l.Qty, l.Condition == app.ReceiptDamaged)
	if err != nil {
		return err
	}
	for _, p := range parts {
		if err := r.insertLine(p.line, v.id, "", lot, p.qty, p.cond, to.ID, note); err != nil {
			return err
		}
	}
	return r.move(i, v, l.Lot, l.Qty, to)
}

// part is the share of a command line that one order line takes.
type part struct {
	line *poLine
	qty  int64
	cond app.ReceiptCondition
}

// match spreads qty units of v over the order's open lines of v, in line
// order; what is beyond them all goes to the last one as over, within the
// tolerance.
func (r *receiptRun) match(i int, v variantRef, qty int64, damaged bool) ([]part, error) {
	var fill []*poLine
	var last *poLine // the line that takes units over: the last one not closed short
	onOrder := false
	for _, pl := range r.lines {
		if pl.variantID != v.id {
			continue
		}
		onOrder = true
		if !pl.closed && pl.received < pl.qty {
			fill = append(fill, pl)
		}
		if !pl.closed || pl.received >= pl.qty {
			last = pl
		}
	}
	if !onOrder {
		return nil, app.FieldErrorf(r.field(i, "sku"), "SKU %s is not on purchase order %s: record it as a wrong item", v.sku, r.poNumber)
	}
	if last == nil {
		return nil, &app.Error{Code: app.ECONFLICT, Field: r.field(i, "sku"),
			Message: "every line of SKU " + v.sku + " on purchase order " + r.poNumber + " is closed short: nothing more is expected"}
	}
	cond := func(c app.ReceiptCondition) app.ReceiptCondition {
		if damaged {
			return app.ReceiptDamaged
		}
		return c
	}
	var parts []part
	left := qty
	for _, pl := range fill {
		if n := min(left, pl.qty-pl.received); n > 0 {
			parts = append(parts, part{pl, n, cond(app.ReceiptOK)})
			left -= n
		}
	}
	if left > 0 {
		total := last.received + left
		for _, p := range parts {
			if p.line == last {
				total += p.qty
			}
		}
		if !app.OverToleranceOK(last.qty, total, r.tolerance) {
			return nil, &app.Error{Code: app.ECONFLICT, Field: r.field(i, "qty"),
				Message: "line " + itoa(last.lineNo) + " of purchase order " + r.poNumber + " (SKU " + v.sku + ") ordered " +
					itoa(last.qty) + " and has " + itoa(last.received) + " received; " + itoa(qty) + " more is " +
					itoa(total-last.qty) + " over, beyond the " + strconv.Itoa(r.tolerance) + "% tolerance (at most " +
					itoa(last.qty*(100+int64(r.tolerance))/100) + " in all): refuse the extra units"}
		}
		parts = append(parts, part{last, left, cond(app.ReceiptOver)})
	}
	for _, p := range parts {
		pl := p.line
		pl.received += p.qty
		pl.add += p.qty
		if damaged {
			pl.damaged += p.qty
			pl.addDamaged += p.qty
		}
		pl.closed = pl.closed || pl.received >= pl.qty
	}
	return parts, nil
}

// short closes the order's open lines of v: no more will come. Each line
// still missing units gets a short receipt line for them.
func (r *receiptRun) short(i int, v variantRef, note string) error {
	l := &r.cmd.Lines[i]
	var missing int64
	found := false
	for _, pl := range r.lines {
		if pl.variantID != v.id || pl.closed {
			continue
		}
		found = true
		missing += max(pl.qty-pl.received, 0)
	}
	if !found {
		return &app.Error{Code: app.ECONFLICT, Field: r.field(i, "sku"),
			Message: "purchase order " + r.poNumber + " has no open line of SKU " + v.sku + " to close short"}
	}
	if l.Qty != 0 && l.Qty != missing {
		return app.FieldErrorf(r.field(i, "qty"), "%d of SKU %s are still missing on purchase order %s, not %d: leave qty out to close the line short",
			missing, v.sku, r.poNumber, l.Qty)
	}
	for _, pl := range r.lines {
		if pl.variantID != v.id || pl.closed {
			continue
		}
		pl.closed, pl.closeShort = true, true
		if n := pl.qty - pl.received; n > 0 {
			if err := r.insertLine(pl, v.id, "", 0, n, app.ReceiptShort, 0, note); err != nil {
				return err
			}
		}
	}
	return nil
}

// lot finds or creates the lot of line i; 0 for a variant without lots.
// An expiry in the past or beyond the limit needs the command's confirm.
func (r *receiptRun) lot(i int, v variantRef) (int64, error) {
	l := &r.cmd.Lines[i]
	tx := r.tx
	if !v.trackLots {
		if l.Lot != "" {
			return 0, app.FieldErrorf(r.field(i, "lot"), "SKU %s is not tracked by lot: leave the lot out", v.sku)
		}
		return 0, nil
	}
	if l.Lot == "" {
		return 0, app.FieldErrorf(r.field(i, "lot"), "SKU %s is tracked by lot: give the lot code", v.sku)
	}
	var (
		id                  int64
		status              string
		expires, made, cert sql.NullString
		supplier            sql.NullString
	)
	err := tx.queryRow(`SELECT id, status, expires_on, manufactured_on, certificate_ref, cast(supplier_id AS TEXT) FROM lots
		WHERE variant_id = ? AND code = ?`, []any{v.id, l.Lot}, &id, &status, &expires, &made, &cert, &supplier)
	if err != nil && err != sql.ErrNoRows {
		return 0, err
	}
	exists := err == nil
	effective := l.ExpiresOn
	if exists {
		what := "lot " + l.Lot + " of SKU " + v.sku
		switch {
		case l.ExpiresOn != "" && expires.Valid && expires.String != l.ExpiresOn:
			return 0, app.FieldErrorf(r.field(i, "expiry"), "%s expires on %s, not %s", what, expires.String, l.ExpiresOn)
		case l.ManufacturedOn != "" && made.Valid && made.String != l.ManufacturedOn:
			return 0, app.FieldErrorf(r.field(i, "manufactured_on"), "%s was made on %s, not %s", what, made.String, l.ManufacturedOn)
		case l.CertificateRef != "" && cert.Valid && cert.String != l.CertificateRef:
			return 0, app.FieldErrorf(r.field(i, "certificate_ref"), "%s has certificate %s, not %s", what, cert.String, l.CertificateRef)
		case status == string(app.LotRecalled):
			return 0, &app.Error{Code: app.ECONFLICT, Field: r.field(i, "lot"), Message: what + " is recalled: it cannot be received"}
		}
		if expires.Valid {
			effective = expires.String
		}
	}
	if why := app.ExpiryNeedsConfirm(effective, r.tx.Now.UTC(), r.limit); why != "" && !r.cmd.Confirm {
		return 0, &app.Error{Code: app.ECONFLICT, Field: r.field(i, "expiry"),
			Message: "lot " + l.Lot + " of SKU " + v.sku + " " + why + ": confirm to receive it anyway"}
	}
	if !exists {
		res, err := tx.exec(`INSERT INTO lots (variant_id, code, supplier_id, manufactured_on, expires_on, certificate_ref, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, v.id, l.Lot, r.supplierArg(), null(l.ManufacturedOn), null(l.ExpiresOn), null(l.CertificateRef), ms(tx.Now))
		if err != nil {
			return 0, err
		}
		return res.LastInsertId()
	}
	// An existing lot takes the facts it did not have yet.
	_, err = tx.exec(`UPDATE lots SET expires_on = coalesce(expires_on, ?), manufactured_on = coalesce(manufactured_on, ?),
		certificate_ref = coalesce(certificate_ref, ?), supplier_id = coalesce(supplier_id, ?) WHERE id = ?`,
		null(l.ExpiresOn), null(l.ManufacturedOn), null(l.CertificateRef), r.supplierArg(), id)
	return id, err
}

func (r *receiptRun) supplierArg() any {
	if r.supplier.Valid {
		return r.supplier.Int64
	}
	return nil
}

// quarantine finds the quarantine place of the dock's site.
func (r *receiptRun) quarantine(i int) (*app.Place, error) {
	if r.quar != nil {
		return r.quar, nil
	}
	p := &app.Place{Physical: true}
	err := r.tx.queryRow(`WITH RECURSIVE down(id) AS (
			SELECT ? UNION ALL SELECT l.id FROM locations l JOIN down ON l.parent_id = down.id)
		SELECT l.id, l.code FROM down JOIN locations l ON l.id = down.id
		WHERE l.archived = 0 AND l.kind <> 'virtual' AND json_extract(l.attributes, '$.quarantine') = 1
		ORDER BY l.walk_seq, l.id LIMIT 1`, []any{r.siteID}, &p.ID, &p.Code)
	if err == sql.ErrNoRows {
		var site string
		if err := r.tx.queryRow(`SELECT code FROM locations WHERE id = ?`, []any{r.siteID}, &site); err != nil {
			return nil, err
		}
		return nil, &app.Error{Code: app.ECONFLICT, Field: r.field(i, "condition"),
			Message: "damaged units go to a quarantine place, and site " + site + ` has none: create a place with attributes {"quarantine": true} under it`}
	}
	if err != nil {
		return nil, err
	}
	r.quar = p
	return p, nil
}

func (r *receiptRun) insertLine(pl *poLine, variantID int64, scanned string, lotID, qty int64, cond app.ReceiptCondition, locID int64, note string) error {
	var plID int64
	if pl != nil {
		plID = pl.id
	}
	_, err := r.tx.exec(`INSERT INTO receipt_lines (receipt_id, po_line_id, variant_id, scanned, lot_id, qty, condition, location_id, note)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.id, nullID(plID), nullID(variantID), null(scanned), nullID(lotID), qty, string(cond), nullID(locID), note)
	return err
}

func (r *receiptRun) move(i int, v variantRef, lot string, qty int64, to *app.Place) error {
	ml := app.MovementLine{SKU: v.sku, Qty: qty, To: to.Code}
	if lot != "" {
		ml.Lot = &app.LotRef{Code: lot}
	}
	r.moves, r.moveLine = append(r.moves, ml), append(r.moveLine, i)
	return nil
}

// post appends the receive movement of the receipt's stock, if any.
func (r *receiptRun) post() error {
	if len(r.moves) == 0 {
		return nil
	}
	m, err := r.tx.post(app.PostMovement{Kind: app.Receive, IdempotencyKey: "receipt:" + r.cmd.IdempotencyKey,
		Reference: &app.Reference{Type: "receipt", ID: itoa(r.id)}, Lines: r.moves, UserID: r.cmd.UserID})
	if err != nil {
		return r.lineError(err)
	}
	if len(m.Legs) == 0 {
		return &app.Error{Code: app.ECONFLICT, Field: "idempotency_key",
			Message: "movement key receipt:" + r.cmd.IdempotencyKey + " was already used by movement " + itoa(m.ID) + ": use another key"}
	}
	_, err = r.tx.exec(`UPDATE receipts SET movement_id = ? WHERE id = ?`, m.ID, r.id)
	return err
}

// lineError renames a movement line's field to the receipt line it came from.
func (r *receiptRun) lineError(err error) error {
	e, ok := err.(*app.Error)
	if !ok || !strings.HasPrefix(e.Field, "lines[") {
		return err
	}
	end := strings.IndexByte(e.Field, ']')
	j, convErr := strconv.Atoi(e.Field[len("lines["):end])
	if convErr != nil || j >= len(r.moveLine) {
		return err
	}
	c := *e
	c.Field = fieldf("lines[%d]", r.moveLine[j]) + e.Field[end+1:]
	return &c
}

// savePO writes what the receipt adds to the order's lines, through the
// purchasing store's helpers, and the order's status.
func (r *receiptRun) savePO() error {
	if r.poID == 0 {
		return nil
	}
	for _, pl := range r.lines {
		if pl.add > 0 {
			if err := r.tx.addPOLineReceipt(pl.id, pl.add, pl.addDamaged); err != nil {
				return err
			}
		}
		if pl.closeShort {
			if _, err := r.tx.exec(`UPDATE purchase_order_lines SET closed = 1 WHERE id = ?`, pl.id); err != nil {
				return err
			}
		}
	}
	return r.tx.refreshPOStatus(r.poID)
}
