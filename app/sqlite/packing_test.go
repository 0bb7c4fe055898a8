package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"depot/app"
	"depot/app/packcheck"
)

// packingTestLine is one line of an order set up by packingTestOrder.
type packingTestLine struct {
	sku string
	qty int64
}

// packingTestDB opens a fresh database with a site WH, a bin A-01, the
// packing place PACK, SKU-A (250 g) and SKU-B (90 g), a 150 g box BOX-M,
// a site tolerance of 20 g or 1 %, a packer and a manager.
func packingTestDB(t testing.TB) (db *DB, packer, manager *app.User) {
	t.Helper()
	BcryptCost = 4
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "depot.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.CreateProduct(ctx, app.NewProduct{Name: "Things", Variants: []app.NewVariant{
		{SKU: "SKU-A", UnitWeightMg: 250_000}, {SKU: "SKU-B", UnitWeightMg: 90_000}}}); err != nil {
		t.Fatal(err)
	}
	for _, l := range []app.NewLocation{{Code: "WH", Kind: app.KindSite}, {Code: "A-01", Kind: app.KindBin, Parent: "WH"},
		{Code: "PACK", Kind: app.KindStaging, Parent: "WH"}} {
		if _, err := db.CreateLocation(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := db.PostMovement(ctx, app.PostMovement{Kind: app.Receive, IdempotencyKey: "stock",
		Lines: []app.MovementLine{{SKU: "SKU-A", Qty: 100, To: "A-01"}, {SKU: "SKU-B", Qty: 100, To: "A-01"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveBox(ctx, app.Box{Code: "BOX-M", Name: "Medium box", TareMg: 150_000}); err != nil {
		t.Fatal(err)
	}
	if err := db.SetPackTolerance(ctx, packcheck.Tolerance{AbsMg: 20_000, PctBP: 100}); err != nil {
		t.Fatal(err)
	}
	if packer, err = db.AddUser(ctx, "pat", app.Packer, "packer password"); err != nil {
		t.Fatal(err)
	}
	if manager, err = db.AddUser(ctx, "mia", app.Manager, "manager password"); err != nil {
		t.Fatal(err)
	}
	return db, packer, manager
}

// packingTestOrder sets up with SQL and the writer primitives what release
// and picking leave behind, until the orders and picking branches are
// merged: order number with its lines allocated in full; with picked, the
// stock and its reservation moved from A-01 to PACK and the allocations
// 'picked' there (order 'picked'), else reserved at A-01 (order
// 'released').
func packingTestOrder(t testing.TB, db *DB, number string, picked bool, lines ...packingTestLine) {
	t.Helper()
	status, at := "released", "A-01"
	if picked {
		status, at = "picked", "PACK"
	}
	_, err := db.w.Do(context.Background(), func(tx *Tx) (any, error) {
		r, err := tx.Exec(`INSERT INTO sales_orders (number, status, ship_to, created_at, released_at) VALUES (?, ?, 'Ada Lovelace, 1 Analytical Way', ?, ?)`,
			number, status, ms(tx.Now), ms(tx.Now))
		if err != nil {
			return nil, err
		}
		orderID, _ := r.LastInsertId()
		var atID int64
		if err := tx.QueryRow(`SELECT id FROM locations WHERE code = ?`, at).Scan(&atID); err != nil {
			return nil, err
		}
		for i, l := range lines {
			var variantID int64
			if err := tx.QueryRow(`SELECT id FROM variants WHERE sku = ?`, l.sku).Scan(&variantID); err != nil {
				return nil, err
			}
			pickedQty := int64(0)
			if picked {
				pickedQty = l.qty
				if _, err := tx.post(app.PostMovement{Kind: app.Move, IdempotencyKey: fmt.Sprintf("pick-%s-%d", number, i),
					Lines: []app.MovementLine{{SKU: l.sku, Qty: l.qty, From: "A-01", To: "PACK"}}}); err != nil {
					return nil, err
				}
			}
			if err := tx.reserve(variantID, atID, 0, l.qty); err != nil {
				return nil, err
			}
			r, err := tx.Exec(`INSERT INTO sales_order_lines (order_id, line_no, variant_id, qty, allocated_qty, picked_qty) VALUES (?, ?, ?, ?, ?, ?)`,
				orderID, i+1, variantID, l.qty, l.qty, pickedQty)
			if err != nil {
				return nil, err
			}
			lineID, _ := r.LastInsertId()
			if _, err := tx.Exec(`INSERT INTO allocations (order_line_id, variant_id, location_id, qty, status, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
				lineID, variantID, atID, l.qty, map[bool]string{true: "picked", false: "open"}[picked], ms(tx.Now)); err != nil {
				return nil, err
			}
		}
		return nil, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// packingTestLevel returns on hand and reserved of a SKU at a location.
func packingTestLevel(t *testing.T, db *DB, sku, loc string) (onHand, reserved int64) {
	t.Helper()
	err := db.read.QueryRow(`SELECT ifnull(sum(il.on_hand), 0), ifnull(sum(il.reserved), 0) FROM inventory_levels il
		JOIN variants v ON v.id = il.variant_id JOIN locations l ON l.id = il.location_id WHERE v.sku = ? AND l.code = ?`, sku, loc).Scan(&onHand, &reserved)
	if err != nil {
		t.Fatal(err)
	}
	return onHand, reserved
}

// packingTestCount counts rows of a query.
func packingTestCount(t *testing.T, db *DB, query string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.read.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func wantCode(t *testing.T, what string, err error, code, text string) {
	t.Helper()
	if app.ErrorCode(err) != code || !strings.Contains(app.ErrorMessage(err), text) {
		t.Fatalf("%s: got %v (%s), want %s containing %q", what, err, app.ErrorCode(err), code, text)
	}
}

// TestPackAtStation is the station's path in the store: scans checked
// against the order, a light parcel recorded with its cause and refused,
// the right weight shipped with the stock and its reservation gone from
// PACK in one movement.
func TestPackAtStation(t *testing.T) {
	ctx := context.Background()
	db, packer, _ := packingTestDB(t)
	packingTestOrder(t, db, "SO-1", true, packingTestLine{"SKU-A", 3}, packingTestLine{"SKU-B", 1})

	if _, err := db.VerifyPackage(ctx, app.VerifyPackage{Order: "SO-1", Box: "BOX-M", WeightMg: 990_000, Stable: true, Record: true}); err == nil {
		t.Fatal("verified before the items were scanned")
	} else {
		wantCode(t, "verify unscanned", err, app.ECONFLICT, "scan the rest into the parcel first: 3 x SKU-A, 1 x SKU-B")
	}
	_, err := db.PackItem(ctx, app.PackScan{Order: "SO-1", SKU: "SKU-C", Qty: 1})
	wantCode(t, "wrong item", err, app.ECONFLICT, "WRONG ITEM: SKU-C is not on order SO-1")
	if _, err := db.PackItem(ctx, app.PackScan{Order: "SO-1", SKU: "SKU-A", Qty: 4}); err == nil {
		t.Fatal("4 x SKU-A packed into an order of 3")
	} else {
		wantCode(t, "too many", err, app.ECONFLICT, "only 3 more x SKU-A")
	}
	for _, sku := range []string{"SKU-A", "sku-a", "SKU-B", "SKU-A"} {
		if _, err := db.PackItem(ctx, app.PackScan{Order: "SO-1", SKU: sku, Qty: 1}); err != nil {
			t.Fatalf("pack %s: %v", sku, err)
		}
	}
	_, err = db.PackItem(ctx, app.PackScan{Order: "SO-1", SKU: "SKU-B", Qty: 1})
	wantCode(t, "extra", err, app.ECONFLICT, "EXTRA ITEM: all 1 x SKU-B of order SO-1 are already packed")
	o, err := db.PackOrder(ctx, "SO-1")
	if err != nil || !o.Complete() || o.Lines[0].Packed != 3 || o.Lines[1].Packed != 1 {
		t.Fatalf("after the scans: %+v, %v", o, err)
	}

	// One SKU-A left out: 990 g expected, 741 g on the scale.
	light, err := db.VerifyPackage(ctx, app.VerifyPackage{Order: "SO-1", Box: "BOX-M", WeightMg: 741_000, Stable: true,
		Record: true, Station: "PACK", Scale: "sim:nci", UserID: packer.ID})
	if err != nil {
		t.Fatal(err)
	}
	if light.Pass || light.ExpectedMg != 990_000 || light.ToleranceMg != 20_000 || light.Cause != "1 x SKU-A (250 g) missing" || light.PackageID == 0 {
		t.Fatalf("light parcel: %+v", light)
	}
	_, err = db.ShipOrder(ctx, app.ShipOrder{Order: "SO-1", PackageID: light.PackageID, UserID: packer.ID})
	wantCode(t, "ship a failed parcel", err, app.ECONFLICT, "failed its weight check")

	good, err := db.VerifyPackage(ctx, app.VerifyPackage{Order: "SO-1", Box: "BOX-M", WeightMg: 995_000, Stable: true,
		Record: true, Station: "PACK", Scale: "sim:nci", UserID: packer.ID})
	if err != nil || !good.Pass || good.ShipmentID != light.ShipmentID {
		t.Fatalf("good parcel: %+v, %v", good, err)
	}
	_, err = db.ShipOrder(ctx, app.ShipOrder{Order: "SO-1", PackageID: light.PackageID, UserID: packer.ID})
	wantCode(t, "ship an older weighing", err, app.ECONFLICT, "weighed again since")

	s, err := db.ShipOrder(ctx, app.ShipOrder{Order: "SO-1", PackageID: good.PackageID, UserID: packer.ID})
	if err != nil {
		t.Fatal(err)
	}
	if s.Status != "shipped" || s.Tracking != app.DepotTracking(s.ID) || s.Station != "PACK" || s.Carrier != "manual" || len(s.Packages) != 2 || s.MovementID == 0 {
		t.Fatalf("shipment: %+v", s)
	}
	if p := s.Packages[0]; p.Pass || p.Cause != "1 x SKU-A (250 g) missing" || p.MeasuredMg != 741_000 || p.Scale != "sim:nci" || p.VerifiedBy != "pat" || p.Box != "BOX-M" {
		t.Errorf("the failed weighing: %+v", p)
	}
	if p := s.Packages[1]; !p.Pass || p.MeasuredMg != 995_000 || p.ExpectedMg != 990_000 {
		t.Errorf("the parcel: %+v", p)
	}
	for _, sku := range []string{"SKU-A", "SKU-B"} {
		if on, res := packingTestLevel(t, db, sku, "PACK"); on != 0 || res != 0 {
			t.Errorf("%s at PACK after shipping: on hand %d reserved %d", sku, on, res)
		}
	}
	m, err := db.Movement(ctx, s.MovementID)
	if err != nil || m.Kind != app.Ship || len(m.Legs) != 4 || m.Reference == nil || m.Reference.Type != "shipment" {
		t.Fatalf("ship movement: %+v, %v", m, err)
	}
	if n := packingTestCount(t, db, `SELECT count(*) FROM allocations WHERE status <> 'shipped'`); n != 0 {
		t.Errorf("%d allocations not shipped", n)
	}
	if n := packingTestCount(t, db, `SELECT count(*) FROM sales_order_lines WHERE shipped_qty <> qty OR allocated_qty <> 0`); n != 0 {
		t.Errorf("%d lines not shipped in full", n)
	}
	if o, _ := db.PackOrder(ctx, "SO-1"); o.Status != "shipped" {
		t.Errorf("order status %s", o.Status)
	}
	_, err = db.ShipOrder(ctx, app.ShipOrder{Order: "SO-1", PackageID: good.PackageID, UserID: packer.ID})
	wantCode(t, "ship twice", err, app.ECONFLICT, "order SO-1 is shipped")
	if rep, err := db.Verify(ctx); err != nil || len(rep.Problems) > 0 {
		t.Errorf("verify: %v %v", rep, err)
	}
	list, err := db.Shipments(ctx, "SO-1")
	if err != nil || len(list) != 1 || list[0].ID != s.ID {
		t.Errorf("shipments of SO-1: %+v, %v", list, err)
	}
}

// TestShipWritesNothingOnFailure: a ship that fails at its movement (a
// unit went missing from PACK) leaves the shipment open, the allocations
// picked, the reservation and the order as they were.
func TestShipWritesNothingOnFailure(t *testing.T) {
	ctx := context.Background()
	db, packer, _ := packingTestDB(t)
	packingTestOrder(t, db, "SO-2", true, packingTestLine{"SKU-A", 3})
	if _, err := db.PackItem(ctx, app.PackScan{Order: "SO-2", SKU: "SKU-A", Qty: 3}); err != nil {
		t.Fatal(err)
	}
	v, err := db.VerifyPackage(ctx, app.VerifyPackage{Order: "SO-2", Box: "BOX-M", WeightMg: 900_000, Stable: true, Record: true, UserID: packer.ID})
	if err != nil || !v.Pass {
		t.Fatalf("verify: %+v %v", v, err)
	}
	// A unit was found broken at the bench and written off.
	if _, _, err := db.PostMovement(ctx, app.PostMovement{Kind: app.Adjust, Reason: "damaged", IdempotencyKey: "broken",
		Lines: []app.MovementLine{{SKU: "SKU-A", Qty: 1, From: "PACK"}}}); err != nil {
		t.Fatal(err)
	}
	movements := packingTestCount(t, db, `SELECT count(*) FROM movements`)
	_, err = db.ShipOrder(ctx, app.ShipOrder{Order: "SO-2", PackageID: v.PackageID, UserID: packer.ID})
	wantCode(t, "ship with a unit gone", err, app.ECONFLICT, "SKU-A")
	if on, res := packingTestLevel(t, db, "SKU-A", "PACK"); on != 2 || res != 3 {
		t.Errorf("PACK after the refused ship: on hand %d reserved %d, want 2 and 3", on, res)
	}
	for q, want := range map[string]int64{
		`SELECT count(*) FROM movements`:                                                     movements,
		`SELECT count(*) FROM allocations WHERE status = 'picked'`:                           1,
		`SELECT count(*) FROM shipments WHERE status = 'open' AND tracking IS NULL`:          1,
		`SELECT count(*) FROM sales_order_lines WHERE shipped_qty = 0 AND allocated_qty = 3`: 1,
		`SELECT count(*) FROM sales_orders WHERE status = 'picked' AND shipped_at IS NULL`:   1,
	} {
		if n := packingTestCount(t, db, q); n != want {
			t.Errorf("%s: %d, want %d", q, n, want)
		}
	}
}

// TestOverrideFailedParcel: only a manager, with a reason, passes a parcel
// that failed; the override is on the package.
func TestOverrideFailedParcel(t *testing.T) {
	ctx := context.Background()
	db, packer, manager := packingTestDB(t)
	packingTestOrder(t, db, "SO-3", true, packingTestLine{"SKU-B", 2})
	if _, err := db.PackItem(ctx, app.PackScan{Order: "SO-3", SKU: "SKU-B", Qty: 2}); err != nil {
		t.Fatal(err)
	}
	v, err := db.VerifyPackage(ctx, app.VerifyPackage{Order: "SO-3", Box: "BOX-M", WeightMg: 450_000, Stable: true, Record: true, UserID: packer.ID})
	if err != nil || v.Pass || !strings.HasPrefix(v.Cause, "unknown") {
		t.Fatalf("verify: %+v %v", v, err)
	}
	_, err = db.OverridePackage(ctx, v.PackageID, packer.ID, "box is wet")
	wantCode(t, "packer overrides", err, app.EFORBIDDEN, "only a manager")
	_, err = db.OverridePackage(ctx, v.PackageID, manager.ID, " ")
	wantCode(t, "no reason", err, app.EINVALID, "is required")
	p, err := db.OverridePackage(ctx, v.PackageID, manager.ID, "heavy gift wrap the customer asked for")
	if err != nil || p.OverrideBy != "mia" || p.OverrideReason != "heavy gift wrap the customer asked for" || p.Pass {
		t.Fatalf("override: %+v %v", p, err)
	}
	_, err = db.OverridePackage(ctx, v.PackageID, manager.ID, "again")
	wantCode(t, "override twice", err, app.ECONFLICT, "already overridden")
	s, err := db.ShipOrder(ctx, app.ShipOrder{Order: "SO-3", PackageID: v.PackageID, UserID: packer.ID})
	if err != nil || s.Status != "shipped" || !s.Packages[0].Accepted() {
		t.Fatalf("ship overridden: %+v %v", s, err)
	}
}

// TestShipThroughAPI: packages given with weights are checked; a failure
// is refused without writing, or shipped with a manager's reason; a
// retried key returns the first shipment.
func TestShipThroughAPI(t *testing.T) {
	ctx := context.Background()
	db, packer, manager := packingTestDB(t)
	packingTestOrder(t, db, "SO-4", true, packingTestLine{"SKU-A", 2}, packingTestLine{"SKU-B", 1})
	packingTestOrder(t, db, "SO-5", true, packingTestLine{"SKU-A", 1})
	packingTestOrder(t, db, "SO-6", false, packingTestLine{"SKU-B", 1})

	// Two parcels: 2 x A in BOX-M (650 g), 1 x B without a box (90 g).
	two := app.ShipOrder{Order: "SO-4", Carrier: "DHL", Service: "express", Tracking: "JD0001", IdempotencyKey: "k-4", UserID: packer.ID,
		Packages: []app.ShipPackage{{Box: "BOX-M", WeightMg: 652_000, LengthMM: 300, WidthMM: 200, HeightMM: 100, Items: []app.ShipItem{{SKU: "SKU-A", Qty: 2}}},
			{WeightMg: 140_000, Items: []app.ShipItem{{SKU: "SKU-B", Qty: 1}}}}}
	_, err := db.ShipOrder(ctx, two)
	wantCode(t, "second parcel 50 g heavy", err, app.ECONFLICT, "expected 90 g, measured 140 g (+50 g, 20 g allowed)")
	if n := packingTestCount(t, db, `SELECT count(*) FROM shipments`); n != 0 {
		t.Fatalf("%d shipments after a refusal", n)
	}
	two.Packages[1].WeightMg = 95_000
	s, err := db.ShipOrder(ctx, two)
	if err != nil || s.Tracking != "JD0001" || s.Carrier != "DHL" || len(s.Packages) != 2 || s.Packages[0].LengthMM != 300 || s.Packages[1].ExpectedMg != 90_000 {
		t.Fatalf("two parcels: %+v %v", s, err)
	}
	again, err := db.ShipOrder(ctx, two)
	if err != nil || again.ID != s.ID || !again.Replayed {
		t.Errorf("retry: %+v %v", again, err)
	}

	// SO-5 was weighed at a station before it ships through the API.
	if _, err := db.PackItem(ctx, app.PackScan{Order: "SO-5", SKU: "SKU-A", Qty: 1}); err != nil {
		t.Fatal(err)
	}
	station, err := db.VerifyPackage(ctx, app.VerifyPackage{Order: "SO-5", Box: "BOX-M", WeightMg: 100_000, Stable: true, Record: true, UserID: packer.ID})
	if err != nil || station.Pass {
		t.Fatalf("station weighing: %+v %v", station, err)
	}
	one := app.ShipOrder{Order: "SO-5", UserID: packer.ID, Packages: []app.ShipPackage{{Box: "BOX-M", WeightMg: 150_000}}}
	_, err = db.ShipOrder(ctx, one)
	wantCode(t, "empty box", err, app.ECONFLICT, "1 x SKU-A (250 g) missing")
	one.OverrideReason = "customer collects the rest"
	_, err = db.ShipOrder(ctx, one)
	wantCode(t, "packer overrides", err, app.EFORBIDDEN, "only a manager")
	one.UserID, one.MayOverride = manager.ID, true
	s, err = db.ShipOrder(ctx, one)
	if err != nil || s.Packages[0].OverrideBy != "mia" || s.Tracking != app.DepotTracking(s.ID) {
		t.Fatalf("override through the API: %+v %v", s, err)
	}
	if left, err := db.Shipment(ctx, station.ShipmentID); err != nil || left.Status != "cancelled" {
		t.Errorf("the station's open shipment after the API shipped SO-5: %+v %v", left, err)
	}

	_, err = db.ShipOrder(ctx, app.ShipOrder{Order: "SO-6", Packages: []app.ShipPackage{{WeightMg: 90_000}}})
	wantCode(t, "not picked", err, app.ECONFLICT, "1 units not picked yet")
	_, err = db.ShipOrder(ctx, app.ShipOrder{Order: "SO-4", Packages: []app.ShipPackage{{WeightMg: 1}, {WeightMg: 1}}})
	wantCode(t, "items missing", err, app.EINVALID, "is required when a shipment has several packages")
}

// TestVerifyAPI: the API's check of a released order writes nothing; an
// unknown box or order is named.
func TestVerifyAPI(t *testing.T) {
	ctx := context.Background()
	db, _, _ := packingTestDB(t)
	packingTestOrder(t, db, "SO-7", false, packingTestLine{"SKU-A", 1}, packingTestLine{"SKU-B", 2})
	v, err := db.VerifyPackage(ctx, app.VerifyPackage{Order: "SO-7", Box: "BOX-M", WeightMg: 500_000})
	if err != nil || v.Pass || v.ExpectedMg != 580_000 || v.Cause != "1 x SKU-B (90 g) missing" {
		t.Fatalf("verify: %+v %v", v, err)
	}
	if n := packingTestCount(t, db, `SELECT count(*) FROM packages`); n != 0 {
		t.Errorf("the API's check wrote %d packages", n)
	}
	_, err = db.VerifyPackage(ctx, app.VerifyPackage{Order: "SO-7", Box: "BOX-XL", WeightMg: 500_000})
	if e, ok := err.(*app.Error); !ok || e.Code != app.ENOTFOUND || e.Field != "box" {
		t.Errorf("unknown box: %v", err)
	}
	_, err = db.VerifyPackage(ctx, app.VerifyPackage{Order: "SO-404", WeightMg: 500_000})
	wantCode(t, "unknown order", err, app.ENOTFOUND, `no order or tote "SO-404"`)
	_, err = db.VerifyPackage(ctx, app.VerifyPackage{Order: "SO-7", WeightMg: 0})
	wantCode(t, "no weight", err, app.EINVALID, "parcel's weight in milligrams")
}

// TestPackOrderByTote: a tote scanned at the station finds the order
// picked into it.
func TestPackOrderByTote(t *testing.T) {
	ctx := context.Background()
	db, _, _ := packingTestDB(t)
	packingTestOrder(t, db, "SO-8", true, packingTestLine{"SKU-A", 1})
	_, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		r, err := tx.Exec(`INSERT INTO pick_lists (kind, status, created_at) VALUES ('single', 'done', ?)`, ms(tx.Now))
		if err != nil {
			return nil, err
		}
		list, _ := r.LastInsertId()
		_, err = tx.Exec(`INSERT INTO pick_tasks (pick_list_id, seq, allocation_id, order_id, variant_id, location_id, qty, picked_qty, tote, status)
			SELECT ?, 1, a.id, o.id, a.variant_id, a.location_id, a.qty, a.qty, 'TOTE-7', 'picked'
			FROM allocations a JOIN sales_order_lines l ON l.id = a.order_line_id JOIN sales_orders o ON o.id = l.order_id WHERE o.number = 'SO-8'`, list)
		return nil, err
	})
	if err != nil {
		t.Fatal(err)
	}
	o, err := db.PackOrder(ctx, "tote-7")
	if err != nil || o.Number != "SO-8" {
		t.Fatalf("by tote: %+v %v", o, err)
	}
}

// TestBoxesAndTolerance: boxes are saved by code and listed; the site
// tolerance has a default and refuses nonsense.
func TestBoxesAndTolerance(t *testing.T) {
	ctx := context.Background()
	db, _, _ := packingTestDB(t)
	if _, err := db.SaveBox(ctx, app.Box{Code: "box-m", Name: "Medium box, new supplier", TareMg: 160_000}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveBox(ctx, app.Box{Code: "BOX-S", Name: "Small", TareMg: 80_000, Archived: true}); err != nil {
		t.Fatal(err)
	}
	_, err := db.SaveBox(ctx, app.Box{Code: "BOX-L", Name: "Large", TareMg: -1})
	wantCode(t, "negative tare", err, app.EINVALID, "must be a whole number")
	boxes, err := db.Boxes(ctx, false)
	if err != nil || len(boxes) != 1 || boxes[0].TareMg != 160_000 || boxes[0].Code != "BOX-M" {
		t.Fatalf("boxes: %+v %v", boxes, err)
	}
	if all, _ := db.Boxes(ctx, true); len(all) != 2 {
		t.Errorf("with archived: %+v", all)
	}
	if tol, err := db.PackTolerance(ctx); err != nil || tol != (packcheck.Tolerance{AbsMg: 20_000, PctBP: 100}) {
		t.Errorf("tolerance: %+v %v", tol, err)
	}
	if err := db.SetPackTolerance(ctx, packcheck.Tolerance{AbsMg: 1, PctBP: 20_000}); app.ErrorField(err) != "pct_bp" {
		t.Errorf("200 %%: %v", err)
	}
}

// TestVariantTolerance: a variant's own tolerance changes the verdict of
// its parcels, and the list shows it.
func TestVariantTolerance(t *testing.T) {
	ctx := context.Background()
	db, _, _ := packingTestDB(t)
	packingTestOrder(t, db, "SO-T", false, packingTestLine{"SKU-A", 1})
	check := func() *app.Verification {
		t.Helper()
		v, err := db.VerifyPackage(ctx, app.VerifyPackage{Order: "SO-T", Box: "BOX-M", WeightMg: 440_000})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if v := check(); v.Pass || v.ToleranceMg != 20_000 {
		t.Fatalf("40 g heavy with the site's 20 g: %+v", v)
	}
	abs := int64(60_000)
	if err := db.SetWeightTolerance(ctx, "sku-a", &abs, nil); err != nil {
		t.Fatal(err)
	}
	if v := check(); !v.Pass || v.ToleranceMg != 60_000 {
		t.Errorf("with SKU-A's own 60 g: %+v", v)
	}
	list, err := db.WeightTolerances(ctx)
	if err != nil || len(list) != 1 || list[0].SKU != "SKU-A" || *list[0].AbsMg != 60_000 || list[0].PctBP != nil {
		t.Errorf("overrides: %+v %v", list, err)
	}
	err = db.SetWeightTolerance(ctx, "SKU-Q", &abs, nil)
	wantCode(t, "unknown SKU", err, app.ENOTFOUND, `no variant has SKU "SKU-Q"`)
	if err := db.SetWeightTolerance(ctx, "SKU-A", nil, nil); err != nil {
		t.Fatal(err)
	}
	if v := check(); v.Pass {
		t.Errorf("after removing the override: %+v", v)
	}
}

// TestShipRace: ten packers ship the same order at the same instant (two
// stations, the API): exactly one shipment leaves, the others are refused,
// and the stock left PACK once.
func TestShipRace(t *testing.T) {
	ctx := context.Background()
	db, packer, _ := packingTestDB(t)
	packingTestOrder(t, db, "SO-R", true, packingTestLine{"SKU-A", 2})
	start := make(chan struct{})
	errs := make(chan error, 10)
	for i := range 10 {
		go func() {
			<-start
			_, err := db.ShipOrder(ctx, app.ShipOrder{Order: "SO-R", IdempotencyKey: fmt.Sprintf("race-%d", i), UserID: packer.ID,
				Packages: []app.ShipPackage{{Box: "BOX-M", WeightMg: 650_000}}})
			errs <- err
		}()
	}
	close(start)
	var ok int
	for range 10 {
		err := <-errs
		switch {
		case err == nil:
			ok++
		case app.ErrorCode(err) == app.ECONFLICT && strings.Contains(err.Error(), "order SO-R is shipped"):
		default:
			t.Errorf("a racing ship: %v", err)
		}
	}
	if ok != 1 {
		t.Errorf("%d shipments left, want 1", ok)
	}
	if n := packingTestCount(t, db, `SELECT count(*) FROM movements WHERE kind = 'ship'`); n != 1 {
		t.Errorf("%d ship movements", n)
	}
	if on, res := packingTestLevel(t, db, "SKU-A", "PACK"); on != 0 || res != 0 {
		t.Errorf("PACK after the race: on hand %d reserved %d", on, res)
	}
}

// TestCancelClosesAStationShipment: a parcel weighed at a station and then
// abandoned leaves an open shipment; cancelling the order cancels it, so
// nothing shows the order as on its way out.
func TestCancelClosesAStationShipment(t *testing.T) {
	ctx := context.Background()
	db, packer, _ := packingTestDB(t)
	packingTestOrder(t, db, "SO-9", true, packingTestLine{"SKU-B", 2})
	if _, err := db.PackItem(ctx, app.PackScan{Order: "SO-9", SKU: "SKU-B", Qty: 2}); err != nil {
		t.Fatal(err)
	}
	v, err := db.VerifyPackage(ctx, app.VerifyPackage{Order: "SO-9", Box: "BOX-M", WeightMg: 450_000, Stable: true, Record: true, UserID: packer.ID})
	if err != nil || v.Pass {
		t.Fatalf("verify: %+v %v", v, err)
	}
	if _, err := db.CancelOrder(ctx, "SO-9"); err != nil {
		t.Fatal(err)
	}
	ss, err := db.Shipments(ctx, "SO-9")
	if err != nil || len(ss) != 1 || ss[0].Status != "cancelled" {
		t.Fatalf("shipments of the cancelled order: %+v %v", ss, err)
	}
}
