package app

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Supplier is a company goods are bought from.
type Supplier struct {
	ID        int64     `json:"id"`
	Code      string    `json:"code"`
	Name      string    `json:"name"`
	Email     string    `json:"email,omitempty"`
	Phone     string    `json:"phone,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	// OpenOrders counts its purchase orders in draft, sent or partial.
	OpenOrders int64 `json:"open_orders"`
}

// NewSupplier is the command that creates a supplier, and the edit of one
// (whose code is not changed by the edit).
type NewSupplier struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Email string `json:"email"`
	Phone string `json:"phone"`
}

// Validate checks and normalizes the supplier; errors name the fields
// code, name, email and phone.
func (s *NewSupplier) Validate() error {
	s.Code, s.Name = strings.TrimSpace(s.Code), strings.TrimSpace(s.Name)
	s.Email, s.Phone = strings.TrimSpace(s.Email), strings.TrimSpace(s.Phone)
	if err := checkCode("code", s.Code); err != nil {
		return err
	}
	if err := checkText("name", s.Name, 1, 200); err != nil {
		return err
	}
	if err := checkText("email", s.Email, 0, 200); err != nil {
		return err
	}
	if s.Email != "" {
		local, domain, ok := strings.Cut(s.Email, "@")
		if !ok || local == "" || domain == "" || strings.ContainsAny(s.Email, " \t<>,;") || strings.Contains(domain, "@") {
			return FieldErrorf("email", "%q is not an email address like orders@supplier.example", s.Email)
		}
	}
	if err := checkText("phone", s.Phone, 0, 50); err != nil {
		return err
	}
	for _, c := range s.Phone {
		if !strings.ContainsRune("0123456789+-()./ ", c) {
			return FieldErrorf("phone", "%q has %q: write digits, spaces and + - ( ) . / only", s.Phone, c)
		}
	}
	return nil
}

// SupplierRecord is how a supplier delivered: over the purchase-order
// lines that are done (received in full or closed) and had units
// received, how many arrived by their expected date and how many in full.
// A line's arrival is the UTC date of its last receipt.
type SupplierRecord struct {
	Lines  int64 `json:"lines"`
	OnTime int64 `json:"on_time"`
	InFull int64 `json:"in_full"`
	// Late lists the late lines, latest first (at most 20).
	Late []LateLine `json:"late"`
}

// OnTimePercent is the share of lines on time, in whole percent (0 with no
// lines).
func (r SupplierRecord) OnTimePercent() int64 {
	if r.Lines == 0 {
		return 0
	}
	return r.OnTime * 100 / r.Lines
}

// LateLine is a purchase-order line that arrived after its expected date.
type LateLine struct {
	Number     string `json:"number"`
	LineNo     int64  `json:"line_no"`
	SKU        string `json:"sku"`
	ExpectedOn string `json:"expected_on"`
	ArrivedOn  string `json:"arrived_on"`
	DaysLate   int64  `json:"days_late"`
}

// POStatus is where a purchase order is in its life.
type POStatus string

// Purchase order statuses. A draft may be edited; sent means the supplier
// has it and its open lines count as on order; partial and received follow
// the receipts (see the store's refreshPOStatus); closed ends it, closing
// the lines still open short; cancelled ends a draft or sent order that
// received nothing.
const (
	PODraft     POStatus = "draft"
	POSent      POStatus = "sent"
	POPartial   POStatus = "partial"
	POReceived  POStatus = "received"
	POClosed    POStatus = "closed"
	POCancelled POStatus = "cancelled"
)

// POStatuses lists every status in life order.
var POStatuses = []POStatus{PODraft, POSent, POPartial, POReceived, POClosed, POCancelled}

// POAction is a change of a purchase order's status that a person asks for.
type POAction string

// The actions on a purchase order.
const (
	POSend   POAction = "send"
	POClose  POAction = "close"
	POCancel POAction = "cancel"
)

// ParsePOAction returns the action named s, or an invalid-input error.
func ParsePOAction(s string) (POAction, error) {
	switch a := POAction(s); a {
	case POSend, POClose, POCancel:
		return a, nil
	}
	return "", FieldErrorf("action", "%q is not an action on a purchase order: use send, close or cancel", s)
}

// Target is the status the action leads to.
func (a POAction) Target() POStatus {
	switch a {
	case POSend:
		return POSent
	case POClose:
		return POClosed
	case POCancel:
		return POCancelled
	}
	return ""
}

// Check says what the action does to an order of the status: done is true
// when the order is already where the action leads (a repeat: nothing to
// write), and err is a conflict when the status refuses the action.
// Send takes a draft; a sent, partial or received order counts as sent
// already. Close takes a sent, partial or received order. Cancel takes a
// draft or a sent order.
func (a POAction) Check(number string, from POStatus) (done bool, err error) {
	switch a {
	case POSend:
		switch from {
		case PODraft:
			return false, nil
		case POSent, POPartial, POReceived:
			return true, nil
		}
	case POClose:
		switch from {
		case POSent, POPartial, POReceived:
			return false, nil
		case POClosed:
			return true, nil
		case PODraft:
			return false, Errorf(ECONFLICT, "purchase order %s is a draft: cancel it instead of closing it", number)
		}
	case POCancel:
		switch from {
		case PODraft, POSent:
			return false, nil
		case POCancelled:
			return true, nil
		case POPartial, POReceived:
			return false, Errorf(ECONFLICT, "purchase order %s has receipts: close it instead (the units not received are closed short)", number)
		}
	default:
		return false, FieldErrorf("action", "%q is not an action on a purchase order: use send, close or cancel", a)
	}
	return false, Errorf(ECONFLICT, "purchase order %s is %s: it cannot be %s", number, from, a.pastTense())
}

func (a POAction) pastTense() string {
	switch a {
	case POSend:
		return "sent"
	case POClose:
		return "closed"
	}
	return "cancelled"
}

// NewPurchaseOrder is the command that creates a purchase order (a draft),
// and the edit of a draft's header and lines.
type NewPurchaseOrder struct {
	Number string `json:"number"`
	// Supplier is the supplier's code.
	Supplier string `json:"supplier"`
	// ExpectedOn ('YYYY-MM-DD', optional) is when the goods are due; lines
	// without their own date take it.
	ExpectedOn string `json:"expected_on"`
	// Dock is the code of the dock location the goods are expected at
	// (optional; a location of kind dock).
	Dock  string      `json:"dock"`
	Note  string      `json:"note"`
	Lines []NewPOLine `json:"lines"`
	// UserID is who asks; never read from a body.
	UserID int64 `json:"-"`
}

// NewPOLine is one line of a NewPurchaseOrder: a quantity of one variant in
// its base unit at a unit cost in minor units.
type NewPOLine struct {
	SKU           string `json:"sku"`
	Qty           int64  `json:"qty"`
	UnitCostMinor int64  `json:"unit_cost_minor"`
	ExpectedOn    string `json:"expected_on"`
}

// MaxPOLines bounds the lines of one purchase order.
const MaxPOLines = 1000

// Validate checks and normalizes the order: text trimmed, each line's
// expected date defaulting to the order's. A SKU may appear on one line
// only (receipts match scans to lines by variant). Errors name the fields
// number, supplier, expected_on, dock, note and lines[i].sku, .qty,
// .unit_cost_minor and .expected_on.
func (o *NewPurchaseOrder) Validate() error {
	o.Number, o.Supplier = strings.TrimSpace(o.Number), strings.TrimSpace(o.Supplier)
	o.ExpectedOn, o.Dock, o.Note = strings.TrimSpace(o.ExpectedOn), strings.TrimSpace(o.Dock), strings.TrimSpace(o.Note)
	if err := checkCode("number", o.Number); err != nil {
		return err
	}
	if err := checkCode("supplier", o.Supplier); err != nil {
		return err
	}
	if err := checkDate("expected_on", o.ExpectedOn); err != nil {
		return err
	}
	if o.Dock != "" {
		if err := checkCode("dock", o.Dock); err != nil {
			return err
		}
	}
	if err := checkText("note", o.Note, 0, 500); err != nil {
		return err
	}
	if len(o.Lines) == 0 {
		return FieldErrorf("lines", "a purchase order needs at least one line")
	}
	if len(o.Lines) > MaxPOLines {
		return FieldErrorf("lines", "at most %d lines per purchase order", MaxPOLines)
	}
	seen := map[string]int{}
	for i := range o.Lines {
		l := &o.Lines[i]
		f := func(name string) string { return fieldf("lines[%d].%s", i, name) }
		l.SKU, l.ExpectedOn = strings.TrimSpace(l.SKU), strings.TrimSpace(l.ExpectedOn)
		if err := checkCode(f("sku"), l.SKU); err != nil {
			return err
		}
		if j, dup := seen[strings.ToUpper(l.SKU)]; dup {
			return FieldErrorf(f("sku"), "SKU %s is on line %d already: order its whole quantity on one line", l.SKU, j+1)
		}
		seen[strings.ToUpper(l.SKU)] = i
		if l.Qty < 1 || l.Qty > MaxQty {
			return FieldErrorf(f("qty"), "must be a whole number from 1 to %d", int64(MaxQty))
		}
		if l.UnitCostMinor < 0 || l.UnitCostMinor > MaxQty {
			return FieldErrorf(f("unit_cost_minor"), "must be a whole number of minor units from 0 to %d", int64(MaxQty))
		}
		if err := checkDate(f("expected_on"), l.ExpectedOn); err != nil {
			return err
		}
		if l.ExpectedOn == "" {
			l.ExpectedOn = o.ExpectedOn
		}
	}
	return nil
}

// checkDate accepts "" or a calendar date YYYY-MM-DD.
func checkDate(field, s string) error {
	if s == "" {
		return nil
	}
	if t, err := time.Parse("2006-01-02", s); err != nil || t.Format("2006-01-02") != s {
		return FieldErrorf(field, "%q is not a date: write YYYY-MM-DD", s)
	}
	return nil
}

// PurchaseOrder is an order to a supplier with its lines and the receipts
// taken in against it.
type PurchaseOrder struct {
	ID           int64      `json:"id"`
	Number       string     `json:"number"`
	Supplier     string     `json:"supplier"`
	SupplierName string     `json:"supplier_name"`
	Status       POStatus   `json:"status"`
	ExpectedOn   string     `json:"expected_on,omitempty"`
	Dock         string     `json:"dock,omitempty"`
	Note         string     `json:"note"`
	CreatedBy    string     `json:"created_by,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	SentAt       *time.Time `json:"sent_at,omitempty"`
	ClosedAt     *time.Time `json:"closed_at,omitempty"`
	Lines        []POLine   `json:"lines"`
	// Receipts are the deliveries taken in against the order, oldest
	// first, with the lines closed short at its closing as a receipt of
	// their own.
	Receipts []POReceipt `json:"receipts"`
}

