// Package shiptest writes shipped sales orders for the tests of returns in
// one call, without the release, pick and pack steps: the rows follow the
// schema's comments and what packing writes (an order with its lines
// shipped, an allocation shipped, a shipment shipped with its ship
// movement), and the ship movement is posted through the real ledger. It
// was the stand-in while packing was not merged; app/sqlite's
// TestReturnAfterRealShipment runs the real path. Tests only.
package shiptest

import (
	"context"
	"database/sql"
	"strconv"
	"testing"

	"depot/app"
	"depot/app/sqlite"
)

// Line is one order line shipped in full from a place.
type Line struct {
	SKU, Lot string
	Qty      int64
}

// ShippedOrder writes sales order number (created if it does not exist)
// with one line per Line, ships them from the place from on one shipment
// with the tracking number (empty: none), and returns the shipment's id.
// raw is a second connection to the database file of db: the document rows
// are written through it, the movement through db's writer.
func ShippedOrder(tb testing.TB, db *sqlite.DB, raw *sql.DB, number, tracking, from string, lines ...Line) int64 {
	tb.Helper()
	ctx := context.Background()
	exec := func(q string, args ...any) sql.Result {
		tb.Helper()
		res, err := raw.ExecContext(ctx, q, args...)
		if err != nil {
			tb.Fatalf("shiptest: %s: %v", q, err)
		}
		return res
	}
	id := func(res sql.Result) int64 {
		n, err := res.LastInsertId()
		if err != nil {
			tb.Fatal(err)
		}
		return n
	}
	var orderID int64
	if err := raw.QueryRowContext(ctx, `SELECT id FROM sales_orders WHERE number = ?`, number).Scan(&orderID); err == sql.ErrNoRows {
		orderID = id(exec(`INSERT INTO sales_orders (number, status, created_at, released_at) VALUES (?, 'released', 1, 1)`, number))
	} else if err != nil {
		tb.Fatal(err)
	}
	var trackingArg any
	if tracking != "" {
		trackingArg = tracking
	}
	shipment := id(exec(`INSERT INTO shipments (order_id, carrier, tracking, created_at) VALUES (?, 'manual', ?, 1)`, orderID, trackingArg))
	cmd := app.PostMovement{Kind: app.Ship, IdempotencyKey: "shiptest-" + number + "-" + itoa(shipment),
		Reference: &app.Reference{Type: "shipment", ID: itoa(shipment)}}
	for _, l := range lines {
		ml := app.MovementLine{SKU: l.SKU, Qty: l.Qty, From: from}
		if l.Lot != "" {
			ml.Lot = &app.LotRef{Code: l.Lot}
		}
		cmd.Lines = append(cmd.Lines, ml)
	}
	m, _, err := db.PostMovement(ctx, cmd)
	if err != nil {
		tb.Fatalf("shiptest: ship %s: %v", number, err)
	}
	for _, l := range lines {
		var variant, place, lot int64
		if err := raw.QueryRowContext(ctx, `SELECT (SELECT id FROM variants WHERE sku = ?1), (SELECT id FROM locations WHERE code = ?2),
			ifnull((SELECT id FROM lots WHERE code = ?3 AND variant_id = (SELECT id FROM variants WHERE sku = ?1)), 0)`,
			l.SKU, from, l.Lot).Scan(&variant, &place, &lot); err != nil {
			tb.Fatal(err)
		}
		var next int64
		if err := raw.QueryRowContext(ctx, `SELECT ifnull(max(line_no), 0) + 1 FROM sales_order_lines WHERE order_id = ?`, orderID).Scan(&next); err != nil {
			tb.Fatal(err)
		}
		line := id(exec(`INSERT INTO sales_order_lines (order_id, line_no, variant_id, qty, picked_qty, packed_qty, shipped_qty)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, orderID, next, variant, l.Qty, l.Qty, l.Qty, l.Qty))
		exec(`INSERT INTO allocations (order_line_id, variant_id, location_id, lot_id, qty, status, created_at)
			VALUES (?, ?, ?, ?, ?, 'shipped', 1)`, line, variant, place, lot, l.Qty)
	}
	exec(`UPDATE shipments SET status = 'shipped', movement_id = ?, shipped_at = 2 WHERE id = ?`, m.ID, shipment)
	exec(`UPDATE sales_orders SET status = 'shipped', shipped_at = 2 WHERE id = ?`, orderID)
	return shipment
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
