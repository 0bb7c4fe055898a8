package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"sort"
	"strings"

	"depot/app"
)

// This file receives customer returns: one return movement from customer
// per return, each line to its bin or dock (restock), to a quarantine place
// (quarantine) or to adjustment (scrap), never more per SKU and lot than
// the shipment or order shipped less what came back before.

// ReceiveReturn receives a return; see app.ReturnService.
func (db *DB) ReceiveReturn(ctx context.Context, r app.NewReturn) (*app.CustomerReturn, bool, error) {
	if err := r.Validate(); err != nil {
		return nil, false, err
	}
	body, err := json.Marshal(struct {
		app.NewReturn
		UserID int64 `json:"user_id"`
	}{r, r.UserID})
	if err != nil {
		return nil, false, err
	}
	h := sha256.Sum256(body)
	v, err := db.w.Do(ctx, func(tx *Tx) (any, error) { return tx.receiveReturn(&r, h[:]) })
	if err != nil {
		return nil, false, err
	}
	res := v.(returnResult)
	ret, err := db.Return(ctx, res.id)
	return ret, res.replayed, err
}

type returnResult struct {
	id       int64
	replayed bool
}

// queryFn runs a query on the writer's transaction or on the read pool.
type queryFn func(query string, args ...any) (*sql.Rows, error)

// shippedKey is a variant and lot (0: no lot).
type shippedKey struct{ v, lot int64 }

// shippedLine is what a shipment or order shipped of one variant and lot,
// and what came back of it.
type shippedLine struct {
	sku, lot          string
	shipped, returned int64
}

// shippedSet is a shipment's or an order's shipped lines, in SKU and lot
// order.
type shippedSet struct {
	what  string // "shipment 12", "order SO-1": for messages
	lines map[shippedKey]*shippedLine
	keys  []shippedKey
}

// shippedBy reads what the shipment (by "shipment") or every shipped
// shipment of the order (by "order") put at customer, and what returns
// against it took back.
func shippedBy(q queryFn, by string, id int64, what string) (*shippedSet, error) {
	cond, retCond := `s.id = ?`, `r.shipment_id = ?`
	if by == "order" {
		cond, retCond = `s.order_id = ? AND s.status = 'shipped'`, `r.order_id = ?`
	}
	set := &shippedSet{what: what, lines: map[shippedKey]*shippedLine{}}
	// CROSS JOIN keeps the shipments outermost: the planner would
	// otherwise read every leg at customer (the whole shipping history)
	// and then look for the shipment.
	rows, err := q(`SELECT t.variant_id, ifnull(t.lot_id, 0), v.sku, ifnull(lo.code, ''), sum(t.qty)
		FROM shipments s CROSS JOIN inventory_transactions t ON t.movement_id = s.movement_id
		JOIN variants v ON v.id = t.variant_id LEFT JOIN lots lo ON lo.id = t.lot_id
		WHERE `+cond+` AND t.location_id = (SELECT id FROM locations WHERE code = 'customer')
		GROUP BY t.variant_id, t.lot_id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k shippedKey
		l := &shippedLine{}
		if err := rows.Scan(&k.v, &k.lot, &l.sku, &l.lot, &l.shipped); err != nil {
			return nil, err
		}
		set.lines[k], set.keys = l, append(set.keys, k)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	rows, err = q(`SELECT rl.variant_id, ifnull(rl.lot_id, 0), sum(rl.qty) FROM return_lines rl
		JOIN returns r ON r.id = rl.return_id WHERE `+retCond+` GROUP BY rl.variant_id, rl.lot_id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k shippedKey
		var n int64
		if err := rows.Scan(&k.v, &k.lot, &n); err != nil {
			return nil, err
		}
		if l := set.lines[k]; l != nil {
			l.returned += n
		}
	}
	sort.Slice(set.keys, func(i, j int) bool {
		a, b := set.lines[set.keys[i]], set.lines[set.keys[j]]
		return a.sku < b.sku || (a.sku == b.sku && a.lot < b.lot)
	})
	return set, rows.Err()
}

// returnSource is what a return is against: a shipment (with its order,
// when it has one) or an order.
type returnSource struct {
	shipment, order   int64
	tracking, orderNo string
	sets              []*shippedSet // the shipment's, then the order's
}

