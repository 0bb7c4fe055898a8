package web

import (
	"log/slog"
	"net"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"depot/views"
)

// PlainHTTP configures the plain-HTTP port of a box that serves HTTPS.
type PlainHTTP struct {
	// CACert is the PEM of the box's CA; nil when the operator gave a
	// certificate of their own (then there is nothing to install).
	CACert      []byte
	Fingerprint string
	// HTTPSPort is the port requests are redirected to.
	HTTPSPort string
}

// NewPlainHandler returns the handler of the plain-HTTP port: the CA
// certificate at /ca.crt, its install steps at /ca, health at /healthz, the
// static files the install page uses, and a redirect to HTTPS (same host,
// HTTPSPort) for everything else.
func NewPlainHandler(cfg PlainHTTP, log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.Default()
	}
	srv := &server{log: log}
	u := &ui{UI: UI{CACert: cfg.CACert}}
	u.staticFS, u.assetVersion = staticFS(), ""
	srv.ui = u
	r := chi.NewRouter()
	r.Use(srv.logRequests, srv.recoverPanics)
	r.Get("/healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })
	r.Get("/static/*", srv.static)
	if cfg.CACert != nil {
		r.Get("/ca.crt", srv.caCert)
		r.Get("/ca", func(w http.ResponseWriter, r *http.Request) {
			m := views.CAModel{HTTPSURL: httpsURL(r, cfg.HTTPSPort, "/"), Fingerprint: cfg.Fingerprint}
			if err := srv.render(w, r, http.StatusOK, views.CAInstall(m)); err != nil {
				srv.pageError(w, r, err)
			}
		})
	}
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, httpsURL(r, cfg.HTTPSPort, r.URL.RequestURI()), http.StatusMovedPermanently)
	})
	return r
}

// httpsURL is the HTTPS address of the request's host on port.
func httpsURL(r *http.Request, port, path string) string {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if host == "" {
		host = "localhost"
	}
	if port != "443" && port != "" {
		host += ":" + port
	}
	return "https://" + host + path
}
