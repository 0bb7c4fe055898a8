package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"

	"depot/app"
)

// Transfer returns one transfer with its lines; see app.TransferService.
func (db *DB) Transfer(ctx context.Context, number string) (*app.Transfer, error) {
	t := &app.Transfer{ReceiveMovements: []int64{}, Lines: []app.TransferLine{}}
	var id, created int64
	var shipped, received, shipMovement sql.NullInt64
	err := db.read.QueryRowContext(ctx, `SELECT t.id, t.number, f.code, o.code, t.status, ifnull(u.username, ''),
			t.created_at, t.shipped_at, t.received_at, t.ship_movement_id
		FROM transfers t JOIN locations f ON f.id = t.from_site_id JOIN locations o ON o.id = t.to_site_id
		LEFT JOIN users u ON u.id = t.created_by WHERE t.number = ?`, number).
		Scan(&id, &t.Number, &t.From, &t.To, &t.Status, &t.CreatedBy, &created, &shipped, &received, &shipMovement)
	if err == sql.ErrNoRows {
		return nil, &app.Error{Code: app.ENOTFOUND, Field: "number", Message: "no transfer has number " + quote(number)}
	}
	if err != nil {
		return nil, err
	}
	t.CreatedAt, t.ShippedAt, t.ReceivedAt, t.ShipMovement = fromMs(created), optTime(shipped), optTime(received), shipMovement.Int64
	err = db.read.QueryRowContext(ctx, `SELECT carrier, service, ifnull(tracking, '') FROM shipments
		WHERE transfer_id = ? ORDER BY id DESC LIMIT 1`, id).Scan(&t.Carrier, &t.Service, &t.Tracking)
	if err != nil && err != sql.ErrNoRows {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT l.line_no, v.sku, ifnull(lo.code, ''), l.qty, p.code, ifnull(d.code, ''), l.received_qty
		FROM transfer_lines l JOIN variants v ON v.id = l.variant_id JOIN locations p ON p.id = l.from_location_id
		LEFT JOIN locations d ON d.id = l.to_location_id LEFT JOIN lots lo ON lo.id = l.lot_id
		WHERE l.transfer_id = ? ORDER BY l.line_no`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var l app.TransferLine
		if err := rows.Scan(&l.Line, &l.SKU, &l.Lot, &l.Qty, &l.From, &l.To, &l.Received); err != nil {
			return nil, err
		}
		if t.Status == app.TransferShipped {
			l.InTransit = l.Qty - l.Received
		}
		t.Lines = append(t.Lines, l)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	mrows, err := db.read.QueryContext(ctx, `SELECT id FROM movements
		WHERE reference_type = 'transfer' AND reference_id = ? AND kind = 'transfer_in' ORDER BY id`, t.Number)
	if err != nil {
		return nil, err
	}
	defer mrows.Close()
	for mrows.Next() {
		var mid int64
		if err := mrows.Scan(&mid); err != nil {
			return nil, err
		}
		t.ReceiveMovements = append(t.ReceiveMovements, mid)
	}
	return t, mrows.Err()
}

// Transfers lists transfers newest first; see app.TransferService.
func (db *DB) Transfers(ctx context.Context, f app.TransferFilter) ([]app.TransferSummary, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	if f.Limit <= 0 {
		f.Limit = 100
	} else if f.Limit > 1000 {
		f.Limit = 1000
	}
	where, args := "", []any{}
	if f.Status != "" {
		where, args = "WHERE t.status = ?", append(args, f.Status)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT t.number, fs.code, ts.code, t.status, t.created_at, t.shipped_at,
			(SELECT count(*) FROM transfer_lines l WHERE l.transfer_id = t.id),
			(SELECT ifnull(sum(l.qty), 0) FROM transfer_lines l WHERE l.transfer_id = t.id),
			(SELECT ifnull(sum(l.received_qty), 0) FROM transfer_lines l WHERE l.transfer_id = t.id)
		FROM transfers t JOIN locations fs ON fs.id = t.from_site_id JOIN locations ts ON ts.id = t.to_site_id
		`+where+` ORDER BY t.id DESC LIMIT `+itoa(int64(f.Limit)), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []app.TransferSummary{}
	for rows.Next() {
		var s app.TransferSummary
		var created int64
		var shipped sql.NullInt64
		if err := rows.Scan(&s.Number, &s.From, &s.To, &s.Status, &created, &shipped, &s.Lines, &s.Qty, &s.Received); err != nil {
			return nil, err
		}
		s.CreatedAt, s.ShippedAt = fromMs(created), optTime(shipped)
		if s.Status == app.TransferShipped {
			s.InTransit = s.Qty - s.Received
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// InTransit lists what is in transit per transfer, SKU and lot; see
// app.TransferService. The per-transfer figures come from the lines of
// shipped transfers (written in the same command as the movements); the
// transit location's levels are the ledger's total, and any part of them
// no transfer accounts for (a transfer_out posted by hand) is listed with
// an empty Transfer, so the rows always add up to the ledger.
func (db *DB) InTransit(ctx context.Context, sku string) ([]app.InTransit, error) {
	var variantID int64
	if sku != "" {
		id, err := db.variantID(ctx, sku)
		if err != nil {
			return nil, err
		}
		variantID = id
	}
	rows, err := db.read.QueryContext(ctx, `SELECT t.number, fs.code, ts.code, v.sku, l.variant_id, ifnull(l.lot_id, 0), ifnull(lo.code, ''),
			l.qty - l.received_qty, t.shipped_at
		FROM transfers t JOIN transfer_lines l ON l.transfer_id = t.id
		JOIN locations fs ON fs.id = t.from_site_id JOIN locations ts ON ts.id = t.to_site_id
		JOIN variants v ON v.id = l.variant_id LEFT JOIN lots lo ON lo.id = l.lot_id
		WHERE t.status = 'shipped' AND l.qty > l.received_qty AND (?1 = 0 OR l.variant_id = ?1)
		ORDER BY t.shipped_at, t.id, l.line_no`, variantID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type key struct{ v, lot int64 }
	byTransfers := map[key]int64{}
	out := []app.InTransit{}
	for rows.Next() {
		var it app.InTransit
		var k key
		var shipped sql.NullInt64
		if err := rows.Scan(&it.Transfer, &it.From, &it.To, &it.SKU, &k.v, &k.lot, &it.Lot, &it.Qty, &shipped); err != nil {
			return nil, err
		}
		it.ShippedAt = optTime(shipped)
		byTransfers[k] += it.Qty
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	lrows, err := db.read.QueryContext(ctx, `SELECT v.sku, il.variant_id, il.lot_id, ifnull(lo.code, ''), il.on_hand
		FROM inventory_levels il JOIN locations t ON t.id = il.location_id AND t.code = 'transit'
		JOIN variants v ON v.id = il.variant_id LEFT JOIN lots lo ON lo.id = il.lot_id
		WHERE il.on_hand <> 0 AND (?1 = 0 OR il.variant_id = ?1) ORDER BY v.sku, lo.code`, variantID)
	if err != nil {
		return nil, err
	}
	defer lrows.Close()
	for lrows.Next() {
		var it app.InTransit
		var k key
		if err := lrows.Scan(&it.SKU, &k.v, &k.lot, &it.Lot, &it.Qty); err != nil {
			return nil, err
		}
		if it.Qty -= byTransfers[k]; it.Qty != 0 {
			out = append(out, it)
		}
	}
	return out, lrows.Err()
}

// Sites lists the sites; see app.TransferService.
func (db *DB) Sites(ctx context.Context) ([]app.Location, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, code, name, kind, walk_seq, attributes FROM locations
		WHERE kind = 'site' AND archived = 0 ORDER BY walk_seq, code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []app.Location
	for rows.Next() {
		var l app.Location
		var attrs string
		if err := rows.Scan(&l.ID, &l.Code, &l.Name, &l.Kind, &l.WalkSeq, &attrs); err != nil {
			return nil, err
		}
		l.Attributes = json.RawMessage(attrs)
		out = append(out, l)
	}
	return out, rows.Err()
}
