package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"depot/app/packcheck"
)

// Box is a shipping box the packing station offers, with its tare weight.
type Box struct {
	ID          int64  `json:"id"`
	Code        string `json:"code"`
	Name        string `json:"name"`
	TareMg      int64  `json:"tare_mg"`
	LengthMM    int64  `json:"length_mm"`
	WidthMM     int64  `json:"width_mm"`
	HeightMM    int64  `json:"height_mm"`
	MaxWeightMg int64  `json:"max_weight_mg"`
	Archived    bool   `json:"archived"`
}

// maxBoxMg bounds box weights (1 t): a typo, not a box, beyond it.
const maxBoxMg = 1_000_000_000

// Validate trims the box's text and checks its fields; the error names
// the field.
func (b *Box) Validate() error {
	b.Code, b.Name = strings.TrimSpace(b.Code), strings.TrimSpace(b.Name)
	if err := checkCode("code", b.Code); err != nil {
		return err
	}
	if err := checkText("name", b.Name, 1, 200); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		v    int64
		max  int64
	}{{"tare_mg", b.TareMg, maxBoxMg}, {"max_weight_mg", b.MaxWeightMg, maxBoxMg},
		{"length_mm", b.LengthMM, 10_000}, {"width_mm", b.WidthMM, 10_000}, {"height_mm", b.HeightMM, 10_000}} {
		if f.v < 0 || f.v > f.max {
			return FieldErrorf(f.name, "must be a whole number from 0 to %d", f.max)
		}
	}
	return nil
}

// PackOrder is a sales order as the packing station sees it.
type PackOrder struct {
	ID       int64      `json:"id"`
	Number   string     `json:"number"`
	Status   string     `json:"status"`
	Customer string     `json:"customer,omitempty"`
	ShipTo   string     `json:"ship_to,omitempty"`
	Carrier  string     `json:"carrier,omitempty"`
	Service  string     `json:"service,omitempty"`
	Lines    []PackLine `json:"lines"`
}

// PackLine is one order line at the packing station. Qty is what goes in
// the parcel: the line's allocated quantity (reserved, not yet shipped);
// Picked is the part of it already picked to a staging place, Packed the
// units scanned into the parcel and Shipped what has left.
type PackLine struct {
	LineNo       int64  `json:"line_no"`
	SKU          string `json:"sku"`
	Name         string `json:"name"`
	UnitWeightMg int64  `json:"unit_weight_mg"`
	Qty          int64  `json:"qty"`
	Picked       int64  `json:"picked"`
	Packed       int64  `json:"packed"`
	Shipped      int64  `json:"shipped"`
}

// Complete reports whether every unit to ship has been scanned in.
func (o *PackOrder) Complete() bool {
	for _, l := range o.Lines {
		if l.Packed < l.Qty {
			return false
		}
	}
	return len(o.Lines) > 0
}

// Unpacked lists what is still to scan into the parcel: "2 x SKU-A".
func (o *PackOrder) Unpacked() []string {
	var rest []string
	for _, l := range o.Lines {
		if l.Packed < l.Qty {
			rest = append(rest, fmt.Sprintf("%d x %s", l.Qty-l.Packed, l.SKU))
		}
	}
	return rest
}

// Units returns the units to ship and the units scanned in.
func (o *PackOrder) Units() (qty, packed int64) {
	for _, l := range o.Lines {
		qty += l.Qty
		packed += l.Packed
	}
	return qty, packed
}

// PackScan is one item scanned into a parcel: Qty units (a case counts
// its units) of SKU into order Order.
type PackScan struct {
	Order string
	SKU   string
	Qty   int64
}

// VerifyPackage asks for the weight check of an order's parcel.
type VerifyPackage struct {
	Order    string `json:"order"`
	Box      string `json:"box,omitempty"` // box code; "" is no box (tare 0)
	WeightMg int64  `json:"weight_mg"`
	// Stable says the scale reported the weight as settled. The API takes
	// a weight given to it as stable.
	Stable bool `json:"-"`
	// Record writes the result as a package of the order's open shipment
	// (the station does; the API's check does not).
	Record  bool   `json:"-"`
	Station string `json:"-"` // the station's location code, when recorded
	Scale   string `json:"-"` // the scale's address, when recorded
	UserID  int64  `json:"-"`
}

