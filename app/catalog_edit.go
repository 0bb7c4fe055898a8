package app

import (
	"context"
	"encoding/json"
	"strings"
)

// VariantEdit is the editable state of a variant and of its product: what
// the catalog's edit form shows and sends. The SKU names the variant and is
// not changed by an edit.
type VariantEdit struct {
	SKU           string          `json:"sku"`
	ProductID     int64           `json:"product_id"`
	ProductName   string          `json:"product_name"`
	Category      string          `json:"category"`
	GTIN          string          `json:"gtin"`
	Attributes    json.RawMessage `json:"attributes"`
	UnitWeightMg  int64           `json:"unit_weight_mg"`
	UnitCostMinor int64           `json:"unit_cost_minor"`
	TrackLots     bool            `json:"track_lots"`
	ReorderPoint  int64           `json:"reorder_point"`
	ReorderQty    int64           `json:"reorder_qty"`
	Archived      bool            `json:"archived"`
	Packagings    []Packaging     `json:"packagings"`
}

// Validate checks the edit with the rules that create a product (the same
// messages, the field names of the edit form: name, category, gtin,
// attributes, unit_weight_mg, unit_cost_minor) and normalizes it in place.
func (e *VariantEdit) Validate() error {
	p := NewProduct{Name: e.ProductName, Category: e.Category, Variants: []NewVariant{{
		SKU: e.SKU, GTIN: e.GTIN, Attributes: e.Attributes, UnitWeightMg: e.UnitWeightMg,
		UnitCostMinor: e.UnitCostMinor, TrackLots: e.TrackLots}}}
	if err := p.Validate(); err != nil {
		return renameField(err, "variants[0].", "")
	}
	v := p.Variants[0]
	e.ProductName, e.Category, e.GTIN, e.Attributes = p.Name, p.Category, v.GTIN, v.Attributes
	if e.ReorderPoint < 0 || e.ReorderPoint > MaxQty {
		return FieldErrorf("reorder_point", "must be a whole number from 0 to %d", int64(MaxQty))
	}
	if e.ReorderQty < 0 || e.ReorderQty > MaxQty {
		return FieldErrorf("reorder_qty", "must be a whole number from 0 to %d", int64(MaxQty))
	}
	return nil
}

// ValidatePackaging checks a packaging added to an existing variant with
// the rules of NewProduct; its fields are name, qty, barcode and
// tare_weight_mg.
func ValidatePackaging(pk *Packaging) error {
	p := NewProduct{Name: "x", Variants: []NewVariant{{SKU: "x", Packagings: []Packaging{*pk}}}}
	if err := p.Validate(); err != nil {
		return renameField(err, "variants[0].packagings[0].", "")
	}
	*pk = p.Variants[0].Packagings[0]
	return nil
}

// renameField rewrites the field of an *Error whose name starts with from.
func renameField(err error, from, to string) error {
	e, ok := err.(*Error)
	if !ok || !strings.HasPrefix(e.Field, from) {
		return err
	}
	c := *e
	c.Field = to + strings.TrimPrefix(e.Field, from)
	return &c
}

// ProductRow is one variant in the catalog list.
type ProductRow struct {
	ProductID   int64
	ProductName string
	Category    string
	SKU         string
	GTIN        string
	Archived    bool
}

// CodeKind says what a scanned or typed code names.
type CodeKind string

// What a code can name.
const (
	CodeVariant   CodeKind = "variant"   // a SKU or GTIN: one unit
	CodePackaging CodeKind = "packaging" // a case barcode: Qty units
	CodeLocation  CodeKind = "location"
	CodeLot       CodeKind = "lot"
)

// CodeMatch is what a code names. Qty is the units one scan of it stands
// for (1 for a SKU or GTIN, the pack size for a case barcode).
type CodeMatch struct {
	Kind     CodeKind
	SKU      string
	Location string
	Lot      string
	Qty      int64
	// Packaging is the packaging's name for a case barcode.
	Packaging string
}

// CatalogEditor changes the catalog after creation and answers the lookups
// of the floor screens.
type CatalogEditor interface {
	// Products lists variants with their product, newest product first
	// (a scan of the newest rows, not a sort of the catalog), those whose
	// SKU, GTIN, product name or category contains q (all when q is
	// empty), at most limit, after skipping offset.
	Products(ctx context.Context, q string, archived bool, offset, limit int) ([]ProductRow, error)
	// VariantEdit returns the editable state of the variant.
	// Errors: not_found (sku).
	VariantEdit(ctx context.Context, sku string) (*VariantEdit, error)
	// UpdateVariant writes an edit of the variant and its product.
	// Errors: invalid, not_found, conflict (GTIN in use).
	UpdateVariant(ctx context.Context, e VariantEdit) error
	// AddVariant adds a variant to the product of the variant sku.
	// Errors name the variant's fields as variants[0].x. Errors: invalid,
	// not_found, conflict.
	AddVariant(ctx context.Context, sku string, v NewVariant) error
	// AddPackaging adds a packaging to the variant. Errors: invalid,
	// not_found, conflict (name or barcode in use).
	AddPackaging(ctx context.Context, sku string, pk Packaging) error
	// RemovePackaging removes the variant's packaging by name.
	// Errors: not_found.
	RemovePackaging(ctx context.Context, sku, name string) error
	// ResolveCode says what code names: a variant by SKU or GTIN, a
	// packaging by barcode, a location by code, then a lot by code (first
	// match in that order; several lots of one code: the first by id).
	// Errors: not_found.
	ResolveCode(ctx context.Context, code string) (*CodeMatch, error)
	// AdjustReasonNames returns the adjust reason codes and their names.
	AdjustReasonNames(ctx context.Context) ([][2]string, error)
}
