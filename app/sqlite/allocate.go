package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"depot/app"
)

// This file reserves stock for sales orders: release (allocate every line),
// allocating backorders later, and cancel. Each order is one writer
// command, or one savepoint of a batch command (ReleaseOrders), so an
// order is allocated whole or not at all and two orders racing for the
// last units see each other's reservations.

// orderHead is what allocation needs of an order.
type orderHead struct {
	id       int64
	number   string
	status   app.OrderStatus
	siteID   int64
	minShelf int64 // the customer's minimum shelf life in days
}

func (tx *Tx) orderHead(number string) (orderHead, error) {
	var h orderHead
	var status string
	err := tx.queryRow(`SELECT o.id, o.number, o.status, ifnull(o.site_id, 0), ifnull(c.min_shelf_life_days, 0)
		FROM sales_orders o LEFT JOIN customers c ON c.id = o.customer_id WHERE o.number = ?`, []any{number},
		&h.id, &h.number, &status, &h.siteID, &h.minShelf)
	if err == sql.ErrNoRows {
		return h, &app.Error{Code: app.ENOTFOUND, Field: "number", Message: "no order has number " + quote(number)}
	}
	h.status = app.OrderStatus(status)
	return h, err
}

// orderLine is one line as allocation sees it.
type orderLine struct {
	id, variantID              int64
	sku                        string
	qty, allocated, backorders int64
}