func (tx *Tx) returnSource(r *app.NewReturn) (*returnSource, error) {
	src := &returnSource{}
	if r.Order != "" {
		err := tx.queryRow(`SELECT id, number FROM sales_orders WHERE number = ?`, []any{r.Order}, &src.order, &src.orderNo)
		if err == sql.ErrNoRows {
			return nil, &app.Error{Code: app.ENOTFOUND, Field: "order", Message: "no order has number " + quote(r.Order)}
		}
		if err != nil {
			return nil, err
		}
	} else {
		field, cond, arg := "shipment", `s.id = ?`, any(r.Shipment)
		if r.Tracking != "" {
			field, cond, arg = "tracking", `s.tracking = ?`, r.Tracking
		}
		rows, err := tx.Query(`SELECT s.id, s.status, ifnull(s.movement_id, 0), ifnull(s.tracking, ''), ifnull(s.order_id, 0),
				ifnull(o.number, ''), ifnull(t.number, '')
			FROM shipments s LEFT JOIN sales_orders o ON o.id = s.order_id LEFT JOIN transfers t ON t.id = s.transfer_id
			WHERE `+cond+` ORDER BY s.status = 'shipped' DESC, s.id DESC LIMIT 1`, arg)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		if !rows.Next() {
			if err := rows.Err(); err != nil {
				return nil, err
			}
			return nil, &app.Error{Code: app.ENOTFOUND, Field: field, Message: "no shipment has " + field + " " + quote(clipCode(r.Tracking, r.Shipment))}
		}
		var status, transfer string
		var movement int64
		if err := rows.Scan(&src.shipment, &status, &movement, &src.tracking, &src.order, &src.orderNo, &transfer); err != nil {
			return nil, err
		}
		rows.Close()
		switch {
		case transfer != "":
			return nil, app.FieldErrorf(field, "shipment %d carried transfer %s, not an order; receive it on the transfer", src.shipment, transfer)
		case status != "shipped" || movement == 0:
			return nil, &app.Error{Code: app.ECONFLICT, Field: field, Message: "shipment " + itoa(src.shipment) + " is " + status + ", not shipped: nothing of it can come back"}
		}
		set, err := shippedBy(tx.Query, "shipment", src.shipment, "shipment "+itoa(src.shipment))
		if err != nil {
			return nil, err
		}
		src.sets = append(src.sets, set)
	}
	if src.order != 0 {
		set, err := shippedBy(tx.Query, "order", src.order, "order "+src.orderNo)
		if err != nil {
			return nil, err
		}
		src.sets = append(src.sets, set)
	}
	return src, nil
}

func clipCode(tracking string, id int64) string {
	if tracking != "" {
		return tracking
	}
	return itoa(id)
}

// receiveReturn checks the return against what was shipped, writes it and
// posts its movement.
func (tx *Tx) receiveReturn(r *app.NewReturn, reqHash []byte) (any, error) {
	var id int64
	var seen []byte
	switch err := tx.queryRow(`SELECT id, request_hash FROM returns WHERE idempotency_key = ?`, []any{r.IdempotencyKey}, &id, &seen); {
	case err == nil && string(seen) == string(reqHash):
		return returnResult{id: id, replayed: true}, nil
	case err == nil:
		return nil, &app.Error{Code: app.ECONFLICT, Field: "idempotency_key", Message: "this idempotency key was already used for a different return (return " + itoa(id) + ")"}
	case err != sql.ErrNoRows:
		return nil, err
	}
	src, err := tx.returnSource(r)
	if err != nil {
		return nil, err
	}
	main := src.sets[0]
	type lineRow struct {
		variant, lot, location int64
		sku, lotCode, place    string
	}
	rows := make([]lineRow, len(r.Lines))
	asked := map[shippedKey]int64{}
	for i, l := range r.Lines {
		f := func(name string) string { return fieldf("lines[%d].%s", i, name) }
		v, err := tx.variant(i, l.SKU)
		if err != nil {
			return nil, err
		}
		k := shippedKey{v: v.id}
		lotCode := ""
		switch {
		case l.Lot != "":
			lot, err := tx.lineLot(i, app.Return, v, &app.LotRef{Code: l.Lot})
			if err != nil {
				return nil, err
			}
			k.lot, lotCode = lot.id, lot.code
		case v.trackLots:
			if k.lot, lotCode, err = onlyLot(main, v, f("lot")); err != nil {
				return nil, err
			}
		}
		asked[k] += l.Qty
		for _, set := range src.sets {
			if err := set.allows(k, v.sku, lotCode, asked[k], f); err != nil {
				return nil, err
			}
		}
		p, err := tx.dispositionPlace(f("location"), l.Disposition, l.Location)
		if err != nil {
			return nil, err
		}
		rows[i] = lineRow{variant: v.id, lot: k.lot, location: p.ID, sku: v.sku, lotCode: lotCode, place: p.Code}
	}
	res, err := tx.exec(`INSERT INTO returns (shipment_id, order_id, idempotency_key, request_hash, note, user_id, received_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, nullID(src.shipment), nullID(src.order), r.IdempotencyKey, reqHash, r.Note, nullID(r.UserID), ms(tx.Now))
	if err != nil {
		return nil, err
	}
	if id, err = res.LastInsertId(); err != nil {
		return nil, err
	}
	ref := "return " + itoa(id) + " of " + src.sets[0].what
	if r.Note != "" {
		ref += ": " + r.Note
	}
	cmd := app.PostMovement{Kind: app.Return, IdempotencyKey: "return-" + itoa(id), UserID: r.UserID,
		Reference: &app.Reference{Type: "return", ID: itoa(id)}, Note: clipNote(ref)}
	for i, row := range rows {
		cmd.Lines = append(cmd.Lines, app.MovementLine{SKU: row.sku, Qty: r.Lines[i].Qty, To: row.place, Lot: lotRefOf(row.lotCode)})
	}
	m, err := tx.post(cmd)
	if err != nil {
		return nil, err
	}
	for i, row := range rows {
		if _, err := tx.exec(`INSERT INTO return_lines (return_id, variant_id, lot_id, qty, disposition, location_id, movement_id)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, id, row.variant, nullID(row.lot), r.Lines[i].Qty, r.Lines[i].Disposition, row.location, m.ID); err != nil {
			return nil, err
		}
	}
	return returnResult{id: id}, nil
}

