package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"time"

	"depot/app"
	"depot/app/sqlite"
)

// ordersBenchResult is what `depot bench --orders --json` prints.
type ordersBenchResult struct {
	Orders      int     `json:"orders"`
	Lines       int     `json:"lines"`
	ReleaseS    float64 `json:"release_s"` // the figure: release and allocate them all
	OrdersPerS  float64 `json:"orders_per_s"`
	LinesPerS   float64 `json:"lines_per_s"`
	Allocations int     `json:"allocations"`
	Allocated   int64   `json:"allocated_units"`
	Backordered int64   `json:"backordered_units"`
	Failed      int     `json:"failed"`
	PerCommit   float64 `json:"orders_per_commit"` // orders released per writer commit
	EnterS      float64 `json:"enter_s"`           // entering the orders (not part of the figure)
	VerifyS     float64 `json:"verify_s"`          // depot verify afterwards, reserved check included
}

// benchOrders enters a day of synthetic orders (count of lines lines each)
// in the warehouse at cfg.path, then times releasing them all with
// ReleaseOrders, and verifies the file.
func benchOrders(ctx context.Context, cfg *benchConfig, count, lines int, stdout io.Writer, asJSON bool) error {
	if err := warm(cfg.path); err != nil {
		return err
	}
	db, err := sqlite.Open(ctx, cfg.path, sqlite.Options{WriterNice: cfg.writerNice, Logger: cfg.log})
	if err != nil {
		return err
	}
	defer func() {
		if db != nil {
			db.Close()
		}
	}()
	res := &ordersBenchResult{Orders: count, Lines: count * lines}
	cfg.progress("entering %d orders of %d lines", count, lines)
	start := time.Now()
	numbers, err := db.SynthOrders(ctx, sqlite.SynthOrderOptions{Orders: count, Lines: lines,
		Prefix: fmt.Sprintf("B%d", time.Now().Unix()), Seed: uint64(time.Now().UnixNano())})
	if err != nil {
		return err
	}
	res.EnterS = time.Since(start).Seconds()

	cfg.progress("releasing them")
	before := db.WriterStats()
	start = time.Now()
	outs := db.ReleaseOrders(ctx, numbers)
	res.ReleaseS = time.Since(start).Seconds()
	after := db.WriterStats()
	res.PerCommit = float64(count) / float64(max(1, after.Commits-before.Commits))
	for _, o := range outs {
		if o.Err != nil {
			res.Failed++
			fmt.Fprintf(cfg.stderr, "depot bench: %s: %s\n", o.Number, app.ErrorMessage(o.Err))
			continue
		}
		res.Allocations += len(o.Release.Allocations)
		for _, a := range o.Release.Allocations {
			res.Allocated += a.Qty
		}
		for _, b := range o.Release.Backorders {
			res.Backordered += b.Qty
		}
	}
	res.OrdersPerS = float64(count) / res.ReleaseS
	res.LinesPerS = float64(res.Lines) / res.ReleaseS
	if err := db.Close(); err != nil {
		return err
	}
	db = nil

	cfg.progress("verify")
	if res.VerifyS, _, _, err = cfg.verify(ctx); err != nil {
		return err
	}
	if res.Failed > 0 {
		return fmt.Errorf("%d of %d orders failed to release", res.Failed, count)
	}
	if asJSON {
		round := func(v float64, places float64) float64 { p := math.Pow(10, places); return math.Round(v*p) / p }
		res.ReleaseS, res.EnterS, res.VerifyS = round(res.ReleaseS, 3), round(res.EnterS, 3), round(res.VerifyS, 3)
		res.OrdersPerS, res.LinesPerS, res.PerCommit = round(res.OrdersPerS, 0), round(res.LinesPerS, 0), round(res.PerCommit, 1)
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	fmt.Fprintf(stdout, "orders bench on %s\n", cfg.path)
	fmt.Fprintf(stdout, "  release %d orders (%d lines):  %.2f s  (%.0f orders/s, %.0f lines/s, %.1f orders per commit)\n",
		count, res.Lines, res.ReleaseS, res.OrdersPerS, res.LinesPerS, res.PerCommit)
	fmt.Fprintf(stdout, "  allocated %d units in %d allocations; %d units backordered\n", res.Allocated, res.Allocations, res.Backordered)
	fmt.Fprintf(stdout, "  entering the orders:  %.2f s;  verify afterwards:  %.2f s\n", res.EnterS, res.VerifyS)
	return nil
}
