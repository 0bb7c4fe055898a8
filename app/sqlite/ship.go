package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"depot/app"
	"depot/app/packcheck"
)

// ShipOrder ships an order in one writer command: the shipment and its
// packages, then per picked allocation the reservation released at its
// staging place and one ship movement from there to the customer, the
// allocations shipped, each line's shipped quantity raised and allocated
// quantity lowered by what left, and the order shipped. A failure anywhere
// writes nothing.
//
// A station ships the parcel it verified (PackageID: the newest weighing
// of the order's open shipment, passed or overridden). The API gives the
// packages with their weights: each is checked against its items (the
// whole order for a single package) and a failure is refused unless the
// command carries an override reason from a user who may OverrideWeight.
// A tracking number left empty is made by depot (app.DepotTracking): until
// carrier integrations exist every carrier is the manual carrier.
//
// Errors: invalid, not_found (order, box, SKU), forbidden (override),
// conflict (order not picked or already shipped, a failed weight check).
func (db *DB) ShipOrder(ctx context.Context, c app.ShipOrder) (*app.Shipment, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	v, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		if c.IdempotencyKey != "" {
			var id int64
			err := tx.QueryRow(`SELECT s.id FROM shipments s JOIN movements m ON m.id = s.movement_id WHERE m.idempotency_key = ?`,
				shipKey(c.IdempotencyKey, 0)).Scan(&id)
			if err == nil {
				s, err := shipmentByID(tx, id)
				if err == nil {
					s.Replayed = true
				}
				return s, err
			}
			if err != sql.ErrNoRows {
				return nil, err
			}
		}
		o, err := packOrder(tx, c.Order)
		if err != nil {
			return nil, err
		}
		if o.Status == "shipped" || o.Status == "cancelled" || o.Status == "open" {
			return nil, app.Errorf(app.ECONFLICT, "order %s is %s; only a picked order ships", o.Number, o.Status)
		}
		allocs, err := shipAllocations(tx, o.ID)
		if err != nil {
			return nil, err
		}
		var open, picked int64
		for _, a := range allocs {
			if a.status == "open" {
				open += a.qty
			} else {
				picked += a.qty
			}
		}
		if open > 0 {
			return nil, app.Errorf(app.ECONFLICT, "order %s has %d units not picked yet; pick them before it ships", o.Number, open)
		}
		if picked == 0 {
			return nil, app.Errorf(app.ECONFLICT, "order %s has nothing picked to ship", o.Number)
		}
		var shipID int64
		if c.PackageID != 0 {
			if shipID, err = acceptedShipment(tx, o, c.PackageID); err != nil {
				return nil, err
			}
		} else if shipID, err = apiPackages(tx, o, &c); err != nil {
			return nil, err
		}
		return shipIt(tx, o, shipID, allocs, &c)
	})
	if err != nil {
		return nil, err
	}
	return v.(*app.Shipment), nil
}

// shipAllocation is an allocation of the order not cancelled or shipped.
type shipAllocation struct {
	id, lineID, variantID, locationID, lotID, qty int64
	status, sku, location, lot                    string
}

