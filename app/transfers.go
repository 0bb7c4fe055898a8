package app

import (
	"context"
	"strings"
	"time"
)

// Transfer statuses: open (planned, nothing moved), shipped (its stock is
// in transit, possibly received in part), received (all of it arrived),
// cancelled (closed before shipping).
const (
	TransferOpen      = "open"
	TransferShipped   = "shipped"
	TransferReceived  = "received"
	TransferCancelled = "cancelled"
)

// TransferStatuses lists the statuses in their order.
var TransferStatuses = []string{TransferOpen, TransferShipped, TransferReceived, TransferCancelled}

// MaxTransferLines bounds the lines of one transfer.
const MaxTransferLines = 500

// NewTransfer is the command that plans a transfer of stock between two
// sites (locations of kind site, the roots of the tree). Nothing moves until
// it is shipped. The number is the transfer's idempotency key: the same
// command again returns the first transfer, another command with the same
// number is a conflict.
type NewTransfer struct {
	Number string            `json:"number"`
	From   string            `json:"from"` // the source site's code
	To     string            `json:"to"`   // the destination site's code
	Lines  []NewTransferLine `json:"lines"`
	// UserID is who plans it; set from the session or token.
	UserID int64 `json:"-"`
}

// NewTransferLine is Qty units of SKU (and Lot, for lot-tracked variants)
// taken from the place From at the source site.
type NewTransferLine struct {
	SKU  string `json:"sku"`
	Lot  string `json:"lot,omitempty"`
	Qty  int64  `json:"qty"`
	From string `json:"from"`
}

// Validate checks the command's shape and trims its text; the store checks
// the sites, places, SKUs and lots. Errors are invalid, naming the field.
func (t *NewTransfer) Validate() error {
	t.Number, t.From, t.To = strings.TrimSpace(t.Number), strings.TrimSpace(t.From), strings.TrimSpace(t.To)
	if err := checkCode("number", t.Number); err != nil {
		return err
	}
	if err := checkCode("from", t.From); err != nil {
		return err
	}
	if err := checkCode("to", t.To); err != nil {
		return err
	}
	if strings.EqualFold(t.From, t.To) {
		return FieldErrorf("to", "is the source site; a transfer goes to another site")
	}
	if len(t.Lines) == 0 {
		return FieldErrorf("lines", "a transfer needs at least one line")
	}
	if len(t.Lines) > MaxTransferLines {
		return FieldErrorf("lines", "at most %d lines per transfer", MaxTransferLines)
	}
	for i := range t.Lines {
		l := &t.Lines[i]
		f := func(name string) string { return fieldf("lines[%d].%s", i, name) }
		l.SKU, l.Lot, l.From = strings.TrimSpace(l.SKU), strings.TrimSpace(l.Lot), strings.TrimSpace(l.From)
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
		if err := checkCode(f("from"), l.From); err != nil {
			return FieldErrorf(f("from"), "is required: the place at %s the goods leave from", t.From)
		}
	}
	return nil
}

// ShipTransfer is the command that ships an open transfer into transit.
// Carrier, Service and Tracking are optional: given a carrier, the
// transfer leaves as a shipment (the shipments row names the transfer).
type ShipTransfer struct {
	Number   string `json:"-"` // from the URL
	Carrier  string `json:"carrier,omitempty"`
	Service  string `json:"service,omitempty"`
	Tracking string `json:"tracking,omitempty"`
	UserID   int64  `json:"-"`
}

// Validate checks and trims the command. Errors are invalid, naming the
// field.
func (c *ShipTransfer) Validate() error {
	c.Number, c.Carrier = strings.TrimSpace(c.Number), strings.TrimSpace(c.Carrier)
	c.Service, c.Tracking = strings.TrimSpace(c.Service), strings.TrimSpace(c.Tracking)
	if err := checkCode("number", c.Number); err != nil {
		return err
	}
	if c.Carrier == "" && (c.Service != "" || c.Tracking != "") {
		return FieldErrorf("carrier", "is required with a service or tracking number")
	}
	if err := checkText("carrier", c.Carrier, 0, 64); err != nil {
		return err
	}
	if err := checkText("service", c.Service, 0, 200); err != nil {
		return err
	}
	return checkText("tracking", c.Tracking, 0, 100)
}

