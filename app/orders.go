package app

import (
	"context"
	"net/mail"
	"strings"
	"time"
)

// Customer is who a sales order ships to. MinShelfLifeDays is the least
// shelf life, in days, a lot must have left when it is allocated to this
// customer's orders (0: any lot that has not expired).
type Customer struct {
	ID               int64     `json:"id"`
	Code             string    `json:"code"`
	Name             string    `json:"name"`
	Email            string    `json:"email,omitempty"`
	Phone            string    `json:"phone,omitempty"`
	Address          string    `json:"address,omitempty"`
	MinShelfLifeDays int64     `json:"min_shelf_life_days"`
	CreatedAt        time.Time `json:"created_at"`
	// OpenOrders counts the customer's orders not shipped or cancelled
	// (lists only).
	OpenOrders int64 `json:"open_orders"`
}

// NewCustomer is the command that creates a customer or changes one.
type NewCustomer struct {
	Code             string `json:"code"`
	Name             string `json:"name"`
	Email            string `json:"email,omitempty"`
	Phone            string `json:"phone,omitempty"`
	Address          string `json:"address,omitempty"`
	MinShelfLifeDays int64  `json:"min_shelf_life_days,omitempty"`
}

// MaxShelfLifeDays bounds a customer's minimum shelf life: ten years.
const MaxShelfLifeDays = 3650

// Validate checks and normalizes the command; errors name the field.
func (c *NewCustomer) Validate() error {
	c.Code, c.Name = strings.TrimSpace(c.Code), strings.TrimSpace(c.Name)
	c.Email, c.Phone, c.Address = strings.TrimSpace(c.Email), strings.TrimSpace(c.Phone), strings.TrimSpace(c.Address)
	if err := checkCode("code", c.Code); err != nil {
		return err
	}
	if err := checkText("name", c.Name, 1, 200); err != nil {
		return err
	}
	if err := checkText("email", c.Email, 0, 200); err != nil {
		return err
	}
	if c.Email != "" {
		if a, err := mail.ParseAddress(c.Email); err != nil || a.Address != c.Email {
			return FieldErrorf("email", "%q is not an email address like name@example.com", c.Email)
		}
	}
	if err := checkText("phone", c.Phone, 0, 50); err != nil {
		return err
	}
	if err := checkText("address", c.Address, 0, 1000); err != nil {
		return err
	}
	if c.MinShelfLifeDays < 0 || c.MinShelfLifeDays > MaxShelfLifeDays {
		return FieldErrorf("min_shelf_life_days", "must be a number of days from 0 to %d", MaxShelfLifeDays)
	}
	return nil
}

// CustomerFilter selects customers: Q matches code or name.
type CustomerFilter struct {
	Q     string
	Limit int
}

// OrderStatus is where a sales order is on its way out.
type OrderStatus string

// Sales order statuses, in the order an order passes them.
const (
	OrderOpen      OrderStatus = "open"      // entered, nothing reserved
	OrderReleased  OrderStatus = "released"  // allocated as far as stock allowed
	OrderPicking   OrderStatus = "picking"   // on a pick list
	OrderPicked    OrderStatus = "picked"    // every open allocation picked
	OrderPacked    OrderStatus = "packed"    // in parcels, waiting for the carrier
	OrderShipped   OrderStatus = "shipped"   // gone
	OrderCancelled OrderStatus = "cancelled" // its reservations released
)

// OrderStatuses lists every status in flow order.
var OrderStatuses = []OrderStatus{OrderOpen, OrderReleased, OrderPicking, OrderPicked, OrderPacked, OrderShipped, OrderCancelled}

// ParseOrderStatus returns the status named s ("" for none) or an
// invalid-input error for field.
func ParseOrderStatus(field, s string) (OrderStatus, error) {
	if s == "" {
		return "", nil
	}
	for _, st := range OrderStatuses {
		if string(st) == s {
			return st, nil
		}
	}
	return "", FieldErrorf(field, "%q is not an order status: use open, released, picking, picked, packed, shipped or cancelled", s)
}

// Cancellable reports whether an order in status s may still be cancelled:
// not once it is packed, shipped or cancelled.
func (s OrderStatus) Cancellable() bool {
	return s == OrderOpen || s == OrderReleased || s == OrderPicking || s == OrderPicked
}

// NewOrderLine is one line of a NewOrder: Qty base units of the SKU at
// UnitPriceMinor each (minor units of money).
type NewOrderLine struct {
	SKU            string `json:"sku"`
	Qty            int64  `json:"qty"`
	UnitPriceMinor int64  `json:"unit_price_minor,omitempty"`
}

