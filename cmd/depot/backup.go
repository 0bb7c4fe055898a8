package main

import (
	"context"
	"fmt"
	"time"

	"depot/app/sqlite"
)

func init() {
	commands["backup"] = command{"copy a live database to a new file and verify the copy", runBackup}
}

func runBackup(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "backup")
	path := fs.String("db", "", "database `file` to copy (may be in use)")
	to := fs.String("to", "", "the new `file` to write")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *path == "" || *to == "" {
		fmt.Fprintln(e.stderr, "depot backup: --db and --to are required")
		return 2
	}
	start := time.Now()
	if err := sqlite.Backup(ctx, *path, *to); err != nil {
		return fail(e, "backup", err)
	}
	rep, err := sqlite.VerifyFile(ctx, *to)
	if err != nil {
		return fail(e, "backup", err)
	}
	if len(rep.Problems) > 0 {
		for _, p := range rep.Problems {
			fmt.Fprintln(e.stdout, "PROBLEM", p)
		}
		return fail(e, "backup", fmt.Errorf("the copy %s fails verify (%d problems): the database itself needs checking", *to, len(rep.Problems)))
	}
	fmt.Fprintf(e.stdout, "backup %s: %d movements, %d legs, %d levels in %.2fs: verified\n",
		*to, rep.Movements, rep.Legs, rep.Levels, time.Since(start).Seconds())
	return 0
}
