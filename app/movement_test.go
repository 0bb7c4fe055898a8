package app

import (
	"testing"
	"time"
)

func TestPostMovementValidate(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	future := now.Add(time.Hour)
	zero, neg := int64(0), int64(-1)
	line := func(l MovementLine) []MovementLine { return []MovementLine{l} }
	for _, tc := range []struct {
		name  string
		cmd   PostMovement
		field string // "" means valid
	}{
		{"Receive", PostMovement{Kind: Receive, IdempotencyKey: "k", Lines: line(MovementLine{SKU: "A", Qty: 1, To: "B"})}, ""},
		{"NoKey", PostMovement{Kind: Receive, Lines: line(MovementLine{SKU: "A", Qty: 1})}, "idempotency_key"},
		{"UnknownKind", PostMovement{Kind: "teleport", IdempotencyKey: "k"}, "kind"},
		{"NoLines", PostMovement{Kind: Move, IdempotencyKey: "k"}, "lines"},
		{"QtyZero", PostMovement{Kind: Move, IdempotencyKey: "k", Lines: line(MovementLine{SKU: "A", Qty: 0})}, "lines[0].qty"},
		{"QtyNegative", PostMovement{Kind: Move, IdempotencyKey: "k", Lines: line(MovementLine{SKU: "A", Qty: -3})}, "lines[0].qty"},
		{"QtyHuge", PostMovement{Kind: Move, IdempotencyKey: "k", Lines: line(MovementLine{SKU: "A", Qty: MaxQty + 1})}, "lines[0].qty"},
		{"SKUWithSpace", PostMovement{Kind: Move, IdempotencyKey: "k", Lines: line(MovementLine{SKU: "A B", Qty: 1})}, "lines[0].sku"},
		{"AdjustNoReason", PostMovement{Kind: Adjust, IdempotencyKey: "k", Lines: line(MovementLine{SKU: "A", Qty: 1})}, "reason"},
		{"AdjustBadReason", PostMovement{Kind: Adjust, Reason: "whim", IdempotencyKey: "k", Lines: line(MovementLine{SKU: "A", Qty: 1})}, "reason"},
		{"ReasonOnMove", PostMovement{Kind: Move, Reason: "lost", IdempotencyKey: "k", Lines: line(MovementLine{SKU: "A", Qty: 1})}, "reason"},
		{"CountOK", PostMovement{Kind: Count, IdempotencyKey: "k", Lines: line(MovementLine{SKU: "A", Location: "B", Counted: &zero})}, ""},
		{"CountNoCounted", PostMovement{Kind: Count, IdempotencyKey: "k", Lines: line(MovementLine{SKU: "A", Location: "B"})}, "lines[0].counted"},
		{"CountNegative", PostMovement{Kind: Count, IdempotencyKey: "k", Lines: line(MovementLine{SKU: "A", Location: "B", Counted: &neg})}, "lines[0].counted"},
		{"CountWithQty", PostMovement{Kind: Count, IdempotencyKey: "k", Lines: line(MovementLine{SKU: "A", Qty: 2, Location: "B", Counted: &zero})}, "lines[0].counted"},
		{"LocationOnMove", PostMovement{Kind: Move, IdempotencyKey: "k", Lines: line(MovementLine{SKU: "A", Qty: 1, Location: "B"})}, "lines[0].location"},
		{"BadExpiry", PostMovement{Kind: Receive, IdempotencyKey: "k", Lines: line(MovementLine{SKU: "A", Qty: 1, Lot: &LotRef{Code: "L", ExpiresOn: "31/12/2026"}})}, "lines[0].lot.expires_on"},
		{"FutureEffective", PostMovement{Kind: Move, IdempotencyKey: "k", EffectiveAt: &future, Lines: line(MovementLine{SKU: "A", Qty: 1})}, "effective_at"},
		{"ReversalOK", PostMovement{Kind: Reversal, IdempotencyKey: "k", Reverses: 7}, ""},
		{"ReversalNoTarget", PostMovement{Kind: Reversal, IdempotencyKey: "k"}, "reverses"},
		{"ReversalWithLines", PostMovement{Kind: Reversal, IdempotencyKey: "k", Reverses: 7, Lines: line(MovementLine{SKU: "A", Qty: 1})}, "lines"},
		{"ReversesOnMove", PostMovement{Kind: Move, IdempotencyKey: "k", Reverses: 7, Lines: line(MovementLine{SKU: "A", Qty: 1})}, "reverses"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cmd.Validate(now)
			if got := ErrorField(err); got != tc.field || (tc.field != "" && ErrorCode(err) != EINVALID) {
				t.Errorf("Validate() = %v (field %q); want field %q", err, got, tc.field)
			}
		})
	}
}

