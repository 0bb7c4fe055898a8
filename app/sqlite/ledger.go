package sqlite

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"

	"depot/app"
)

// PostMovement appends one movement to the ledger and changes the levels in
// the same transaction. It returns the movement and whether it is a replay: a
// command whose idempotency key was seen before returns the first result and
// writes nothing; the same key with a different command is a conflict.
//
// Errors: invalid (the field says which), not_found (unknown SKU, location,
// lot or movement), conflict (not enough stock, lot not shippable, key reused,
// already reversed), unavailable.
func (db *DB) PostMovement(ctx context.Context, cmd app.PostMovement) (*app.Movement, bool, error) {
	if err := cmd.Validate(db.now()); err != nil {
		return nil, false, err
	}
	if err := cmd.FillSides(); err != nil {
		return nil, false, err
	}
	reqHash, err := requestHash(&cmd)
	if err != nil {
		return nil, false, err
	}
	v, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		return tx.postMovement(&cmd, reqHash)
	})
	if err != nil {
		return nil, false, err
	}
	if id, ok := v.(replayed); ok {
		m, err := db.Movement(ctx, int64(id))
		return m, true, err
	}
	return v.(*app.Movement), false, nil
}

// requestHash is the fingerprint of a command stored with its key. It
// covers the command and who posts it: the same key from another user is a
// conflict, not a replay of someone else's work.
func requestHash(cmd *app.PostMovement) ([]byte, error) {
	body, err := json.Marshal(struct {
		app.PostMovement
		UserID int64 `json:"user_id"`
	}{*cmd, cmd.UserID})
	if err != nil {
		return nil, err
	}
	h := sha256.Sum256(body)
	return h[:], nil
}

// replayed is the result of a command whose key was already posted.
type replayed int64

