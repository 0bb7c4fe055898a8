package app

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// ReceiptCondition is what a receipt line says about the units it counts.
type ReceiptCondition string

// Receipt conditions. A caller sends ok, damaged, wrong_item or short; the
// store records the part of a line beyond what the purchase order line still
// expected as over.
const (
	// ReceiptOK units are good: they go to the dock.
	ReceiptOK ReceiptCondition = "ok"
	// ReceiptOver units came beyond the order line's quantity and within
	// the over tolerance; they go to the dock like good units.
	ReceiptOver ReceiptCondition = "over"
	// ReceiptShort closes a purchase order line short: no more will come.
	// Its quantity is the units that never came.
	ReceiptShort ReceiptCondition = "short"
	// ReceiptDamaged units go to a quarantine place of the dock's site.
	ReceiptDamaged ReceiptCondition = "damaged"
	// ReceiptWrongItem units are not what the order asked for: recorded
	// against the purchase order, never put into stock.
	ReceiptWrongItem ReceiptCondition = "wrong_item"
)

// Receiving settings (table settings) and their defaults.
const (
	// SettingOverTolerancePct is how far past its ordered quantity a
	// purchase order line may be received, in percent (a JSON number).
	SettingOverTolerancePct = "receiving.over_tolerance_pct"
	// SettingExpiryLimitYears is how far in the future a lot's expiry may
	// be before a receipt asks for confirmation, in years.
	SettingExpiryLimitYears = "receiving.expiry_limit_years"

	DefaultOverTolerancePct = 10
	DefaultExpiryLimitYears = 5
)

// ReceiptLineInput is one line of a PostReceipt: units of one SKU (or, for
// a wrong item not in the catalog, the scanned text) in one condition.
type ReceiptLineInput struct {
	SKU string `json:"sku,omitempty"`
	// Scanned is the barcode of a wrong item that is not in the catalog.
	Scanned string `json:"scanned,omitempty"`
	// Qty is in the variant's base units. For a short line it may be left
	// out: the store records the units still missing.
	Qty            int64            `json:"qty,omitempty"`
	Lot            string           `json:"lot,omitempty"`
	ExpiresOn      string           `json:"expiry,omitempty"`          // YYYY-MM-DD
	ManufacturedOn string           `json:"manufactured_on,omitempty"` // YYYY-MM-DD
	Serial         string           `json:"serial,omitempty"`
	CertificateRef string           `json:"certificate_ref,omitempty"`
	Condition      ReceiptCondition `json:"condition,omitempty"` // empty: ok
	Note           string           `json:"note,omitempty"`
}

// PostReceipt is the command that takes one delivery in at a dock, against
// a purchase order or not.
type PostReceipt struct {
	// PO is the purchase order's number, or "" for a receipt without one.
	PO string `json:"po,omitempty"`
	// Dock is the code of a location of kind dock; "" takes the purchase
	// order's dock.
	Dock           string `json:"dock,omitempty"`
	IdempotencyKey string `json:"idempotency_key"`
	// Confirm accepts what the receipt would otherwise ask to confirm: an
	// expiry in the past or beyond the limit.
	Confirm bool               `json:"confirm,omitempty"`
	Note    string             `json:"note,omitempty"`
	Lines   []ReceiptLineInput `json:"lines"`

	// UserID is who receives; set from the session or token.
	UserID int64 `json:"-"`
}

// MaxReceiptLines bounds the lines of one receipt.
const MaxReceiptLines = 500

// Validate checks the command's shape and normalizes its text in place;
// errors are invalid and name the field (lines[2].expiry). Rules that need
// stored state (the order, the catalog, the tolerance) are the store's.
func (c *PostReceipt) Validate(today time.Time) error {
	c.IdempotencyKey = strings.TrimSpace(c.IdempotencyKey)
	// The receipt's movement takes the key with a "receipt:" prefix.
	if err := checkText("idempotency_key", c.IdempotencyKey, 1, 190); err != nil {
		return err
	}
	c.PO, c.Dock, c.Note = strings.TrimSpace(c.PO), strings.TrimSpace(c.Dock), strings.TrimSpace(c.Note)
	if c.PO != "" {
		if err := checkText("po", c.PO, 1, 64); err != nil {
			return err
		}
	}
	if c.Dock != "" {
		if err := checkCode("dock", c.Dock); err != nil {
			return err
		}
	} else if c.PO == "" {
		return FieldErrorf("dock", "is required for a receipt without a purchase order: the dock the goods arrive at")
	}
	if err := checkText("note", c.Note, 0, 1000); err != nil {
		return err
	}
	if len(c.Lines) == 0 {
		return FieldErrorf("lines", "a receipt needs at least one line")
	}
	if len(c.Lines) > MaxReceiptLines {
		return FieldErrorf("lines", "at most %d lines per receipt", MaxReceiptLines)
	}
	for i := range c.Lines {
		if err := c.validateLine(i, today); err != nil {
			return err
		}
	}
	return nil
}