func TestFillSidesAndBuildLegs(t *testing.T) {
	bin := func(id int64, code string) *Place { return &Place{ID: id, Code: code, Physical: true} }
	vendor := &Place{ID: 1, Code: LocVendor}
	t.Run("Defaults", func(t *testing.T) {
		for kind, want := range map[MovementKind][2]string{
			Receive: {LocVendor, "B"}, Ship: {"B", LocCustomer}, Return: {LocCustomer, "B"},
		} {
			c := PostMovement{Kind: kind, Lines: []MovementLine{{SKU: "A", Qty: 1}}}
			if kind == Ship {
				c.Lines[0].From = "B"
			} else {
				c.Lines[0].To = "B"
			}
			if err := c.FillSides(); err != nil {
				t.Fatal(err)
			}
			if got := [2]string{c.Lines[0].From, c.Lines[0].To}; got != want {
				t.Errorf("%s sides = %v, want %v", kind, got, want)
			}
		}
		adj := PostMovement{Kind: Adjust, Lines: []MovementLine{{SKU: "A", Qty: 1, From: "B"}, {SKU: "A", Qty: 1, To: "C"}}}
		if err := adj.FillSides(); err != nil || adj.Lines[0].To != LocAdjustment || adj.Lines[1].From != LocAdjustment {
			t.Errorf("adjust sides = %+v, %v", adj.Lines, err)
		}
	})
	t.Run("Refusals", func(t *testing.T) {
		for name, tc := range map[string]struct {
			c     PostMovement
			field string
		}{
			"ReceiveFromBin": {PostMovement{Kind: Receive, Lines: []MovementLine{{SKU: "A", Qty: 1, From: "X", To: "B"}}}, "lines[0].from"},
			"ReceiveNoTo":    {PostMovement{Kind: Receive, Lines: []MovementLine{{SKU: "A", Qty: 1}}}, "lines[0].to"},
			"ShipToBin":      {PostMovement{Kind: Ship, Lines: []MovementLine{{SKU: "A", Qty: 1, From: "B", To: "C"}}}, "lines[0].to"},
			"AdjustBothBins": {PostMovement{Kind: Adjust, Lines: []MovementLine{{SKU: "A", Qty: 1, From: "B", To: "C"}}}, "lines[0].to"},
			"AdjustNoSide":   {PostMovement{Kind: Adjust, Lines: []MovementLine{{SKU: "A", Qty: 1}}}, "lines[0].from"},
			"MoveSameBin":    {PostMovement{Kind: Move, Lines: []MovementLine{{SKU: "A", Qty: 1, From: "B", To: "b"}}}, "lines[0].to"},
			"MoveNoSides":    {PostMovement{Kind: Move, Lines: []MovementLine{{SKU: "A", Qty: 1}}}, "lines[0].from"},
			"ReturnFromBin":  {PostMovement{Kind: Return, Lines: []MovementLine{{SKU: "A", Qty: 1, From: "B", To: "C"}}}, "lines[0].from"},
		} {
			if err := tc.c.FillSides(); ErrorField(err) != tc.field {
				t.Errorf("%s: err %v, want field %s", name, err, tc.field)
			}
		}
	})
	t.Run("SplitMoveBalances", func(t *testing.T) {
		legs, err := BuildLegs(Move, []ResolvedLine{
			{VariantID: 5, SKU: "A", Qty: 10, From: bin(2, "B")},
			{VariantID: 5, SKU: "A", Qty: 6, To: bin(3, "C")},
			{VariantID: 5, SKU: "A", Qty: 4, To: bin(4, "D")},
		})
		if err != nil || len(legs) != 3 || legs[0].Qty != -10 || legs[2].Qty != 4 || legs[2].Line != 2 {
			t.Errorf("legs = %+v, %v", legs, err)
		}
	})
	t.Run("Unbalanced", func(t *testing.T) {
		_, err := BuildLegs(Move, []ResolvedLine{
			{VariantID: 5, SKU: "A", Qty: 10, From: bin(2, "B")},
			{VariantID: 5, SKU: "A", Qty: 6, To: bin(3, "C")},
		})
		want := "lines: the movement does not balance: SKU A has 10 out and 6 in"
		if err == nil || err.Error() != want {
			t.Errorf("err = %v, want %q", err, want)
		}
	})
	t.Run("VirtualWhereBinNeeded", func(t *testing.T) {
		_, err := BuildLegs(Move, []ResolvedLine{{VariantID: 5, SKU: "A", Qty: 1, From: vendor, To: bin(2, "B")}})
		if ErrorField(err) != "lines[0].from" {
			t.Errorf("move from vendor: err %v", err)
		}
		_, err = BuildLegs(Receive, []ResolvedLine{{VariantID: 5, SKU: "A", Qty: 1, From: vendor, To: &Place{ID: 9, Code: LocCustomer}}})
		if ErrorField(err) != "lines[0].to" {
			t.Errorf("receive into customer: err %v", err)
		}
	})
}

func TestRoles(t *testing.T) {
	for _, tc := range []struct {
		role Role
		a    Action
		ok   bool
	}{
		{Owner, ManageAccounts, true}, {Manager, PostAction(Reversal), true}, {Clerk, PostAction(Receive), true},
		{Clerk, PostAction(Reversal), false}, {Clerk, EditCatalog, false}, {Picker, PostAction(Move), true},
		{Picker, PostAction(Receive), false}, {Packer, PostAction(Ship), true}, {Packer, PostAction(Move), false},
		{Viewer, ReadStock, true}, {Viewer, PostAction(Move), false},
	} {
		if got := tc.role.Can(tc.a); got != tc.ok {
			t.Errorf("%s can %s = %v, want %v", tc.role, tc.a, got, tc.ok)
		}
	}
	u := &User{Role: Viewer}
	if err := u.Authorize(PostAction(Ship)); ErrorCode(err) != EFORBIDDEN || err.Error() != "role viewer may not post ship movements" {
		t.Errorf("viewer ship: %v", err)
	}
}