// ReceiveTransfer is the command that takes a shipped transfer out of
// transit at its destination, in full or in part. Lines empty receives
// everything still in transit into To. IdempotencyKey names this receipt:
// the same key with the same command returns the first result and writes
// nothing; with another command it is a conflict.
type ReceiveTransfer struct {
	Number         string                `json:"-"` // from the URL
	IdempotencyKey string                `json:"idempotency_key"`
	To             string                `json:"to,omitempty"` // where lines without their own go
	Lines          []ReceiveTransferLine `json:"lines,omitempty"`
	UserID         int64                 `json:"-"`
}

// ReceiveTransferLine receives Qty of one transfer line, named by its line
// number or by SKU (and lot), into To (or the command's To).
type ReceiveTransferLine struct {
	Line int64  `json:"line,omitempty"`
	SKU  string `json:"sku,omitempty"`
	Lot  string `json:"lot,omitempty"`
	Qty  int64  `json:"qty"`
	To   string `json:"to,omitempty"`
}

// MaxReceiveKey bounds a receipt's idempotency key, which is part of its
// movement's key.
const MaxReceiveKey = 120

// Validate checks the command's shape; the store checks it against the
// transfer. Errors are invalid, naming the field.
func (c *ReceiveTransfer) Validate() error {
	c.IdempotencyKey, c.To = strings.TrimSpace(c.IdempotencyKey), strings.TrimSpace(c.To)
	if err := checkText("idempotency_key", c.IdempotencyKey, 1, MaxReceiveKey); err != nil {
		return err
	}
	if c.To != "" {
		if err := checkCode("to", c.To); err != nil {
			return err
		}
	}
	if len(c.Lines) == 0 && c.To == "" {
		return FieldErrorf("to", "is required: the place at the destination that receives the goods")
	}
	if len(c.Lines) > MaxTransferLines {
		return FieldErrorf("lines", "at most %d lines per receipt", MaxTransferLines)
	}
	for i := range c.Lines {
		l := &c.Lines[i]
		f := func(name string) string { return fieldf("lines[%d].%s", i, name) }
		l.SKU, l.Lot, l.To = strings.TrimSpace(l.SKU), strings.TrimSpace(l.Lot), strings.TrimSpace(l.To)
		if l.Line < 0 {
			return FieldErrorf(f("line"), "must be a line number from 1")
		}
		if l.Line == 0 {
			if err := checkCode(f("sku"), l.SKU); err != nil {
				return FieldErrorf(f("sku"), "is required when line is not given")
			}
		}
		if l.Qty <= 0 || l.Qty > MaxQty {
			return FieldErrorf(f("qty"), "must be a whole number from 1 to %d", int64(MaxQty))
		}
		if l.To == "" && c.To == "" {
			return FieldErrorf(f("to"), "is required: the place at the destination that receives the line (or give to for all lines)")
		}
		if l.To != "" {
			if err := checkCode(f("to"), l.To); err != nil {
				return err
			}
		}
	}
	return nil
}

// Transfer is a transfer with its lines and where it stands.
type Transfer struct {
	Number    string         `json:"number"`
	From      string         `json:"from"`
	To        string         `json:"to"`
	Status    string         `json:"status"`
	Lines     []TransferLine `json:"lines"`
	CreatedBy string         `json:"created_by,omitempty"`
	CreatedAt time.Time      `json:"created_at"`
	// ShippedAt and ReceivedAt are set once shipped, and received in full.
	ShippedAt  *time.Time `json:"shipped_at,omitempty"`
	ReceivedAt *time.Time `json:"received_at,omitempty"`
	// Carrier, Service and Tracking are the shipment's when it left with
	// a carrier.
	Carrier  string `json:"carrier,omitempty"`
	Service  string `json:"service,omitempty"`
	Tracking string `json:"tracking,omitempty"`
	// ShipMovement is the transfer_out movement; ReceiveMovements are the
	// transfer_in movements, oldest first (one per receipt).
	ShipMovement     int64   `json:"ship_movement,omitempty"`
	ReceiveMovements []int64 `json:"receive_movements"`
}