// Validate checks the request's shape.
func (v *VerifyPackage) Validate() error {
	v.Order, v.Box = strings.TrimSpace(v.Order), strings.TrimSpace(v.Box)
	if err := checkText("order", v.Order, 1, 64); err != nil {
		return err
	}
	if v.WeightMg <= 0 || v.WeightMg > maxBoxMg {
		return FieldErrorf("weight_mg", "must be the parcel's weight in milligrams, from 1 to %d", int64(maxBoxMg))
	}
	return nil
}

// Verification is the verdict on a parcel; PackageID and ShipmentID are
// set when it was recorded.
type Verification struct {
	packcheck.Result
	PackageID  int64 `json:"package_id,omitempty"`
	ShipmentID int64 `json:"shipment_id,omitempty"`
}

// Summary is the verdict in one line: "expected 990 g, measured 741 g
// (-249 g, 20 g allowed): 1 x SKU-A (250 g) missing".
func (v Verification) Summary() string {
	s := fmt.Sprintf("expected %s, measured %s (%s%s, %s allowed)", packcheck.FormatMg(v.ExpectedMg),
		packcheck.FormatMg(v.MeasuredMg), sign(v.DiffMg), packcheck.FormatMg(v.DiffMg), packcheck.FormatMg(v.ToleranceMg))
	if v.Cause != "" {
		s += ": " + v.Cause
	}
	return s
}

func sign(v int64) string {
	if v > 0 {
		return "+"
	}
	return ""
}

// ShipOrder is the command that ships an order: one shipment with its
// packages, the ship movement of every picked allocation, the order
// shipped. Either PackageID (a parcel verified at a station) or Packages
// (the API) says what leaves.
type ShipOrder struct {
	Order    string `json:"order"`
	Carrier  string `json:"carrier,omitempty"` // default: the order's carrier, else "manual"
	Service  string `json:"service,omitempty"`
	Tracking string `json:"tracking,omitempty"` // "": depot makes one (manual carrier)
	// IdempotencyKey makes a retried request return the first shipment.
	IdempotencyKey string        `json:"idempotency_key,omitempty"`
	Packages       []ShipPackage `json:"packages,omitempty"`
	// OverrideReason ships packages that fail their weight check; only
	// a user who may OverrideWeight may give one.
	OverrideReason string `json:"override_reason,omitempty"`

	PackageID int64 `json:"-"`
	UserID    int64 `json:"-"`
	// MayOverride says the user may override a failed weight check.
	MayOverride bool `json:"-"`
}

// ShipPackage is one parcel of a shipment given through the API. Items
// may be left out when the shipment has one package (it holds the whole
// order); with several packages each lists its items.
type ShipPackage struct {
	Box      string     `json:"box,omitempty"`
	WeightMg int64      `json:"weight_mg"`
	LengthMM int64      `json:"length_mm,omitempty"`
	WidthMM  int64      `json:"width_mm,omitempty"`
	HeightMM int64      `json:"height_mm,omitempty"`
	Items    []ShipItem `json:"items,omitempty"`
}

// ShipItem is a quantity of one SKU in a package.
type ShipItem struct {
	SKU string `json:"sku"`
	Qty int64  `json:"qty"`
}

// MaxPackages bounds the packages of one shipment.
const MaxPackages = 100

