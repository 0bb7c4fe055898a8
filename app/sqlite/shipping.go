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

// verifiable are the order statuses whose parcels can be weighed: released
// and later, not yet shipped.
var verifiable = map[string]bool{"released": true, "picking": true, "picked": true, "packed": true}

// VerifyPackage checks a parcel's weight against its order. With Record
// (the station) the order must be picked and every unit scanned in, and
// the result is kept as a package of the order's open shipment (made when
// there is none), failures included. Errors: invalid, not_found (order,
// box), conflict (order state).
func (db *DB) VerifyPackage(ctx context.Context, v app.VerifyPackage) (*app.Verification, error) {
	if err := v.Validate(); err != nil {
		return nil, err
	}
	if !v.Record {
		q := packRead{ctx, db.read}
		o, err := packOrder(q, v.Order)
		if err != nil {
			return nil, err
		}
		if !verifiable[o.Status] {
			return nil, app.Errorf(app.ECONFLICT, "order %s is %s; only a released order not yet shipped can be weighed", o.Number, o.Status)
		}
		p, _, err := parcelOf(q, o.ID, v.Box, nil)
		if err != nil {
			return nil, err
		}
		return &app.Verification{Result: packcheck.Check(p, v.WeightMg, true)}, nil
	}
	out, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		o, err := packOrder(tx, v.Order)
		if err != nil {
			return nil, err
		}
		if err := packable(o); err != nil {
			return nil, err
		}
		p, boxID, err := parcelOf(tx, o.ID, v.Box, nil)
		if err != nil {
			return nil, err
		}
		res := packcheck.Check(p, v.WeightMg, v.Stable)
		shipID, err := openShipment(tx, o, v.Station, v.UserID)
		if err != nil {
			return nil, err
		}
		r, err := tx.Exec(`INSERT INTO packages (shipment_id, box_id, expected_mg, measured_mg, tolerance_mg, pass, cause, scale, verified_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, shipID, nullID(boxID), res.ExpectedMg, res.MeasuredMg, res.ToleranceMg,
			res.Pass, res.Cause, v.Scale, nullID(v.UserID), ms(tx.Now))
		if err != nil {
			return nil, err
		}
		id, _ := r.LastInsertId()
		return &app.Verification{Result: res, PackageID: id, ShipmentID: shipID}, nil
	})
	if err != nil {
		return nil, err
	}
	return out.(*app.Verification), nil
}

// packable refuses an order whose parcel the station cannot close yet: not
// picked, or units not scanned in.
func packable(o *app.PackOrder) error {
	if o.Status != "picked" && o.Status != "packed" {
		return app.Errorf(app.ECONFLICT, "order %s is %s; the station packs picked orders", o.Number, o.Status)
	}
	if rest := o.Unpacked(); len(rest) > 0 {
		return &app.Error{Code: app.ECONFLICT, Field: "item", Message: "scan the rest into the parcel first: " + strings.Join(rest, ", ")}
	}
	return nil
}

// openShipment returns the order's open shipment, made when there is none
// (the order's carrier, or manual).
func openShipment(tx *Tx, o *app.PackOrder, station string, userID int64) (int64, error) {
	var id int64
	err := tx.QueryRow(`SELECT id FROM shipments WHERE order_id = ? AND status = 'open' ORDER BY id DESC LIMIT 1`, o.ID).Scan(&id)
	if err != sql.ErrNoRows {
		return id, err
	}
	var stationID any
	if station != "" {
		var sid int64
		if err := tx.QueryRow(`SELECT id FROM locations WHERE code = ?`, station).Scan(&sid); err != nil {
			if err == sql.ErrNoRows {
				return 0, &app.Error{Code: app.ENOTFOUND, Field: "station", Message: fmt.Sprintf("no location %q", station)}
			}
			return 0, err
		}
		stationID = sid
	}
	carrier := o.Carrier
	if carrier == "" {
		carrier = "manual"
	}
	r, err := tx.Exec(`INSERT INTO shipments (order_id, carrier, service, station_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		o.ID, carrier, o.Service, stationID, nullID(userID), ms(tx.Now))
	if err != nil {
		return 0, err
	}
	return r.LastInsertId()
}

// OverridePackage records a manager's decision to ship a parcel that
// failed its weight check: the newest weighing of an open shipment.
// Errors: not_found, forbidden (the manager's role may not
// OverrideWeight), invalid (reason), conflict (it passed, was overridden,
// is not the newest weighing, or the shipment is closed).
func (db *DB) OverridePackage(ctx context.Context, packageID, managerID int64, reason string) (*app.Package, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || len([]rune(reason)) > 500 {
		return nil, app.FieldErrorf("reason", "is required: say why the parcel ships despite its weight (at most 500 characters)")
	}
	_, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		var role, username string
		if err := tx.QueryRow(`SELECT role, username FROM users WHERE id = ?`, managerID).Scan(&role, &username); err != nil {
			if err == sql.ErrNoRows {
				return nil, app.Errorf(app.ENOTFOUND, "no user %d", managerID)
			}
			return nil, err
		}
		if !app.Role(role).Can(app.OverrideWeight) {
			return nil, &app.Error{Code: app.EFORBIDDEN, Field: "manager", Message: fmt.Sprintf("%s is a %s; only a manager may override a failed weight check", username, role)}
		}
		var shipID int64
		var pass, overridden bool
		var status string
		err := tx.QueryRow(`SELECT p.shipment_id, p.pass, p.override_by IS NOT NULL, s.status FROM packages p JOIN shipments s ON s.id = p.shipment_id
			WHERE p.id = ?`, packageID).Scan(&shipID, &pass, &overridden, &status)
		if err == sql.ErrNoRows {
			return nil, app.Errorf(app.ENOTFOUND, "no package %d", packageID)
		}
		if err != nil {
			return nil, err
		}
		var newest int64
		if err := tx.QueryRow(`SELECT max(id) FROM packages WHERE shipment_id = ?`, shipID).Scan(&newest); err != nil {
			return nil, err
		}
		switch {
		case status != "open":
			return nil, app.Errorf(app.ECONFLICT, "shipment %d is %s", shipID, status)
		case pass:
			return nil, app.Errorf(app.ECONFLICT, "package %d passed its weight check; there is nothing to override", packageID)
		case overridden:
			return nil, app.Errorf(app.ECONFLICT, "package %d is already overridden", packageID)
		case newest != packageID:
			return nil, app.Errorf(app.ECONFLICT, "package %d was weighed again since (package %d); override the newest weighing", packageID, newest)
		}
		_, err = tx.Exec(`UPDATE packages SET override_by = ?, override_reason = ? WHERE id = ?`, managerID, reason, packageID)
		return nil, err
	})
	if err != nil {
		return nil, err
	}
	s, err := db.shipmentOfPackage(ctx, packageID)
	if err != nil {
		return nil, err
	}
	for _, p := range s.Packages {
		if p.ID == packageID {
			return &p, nil
		}
	}
	return nil, fmt.Errorf("package %d vanished from shipment %d", packageID, s.ID)
}

