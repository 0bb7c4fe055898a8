package sqlite

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"depot/app"
)

var _ app.LotService = (*DB)(nil)

// lotColumns reads an app.Lot (scanLot), with its on hand and reserved at
// physical places. "lot_id <> 0" lets the planner use the partial index
// levels_lot for a correlated lot id.
const lotColumns = `o.id, o.code, v.sku, p.name, ifnull(s.name, ''), ifnull(o.manufactured_on, ''),
	ifnull(o.expires_on, ''), ifnull(o.certificate_ref, ''), o.status, o.created_at,
	(SELECT ifnull(sum(on_hand), 0) FROM inventory_levels WHERE lot_id = o.id AND lot_id <> 0 AND physical = 1),
	(SELECT ifnull(sum(reserved), 0) FROM inventory_levels WHERE lot_id = o.id AND lot_id <> 0 AND physical = 1)
	FROM lots o` + lotJoins

const lotJoins = ` JOIN variants v ON v.id = o.variant_id JOIN products p ON p.id = v.product_id
	LEFT JOIN suppliers s ON s.id = o.supplier_id`

func scanLot(sc interface{ Scan(...any) error }) (app.Lot, error) {
	var l app.Lot
	var created int64
	err := sc.Scan(&l.ID, &l.Code, &l.SKU, &l.ProductName, &l.Supplier, &l.ManufacturedOn, &l.ExpiresOn,
		&l.CertificateRef, &l.Status, &created, &l.OnHand, &l.Reserved)
	l.CreatedAt = fromMs(created)
	return l, err
}

