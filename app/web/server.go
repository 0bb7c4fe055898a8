// Package web is depot's HTTP side: the chi router, the JSON API under
// /api/v1/, authentication and the mapping of app errors to HTTP status.
package web

import (
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"

	"depot/app"
)

// Services are what the handlers call.
type Services struct {
	Ledger  app.LedgerService
	Catalog app.CatalogService
	Auth    app.AuthService
}

// NewHandler returns the HTTP handler for all of depot's routes.
func NewHandler(s Services, log *slog.Logger) http.Handler {
	r := chi.NewRouter()
	r.Get("/healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	return r
}