func (c *PostReceipt) validateLine(i int, today time.Time) error {
	l := &c.Lines[i]
	f := func(name string) string { return fieldf("lines[%d].%s", i, name) }
	for _, p := range []*string{&l.SKU, &l.Scanned, &l.Lot, &l.ExpiresOn, &l.ManufacturedOn, &l.Serial, &l.CertificateRef, &l.Note} {
		*p = strings.TrimSpace(*p)
	}
	if l.Condition == "" {
		l.Condition = ReceiptOK
	}
	switch l.Condition {
	case ReceiptOK, ReceiptDamaged, ReceiptShort:
		if err := checkCode(f("sku"), l.SKU); err != nil {
			return err
		}
		if l.Scanned != "" {
			return FieldErrorf(f("scanned"), "only a wrong item gives the scanned text; give the SKU")
		}
	case ReceiptWrongItem:
		if c.PO == "" {
			return FieldErrorf(f("condition"), "a wrong item is recorded against a purchase order; give po")
		}
		if l.SKU == "" && l.Scanned == "" {
			return FieldErrorf(f("sku"), "a wrong item needs its SKU or, when it is not in the catalog, the scanned text")
		}
		if l.SKU != "" {
			if err := checkCode(f("sku"), l.SKU); err != nil {
				return err
			}
		}
		if err := checkText(f("scanned"), l.Scanned, 0, 500); err != nil {
			return err
		}
	case ReceiptOver:
		return FieldErrorf(f("condition"), "over is recorded by depot for units beyond the order line; send them as ok")
	default:
		return FieldErrorf(f("condition"), "%q is not a condition: use ok, damaged, wrong_item or short", l.Condition)
	}
	if l.Condition == ReceiptShort {
		if c.PO == "" {
			return FieldErrorf(f("condition"), "short closes a purchase order line; give po")
		}
		if l.Qty < 0 || l.Qty > MaxQty {
			return FieldErrorf(f("qty"), "must be the units that never came, or left out")
		}
		if l.Lot != "" || l.ExpiresOn != "" || l.ManufacturedOn != "" || l.Serial != "" || l.CertificateRef != "" {
			return FieldErrorf(f("lot"), "a short line records units that did not come: give no lot, dates or serial")
		}
	} else if l.Qty <= 0 || l.Qty > MaxQty {
		return FieldErrorf(f("qty"), "must be a whole number from 1 to %d", int64(MaxQty))
	}
	if l.Lot != "" {
		if err := checkCode(f("lot"), l.Lot); err != nil {
			return err
		}
	}
	var expires, made time.Time
	var err error
	if l.ExpiresOn != "" {
		if expires, err = time.Parse(time.DateOnly, l.ExpiresOn); err != nil {
			return FieldErrorf(f("expiry"), "%q is not a date: use YYYY-MM-DD", l.ExpiresOn)
		}
	}
	if l.ManufacturedOn != "" {
		if made, err = time.Parse(time.DateOnly, l.ManufacturedOn); err != nil {
			return FieldErrorf(f("manufactured_on"), "%q is not a date: use YYYY-MM-DD", l.ManufacturedOn)
		}
		if made.After(today) {
			return FieldErrorf(f("manufactured_on"), "%s is in the future", l.ManufacturedOn)
		}
		if !expires.IsZero() && made.After(expires) {
			return FieldErrorf(f("manufactured_on"), "%s is after the expiry %s", l.ManufacturedOn, l.ExpiresOn)
		}
	}
	if (l.ExpiresOn != "" || l.ManufacturedOn != "" || l.CertificateRef != "") && l.Lot == "" && l.Condition != ReceiptWrongItem {
		return FieldErrorf(f("lot"), "dates and a certificate belong to a lot: give the lot code")
	}
	if err := checkText(f("serial"), l.Serial, 0, 64); err != nil {
		return err
	}
	if err := checkText(f("certificate_ref"), l.CertificateRef, 0, 200); err != nil {
		return err
	}
	return checkText(f("note"), l.Note, 0, 500)
}

// ExpiryNeedsConfirm says whether a lot expiring on expires (YYYY-MM-DD)
// must be confirmed at receipt: it has expired before today, or it expires
// more than limitYears after today. It returns the reason, or "".
func ExpiryNeedsConfirm(expires string, today time.Time, limitYears int) string {
	t, err := time.Parse(time.DateOnly, expires)
	if err != nil {
		return ""
	}
	day := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	switch {
	case t.Before(day):
		return "expired on " + expires
	case t.After(day.AddDate(limitYears, 0, 0)):
		return "expires on " + expires + ", more than " + strconv.Itoa(limitYears) + " years from today"
	}
	return ""
}

