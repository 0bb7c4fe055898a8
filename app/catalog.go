package app

import (
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"
)

// Product groups variants that share a name and a category.
type Product struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Category  string    `json:"category,omitempty"`
	Variants  []Variant `json:"variants"`
	CreatedAt time.Time `json:"created_at"`
}

// Variant is the unit stock is kept in: one SKU. Quantities of a variant are
// integers in its base unit.
type Variant struct {
	ID            int64           `json:"id"`
	ProductID     int64           `json:"product_id"`
	ProductName   string          `json:"product_name"`
	SKU           string          `json:"sku"`
	GTIN          string          `json:"gtin,omitempty"` // GTIN-14
	Attributes    json.RawMessage `json:"attributes"`
	UnitWeightMg  int64           `json:"unit_weight_mg"`
	UnitCostMinor int64           `json:"unit_cost_minor"`
	TrackLots     bool            `json:"track_lots"`
	Packagings    []Packaging     `json:"packagings"`
}

// Packaging is a pack of one variant with its own barcode: a case of 12.
type Packaging struct {
	Name         string `json:"name"`
	Qty          int64  `json:"qty"`
	Barcode      string `json:"barcode,omitempty"`
	TareWeightMg int64  `json:"tare_weight_mg"`
}

// NewProduct is the command that creates a product with its variants.
type NewProduct struct {
	Name     string       `json:"name"`
	Category string       `json:"category"`
	Variants []NewVariant `json:"variants"`
}

// NewVariant is one variant of a NewProduct.
type NewVariant struct {
	SKU           string          `json:"sku"`
	GTIN          string          `json:"gtin"`
	Attributes    json.RawMessage `json:"attributes"`
	UnitWeightMg  int64           `json:"unit_weight_mg"`
	UnitCostMinor int64           `json:"unit_cost_minor"`
	TrackLots     bool            `json:"track_lots"`
	Packagings    []Packaging     `json:"packagings"`
}

// MaxQty bounds every quantity, so sums of a year of legs cannot overflow.
const MaxQty = 1_000_000_000_000

// Validate checks the command and normalizes it in place (trimmed text,
// GTINs as GTIN-14, "{}" for absent attributes). It returns the first problem
// as an invalid-input error naming the field.
func (p *NewProduct) Validate() error {
	p.Name = strings.TrimSpace(p.Name)
	p.Category = strings.TrimSpace(p.Category)
	if err := checkText("name", p.Name, 1, 200); err != nil {
		return err
	}
	if err := checkText("category", p.Category, 0, 200); err != nil {
		return err
	}
	if len(p.Variants) == 0 {
		return FieldErrorf("variants", "a product needs at least one variant")
	}
	if len(p.Variants) > 1000 {
		return FieldErrorf("variants", "at most 1000 variants per product")
	}
	skus := map[string]bool{}
	barcodes := map[string]bool{}
	for i := range p.Variants {
		v := &p.Variants[i]
		f := func(name string) string { return fieldf("variants[%d].%s", i, name) }
		v.SKU = strings.TrimSpace(v.SKU)
		if err := checkCode(f("sku"), v.SKU); err != nil {
			return err
		}
		if skus[strings.ToUpper(v.SKU)] {
			return FieldErrorf(f("sku"), "SKU %q appears twice", v.SKU)
		}
		skus[strings.ToUpper(v.SKU)] = true
		if v.GTIN = strings.TrimSpace(v.GTIN); v.GTIN != "" {
			g, err := NormalizeGTIN(v.GTIN)
			if err != nil {
				return FieldErrorf(f("gtin"), "%s", err.(*Error).Message)
			}
			v.GTIN = g
		}
		attrs, err := normalizeAttributes(v.Attributes)
		if err != nil {
			return FieldErrorf(f("attributes"), "%s", err.Error())
		}
		v.Attributes = attrs
		if v.UnitWeightMg < 0 || v.UnitWeightMg > 10_000_000_000 {
			return FieldErrorf(f("unit_weight_mg"), "must be between 0 and 10000000000 mg")
		}
		if v.UnitCostMinor < 0 || v.UnitCostMinor > MaxQty {
			return FieldErrorf(f("unit_cost_minor"), "must be between 0 and %d", int64(MaxQty))
		}
		packNames := map[string]bool{}
		for j := range v.Packagings {
			pk := &v.Packagings[j]
			pf := func(name string) string { return fieldf("variants[%d].packagings[%d].%s", i, j, name) }
			pk.Name = strings.TrimSpace(pk.Name)
			if err := checkText(pf("name"), pk.Name, 1, 100); err != nil {
				return err
			}
			if packNames[strings.ToLower(pk.Name)] {
				return FieldErrorf(pf("name"), "packaging %q appears twice", pk.Name)
			}
			packNames[strings.ToLower(pk.Name)] = true
			if pk.Qty < 1 || pk.Qty > 1_000_000 {
				return FieldErrorf(pf("qty"), "must be a whole number from 1 to 1000000")
			}
			if pk.TareWeightMg < 0 {
				return FieldErrorf(pf("tare_weight_mg"), "must not be negative")
			}
			if pk.Barcode = strings.TrimSpace(pk.Barcode); pk.Barcode != "" {
				if err := checkCode(pf("barcode"), pk.Barcode); err != nil {
					return err
				}
				if barcodes[pk.Barcode] {
					return FieldErrorf(pf("barcode"), "barcode %q appears twice", pk.Barcode)
				}
				barcodes[pk.Barcode] = true
			}
		}
	}
	return nil
}