// TransferLine is one line: what leaves from where, and how much of it has
// arrived (Received, last into To) or is still on the way (InTransit).
type TransferLine struct {
	Line      int64  `json:"line"`
	SKU       string `json:"sku"`
	Lot       string `json:"lot,omitempty"`
	Qty       int64  `json:"qty"`
	From      string `json:"from"`
	To        string `json:"to,omitempty"`
	Received  int64  `json:"received"`
	InTransit int64  `json:"in_transit"`
}

// Units returns the transfer's total units, received units and units in
// transit.
func (t *Transfer) Units() (qty, received, inTransit int64) {
	for _, l := range t.Lines {
		qty, received, inTransit = qty+l.Qty, received+l.Received, inTransit+l.InTransit
	}
	return qty, received, inTransit
}

// TransferSummary is a transfer as a list shows it.
type TransferSummary struct {
	Number    string     `json:"number"`
	From      string     `json:"from"`
	To        string     `json:"to"`
	Status    string     `json:"status"`
	Lines     int64      `json:"lines"`
	Qty       int64      `json:"qty"`
	Received  int64      `json:"received"`
	InTransit int64      `json:"in_transit"`
	CreatedAt time.Time  `json:"created_at"`
	ShippedAt *time.Time `json:"shipped_at,omitempty"`
}

// TransferFilter selects transfers: by status ("" for all), newest first,
// at most Limit (default 100, at most 1000).
type TransferFilter struct {
	Status string
	Limit  int
}

// Validate checks the status.
func (f *TransferFilter) Validate() error {
	f.Status = strings.TrimSpace(f.Status)
	if f.Status != "" && !contains(TransferStatuses, f.Status) {
		return FieldErrorf("status", "%q is not a transfer status: use %s", f.Status, strings.Join(TransferStatuses, ", "))
	}
	return nil
}

// InTransit is what one transfer has on the way: the balance of the transit
// location for the transfer's movements, per SKU and lot.
type InTransit struct {
	Transfer  string     `json:"transfer"`
	From      string     `json:"from"`
	To        string     `json:"to"`
	SKU       string     `json:"sku"`
	Lot       string     `json:"lot,omitempty"`
	Qty       int64      `json:"qty"`
	ShippedAt *time.Time `json:"shipped_at,omitempty"`
}

// TransferService plans, ships and receives transfers between sites. The
// web side checks ManageTransfers before the commands and ReadStock before
// the reads.
type TransferService interface {
	// CreateTransfer plans a transfer. Errors: invalid (the field says
	// which: a site that is not a site, a place not at the source site, a
	// lot missing or not of the SKU), not_found (SKU, place, lot),
	// conflict (the number is taken by another transfer). replayed is
	// true when the same transfer was created before.
	CreateTransfer(ctx context.Context, t NewTransfer) (tr *Transfer, replayed bool, err error)
	// ShipTransfer posts the transfer_out movement of an open transfer:
	// every line from its place into transit, in one movement, and with a
	// carrier a shipments row for it. Stock reserved for orders is not
	// taken. Shipping a shipped transfer again returns it with replayed
	// true. Errors: invalid (carrier, tracking), not_found, conflict (not
	// enough available stock, the transfer is cancelled, a lot recalled
	// or expired).
	ShipTransfer(ctx context.Context, c ShipTransfer) (tr *Transfer, replayed bool, err error)
	// ReceiveTransfer posts one transfer_in movement out of transit into
	// places of the destination site; the transfer is received when
	// nothing of it is left in transit. Errors: invalid (a place not at
	// the destination, more than is in transit, an unknown line),
	// not_found, conflict (not shipped, the key reused).
	ReceiveTransfer(ctx context.Context, c ReceiveTransfer) (tr *Transfer, replayed bool, err error)
	// CancelTransfer closes an open transfer; nothing has moved. Errors:
	// not_found, conflict (shipped or received).
	CancelTransfer(ctx context.Context, number string, userID int64) (*Transfer, error)
	// Transfer returns one transfer. Errors: not_found.
	Transfer(ctx context.Context, number string) (*Transfer, error)
	// Transfers lists transfers newest first.
	Transfers(ctx context.Context, f TransferFilter) ([]TransferSummary, error)
	// InTransit lists what is in transit, per transfer, SKU and lot; of one
	// SKU when sku is not "" (not_found when it does not exist).
	InTransit(ctx context.Context, sku string) ([]InTransit, error)
	// Sites lists the sites (locations of kind site, not archived).
	Sites(ctx context.Context) ([]Location, error)
}
