package app

import (
	"context"
	"strings"
	"time"
)

// PickListKind says how a pick list was put together.
type PickListKind string

// Pick list kinds.
const (
	// PickSingle is one order's allocations.
	PickSingle PickListKind = "single"
	// PickBatch is many orders picked in one pass: the same variant for
	// several orders at one stop, each order into its own tote.
	PickBatch PickListKind = "batch"
	// PickWave is orders grouped by zone, carrier or cut-off time, one
	// list per group.
	PickWave PickListKind = "wave"
)

// Wave groupings: what the orders of one wave list share.
const (
	// GroupZone makes one list per zone: each zone's stops of every order
	// in the wave, so an order may be on several lists.
	GroupZone = "zone"
	// GroupCarrier makes one list per carrier.
	GroupCarrier = "carrier"
	// GroupCutoff makes one list per ship-by date (the cut-off), most
	// urgent first.
	GroupCutoff = "cutoff"
)

// Pick list limits.
const (
	// DefaultPickOrders is how many orders a batch or wave takes when no
	// limit is given.
	DefaultPickOrders = 50
	// MaxPickOrders bounds the orders of one build.
	MaxPickOrders = 5000
	// DefaultClaimTTL is how long a claim lasts without a confirmation;
	// every confirmation renews it.
	DefaultClaimTTL = 15 * time.Minute
)

// NewPickLists is the command that builds pick lists from the open
// allocations of released orders that are on no list yet.
type NewPickLists struct {
	Kind PickListKind `json:"kind"`
	// Orders are order numbers. single: one order (the most urgent one
	// when empty); batch and wave: those orders (the most urgent ones up to
	// Limit when empty).
	Orders []string `json:"orders,omitempty"`
	// GroupBy is the wave's grouping: zone, carrier or cutoff.
	GroupBy string `json:"group_by,omitempty"`
	// Limit is the most orders taken when Orders is empty (default
	// DefaultPickOrders).
	Limit int `json:"limit,omitempty"`
	// Destination is the code of the staging place picked goods go to;
	// empty: the first staging place.
	Destination string `json:"destination,omitempty"`

	// UserID is who builds it; set from the session or token.
	UserID int64 `json:"-"`
}

// Validate checks and normalizes the command; errors name the field.
func (c *NewPickLists) Validate() error {
	c.Kind = PickListKind(strings.TrimSpace(string(c.Kind)))
	c.GroupBy = strings.ToLower(strings.TrimSpace(c.GroupBy))
	c.Destination = strings.TrimSpace(c.Destination)
	switch c.Kind {
	case PickSingle, PickBatch, PickWave:
	case "":
		return FieldErrorf("kind", "is required: single, batch or wave")
	default:
		return FieldErrorf("kind", "%q is not a pick list kind: use single, batch or wave", c.Kind)
	}
	if c.Kind == PickWave {
		switch c.GroupBy {
		case GroupZone, GroupCarrier, GroupCutoff:
		case "":
			return FieldErrorf("group_by", "a wave needs a grouping: zone, carrier or cutoff")
		default:
			return FieldErrorf("group_by", "%q is not a grouping: use zone, carrier or cutoff", c.GroupBy)
		}
	} else if c.GroupBy != "" {
		return FieldErrorf("group_by", "only a wave is grouped; a %s list takes none", c.Kind)
	}
	if c.Limit < 0 || c.Limit > MaxPickOrders {
		return FieldErrorf("limit", "must be a number of orders from 1 to %d", MaxPickOrders)
	}
	if c.Limit == 0 {
		c.Limit = DefaultPickOrders
	}
	if len(c.Orders) > MaxPickOrders {
		return FieldErrorf("orders", "at most %d orders in one build", MaxPickOrders)
	}
	if c.Kind == PickSingle && len(c.Orders) > 1 {
		return FieldErrorf("orders", "a single list is one order; build a batch or a wave for %d orders", len(c.Orders))
	}
	seen := map[string]bool{}
	for i := range c.Orders {
		c.Orders[i] = strings.TrimSpace(c.Orders[i])
		f := fieldf("orders[%d]", i)
		if err := checkCode(f, c.Orders[i]); err != nil {
			return err
		}
		k := strings.ToLower(c.Orders[i])
		if seen[k] {
			return FieldErrorf(f, "order %s is given twice", c.Orders[i])
		}
		seen[k] = true
	}
	if c.Destination != "" {
		if err := checkCode("destination", c.Destination); err != nil {
			return err
		}
	}
	return nil
}

