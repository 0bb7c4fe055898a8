package web_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"depot/app"
	"depot/app/sqlite"
	"depot/app/web"
)

// newPackingEnv serves the API with the packing service on, over the
// warehouse of packingTestWarehouse.
func newPackingEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t, func(s *web.Services) { s.Packing = s.Ledger.(*sqlite.DB) })
	packingTestWarehouse(t, e.db, e.raw)
	return e
}

// packingTestWarehouse adds SKU-A (250 g) and SKU-B (90 g) with 100 each
// in bin A-01, a packing place PACK, a 150 g box BOX-M and a site
// tolerance of 20 g or 1 %.
func packingTestWarehouse(t testing.TB, db *sqlite.DB, raw *sql.DB) {
	t.Helper()
	ctx := context.Background()
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
	if _, err := raw.Exec(`INSERT INTO settings (key, value, updated_at) VALUES ('packing.tolerance', '{"abs_mg":20000,"pct_bp":100}', 0)`); err != nil {
		t.Fatal(err)
	}
}

// packingTestPickedOrder sets up with SQL what release and picking leave
// behind, until the orders and picking branches are merged: the order
// allocated in full, with picked its stock moved from A-01 to PACK and
// reserved there (allocations and order 'picked'), else reserved at A-01
// (allocations 'open', order 'released').
func packingTestPickedOrder(t testing.TB, db *sqlite.DB, raw *sql.DB, number string, picked bool, lines map[string]int64) {
	t.Helper()
	exec := func(q string, args ...any) int64 {
		t.Helper()
		r, err := raw.Exec(q, args...)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		id, _ := r.LastInsertId()
		return id
	}
	status, at, alloc := "released", "A-01", "open"
	if picked {
		status, at, alloc = "picked", "PACK", "picked"
	}
	id := exec(`INSERT INTO sales_orders (number, status, ship_to, created_at) VALUES (?, ?, 'Ana Silva, Rua Augusta 100, Lisboa', 0)`, number, status)
	n := 0
	for sku, qty := range lines {
		n++
		if picked {
			if _, _, err := db.PostMovement(context.Background(), app.PostMovement{Kind: app.Move, IdempotencyKey: fmt.Sprintf("pick-%s-%s", number, sku),
				Lines: []app.MovementLine{{SKU: sku, Qty: qty, From: "A-01", To: "PACK"}}}); err != nil {
				t.Fatal(err)
			}
		}
		line := exec(`INSERT INTO sales_order_lines (order_id, line_no, variant_id, qty, allocated_qty, picked_qty)
			VALUES (?, ?, (SELECT id FROM variants WHERE sku = ?), ?, ?, ?)`, id, n, sku, qty, qty, map[bool]int64{true: qty}[picked])
		exec(`INSERT INTO allocations (order_line_id, variant_id, location_id, qty, status, created_at)
			VALUES (?, (SELECT id FROM variants WHERE sku = ?), (SELECT id FROM locations WHERE code = ?), ?, ?, 0)`, line, sku, at, qty, alloc)
		exec(`UPDATE inventory_levels SET reserved = reserved + ? WHERE variant_id = (SELECT id FROM variants WHERE sku = ?)
			AND location_id = (SELECT id FROM locations WHERE code = ?) AND lot_id = 0`, qty, sku, at)
	}
}

func TestVerifyPackageAPI(t *testing.T) {
	e := newPackingEnv(t)
	packingTestPickedOrder(t, e.db, e.raw, "SO-1", false, map[string]int64{"SKU-A": 3, "SKU-B": 1})
	var v map[string]any
	e.do(app.Packer, "POST", "/api/v1/packages/verify", `{"order":"SO-1","box":"BOX-M","weight_mg":741000}`).must(t, 200, &v)
	want := map[string]any{"pass": false, "expected_mg": 990000.0, "measured_mg": 741000.0, "tolerance_mg": 20000.0, "cause": "1 x SKU-A (250 g) missing"}
	for k, w := range want {
		if v[k] != w {
			t.Errorf("%s: %v, want %v (%v)", k, v[k], w, v)
		}
	}
	e.do(app.Packer, "POST", "/api/v1/packages/verify", `{"order":"SO-1","box":"BOX-M","weight_mg":1000000}`).must(t, 200, &v)
	if v["pass"] != true || v["cause"] != "" {
		t.Errorf("right weight: %v", v)
	}
	for _, c := range []struct {
		role        app.Role
		body        string
		status      int
		code, field string
		messagePart string
	}{
		{app.Viewer, `{"order":"SO-1","weight_mg":1}`, 403, "forbidden", "", "pack and ship orders"},
		{app.Packer, `{"order":"SO-1"}`, 400, "invalid", "weight_mg", "milligrams"},
		{app.Packer, `{"order":"SO-1","weight_mg":5,"extra":1}`, 400, "invalid", "extra", ""},
		{app.Packer, `{"order":"SO-9","weight_mg":5}`, 404, "not_found", "order", `no order or tote "SO-9"`},
		{app.Packer, `{"order":"SO-1","box":"CRATE","weight_mg":5}`, 404, "not_found", "box", `no box "CRATE"`},
	} {
		r := e.do(c.role, "POST", "/api/v1/packages/verify", c.body)
		code, msg, field := r.errorOf(t)
		if r.Status != c.status || code != c.code || field != c.field || !strings.Contains(msg, c.messagePart) {
			t.Errorf("%s %s: %d %s %s %q", c.role, c.body, r.Status, code, field, msg)
		}
	}
	var n int64
	e.raw.QueryRow(`SELECT count(*) FROM packages`).Scan(&n)
	if n != 0 {
		t.Errorf("verify wrote %d packages", n)
	}
}

