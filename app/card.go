package app

import (
	"context"
	"time"
)

// CardEntry is one line of a variant's ledger card: a movement that touched
// the variant, with who posted it and why, and its legs of that variant.
type CardEntry struct {
	MovementID  int64
	Kind        MovementKind
	PostedAt    time.Time
	EffectiveAt time.Time
	User        string
	Reason      string
	Note        string
	Reference   *Reference
	Reverses    int64
	// Legs are the movement's legs of this variant only; Physical tells
	// a bin from a virtual location (vendor, customer, adjustment...).
	Legs []Leg
}

// VariantHit is a variant found by a search, with its on hand at physical
// locations.
type VariantHit struct {
	SKU         string
	ProductName string
	GTIN        string
	OnHand      int64
}

// BrowseService answers the reads of the back-office pages.
type BrowseService interface {
	// LedgerCard returns the movements of the variant newest first, those
	// with ids below before (0: from the newest), at most limit.
	// Errors: not_found (sku).
	LedgerCard(ctx context.Context, sku string, before int64, limit int) ([]CardEntry, error)
	// SearchVariants finds variants whose SKU starts with q, whose GTIN is
	// q, or whose product name contains q, SKU matches first.
	SearchVariants(ctx context.Context, q string, limit int) ([]VariantHit, error)
	// Children returns the locations directly under the location with
	// the code, by walk sequence and code. Errors: not_found (code).
	Children(ctx context.Context, code string) ([]ChildLocation, error)
	// LocationStock returns up to limit levels at the location and every
	// location under it (physical, non-zero), taken place by place down
	// the tree, so a whole site answers without reading all its levels.
	// Errors: not_found (code).
	LocationStock(ctx context.Context, code string, limit int) ([]Level, error)
}

// ChildLocation is a location under another: how many places are directly
// under it, and the units at the location itself (a bin's stock; zones and
// aisles hold theirs in their bins).
type ChildLocation struct {
	Code   string
	Name   string
	Kind   LocationKind
	Places int64
	OnHand int64
}