// Pick list and task statuses.
const (
	ListOpen      = "open"
	ListClaimed   = "claimed"
	ListDone      = "done"
	ListCancelled = "cancelled"

	TaskOpen   = "open"
	TaskPicked = "picked"
	TaskShort  = "short"
)

// PickList is a list of stops one picker walks. A claim is held until
// ClaimExpiresAt; after it another picker may take the list.
type PickList struct {
	ID             int64        `json:"id"`
	Kind           PickListKind `json:"kind"`
	Status         string       `json:"status"`
	Name           string       `json:"name"`
	Destination    string       `json:"destination"`
	ClaimedBy      string       `json:"claimed_by,omitempty"`
	ClaimedAt      *time.Time   `json:"claimed_at,omitempty"`
	ClaimExpiresAt *time.Time   `json:"claim_expires_at,omitempty"`
	CreatedBy      string       `json:"created_by,omitempty"`
	CreatedAt      time.Time    `json:"created_at"`
	DoneAt         *time.Time   `json:"done_at,omitempty"`
	// Orders, Tasks and OpenTasks count the list's orders, stops and stops
	// still to pick.
	Orders    int64 `json:"orders"`
	Tasks     int64 `json:"tasks_total"`
	OpenTasks int64 `json:"tasks_open"`
	// Stops are the list's tasks in walk order (PickList only, not lists).
	Stops []PickTask `json:"tasks,omitempty"`
}

// PickTask is one stop: take Qty of an order's allocation from Location
// into Tote.
type PickTask struct {
	ID       int64  `json:"id"`
	ListID   int64  `json:"pick_list"`
	Seq      int64  `json:"seq"`
	Order    string `json:"order"`
	SKU      string `json:"sku"`
	Product  string `json:"product"`
	Location string `json:"location"`
	Lot      string `json:"lot,omitempty"`
	// LotExpiresOn is the allocated lot's expiry, YYYY-MM-DD.
	LotExpiresOn string     `json:"lot_expires_on,omitempty"`
	Qty          int64      `json:"qty"`
	PickedQty    int64      `json:"picked_qty"`
	Tote         string     `json:"tote"`
	Status       string     `json:"status"`
	PickedBy     string     `json:"picked_by,omitempty"`
	PickedAt     *time.Time `json:"picked_at,omitempty"`
}

// Left is what is still to pick at the stop.
func (t *PickTask) Left() int64 {
	if t.Status != TaskOpen {
		return 0
	}
	return t.Qty - t.PickedQty
}

// PickListFilter selects pick lists: by status ("" for open and claimed),
// newest first, at most Limit (default 100, at most 1000).
type PickListFilter struct {
	Status string
	Limit  int
}

// PickClaim is a picker taking a list (ListID) or the next one (ListID 0).
type PickClaim struct {
	ListID int64
	UserID int64
	// TTL is how long the claim lasts; 0 is DefaultClaimTTL.
	TTL time.Duration
}

// PickRelease gives a claimed list back. Only its picker may, unless Any
// (a manager's release of someone else's claim).
type PickRelease struct {
	ListID int64
	UserID int64
	Any    bool
}

