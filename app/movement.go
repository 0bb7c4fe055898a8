package app

import (
	"strings"
	"time"
)

// MovementKind says what a movement did.
type MovementKind string

// Movement kinds.
const (
	Receive  MovementKind = "receive"  // vendor -> physical
	Move     MovementKind = "move"     // physical -> physical
	Ship     MovementKind = "ship"     // physical -> customer
	Adjust   MovementKind = "adjust"   // physical <-> adjustment, with a reason code
	Count    MovementKind = "count"    // the difference of a count, physical <-> count
	Return   MovementKind = "return"   // customer -> physical
	Reversal MovementKind = "reversal" // the negation of an earlier movement
	// TransferOut ships stock of a transfer between sites: physical places
	// of the source site -> transit.
	TransferOut MovementKind = "transfer_out"
	// TransferIn receives a transfer: transit -> physical places of the
	// destination site.
	TransferIn MovementKind = "transfer_in"
)

// AdjustReasons are the reason codes an adjust movement may carry.
var AdjustReasons = []string{"damaged", "lost", "found", "expired", "sample", "correction"}

// Reference ties a movement to the document that caused it (a purchase
// order, a sales order, a count sheet).
type Reference struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// LotRef names a lot by its code. ExpiresOn ('YYYY-MM-DD') is used when a
// receipt creates the lot.
type LotRef struct {
	Code      string `json:"code"`
	ExpiresOn string `json:"expires_on,omitempty"`
}

// MovementLine is one line of a PostMovement. For receive, move, ship,
// adjust and return it moves Qty from From to To; a side left empty is the
// kind's virtual location (vendor, customer, adjustment), and for move a side
// may be left empty when other lines balance it. For count, Location and
// Counted say what was found; the difference to on hand is posted.
type MovementLine struct {
	SKU      string  `json:"sku"`
	Qty      int64   `json:"qty,omitempty"`
	From     string  `json:"from,omitempty"`
	To       string  `json:"to,omitempty"`
	Lot      *LotRef `json:"lot,omitempty"`
	Location string  `json:"location,omitempty"`
	Counted  *int64  `json:"counted,omitempty"`
}

// PostMovement is the command that appends one movement to the ledger.
type PostMovement struct {
	Kind           MovementKind   `json:"kind"`
	IdempotencyKey string         `json:"idempotency_key"`
	Reference      *Reference     `json:"reference,omitempty"`
	Reason         string         `json:"reason,omitempty"`
	Note           string         `json:"note,omitempty"`
	Reverses       int64          `json:"reverses,omitempty"`
	EffectiveAt    *time.Time     `json:"effective_at,omitempty"`
	Lines          []MovementLine `json:"lines,omitempty"`

	// UserID is who posts it; set by the caller from the session or token,
	// never from the request body.
	UserID int64 `json:"-"`
}

// MaxLines bounds the lines of one movement.
const MaxLines = 1000

// Validate checks the command's shape without looking at stored state and
// normalizes text in place. It returns an invalid-input error naming the
// field; rules that need the catalog or stock are checked by the store.
func (c *PostMovement) Validate(now time.Time) error {
	c.IdempotencyKey = strings.TrimSpace(c.IdempotencyKey)
	if err := checkText("idempotency_key", c.IdempotencyKey, 1, 200); err != nil {
		return err
	}
	switch c.Kind {
	case Receive, Move, Ship, Adjust, Count, Return, Reversal, TransferOut, TransferIn:
	case "":
		return FieldErrorf("kind", "is required: one of receive, move, ship, adjust, count, return, reversal, transfer_out, transfer_in")
	default:
		return FieldErrorf("kind", "%q is not a movement kind: use receive, move, ship, adjust, count, return, reversal, transfer_out or transfer_in", c.Kind)
	}
	if c.Reference != nil {
		c.Reference.Type = strings.TrimSpace(c.Reference.Type)
		c.Reference.ID = strings.TrimSpace(c.Reference.ID)
		if err := checkText("reference.type", c.Reference.Type, 1, 50); err != nil {
			return err
		}
		if err := checkText("reference.id", c.Reference.ID, 1, 200); err != nil {
			return err
		}
	}
	c.Note = strings.TrimSpace(c.Note)
	if err := checkText("note", c.Note, 0, 1000); err != nil {
		return err
	}
	c.Reason = strings.TrimSpace(c.Reason)
	if c.Kind == Adjust {
		if c.Reason == "" {
			return FieldErrorf("reason", "an adjustment needs a reason code: one of %s", strings.Join(AdjustReasons, ", "))
		}
		if !contains(AdjustReasons, c.Reason) {
			return FieldErrorf("reason", "%q is not a reason code: use one of %s", c.Reason, strings.Join(AdjustReasons, ", "))
		}
	} else if c.Reason != "" {
		return FieldErrorf("reason", "only adjustments carry a reason code")
	}
	if c.EffectiveAt != nil {
		if c.EffectiveAt.After(now.Add(5 * time.Minute)) {
			return FieldErrorf("effective_at", "is in the future; a movement can be back-dated, not forward-dated")
		}
		if c.EffectiveAt.Before(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)) {
			return FieldErrorf("effective_at", "is before 2000-01-01")
		}
	}
	if c.Kind == Reversal {
		if c.Reverses <= 0 {
			return FieldErrorf("reverses", "a reversal names the id of the movement it reverses")
		}
		if len(c.Lines) > 0 {
			return FieldErrorf("lines", "a reversal takes its lines from the movement it reverses; send none")
		}
		return nil
	}
	if c.Reverses != 0 {
		return FieldErrorf("reverses", "only a reversal names a movement to reverse")
	}
	if len(c.Lines) == 0 {
		return FieldErrorf("lines", "a movement needs at least one line")
	}
	if len(c.Lines) > MaxLines {
		return FieldErrorf("lines", "at most %d lines per movement", MaxLines)
	}
	for i := range c.Lines {
		if err := c.validateLine(i); err != nil {
			return err
		}
	}
	return nil
}