// POLine is one line of a purchase order. Received counts every unit taken
// in (good, over and damaged); Damaged is the part of it that went to
// quarantine; Outstanding is what is still to come: 0 once the line is
// closed, else max(Ordered - Received, 0).
type POLine struct {
	ID            int64  `json:"id"`
	LineNo        int64  `json:"line_no"`
	SKU           string `json:"sku"`
	ProductName   string `json:"product_name"`
	Ordered       int64  `json:"ordered"`
	UnitCostMinor int64  `json:"unit_cost_minor"`
	ExpectedOn    string `json:"expected_on,omitempty"`
	Received      int64  `json:"received"`
	Damaged       int64  `json:"damaged"`
	Outstanding   int64  `json:"outstanding"`
	// Short is what the closing of the order closed short.
	Short           int64      `json:"short"`
	Closed          bool       `json:"closed"`
	FirstReceivedAt *time.Time `json:"first_received_at,omitempty"`
	LastReceivedAt  *time.Time `json:"last_received_at,omitempty"`
	TrackLots       bool       `json:"track_lots"`
}

// Late reports whether the line's last receipt came after its expected
// date (UTC dates).
func (l POLine) Late() bool {
	return l.LastReceivedAt != nil && l.ExpectedOn != "" && l.LastReceivedAt.UTC().Format("2006-01-02") > l.ExpectedOn
}