func TestShipmentsAPI(t *testing.T) {
	e := newPackingEnv(t)
	packingTestPickedOrder(t, e.db, e.raw, "SO-2", true, map[string]int64{"SKU-A": 2})
	before := e.counts()
	r := e.do(app.Packer, "POST", "/api/v1/shipments", `{"order":"SO-2","packages":[{"box":"BOX-M","weight_mg":400000}]}`)
	code, msg, field := r.errorOf(t)
	if r.Status != 409 || code != "conflict" || field != "packages[0].weight_mg" || !strings.Contains(msg, "1 x SKU-A (250 g) missing") {
		t.Errorf("light parcel: %d %s %s %q", r.Status, code, field, msg)
	}
	r = e.do(app.Packer, "POST", "/api/v1/shipments", `{"order":"SO-2","override_reason":"fine","packages":[{"box":"BOX-M","weight_mg":400000}]}`)
	if code, _, field := r.errorOf(t); r.Status != 403 || field != "override_reason" {
		t.Errorf("packer override: %d %s %s", r.Status, code, field)
	}
	if after := e.counts(); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("refused shipments wrote rows: %v -> %v", before, after)
	}

	body := `{"order":"SO-2","carrier":"DHL","service":"parcel","idempotency_key":"ship-so-2",
		"packages":[{"box":"BOX-M","weight_mg":655000,"length_mm":300,"width_mm":200,"height_mm":120}]}`
	var got struct {
		Shipment app.Shipment `json:"shipment"`
	}
	r = e.do(app.Packer, "POST", "/api/v1/shipments", body).must(t, 201, &got)
	s := got.Shipment
	if s.Order != "SO-2" || s.Status != "shipped" || s.Carrier != "DHL" || s.Tracking != app.DepotTracking(s.ID) || len(s.Packages) != 1 ||
		s.Packages[0].HeightMM != 120 || s.Packages[0].VerifiedBy != "packer" || r.Header.Get("Location") != fmt.Sprintf("/api/v1/shipments/%d", s.ID) {
		t.Errorf("shipment: %+v, Location %s", s, r.Header.Get("Location"))
	}
	var onPack, reserved int64
	e.raw.QueryRow(`SELECT on_hand, reserved FROM inventory_levels WHERE location_id = (SELECT id FROM locations WHERE code = 'PACK')`).Scan(&onPack, &reserved)
	if onPack != 0 || reserved != 0 {
		t.Errorf("PACK after shipping: on hand %d reserved %d", onPack, reserved)
	}
	r = e.do(app.Packer, "POST", "/api/v1/shipments", body).must(t, 200, &got)
	if got.Shipment.ID != s.ID || r.Header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("retry: %+v", got.Shipment)
	}

	e.do(app.Viewer, "GET", fmt.Sprintf("/api/v1/shipments/%d", s.ID), "").must(t, 200, &got)
	if got.Shipment.Tracking != s.Tracking || got.Shipment.ShipTo != "Ana Silva, Rua Augusta 100, Lisboa" {
		t.Errorf("GET shipment: %+v", got.Shipment)
	}
	var list struct {
		Shipments []app.Shipment `json:"shipments"`
	}
	e.do(app.Viewer, "GET", "/api/v1/shipments?order=SO-2", "").must(t, 200, &list)
	if len(list.Shipments) != 1 || list.Shipments[0].ID != s.ID {
		t.Errorf("list: %+v", list)
	}
	r = e.do(app.Viewer, "GET", fmt.Sprintf("/api/v1/shipments/%d/label", s.ID), "").must(t, 200, nil)
	if !strings.Contains(string(r.Body), "^FDTRACKING "+s.Tracking+"^FS") || !strings.Contains(string(r.Body), "^FDAna Silva^FS") ||
		!strings.Contains(string(r.Body), "^FDORDER SO-2^FS") || r.Header.Get("Content-Type") != "application/zpl; charset=utf-8" {
		t.Errorf("label: %s %s", r.Header.Get("Content-Type"), r.Body)
	}
	for path, want := range map[string]string{
		"/api/v1/shipments":             "order",
		"/api/v1/shipments?order=SO-77": "order",
		"/api/v1/shipments/x":           "id",
		"/api/v1/shipments/999":         "",
		"/api/v1/shipments?sku=A":       "sku",
	} {
		r := e.do(app.Viewer, "GET", path, "")
		if _, _, field := r.errorOf(t); r.Status < 400 || field != want {
			t.Errorf("GET %s: %d field %q, want %q", path, r.Status, field, want)
		}
	}
}
