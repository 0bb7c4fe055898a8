package app

import (
	"fmt"
	"strings"
)

// FillSides applies the kind's rules to the from and to of every line: the
// virtual side a kind implies is filled in (receive from vendor, ship to
// customer, return from customer, adjust to or from adjustment, transfer_out
// to transit, transfer_in from transit) and a side that contradicts the kind
// is refused. Run it after Validate; count and
// reversal lines have no sides.
func (c *PostMovement) FillSides() error {
	for i := range c.Lines {
		l := &c.Lines[i]
		f := func(name string) string { return fieldf("lines[%d].%s", i, name) }
		switch c.Kind {
		case Receive:
			if err := fixedSide(f("from"), &l.From, LocVendor, "a receipt comes from vendor"); err != nil {
				return err
			}
			if l.To == "" {
				return FieldErrorf(f("to"), "is required: the location that receives the goods")
			}
		case Ship:
			if err := fixedSide(f("to"), &l.To, LocCustomer, "a shipment goes to customer"); err != nil {
				return err
			}
			if l.From == "" {
				return FieldErrorf(f("from"), "is required: the location the goods leave from")
			}
		case Return:
			if err := fixedSide(f("from"), &l.From, LocCustomer, "a return comes from customer"); err != nil {
				return err
			}
			if l.To == "" {
				return FieldErrorf(f("to"), "is required: the location that takes the return")
			}
		case TransferOut:
			if err := fixedSide(f("to"), &l.To, LocTransit, "a transfer ships into transit"); err != nil {
				return err
			}
			if l.From == "" {
				return FieldErrorf(f("from"), "is required: the location at the source site the goods leave from")
			}
		case TransferIn:
			if err := fixedSide(f("from"), &l.From, LocTransit, "a transfer is received out of transit"); err != nil {
				return err
			}
			if l.To == "" {
				return FieldErrorf(f("to"), "is required: the location at the destination site that receives the goods")
			}
		case Adjust:
			switch {
			case l.From == "" && l.To == "":
				return FieldErrorf(f("from"), "give from (stock lost) or to (stock found)")
			case l.From == "":
				l.From = LocAdjustment
			case l.To == "":
				l.To = LocAdjustment
			case !strings.EqualFold(l.From, LocAdjustment) && !strings.EqualFold(l.To, LocAdjustment):
				return FieldErrorf(f("to"), "an adjustment moves stock to or from adjustment; to move between locations use kind move")
			}
		case Move:
			if l.From == "" && l.To == "" {
				return FieldErrorf(f("from"), "give from, to or both")
			}
			if l.From != "" && strings.EqualFold(l.From, l.To) {
				return FieldErrorf(f("to"), "is the same location as from")
			}
		}
	}
	return nil
}

func fixedSide(field string, side *string, code, why string) error {
	if *side == "" {
		*side = code
		return nil
	}
	if !strings.EqualFold(*side, code) {
		return FieldErrorf(field, "must be %s or left out: %s", code, why)
	}
	*side = code
	return nil
}

// Place is a location as a resolved line sees it.
type Place struct {
	ID       int64
	Code     string
	Physical bool
}

// ResolvedLine is a movement line after the store has looked up its names.
// From or To is nil where the line has no such side.
type ResolvedLine struct {
	VariantID int64
	SKU       string
	LotID     int64 // 0: no lot
	Lot       string
	From, To  *Place
	Qty       int64
}

// BuildLegs turns resolved lines into legs: -qty at from, +qty at to. It
// checks that the kind's physical sides are physical and that the movement
// balances per variant and lot, naming the line or the unbalanced item.
func BuildLegs(kind MovementKind, lines []ResolvedLine) ([]Leg, error) {
	legs := make([]Leg, 0, 2*len(lines))
	for i, l := range lines {
		for _, s := range []struct {
			name string
			p    *Place
			sign int64
		}{{"from", l.From, -1}, {"to", l.To, +1}} {
			if s.p == nil {
				continue
			}
			if !s.p.Physical && !virtualSideAllowed(kind, s.name, s.p.Code) {
				return nil, FieldErrorf(fieldf("lines[%d].%s", i, s.name), "%s is a virtual location; a %s %s a physical location", s.p.Code, kind, sideVerb(s.name))
			}
			legs = append(legs, Leg{
				SKU: l.SKU, Location: s.p.Code, Lot: l.Lot, Qty: s.sign * l.Qty,
				VariantID: l.VariantID, LocationID: s.p.ID, LotID: l.LotID,
				Physical: s.p.Physical, Line: i,
			})
		}
	}
	if err := CheckBalance(legs); err != nil {
		return nil, err
	}
	return legs, nil
}

// virtualSideAllowed reports whether a kind may have the virtual place code
// on side. A return may go to adjustment: a returned unit that is scrapped
// is written off where it arrives, in the return's own movement, and never
// shows as on hand at a place it did not reach.
func virtualSideAllowed(kind MovementKind, side, code string) bool {
	switch kind {
	case Receive, TransferIn:
		return side == "from"
	case Return:
		return side == "from" || strings.EqualFold(code, LocAdjustment)
	case Ship, TransferOut:
		return side == "to"
	case Adjust, Count, Reversal:
		return true // the rules of FillSides and the count logic put the virtual side
	}
	return false
}

func sideVerb(side string) string {
	if side == "from" {
		return "takes from"
	}
	return "puts into"
}

// CheckBalance reports the first variant and lot whose legs do not sum to zero.
func CheckBalance(legs []Leg) error {
	type key struct{ v, lot int64 }
	sums := map[key]*[2]int64{} // out, in
	var order []key
	for _, l := range legs {
		k := key{l.VariantID, l.LotID}
		s, ok := sums[k]
		if !ok {
			s = &[2]int64{}
			sums[k] = s
			order = append(order, k)
		}
		if l.Qty < 0 {
			s[0] -= l.Qty
		} else {
			s[1] += l.Qty
		}
	}
	for _, k := range order {
		s := sums[k]
		if s[0] != s[1] {
			name := ""
			for _, l := range legs {
				if l.VariantID == k.v && l.LotID == k.lot {
					name = "SKU " + l.SKU
					if l.Lot != "" {
						name += " lot " + l.Lot
					}
					break
				}
			}
			return FieldErrorf("lines", "the movement does not balance: %s has %d out and %d in", name, s[0], s[1])
		}
	}
	return nil
}

func fieldf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
