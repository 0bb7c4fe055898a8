package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"depot/app"
	"depot/app/pickpath"
)

var _ app.PickService = (*DB)(nil)

// pickable is an open allocation of a released order that is on no pick
// list: what a list is built from.
const pickable = `a.status = 'open' AND NOT EXISTS (SELECT 1 FROM pick_tasks t
	WHERE t.allocation_id = a.id AND t.status <> 'cancelled')`

// buildOrder is an order going onto pick lists, with its pickable
// allocations.
type buildOrder struct {
	id                      int64
	number, carrier, shipBy string
	field                   string // orders[i] when named
	allocs                  []buildAlloc
}

type buildAlloc struct {
	id, variant, location, lot, qty int64
}

// CreatePickLists builds pick lists in one writer command: the orders are
// chosen (those named, or the most urgent: earliest ship-by date, highest
// priority, oldest), grouped (one list for single and batch, one per group
// for a wave), their pickable allocations written as tasks in walk order
// with each order's tote, and the orders set to picking.
func (db *DB) CreatePickLists(ctx context.Context, c app.NewPickLists) ([]app.PickList, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	v, err := db.w.Do(ctx, func(tx *Tx) (any, error) { return tx.createPickLists(&c) })
	if err != nil {
		return nil, err
	}
	return db.pickListsByID(ctx, v.([]int64))
}