// PickConfirm is a picker's scan of one stop: the bin, the item (resolved
// to its SKU by the caller: a case barcode counts its pack size), the lot
// where the variant is tracked by lot (and, from a GS1 barcode, the lot's
// expiry) and the quantity in base units.
type PickConfirm struct {
	TaskID    int64
	Bin       string
	SKU       string
	Lot       string
	ExpiresOn string
	Qty       int64
	UserID    int64
	// TTL renews the list's claim; 0 is DefaultClaimTTL.
	TTL time.Duration
	// Seen, when set, is the stop's picked quantity the picker's screen
	// showed: a confirmation sent twice (a double tap) finds the stop
	// changed and picks nothing more.
	Seen *int64
}

// PickShort is a picker saying the bin holds only Found of what is left at
// the stop: those are picked, the rest is allocated from another bin or
// backordered, and the bin is flagged for a count.
type PickShort struct {
	TaskID int64
	Found  int64
	UserID int64
	TTL    time.Duration
}

// PickResult is what a confirmation or a short pick did.
type PickResult struct {
	Task PickTask `json:"task"`
	// Movement is the id of the move movement of the pick; 0 when nothing
	// was picked (a short pick that found none).
	Movement int64 `json:"movement,omitempty"`
	// Reallocated are the stops added to the list for a short pick's
	// missing units; Backordered is what could not be allocated.
	Reallocated []PickTask `json:"reallocated,omitempty"`
	Backordered int64      `json:"backordered,omitempty"`
	// CountRequest is the id of the count request a short pick raised.
	CountRequest int64 `json:"count_request,omitempty"`
	// OrderPicked is set when the pick completed its order; ListDone when
	// it completed the list.
	OrderPicked bool `json:"order_picked"`
	ListDone    bool `json:"list_done"`
}

// CountRequest is a bin flagged for a count.
type CountRequest struct {
	ID        int64     `json:"id"`
	Location  string    `json:"location"`
	SKU       string    `json:"sku,omitempty"`
	Reason    string    `json:"reason"`
	CreatedBy string    `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// PickService builds pick lists, hands them to pickers and confirms picks.
type PickService interface {
	// CreatePickLists builds lists from the open allocations of released
	// orders that are on no list; their orders become picking. Errors:
	// invalid, not_found (an order, the destination), conflict (an order
	// with nothing to pick, or nothing to pick at all).
	CreatePickLists(ctx context.Context, c NewPickLists) ([]PickList, error)
	PickLists(ctx context.Context, f PickListFilter) ([]PickList, error)
	// PickList returns a list with its stops. Errors: not_found.
	PickList(ctx context.Context, id int64) (*PickList, error)
	// ClaimPickList gives the picker the list named, or the next one: the
	// picker's own unexpired claim, else the oldest open list or one whose
	// claim expired. Two pickers never get the same list. Errors:
	// not_found (no list to pick), conflict (the list is someone else's or
	// done).
	ClaimPickList(ctx context.Context, c PickClaim) (*PickList, error)
	// ReleasePickList gives a claim back. Errors: not_found, conflict.
	ReleasePickList(ctx context.Context, r PickRelease) (*PickList, error)
	// ConfirmPick moves the scanned quantity from the bin to the list's
	// destination with its reservation. Errors: invalid (wrong bin, item,
	// lot or quantity: the field says which), not_found, conflict (the
	// list is not the picker's, the stop is done).
	ConfirmPick(ctx context.Context, c PickConfirm) (*PickResult, error)
	// ShortPick picks what was found and reallocates or backorders the
	// rest, flagging the bin for a count. Errors as ConfirmPick.
	ShortPick(ctx context.Context, s PickShort) (*PickResult, error)
	// HeldPickList returns the list the user holds (claimed by the user
	// and not taken by another since), with its stops; nil when none.
	HeldPickList(ctx context.Context, userID int64) (*PickList, error)
	// CountRequests returns the open count requests, oldest first.
	CountRequests(ctx context.Context) ([]CountRequest, error)
	// CountRequestsDone closes the open count requests of the place (a
	// count of it was posted) and returns how many.
	CountRequestsDone(ctx context.Context, location string) (int64, error)
}
