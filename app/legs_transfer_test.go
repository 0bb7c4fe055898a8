package app

import (
	"testing"
	"time"
)

// TestTransferAndReturnLegRules: transfer_out goes from a physical place to
// transit, transfer_in from transit to a physical place, and a return may
// go to a physical place or to adjustment (a scrapped return), nowhere else.
func TestTransferAndReturnLegRules(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	bin := func(id int64, code string) *Place { return &Place{ID: id, Code: code, Physical: true} }
	virtual := func(id int64, code string) *Place { return &Place{ID: id, Code: code} }
	transit, customer, adjustment, vendor := virtual(5, LocTransit), virtual(2, LocCustomer), virtual(3, LocAdjustment), virtual(1, LocVendor)

	t.Run("Validate", func(t *testing.T) {
		for _, k := range []MovementKind{TransferOut, TransferIn} {
			c := PostMovement{Kind: k, IdempotencyKey: "k", Lines: []MovementLine{{SKU: "A", Qty: 1}}}
			if err := c.Validate(now); err != nil {
				t.Errorf("%s: %v", k, err)
			}
		}
	})
	t.Run("Defaults", func(t *testing.T) {
		out := PostMovement{Kind: TransferOut, Lines: []MovementLine{{SKU: "A", Qty: 1, From: "B"}}}
		if err := out.FillSides(); err != nil || out.Lines[0].To != LocTransit {
			t.Errorf("transfer_out sides = %+v, %v; want to transit", out.Lines[0], err)
		}
		in := PostMovement{Kind: TransferIn, Lines: []MovementLine{{SKU: "A", Qty: 1, To: "B", From: "TRANSIT"}}}
		if err := in.FillSides(); err != nil || in.Lines[0].From != LocTransit {
			t.Errorf("transfer_in sides = %+v, %v; want from transit", in.Lines[0], err)
		}
	})
	t.Run("SideRefusals", func(t *testing.T) {
		for name, tc := range map[string]struct {
			c     PostMovement
			field string
		}{
			"OutToBin":      {PostMovement{Kind: TransferOut, Lines: []MovementLine{{SKU: "A", Qty: 1, From: "B", To: "C"}}}, "lines[0].to"},
			"OutToCustomer": {PostMovement{Kind: TransferOut, Lines: []MovementLine{{SKU: "A", Qty: 1, From: "B", To: LocCustomer}}}, "lines[0].to"},
			"OutNoFrom":     {PostMovement{Kind: TransferOut, Lines: []MovementLine{{SKU: "A", Qty: 1}}}, "lines[0].from"},
			"InFromBin":     {PostMovement{Kind: TransferIn, Lines: []MovementLine{{SKU: "A", Qty: 1, From: "B", To: "C"}}}, "lines[0].from"},
			"InNoTo":        {PostMovement{Kind: TransferIn, Lines: []MovementLine{{SKU: "A", Qty: 1}}}, "lines[0].to"},
		} {
			if err := tc.c.FillSides(); ErrorField(err) != tc.field || ErrorCode(err) != EINVALID {
				t.Errorf("%s: err %v, want an invalid %s", name, err, tc.field)
			}
		}
	})
	t.Run("Legs", func(t *testing.T) {
		legs, err := BuildLegs(TransferOut, []ResolvedLine{{VariantID: 7, SKU: "A", Qty: 4, From: bin(10, "A-01"), To: transit}})
		if err != nil || len(legs) != 2 || legs[0].Location != "A-01" || legs[0].Qty != -4 || legs[1].Location != LocTransit || legs[1].Qty != 4 || legs[1].Physical {
			t.Errorf("transfer_out legs = %+v, %v", legs, err)
		}
		legs, err = BuildLegs(TransferIn, []ResolvedLine{{VariantID: 7, SKU: "A", Qty: 3, From: transit, To: bin(11, "B-01")}})
		if err != nil || len(legs) != 2 || legs[0].Qty != -3 || legs[1].Location != "B-01" || legs[1].Qty != 3 {
			t.Errorf("transfer_in legs = %+v, %v", legs, err)
		}
		legs, err = BuildLegs(Return, []ResolvedLine{
			{VariantID: 7, SKU: "A", Qty: 2, From: customer, To: bin(10, "A-01")},
			{VariantID: 7, SKU: "A", Qty: 1, From: customer, To: adjustment},
		})
		if err != nil || len(legs) != 4 || legs[3].Location != LocAdjustment || legs[3].Qty != 1 {
			t.Errorf("return with a scrapped line: legs = %+v, %v", legs, err)
		}
	})
	t.Run("LegRefusals", func(t *testing.T) {
		for name, tc := range map[string]struct {
			kind  MovementKind
			line  ResolvedLine
			field string
		}{
			"OutFromVendor":    {TransferOut, ResolvedLine{VariantID: 7, SKU: "A", Qty: 1, From: vendor, To: transit}, "lines[0].from"},
			"InToCustomer":     {TransferIn, ResolvedLine{VariantID: 7, SKU: "A", Qty: 1, From: transit, To: customer}, "lines[0].to"},
			"InToAdjustment":   {TransferIn, ResolvedLine{VariantID: 7, SKU: "A", Qty: 1, From: transit, To: adjustment}, "lines[0].to"},
			"ReturnToTransit":  {Return, ResolvedLine{VariantID: 7, SKU: "A", Qty: 1, From: customer, To: transit}, "lines[0].to"},
			"ReturnToVendor":   {Return, ResolvedLine{VariantID: 7, SKU: "A", Qty: 1, From: customer, To: vendor}, "lines[0].to"},
			"MoveToAdjustment": {Move, ResolvedLine{VariantID: 7, SKU: "A", Qty: 1, From: bin(10, "A-01"), To: adjustment}, "lines[0].to"},
		} {
			if _, err := BuildLegs(tc.kind, []ResolvedLine{tc.line}); ErrorField(err) != tc.field {
				t.Errorf("%s: err %v, want field %s", name, err, tc.field)
			}
		}
	})
}
