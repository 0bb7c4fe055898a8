package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"depot/app"
	"depot/app/pickpath"
)

// taskRow is a pick task with what a confirmation checks and writes.
type taskRow struct {
	id, list, alloc, order, line int64
	variant, location, lot       int64
	qty, picked, allocQty        int64
	seq                          int64
	status, allocStatus, tote    string
	sku, bin, lotCode, lotExpiry string
	lotStatus                    string
	dest                         int64
	destCode                     string
}

func (tx *Tx) taskRow(id int64) (taskRow, error) {
	var t taskRow
	err := tx.QueryRow(`SELECT t.id, t.pick_list_id, t.allocation_id, t.order_id, a.order_line_id, t.variant_id, t.location_id,
			t.lot_id, t.qty, t.picked_qty, a.qty, t.seq, t.status, a.status, t.tote, v.sku, l.code, ifnull(lo.code, ''),
			ifnull(lo.expires_on, ''), ifnull(lo.status, ''), ifnull(p.destination_id, 0), ifnull(d.code, '')
		FROM pick_tasks t JOIN allocations a ON a.id = t.allocation_id JOIN variants v ON v.id = t.variant_id
		JOIN locations l ON l.id = t.location_id LEFT JOIN lots lo ON lo.id = t.lot_id AND t.lot_id <> 0
		JOIN pick_lists p ON p.id = t.pick_list_id LEFT JOIN locations d ON d.id = p.destination_id
		WHERE t.id = ?`, id).Scan(&t.id, &t.list, &t.alloc, &t.order, &t.line, &t.variant, &t.location,
		&t.lot, &t.qty, &t.picked, &t.allocQty, &t.seq, &t.status, &t.allocStatus, &t.tote, &t.sku, &t.bin, &t.lotCode,
		&t.lotExpiry, &t.lotStatus, &t.dest, &t.destCode)
	if err == sql.ErrNoRows {
		return t, app.Errorf(app.ENOTFOUND, "pick task %d does not exist", id)
	}
	return t, err
}

// startPick loads the task and checks that user holds its list and that
// the stop is still to pick. A lot that may no longer be picked (held,
// recalled) is refused unless short: a short pick of none of it is how the
// picker passes it on to another lot.
func (tx *Tx) startPick(taskID, user int64, short bool) (taskRow, error) {
	t, err := tx.taskRow(taskID)
	if err != nil {
		return t, err
	}
	st, err := tx.listState(t.list)
	if err != nil {
		return t, err
	}
	if err := st.heldBy(user); err != nil {
		return t, err
	}
	switch {
	case t.status != app.TaskOpen:
		return t, app.Errorf(app.ECONFLICT, "pick task %d is %s already: go to the next stop", t.id, t.status)
	case t.allocStatus != "open" || t.allocQty != t.qty-t.picked:
		// The allocation was cancelled or changed under the list (the
		// order was cancelled): nothing to pick here any more.
		return t, app.Errorf(app.ECONFLICT, "pick task %d no longer matches its allocation (%s): skip it and tell a manager", t.id, t.allocStatus)
	case t.dest == 0:
		return t, app.Errorf(app.ECONFLICT, "pick list %d has no destination for picked goods", t.list)
	case !short && t.lot != 0 && t.lotStatus != "available":
		return t, app.Errorf(app.ECONFLICT, "lot %s of %s is %s and may not be picked: leave it and report a short pick of 0", t.lotCode, t.sku, t.lotStatus)
	}
	return t, nil
}

// ConfirmPick checks the scans of a stop and picks the quantity in one
// writer command: the reservation leaves the bin, a move movement takes
// the units to the list's destination, the reservation follows them there,
// the allocation (or the part of it that was picked) becomes picked at the
// destination, and the task, the order line, the order and the list move
// on. The claim is renewed.
func (db *DB) ConfirmPick(ctx context.Context, c app.PickConfirm) (*app.PickResult, error) {
	c.Bin, c.SKU, c.Lot = strings.TrimSpace(c.Bin), strings.TrimSpace(c.SKU), strings.TrimSpace(c.Lot)
	v, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		t, err := tx.startPick(c.TaskID, c.UserID, false)
		if err != nil {
			return nil, err
		}
		if err := t.checkScans(c); err != nil {
			return nil, err
		}
		r := &app.PickResult{}
		if r.Movement, err = tx.pickQty(&t, c.Qty, c.UserID); err != nil {
			return nil, err
		}
		if err := tx.afterPick(&t, r, c.TTL); err != nil {
			return nil, err
		}
		return r, nil
	})
	if err != nil {
		return nil, err
	}
	r := v.(*app.PickResult)
	if r.Task, err = db.pickTask(ctx, c.TaskID); err != nil {
		return nil, err
	}
	return r, nil
}

