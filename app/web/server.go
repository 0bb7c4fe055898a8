// Package web is depot's HTTP side: the chi router, the JSON API under
// /api/v1/, the browser back office (templ pages, sessions, CSRF, live
// updates over SSE), authentication and the mapping of app errors to HTTP
// status.
package web

import (
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"

	"depot/app"
	"depot/app/putaway"
)

// Services are what the handlers call.
type Services struct {
	Ledger  app.LedgerService
	Catalog app.CatalogService
	Auth    app.AuthService
	// Replication reports replication health; nil when there is no replica.
	Replication app.ReplicationService
	// The back office's services (NewAppHandler only).
	Accounts app.AccountService
	Sessions app.SessionService
	Browse   app.BrowseService
	Search   app.SearchService
	Places   app.PlaceService
	Lots     app.LotService
	// Edit changes the catalog and answers the floor screens' lookups.
	Edit app.CatalogEditor
	// Import reads and writes the CSVs of the catalog, places and stock.
	Import app.Importer
	// Receiving takes deliveries in (receipts).
	Receiving app.ReceivingService
	// Purchasing keeps suppliers and purchase orders; nil: no such routes.
	Purchasing app.PurchasingService
	// Scans says what a scan names (POST /api/v1/scans/parse, the floor
	// screens); nil falls back to Edit when it resolves scans.
	Scans app.ScanResolver
	// Packing packs and ships orders (boxes, weight checks, shipments).
	Packing app.PackingService
	// Orders keeps customers and sales orders and reserves their stock.
	Orders app.OrderService
	// Putaway suggests bins for received stock and confirms putaways.
	Putaway putaway.Service
	// Picking builds pick lists, hands them to pickers and confirms picks.
	Picking app.PickService
	// Transfers and Returns move stock between sites and take customer
	// returns back; nil leaves their routes out.
	Transfers app.TransferService
	Returns   app.ReturnService
}

// server holds what the handlers share.
type server struct {
	Services
	log *slog.Logger
	ui  *ui // nil: API only
}

// NewHandler returns the HTTP handler for all of depot's routes. log
// receives one line per request and the detail of internal errors; nil
// means slog.Default().
func NewHandler(s Services, log *slog.Logger) http.Handler {
	return newHandler(s, nil, log)
}

func newHandler(s Services, u *ui, log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.Default()
	}
	srv := &server{Services: s, log: log, ui: u}
	r := chi.NewRouter()
	r.Use(srv.logRequests, srv.recoverPanics)
	apiNotFound := srv.api(func(w http.ResponseWriter, r *http.Request) error {
		return app.Errorf(app.ENOTFOUND, "there is no endpoint %s %s; the API is under /api/v1/", r.Method, clipText(r.URL.Path))
	})
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		if u == nil || isAPI(r) {
			apiNotFound(w, r)
			return
		}
		srv.pageError(w, r, app.Errorf(app.ENOTFOUND, "there is no page %s", clipText(r.URL.Path)))
	})
	r.MethodNotAllowed(srv.api(func(w http.ResponseWriter, r *http.Request) error {
		return withStatus(http.StatusMethodNotAllowed, app.Errorf(app.EINVALID, "%s is not allowed on %s", r.Method, clipText(r.URL.Path)))
	}))
	r.Get("/healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	r.Group(func(r chi.Router) {
		r.Use(srv.authenticate)
		read := r.With(srv.require(app.ReadStock))
		read.Get("/api/v1/variants/{sku}", srv.api(srv.getVariant))
		read.Get("/api/v1/locations/{code}", srv.api(srv.getLocation))
		read.Get("/api/v1/movements/{id}", srv.api(srv.getMovement))
		read.Get("/api/v1/movements", srv.api(srv.listMovements))
		read.Get("/api/v1/stock", srv.api(srv.getStock))
		r.With(srv.require(app.ViewReplication)).Get("/api/v1/replication", srv.api(srv.getReplication))
		r.With(srv.require(app.EditCatalog)).Post("/api/v1/products", srv.api(srv.createProduct))
		r.With(srv.require(app.EditLocations)).Post("/api/v1/locations", srv.api(srv.createLocation))
		// The action depends on the movement's kind: checked after decoding.
		r.Post("/api/v1/movements", srv.api(srv.postMovement))
		srv.receivingAPIRoutes(r)
		srv.purchasingAPIRoutes(r)
		srv.scanAPIRoutes(r)
		srv.packingAPIRoutes(r)
		srv.ordersAPIRoutes(r)
		srv.putawayAPIRoutes(r)
		srv.pickingAPIRoutes(r)
		srv.transfersAPIRoutes(r)
	})
	if u != nil {
		srv.uiRoutes(r)
	}
	return r
}
