package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"depot/app"
	"depot/app/sqlite"
)

func TestSeedDemo(t *testing.T) {
	ctx := context.Background()
	sqlite.BcryptCost = 4
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "depot.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out bytes.Buffer
	if err := seedDemo(ctx, db, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Sign in as owner with password") || !strings.Contains(out.String(), "dpt_") {
		t.Errorf("demo output lacks the sign-in:\n%s", out.String())
	}
	hits, err := db.SearchVariants(ctx, "COF-ESP-1K", 1)
	if err != nil || len(hits) != 1 || hits[0].OnHand <= 0 {
		t.Fatalf("demo coffee: %+v, %v", hits, err)
	}
	levels, err := db.Stock(ctx, app.StockFilter{SKU: "COF-ESP-1K"})
	if err != nil || len(levels) == 0 || levels[0].Lot == "" {
		t.Errorf("demo coffee has no lot in stock: %+v, %v", levels, err)
	}
	zone, err := db.Stock(ctx, app.StockFilter{Location: "Z-C", Limit: 10000})
	if err != nil || len(zone) < 15 {
		t.Errorf("chilled zone holds %d levels (%v), want the chilled items", len(zone), err)
	}
	rep, err := db.Verify(ctx)
	if err != nil || len(rep.Problems) > 0 || rep.Movements < 600 {
		t.Errorf("verify: %d movements, problems %v, err %v", rep.Movements, rep.Problems, err)
	}
	// Stated in the output: a few hundred of each.
	var variants, bins int
	text := out.String()[strings.Index(out.String(), "Demo warehouse created"):]
	if _, err := fmt.Sscanf(text, "Demo warehouse created: %d variants in %d bins.", &variants, &bins); err != nil || variants < 200 || bins < 200 {
		t.Errorf("demo made %d variants in %d bins (%v), want a few hundred of each", variants, bins, err)
	}
	// A second site, and transfer T-1001 on its way to it (demo_returns.go).
	tr, err := db.Transfer(ctx, "T-1001")
	if err != nil || tr.Status != app.TransferShipped || len(tr.Lines) != 3 {
		t.Errorf("demo transfer: %+v %v", tr, err)
	}
	if its, err := db.InTransit(ctx, ""); err != nil || len(its) != 3 || its[0].Transfer != "T-1001" || its[0].Qty != 4 {
		t.Errorf("demo in transit: %+v %v", its, err)
	}
	// A second start leaves the demo alone.
	out.Reset()
	if err := seedDemo(ctx, db, &out); err != nil || out.Len() != 0 {
		t.Errorf("second seed: %v, output %q", err, out.String())
	}
}