func (tx *Tx) createPickLists(c *app.NewPickLists) ([]int64, error) {
	dest, err := tx.pickDestination(c.Destination)
	if err != nil {
		return nil, err
	}
	orders, err := tx.buildOrders(c)
	if err != nil {
		return nil, err
	}
	walk, err := tx.loadWalk()
	if err != nil {
		return nil, err
	}
	type list struct {
		name   string
		orders []*buildOrder
		// only, for a zone wave, keeps the allocations in the zone.
		only func(buildAlloc) bool
	}
	var lists []list
	switch {
	case c.Kind == app.PickSingle:
		lists = []list{{name: "Order " + orders[0].number, orders: orders}}
	case c.Kind == app.PickBatch:
		lists = []list{{name: fmt.Sprintf("Batch of %d orders", len(orders)), orders: orders}}
	case c.GroupBy == app.GroupZone:
		type zone struct {
			code string
			rank int
		}
		var zones []zone
		for _, o := range orders {
			for _, a := range o.allocs {
				w := walk[a.location]
				if !slices.Contains(zones, zone{w.zone, w.zoneRank}) {
					zones = append(zones, zone{w.zone, w.zoneRank})
				}
			}
		}
		// Zoneless stops last.
		slices.SortFunc(zones, func(a, b zone) int { return lastIf(a.rank == 0, b.rank == 0)*2 + cmp.Compare(a.rank, b.rank) })
		for _, z := range zones {
			name := "Wave zone " + z.code
			if z.code == "" {
				name = "Wave outside zones"
			}
			var in []*buildOrder
			for _, o := range orders {
				if slices.ContainsFunc(o.allocs, func(a buildAlloc) bool { return walk[a.location].zone == z.code }) {
					in = append(in, o)
				}
			}
			lists = append(lists, list{name: name, orders: in, only: func(a buildAlloc) bool { return walk[a.location].zone == z.code }})
		}
	default:
		key := func(o *buildOrder) string { return o.carrier }
		label := func(k string) string { return "Wave carrier " + cmp.Or(k, "(none)") }
		if c.GroupBy == app.GroupCutoff {
			key = func(o *buildOrder) string { return o.shipBy }
			label = func(k string) string { return "Wave ship by " + cmp.Or(k, "(no date)") }
		}
		var keys []string
		byKey := map[string][]*buildOrder{}
		for _, o := range orders {
			k := key(o)
			if _, ok := byKey[k]; !ok {
				keys = append(keys, k)
			}
			byKey[k] = append(byKey[k], o)
		}
		// No date (or no carrier) last, the rest in order.
		slices.SortFunc(keys, func(a, b string) int { return lastIf(a == "", b == "")*2 + strings.Compare(a, b) })
		for _, k := range keys {
			lists = append(lists, list{name: label(k), orders: byKey[k]})
		}
	}
	var ids []int64
	for _, l := range lists {
		id, err := tx.insertPickList(c, dest, l.name, l.orders, l.only, walk)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	for _, o := range orders {
		if _, err := tx.Exec(`UPDATE sales_orders SET status = 'picking' WHERE id = ? AND status = 'released'`, o.id); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// insertPickList writes one list and its tasks in walk order; the orders
// get totes T1, T2, ... in the order given.
func (tx *Tx) insertPickList(c *app.NewPickLists, dest int64, name string, orders []*buildOrder, only func(buildAlloc) bool, walk walkMap) (int64, error) {
	res, err := tx.Exec(`INSERT INTO pick_lists (kind, name, destination_id, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
		string(c.Kind), name, dest, nullID(c.UserID), ms(tx.Now))
	if err != nil {
		return 0, err
	}
	listID, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	type task struct {
		a     buildAlloc
		order int64
		tote  string
	}
	var tasks []task
	var stops []pickpath.Stop
	for i, o := range orders {
		for _, a := range o.allocs {
			if only != nil && !only(a) {
				continue
			}
			tasks = append(tasks, task{a, o.id, fmt.Sprintf("T%d", i+1)})
			stops = append(stops, walk[a.location].stop)
		}
	}
	for seq, i := range pickpath.Order(stops) {
		t := tasks[i]
		if _, err := tx.Exec(`INSERT INTO pick_tasks (pick_list_id, seq, allocation_id, order_id, variant_id, location_id, lot_id, qty, tote)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, listID, seq+1, t.a.id, t.order, t.a.variant, t.a.location, t.a.lot, t.a.qty, t.tote); err != nil {
			return 0, err
		}
	}
	return listID, nil
}

// pickDestination resolves the list's destination: the place named, or
// the first staging place.
func (tx *Tx) pickDestination(code string) (int64, error) {
	var id int64
	var kind app.LocationKind
	var archived bool
	if code == "" {
		err := tx.QueryRow(`SELECT id FROM locations WHERE kind = 'staging' AND archived = 0 ORDER BY walk_seq, id LIMIT 1`).Scan(&id)
		if err == sql.ErrNoRows {
			return 0, app.FieldErrorf("destination", "there is no staging place for picked goods: create one (e.g. PACK) or name a destination")
		}
		return id, err
	}
	err := tx.QueryRow(`SELECT id, kind, archived FROM locations WHERE code = ?`, code).Scan(&id, &kind, &archived)
	switch {
	case err == sql.ErrNoRows:
		return 0, &app.Error{Code: app.ENOTFOUND, Field: "destination", Message: "no location has code " + quote(code)}
	case err != nil:
		return 0, err
	case kind == app.KindVirtual:
		return 0, app.FieldErrorf("destination", "%s is a virtual location; picked goods go to a staging place", code)
	case archived:
		return 0, app.FieldErrorf("destination", "%s is archived", code)
	}
	return id, nil
}

// buildOrders returns the orders of the build with their pickable
// allocations, most urgent first: the orders named (each must have
// something to pick), or up to c.Limit (one for single) of the released
// orders that have.
func (tx *Tx) buildOrders(c *app.NewPickLists) ([]*buildOrder, error) {
	const cols = `SELECT o.id, o.number, o.carrier, ifnull(o.ship_by, ''), o.status FROM sales_orders o`
	const urgency = ` ORDER BY o.ship_by IS NULL, o.ship_by, o.priority DESC, o.id`
	var orders []*buildOrder
	scan := func(sc interface{ Scan(...any) error }) (*buildOrder, string, error) {
		o := &buildOrder{}
		var status string
		err := sc.Scan(&o.id, &o.number, &o.carrier, &o.shipBy, &status)
		return o, status, err
	}
	if len(c.Orders) > 0 {
		for i, n := range c.Orders {
			f := fieldf("orders[%d]", i)
			o, status, err := scan(tx.QueryRow(cols+` WHERE o.number = ?`, n))
			if err == sql.ErrNoRows {
				return nil, &app.Error{Code: app.ENOTFOUND, Field: f, Message: "no sales order has number " + quote(n)}
			}
			if err != nil {
				return nil, err
			}
			if status != "released" && status != "picking" {
				return nil, &app.Error{Code: app.ECONFLICT, Field: f, Message: fmt.Sprintf("order %s is %s; only released orders are picked", o.number, status)}
			}
			o.field = f
			orders = append(orders, o)
		}
		// Most urgent first, so that T1 is the order to finish first.
		slices.SortStableFunc(orders, func(a, b *buildOrder) int {
			return lastIf(a.shipBy == "", b.shipBy == "")*2 + strings.Compare(a.shipBy, b.shipBy)
		})
	} else {
		limit := c.Limit
		if c.Kind == app.PickSingle {
			limit = 1
		}
		rows, err := tx.Query(cols+` WHERE o.status IN ('released', 'picking') AND EXISTS (SELECT 1 FROM sales_order_lines sl
			JOIN allocations a ON a.order_line_id = sl.id WHERE sl.order_id = o.id AND `+pickable+`)`+urgency+` LIMIT ?`, limit)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			o, _, err := scan(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			orders = append(orders, o)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if len(orders) == 0 {
			return nil, app.Errorf(app.ECONFLICT, "no released order has anything left to pick")
		}
	}
	for _, o := range orders {
		rows, err := tx.Query(`SELECT a.id, a.variant_id, a.location_id, a.lot_id, a.qty
			FROM sales_order_lines sl JOIN allocations a ON a.order_line_id = sl.id
			WHERE sl.order_id = ? AND `+pickable+` ORDER BY sl.line_no, a.id`, o.id)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var a buildAlloc
			if err := rows.Scan(&a.id, &a.variant, &a.location, &a.lot, &a.qty); err != nil {
				rows.Close()
				return nil, err
			}
			o.allocs = append(o.allocs, a)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if len(o.allocs) == 0 {
			return nil, &app.Error{Code: app.ECONFLICT, Field: o.field,
				Message: fmt.Sprintf("order %s has nothing left to pick: its allocations are on pick lists already, or it is backordered", o.number)}
		}
	}
	return orders, nil
}

// lastIf orders what has a flag set after what has not.
func lastIf(a, b bool) int { return cmp.Compare(boolInt(a), boolInt(b)) }
