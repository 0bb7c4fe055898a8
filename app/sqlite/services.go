package sqlite

import "depot/app"

var (
	_ app.LedgerService  = (*DB)(nil)
	_ app.CatalogService = (*DB)(nil)
	_ app.AuthService    = (*DB)(nil)
)
