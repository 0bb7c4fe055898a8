package main

import (
	"context"
	"fmt"
	"time"

	"depot/app/sqlite"
)

func init() {
	commands["verify"] = command{"replay the ledger and check sums, levels and the hash chain", runVerify}
}

func runVerify(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "verify")
	path := fs.String("db", "", "database `file` to check")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *path == "" {
		fmt.Fprintln(e.stderr, "depot verify: --db is required")
		return 2
	}
	start := time.Now()
	rep, err := sqlite.VerifyFile(ctx, *path)
	if err != nil {
		return fail(e, "verify", err)
	}
	for _, p := range rep.Problems {
		fmt.Fprintln(e.stdout, "PROBLEM", p)
	}
	status := "ok"
	if len(rep.Problems) > 0 {
		status = fmt.Sprintf("FAILED: %d problems", len(rep.Problems))
	}
	fmt.Fprintf(e.stdout, "verify %s: %d movements, %d legs, %d levels in %.2fs: %s\n",
		*path, rep.Movements, rep.Legs, rep.Levels, time.Since(start).Seconds(), status)
	if len(rep.Problems) > 0 {
		return 1
	}
	return 0
}