// Validate checks the command's shape; the error names the field.
func (c *ShipOrder) Validate() error {
	c.Order = strings.TrimSpace(c.Order)
	c.Carrier, c.Service = strings.TrimSpace(c.Carrier), strings.TrimSpace(c.Service)
	c.Tracking, c.IdempotencyKey = strings.TrimSpace(c.Tracking), strings.TrimSpace(c.IdempotencyKey)
	c.OverrideReason = strings.TrimSpace(c.OverrideReason)
	if err := checkText("order", c.Order, 1, 64); err != nil {
		return err
	}
	if err := checkText("carrier", c.Carrier, 0, 64); err != nil {
		return err
	}
	if err := checkText("service", c.Service, 0, 64); err != nil {
		return err
	}
	if c.Tracking != "" {
		if err := checkCode("tracking", c.Tracking); err != nil {
			return err
		}
	}
	if err := checkText("idempotency_key", c.IdempotencyKey, 0, 200); err != nil {
		return err
	}
	if err := checkText("override_reason", c.OverrideReason, 0, 500); err != nil {
		return err
	}
	if c.OverrideReason != "" && !c.MayOverride {
		return &Error{Code: EFORBIDDEN, Field: "override_reason", Message: "only a manager may override a failed weight check"}
	}
	if c.PackageID != 0 {
		return nil
	}
	if len(c.Packages) == 0 {
		return FieldErrorf("packages", "is required: at least one package with its weight")
	}
	if len(c.Packages) > MaxPackages {
		return FieldErrorf("packages", "has %d packages; at most %d", len(c.Packages), MaxPackages)
	}
	for i := range c.Packages {
		p := &c.Packages[i]
		f := func(n string) string { return fmt.Sprintf("packages[%d].%s", i, n) }
		p.Box = strings.TrimSpace(p.Box)
		if p.WeightMg <= 0 || p.WeightMg > maxBoxMg {
			return FieldErrorf(f("weight_mg"), "must be the parcel's weight in milligrams, from 1 to %d", int64(maxBoxMg))
		}
		for _, d := range []struct {
			n string
			v int64
		}{{"length_mm", p.LengthMM}, {"width_mm", p.WidthMM}, {"height_mm", p.HeightMM}} {
			if d.v < 0 || d.v > 10_000 {
				return FieldErrorf(f(d.n), "must be from 0 to 10000 mm")
			}
		}
		if len(c.Packages) > 1 && len(p.Items) == 0 {
			return FieldErrorf(f("items"), "is required when a shipment has several packages: say what each holds")
		}
		for j, it := range p.Items {
			if it.SKU == "" {
				return FieldErrorf(fmt.Sprintf("packages[%d].items[%d].sku", i, j), "is required")
			}
			if it.Qty <= 0 || it.Qty > MaxQty {
				return FieldErrorf(fmt.Sprintf("packages[%d].items[%d].qty", i, j), "must be at least 1")
			}
		}
	}
	return nil
}

// Shipment is an order's shipment with its packages.
type Shipment struct {
	ID         int64      `json:"id"`
	Order      string     `json:"order"`
	Customer   string     `json:"customer,omitempty"`
	ShipTo     string     `json:"ship_to,omitempty"`
	Carrier    string     `json:"carrier"`
	Service    string     `json:"service"`
	Tracking   string     `json:"tracking"`
	Status     string     `json:"status"` // open, shipped, cancelled
	Station    string     `json:"station,omitempty"`
	MovementID int64      `json:"movement_id,omitempty"`
	CreatedBy  string     `json:"created_by,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	ShippedAt  *time.Time `json:"shipped_at,omitempty"`
	Packages   []Package  `json:"packages"`
	// Replayed is set when the idempotency key was seen before and
	// nothing was written.
	Replayed bool `json:"-"`
}

// Package is one weighing of a parcel: every verification at a station is
// kept, so a shipment's packages include failed weighings (pass false, no
// override) before the one that shipped.
type Package struct {
	ID             int64     `json:"id"`
	Box            string    `json:"box,omitempty"`
	ExpectedMg     int64     `json:"expected_mg"`
	MeasuredMg     int64     `json:"measured_mg"`
	ToleranceMg    int64     `json:"tolerance_mg"`
	Pass           bool      `json:"pass"`
	Cause          string    `json:"cause,omitempty"`
	Scale          string    `json:"scale,omitempty"`
	LengthMM       int64     `json:"length_mm"`
	WidthMM        int64     `json:"width_mm"`
	HeightMM       int64     `json:"height_mm"`
	VerifiedBy     string    `json:"verified_by,omitempty"`
	OverrideBy     string    `json:"override_by,omitempty"`
	OverrideReason string    `json:"override_reason,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
}

// Accepted reports whether the parcel may ship: it passed, or a manager
// overrode its failure.
func (p Package) Accepted() bool { return p.Pass || p.OverrideBy != "" }

// ShipFromKey is the settings key of the sender's address printed on
// shipping labels, a JSON list of lines: ["Main warehouse", "1 Depot Road"].
const ShipFromKey = "packing.ship_from"

// ToleranceKey is the settings key of the site's packing tolerance, a JSON
// packcheck.Tolerance: {"abs_mg": 20000, "pct_bp": 200}.
const ToleranceKey = "packing.tolerance"

