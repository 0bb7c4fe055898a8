package app

import "context"

// SearchResult is what a search found, grouped by kind.
type SearchResult struct {
	// Exact is set when the query is exactly one thing's SKU, GTIN,
	// packaging barcode, place code or lot code: a scan opens it at once.
	Exact     *SearchTarget
	Variants  []VariantHit
	Locations []LocationHit
	Lots      []LotHit
	// More*Hits are set when more of that kind matched than were listed.
	MoreVariants, MoreLocations, MoreLots bool
}

// SearchTarget names the one thing a query is exactly.
type SearchTarget struct {
	// Kind is "variant" (Key: SKU), "location" (Key: code) or "lot" (ID).
	Kind string
	Key  string
	ID   int64
}

// LocationHit is a place found by a search.
type LocationHit struct {
	Code   string
	Name   string
	Kind   LocationKind
	Parent string
}

// LotHit is a lot found by a search.
type LotHit struct {
	ID        int64
	Code      string
	SKU       string
	Status    LotStatus
	ExpiresOn string
}

// SearchService finds variants, places and lots by what people type or
// scan: each word matches the start of a word of a SKU, name, GTIN,
// attribute value, barcode, place code or lot code.
type SearchService interface {
	// Search returns up to limit hits of each kind, best first. An empty
	// query finds nothing.
	Search(ctx context.Context, q string, limit int) (*SearchResult, error)
}