func (tx *Tx) orderLines(orderID int64) ([]orderLine, error) {
	rows, err := tx.Query(`SELECT l.id, l.variant_id, v.sku, l.qty, l.allocated_qty, l.backordered_qty
		FROM sales_order_lines l JOIN variants v ON v.id = l.variant_id WHERE l.order_id = ? ORDER BY l.line_no`, orderID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []orderLine
	for rows.Next() {
		var l orderLine
		if err := rows.Scan(&l.id, &l.variantID, &l.sku, &l.qty, &l.allocated, &l.backorders); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// releaseOrder allocates every line of an open order and marks it
// released. An order released before is returned as it stands.
func (a *allocator) releaseOrder(number string) (*app.Release, error) {
	tx := a.tx
	h, err := tx.orderHead(number)
	if err != nil {
		return nil, err
	}
	switch h.status {
	case app.OrderOpen:
	case app.OrderCancelled:
		return nil, app.Errorf(app.ECONFLICT, "order %s is cancelled and cannot be released", h.number)
	default:
		return tx.releaseState(&h)
	}
	lines, err := tx.orderLines(h.id)
	if err != nil {
		return nil, err
	}
	rel := &app.Release{Order: h.number, Status: app.OrderReleased, Allocations: []app.ReleasedStock{}, Backorders: []app.BackorderedLine{}}
	for i := range lines {
		l := &lines[i]
		allocs, got, err := a.allocateLine(&h, l, l.qty)
		if err != nil {
			return nil, err
		}
		rel.Allocations = append(rel.Allocations, allocs...)
		if got < l.qty {
			rel.Backorders = append(rel.Backorders, app.BackorderedLine{SKU: l.sku, Qty: l.qty - got})
		}
		if _, err := tx.exec(`UPDATE sales_order_lines SET allocated_qty = ?, backordered_qty = ? WHERE id = ?`,
			got, l.qty-got, l.id); err != nil {
			return nil, err
		}
	}
	_, err = tx.exec(`UPDATE sales_orders SET status = 'released', released_at = ? WHERE id = ?`, ms(tx.Now), h.id)
	return rel, err
}

// releaseState is the release of an order released before: its open and
// picked allocations and its backorders.
func (tx *Tx) releaseState(h *orderHead) (*app.Release, error) {
	rel := &app.Release{Order: h.number, Status: h.status, Allocations: []app.ReleasedStock{}, Backorders: []app.BackorderedLine{}}
	rows, err := tx.Query(`SELECT v.sku, loc.code, ifnull(o.code, ''), a.qty
		FROM sales_order_lines l JOIN allocations a ON a.order_line_id = l.id
		JOIN variants v ON v.id = a.variant_id JOIN locations loc ON loc.id = a.location_id
		LEFT JOIN lots o ON o.id = a.lot_id AND a.lot_id <> 0
		WHERE l.order_id = ? AND a.status IN ('open', 'picked') ORDER BY l.line_no, a.id`, h.id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var a app.ReleasedStock
		if err := rows.Scan(&a.SKU, &a.Location, &a.Lot, &a.Qty); err != nil {
			return nil, err
		}
		rel.Allocations = append(rel.Allocations, a)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rel.Backorders, err = tx.backorders(h.id)
	return rel, err
}

func (tx *Tx) backorders(orderID int64) ([]app.BackorderedLine, error) {
	rows, err := tx.Query(`SELECT v.sku, l.backordered_qty FROM sales_order_lines l JOIN variants v ON v.id = l.variant_id
		WHERE l.order_id = ? AND l.backordered_qty > 0 ORDER BY l.line_no`, orderID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []app.BackorderedLine{}
	for rows.Next() {
		var b app.BackorderedLine
		if err := rows.Scan(&b.SKU, &b.Qty); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// allocateBackorders allocates what stock now allows of a released
// order's backorders. An order that was picked whole goes back to
// released, so that its new allocations are picked too.
func (a *allocator) allocateBackorders(number string) (*app.Release, error) {
	tx := a.tx
	h, err := tx.orderHead(number)
	if err != nil {
		return nil, err
	}
	switch h.status {
	case app.OrderReleased, app.OrderPicking, app.OrderPicked:
	case app.OrderOpen:
		return nil, app.Errorf(app.ECONFLICT, "order %s is not released yet; release it first", h.number)
	default:
		return nil, app.Errorf(app.ECONFLICT, "order %s is %s; its backorders can no longer be allocated", h.number, h.status)
	}
	lines, err := tx.orderLines(h.id)
	if err != nil {
		return nil, err
	}
	rel := &app.Release{Order: h.number, Status: h.status, Allocations: []app.ReleasedStock{}, Backorders: []app.BackorderedLine{}}
	var more bool
	for i := range lines {
		l := &lines[i]
		if l.backorders == 0 {
			continue
		}
		allocs, got, err := a.allocateLine(&h, l, l.backorders)
		if err != nil {
			return nil, err
		}
		if got > 0 {
			more = true
			rel.Allocations = append(rel.Allocations, allocs...)
			if _, err := tx.exec(`UPDATE sales_order_lines SET allocated_qty = allocated_qty + ?1, backordered_qty = backordered_qty - ?1
				WHERE id = ?2`, got, l.id); err != nil {
				return nil, err
			}
		}
		if got < l.backorders {
			rel.Backorders = append(rel.Backorders, app.BackorderedLine{SKU: l.sku, Qty: l.backorders - got})
		}
	}
	if more && h.status == app.OrderPicked {
		if _, err := tx.exec(`UPDATE sales_orders SET status = 'released' WHERE id = ?`, h.id); err != nil {
			return nil, err
		}
		rel.Status = app.OrderReleased
	}
	return rel, nil
}

// cancelOrder cancels an order not yet packed: its open and picked
// allocations are cancelled and their reservations released (picked stock
// stays where it was picked to, available again), its open pick tasks are
// cancelled, a shipment its packing station left open (weighings of a
// parcel that never shipped) is cancelled, and its lines keep nothing
// allocated or backordered.
func (tx *Tx) cancelOrder(number string) error {
	h, err := tx.orderHead(number)
	if err != nil {
		return err
	}
	if !h.status.Cancellable() {
		return app.Errorf(app.ECONFLICT, "order %s is %s and can no longer be cancelled", h.number, h.status)
	}
	type alloc struct{ id, v, loc, lot, qty int64 }
	rows, err := tx.Query(`SELECT a.id, a.variant_id, a.location_id, a.lot_id, a.qty
		FROM sales_order_lines l JOIN allocations a ON a.order_line_id = l.id
		WHERE l.order_id = ? AND a.status IN ('open', 'picked')`, h.id)
	if err != nil {
		return err
	}
	var allocs []alloc
	for rows.Next() {
		var a alloc
		if err := rows.Scan(&a.id, &a.v, &a.loc, &a.lot, &a.qty); err != nil {
			rows.Close()
			return err
		}
		allocs = append(allocs, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, a := range allocs {
		if err := tx.reserve(a.v, a.loc, a.lot, -a.qty); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE allocations SET status = 'cancelled' WHERE id = ?`, a.id); err != nil {
			return err
		}
	}
	for _, q := range []string{
		`UPDATE pick_tasks SET status = 'cancelled' WHERE order_id = ? AND status = 'open'`,
		`UPDATE shipments SET status = 'cancelled' WHERE order_id = ? AND status = 'open'`,
		`UPDATE sales_order_lines SET allocated_qty = 0, backordered_qty = 0 WHERE order_id = ?`,
		`UPDATE sales_orders SET status = 'cancelled' WHERE id = ?`,
	} {
		if _, err := tx.exec(q, h.id); err != nil {
			return err
		}
	}
	return nil
}

// ReleaseOrder allocates and reserves the lines of an open order, in one
// writer command: FEFO for lot-tracked SKUs, FIFO otherwise, then walk
// order; what cannot be reserved is backordered per line, and the order
// becomes released. Releasing an order released before changes nothing
// and returns its allocations and backorders. Errors: not_found, conflict
// (cancelled, no site).
func (db *DB) ReleaseOrder(ctx context.Context, number string) (*app.Release, error) {
	v, err := db.w.Do(ctx, func(tx *Tx) (any, error) { return newAllocator(tx).releaseOrder(number) })
	if err != nil {
		return nil, err
	}
	return v.(*app.Release), nil
}

// AllocateBackorders allocates what stock now allows of the backorders of
// a released (picking, picked) order, in one writer command. Errors:
// not_found, conflict (open, packed, shipped or cancelled).
func (db *DB) AllocateBackorders(ctx context.Context, number string) (*app.Release, error) {
	v, err := db.w.Do(ctx, func(tx *Tx) (any, error) { return newAllocator(tx).allocateBackorders(number) })
	if err != nil {
		return nil, err
	}
	return v.(*app.Release), nil
}

// CancelOrder cancels the order and releases its reservations, in one
// writer command. Errors: not_found, conflict (packed, shipped, cancelled).
func (db *DB) CancelOrder(ctx context.Context, number string) (*app.Order, error) {
	if _, err := db.w.Do(ctx, func(tx *Tx) (any, error) { return nil, tx.cancelOrder(number) }); err != nil {
		return nil, err
	}
	return db.Order(ctx, number)
}

// releaseBatch is how many orders one writer command of ReleaseOrders
// takes: enough to share a commit, few enough that the writer turns to
// other clients' commands every few tens of milliseconds.
const releaseBatch = 64

// ReleaseOrders releases the orders in the order given (that order decides
// who gets scarce stock): releaseBatch orders per writer command, each in
// its own savepoint, so an order that fails changes nothing of its own and
// nothing of the others. Outcomes are in the order of numbers.
func (db *DB) ReleaseOrders(ctx context.Context, numbers []string) []app.ReleaseOutcome {
	return db.eachOrder(ctx, numbers, (*allocator).releaseOrder)
}

// AllocateAllBackorders allocates the backorders of every released,
// picking or picked order, highest priority first, then earliest ship-by
// date, then oldest, so scarce stock goes to those orders first.
func (db *DB) AllocateAllBackorders(ctx context.Context) (app.BackorderRun, error) {
	var run app.BackorderRun
	rows, err := db.read.QueryContext(ctx, `SELECT o.number FROM sales_orders o
		WHERE o.status IN ('released', 'picking', 'picked')
			AND EXISTS (SELECT 1 FROM sales_order_lines l WHERE l.order_id = o.id AND l.backordered_qty > 0)
		ORDER BY o.priority DESC, o.ship_by IS NULL, o.ship_by, o.id`)
	if err != nil {
		return run, err
	}
	var numbers []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return run, err
		}
		numbers = append(numbers, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return run, err
	}
	run.Orders = len(numbers)
	for _, out := range db.eachOrder(ctx, numbers, (*allocator).allocateBackorders) {
		if out.Err != nil {
			// An order packed or cancelled since the list was read.
			if app.ErrorCode(out.Err) == app.ECONFLICT {
				continue
			}
			return run, out.Err
		}
		for _, a := range out.Release.Allocations {
			run.Allocated += a.Qty
		}
		for _, b := range out.Release.Backorders {
			run.Remaining += b.Qty
		}
	}
	return run, nil
}

// releaseWindow is how many batch commands of eachOrder may be queued at
// once: they share commits (one fsync for several batches) while the
// writer still turns to other clients between groups.
const releaseWindow = 8

// eachOrder runs fn for each number, releaseBatch per writer command and
// each in its own savepoint. One goroutine queues the commands, so they run
// in the order of numbers.
func (db *DB) eachOrder(ctx context.Context, numbers []string, fn func(*allocator, string) (*app.Release, error)) []app.ReleaseOutcome {
	out := make([]app.ReleaseOutcome, len(numbers))
	for i := range numbers {
		out[i].Number = numbers[i]
	}
	type pending struct {
		part []app.ReleaseOutcome
		done <-chan result
	}
	var queue []pending
	finish := func(p pending) {
		r := <-p.done
		if r.err != nil {
			for i := range p.part {
				p.part[i].Release, p.part[i].Err = nil, r.err
			}
		}
	}
	for start := 0; start < len(numbers); start += releaseBatch {
		part := out[start:min(start+releaseBatch, len(numbers))]
		done, err := db.w.submit(ctx, func(tx *Tx) (any, error) {
			return nil, db.orderBatch(tx, part, fn)
		})
		if err != nil {
			for i := range part {
				part[i].Err = err
			}
			continue
		}
		queue = append(queue, pending{part, done})
		if len(queue) == releaseWindow {
			finish(queue[0])
			queue = queue[1:]
		}
	}
	for _, p := range queue {
		finish(p)
	}
	return out
}

// orderBatch runs fn for each order of part, each in its own savepoint:
// an order that fails rolls back alone and keeps its error.
func (db *DB) orderBatch(tx *Tx, part []app.ReleaseOutcome, fn func(*allocator, string) (*app.Release, error)) error {
	a := newAllocator(tx)
	for i := range part {
		part[i].Release, part[i].Err = nil, nil
		if err := tx.w.control("SAVEPOINT ord"); err != nil {
			return err
		}
		rel, err := fn(a, part[i].Number)
		if err != nil {
			if app.ErrorCode(err) == app.EINTERNAL {
				db.log.Error("orders: command failed", "order", part[i].Number, "err", err)
				err = app.Errorf(app.EINTERNAL, "internal error")
			}
			part[i].Err = err
			if rerr := tx.w.control("ROLLBACK TO ord"); rerr != nil {
				return rerr
			}
		} else {
			part[i].Release = rel
		}
		if err := tx.w.control("RELEASE ord"); err != nil {
			return err
		}
	}
	return nil
}

// checkReserved adds a problem for every level whose reserved is not the
// sum of its open and picked allocations (files from before schema v4,
// which have no allocations, are skipped).
func checkReserved(ctx context.Context, rdb *sql.DB, rep *VerifyReport) error {
	var has int
	if err := rdb.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'allocations'`).Scan(&has); err != nil {
		return err
	}
	if has == 0 {
		return nil
	}
	rows, err := rdb.QueryContext(ctx, `WITH a AS (
			SELECT variant_id, location_id, lot_id, sum(qty) AS qty FROM allocations
			WHERE status IN ('open', 'picked') GROUP BY variant_id, location_id, lot_id),
		r AS (SELECT variant_id, location_id, lot_id, reserved FROM inventory_levels WHERE reserved <> 0),
		k AS (SELECT variant_id, location_id, lot_id FROM a UNION SELECT variant_id, location_id, lot_id FROM r)
		SELECT v.sku, l.code, k.lot_id, ifnull(o.code, ''), ifnull(r.reserved, 0), ifnull(a.qty, 0)
		FROM k JOIN variants v ON v.id = k.variant_id JOIN locations l ON l.id = k.location_id
		LEFT JOIN lots o ON o.id = k.lot_id AND k.lot_id <> 0
		LEFT JOIN a ON a.variant_id = k.variant_id AND a.location_id = k.location_id AND a.lot_id = k.lot_id
		LEFT JOIN r ON r.variant_id = k.variant_id AND r.location_id = k.location_id AND r.lot_id = k.lot_id
		WHERE ifnull(r.reserved, 0) <> ifnull(a.qty, 0)
		ORDER BY v.sku, l.code, k.lot_id LIMIT ?`, maxProblems+1)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var sku, loc, lot string
		var lotID, reserved, allocated int64
		if err := rows.Scan(&sku, &loc, &lotID, &lot, &reserved, &allocated); err != nil {
			return err
		}
		what := "SKU " + sku + " at " + loc
		if lot != "" {
			what += " lot " + lot
		}
		rep.Problems = append(rep.Problems, Problem{What: fmt.Sprintf(
			"%s has %d reserved; its open and picked allocations hold %d", what, reserved, allocated)})
	}
	return rows.Err()
}
