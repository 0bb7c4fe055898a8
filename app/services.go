package app

import "context"

// LedgerService posts and reads movements and stock.
type LedgerService interface {
	// PostMovement appends a movement; replayed is true when the
	// idempotency key was seen before and nothing was written.
	PostMovement(ctx context.Context, cmd PostMovement) (m *Movement, replayed bool, err error)
	Movement(ctx context.Context, id int64) (*Movement, error)
	Movements(ctx context.Context, f MovementFilter) ([]*Movement, error)
	Stock(ctx context.Context, f StockFilter) ([]Level, error)
}

// CatalogService keeps products, variants and locations.
type CatalogService interface {
	CreateProduct(ctx context.Context, p NewProduct) (*Product, error)
	Variant(ctx context.Context, sku string) (*Variant, error)
	CreateLocation(ctx context.Context, l NewLocation) (*Location, error)
	Location(ctx context.Context, code string) (*Location, error)
}

// AuthService checks credentials.
type AuthService interface {
	UserByToken(ctx context.Context, token string) (*User, error)
	CheckPassword(ctx context.Context, username, password string) (*User, error)
}