// NewOrder is the command that enters a sales order. Entering is
// idempotent: the same IdempotencyKey, or without one the same Number,
// with the same order replays the first result; with a different order it
// is a conflict.
type NewOrder struct {
	Number         string `json:"number"`
	IdempotencyKey string `json:"idempotency_key,omitempty"`
	// Customer is a customer's code; optional.
	Customer string `json:"customer,omitempty"`
	// Site is the code of the site the order ships from; it may be left
	// out when there is only one site.
	Site string `json:"site,omitempty"`
	// Priority orders release and picking: higher first.
	Priority int64 `json:"priority,omitempty"`
	// ShipBy is the requested ship date, YYYY-MM-DD.
	ShipBy  string `json:"ship_by,omitempty"`
	Carrier string `json:"carrier,omitempty"`
	Service string `json:"service,omitempty"`
	// ShipTo is the delivery address; the customer's address when empty.
	ShipTo string         `json:"ship_to,omitempty"`
	Lines  []NewOrderLine `json:"lines"`

	// UserID is who enters it; set from the session or token, never from
	// the request body.
	UserID int64 `json:"-"`
}

// MaxOrderLines bounds the lines of one sales order.
const MaxOrderLines = 1000

// Validate checks the command's shape and normalizes its text; the store
// checks SKUs, the customer and the site.
func (o *NewOrder) Validate() error {
	o.Number, o.IdempotencyKey = strings.TrimSpace(o.Number), strings.TrimSpace(o.IdempotencyKey)
	o.Customer, o.Site, o.ShipBy = strings.TrimSpace(o.Customer), strings.TrimSpace(o.Site), strings.TrimSpace(o.ShipBy)
	o.Carrier, o.Service, o.ShipTo = strings.TrimSpace(o.Carrier), strings.TrimSpace(o.Service), strings.TrimSpace(o.ShipTo)
	if err := checkCode("number", o.Number); err != nil {
		return err
	}
	if err := checkText("idempotency_key", o.IdempotencyKey, 0, 200); err != nil {
		return err
	}
	if err := checkText("customer", o.Customer, 0, 64); err != nil {
		return err
	}
	if err := checkText("site", o.Site, 0, 64); err != nil {
		return err
	}
	if o.Priority < -1000 || o.Priority > 1000 {
		return FieldErrorf("priority", "must be from -1000 to 1000 (higher goes first)")
	}
	if o.ShipBy != "" {
		if _, err := time.Parse(time.DateOnly, o.ShipBy); err != nil {
			return FieldErrorf("ship_by", "%q is not a date: use YYYY-MM-DD", o.ShipBy)
		}
	}
	if err := checkText("carrier", o.Carrier, 0, 64); err != nil {
		return err
	}
	if err := checkText("service", o.Service, 0, 64); err != nil {
		return err
	}
	if err := checkText("ship_to", o.ShipTo, 0, 1000); err != nil {
		return err
	}
	switch {
	case len(o.Lines) == 0:
		return FieldErrorf("lines", "an order needs at least one line")
	case len(o.Lines) > MaxOrderLines:
		return FieldErrorf("lines", "has %d lines; an order has at most %d", len(o.Lines), MaxOrderLines)
	}
	seen := make(map[string]int, len(o.Lines))
	for i := range o.Lines {
		l := &o.Lines[i]
		l.SKU = strings.TrimSpace(l.SKU)
		if err := checkText(fieldf("lines[%d].sku", i), l.SKU, 1, 64); err != nil {
			return err
		}
		key := strings.ToLower(l.SKU)
		if j, dup := seen[key]; dup {
			return FieldErrorf(fieldf("lines[%d].sku", i), "SKU %s is already on lines[%d]; put the whole quantity on one line", l.SKU, j)
		}
		seen[key] = i
		if l.Qty <= 0 || l.Qty > MaxQty {
			return FieldErrorf(fieldf("lines[%d].qty", i), "must be a whole number from 1 to %d", int64(MaxQty))
		}
		if l.UnitPriceMinor < 0 || l.UnitPriceMinor > MaxQty {
			return FieldErrorf(fieldf("lines[%d].unit_price_minor", i), "must be from 0 to %d minor units", int64(MaxQty))
		}
	}
	return nil
}

// Order is a sales order with its lines and allocations.
type Order struct {
	ID           int64       `json:"id"`
	Number       string      `json:"number"`
	Customer     string      `json:"customer,omitempty"` // code
	CustomerName string      `json:"customer_name,omitempty"`
	Site         string      `json:"site"`
	Status       OrderStatus `json:"status"`
	Priority     int64       `json:"priority"`
	ShipBy       string      `json:"ship_by,omitempty"`
	Carrier      string      `json:"carrier,omitempty"`
	Service      string      `json:"service,omitempty"`
	ShipTo       string      `json:"ship_to,omitempty"`
	CreatedBy    string      `json:"created_by,omitempty"`
	CreatedAt    time.Time   `json:"created_at"`
	ReleasedAt   *time.Time  `json:"released_at,omitempty"`
	ShippedAt    *time.Time  `json:"shipped_at,omitempty"`
	Lines        []OrderLine `json:"lines"`
	// Allocations are every allocation the order had, cancelled ones too,
	// by line and then as made.
	Allocations []Allocation `json:"allocations"`
}