// checkScans compares what the picker scanned with the stop.
func (t *taskRow) checkScans(c app.PickConfirm) error {
	left := t.qty - t.picked
	switch {
	case c.Seen != nil && *c.Seen != t.picked:
		return app.Errorf(app.ECONFLICT, "%d of this stop were picked since your screen showed it (now %d of %d): nothing was picked again",
			t.picked-*c.Seen, t.picked, t.qty)
	case c.Bin == "":
		return app.FieldErrorf("bin", "is required: scan bin %s", t.bin)
	case !strings.EqualFold(c.Bin, t.bin):
		return app.FieldErrorf("bin", "you scanned %s, but this stop is bin %s: go to %s", c.Bin, t.bin, t.bin)
	case c.SKU == "":
		return app.FieldErrorf("item", "is required: scan the item %s", t.sku)
	case !strings.EqualFold(c.SKU, t.sku):
		return app.FieldErrorf("item", "you scanned %s, but this stop is %s: take %s from %s", c.SKU, t.sku, t.sku, t.bin)
	case t.lot != 0 && c.Lot == "":
		return app.FieldErrorf("lot", "%s is tracked by lot: scan lot %s", t.sku, t.lotCode)
	case t.lot != 0 && !strings.EqualFold(c.Lot, t.lotCode):
		return app.FieldErrorf("lot", "lot %s is not the allocated lot: take lot %s", c.Lot, t.lotCode)
	case t.lot != 0 && c.ExpiresOn != "" && t.lotExpiry != "" && c.ExpiresOn != t.lotExpiry:
		return app.FieldErrorf("lot", "the label says lot %s expires %s, but lot %s expires %s: check the label and tell a manager",
			c.Lot, c.ExpiresOn, t.lotCode, t.lotExpiry)
	case c.Qty < 1:
		return app.FieldErrorf("qty", "must be at least 1")
	case c.Qty > left:
		return app.FieldErrorf("qty", "%d is more than the %d left at this stop", c.Qty, left)
	}
	return nil
}

// pickQty moves q units of the task's allocation to the destination, with
// their reservation, and records it on the allocation, task and line. It
// returns the movement's id.
func (tx *Tx) pickQty(t *taskRow, q, user int64) (int64, error) {
	if err := tx.reserve(t.variant, t.location, t.lot, -q); err != nil {
		return 0, err
	}
	line := app.MovementLine{SKU: t.sku, Qty: q, From: t.bin, To: t.destCode}
	if t.lot != 0 {
		line.Lot = &app.LotRef{Code: t.lotCode}
	}
	m, err := tx.post(app.PostMovement{Kind: app.Move, IdempotencyKey: fmt.Sprintf("pick-task-%d-%d", t.id, t.picked+q),
		Reference: &app.Reference{Type: "pick_list", ID: strconv.FormatInt(t.list, 10)},
		Note:      fmt.Sprintf("pick task %d, tote %s", t.id, t.tote), Lines: []app.MovementLine{line}, UserID: user})
	if err != nil {
		return 0, pickFieldErr(err)
	}
	if err := tx.reserve(t.variant, t.dest, t.lot, q); err != nil {
		return 0, err
	}
	if q == t.allocQty {
		_, err = tx.Exec(`UPDATE allocations SET status = 'picked', location_id = ? WHERE id = ?`, t.dest, t.alloc)
	} else {
		// Part of it: the picked units become their own allocation at the
		// destination, the rest stays open in the bin.
		if _, err = tx.Exec(`UPDATE allocations SET qty = qty - ? WHERE id = ?`, q, t.alloc); err == nil {
			_, err = tx.Exec(`INSERT INTO allocations (order_line_id, variant_id, location_id, lot_id, qty, status, created_at)
				VALUES (?, ?, ?, ?, ?, 'picked', ?)`, t.line, t.variant, t.dest, t.lot, q, ms(tx.Now))
		}
	}
	if err != nil {
		return 0, err
	}
	t.allocQty -= q
	t.picked += q
	if _, err := tx.Exec(`UPDATE pick_tasks SET picked_qty = ?, movement_id = ?, picked_by = ?, picked_at = ?,
			status = CASE WHEN ? = qty THEN 'picked' ELSE status END WHERE id = ?`,
		t.picked, m.ID, nullID(user), ms(tx.Now), t.picked, t.id); err != nil {
		return 0, err
	}
	if _, err := tx.Exec(`UPDATE sales_order_lines SET picked_qty = picked_qty + ? WHERE id = ?`, q, t.line); err != nil {
		return 0, err
	}
	return m.ID, nil
}