func (db *DB) shipmentOfPackage(ctx context.Context, packageID int64) (*app.Shipment, error) {
	var id int64
	if err := db.read.QueryRowContext(ctx, `SELECT shipment_id FROM packages WHERE id = ?`, packageID).Scan(&id); err != nil {
		return nil, err
	}
	return db.Shipment(ctx, id)
}

// Shipment returns a shipment with its packages. Errors: not_found.
func (db *DB) Shipment(ctx context.Context, id int64) (*app.Shipment, error) {
	return shipmentByID(packRead{ctx, db.read}, id)
}

// Shipments returns an order's shipments, newest first. Errors: not_found
// (no such order).
func (db *DB) Shipments(ctx context.Context, order string) ([]*app.Shipment, error) {
	q := packRead{ctx, db.read}
	var orderID int64
	if err := q.QueryRow(`SELECT id FROM sales_orders WHERE number = ?`, strings.TrimSpace(order)).Scan(&orderID); err != nil {
		if err == sql.ErrNoRows {
			return nil, &app.Error{Code: app.ENOTFOUND, Field: "order", Message: fmt.Sprintf("no order %q", order)}
		}
		return nil, err
	}
	rows, err := q.Query(`SELECT id FROM shipments WHERE order_id = ? ORDER BY id DESC`, orderID)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := []*app.Shipment{}
	for _, id := range ids {
		s, err := shipmentByID(q, id)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func shipmentByID(q packQuerier, id int64) (*app.Shipment, error) {
	s := &app.Shipment{ID: id}
	var created int64
	var shipped, movement sql.NullInt64
	err := q.QueryRow(`SELECT ifnull(o.number, ''), ifnull(c.name, ''), ifnull(o.ship_to, ''), s.carrier, s.service, ifnull(s.tracking, ''), s.status, ifnull(l.code, ''),
			s.movement_id, ifnull(u.username, ''), s.created_at, s.shipped_at
		FROM shipments s LEFT JOIN sales_orders o ON o.id = s.order_id LEFT JOIN customers c ON c.id = o.customer_id LEFT JOIN locations l ON l.id = s.station_id
		LEFT JOIN users u ON u.id = s.created_by WHERE s.id = ?`, id).
		Scan(&s.Order, &s.Customer, &s.ShipTo, &s.Carrier, &s.Service, &s.Tracking, &s.Status, &s.Station, &movement, &s.CreatedBy, &created, &shipped)
	if err == sql.ErrNoRows {
		return nil, app.Errorf(app.ENOTFOUND, "no shipment %d", id)
	}
	if err != nil {
		return nil, err
	}
	s.CreatedAt, s.MovementID = fromMs(created), movement.Int64
	if shipped.Valid {
		t := fromMs(shipped.Int64)
		s.ShippedAt = &t
	}
	rows, err := q.Query(`SELECT p.id, ifnull(b.code, ''), p.expected_mg, ifnull(p.measured_mg, 0), p.tolerance_mg, p.pass, p.cause, p.scale,
			p.length_mm, p.width_mm, p.height_mm, ifnull(v.username, ''), ifnull(m.username, ''), ifnull(p.override_reason, ''), p.created_at
		FROM packages p LEFT JOIN boxes b ON b.id = p.box_id LEFT JOIN users v ON v.id = p.verified_by
		LEFT JOIN users m ON m.id = p.override_by WHERE p.shipment_id = ? ORDER BY p.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	s.Packages = []app.Package{}
	for rows.Next() {
		var p app.Package
		var at int64
		if err := rows.Scan(&p.ID, &p.Box, &p.ExpectedMg, &p.MeasuredMg, &p.ToleranceMg, &p.Pass, &p.Cause, &p.Scale,
			&p.LengthMM, &p.WidthMM, &p.HeightMM, &p.VerifiedBy, &p.OverrideBy, &p.OverrideReason, &at); err != nil {
			return nil, err
		}
		p.CreatedAt = fromMs(at)
		s.Packages = append(s.Packages, p)
	}
	return s, rows.Err()
}

// shipKey is the ship movement's idempotency key: the client's, or one
// derived from the shipment.
func shipKey(clientKey string, shipmentID int64) string {
	if clientKey != "" {
		return "ship-" + clientKey
	}
	return "shipment-" + strconv.FormatInt(shipmentID, 10)
}