// POReceipt is one receipt against a purchase order.
type POReceipt struct {
	ID         int64           `json:"id"`
	ReceivedAt time.Time       `json:"received_at"`
	User       string          `json:"user,omitempty"`
	Dock       string          `json:"dock"`
	MovementID int64           `json:"movement_id,omitempty"`
	Note       string          `json:"note"`
	Lines      []POReceiptLine `json:"lines"`
}

// POReceiptLine is one line of a receipt: what came, in what condition
// (ok, over, short, damaged, wrong_item) and where it went.
type POReceiptLine struct {
	LineNo    int64  `json:"line_no,omitempty"`
	SKU       string `json:"sku,omitempty"`
	Scanned   string `json:"scanned,omitempty"`
	Lot       string `json:"lot,omitempty"`
	Qty       int64  `json:"qty"`
	Condition string `json:"condition"`
	Location  string `json:"location,omitempty"`
	Note      string `json:"note,omitempty"`
}

// POSummary is a purchase order in a list.
type POSummary struct {
	Number       string    `json:"number"`
	Supplier     string    `json:"supplier"`
	SupplierName string    `json:"supplier_name"`
	Status       POStatus  `json:"status"`
	ExpectedOn   string    `json:"expected_on,omitempty"`
	Lines        int64     `json:"lines"`
	Ordered      int64     `json:"ordered"`
	Received     int64     `json:"received"`
	Outstanding  int64     `json:"outstanding"`
	ValueMinor   int64     `json:"value_minor"`
	CreatedAt    time.Time `json:"created_at"`
}