func clipNote(s string) string {
	if r := []rune(s); len(r) > 1000 {
		return string(r[:1000])
	}
	return s
}

// allows checks that n units of k may come back against the set.
func (s *shippedSet) allows(k shippedKey, sku, lot string, n int64, f func(string) string) error {
	l := s.lines[k]
	if l == nil {
		var lots []string
		for _, o := range s.keys {
			if o.v == k.v && s.lines[o].lot != "" {
				lots = append(lots, s.lines[o].lot)
			}
		}
		if lot != "" && len(lots) > 0 {
			return app.FieldErrorf(f("lot"), "lot %s of SKU %s was not shipped on %s; it shipped lot %s", lot, sku, s.what, strings.Join(lots, ", "))
		}
		return app.FieldErrorf(f("sku"), "SKU %s was not shipped on %s", sku, s.what)
	}
	if left := l.shipped - l.returned; n > left {
		return app.FieldErrorf(f("qty"), "%s shipped %d of SKU %s%s and %d came back before; %d cannot come back",
			s.what, l.shipped, sku, lotText(lot), l.returned, n)
	}
	return nil
}

// onlyLot is the lot of a lot-tracked variant when the set shipped one lot
// of it; otherwise the line must name it.
func onlyLot(s *shippedSet, v variantRef, field string) (int64, string, error) {
	var found []shippedKey
	var codes []string
	for _, k := range s.keys {
		if k.v == v.id {
			found, codes = append(found, k), append(codes, s.lines[k].lot)
		}
	}
	switch len(found) {
	case 1:
		return found[0].lot, s.lines[found[0]].lot, nil
	case 0:
		return 0, "", app.FieldErrorf(fieldf("%s", strings.TrimSuffix(field, ".lot")+".sku"), "SKU %s was not shipped on %s", v.sku, s.what)
	}
	return 0, "", app.FieldErrorf(field, "SKU %s is tracked by lot and %s shipped lots %s: give the lot", v.sku, s.what, strings.Join(codes, ", "))
}

// dispositionPlace is where a returned line goes.
func (tx *Tx) dispositionPlace(field, disposition, code string) (*app.Place, error) {
	if disposition == app.Scrap {
		return tx.place(field, app.LocAdjustment)
	}
	if code == "" { // quarantine with no place given: the only one there is
		places, err := tx.quarantinePlaces()
		if err != nil {
			return nil, err
		}
		switch len(places) {
		case 0:
			return nil, app.FieldErrorf(field, "there is no quarantine place: mark a place with the attribute \"quarantine\": true")
		case 1:
			code = places[0]
		default:
			return nil, app.FieldErrorf(field, "give the quarantine place: one of %s", strings.Join(places, ", "))
		}
	}
	p, err := tx.place(field, code)
	if err != nil {
		return nil, err
	}
	if !p.Physical {
		return nil, app.FieldErrorf(field, "%s is a virtual location; give a bin, dock or quarantine place", p.Code)
	}
	var q bool
	if err := tx.queryRow(`SELECT ifnull(json_extract(attributes, '$.quarantine') = 1, 0) FROM locations WHERE id = ?`, []any{p.ID}, &q); err != nil {
		return nil, err
	}
	switch {
	case disposition == app.Quarantine && !q:
		return nil, app.FieldErrorf(field, "%s is not a quarantine place (a place with the attribute \"quarantine\": true)", p.Code)
	case disposition == app.Restock && q:
		return nil, app.FieldErrorf(field, "%s is a quarantine place; restocked goods go to a bin or dock (or choose quarantine)", p.Code)
	}
	return p, nil
}

const quarantineQuery = `SELECT code FROM locations WHERE json_extract(attributes, '$.quarantine') = 1 AND archived = 0 AND kind <> 'virtual' ORDER BY code`

func (tx *Tx) quarantinePlaces() ([]string, error) {
	rows, err := tx.Query(quarantineQuery)
	if err != nil {
		return nil, err
	}
	return scanStrings(rows)
}

func scanStrings(rows *sql.Rows) ([]string, error) {
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// QuarantinePlaces lists the quarantine places; see app.ReturnService.
func (db *DB) QuarantinePlaces(ctx context.Context) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, quarantineQuery)
	if err != nil {
		return nil, err
	}
	return scanStrings(rows)
}
