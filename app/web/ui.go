package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"depot/app"
	"depot/views"
)

// UI configures the browser back office that NewAppHandler adds to the API.
type UI struct {
	// SetupCode guards the first-run page that creates the owner account;
	// depot serve prints it on its console. Empty: no first-run page.
	SetupCode string
	// Secure marks cookies Secure: set it when serving over TLS.
	Secure bool
	// Events feeds the live pages; nil turns live updates off.
	Events *Broker
	// CACert is the PEM of the box's local CA, offered at /ca.crt; nil when
	// depot does not make its own certificates.
	CACert []byte
	// Devices are the packing stations the device page shows; nil: the
	// page says the device layer is off.
	Devices *Devices
	// Now is the clock for sessions and lock-outs; time.Now by default.
	Now func() time.Time
	// Recount is when a cycle count asks for a second count; zero means
	// DefaultRecount.
	Recount RecountRule
}

// Session lifetimes: a session lasts a shift and is extended while used.
const (
	sessionTTL     = 12 * time.Hour
	sessionRenewAt = 6 * time.Hour // extend when less than this remains
)

// ui is the state of the back office.
type ui struct {
	UI
	assetVersion string
	staticFS     fs.FS
	// hasUsers is set once an account exists, so the first-run check
	// stops querying.
	hasUsers atomic.Bool
}

// NewAppHandler returns the API of NewHandler plus the browser back office:
// sign-in, first run, user management and the stock pages. s must have
// Accounts, Sessions and Browse set.
func NewAppHandler(s Services, cfg UI, log *slog.Logger) http.Handler {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	sub := staticFS()
	u := &ui{UI: cfg, staticFS: sub, assetVersion: assetVersion(sub)}
	return newHandler(s, u, log)
}

// staticFS is the embedded static folder.
func staticFS() fs.FS {
	sub, err := fs.Sub(views.Static, "static")
	if err != nil {
		panic(err) // the embed is part of the build
	}
	return sub
}

// assetVersion is a hash of the static files, appended to their URLs so
// that a new build's assets are fetched despite a year-long cache.
func assetVersion(fsys fs.FS) string {
	h := sha256.New()
	fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(fsys, path)
			h.Write([]byte(path))
			h.Write(b)
		}
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// uiRoutes adds the back office to r. Every page needs a session with the
// right role except sign-in, first run, the static files, health and the CA.
//
// To add a page: write a templ component in views/ taking views.Page and a
// view model, a handler `func (s *server) x(w, r) error` that builds the
// model and calls s.render, and register it below inside the session group
// with s.page(action) (reads) or under r.With(s.page(action)).Post (changes:
// the group already checks the CSRF token).
func (s *server) uiRoutes(r chi.Router) {
	r.Get("/static/*", s.static)
	if s.ui.CACert != nil {
		r.Get("/ca.crt", s.caCert)
	}
	r.Group(func(r chi.Router) {
		r.Use(s.crossOrigin, s.loadSession, s.checkCSRF)
		r.Get("/login", s.html(s.loginPage))
		r.Post("/login", s.html(s.login))
		r.Get("/setup", s.html(s.setupPage))
		r.Post("/setup", s.html(s.setup))
		r.Post("/logout", s.html(s.logout))

		signedIn := r.With(s.page(""))
		signedIn.Get("/account", s.html(s.accountPage))
		signedIn.Post("/account/password", s.html(s.changePassword))

		read := r.With(s.page(app.ReadStock))
		read.Get("/", s.html(s.searchPage))
		read.Get("/search", s.html(s.searchPage))
		read.Get("/variants/{sku}", s.html(s.variantPage))
		read.Get("/variants/{sku}/live", s.html(s.variantLive))
		read.Get("/locations/{code}", s.html(s.locationPage))
		read.Get("/locations/{code}/live", s.html(s.locationLive))
		read.Get("/places", s.html(s.placesPage))
		read.Get("/lots", s.html(s.lotsPage))
		read.Get("/lots/{id}", s.html(s.lotPage))
		read.Get("/events", s.html(s.events))

		read.Get("/catalog", s.html(s.catalogPage))
		catalog := r.With(s.page(app.EditCatalog))
		catalog.Get("/catalog/new", s.html(s.newProductPage))
		catalog.Post("/catalog/new", s.html(s.createProductForm))
		catalog.Get("/variants/{sku}/edit", s.html(s.variantEditPage))
		catalog.Post("/variants/{sku}/edit", s.html(s.updateVariant))
		catalog.Post("/variants/{sku}/packagings", s.html(s.addPackaging))
		catalog.Post("/variants/{sku}/variants", s.html(s.addVariant))
		catalog.Post("/variants/{sku}/packagings/remove", s.html(s.removePackaging))
		s.floorRoutes(r)
		s.receivingUIRoutes(r)
		s.purchasingUIRoutes(r)
		s.labelsUIRoutes(r)
		s.putawayUIRoutes(r)
		s.packUIRoutes(r)
		s.pickingUIRoutes(r)
		s.transfersUIRoutes(r)
		read.Get("/import", s.html(s.importPage))
		read.Get("/export/{kind}.csv", s.html(s.export))
		// The action depends on the CSV: checked by the handler.
		r.With(s.page("")).Post("/import", s.html(s.importCSV))
		read.Get("/devices", s.html(s.devicesPage))
		read.Get("/devices/events", s.html(s.deviceEvents))
		devices := r.With(s.page(app.EditLocations))
		devices.Post("/devices/stations", s.html(s.saveStation))
		devices.Post("/devices/{code}/print-test", s.html(s.printTest))
		devices.Post("/devices/{code}/scale", s.html(s.simScale))
		devices.Post("/devices/{code}/scan", s.html(s.simScan))

		places := r.With(s.page(app.EditLocations))
		places.Get("/places/new", s.html(s.placeFormPage))
		places.Post("/places", s.html(s.createPlace))
		places.Get("/locations/{code}/edit", s.html(s.placeFormPage))
		places.Post("/locations/{code}/edit", s.html(s.updatePlace))
		places.Post("/locations/{code}/archive", s.html(s.archivePlace))

		s.ordersUIRoutes(r)

		lots := r.With(s.page(app.ChangeLotStatus))
		lots.Post("/lots/{id}/status", s.html(s.changeLotStatus))
		lots.Post("/lots/{id}/details", s.html(s.setLotDetails))

		users := r.With(s.page(app.ManageAccounts))
		r.With(s.page(app.ViewReplication)).Get("/replication", s.html(s.replicationPage))
		users.Get("/users", s.html(s.usersPage))
		users.Post("/users", s.html(s.createUser))
		users.Post("/users/{id}/role", s.html(s.setRole))
		users.Post("/users/{id}/disabled", s.html(s.setDisabled))
	})
}