// pickFieldErr names the pick's fields in a movement's error.
func pickFieldErr(err error) error {
	e, ok := err.(*app.Error)
	if !ok || e.Field == "" {
		return err
	}
	c := *e
	c.Field = ""
	return &c
}

// afterPick moves the order and the list on after a stop changed: the
// order is picked when none of its allocations is open any more (back to
// released when nothing of it was picked: everything was backordered), the
// list done when none of its tasks is open; else the claim is renewed.
func (tx *Tx) afterPick(t *taskRow, r *app.PickResult, ttl time.Duration) error {
	var open, picked int64
	if err := tx.QueryRow(`SELECT ifnull(sum(a.status = 'open'), 0), ifnull(sum(a.status = 'picked'), 0)
		FROM sales_order_lines sl JOIN allocations a ON a.order_line_id = sl.id WHERE sl.order_id = ?`, t.order).Scan(&open, &picked); err != nil {
		return err
	}
	if open == 0 {
		to := "picked"
		if picked == 0 {
			to = "released"
		}
		res, err := tx.Exec(`UPDATE sales_orders SET status = ? WHERE id = ? AND status IN ('released', 'picking')`, to, t.order)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		r.OrderPicked = n == 1 && to == "picked"
	}
	var left int64
	if err := tx.QueryRow(`SELECT count(*) FROM pick_tasks WHERE pick_list_id = ? AND status = 'open'`, t.list).Scan(&left); err != nil {
		return err
	}
	if left == 0 {
		r.ListDone = true
		_, err := tx.Exec(`UPDATE pick_lists SET status = 'done', done_at = ?, claim_expires_at = NULL WHERE id = ?`, ms(tx.Now), t.list)
		return err
	}
	return tx.renewClaim(t.list, ttl)
}

