package sqlite

import (
	"testing"

	"depot/app"
)

// TestShipAfterRealPick runs the whole path through the real release and
// picking of the orders and picking branches: a batch list into totes,
// every stop confirmed to PACK, the order found at the station by its
// tote, packed, weighed and shipped, the lot leaving with it, and every
// reservation accounted for after each step.
func TestShipAfterRealPick(t *testing.T) {
	f := newPickFixture(t)
	f.receive("TEE", "A1-01", "", "", 20)
	f.receive("MILK", "A1-02", "L1", "2027-01-31", 10)
	f.release("SO-9", "", "", testLine{"TEE", 3}, testLine{"MILK", 2})
	lists, err := f.db.CreatePickLists(f.ctx, app.NewPickLists{Kind: app.PickBatch, Orders: []string{"SO-9"}, Destination: "PACK", UserID: f.users["boss"]})
	if err != nil || len(lists) != 1 {
		t.Fatalf("pick list: %+v %v", lists, err)
	}
	picker := f.users["picker1"]
	l, err := f.db.ClaimPickList(f.ctx, app.PickClaim{ListID: lists[0].ID, UserID: picker})
	if err != nil {
		t.Fatal(err)
	}
	tote := ""
	for _, s := range l.Stops {
		tote = s.Tote
		if _, err := f.db.ConfirmPick(f.ctx, app.PickConfirm{TaskID: s.ID, Bin: s.Location, SKU: s.SKU, Lot: s.Lot, Qty: s.Qty, UserID: picker}); err != nil {
			t.Fatalf("confirm %+v: %v", s, err)
		}
	}
	if st := f.orderStatus("SO-9"); st != "picked" || tote == "" {
		t.Fatalf("after picking: order %s, tote %q", st, tote)
	}
	f.checkReserved()

	if _, err := f.db.SaveBox(f.ctx, app.Box{Code: "BOX-M", Name: "Medium", TareMg: 200_000}); err != nil {
		t.Fatal(err)
	}
	o, err := f.db.PackOrder(f.ctx, tote)
	if err != nil || o.Number != "SO-9" {
		t.Fatalf("order of tote %s: %+v %v", tote, o, err)
	}
	for _, sc := range []app.PackScan{{Order: "SO-9", SKU: "TEE", Qty: 3}, {Order: "SO-9", SKU: "MILK", Qty: 2}} {
		if _, err := f.db.PackItem(f.ctx, sc); err != nil {
			t.Fatal(err)
		}
	}
	// 3 x 180 g + 2 x 1 kg + 200 g = 2.740 kg; one bottle of milk left out.
	v, err := f.db.VerifyPackage(f.ctx, app.VerifyPackage{Order: "SO-9", Box: "BOX-M", WeightMg: 1_745_000, Stable: true, Record: true,
		Station: "PACK", UserID: picker})
	if err != nil || v.Pass || v.ExpectedMg != 2_740_000 || v.Cause != "1 x MILK (1.000 kg) missing" {
		t.Fatalf("light: %+v %v", v, err)
	}
	v, err = f.db.VerifyPackage(f.ctx, app.VerifyPackage{Order: "SO-9", Box: "BOX-M", WeightMg: 2_731_000, Stable: true, Record: true,
		Station: "PACK", UserID: picker})
	if err != nil || !v.Pass {
		t.Fatalf("right: %+v %v", v, err)
	}
	s, err := f.db.ShipOrder(f.ctx, app.ShipOrder{Order: "SO-9", PackageID: v.PackageID, UserID: picker})
	if err != nil {
		t.Fatal(err)
	}
	m, err := f.db.Movement(f.ctx, s.MovementID)
	if err != nil {
		t.Fatal(err)
	}
	lots := map[string]string{}
	for _, leg := range m.Legs {
		if leg.Qty < 0 {
			lots[leg.SKU] = leg.Lot
			if leg.Location != "PACK" {
				t.Errorf("leg from %s, want PACK: %+v", leg.Location, leg)
			}
		}
	}
	if lots["MILK"] != "L1" || len(lots) != 2 {
		t.Errorf("ship legs by SKU and lot: %v", lots)
	}
	for _, sku := range []string{"TEE", "MILK"} {
		if on, res := f.level(sku, "PACK"); on != 0 || res != 0 {
			t.Errorf("%s at PACK: on hand %d reserved %d", sku, on, res)
		}
	}
	if st := f.orderStatus("SO-9"); st != "shipped" {
		t.Errorf("order %s", st)
	}
	order, err := f.db.Order(f.ctx, "SO-9")
	if err != nil {
		t.Fatal(err)
	}
	for _, ln := range order.Lines {
		if ln.ShippedQty != ln.Qty || ln.AllocatedQty != 0 || ln.PackedQty != ln.Qty {
			t.Errorf("line %+v", ln)
		}
	}
	f.checkReserved()
}