// static serves the embedded assets. URLs carry the asset version, so the
// files may be cached for a year.
func (s *server) static(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/static/")
	b, err := fs.ReadFile(s.ui.staticFS, name)
	if err != nil || name == "" || strings.Contains(name, "..") {
		http.NotFound(w, r)
		return
	}
	if r.URL.Query().Get("v") == s.ui.assetVersion {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "public, max-age=300")
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
}

func (s *server) caCert(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/x-x509-ca-cert")
	w.Header().Set("Content-Disposition", `attachment; filename="depot-ca.crt"`)
	w.Write(s.ui.CACert)
}

// htmlFunc is a page handler that returns its error instead of writing it.
type htmlFunc func(w http.ResponseWriter, r *http.Request) error

// html adapts fn to http, answering a returned error with an error page.
func (s *server) html(fn htmlFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			s.pageError(w, r, err)
		}
	}
}

// pageFor returns the layout model of the request.
func (s *server) pageFor(w http.ResponseWriter, r *http.Request, title string) views.Page {
	p := views.Page{Title: title, Path: r.URL.Path, AssetVersion: s.ui.assetVersion}
	if sess := sessionFrom(r.Context()); sess != nil {
		p.User, p.CSRF = sess.User, csrfToken(sess.token)
	} else {
		p.CSRF = preSessionToken(w, r, s.ui.Secure)
	}
	p.Flash = takeFlash(w, r)
	if p.User != nil && s.Replication != nil && p.User.Authorize(app.ViewReplication) == nil {
		p.Banner = s.Replication.ReplicationStatus().Banner()
	}
	return p
}

// render writes c with status. Pages are never cached: they hold a CSRF
// token and live stock.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) error {
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// pageError answers err with an HTML error page, the status from the one
// table of app codes. Internal errors are logged and shown with the request
// id only.
func (s *server) pageError(w http.ResponseWriter, r *http.Request, err error) {
	info := infoFrom(r.Context())
	code := app.ErrorCode(err)
	if code == app.EINTERNAL && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		err, code = app.Errorf(app.EUNAVAILABLE, "the request was cancelled; try again"), app.EUNAVAILABLE
	}
	status, ok := statusOf[code]
	if !ok {
		status, code = http.StatusInternalServerError, app.EINTERNAL
	}
	msg, reqID := app.ErrorMessage(err), ""
	if code == app.EINTERNAL {
		msg, reqID = "internal error", info.id
		s.log.LogAttrs(r.Context(), slog.LevelError, "internal error",
			slog.String("request_id", info.id), slog.String("method", r.Method),
			slog.String("path", r.URL.Path), slog.String("err", err.Error()))
	}
	info.code, info.field = code, app.ErrorField(err)
	if f := app.ErrorField(err); f != "" && code != app.EINTERNAL {
		msg = f + ": " + msg
	}
	titles := map[int]string{400: "Bad request", 401: "Sign in", 403: "Not allowed", 404: "Not found",
		409: "Conflict", 429: "Too many attempts", 503: "Try again"}
	title := titles[status]
	if title == "" {
		title = "Something went wrong"
	}
	p := s.pageFor(w, r, title)
	if err := s.render(w, r, status, views.ErrorPage(p, status, msg, reqID)); err != nil {
		s.log.Warn("render error page", "request_id", info.id, "err", err)
	}
}

// isAPI reports whether the request is for the JSON API.
func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }
