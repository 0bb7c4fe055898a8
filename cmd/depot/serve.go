package main

import (
	"context"
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
	commands["serve"] = command{"serve the API (and later the UI) on the LAN", runServe}
}

func runServe(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "serve")
	path := fs.String("db", "depot.db", "database `file` (created when missing)")
	addr := fs.String("addr", ":8080", "`host:port` to listen on")
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
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fail(e, "serve", err)
	}
	srv := &http.Server{
		Handler:           web.NewHandler(web.Services{Ledger: db, Catalog: db, Auth: db, Replication: replicationService(sup)}, log),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("depot serving", "version", version, "db", *path, "addr", "http://"+ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fail(e, "serve", err)
	case <-ctx.Done():
	}
	log.Info("depot stopping: finishing requests in flight")
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(e.stderr, "depot serve: shutdown:", err)
	}
	return 0
}