// POFilter selects purchase orders, newest first. Status "" is any; Open
// keeps draft, sent and partial orders.
type POFilter struct {
	Status   POStatus
	Open     bool
	Supplier string
	// SKU keeps the orders with a line of the variant.
	SKU   string
	Limit int
}

// Validate checks the filter's status; errors name the field status.
func (f *POFilter) Validate() error {
	f.Supplier, f.SKU = strings.TrimSpace(f.Supplier), strings.TrimSpace(f.SKU)
	if f.Status != "" && !slices.Contains(POStatuses, f.Status) {
		return FieldErrorf("status", "%q is not a purchase order status: use draft, sent, partial, received, closed or cancelled", f.Status)
	}
	return nil
}

// PurchasingService keeps suppliers and purchase orders.
type PurchasingService interface {
	// CreateSupplier creates a supplier. A repeat with the same code and
	// the same content returns the supplier with replayed true and writes
	// nothing. Errors: invalid, conflict (code in use with other content).
	CreateSupplier(ctx context.Context, s NewSupplier) (sup *Supplier, replayed bool, err error)
	// UpdateSupplier changes the name, email and phone of the supplier
	// code (s.Code is ignored). Errors: invalid, not_found.
	UpdateSupplier(ctx context.Context, code string, s NewSupplier) (*Supplier, error)
	// Supplier returns the supplier. Errors: not_found.
	Supplier(ctx context.Context, code string) (*Supplier, error)
	// Suppliers lists suppliers by code, those whose code or name
	// contains q (all for ""), at most 500.
	Suppliers(ctx context.Context, q string) ([]Supplier, error)
	// SupplierRecord is the supplier's delivery record. Errors: not_found.
	SupplierRecord(ctx context.Context, code string) (*SupplierRecord, error)

	// CreatePurchaseOrder creates a draft. A repeat with the same number
	// and the same content returns the order with replayed true and
	// writes nothing. Errors: invalid, not_found (supplier, dock,
	// lines[i].sku), conflict (number in use with other content).
	CreatePurchaseOrder(ctx context.Context, o NewPurchaseOrder) (po *PurchaseOrder, replayed bool, err error)
	// UpdatePurchaseOrder replaces the header and the lines of a draft
	// (o.Number may be "" or the same number). Errors: invalid,
	// not_found, conflict (not a draft).
	UpdatePurchaseOrder(ctx context.Context, number string, o NewPurchaseOrder) (*PurchaseOrder, error)
	// PurchaseOrder returns the order with its lines and receipts.
	// Errors: not_found.
	PurchaseOrder(ctx context.Context, number string) (*PurchaseOrder, error)
	// PurchaseOrders lists orders, newest first, at most f.Limit (default
	// 200, at most 1000). Errors: invalid (status), not_found (supplier,
	// sku).
	PurchaseOrders(ctx context.Context, f POFilter) ([]POSummary, error)
	// ActOnPurchaseOrder sends, closes or cancels the order (see
	// POAction.Check). Closing closes the open lines short and records
	// their short units as a receipt of condition short. done is true when
	// the order was there already and nothing was written. Errors:
	// invalid, not_found, conflict.
	ActOnPurchaseOrder(ctx context.Context, number string, a POAction, userID int64) (po *PurchaseOrder, done bool, err error)
	// OnOrder is the variant's quantity on order: over the open lines of
	// sent and partial orders, the sum of max(ordered - received, 0).
	// Errors: not_found (sku).
	OnOrder(ctx context.Context, sku string) (int64, error)
	// SetLotSupplier sets the supplier of a lot ("" clears it).
	// Errors: not_found (lot, supplier).
	SetLotSupplier(ctx context.Context, lotID int64, supplier string) error
}
