package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"strings"

	"depot/app"
)

// This file holds the writer commands of transfers between sites: plan,
// ship (one transfer_out movement into transit), receive (one transfer_in
// movement out of transit per receipt) and cancel. The reads are in
// transfers_read.go.

// CreateTransfer plans a transfer; see app.TransferService.
func (db *DB) CreateTransfer(ctx context.Context, t app.NewTransfer) (*app.Transfer, bool, error) {
	if err := t.Validate(); err != nil {
		return nil, false, err
	}
	v, err := db.w.Do(ctx, func(tx *Tx) (any, error) { return tx.createTransfer(&t) })
	if err != nil {
		return nil, false, err
	}
	tr, err := db.Transfer(ctx, t.Number)
	return tr, v.(bool), err
}

// ShipTransfer ships an open transfer; see app.TransferService.
func (db *DB) ShipTransfer(ctx context.Context, c app.ShipTransfer) (*app.Transfer, bool, error) {
	if err := c.Validate(); err != nil {
		return nil, false, err
	}
	v, err := db.w.Do(ctx, func(tx *Tx) (any, error) { return tx.shipTransfer(&c) })
	if err != nil {
		return nil, false, err
	}
	tr, err := db.Transfer(ctx, c.Number)
	return tr, v.(bool), err
}

// ReceiveTransfer receives a shipped transfer in full or in part; see
// app.TransferService.
func (db *DB) ReceiveTransfer(ctx context.Context, c app.ReceiveTransfer) (*app.Transfer, bool, error) {
	c.Number = strings.TrimSpace(c.Number)
	if err := c.Validate(); err != nil {
		return nil, false, err
	}
	body, err := json.Marshal(struct {
		app.ReceiveTransfer
		Number string `json:"number"`
		UserID int64  `json:"user_id"`
	}{c, strings.ToUpper(c.Number), c.UserID})
	if err != nil {
		return nil, false, err
	}
	h := sha256.Sum256(body)
	v, err := db.w.Do(ctx, func(tx *Tx) (any, error) { return tx.receiveTransfer(&c, h[:]) })
	if err != nil {
		return nil, false, err
	}
	tr, err := db.Transfer(ctx, c.Number)
	return tr, v.(bool), err
}

// CancelTransfer closes an open transfer; see app.TransferService.
func (db *DB) CancelTransfer(ctx context.Context, number string, userID int64) (*app.Transfer, error) {
	number = strings.TrimSpace(number)
	_, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		h, err := tx.transferHead(number)
		if err != nil {
			return nil, err
		}
		if h.status != app.TransferOpen {
			return nil, app.Errorf(app.ECONFLICT, "transfer %s is %s; only an open transfer can be cancelled", h.number, h.status)
		}
		_, err = tx.exec(`UPDATE transfers SET status = 'cancelled' WHERE id = ?`, h.id)
		return nil, err
	})
	if err != nil {
		return nil, err
	}
	return db.Transfer(ctx, number)
}

// transferHead is a transfer's row as the commands need it.
type transferHead struct {
	id, fromSite, toSite int64
	number, status       string
	from, to             string // site codes
}

func (tx *Tx) transferHead(number string) (transferHead, error) {
	var h transferHead
	err := tx.queryRow(`SELECT t.id, t.number, t.status, t.from_site_id, t.to_site_id, f.code, o.code
		FROM transfers t JOIN locations f ON f.id = t.from_site_id JOIN locations o ON o.id = t.to_site_id
		WHERE t.number = ?`, []any{number}, &h.id, &h.number, &h.status, &h.fromSite, &h.toSite, &h.from, &h.to)
	if err == sql.ErrNoRows {
		return h, &app.Error{Code: app.ENOTFOUND, Field: "number", Message: "no transfer has number " + quote(number)}
	}
	return h, err
}

