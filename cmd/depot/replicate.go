package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"depot/app"
	"depot/app/replica"
)

func init() {
	commands["replicate"] = command{"replicate the database to S3 or a folder (run by serve --replica)", runReplicate}
}

// runReplicate is the child process that depot serve --replica starts: it
// runs Litestream's library against the database, prints one JSON status
// line per sync on stdout, and makes a final sync on SIGTERM.
func runReplicate(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "replicate")
	path := fs.String("db", "", "database `file`")
	url := fs.String("replica", "", "replica `URL`: s3://bucket/path?endpoint=...&region=... or file:///path")
	creds := fs.String("credentials", "", "credentials `file` (AWS_ACCESS_KEY_ID=..., AWS_SECRET_ACCESS_KEY=...); default: the environment")
	caBundle := fs.String("ca-bundle", "", "extra CA certificates (`PEM file`) to trust; default: $AWS_CA_BUNDLE")
	interval := fs.Duration("interval", replica.DefaultInterval, "time between syncs")
	parent := fs.Int("parent-pid", 0, "exit when this process is no longer the parent (set by serve)")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *path == "" || *url == "" {
		fmt.Fprintln(e.stderr, "depot replicate: --db and --replica are required")
		return 2
	}
	if *parent != 0 && os.Getppid() != *parent {
		// The parent died before the parent-death signal was armed.
		fmt.Fprintln(e.stderr, "depot replicate: the serving process is gone")
		return 1
	}
	// Status lines go to the parent through a pipe. When the parent dies
	// the pipe breaks, and a write to it must not kill this process before
	// its final sync (Go exits on SIGPIPE from stdout by default).
	signal.Ignore(syscall.SIGPIPE)
	log := slog.New(slog.NewTextHandler(e.stderr, nil)).With("process", "replicator")
	slog.SetDefault(log) // Litestream logs through the default logger too
	target, c, cleanup, err := replicaSetup(*url, *creds, *caBundle)
	if err != nil {
		return fail(e, "replicate", err)
	}
	defer cleanup()
	err = replica.Replicate(ctx, replica.Config{
		DB: *path, Target: target, Credentials: c, Interval: *interval,
		Status: e.stdout, Logger: log,
	})
	if err != nil {
		return fail(e, "replicate", err)
	}
	return 0
}

// replicaSetup parses the replica URL, reads the credentials file and
// trusts the CA bundle (named, or from AWS_CA_BUNDLE), as both replicate
// and restore need. Call cleanup when done.
func replicaSetup(url, credsFile, caBundle string) (replica.Target, *replica.Credentials, func(), error) {
	nop := func() {}
	t, err := replica.ParseURL(url)
	if err != nil {
		return t, nil, nop, err
	}
	var c *replica.Credentials
	if credsFile != "" {
		cr, err := replica.LoadCredentials(credsFile)
		if err != nil {
			return t, nil, nop, app.FieldErrorf("credentials", "%v", err)
		}
		c = &cr
	}
	if caBundle == "" {
		caBundle = os.Getenv(replica.CABundleEnv)
	}
	if caBundle == "" {
		return t, c, nop, nil
	}
	cleanup, err := replica.TrustCABundle(caBundle)
	if err != nil {
		return t, nil, nop, err
	}
	return t, c, cleanup, nil
}

// replicationFlags are serve's flags for replication.
type replicationFlags struct {
	url, credentials *string
	interval         *time.Duration
	lagThreshold     *time.Duration
}

func addReplicationFlags(fs *flag.FlagSet) *replicationFlags {
	return &replicationFlags{
		url:          fs.String("replica", "", "replicate the database to this `URL` (s3://bucket/path?endpoint=... or file:///path) from a child process"),
		credentials:  fs.String("replica-credentials", "", "credentials `file` for an S3 replica; default: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"),
		interval:     fs.Duration("replica-interval", replica.DefaultInterval, "time between two replica syncs (each uploads what changed)"),
		lagThreshold: fs.Duration("replica-lag-threshold", app.DefaultReplicationLagThreshold, "lag past which the health shows \"lagging\""),
	}
}

// supervisor checks the flags and returns a supervisor not yet started, or
// nil when no replica is configured.
func (f *replicationFlags) supervisor(e *env, db string, log *slog.Logger) (*replica.Supervisor, error) {
	if *f.url == "" {
		return nil, nil
	}
	t, err := replica.ParseURL(*f.url)
	if err != nil {
		return nil, err
	}
	if *f.credentials != "" {
		if _, err := replica.LoadCredentials(*f.credentials); err != nil {
			return nil, app.FieldErrorf("replica-credentials", "%v", err)
		}
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("replica: find own binary: %w", err)
	}
	return replica.NewSupervisor(replica.SupervisorConfig{
		Exe: exe, DB: db, Target: t, CredentialsFile: *f.credentials,
		Interval: *f.interval, LagThreshold: *f.lagThreshold,
		Stderr: e.stderr, Logger: log,
	})
}

// replicationService is what web.Services takes: nil when off.
func replicationService(s *replica.Supervisor) app.ReplicationService {
	if s == nil {
		return nil
	}
	return s
}

// stopReplication stops the replicator after its final sync and logs a
// failure of that sync.
func stopReplication(s *replica.Supervisor, log *slog.Logger) {
	if err := s.Stop(); err != nil {
		log.Error("replication", "err", err)
	} else if s != nil {
		log.Info("replication stopped after its final sync")
	}
}
