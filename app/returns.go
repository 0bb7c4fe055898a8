package app

import (
	"context"
	"strings"
	"time"
)

// Dispositions of a returned line: what happens to the units that came back.
const (
	// Restock puts them back into stock at a bin or dock.
	Restock = "restock"
	// Quarantine puts them at a quarantine place (a location whose
	// attributes have "quarantine": true) until someone decides.
	Quarantine = "quarantine"
	// Scrap writes them off: they go to the adjustment location, where
	// shrinkage is counted, in the return's own movement.
	Scrap = "scrap"
)

// Dispositions lists the dispositions.
var Dispositions = []string{Restock, Quarantine, Scrap}

// MaxReturnLines bounds the lines of one return.
const MaxReturnLines = 500

// NewReturn is the command that receives a customer return against a
// shipment (by id or tracking number) or an order (by number, against
// everything shipped on it). One return movement posts all of its lines.
type NewReturn struct {
	IdempotencyKey string          `json:"idempotency_key"`
	Shipment       int64           `json:"shipment,omitempty"`
	Tracking       string          `json:"tracking,omitempty"`
	Order          string          `json:"order,omitempty"`
	Note           string          `json:"note,omitempty"`
	Lines          []NewReturnLine `json:"lines"`
	UserID         int64           `json:"-"`
}

// NewReturnLine is Qty units of SKU (and Lot) that came back, and where
// they go: Location is the bin or dock for restock, the quarantine place
// for quarantine (may be left out when there is only one), nothing for
// scrap. A lot-tracked SKU may leave Lot out when one lot of it was shipped.
type NewReturnLine struct {
	SKU         string `json:"sku"`
	Lot         string `json:"lot,omitempty"`
	Qty         int64  `json:"qty"`
	Disposition string `json:"disposition"`
	Location    string `json:"location,omitempty"`
}

// Validate checks the command's shape and trims its text. Errors are
// invalid, naming the field.
func (r *NewReturn) Validate() error {
	r.IdempotencyKey = strings.TrimSpace(r.IdempotencyKey)
	r.Tracking, r.Order, r.Note = strings.TrimSpace(r.Tracking), strings.TrimSpace(r.Order), strings.TrimSpace(r.Note)
	if err := checkText("idempotency_key", r.IdempotencyKey, 1, 200); err != nil {
		return err
	}
	given := 0
	for _, ok := range []bool{r.Shipment != 0, r.Tracking != "", r.Order != ""} {
		if ok {
			given++
		}
	}
	switch {
	case given == 0:
		return FieldErrorf("shipment", "give the shipment (its id or tracking number) or the order the goods come back from")
	case given > 1:
		return FieldErrorf("shipment", "give one of shipment, tracking or order, not several")
	case r.Shipment < 0:
		return FieldErrorf("shipment", "must be a shipment id (a whole number from 1)")
	}
	if err := checkText("tracking", r.Tracking, 0, 100); err != nil {
		return err
	}
	if r.Order != "" {
		if err := checkCode("order", r.Order); err != nil {
			return err
		}
	}
	if err := checkText("note", r.Note, 0, 1000); err != nil {
		return err
	}
	if len(r.Lines) == 0 {
		return FieldErrorf("lines", "a return needs at least one line")
	}
	if len(r.Lines) > MaxReturnLines {
		return FieldErrorf("lines", "at most %d lines per return", MaxReturnLines)
	}
	for i := range r.Lines {
		l := &r.Lines[i]
		f := func(name string) string { return fieldf("lines[%d].%s", i, name) }
		l.SKU, l.Lot, l.Location = strings.TrimSpace(l.SKU), strings.TrimSpace(l.Lot), strings.TrimSpace(l.Location)
		l.Disposition = strings.ToLower(strings.TrimSpace(l.Disposition))
		if err := checkCode(f("sku"), l.SKU); err != nil {
			return err
		}
		if l.Lot != "" {
			if err := checkCode(f("lot"), l.Lot); err != nil {
				return err
			}
		}
		if l.Qty <= 0 || l.Qty > MaxQty {
			return FieldErrorf(f("qty"), "must be a whole number from 1 to %d", int64(MaxQty))
		}
		switch l.Disposition {
		case Restock:
			if l.Location == "" {
				return FieldErrorf(f("location"), "is required for restock: the bin or dock the goods go to")
			}
		case Quarantine:
		case Scrap:
			if l.Location != "" {
				return FieldErrorf(f("location"), "scrapped goods go to adjustment; leave location out")
			}
		case "":
			return FieldErrorf(f("disposition"), "is required: one of %s", strings.Join(Dispositions, ", "))
		default:
			return FieldErrorf(f("disposition"), "%q is not a disposition: use %s", l.Disposition, strings.Join(Dispositions, ", "))
		}
		if l.Location != "" {
			if err := checkCode(f("location"), l.Location); err != nil {
				return err
			}
		}
	}
	return nil
}

// CustomerReturn is a received return.
type CustomerReturn struct {
	ID         int64        `json:"id"`
	Shipment   int64        `json:"shipment,omitempty"`
	Tracking   string       `json:"tracking,omitempty"`
	Order      string       `json:"order,omitempty"`
	Note       string       `json:"note,omitempty"`
	User       string       `json:"user,omitempty"`
	ReceivedAt time.Time    `json:"received_at"`
	Movement   int64        `json:"movement"`
	Lines      []ReturnLine `json:"lines"`
}

// ReturnLine is one returned line and where it went (the adjustment
// location for scrap).
type ReturnLine struct {
	SKU         string `json:"sku"`
	Lot         string `json:"lot,omitempty"`
	Qty         int64  `json:"qty"`
	Disposition string `json:"disposition"`
	Location    string `json:"location"`
}

// Returnable is what a shipment or an order shipped, per SKU and lot, and
// how much of it has come back: what a return against it may take.
type Returnable struct {
	Shipment int64            `json:"shipment,omitempty"` // 0 for a whole order
	Tracking string           `json:"tracking,omitempty"`
	Order    string           `json:"order,omitempty"`
	Lines    []ReturnableLine `json:"lines"`
}

// ReturnableLine is one SKU and lot of a Returnable.
type ReturnableLine struct {
	SKU      string `json:"sku"`
	Lot      string `json:"lot,omitempty"`
	Shipped  int64  `json:"shipped"`
	Returned int64  `json:"returned"`
}

// ReturnService receives customer returns. The web side checks
// ManageTransfers before ReceiveReturn.
type ReturnService interface {
	// ReceiveReturn posts one return movement from customer: restocked
	// lines to their bin or dock, quarantined ones to a quarantine place,
	// scrapped ones to adjustment. Per SKU and lot, no more may come back
	// than the shipment (or the order) shipped less what earlier returns
	// took. Errors: invalid (the field says which: more than shipped, a
	// lot not shipped, a place that is not a quarantine place), not_found
	// (shipment, order, SKU, place), conflict (the key reused for another
	// return, a shipment not shipped).
	ReceiveReturn(ctx context.Context, r NewReturn) (ret *CustomerReturn, replayed bool, err error)
	// Return returns one return. Errors: not_found.
	Return(ctx context.Context, id int64) (*CustomerReturn, error)
	// Returnable finds a shipped shipment by tracking number (or an order
	// by number when no shipment has that tracking) and says what it
	// shipped and what came back. Errors: not_found.
	Returnable(ctx context.Context, scan string) (*Returnable, error)
	// QuarantinePlaces lists the codes of the places marked quarantine.
	QuarantinePlaces(ctx context.Context) ([]string, error)
}