// site returns the id and code of the site with code.
func (tx *Tx) site(field, code string) (int64, string, error) {
	var id int64
	var kind, stored string
	var archived bool
	err := tx.queryRow(`SELECT id, code, kind, archived FROM locations WHERE code = ?`, []any{code}, &id, &stored, &kind, &archived)
	switch {
	case err == sql.ErrNoRows:
		return 0, "", &app.Error{Code: app.ENOTFOUND, Field: field, Message: "no location has code " + quote(code)}
	case err != nil:
		return 0, "", err
	case kind != string(app.KindSite):
		return 0, "", app.FieldErrorf(field, "%s is a %s, not a site: a transfer goes between sites (the tops of the place tree)", stored, kind)
	case archived:
		return 0, "", app.FieldErrorf(field, "site %s is archived", stored)
	}
	return id, stored, nil
}

// siteOf returns the site a place belongs to (the root of its tree when
// that is a site), or 0.
func (tx *Tx) siteOf(locationID int64) (int64, error) {
	var id int64
	var kind string
	err := tx.queryRow(`WITH RECURSIVE up (id, parent_id, kind, depth) AS (
			SELECT id, parent_id, kind, 0 FROM locations WHERE id = ?
			UNION ALL
			SELECT l.id, l.parent_id, l.kind, up.depth + 1 FROM locations l JOIN up ON l.id = up.parent_id WHERE up.depth < 64)
		SELECT id, kind FROM up WHERE parent_id IS NULL`, []any{locationID}, &id, &kind)
	if err == sql.ErrNoRows || (err == nil && kind != string(app.KindSite)) {
		return 0, nil
	}
	return id, err
}

// placeAtSite resolves a physical place and checks that it is at the site.
func (tx *Tx) placeAtSite(field, code string, siteID int64, role, siteCode string) (*app.Place, error) {
	p, err := tx.place(field, code)
	if err != nil {
		return nil, err
	}
	if !p.Physical {
		return nil, app.FieldErrorf(field, "%s is a virtual location; give a place at the %s site %s", p.Code, role, siteCode)
	}
	at, err := tx.siteOf(p.ID)
	if err != nil {
		return nil, err
	}
	if at != siteID {
		return nil, app.FieldErrorf(field, "%s is not at the %s site %s", p.Code, role, siteCode)
	}
	return p, nil
}

