package sqlite

import (
	"encoding/json"
	"strings"
	"testing"

	"depot/app"
)

// TestReturnAfterRealShipment takes back parts of a parcel that went the
// whole way through the real release, picking, packing and shipping: the
// tracking number depot gave the shipment finds it, the lot comes from what
// was shipped, and what comes back is limited to what left.
func TestReturnAfterRealShipment(t *testing.T) {
	f := newPickFixture(t)
	f.receive("TEE", "A1-01", "", "", 20)
	f.receive("MILK", "A1-02", "L1", "2027-01-31", 10)
	if _, err := f.db.CreateLocation(f.ctx, app.NewLocation{Code: "Q-1", Kind: app.KindStaging, Parent: "WH",
		Attributes: json.RawMessage(`{"quarantine":true}`)}); err != nil {
		t.Fatal(err)
	}
	f.release("SO-9", "", "", testLine{"TEE", 3}, testLine{"MILK", 2})
	boss, picker := f.users["boss"], f.users["picker1"]
	lists, err := f.db.CreatePickLists(f.ctx, app.NewPickLists{Kind: app.PickSingle, Orders: []string{"SO-9"}, Destination: "PACK", UserID: boss})
	if err != nil || len(lists) != 1 {
		t.Fatalf("pick list: %+v %v", lists, err)
	}
	l, err := f.db.ClaimPickList(f.ctx, app.PickClaim{ListID: lists[0].ID, UserID: picker})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range l.Stops {
		if _, err := f.db.ConfirmPick(f.ctx, app.PickConfirm{TaskID: s.ID, Bin: s.Location, SKU: s.SKU, Lot: s.Lot, Qty: s.Qty, UserID: picker}); err != nil {
			t.Fatalf("confirm %+v: %v", s, err)
		}
	}
	if _, err := f.db.SaveBox(f.ctx, app.Box{Code: "BOX-M", Name: "Medium", TareMg: 200_000}); err != nil {
		t.Fatal(err)
	}
	for _, sc := range []app.PackScan{{Order: "SO-9", SKU: "TEE", Qty: 3}, {Order: "SO-9", SKU: "MILK", Qty: 2}} {
		if _, err := f.db.PackItem(f.ctx, sc); err != nil {
			t.Fatal(err)
		}
	}
	v, err := f.db.VerifyPackage(f.ctx, app.VerifyPackage{Order: "SO-9", Box: "BOX-M", WeightMg: 2_740_000, Stable: true, Record: true,
		Station: "PACK", UserID: picker})
	if err != nil || !v.Pass {
		t.Fatalf("weigh: %+v %v", v, err)
	}
	shipment, err := f.db.ShipOrder(f.ctx, app.ShipOrder{Order: "SO-9", PackageID: v.PackageID, UserID: picker})
	if err != nil || shipment.Tracking == "" {
		t.Fatalf("ship: %+v %v", shipment, err)
	}

	rt, err := f.db.Returnable(f.ctx, shipment.Tracking)
	if err != nil || rt.Order != "SO-9" || len(rt.Lines) != 2 || rt.Lines[0].SKU != "MILK" || rt.Lines[0].Lot != "L1" || rt.Lines[0].Shipped != 2 {
		t.Fatalf("returnable %s: %+v %v", shipment.Tracking, rt, err)
	}
	ret, _, err := f.db.ReceiveReturn(f.ctx, app.NewReturn{IdempotencyKey: "rma-1", Tracking: shipment.Tracking, UserID: boss,
		Lines: []app.NewReturnLine{
			{SKU: "TEE", Qty: 1, Disposition: app.Restock, Location: "A1-05"},
			{SKU: "TEE", Qty: 1, Disposition: app.Scrap},
			{SKU: "MILK", Qty: 2, Disposition: app.Quarantine},
		}})
	if err != nil || ret.Shipment != rt.Shipment || ret.Lines[2].Lot != "L1" || ret.Lines[2].Location != "Q-1" {
		t.Fatalf("return: %+v %v", ret, err)
	}
	if on, _ := f.level("TEE", "A1-05"); on != 1 {
		t.Errorf("TEE restocked at A1-05: %d", on)
	}
	if on, _ := f.level("MILK", "Q-1"); on != 2 {
		t.Errorf("MILK quarantined at Q-1: %d", on)
	}
	_, _, err = f.db.ReceiveReturn(f.ctx, app.NewReturn{IdempotencyKey: "rma-2", Order: "SO-9",
		Lines: []app.NewReturnLine{{SKU: "TEE", Qty: 2, Disposition: app.Scrap}}})
	if app.ErrorField(err) != "lines[0].qty" || !strings.Contains(err.Error(), "shipped 3 of SKU TEE and 2 came back before") {
		t.Fatalf("over-return after the real shipment: %v", err)
	}
	f.checkReserved()
	rep, err := f.db.Verify(f.ctx)
	if err != nil || len(rep.Problems) != 0 {
		t.Errorf("verify: %+v %v", rep, err)
	}
}