func (c *PostMovement) validateLine(i int) error {
	l := &c.Lines[i]
	f := func(name string) string { return fieldf("lines[%d].%s", i, name) }
	l.SKU = strings.TrimSpace(l.SKU)
	l.From = strings.TrimSpace(l.From)
	l.To = strings.TrimSpace(l.To)
	l.Location = strings.TrimSpace(l.Location)
	if err := checkCode(f("sku"), l.SKU); err != nil {
		return err
	}
	if l.Lot != nil {
		l.Lot.Code = strings.TrimSpace(l.Lot.Code)
		if err := checkCode(f("lot.code"), l.Lot.Code); err != nil {
			return err
		}
		if l.Lot.ExpiresOn != "" {
			if _, err := time.Parse(time.DateOnly, l.Lot.ExpiresOn); err != nil {
				return FieldErrorf(f("lot.expires_on"), "%q is not a date: use YYYY-MM-DD", l.Lot.ExpiresOn)
			}
		}
	}
	if c.Kind == Count {
		if l.Qty != 0 || l.From != "" || l.To != "" {
			return FieldErrorf(f("counted"), "a count line gives location and counted, not qty, from or to")
		}
		if err := checkCode(f("location"), l.Location); err != nil {
			return err
		}
		if l.Counted == nil {
			return FieldErrorf(f("counted"), "is required: the quantity found")
		}
		if *l.Counted < 0 || *l.Counted > MaxQty {
			return FieldErrorf(f("counted"), "must be a whole number from 0 to %d", int64(MaxQty))
		}
		return nil
	}
	if l.Location != "" || l.Counted != nil {
		return FieldErrorf(f("location"), "only count lines give location and counted; use from and to")
	}
	if l.Qty <= 0 || l.Qty > MaxQty {
		return FieldErrorf(f("qty"), "must be a whole number from 1 to %d", int64(MaxQty))
	}
	return nil
}

// Movement is one appended movement with its legs.
type Movement struct {
	ID             int64        `json:"id"`
	Kind           MovementKind `json:"kind"`
	IdempotencyKey string       `json:"idempotency_key"`
	Reference      *Reference   `json:"reference,omitempty"`
	Reason         string       `json:"reason,omitempty"`
	Note           string       `json:"note,omitempty"`
	Reverses       int64        `json:"reverses,omitempty"`
	User           string       `json:"user,omitempty"`
	PostedAt       time.Time    `json:"posted_at"`
	EffectiveAt    time.Time    `json:"effective_at"`
	Hash           string       `json:"hash"`
	Legs           []Leg        `json:"legs"`
}

// Leg is a signed quantity of one variant (and lot) at one location.
type Leg struct {
	SKU      string `json:"sku"`
	Location string `json:"location"`
	Lot      string `json:"lot,omitempty"`
	Qty      int64  `json:"qty"`

	VariantID  int64 `json:"-"`
	LocationID int64 `json:"-"`
	LotID      int64 `json:"-"` // 0: no lot
	Physical   bool  `json:"-"` // the location is in the building
	Line       int   `json:"-"` // index of the command line it came from
}

// MovementFilter selects movements that have a leg matching every given
// field, with ids above After (a cursor), oldest first.
type MovementFilter struct {
	SKU      string
	Location string
	Lot      string
	After    int64
	Limit    int
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
