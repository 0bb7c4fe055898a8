package sqlite

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"strings"

	"github.com/mattn/go-sqlite3"

	"depot/app"
)

var _ app.OrderService = (*DB)(nil)

// This file keeps customers and enters and reads sales orders; release,
// backorders and cancel are in allocate.go.

const customerColumns = `c.id, c.code, c.name, ifnull(c.email, ''), ifnull(c.phone, ''), c.address,
	c.min_shelf_life_days, c.created_at,
	(SELECT count(*) FROM sales_orders o WHERE o.customer_id = c.id AND o.status NOT IN ('shipped', 'cancelled'))
	FROM customers c`

func scanCustomer(sc interface{ Scan(...any) error }) (app.Customer, error) {
	var c app.Customer
	var created int64
	err := sc.Scan(&c.ID, &c.Code, &c.Name, &c.Email, &c.Phone, &c.Address, &c.MinShelfLifeDays, &created, &c.OpenOrders)
	c.CreatedAt = fromMs(created)
	return c, err
}

// CreateCustomer adds a customer. The same code with the same details
// replays (replayed is true, nothing is written); with other details it is
// a conflict naming the code. Errors: invalid, conflict.
func (db *DB) CreateCustomer(ctx context.Context, c app.NewCustomer) (*app.Customer, bool, error) {
	if err := c.Validate(); err != nil {
		return nil, false, err
	}
	v, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		var old app.NewCustomer
		err := tx.queryRow(`SELECT code, name, ifnull(email, ''), ifnull(phone, ''), address, min_shelf_life_days
			FROM customers WHERE code = ?`, []any{c.Code},
			&old.Code, &old.Name, &old.Email, &old.Phone, &old.Address, &old.MinShelfLifeDays)
		switch {
		case err == nil && strings.EqualFold(old.Code, c.Code) && old.Name == c.Name && old.Email == c.Email &&
			old.Phone == c.Phone && old.Address == c.Address && old.MinShelfLifeDays == c.MinShelfLifeDays:
			return true, nil
		case err == nil:
			return nil, &app.Error{Code: app.ECONFLICT, Field: "code",
				Message: "customer " + old.Code + " already exists with other details; change it instead"}
		case err != sql.ErrNoRows:
			return nil, err
		}
		_, err = tx.exec(`INSERT INTO customers (code, name, email, phone, address, min_shelf_life_days, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, c.Code, c.Name, null(c.Email), null(c.Phone), c.Address, c.MinShelfLifeDays, ms(tx.Now))
		return false, err
	})
	if err != nil {
		return nil, false, err
	}
	cust, err := db.Customer(ctx, c.Code)
	return cust, v.(bool), err
}

// UpdateCustomer changes the details of the customer with the code; the
// code in c must be the same. Orders already released keep what was
// allocated to them. Errors: invalid, not_found.
func (db *DB) UpdateCustomer(ctx context.Context, code string, c app.NewCustomer) (*app.Customer, error) {
	if c.Code == "" {
		c.Code = code
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if !strings.EqualFold(c.Code, strings.TrimSpace(code)) {
		return nil, app.FieldErrorf("code", "a customer's code cannot be changed (%s)", code)
	}
	_, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		res, err := tx.exec(`UPDATE customers SET name = ?, email = ?, phone = ?, address = ?, min_shelf_life_days = ?
			WHERE code = ?`, c.Name, null(c.Email), null(c.Phone), c.Address, c.MinShelfLifeDays, c.Code)
		if err != nil {
			return nil, err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err == nil {
				err = &app.Error{Code: app.ENOTFOUND, Field: "code", Message: "no customer has code " + quote(c.Code)}
			}
			return nil, err
		}
		return nil, nil
	})
	if err != nil {
		return nil, err
	}
	return db.Customer(ctx, c.Code)
}

// Customer returns the customer with the code. Errors: not_found.
func (db *DB) Customer(ctx context.Context, code string) (*app.Customer, error) {
	c, err := scanCustomer(db.read.QueryRowContext(ctx, `SELECT `+customerColumns+` WHERE c.code = ?`, code))
	if err == sql.ErrNoRows {
		return nil, &app.Error{Code: app.ENOTFOUND, Field: "customer", Message: "no customer has code " + quote(code)}
	}
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// Customers returns customers whose code or name contains f.Q, by code, at
// most f.Limit (default 200, at most 1000).
func (db *DB) Customers(ctx context.Context, f app.CustomerFilter) ([]app.Customer, error) {
	f.Limit = clampLimit(f.Limit, 200, 1000)
	where, args := "", []any{}
	if q := strings.TrimSpace(f.Q); q != "" {
		like := "%" + escapeLike(q) + "%"
		where, args = ` WHERE c.code LIKE ? ESCAPE '\' OR c.name LIKE ? ESCAPE '\'`, append(args, like, like)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+customerColumns+where+` ORDER BY c.code LIMIT `+itoa(int64(f.Limit)), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []app.Customer{}
	for rows.Next() {
		c, err := scanCustomer(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func clampLimit(n, def, max int) int {
	switch {
	case n <= 0:
		return def
	case n > max:
		return max
	}
	return n
}

// orderHash is the fingerprint of an order's content stored with it: the
// command without its key and user, so that the same order sent again
// under its number (or key) replays.
func orderHash(o *app.NewOrder) ([]byte, error) {
	c := *o
	c.IdempotencyKey, c.UserID = "", 0
	body, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	h := sha256.Sum256(body)
	return h[:], nil
}

// CreateOrder enters a sales order in status open. The same idempotency
// key, or without a key the same number, with the same order replays the
// first result (replayed true, nothing written); with a different order it
// is a conflict. Errors: invalid, not_found (customer, site, SKU: the field
// says which), conflict.
func (db *DB) CreateOrder(ctx context.Context, o app.NewOrder) (*app.Order, bool, error) {
	if err := o.Validate(); err != nil {
		return nil, false, err
	}
	hash, err := orderHash(&o)
	if err != nil {
		return nil, false, err
	}
	type created struct {
		number   string
		replayed bool
	}
	v, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		number, seen, err := tx.seenOrder(&o, hash)
		if err != nil || seen {
			return created{number, seen}, err
		}
		return created{o.Number, false}, tx.insertOrder(&o, hash)
	})
	if err != nil {
		return nil, false, err
	}
	c := v.(created)
	order, err := db.Order(ctx, c.number)
	return order, c.replayed, err
}

// seenOrder looks for an order entered before under o's key, then under
// its number: a replay when the content hash is the same, else a conflict.
func (tx *Tx) seenOrder(o *app.NewOrder, hash []byte) (string, bool, error) {
	var number string
	var seen []byte
	if o.IdempotencyKey != "" {
		err := tx.queryRow(`SELECT number, request_hash FROM sales_orders WHERE idempotency_key = ?`, []any{o.IdempotencyKey}, &number, &seen)
		switch {
		case err == nil && bytes.Equal(seen, hash) && strings.EqualFold(number, o.Number):
			return number, true, nil
		case err == nil:
			return "", false, &app.Error{Code: app.ECONFLICT, Field: "idempotency_key",
				Message: "this idempotency key was already used for a different order (" + number + ")"}
		case err != sql.ErrNoRows:
			return "", false, err
		}
	}
	err := tx.queryRow(`SELECT number, request_hash FROM sales_orders WHERE number = ?`, []any{o.Number}, &number, &seen)
	switch {
	case err == sql.ErrNoRows:
		return "", false, nil
	case err != nil:
		return "", false, err
	case bytes.Equal(seen, hash):
		return number, true, nil
	}
	return "", false, &app.Error{Code: app.ECONFLICT, Field: "number",
		Message: "order " + number + " already exists with other content; send it unchanged to get it back, or use a new number"}
}

// insertOrder writes the order and its lines.
func (tx *Tx) insertOrder(o *app.NewOrder, hash []byte) error {
	var customerID any
	shipTo := o.ShipTo
	if o.Customer != "" {
		var id int64
		var address string
		err := tx.queryRow(`SELECT id, address FROM customers WHERE code = ?`, []any{o.Customer}, &id, &address)
		if err == sql.ErrNoRows {
			return &app.Error{Code: app.ENOTFOUND, Field: "customer", Message: "no customer has code " + quote(o.Customer)}
		}
		if err != nil {
			return err
		}
		customerID = id
		if shipTo == "" {
			shipTo = address
		}
	}
	siteID, err := tx.orderSite(o.Site)
	if err != nil {
		return err
	}
	variants := make([]int64, len(o.Lines))
	for i, l := range o.Lines {
		v, err := tx.variant(i, l.SKU)
		if err != nil {
			return err
		}
		variants[i] = v.id
	}
	res, err := tx.exec(`INSERT INTO sales_orders (number, customer_id, site_id, priority, ship_by, carrier, service, ship_to,
		idempotency_key, request_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		o.Number, customerID, siteID, o.Priority, null(o.ShipBy), o.Carrier, o.Service, shipTo,
		null(o.IdempotencyKey), hash, nullID(o.UserID), ms(tx.Now))
	if isConstraint(err, sqlite3.ErrConstraintUnique) {
		// seenOrder looked; only a race inside one command could get here.
		return &app.Error{Code: app.ECONFLICT, Field: "number", Message: "order " + o.Number + " already exists"}
	}
	if err != nil {
		return err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return err
	}
	for i, l := range o.Lines {
		if _, err := tx.exec(`INSERT INTO sales_order_lines (order_id, line_no, variant_id, qty, unit_price_minor)
			VALUES (?, ?, ?, ?, ?)`, id, i+1, variants[i], l.Qty, l.UnitPriceMinor); err != nil {
			return err
		}
	}
	return nil
}

// orderSite returns the id of the site named code, or with code empty the
// only site there is.
func (tx *Tx) orderSite(code string) (int64, error) {
	var id int64
	if code != "" {
		var kind string
		var archived bool
		err := tx.queryRow(`SELECT id, kind, archived FROM locations WHERE code = ?`, []any{code}, &id, &kind, &archived)
		switch {
		case err == sql.ErrNoRows:
			return 0, &app.Error{Code: app.ENOTFOUND, Field: "site", Message: "no location has code " + quote(code)}
		case err != nil:
			return 0, err
		case kind != string(app.KindSite):
			return 0, app.FieldErrorf("site", "%s is a %s, not a site", code, kind)
		case archived:
			return 0, app.FieldErrorf("site", "site %s is archived", code)
		}
		return id, nil
	}
	var n int64
	err := tx.queryRow(`SELECT count(*), ifnull(min(id), 0) FROM locations WHERE kind = 'site' AND archived = 0`, nil, &n, &id)
	switch {
	case err != nil:
		return 0, err
	case n == 0:
		return 0, &app.Error{Code: app.ECONFLICT, Field: "site", Message: "there is no site yet to ship from; create one first"}
	case n > 1:
		return 0, app.FieldErrorf("site", "is required: there are %d sites, say which one ships the order", n)
	}
	return id, nil
}

// Order returns the order with the number, its lines and its allocations.
// Errors: not_found.
func (db *DB) Order(ctx context.Context, number string) (*app.Order, error) {
	var o app.Order
	var created int64
	var released, shipped sql.NullInt64
	err := db.read.QueryRowContext(ctx, `SELECT o.id, o.number, ifnull(c.code, ''), ifnull(c.name, ''), ifnull(s.code, ''),
			o.status, o.priority, ifnull(o.ship_by, ''), o.carrier, o.service, o.ship_to, ifnull(u.username, ''),
			o.created_at, o.released_at, o.shipped_at
		FROM sales_orders o LEFT JOIN customers c ON c.id = o.customer_id LEFT JOIN locations s ON s.id = o.site_id
		LEFT JOIN users u ON u.id = o.created_by WHERE o.number = ?`, number).Scan(
		&o.ID, &o.Number, &o.Customer, &o.CustomerName, &o.Site, &o.Status, &o.Priority, &o.ShipBy, &o.Carrier,
		&o.Service, &o.ShipTo, &o.CreatedBy, &created, &released, &shipped)
	if err == sql.ErrNoRows {
		return nil, &app.Error{Code: app.ENOTFOUND, Field: "number", Message: "no order has number " + quote(number)}
	}
	if err != nil {
		return nil, err
	}
	o.CreatedAt = fromMs(created)
	if released.Valid {
		t := fromMs(released.Int64)
		o.ReleasedAt = &t
	}
	if shipped.Valid {
		t := fromMs(shipped.Int64)
		o.ShippedAt = &t
	}
	rows, err := db.read.QueryContext(ctx, `SELECT l.line_no, v.sku, p.name, l.qty, l.unit_price_minor, l.allocated_qty,
			l.backordered_qty, l.picked_qty, l.packed_qty, l.shipped_qty
		FROM sales_order_lines l JOIN variants v ON v.id = l.variant_id JOIN products p ON p.id = v.product_id
		WHERE l.order_id = ? ORDER BY l.line_no`, o.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	o.Lines = []app.OrderLine{}
	for rows.Next() {
		var l app.OrderLine
		if err := rows.Scan(&l.LineNo, &l.SKU, &l.ProductName, &l.Qty, &l.UnitPriceMinor, &l.AllocatedQty,
			&l.BackorderedQty, &l.PickedQty, &l.PackedQty, &l.ShippedQty); err != nil {
			return nil, err
		}
		o.Lines = append(o.Lines, l)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	o.Allocations, err = db.orderAllocations(ctx, o.ID)
	return &o, err
}

func (db *DB) orderAllocations(ctx context.Context, orderID int64) ([]app.Allocation, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT a.id, l.line_no, v.sku, loc.code, ifnull(o.code, ''),
			ifnull(o.expires_on, ''), a.qty, a.status
		FROM sales_order_lines l JOIN allocations a ON a.order_line_id = l.id
		JOIN variants v ON v.id = a.variant_id JOIN locations loc ON loc.id = a.location_id
		LEFT JOIN lots o ON o.id = a.lot_id AND a.lot_id <> 0
		WHERE l.order_id = ? ORDER BY l.line_no, a.id`, orderID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []app.Allocation{}
	for rows.Next() {
		var a app.Allocation
		if err := rows.Scan(&a.ID, &a.LineNo, &a.SKU, &a.Location, &a.Lot, &a.LotExpiresOn, &a.Qty, &a.Status); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Orders returns orders matching f, highest priority first, then oldest,
// at most f.Limit (default 100, at most 1000). Errors: invalid (status),
// not_found (customer).
func (db *DB) Orders(ctx context.Context, f app.OrderFilter) ([]app.OrderSummary, error) {
	f.Limit = clampLimit(f.Limit, 100, 1000)
	if _, err := app.ParseOrderStatus("status", string(f.Status)); err != nil {
		return nil, err
	}
	var conds []string
	var args []any
	if f.Status != "" {
		conds, args = append(conds, "o.status = ?"), append(args, string(f.Status))
	}
	if f.Customer != "" {
		c, err := db.Customer(ctx, f.Customer)
		if err != nil {
			return nil, err
		}
		conds, args = append(conds, "o.customer_id = ?"), append(args, c.ID)
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	args = append(args, f.Limit, max(f.Offset, 0))
	// The page first (sales_orders_status serves a status filter in this
	// order), then its lines' sums.
	rows, err := db.read.QueryContext(ctx, `SELECT o.number, ifnull(c.code, ''), o.status, o.priority, ifnull(o.ship_by, ''),
			o.carrier, o.created_at,
			(SELECT count(*) FROM sales_order_lines l WHERE l.order_id = o.id),
			(SELECT ifnull(sum(qty), 0) FROM sales_order_lines l WHERE l.order_id = o.id),
			(SELECT ifnull(sum(backordered_qty), 0) FROM sales_order_lines l WHERE l.order_id = o.id)
		FROM (SELECT o.id FROM sales_orders o`+where+` ORDER BY o.priority DESC, o.id LIMIT ? OFFSET ?) h
		CROSS JOIN sales_orders o ON o.id = h.id LEFT JOIN customers c ON c.id = o.customer_id
		ORDER BY o.priority DESC, o.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []app.OrderSummary{}
	for rows.Next() {
		var s app.OrderSummary
		var created int64
		if err := rows.Scan(&s.Number, &s.Customer, &s.Status, &s.Priority, &s.ShipBy, &s.Carrier, &created,
			&s.Lines, &s.Qty, &s.BackorderedQty); err != nil {
			return nil, err
		}
		s.CreatedAt = fromMs(created)
		out = append(out, s)
	}
	return out, rows.Err()
}

// OrderCounts counts orders per status (statuses without orders are 0).
func (db *DB) OrderCounts(ctx context.Context) (map[app.OrderStatus]int64, error) {
	out := make(map[app.OrderStatus]int64, len(app.OrderStatuses))
	for _, s := range app.OrderStatuses {
		out[s] = 0
	}
	rows, err := db.read.QueryContext(ctx, `SELECT status, count(*) FROM sales_orders GROUP BY status`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var s app.OrderStatus
		var n int64
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}
