package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"depot/app"
	"depot/app/replica"
	"depot/app/sqlite"
)

func init() {
	commands["restore"] = command{"bring a database back from its replica (latest or a point in time)", runRestore}
}

func runRestore(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "restore")
	url := fs.String("replica", "", "replica `URL`: s3://bucket/path?endpoint=... or file:///path")
	to := fs.String("to", "", "database `file` to write")
	ts := fs.String("timestamp", "", "restore the state as of this `RFC3339` instant (default: the latest)")
	force := fs.Bool("force", false, "replace an existing database at --to")
	creds := fs.String("credentials", "", "credentials `file`; default: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *url == "" || *to == "" {
		fmt.Fprintln(e.stderr, "depot restore: --replica and --to are required")
		return 2
	}
	var at time.Time
	if *ts != "" {
		var err error
		if at, err = time.Parse(time.RFC3339Nano, *ts); err != nil {
			return fail(e, "restore", app.FieldErrorf("timestamp", "%q is not an RFC 3339 time such as 2026-05-01T14:30:00Z", *ts))
		}
	}
	target, c, cleanup, err := replicaSetup(*url, *creds, "")
	if err != nil {
		return fail(e, "restore", err)
	}
	defer cleanup()
	start := time.Now()
	var rep *sqlite.VerifyReport
	err = replica.Restore(ctx, replica.RestoreOptions{
		Target: target, Credentials: c, To: *to, Timestamp: at, Force: *force,
		Logger: slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Check: func(ctx context.Context, path string) error {
			var err error
			rep, err = checkRestored(ctx, path)
			return err
		},
	})
	if err != nil {
		if rep != nil {
			for _, p := range rep.Problems {
				fmt.Fprintln(e.stdout, "PROBLEM", p)
			}
		}
		return fail(e, "restore", err)
	}
	fmt.Fprintf(e.stdout, "restore %s from %s: schema version %d, %d movements, %d legs, %d levels in %.2fs: verified\n",
		*to, target, sqlite.Version, rep.Movements, rep.Legs, rep.Levels, time.Since(start).Seconds())
	return 0
}

// checkRestored brings a restored copy to this build's schema and verifies
// it.
func checkRestored(ctx context.Context, path string) (*sqlite.VerifyReport, error) {
	db, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		return nil, fmt.Errorf("restored copy: %w", err)
	}
	if err := db.Close(); err != nil {
		return nil, fmt.Errorf("restored copy: %w", err)
	}
	rep, err := sqlite.VerifyFile(ctx, path)
	if err != nil {
		return nil, err
	}
	if len(rep.Problems) > 0 {
		return rep, fmt.Errorf("the restored copy fails verify (%d problems); nothing was written", len(rep.Problems))
	}
	return rep, nil
}