// OverToleranceOK says whether received units of a line of ordered units
// stay within pct percent over.
func OverToleranceOK(ordered, received int64, pct int) bool {
	return received*100 <= ordered*(100+int64(pct))
}

// IsQuarantinePlace reports whether a location's attributes mark it as a
// quarantine place: {"quarantine": true}. Stock there is not available:
// allocation and putaway must leave it alone.
func IsQuarantinePlace(attributes json.RawMessage) bool {
	var m struct {
		Quarantine bool `json:"quarantine"`
	}
	return json.Unmarshal(attributes, &m) == nil && m.Quarantine
}

// ReceiptLine is one recorded line of a receipt.
type ReceiptLine struct {
	ID int64 `json:"id"`
	// POLine is the purchase order line's number, 0 when the line is not
	// one of the order's (a wrong item, a receipt without an order).
	POLine    int64            `json:"po_line,omitempty"`
	SKU       string           `json:"sku,omitempty"`
	Scanned   string           `json:"scanned,omitempty"`
	Lot       string           `json:"lot,omitempty"`
	ExpiresOn string           `json:"expiry,omitempty"`
	Qty       int64            `json:"qty"`
	Condition ReceiptCondition `json:"condition"`
	// Location is where the units went: the dock, a quarantine place, or
	// "" for a wrong item or a short.
	Location string `json:"location,omitempty"`
	Note     string `json:"note,omitempty"`
}

// Receipt is one recorded delivery.
type Receipt struct {
	ID             int64  `json:"id"`
	PO             string `json:"po,omitempty"`
	Dock           string `json:"dock"`
	IdempotencyKey string `json:"idempotency_key"`
	// MovementID is the receive movement of its good and damaged units,
	// 0 when none went into stock.
	MovementID int64         `json:"movement_id,omitempty"`
	User       string        `json:"user,omitempty"`
	ReceivedAt time.Time     `json:"received_at"`
	Note       string        `json:"note,omitempty"`
	Lines      []ReceiptLine `json:"lines"`
	// POStatus is the purchase order's status after the receipt.
	POStatus string `json:"po_status,omitempty"`
}

// ReceivingLine is a purchase order line as the receiving dock sees it.
type ReceivingLine struct {
	LineNo      int64
	SKU         string
	ProductName string
	GTIN        string
	TrackLots   bool
	Qty         int64 // ordered
	Received    int64 // every unit taken in: good, over and damaged
	Damaged     int64
	Closed      bool
}

// Remaining is what the line still expects; 0 once received in full or
// closed.
func (l ReceivingLine) Remaining() int64 {
	if l.Closed || l.Received >= l.Qty {
		return 0
	}
	return l.Qty - l.Received
}

// ReceivingOrder is a purchase order as the receiving dock sees it: its
// lines with expected and received, and the wrong items recorded against it.
type ReceivingOrder struct {
	ID         int64
	Number     string
	Supplier   string
	Status     string
	Dock       string // the order's dock, "" for none
	ExpectedOn string
	Lines      []ReceivingLine
	WrongItems []ReceiptLine
	Receipts   int64 // how many receipts it has
}

// ReceivingService takes deliveries in.
type ReceivingService interface {
	// PostReceipt records the receipt, posts one receive movement for
	// its good (to the dock) and damaged (to a quarantine place) units,
	// creates lots and updates the purchase order, all or nothing.
	// replayed is true when the key was seen before with the same
	// command: the first receipt is returned and nothing is written.
	// Errors: invalid (field names the line), not_found (order, SKU,
	// dock), conflict (over tolerance, expiry to confirm, order not
	// open, key reused for another receipt, no quarantine place).
	PostReceipt(ctx context.Context, cmd PostReceipt) (r *Receipt, replayed bool, err error)
	// Receipt returns one receipt. Errors: not_found.
	Receipt(ctx context.Context, id int64) (*Receipt, error)
	// Receipts returns the receipts of a purchase order, oldest first.
	// Errors: not_found.
	Receipts(ctx context.Context, po string) ([]Receipt, error)
	// ReceivingOrder returns the order with its lines. Errors: not_found.
	ReceivingOrder(ctx context.Context, po string) (*ReceivingOrder, error)
	// OpenReceivingOrders returns the orders that can be received (sent
	// or partly received), expected soonest first, at most limit.
	OpenReceivingOrders(ctx context.Context, limit int) ([]ReceivingOrder, error)
	// Docks returns the codes of the dock locations, in walk order.
	Docks(ctx context.Context) ([]string, error)
}
