package main

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"depot/app/sqlite"
	"depot/app/web"
)

func init() {
	commands["serve"] = command{"serve the back office and the API on the LAN (HTTPS by default)", runServe}
}

func runServe(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "serve")
	path := fs.String("db", "depot.db", "database `file` (created when missing)")
	addr := fs.String("addr", ":8443", "`host:port` of HTTPS (of plain HTTP with --tls off)")
	httpAddr := fs.String("http-addr", ":8080", "`host:port` of plain HTTP with TLS on: the CA download (/ca) and a redirect to HTTPS; empty: none")
	tlsMode := fs.String("tls", "auto", "`auto` (a local CA and certificate made beside the database), off, or CERT.pem,KEY.pem")
	demo := fs.Bool("demo", false, "fill an empty database with a demo warehouse and print its owner password and API token")
	repl := addReplicationFlags(fs)
	if code, ok := parse(fs, args); !ok {
		return code
	}
	log := slog.New(slog.NewTextHandler(e.stderr, nil))
	sup, err := repl.supervisor(e, *path, log)
	if err != nil {
		return fail(e, "serve", err)
	}
	tlsc, err := setupTLS(*tlsMode, *path, log)
	if err != nil {
		return fail(e, "serve", err)
	}
	defer stopReplication(sup, log) // after db.Close: the final sync sees every commit
	db, err := sqlite.Open(ctx, *path, sqlite.Options{Logger: log, NoCheckpoint: sup != nil})
	if err != nil {
		return fail(e, "serve", err)
	}
	defer db.Close()
	if sup != nil {
		sup.Start()
	}
	if *demo {
		if err := seedDemo(ctx, db, e.stdout); err != nil {
			return fail(e, "serve", fmt.Errorf("demo: %w", err))
		}
	}
	ui := web.UI{Secure: tlsc != nil}
	if tlsc != nil {
		ui.CACert = tlsc.caPEM
	}
	if n, err := db.CountUsers(ctx); err != nil {
		return fail(e, "serve", err)
	} else if n == 0 {
		ui.SetupCode = newSetupCode()
	}
	stations, err := startStations(ctx, db, *path, *demo, log)
	if err != nil {
		return fail(e, "serve", err)
	}
	defer stations.Close()
	ui.Devices = &web.Devices{Stations: stations, Store: db}
	ui.Events = web.NewBroker(db.MovedVariants, log)
	defer db.OnCommit(ui.Events.Committed)()
	go ui.Events.Run(ctx)

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fail(e, "serve", err)
	}
	srv := newServer(web.NewAppHandler(web.Services{Ledger: db, Catalog: db, Auth: db,
		Accounts: db, Sessions: db, Browse: db, Search: db, Places: db, Lots: db, Edit: db, Import: db, Purchasing: db, Scans: db, Orders: db, Receiving: db, Putaway: db, Picking: db, Packing: db, Replication: replicationService(sup), Transfers: db, Returns: db}, ui, log), log)
	srv.RegisterOnShutdown(ui.Events.Close)
	srv.RegisterOnShutdown(func() { stations.Close() }) // ends the device pages' streams
	servers := []*http.Server{srv}
	scheme := "http"
	attrs := []any{"version", version, "db", *path}
	caURL := ""
	if tlsc != nil {
		scheme = "https"
		srv.TLSConfig = tlsc.config
		if *httpAddr != "" {
			pln, err := net.Listen("tcp", *httpAddr)
			if err != nil {
				ln.Close()
				return fail(e, "serve", fmt.Errorf("--http-addr: %w", err))
			}
			_, port, _ := net.SplitHostPort(ln.Addr().String())
			plain := newServer(web.NewPlainHandler(web.PlainHTTP{CACert: tlsc.caPEM, Fingerprint: tlsc.fingerprint, HTTPSPort: port}, log), log)
			servers = append(servers, plain)
			go serveOn(plain, pln)
			caURL = "http://" + consoleAddr(pln.Addr()) + "/ca"
			attrs = append(attrs, "ca_url", "http://"+pln.Addr().String()+"/ca")
		}
	}
	attrs = append(attrs, "addr", scheme+"://"+ln.Addr().String())
	log.Info("depot serving", attrs...)
	printWelcome(e, scheme+"://"+consoleAddr(ln.Addr())+"/", ui.SetupCode, caURL, tlsc)
	errc := make(chan error, 1)
	go func() {
		if tlsc != nil {
			errc <- srv.ServeTLS(ln, "", "") // certificates from TLSConfig; HTTP/2 on
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return fail(e, "serve", err)
	case <-ctx.Done():
	}
	log.Info("depot stopping: finishing requests in flight")
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, s := range servers {
		if err := s.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(e.stderr, "depot serve: shutdown:", err)
		}
	}
	return 0
}

func newServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second, // event streams lift it for themselves
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

func serveOn(srv *http.Server, ln net.Listener) {
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		srv.ErrorLog.Printf("serve %s: %v", ln.Addr(), err)
	}
}

// newSetupCode returns the one-time code that guards the first-run page:
// 40 random bits as two groups of four letters and digits.
func newSetupCode() string {
	b := make([]byte, 5)
	rand.Read(b)
	s := base32.StdEncoding.EncodeToString(b)
	return s[:4] + "-" + s[4:]
}

// printWelcome tells the person at the console where depot is and, on a
// box without accounts, the setup code.
func printWelcome(e *env, url, setupCode, caURL string, tlsc *tlsSetup) {
	fmt.Fprintf(e.stdout, "depot is at %s\n", url)
	if tlsc != nil && tlsc.caPEM != nil {
		if caURL != "" {
			fmt.Fprintf(e.stdout, "Browsers trust it once they have installed depot's CA: %s\n", caURL)
		}
		fmt.Fprintf(e.stdout, "CA fingerprint (SHA-256): %s\n", tlsc.fingerprint)
	}
	if setupCode != "" {
		fmt.Fprintf(e.stdout, "\nNo accounts yet. Open %ssetup and enter this setup code to create the owner:\n  %s\n\n", url, setupCode)
	}
}

// consoleAddr is addr as a person on the LAN would type it: a listener on
// every interface is shown with the box's first LAN address.
func consoleAddr(addr net.Addr) string {
	host, port, _ := net.SplitHostPort(addr.String())
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = consoleHost()
	}
	return net.JoinHostPort(host, port)
}