// Lots returns lots matching f, soonest expiry first (lots without an
// expiry last), at most f.Limit (default 200, at most 1000). Errors:
// invalid (status, expiring days), not_found (sku).
func (db *DB) Lots(ctx context.Context, f app.LotFilter) ([]app.Lot, error) {
	switch {
	case f.Limit <= 0:
		f.Limit = 200
	case f.Limit > 1000:
		f.Limit = 1000
	}
	var conds []string
	var args []any
	if f.SKU != "" {
		id, err := db.variantID(ctx, f.SKU)
		if err != nil {
			return nil, err
		}
		conds, args = append(conds, "o.variant_id = ?"), append(args, id)
	}
	if f.Status != "" {
		if !slices.Contains(app.LotStatuses, f.Status) {
			return nil, app.FieldErrorf("status", "%q is not a lot status: use available, quarantine, hold, recalled or expired", f.Status)
		}
		conds, args = append(conds, "o.status = ?"), append(args, string(f.Status))
	}
	if f.ExpiringDays != 0 {
		if f.ExpiringDays < 0 || f.ExpiringDays > 3650 {
			return nil, app.FieldErrorf("expiring", "must be a number of days from 1 to 3650")
		}
		last := f.Today.UTC().AddDate(0, 0, f.ExpiringDays).Format("2006-01-02")
		conds, args = append(conds, "o.expires_on IS NOT NULL AND o.expires_on <= ?"), append(args, last)
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	// The page of lot ids first, then their rows: joining and summing for
	// every lot that matches before the sort took most of the time.
	const order = ` ORDER BY o.expires_on IS NULL, o.expires_on, o.code, o.id`
	rows, err := db.read.QueryContext(ctx, `SELECT `+strings.Replace(lotColumns, `FROM lots o`,
		`FROM (SELECT o.id FROM lots o`+where+order+` LIMIT `+itoa(int64(f.Limit))+`) h CROSS JOIN lots o ON o.id = h.id`, 1)+order, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []app.Lot{}
	for rows.Next() {
		l, err := scanLot(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// Lot returns the lot with the id. Errors: not_found.
func (db *DB) Lot(ctx context.Context, id int64) (*app.Lot, error) {
	l, err := scanLot(db.read.QueryRowContext(ctx, `SELECT `+lotColumns+` WHERE o.id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, app.Errorf(app.ENOTFOUND, "lot %d does not exist", id)
	}
	if err != nil {
		return nil, err
	}
	return &l, nil
}

// LotLevels returns where the lot is: its non-zero levels at physical
// places, by place code.
func (db *DB) LotLevels(ctx context.Context, id int64) ([]app.Level, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT v.sku, l.code, o.code, lv.on_hand, lv.reserved
		FROM inventory_levels lv JOIN variants v ON v.id = lv.variant_id
		JOIN locations l ON l.id = lv.location_id JOIN lots o ON o.id = lv.lot_id
		WHERE lv.lot_id = ?1 AND lv.lot_id <> 0 AND lv.physical = 1 AND (lv.on_hand <> 0 OR lv.reserved <> 0)
		ORDER BY l.code`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []app.Level{}
	for rows.Next() {
		var l app.Level
		if err := rows.Scan(&l.SKU, &l.Location, &l.Lot, &l.OnHand, &l.Reserved); err != nil {
			return nil, err
		}
		l.Available = l.OnHand - l.Reserved
		out = append(out, l)
	}
	return out, rows.Err()
}

// LotHistory returns the lot's status changes, newest first.
func (db *DB) LotHistory(ctx context.Context, id int64) ([]app.LotStatusEvent, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT c.from_status, c.to_status, c.reason, ifnull(u.username, ''), c.changed_at
		FROM lot_status_changes c LEFT JOIN users u ON u.id = c.user_id
		WHERE c.lot_id = ? ORDER BY c.id DESC`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []app.LotStatusEvent{}
	for rows.Next() {
		var e app.LotStatusEvent
		var at int64
		if err := rows.Scan(&e.From, &e.To, &e.Reason, &e.User, &at); err != nil {
			return nil, err
		}
		e.At = fromMs(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// ChangeLotStatus holds, quarantines, releases or recalls a lot and
// records the change with who, when and why, in one transaction.
// Errors: invalid, not_found, conflict (app.LotAction.Allowed).
func (db *DB) ChangeLotStatus(ctx context.Context, c app.LotStatusChange) (*app.Lot, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	_, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		var code string
		var from app.LotStatus
		err := tx.QueryRow(`SELECT code, status FROM lots WHERE id = ?`, c.LotID).Scan(&code, &from)
		if err == sql.ErrNoRows {
			return nil, app.Errorf(app.ENOTFOUND, "lot %d does not exist", c.LotID)
		}
		if err != nil {
			return nil, err
		}
		if err := c.Action.Allowed(code, from); err != nil {
			return nil, err
		}
		if _, err := tx.Exec(`UPDATE lots SET status = ? WHERE id = ?`, string(c.Action.Target()), c.LotID); err != nil {
			return nil, err
		}
		_, err = tx.Exec(`INSERT INTO lot_status_changes (lot_id, from_status, to_status, reason, user_id, changed_at)
			VALUES (?, ?, ?, ?, ?, ?)`, c.LotID, string(from), string(c.Action.Target()), c.Reason, nullID(c.UserID), ms(tx.Now))
		return nil, err
	})
	if err != nil {
		return nil, err
	}
	return db.Lot(ctx, c.LotID)
}

// SetLotDetails sets the lot's manufacturing date and certificate
// reference ("" clears them). Errors: invalid, not_found.
func (db *DB) SetLotDetails(ctx context.Context, id int64, d app.LotDetails) (*app.Lot, error) {
	if err := d.Validate(db.now()); err != nil {
		return nil, err
	}
	_, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		res, err := tx.Exec(`UPDATE lots SET manufactured_on = ?, certificate_ref = ? WHERE id = ?`,
			null(d.ManufacturedOn), null(d.CertificateRef), id)
		if err != nil {
			return nil, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil, app.Errorf(app.ENOTFOUND, "lot %d does not exist", id)
		}
		return nil, nil
	})
	if err != nil {
		return nil, err
	}
	return db.Lot(ctx, id)
}