// LocationKind is where a location sits in the tree, or "virtual".
type LocationKind string

// Location kinds. Virtual locations are the far side of goods entering or
// leaving the building; every other kind is physical.
const (
	KindSite    LocationKind = "site"
	KindZone    LocationKind = "zone"
	KindAisle   LocationKind = "aisle"
	KindRack    LocationKind = "rack"
	KindShelf   LocationKind = "shelf"
	KindBin     LocationKind = "bin"
	KindDock    LocationKind = "dock"
	KindStaging LocationKind = "staging"
	KindVirtual LocationKind = "virtual"
)

// The virtual locations, created with every database.
const (
	LocVendor     = "vendor"
	LocCustomer   = "customer"
	LocAdjustment = "adjustment"
	LocCount      = "count"
	LocTransit    = "transit"
	LocProduction = "production"
)

// Location is a place stock can be: a node of the site tree, or virtual.
type Location struct {
	ID         int64           `json:"id"`
	Code       string          `json:"code"`
	Name       string          `json:"name"`
	Kind       LocationKind    `json:"kind"`
	Parent     string          `json:"parent,omitempty"`
	WalkSeq    int64           `json:"walk_seq"`
	Attributes json.RawMessage `json:"attributes"`
}

// Physical reports whether stock at l is in the building.
func (l *Location) Physical() bool { return l.Kind != KindVirtual }

// NewLocation is the command that creates a location.
type NewLocation struct {
	Code       string          `json:"code"`
	Name       string          `json:"name"`
	Kind       LocationKind    `json:"kind"`
	Parent     string          `json:"parent"`
	WalkSeq    int64           `json:"walk_seq"`
	Attributes json.RawMessage `json:"attributes"`
}

// Validate checks and normalizes the command.
func (l *NewLocation) Validate() error {
	l.Code = strings.TrimSpace(l.Code)
	l.Name = strings.TrimSpace(l.Name)
	l.Parent = strings.TrimSpace(l.Parent)
	if err := checkCode("code", l.Code); err != nil {
		return err
	}
	if err := checkText("name", l.Name, 0, 200); err != nil {
		return err
	}
	switch l.Kind {
	case KindSite, KindZone, KindAisle, KindRack, KindShelf, KindBin, KindDock, KindStaging:
	case KindVirtual:
		return FieldErrorf("kind", "virtual locations are built in and cannot be created")
	case "":
		return FieldErrorf("kind", "is required: one of site, zone, aisle, rack, shelf, bin, dock, staging")
	default:
		return FieldErrorf("kind", "%q is not a location kind: use site, zone, aisle, rack, shelf, bin, dock or staging", l.Kind)
	}
	if l.Kind == KindSite && l.Parent != "" {
		return FieldErrorf("parent", "a site is the top of its tree and has no parent")
	}
	if l.WalkSeq < 0 || l.WalkSeq > 1_000_000_000 {
		return FieldErrorf("walk_seq", "must be between 0 and 1000000000")
	}
	attrs, err := normalizeAttributes(l.Attributes)
	if err != nil {
		return FieldErrorf("attributes", "%s", err.Error())
	}
	l.Attributes = attrs
	return nil
}

// Level is the stock of one variant and lot at one location.
type Level struct {
	SKU       string `json:"sku"`
	Location  string `json:"location"`
	Lot       string `json:"lot,omitempty"`
	OnHand    int64  `json:"on_hand"`
	Reserved  int64  `json:"reserved"`
	Available int64  `json:"available"`
}

// StockFilter selects levels. Location includes its sub-locations.
type StockFilter struct {
	SKU      string
	Location string
	Lot      string
	Limit    int
}

func checkText(field, s string, min, max int) error {
	n := utf8.RuneCountInString(s)
	if !utf8.ValidString(s) {
		return FieldErrorf(field, "is not valid UTF-8")
	}
	if n < min {
		if min == 1 {
			return FieldErrorf(field, "is required")
		}
		return FieldErrorf(field, "must be at least %d characters", min)
	}
	if n > max {
		return FieldErrorf(field, "must be at most %d characters", max)
	}
	return nil
}

// checkCode accepts identifiers people scan and type: SKUs, bin codes, lot
// codes, barcodes. Printable ASCII without spaces, at most 64 characters.
func checkCode(field, s string) error {
	if s == "" {
		return FieldErrorf(field, "is required")
	}
	if len(s) > 64 {
		return FieldErrorf(field, "must be at most 64 characters")
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c > '~' {
			return FieldErrorf(field, "%q has a character that is not printable ASCII (position %d); codes are letters, digits and punctuation without spaces", s, i+1)
		}
	}
	return nil
}

func normalizeAttributes(raw json.RawMessage) (json.RawMessage, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return json.RawMessage("{}"), nil
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return nil, Errorf(EINVALID, "must be a JSON object")
	}
	if len(raw) > 16<<10 {
		return nil, Errorf(EINVALID, "must be at most 16 KiB")
	}
	out, _ := json.Marshal(m) // canonical: sorted keys, no spaces
	return out, nil
}