// createTransfer inserts the transfer and its lines; it returns true when
// the very same transfer exists (a replay).
func (tx *Tx) createTransfer(t *app.NewTransfer) (any, error) {
	fromID, fromCode, err := tx.site("from", t.From)
	if err != nil {
		return nil, err
	}
	toID, _, err := tx.site("to", t.To)
	if err != nil {
		return nil, err
	}
	type lineRow struct {
		variant, lot, from     int64
		sku, lotCode, fromCode string
		qty                    int64
	}
	rows := make([]lineRow, len(t.Lines))
	seen := map[[3]int64]int{}
	for i, l := range t.Lines {
		v, err := tx.variant(i, l.SKU)
		if err != nil {
			return nil, err
		}
		var ref *app.LotRef
		if l.Lot != "" {
			ref = &app.LotRef{Code: l.Lot}
		}
		lot, err := tx.lineLot(i, app.Move, v, ref)
		if err != nil {
			return nil, err
		}
		p, err := tx.placeAtSite(fieldf("lines[%d].from", i), l.From, fromID, "source", fromCode)
		if err != nil {
			return nil, err
		}
		k := [3]int64{v.id, lot.id, p.ID}
		if j, dup := seen[k]; dup {
			return nil, app.FieldErrorf(fieldf("lines[%d]", i), "repeats the SKU, lot and place of lines[%d]; give one line with the sum", j)
		}
		seen[k] = i
		rows[i] = lineRow{variant: v.id, lot: lot.id, from: p.ID, sku: v.sku, lotCode: lot.code, fromCode: p.Code, qty: l.Qty}
	}

	var existing int64
	switch err := tx.queryRow(`SELECT id FROM transfers WHERE number = ?`, []any{t.Number}, &existing); err {
	case sql.ErrNoRows:
	case nil:
		same, err := tx.sameTransfer(existing, fromID, toID, func(i int) [4]int64 {
			r := rows[i]
			return [4]int64{r.variant, r.lot, r.from, r.qty}
		}, len(rows))
		if err != nil {
			return nil, err
		}
		if !same {
			return nil, &app.Error{Code: app.ECONFLICT, Field: "number", Message: "transfer " + t.Number + " exists with other sites or lines; choose another number"}
		}
		return true, nil
	default:
		return nil, err
	}

	res, err := tx.exec(`INSERT INTO transfers (number, from_site_id, to_site_id, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
		t.Number, fromID, toID, nullID(t.UserID), ms(tx.Now))
	if err != nil {
		return nil, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return nil, err
	}
	for i, r := range rows {
		if _, err := tx.exec(`INSERT INTO transfer_lines (transfer_id, line_no, variant_id, lot_id, qty, from_location_id)
			VALUES (?, ?, ?, ?, ?, ?)`, id, i+1, r.variant, nullID(r.lot), r.qty, r.from); err != nil {
			return nil, err
		}
	}
	return false, nil
}

// sameTransfer reports whether the stored transfer id has these sites and
// lines (variant, lot, place, qty) in this order.
func (tx *Tx) sameTransfer(id, fromID, toID int64, line func(int) [4]int64, n int) (bool, error) {
	var from, to int64
	if err := tx.queryRow(`SELECT from_site_id, to_site_id FROM transfers WHERE id = ?`, []any{id}, &from, &to); err != nil {
		return false, err
	}
	if from != fromID || to != toID {
		return false, nil
	}
	rows, err := tx.Query(`SELECT variant_id, ifnull(lot_id, 0), from_location_id, qty FROM transfer_lines WHERE transfer_id = ? ORDER BY line_no`, id)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	i := 0
	for rows.Next() {
		var got [4]int64
		if err := rows.Scan(&got[0], &got[1], &got[2], &got[3]); err != nil {
			return false, err
		}
		if i >= n || got != line(i) {
			return false, nil
		}
		i++
	}
	return i == n, rows.Err()
}

// transferLine is a stored line as ship and receive need it.
type transferLine struct {
	id, lineNo, variant, lot, qty, received, from int64
	sku, lotCode, fromCode                        string
}

func (tx *Tx) transferLines(transferID int64) ([]transferLine, error) {
	rows, err := tx.Query(`SELECT l.id, l.line_no, l.variant_id, ifnull(l.lot_id, 0), l.qty, l.received_qty, l.from_location_id,
			v.sku, ifnull(lo.code, ''), p.code
		FROM transfer_lines l JOIN variants v ON v.id = l.variant_id JOIN locations p ON p.id = l.from_location_id
		LEFT JOIN lots lo ON lo.id = l.lot_id
		WHERE l.transfer_id = ? ORDER BY l.line_no`, transferID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []transferLine
	for rows.Next() {
		var l transferLine
		if err := rows.Scan(&l.id, &l.lineNo, &l.variant, &l.lot, &l.qty, &l.received, &l.from, &l.sku, &l.lotCode, &l.fromCode); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

func lotRefOf(code string) *app.LotRef {
	if code == "" {
		return nil
	}
	return &app.LotRef{Code: code}
}

// shipTransfer posts the transfer_out movement of an open transfer and
// marks it shipped; it returns true when the transfer was shipped before.
func (tx *Tx) shipTransfer(c *app.ShipTransfer) (any, error) {
	h, err := tx.transferHead(c.Number)
	if err != nil {
		return nil, err
	}
	switch h.status {
	case app.TransferShipped, app.TransferReceived:
		return true, nil
	case app.TransferCancelled:
		return nil, app.Errorf(app.ECONFLICT, "transfer %s is cancelled and cannot be shipped", h.number)
	}
	lines, err := tx.transferLines(h.id)
	if err != nil {
		return nil, err
	}
	cmd := app.PostMovement{Kind: app.TransferOut, IdempotencyKey: "transfer-out-" + h.number, UserID: c.UserID,
		Reference: &app.Reference{Type: "transfer", ID: h.number}, Note: "transfer " + h.number + " to " + h.to}
	for i, l := range lines {
		// A place may have moved to another site since the transfer was
		// planned: the stock must still leave from the source site.
		if _, err := tx.placeAtSite(fieldf("lines[%d].from", i), l.fromCode, h.fromSite, "source", h.from); err != nil {
			return nil, err
		}
		cmd.Lines = append(cmd.Lines, app.MovementLine{SKU: l.sku, Qty: l.qty, From: l.fromCode, Lot: lotRefOf(l.lotCode)})
	}
	m, err := tx.post(cmd)
	if err != nil {
		return nil, err
	}
	if c.Carrier != "" {
		if _, err := tx.exec(`INSERT INTO shipments (transfer_id, carrier, service, tracking, status, movement_id, created_by, created_at, shipped_at)
			VALUES (?, ?, ?, ?, 'shipped', ?, ?, ?, ?)`, h.id, c.Carrier, c.Service, null(c.Tracking), m.ID, nullID(c.UserID), ms(tx.Now), ms(tx.Now)); err != nil {
			return nil, err
		}
	}
	_, err = tx.exec(`UPDATE transfers SET status = 'shipped', ship_movement_id = ?, shipped_at = ? WHERE id = ?`, m.ID, ms(tx.Now), h.id)
	return false, err
}

// receiveTransfer posts one transfer_in movement for the receipt c and
// adds it to the lines; it returns true for a replayed receipt.
func (tx *Tx) receiveTransfer(c *app.ReceiveTransfer, reqHash []byte) (any, error) {
	h, err := tx.transferHead(c.Number)
	if err != nil {
		return nil, err
	}
	key := "transfer-in-" + h.number + "-" + c.IdempotencyKey
	if seen, err := tx.seenKey(key, reqHash); err != nil || seen {
		return seen, err
	}
	switch h.status {
	case app.TransferOpen:
		return nil, app.Errorf(app.ECONFLICT, "transfer %s is not shipped yet; ship it before receiving it", h.number)
	case app.TransferReceived:
		return nil, app.Errorf(app.ECONFLICT, "transfer %s was received in full; nothing of it is in transit", h.number)
	case app.TransferCancelled:
		return nil, app.Errorf(app.ECONFLICT, "transfer %s is cancelled", h.number)
	}
	lines, err := tx.transferLines(h.id)
	if err != nil {
		return nil, err
	}
	type take struct {
		line  int // index into lines
		qty   int64
		place *app.Place
	}
	var takes []take
	places := map[string]*app.Place{}
	placeFor := func(field, code string) (*app.Place, error) {
		if p, ok := places[strings.ToUpper(code)]; ok {
			return p, nil
		}
		p, err := tx.placeAtSite(field, code, h.toSite, "destination", h.to)
		if err == nil {
			places[strings.ToUpper(code)] = p
		}
		return p, err
	}
	if len(c.Lines) == 0 {
		p, err := placeFor("to", c.To)
		if err != nil {
			return nil, err
		}
		for i, l := range lines {
			if l.qty > l.received {
				takes = append(takes, take{i, l.qty - l.received, p})
			}
		}
	}
	asked := make([]int64, len(lines))
	for i, rl := range c.Lines {
		f := func(name string) string { return fieldf("lines[%d].%s", i, name) }
		j, err := findTransferLine(lines, rl, f)
		if err != nil {
			return nil, err
		}
		to, field := rl.To, f("to")
		if to == "" {
			to, field = c.To, "to"
		}
		p, err := placeFor(field, to)
		if err != nil {
			return nil, err
		}
		l := lines[j]
		asked[j] += rl.Qty
		if left := l.qty - l.received; asked[j] > left {
			return nil, app.FieldErrorf(f("qty"), "line %d (SKU %s%s) has %d in transit; %d cannot be received",
				l.lineNo, l.sku, lotText(l.lotCode), left, asked[j])
		}
		takes = append(takes, take{j, rl.Qty, p})
	}
	cmd := app.PostMovement{Kind: app.TransferIn, IdempotencyKey: key, UserID: c.UserID,
		Reference: &app.Reference{Type: "transfer", ID: h.number}, Note: "transfer " + h.number + " from " + h.from}
	for _, t := range takes {
		l := lines[t.line]
		cmd.Lines = append(cmd.Lines, app.MovementLine{SKU: l.sku, Qty: t.qty, To: t.place.Code, Lot: lotRefOf(l.lotCode)})
	}
	m, err := tx.postHashed(cmd, reqHash)
	if err != nil {
		return nil, err
	}
	left := int64(0)
	for _, l := range lines {
		left += l.qty - l.received
	}
	for _, t := range takes {
		left -= t.qty
		if _, err := tx.exec(`UPDATE transfer_lines SET received_qty = received_qty + ?, to_location_id = ? WHERE id = ?`,
			t.qty, t.place.ID, lines[t.line].id); err != nil {
			return nil, err
		}
	}
	if left == 0 {
		_, err = tx.exec(`UPDATE transfers SET status = 'received', receive_movement_id = ?, received_at = ? WHERE id = ?`, m.ID, ms(tx.Now), h.id)
	} else {
		_, err = tx.exec(`UPDATE transfers SET receive_movement_id = ? WHERE id = ?`, m.ID, h.id)
	}
	return false, err
}

// findTransferLine finds the line a receipt line names: by number, or by
// SKU and lot when that names exactly one line.
func findTransferLine(lines []transferLine, rl app.ReceiveTransferLine, f func(string) string) (int, error) {
	if rl.Line != 0 {
		for j, l := range lines {
			if l.lineNo == rl.Line {
				if rl.SKU != "" && !strings.EqualFold(rl.SKU, l.sku) {
					return 0, app.FieldErrorf(f("sku"), "line %d is SKU %s, not %s", l.lineNo, l.sku, rl.SKU)
				}
				return j, nil
			}
		}
		return 0, app.FieldErrorf(f("line"), "the transfer has no line %d (it has %d lines)", rl.Line, len(lines))
	}
	found := -1
	for j, l := range lines {
		if strings.EqualFold(l.sku, rl.SKU) && (rl.Lot == "" || strings.EqualFold(l.lotCode, rl.Lot)) {
			if found >= 0 {
				return 0, app.FieldErrorf(f("line"), "SKU %s%s is on lines %d and %d; give the line number", rl.SKU, lotText(rl.Lot), lines[found].lineNo, l.lineNo)
			}
			found = j
		}
	}
	if found < 0 {
		return 0, app.FieldErrorf(f("sku"), "the transfer has no line of SKU %s%s", rl.SKU, lotText(rl.Lot))
	}
	return found, nil
}

func lotText(lot string) string {
	if lot == "" {
		return ""
	}
	return " lot " + lot
}

// seenKey reports whether a movement with key was posted before with the
// same request (a replay); the key with another request is a conflict.
func (tx *Tx) seenKey(key string, reqHash []byte) (bool, error) {
	var id int64
	var seen []byte
	switch err := tx.queryRow(`SELECT id, request_hash FROM movements WHERE idempotency_key = ?`, []any{key}, &id, &seen); {
	case err == sql.ErrNoRows:
		return false, nil
	case err != nil:
		return false, err
	case string(seen) != string(reqHash):
		return false, &app.Error{Code: app.ECONFLICT, Field: "idempotency_key",
			Message: "this idempotency key was already used for a different receipt (movement " + itoa(id) + ")"}
	}
	return true, nil
}

// postHashed posts cmd like post, storing reqHash (the fingerprint of the
// document command that caused it) as the movement's request hash, so a
// repeated document command is recognized by seenKey even when the
// movement it would build now differs (less is left in transit).
func (tx *Tx) postHashed(cmd app.PostMovement, reqHash []byte) (*app.Movement, error) {
	if err := cmd.Validate(tx.Now); err != nil {
		return nil, err
	}
	if err := cmd.FillSides(); err != nil {
		return nil, err
	}
	v, err := tx.postMovement(&cmd, reqHash)
	if err != nil {
		return nil, err
	}
	m, ok := v.(*app.Movement)
	if !ok {
		return nil, app.Errorf(app.ECONFLICT, "movement %s was posted before", cmd.IdempotencyKey)
	}
	return m, nil
}