// ShortPick records that the bin holds only s.Found of what is left at the
// stop, in one writer command: the found units are picked as by
// ConfirmPick; the rest's allocation is cancelled and its reservation
// released; the line is allocated again from other bins by the release's
// rules (reallocate), each new allocation a new stop of the same list and
// tote, and what cannot be allocated is backordered; the bin is flagged for
// a count.
func (db *DB) ShortPick(ctx context.Context, s app.PickShort) (*app.PickResult, error) {
	var added []int64
	v, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		added = added[:0]
		t, err := tx.startPick(s.TaskID, s.UserID, true)
		if err != nil {
			return nil, err
		}
		left := t.qty - t.picked
		if s.Found < 0 || s.Found >= left {
			return nil, app.FieldErrorf("found", "must be from 0 to %d: what is really in bin %s when less than the %d asked; confirm the pick when all are there",
				left-1, t.bin, left)
		}
		badLot := t.lot != 0 && t.lotStatus != "available"
		if badLot && s.Found > 0 {
			return nil, app.FieldErrorf("found", "lot %s is %s and may not be picked: report 0 found, and another lot is allocated", t.lotCode, t.lotStatus)
		}
		r := &app.PickResult{}
		if s.Found > 0 {
			if r.Movement, err = tx.pickQty(&t, s.Found, s.UserID); err != nil {
				return nil, err
			}
		}
		missing := left - s.Found
		if err := tx.reserve(t.variant, t.location, t.lot, -missing); err != nil {
			return nil, err
		}
		if _, err := tx.Exec(`UPDATE allocations SET status = 'cancelled' WHERE id = ?`, t.alloc); err != nil {
			return nil, err
		}
		if _, err := tx.Exec(`UPDATE pick_tasks SET status = 'short', picked_by = ?, picked_at = ? WHERE id = ?`,
			nullID(s.UserID), ms(tx.Now), t.id); err != nil {
			return nil, err
		}
		if added, err = tx.reallocateShort(&t, missing); err != nil {
			return nil, err
		}
		var got int64
		if err := tx.QueryRow(`SELECT ifnull(sum(qty), 0) FROM pick_tasks WHERE id IN (SELECT value FROM json_each(?))`,
			jsonIDs(added)).Scan(&got); err != nil {
			return nil, err
		}
		r.Backordered = missing - got
		if _, err := tx.Exec(`UPDATE sales_order_lines SET allocated_qty = allocated_qty - ?, backordered_qty = backordered_qty + ?
			WHERE id = ?`, r.Backordered, r.Backordered, t.line); err != nil {
			return nil, err
		}
		// A lot that may not be picked is no miscount: no count request.
		if !badLot {
			if r.CountRequest, err = tx.flagCount(&t, s, missing); err != nil {
				return nil, err
			}
		}
		if err := tx.afterPick(&t, r, s.TTL); err != nil {
			return nil, err
		}
		return r, nil
	})
	if err != nil {
		return nil, err
	}
	r := v.(*app.PickResult)
	if r.Task, err = db.pickTask(ctx, s.TaskID); err != nil {
		return nil, err
	}
	for _, id := range added {
		nt, err := db.pickTask(ctx, id)
		if err != nil {
			return nil, err
		}
		r.Reallocated = append(r.Reallocated, nt)
	}
	return r, nil
}

// flagCount raises a count request for the bin and variant, or returns
// the open one there is.
func (tx *Tx) flagCount(t *taskRow, s app.PickShort, missing int64) (int64, error) {
	var id int64
	err := tx.QueryRow(`SELECT id FROM count_requests WHERE location_id = ? AND variant_id = ? AND done_at IS NULL`,
		t.location, t.variant).Scan(&id)
	if err != sql.ErrNoRows {
		return id, err
	}
	reason := fmt.Sprintf("short pick: task %d of pick list %d found %d, %d missing", t.id, t.list, s.Found, missing)
	res, err := tx.Exec(`INSERT INTO count_requests (location_id, variant_id, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
		t.location, t.variant, reason, nullID(s.UserID), ms(tx.Now))
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// reallocateShort allocates the missing units of a short stop again from
// other bins and writes each new allocation as a stop of the same list and
// tote; the list's open stops are put back in walk order after the short
// one. It returns the new tasks' ids.
func (tx *Tx) reallocateShort(t *taskRow, missing int64) ([]int64, error) {
	allocs, err := reallocate(tx, t.line, missing, t.location)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, a := range allocs {
		res, err := tx.Exec(`INSERT INTO pick_tasks (pick_list_id, seq, allocation_id, order_id, variant_id, location_id, lot_id, qty, tote)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, t.list, t.seq, a.id, t.order, t.variant, a.location, a.lot, a.qty, t.tote)
		if err != nil {
			return nil, err
		}
		id, err := res.LastInsertId()
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return ids, tx.resequence(t.list, t.seq)
}

// resequence puts the list's open stops in walk order, numbered after seq.
func (tx *Tx) resequence(list, after int64) error {
	walk, err := tx.loadWalk()
	if err != nil {
		return err
	}
	rows, err := tx.Query(`SELECT id, location_id FROM pick_tasks WHERE pick_list_id = ? AND status = 'open' ORDER BY seq, id`, list)
	if err != nil {
		return err
	}
	var ids []int64
	var stops []pickpath.Stop
	for rows.Next() {
		var id, loc int64
		if err := rows.Scan(&id, &loc); err != nil {
			rows.Close()
			return err
		}
		ids, stops = append(ids, id), append(stops, walk[loc].stop)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for n, i := range pickpath.Order(stops) {
		if _, err := tx.Exec(`UPDATE pick_tasks SET seq = ? WHERE id = ?`, after+1+int64(n), ids[i]); err != nil {
			return err
		}
	}
	return nil
}
