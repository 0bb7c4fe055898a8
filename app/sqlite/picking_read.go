package sqlite

import (
	"context"
	"database/sql"
	"time"

	"depot/app"
)

// pickListColumns reads an app.PickList without its stops (scanPickList).
const pickListColumns = `p.id, p.kind, p.status, p.name, ifnull(d.code, ''), ifnull(cu.username, ''),
	p.claimed_at, p.claim_expires_at, ifnull(bu.username, ''), p.created_at, p.done_at,
	(SELECT count(DISTINCT t.order_id) FROM pick_tasks t WHERE t.pick_list_id = p.id),
	(SELECT count(*) FROM pick_tasks t WHERE t.pick_list_id = p.id AND t.status <> 'cancelled'),
	(SELECT count(*) FROM pick_tasks t WHERE t.pick_list_id = p.id AND t.status = 'open')
	FROM pick_lists p LEFT JOIN locations d ON d.id = p.destination_id
	LEFT JOIN users cu ON cu.id = p.claimed_by LEFT JOIN users bu ON bu.id = p.created_by`

func scanPickList(sc interface{ Scan(...any) error }) (app.PickList, error) {
	var l app.PickList
	var claimedAt, expires, done sql.NullInt64
	var created int64
	err := sc.Scan(&l.ID, &l.Kind, &l.Status, &l.Name, &l.Destination, &l.ClaimedBy, &claimedAt, &expires,
		&l.CreatedBy, &created, &done, &l.Orders, &l.Tasks, &l.OpenTasks)
	l.CreatedAt = fromMs(created)
	l.ClaimedAt, l.ClaimExpiresAt, l.DoneAt = msPtr(claimedAt), msPtr(expires), msPtr(done)
	return l, err
}

func msPtr(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMs(v.Int64)
	return &t
}

// PickLists returns lists with the status (open and claimed for ""),
// newest first.
func (db *DB) PickLists(ctx context.Context, f app.PickListFilter) ([]app.PickList, error) {
	switch {
	case f.Limit <= 0:
		f.Limit = 100
	case f.Limit > 1000:
		f.Limit = 1000
	}
	where := `p.status IN ('open', 'claimed')`
	var args []any
	switch f.Status {
	case "":
	case app.ListOpen, app.ListClaimed, app.ListDone, app.ListCancelled:
		where, args = `p.status = ?`, append(args, f.Status)
	default:
		return nil, app.FieldErrorf("status", "%q is not a pick list status: use open, claimed, done or cancelled", f.Status)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+pickListColumns+` WHERE `+where+` ORDER BY p.id DESC LIMIT `+itoa(int64(f.Limit)), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []app.PickList{}
	for rows.Next() {
		l, err := scanPickList(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// pickListsByID returns the lists with the ids, in that order, without
// their stops.
func (db *DB) pickListsByID(ctx context.Context, ids []int64) ([]app.PickList, error) {
	out := make([]app.PickList, 0, len(ids))
	for _, id := range ids {
		l, err := scanPickList(db.read.QueryRowContext(ctx, `SELECT `+pickListColumns+` WHERE p.id = ?`, id))
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

// PickList returns the list with its stops in walk order. Errors:
// not_found.
func (db *DB) PickList(ctx context.Context, id int64) (*app.PickList, error) {
	l, err := scanPickList(db.read.QueryRowContext(ctx, `SELECT `+pickListColumns+` WHERE p.id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, app.Errorf(app.ENOTFOUND, "pick list %d does not exist", id)
	}
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+pickTaskColumns+` WHERE t.pick_list_id = ? ORDER BY t.seq, t.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	l.Stops = []app.PickTask{}
	for rows.Next() {
		t, err := scanPickTask(rows)
		if err != nil {
			return nil, err
		}
		l.Stops = append(l.Stops, t)
	}
	return &l, rows.Err()
}

// pickTaskColumns reads an app.PickTask (scanPickTask).
const pickTaskColumns = `t.id, t.pick_list_id, t.seq, o.number, v.sku, p.name, l.code, ifnull(lo.code, ''),
	ifnull(lo.expires_on, ''), t.qty, t.picked_qty, t.tote, t.status, ifnull(u.username, ''), t.picked_at
	FROM pick_tasks t JOIN sales_orders o ON o.id = t.order_id JOIN variants v ON v.id = t.variant_id
	JOIN products p ON p.id = v.product_id JOIN locations l ON l.id = t.location_id
	LEFT JOIN lots lo ON lo.id = t.lot_id AND t.lot_id <> 0 LEFT JOIN users u ON u.id = t.picked_by`

func scanPickTask(sc interface{ Scan(...any) error }) (app.PickTask, error) {
	var t app.PickTask
	var at sql.NullInt64
	err := sc.Scan(&t.ID, &t.ListID, &t.Seq, &t.Order, &t.SKU, &t.Product, &t.Location, &t.Lot, &t.LotExpiresOn,
		&t.Qty, &t.PickedQty, &t.Tote, &t.Status, &t.PickedBy, &at)
	t.PickedAt = msPtr(at)
	return t, err
}

// pickTask returns one task as the API shows it. Errors: not_found.
func (db *DB) pickTask(ctx context.Context, id int64) (app.PickTask, error) {
	t, err := scanPickTask(db.read.QueryRowContext(ctx, `SELECT `+pickTaskColumns+` WHERE t.id = ?`, id))
	if err == sql.ErrNoRows {
		return t, app.Errorf(app.ENOTFOUND, "pick task %d does not exist", id)
	}
	return t, err
}

// CountRequests returns the open count requests, oldest first.
func (db *DB) CountRequests(ctx context.Context) ([]app.CountRequest, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT c.id, l.code, ifnull(v.sku, ''), c.reason, ifnull(u.username, ''), c.created_at
		FROM count_requests c JOIN locations l ON l.id = c.location_id
		LEFT JOIN variants v ON v.id = c.variant_id LEFT JOIN users u ON u.id = c.created_by
		WHERE c.done_at IS NULL ORDER BY c.id LIMIT 500`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []app.CountRequest{}
	for rows.Next() {
		var c app.CountRequest
		var at int64
		if err := rows.Scan(&c.ID, &c.Location, &c.SKU, &c.Reason, &c.CreatedBy, &at); err != nil {
			return nil, err
		}
		c.CreatedAt = fromMs(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// HeldPickList returns the list the user holds, with its stops, or nil: a
// claim of the user's that expired still counts while nobody has taken
// the list.
func (db *DB) HeldPickList(ctx context.Context, userID int64) (*app.PickList, error) {
	var id int64
	err := db.read.QueryRowContext(ctx, `SELECT id FROM pick_lists WHERE status = 'claimed' AND claimed_by = ? ORDER BY id LIMIT 1`, userID).Scan(&id)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return db.PickList(ctx, id)
}

// CountRequestsDone closes the open count requests of the place.
func (db *DB) CountRequestsDone(ctx context.Context, location string) (int64, error) {
	v, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		res, err := tx.Exec(`UPDATE count_requests SET done_at = ? WHERE done_at IS NULL
			AND location_id = (SELECT id FROM locations WHERE code = ?)`, ms(tx.Now), location)
		if err != nil {
			return nil, err
		}
		return res.RowsAffected()
	})
	if err != nil {
		return 0, err
	}
	return v.(int64), nil
}