func shipAllocations(tx *Tx, orderID int64) ([]shipAllocation, error) {
	rows, err := tx.Query(`SELECT a.id, a.order_line_id, a.variant_id, a.location_id, a.lot_id, a.qty, a.status, v.sku, l.code, ifnull(lt.code, '')
		FROM allocations a JOIN sales_order_lines ol ON ol.id = a.order_line_id JOIN variants v ON v.id = a.variant_id
		JOIN locations l ON l.id = a.location_id LEFT JOIN lots lt ON lt.id = a.lot_id
		WHERE ol.order_id = ? AND a.status IN ('open', 'picked') ORDER BY a.id`, orderID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []shipAllocation
	for rows.Next() {
		var a shipAllocation
		if err := rows.Scan(&a.id, &a.lineID, &a.variantID, &a.locationID, &a.lotID, &a.qty, &a.status, &a.sku, &a.location, &a.lot); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// acceptedShipment checks that the package is the newest weighing of the
// order's open shipment and may ship, and returns the shipment.
func acceptedShipment(tx *Tx, o *app.PackOrder, packageID int64) (int64, error) {
	var shipID, orderID, newest int64
	var status string
	var pass, overridden bool
	err := tx.QueryRow(`SELECT s.id, s.order_id, s.status, p.pass, p.override_by IS NOT NULL,
			(SELECT max(id) FROM packages WHERE shipment_id = s.id)
		FROM packages p JOIN shipments s ON s.id = p.shipment_id WHERE p.id = ?`, packageID).
		Scan(&shipID, &orderID, &status, &pass, &overridden, &newest)
	if err == sql.ErrNoRows || (err == nil && orderID != o.ID) {
		return 0, app.Errorf(app.ENOTFOUND, "no package %d of order %s", packageID, o.Number)
	}
	switch {
	case err != nil:
		return 0, err
	case status != "open":
		return 0, app.Errorf(app.ECONFLICT, "shipment %d is %s", shipID, status)
	case newest != packageID:
		return 0, app.Errorf(app.ECONFLICT, "package %d was weighed again since (package %d); the newest weighing decides", packageID, newest)
	case !pass && !overridden:
		return 0, app.Errorf(app.ECONFLICT, "package %d failed its weight check; a manager may override it with a reason", packageID)
	}
	return shipID, nil
}

// apiPackages makes the shipment of an API request and its packages,
// checking each package's weight against its items.
func apiPackages(tx *Tx, o *app.PackOrder, c *app.ShipOrder) (int64, error) {
	toShip := map[string]int64{} // upper-case SKU -> units
	for _, l := range o.Lines {
		toShip[strings.ToUpper(l.SKU)] += l.Qty
	}
	type checked struct {
		p     app.ShipPackage
		boxID int64
		res   packcheck.Result
	}
	var list []checked
	given := map[string]int64{}
	for i, p := range c.Packages {
		var items map[string]int64
		if len(p.Items) > 0 {
			items = map[string]int64{}
			for j, it := range p.Items {
				k := strings.ToUpper(strings.TrimSpace(it.SKU))
				if _, ok := toShip[k]; !ok {
					return 0, app.FieldErrorf(fmt.Sprintf("packages[%d].items[%d].sku", i, j), "%s is not on order %s", it.SKU, o.Number)
				}
				items[k] += it.Qty
				given[k] += it.Qty
			}
		}
		parcel, boxID, err := parcelOf(tx, o.ID, p.Box, items)
		if err != nil {
			if e, ok := err.(*app.Error); ok && e.Field == "box" {
				e.Field = fmt.Sprintf("packages[%d].box", i)
			}
			return 0, err
		}
		res := packcheck.Check(parcel, p.WeightMg, true)
		if !res.Pass && c.OverrideReason == "" {
			return 0, &app.Error{Code: app.ECONFLICT, Field: fmt.Sprintf("packages[%d].weight_mg", i),
				Message: "the parcel fails its weight check: " + app.Verification{Result: res}.Summary()}
		}
		list = append(list, checked{p, boxID, res})
	}
	if len(c.Packages) > 1 || len(c.Packages[0].Items) > 0 {
		for k, want := range toShip {
			if given[k] != want {
				return 0, app.FieldErrorf("packages", "the packages hold %d x %s; order %s ships %d", given[k], k, o.Number, want)
			}
		}
	}
	carrier := c.Carrier
	if carrier == "" {
		carrier = o.Carrier
	}
	if carrier == "" {
		carrier = "manual"
	}
	service := c.Service
	if service == "" {
		service = o.Service
	}
	r, err := tx.Exec(`INSERT INTO shipments (order_id, carrier, service, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
		o.ID, carrier, service, nullID(c.UserID), ms(tx.Now))
	if err != nil {
		return 0, err
	}
	shipID, _ := r.LastInsertId()
	for _, k := range list {
		var overBy any
		var reason any
		if !k.res.Pass {
			overBy, reason = c.UserID, c.OverrideReason
		}
		if _, err := tx.Exec(`INSERT INTO packages (shipment_id, box_id, expected_mg, measured_mg, tolerance_mg, pass, cause,
			length_mm, width_mm, height_mm, verified_by, override_by, override_reason, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, shipID, nullID(k.boxID), k.res.ExpectedMg, k.res.MeasuredMg, k.res.ToleranceMg,
			k.res.Pass, k.res.Cause, k.p.LengthMM, k.p.WidthMM, k.p.HeightMM, nullID(c.UserID), overBy, reason, ms(tx.Now)); err != nil {
			return 0, err
		}
	}
	return shipID, nil
}

// shipIt posts the ship movement of the picked allocations and closes the
// shipment, the allocations, the lines and the order.
func shipIt(tx *Tx, o *app.PackOrder, shipID int64, allocs []shipAllocation, c *app.ShipOrder) (*app.Shipment, error) {
	tracking := c.Tracking
	if tracking == "" {
		tracking = app.DepotTracking(shipID)
	}
	cmd := app.PostMovement{Kind: app.Ship, IdempotencyKey: shipKey(c.IdempotencyKey, shipID),
		Reference: &app.Reference{Type: "shipment", ID: strconv.FormatInt(shipID, 10)},
		Note:      fmt.Sprintf("order %s, tracking %s", o.Number, tracking), UserID: c.UserID}
	for _, a := range allocs {
		if err := tx.reserve(a.variantID, a.locationID, a.lotID, -a.qty); err != nil {
			return nil, err
		}
		l := app.MovementLine{SKU: a.sku, Qty: a.qty, From: a.location}
		if a.lot != "" {
			l.Lot = &app.LotRef{Code: a.lot}
		}
		cmd.Lines = append(cmd.Lines, l)
		if _, err := tx.Exec(`UPDATE allocations SET status = 'shipped' WHERE id = ?`, a.id); err != nil {
			return nil, err
		}
		if _, err := tx.Exec(`UPDATE sales_order_lines SET shipped_qty = shipped_qty + ?1, allocated_qty = allocated_qty - ?1 WHERE id = ?2`,
			a.qty, a.lineID); err != nil {
			return nil, err
		}
	}
	m, err := tx.post(cmd)
	if err != nil {
		return nil, err
	}
	if _, err := tx.Exec(`UPDATE shipments SET status = 'shipped', tracking = ?, movement_id = ?, shipped_at = ? WHERE id = ?`,
		tracking, m.ID, ms(tx.Now), shipID); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(`UPDATE sales_orders SET status = 'shipped', shipped_at = ? WHERE id = ?`, ms(tx.Now), o.ID); err != nil {
		return nil, err
	}
	// Weighings left open at a station for an order that shipped another
	// way (through the API) are closed: nothing of them leaves.
	if _, err := tx.Exec(`UPDATE shipments SET status = 'cancelled' WHERE order_id = ? AND status = 'open' AND id <> ?`, o.ID, shipID); err != nil {
		return nil, err
	}
	return shipmentByID(tx, shipID)
}