// OrderLine is one line of an Order. AllocatedQty is reserved for it now
// (allocations open or picked), BackorderedQty what could not be.
type OrderLine struct {
	LineNo         int64  `json:"line_no"`
	SKU            string `json:"sku"`
	ProductName    string `json:"product_name"`
	Qty            int64  `json:"qty"`
	UnitPriceMinor int64  `json:"unit_price_minor"`
	AllocatedQty   int64  `json:"allocated_qty"`
	BackorderedQty int64  `json:"backordered_qty"`
	PickedQty      int64  `json:"picked_qty"`
	PackedQty      int64  `json:"packed_qty"`
	ShippedQty     int64  `json:"shipped_qty"`
}

// Allocation statuses.
const (
	AllocationOpen      = "open"
	AllocationPicked    = "picked"
	AllocationShipped   = "shipped"
	AllocationCancelled = "cancelled"
)

// Allocation is stock reserved for an order line at one level: where it is
// now (the bin, or after picking the pick destination) and its lot.
type Allocation struct {
	ID           int64  `json:"id"`
	LineNo       int64  `json:"line_no"`
	SKU          string `json:"sku"`
	Location     string `json:"location"`
	Lot          string `json:"lot,omitempty"`
	LotExpiresOn string `json:"lot_expires_on,omitempty"`
	Qty          int64  `json:"qty"`
	Status       string `json:"status"`
}

// Release is what a release (or a release of backorders) did: the
// allocations it made and what remains backordered per SKU. Releasing an
// order that was released before changes nothing and returns its open and
// picked allocations and its backorders.
type Release struct {
	Order       string            `json:"order"`
	Status      OrderStatus       `json:"status"`
	Allocations []ReleasedStock   `json:"allocations"`
	Backorders  []BackorderedLine `json:"backorders"`
}

// ReleasedStock is one allocation of a release.
type ReleasedStock struct {
	SKU      string `json:"sku"`
	Location string `json:"location"`
	Lot      string `json:"lot"`
	Qty      int64  `json:"qty"`
}

// BackorderedLine is what of a SKU an order still waits for.
type BackorderedLine struct {
	SKU string `json:"sku"`
	Qty int64  `json:"qty"`
}

// ReleaseOutcome is one order's result of ReleaseOrders: the release, or
// the error that refused it (and changed nothing of that order).
type ReleaseOutcome struct {
	Number  string
	Release *Release
	Err     error
}

// BackorderRun is what a run of AllocateAllBackorders did.
type BackorderRun struct {
	Orders    int   // orders with backorders looked at
	Allocated int64 // units allocated
	Remaining int64 // units still backordered
}

// OrderFilter selects orders for the list: by status and customer code,
// highest priority first, then oldest; Offset skips that many rows.
type OrderFilter struct {
	Status   OrderStatus
	Customer string
	Limit    int
	Offset   int
}

// OrderSummary is one row of the order list.
type OrderSummary struct {
	Number         string      `json:"number"`
	Customer       string      `json:"customer,omitempty"`
	Status         OrderStatus `json:"status"`
	Priority       int64       `json:"priority"`
	ShipBy         string      `json:"ship_by,omitempty"`
	Carrier        string      `json:"carrier,omitempty"`
	Lines          int64       `json:"lines"`
	Qty            int64       `json:"qty"`
	BackorderedQty int64       `json:"backordered_qty"`
	CreatedAt      time.Time   `json:"created_at"`
}

// OrderService keeps customers and sales orders and reserves stock for
// them. Releasing, releasing backorders and cancelling each run as one
// writer command per order: all of it or none.
type OrderService interface {
	// CreateCustomer adds a customer; the same code with the same details
	// replays (replayed true), with others it is a conflict.
	CreateCustomer(ctx context.Context, c NewCustomer) (cust *Customer, replayed bool, err error)
	// UpdateCustomer changes the customer with the code (which stays).
	UpdateCustomer(ctx context.Context, code string, c NewCustomer) (*Customer, error)
	Customer(ctx context.Context, code string) (*Customer, error)
	Customers(ctx context.Context, f CustomerFilter) ([]Customer, error)

	// CreateOrder enters an order in status open; see NewOrder for replays.
	CreateOrder(ctx context.Context, o NewOrder) (order *Order, replayed bool, err error)
	Order(ctx context.Context, number string) (*Order, error)
	Orders(ctx context.Context, f OrderFilter) ([]OrderSummary, error)
	// OrderCounts counts orders per status.
	OrderCounts(ctx context.Context) (map[OrderStatus]int64, error)

	// ReleaseOrder allocates and reserves an open order's lines (FEFO for
	// lots, else FIFO, then walk order) and backorders the rest.
	ReleaseOrder(ctx context.Context, number string) (*Release, error)
	// ReleaseOrders releases many orders, one command each, submitted
	// together so that the writer commits them in groups. Outcomes are in
	// the order of numbers.
	ReleaseOrders(ctx context.Context, numbers []string) []ReleaseOutcome
	// AllocateBackorders allocates what stock now allows of a released
	// order's backorders.
	AllocateBackorders(ctx context.Context, number string) (*Release, error)
	// AllocateAllBackorders does AllocateBackorders for every order with
	// backorders, highest priority and oldest first.
	AllocateAllBackorders(ctx context.Context) (BackorderRun, error)
	// CancelOrder cancels an order not yet packed and releases its
	// reservations.
	CancelOrder(ctx context.Context, number string) (*Order, error)
}