func (tx *Tx) postMovement(cmd *app.PostMovement, reqHash []byte) (any, error) {
	var id int64
	var seen []byte
	err := tx.queryRow(`SELECT id, request_hash FROM movements WHERE idempotency_key = ?`, []any{cmd.IdempotencyKey}, &id, &seen)
	switch {
	case err == nil && bytes.Equal(seen, reqHash):
		return replayed(id), nil
	case err == nil:
		return nil, &app.Error{Code: app.ECONFLICT, Field: "idempotency_key",
			Message: "this idempotency key was already used for a different movement (id " + itoa(id) + ")"}
	case err != sql.ErrNoRows:
		return nil, err
	}

	var legs []app.Leg
	switch cmd.Kind {
	case app.Count:
		legs, err = tx.countLegs(cmd)
	case app.Reversal:
		legs, err = tx.reversalLegs(cmd)
	default:
		legs, err = tx.lineLegs(cmd)
	}
	if err != nil {
		return nil, err
	}
	if cmd.Kind != app.Count && len(legs) == 0 {
		return nil, app.FieldErrorf("lines", "the movement has no legs")
	}

	m := &app.Movement{
		ID: tx.w.nextID, Kind: cmd.Kind, IdempotencyKey: cmd.IdempotencyKey, Reference: cmd.Reference,
		Reason: cmd.Reason, Note: cmd.Note, Reverses: cmd.Reverses, PostedAt: tx.Now, EffectiveAt: tx.Now, Legs: legs,
	}
	if cmd.EffectiveAt != nil {
		m.EffectiveAt = cmd.EffectiveAt.UTC().Truncate(time.Millisecond)
	}
	if cmd.UserID != 0 {
		if err := tx.queryRow(`SELECT username FROM users WHERE id = ?`, []any{cmd.UserID}, &m.User); err != nil {
			return nil, err
		}
	}
	in := chainInput{
		ID: m.ID, Kind: string(m.Kind), Key: m.IdempotencyKey, RequestHash: reqHash,
		Reason: m.Reason, Note: m.Note, Reverses: m.Reverses, UserID: cmd.UserID,
		PostedAt: ms(m.PostedAt), EffectiveAt: ms(m.EffectiveAt), Legs: legsText(legs),
	}
	if m.Reference != nil {
		in.RefType, in.RefID = m.Reference.Type, m.Reference.ID
	}
	hash, _ := chainHash(nil, tx.w.lastHash[:], &in)
	_, err = tx.exec(`INSERT INTO movements (id, kind, idempotency_key, request_hash, reference_type, reference_id,
		reason, note, reverses_id, user_id, posted_at, effective_at, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		in.ID, in.Kind, in.Key, reqHash, null(in.RefType), null(in.RefID), null(in.Reason), null(in.Note),
		nullID(in.Reverses), nullID(in.UserID), in.PostedAt, in.EffectiveAt, tx.w.lastHash[:], hash[:])
	if err != nil {
		return nil, err
	}
	for i := range legs {
		if err := tx.appendLeg(m.ID, &legs[i], cmd.Kind); err != nil {
			return nil, err
		}
	}
	tx.w.lastHash = hash
	tx.w.nextID++
	m.Hash = hex.EncodeToString(hash[:])
	return m, nil
}

// appendLeg inserts the leg and changes its level: update first, insert only
// when the row is missing (an UPSERT would trip CHECK(on_hand >= 0) on every
// negative delta, since SQLite checks the would-be inserted row first).
func (tx *Tx) appendLeg(movementID int64, l *app.Leg, kind app.MovementKind) error {
	if _, err := tx.exec(`INSERT INTO inventory_transactions (movement_id, variant_id, location_id, lot_id, qty)
		VALUES (?, ?, ?, ?, ?)`, movementID, l.VariantID, l.LocationID, nullID(l.LotID), l.Qty); err != nil {
		return err
	}
	res, err := tx.exec(`UPDATE inventory_levels SET on_hand = on_hand + ?
		WHERE variant_id = ? AND location_id = ? AND lot_id = ?`, l.Qty, l.VariantID, l.LocationID, l.LotID)
	if err == nil {
		var n int64
		if n, err = res.RowsAffected(); err == nil && n == 0 {
			_, err = tx.exec(`INSERT INTO inventory_levels (variant_id, location_id, lot_id, physical, on_hand)
				VALUES (?, ?, ?, ?, ?)`, l.VariantID, l.LocationID, l.LotID, boolInt(l.Physical), l.Qty)
		}
	}
	if isConstraint(err, sqlite3.ErrConstraintCheck) {
		return tx.shortage(l, kind)
	}
	if err == nil && l.Qty < 0 && l.Physical && (kind == app.Move || kind == app.Ship || kind == app.TransferOut) {
		err = tx.keepReserved(l)
	}
	return err
}

// keepReserved refuses a move, ship or transfer_out that takes stock
// reserved for orders: on hand may not fall below reserved there. Picking and packing release
// the reservation in the same command before they move the stock. Counts
// and adjustments record what is physically true and are not refused; a
// reservation they leave uncovered is found when the pick comes up short.
func (tx *Tx) keepReserved(l *app.Leg) error {
	var onHand, reserved int64
	err := tx.queryRow(`SELECT on_hand, reserved FROM inventory_levels WHERE variant_id = ? AND location_id = ? AND lot_id = ?`,
		[]any{l.VariantID, l.LocationID, l.LotID}, &onHand, &reserved)
	if err != nil || onHand >= reserved {
		return err
	}
	what := "SKU " + l.SKU
	if l.Lot != "" {
		what += " lot " + l.Lot
	}
	return &app.Error{Code: app.ECONFLICT, Field: fieldf("lines[%d].qty", l.Line),
		Message: "not enough available: " + what + " at " + l.Location + " has " + itoa(onHand-l.Qty) +
			" on hand of which " + itoa(reserved) + " reserved for orders; the movement takes " + itoa(-l.Qty)}
}

// shortage explains a leg that would take a physical location below zero.
func (tx *Tx) shortage(l *app.Leg, kind app.MovementKind) error {
	var onHand int64
	err := tx.queryRow(`SELECT on_hand FROM inventory_levels WHERE variant_id = ? AND location_id = ? AND lot_id = ?`,
		[]any{l.VariantID, l.LocationID, l.LotID}, &onHand)
	if err != nil && err != sql.ErrNoRows {
		return err
	}
	what := "SKU " + l.SKU
	if l.Lot != "" {
		what += " lot " + l.Lot
	}
	field := fieldf("lines[%d].qty", l.Line)
	if kind == app.Reversal {
		field = "reverses"
	}
	return &app.Error{Code: app.ECONFLICT, Field: field,
		Message: "not enough stock: " + what + " at " + l.Location + " has " + itoa(onHand) +
			" on hand; the movement takes " + itoa(-l.Qty)}
}

// lineLegs resolves the lines of receive, move, ship, adjust and return.
func (tx *Tx) lineLegs(cmd *app.PostMovement) ([]app.Leg, error) {
	lines := make([]app.ResolvedLine, len(cmd.Lines))
	for i, l := range cmd.Lines {
		v, err := tx.variant(i, l.SKU)
		if err != nil {
			return nil, err
		}
		r := app.ResolvedLine{VariantID: v.id, SKU: v.sku, Qty: l.Qty}
		for _, side := range []struct {
			name, code string
			dst        **app.Place
		}{{"from", l.From, &r.From}, {"to", l.To, &r.To}} {
			if side.code == "" {
				continue
			}
			p, err := tx.place(fieldf("lines[%d].%s", i, side.name), side.code)
			if err != nil {
				return nil, err
			}
			*side.dst = p
		}
		lot, err := tx.lineLot(i, cmd.Kind, v, l.Lot)
		if err != nil {
			return nil, err
		}
		r.LotID, r.Lot = lot.id, lot.code
		lines[i] = r
	}
	return app.BuildLegs(cmd.Kind, lines)
}

// countLegs posts, per line, the difference between what was counted and
// what the ledger has, against the count location.
func (tx *Tx) countLegs(cmd *app.PostMovement) ([]app.Leg, error) {
	countLoc, err := tx.place("", app.LocCount)
	if err != nil {
		return nil, err
	}
	type key struct{ v, loc, lot int64 }
	seen := map[key]int{}
	var legs []app.Leg
	for i, l := range cmd.Lines {
		v, err := tx.variant(i, l.SKU)
		if err != nil {
			return nil, err
		}
		p, err := tx.place(fieldf("lines[%d].location", i), l.Location)
		if err != nil {
			return nil, err
		}
		if !p.Physical {
			return nil, app.FieldErrorf(fieldf("lines[%d].location", i), "%s is a virtual location; only physical locations are counted", p.Code)
		}
		lot, err := tx.lineLot(i, cmd.Kind, v, l.Lot)
		if err != nil {
			return nil, err
		}
		k := key{v.id, p.ID, lot.id}
		if j, dup := seen[k]; dup {
			return nil, app.FieldErrorf(fieldf("lines[%d]", i), "counts the same SKU, location and lot as lines[%d]", j)
		}
		seen[k] = i
		var onHand int64
		err = tx.queryRow(`SELECT on_hand FROM inventory_levels WHERE variant_id = ? AND location_id = ? AND lot_id = ?`,
			[]any{v.id, p.ID, lot.id}, &onHand)
		if err != nil && err != sql.ErrNoRows {
			return nil, err
		}
		diff := *l.Counted - onHand
		if diff == 0 {
			continue
		}
		leg := func(at *app.Place, qty int64) app.Leg {
			return app.Leg{SKU: v.sku, Location: at.Code, Lot: lot.code, Qty: qty, VariantID: v.id,
				LocationID: at.ID, LotID: lot.id, Physical: at.Physical, Line: i}
		}
		legs = append(legs, leg(countLoc, -diff), leg(p, diff))
	}
	return legs, nil
}

// reversalLegs negates the legs of the movement being reversed.
func (tx *Tx) reversalLegs(cmd *app.PostMovement) ([]app.Leg, error) {
	var kind string
	err := tx.QueryRow(`SELECT kind FROM movements WHERE id = ?`, cmd.Reverses).Scan(&kind)
	if err == sql.ErrNoRows {
		return nil, &app.Error{Code: app.ENOTFOUND, Field: "reverses", Message: "movement " + itoa(cmd.Reverses) + " does not exist"}
	}
	if err != nil {
		return nil, err
	}
	if kind == string(app.Reversal) {
		return nil, app.FieldErrorf("reverses", "movement %d is itself a reversal; post the original movement again instead", cmd.Reverses)
	}
	var by int64
	switch err := tx.QueryRow(`SELECT id FROM movements WHERE reverses_id = ?`, cmd.Reverses).Scan(&by); err {
	case nil:
		return nil, &app.Error{Code: app.ECONFLICT, Field: "reverses",
			Message: "movement " + itoa(cmd.Reverses) + " was already reversed by movement " + itoa(by)}
	case sql.ErrNoRows:
	default:
		return nil, err
	}
	rows, err := tx.Query(legsQuery, cmd.Reverses)
	if err != nil {
		return nil, err
	}
	legs, err := scanLegs(rows)
	if err != nil {
		return nil, err
	}
	for i := range legs {
		legs[i].Qty = -legs[i].Qty
	}
	return legs, nil
}

// legsQuery returns the legs of one movement in id order, for scanLegs.
const legsQuery = `SELECT t.variant_id, v.sku, t.location_id, l.code, k.physical,
		ifnull(t.lot_id, 0), ifnull(lo.code, ''), t.qty
	FROM inventory_transactions t
	JOIN variants v ON v.id = t.variant_id
	JOIN locations l ON l.id = t.location_id
	JOIN location_kinds k ON k.kind = l.kind
	LEFT JOIN lots lo ON lo.id = t.lot_id
	WHERE t.movement_id = ? ORDER BY t.id`

func scanLegs(rows *sql.Rows) ([]app.Leg, error) {
	defer rows.Close()
	var legs []app.Leg
	for rows.Next() {
		var l app.Leg
		if err := rows.Scan(&l.VariantID, &l.SKU, &l.LocationID, &l.Location, &l.Physical, &l.LotID, &l.Lot, &l.Qty); err != nil {
			return nil, err
		}
		legs = append(legs, l)
	}
	return legs, rows.Err()
}

type variantRef struct {
	id        int64
	sku       string
	trackLots bool
}

func (tx *Tx) variant(line int, sku string) (variantRef, error) {
	r, ok := tx.w.lookups.variant(sku)
	if !ok {
		r.v.sku = sku
		err := tx.queryRow(`SELECT id, sku, track_lots, archived FROM variants WHERE sku = ?`, []any{sku},
			&r.v.id, &r.v.sku, &r.v.trackLots, &r.archived)
		if err == sql.ErrNoRows {
			return variantRef{sku: sku}, &app.Error{Code: app.ENOTFOUND, Field: fieldf("lines[%d].sku", line), Message: "no variant has SKU " + quote(sku)}
		}
		if err != nil {
			return r.v, err
		}
		tx.w.lookups.addVariant(sku, r)
	}
	if r.archived {
		return r.v, app.FieldErrorf(fieldf("lines[%d].sku", line), "SKU %s is archived", sku)
	}
	return r.v, nil
}

func (tx *Tx) place(field, code string) (*app.Place, error) {
	r, ok := tx.w.lookups.place(code)
	if !ok {
		err := tx.queryRow(`SELECT l.id, l.code, k.physical, l.archived FROM locations l
		JOIN location_kinds k ON k.kind = l.kind WHERE l.code = ?`, []any{code}, &r.p.ID, &r.p.Code, &r.p.Physical, &r.archived)
		if err == sql.ErrNoRows {
			return nil, &app.Error{Code: app.ENOTFOUND, Field: field, Message: "no location has code " + quote(code)}
		}
		if err != nil {
			return &r.p, err
		}
		tx.w.lookups.addPlace(code, r)
	}
	if r.archived {
		return nil, app.FieldErrorf(field, "location %s is archived", r.p.Code)
	}
	p := r.p
	return &p, nil
}

type lotRef struct {
	id   int64
	code string
}

// lineLot finds the lot a line names, or creates it on a receipt. Variants
// that track lots need one on every line; others take none. Lots that are
// recalled, held, quarantined or expired cannot be shipped.
func (tx *Tx) lineLot(line int, kind app.MovementKind, v variantRef, ref *app.LotRef) (lotRef, error) {
	field := fieldf("lines[%d].lot", line)
	if ref == nil {
		if v.trackLots {
			return lotRef{}, app.FieldErrorf(field, "SKU %s is tracked by lot: give the lot code", v.sku)
		}
		return lotRef{}, nil
	}
	if !v.trackLots {
		return lotRef{}, app.FieldErrorf(field, "SKU %s is not tracked by lot: leave the lot out", v.sku)
	}
	var (
		lot      = lotRef{code: ref.Code}
		status   string
		expires  sql.NullString
		stateErr error
	)
	err := tx.queryRow(`SELECT id, status, expires_on FROM lots WHERE variant_id = ? AND code = ?`, []any{v.id, ref.Code},
		&lot.id, &status, &expires)
	switch {
	case err == sql.ErrNoRows && kind == app.Receive:
		res, err := tx.exec(`INSERT INTO lots (variant_id, code, expires_on, created_at) VALUES (?, ?, ?, ?)`,
			v.id, ref.Code, null(ref.ExpiresOn), ms(tx.Now))
		if err != nil {
			return lot, err
		}
		lot.id, err = res.LastInsertId()
		return lot, err
	case err == sql.ErrNoRows:
		return lot, &app.Error{Code: app.ENOTFOUND, Field: field + ".code", Message: "SKU " + v.sku + " has no lot " + quote(ref.Code)}
	case err != nil:
		return lot, err
	case ref.ExpiresOn != "" && expires.String != ref.ExpiresOn:
		return lot, app.FieldErrorf(field+".expires_on", "lot %s of SKU %s expires on %s, not %s", ref.Code, v.sku, orNone(expires.String), ref.ExpiresOn)
	case kind == app.Ship && status != "available":
		stateErr = &app.Error{Code: app.ECONFLICT, Field: field + ".code",
			Message: "lot " + ref.Code + " of SKU " + v.sku + " is " + status + " and cannot be shipped"}
	case kind == app.TransferOut && (status == "recalled" || status == "expired"):
		// A held or quarantined lot may go to another site (to a central
		// quarantine, say) and keeps its status there; a recalled or
		// expired one goes nowhere but out of stock.
		stateErr = &app.Error{Code: app.ECONFLICT, Field: field + ".code",
			Message: "lot " + ref.Code + " of SKU " + v.sku + " is " + status + " and cannot be transferred"}
	}
	return lot, stateErr
}

func orNone(s string) string {
	if s == "" {
		return "no date"
	}
	return s
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

func null(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func fieldf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