// DepotTracking is the tracking number depot gives a shipment of the
// manual carrier when none was entered: "DPT", the shipment id in ten
// digits and a check digit (GS1 mod 10), e.g. DPT00000000178 for shipment 17.
func DepotTracking(shipmentID int64) string {
	digits := fmt.Sprintf("%010d", shipmentID)
	return "DPT" + digits + string(GS1CheckDigit(digits))
}

// WeightTolerance is a variant's own packing tolerance; a nil part is
// the site's.
type WeightTolerance struct {
	SKU   string `json:"sku"`
	AbsMg *int64 `json:"abs_mg"`
	PctBP *int64 `json:"pct_bp"`
}

// PackingService packs and ships orders at the packing station and
// through the API.
type PackingService interface {
	Boxes(ctx context.Context, archived bool) ([]Box, error)
	// SaveBox creates the box or updates the one with its code.
	SaveBox(ctx context.Context, b Box) (*Box, error)
	PackTolerance(ctx context.Context) (packcheck.Tolerance, error)
	// WeightTolerances lists the variants' own tolerances by SKU.
	WeightTolerances(ctx context.Context) ([]WeightTolerance, error)
	// SetWeightTolerance sets a variant's own tolerance (both nil:
	// removes it). Errors: not_found (SKU), invalid.
	SetWeightTolerance(ctx context.Context, sku string, absMg, pctBP *int64) error
	// ShipFrom is the sender's address for labels (settings key
	// ShipFromKey); nil when none is set.
	ShipFrom(ctx context.Context) ([]string, error)
	SetPackTolerance(ctx context.Context, t packcheck.Tolerance) error
	// PackOrder finds an order by its number or by a tote it was picked
	// into. Errors: not_found.
	PackOrder(ctx context.Context, ref string) (*PackOrder, error)
	// PackItem counts a scanned item into the parcel. Errors: conflict
	// naming the item when it is not on the order or all its units are
	// already packed; nothing changes then.
	PackItem(ctx context.Context, s PackScan) (*PackOrder, error)
	// ResetPacking sets the order's scanned counts back to zero.
	ResetPacking(ctx context.Context, order string) (*PackOrder, error)
	VerifyPackage(ctx context.Context, v VerifyPackage) (*Verification, error)
	// OverridePackage records a manager's override, with a reason, of a
	// package that failed its weight check.
	OverridePackage(ctx context.Context, packageID, managerID int64, reason string) (*Package, error)
	ShipOrder(ctx context.Context, c ShipOrder) (*Shipment, error)
	Shipment(ctx context.Context, id int64) (*Shipment, error)
	Shipments(ctx context.Context, order string) ([]*Shipment, error)
}

// Carrier is a shipping company as depot uses it: what it charges, the
// label (with its tracking number) for a shipment, and where a parcel
// is. The manual carrier (app/carrier) is the one there is today; real
// carrier APIs come with the integrations.
type Carrier interface {
	// Name is the carrier's name as shipments record it.
	Name() string
	// Rate quotes the carrier's services for the parcels. Errors:
	// unavailable when the carrier quotes no rates.
	Rate(ctx context.Context, r RateRequest) ([]Rate, error)
	// Label returns the shipment's tracking number and its 4x6 label as
	// ZPL, ready for the station's printer.
	Label(ctx context.Context, r LabelRequest) (*CarrierLabel, error)
	// Track says where a parcel is. Errors: unavailable when the carrier
	// does not report it.
	Track(ctx context.Context, tracking string) (*TrackStatus, error)
}

// RateRequest is what a carrier needs for a quote.
type RateRequest struct {
	From, To []string
	Packages []ShipPackage
}

// Rate is one service's price.
type Rate struct {
	Service    string `json:"service"`
	PriceMinor int64  `json:"price_minor"`
	Currency   string `json:"currency"`
	Days       int    `json:"days"`
}

// LabelRequest asks for a shipment's label.
type LabelRequest struct {
	Shipment *Shipment
	From, To []string // address lines
	WeightMg int64    // the parcel's measured weight
	DPI      int      // the printer's resolution: 203 or 300
}

// CarrierLabel is a shipment's label.
type CarrierLabel struct {
	Tracking string
	ZPL      []byte
}

// TrackStatus is where a parcel is.
type TrackStatus struct {
	Tracking string    `json:"tracking"`
	Status   string    `json:"status"`
	At       time.Time `json:"at"`
}
