package main

import (
	"context"
	"fmt"

	"depot/app"
	"depot/app/packcheck"
	"depot/app/sqlite"
)

// demoBoxes are the demo's shipping boxes with their tare weights.
var demoBoxes = []app.Box{
	{Code: "MAILER-1", Name: "Padded mailer", TareMg: 40_000, LengthMM: 350, WidthMM: 250, HeightMM: 30, MaxWeightMg: 1_000_000},
	{Code: "CARTON-S", Name: "Small carton", TareMg: 120_000, LengthMM: 250, WidthMM: 180, HeightMM: 100, MaxWeightMg: 5_000_000},
	{Code: "CARTON-M", Name: "Medium carton", TareMg: 180_000, LengthMM: 350, WidthMM: 250, HeightMM: 150, MaxWeightMg: 15_000_000},
	{Code: "CARTON-L", Name: "Large carton", TareMg: 320_000, LengthMM: 450, WidthMM: 350, HeightMM: 250, MaxWeightMg: 30_000_000},
}

// demoPacking sets up the packing bench: boxes with tares, the site's
// packing tolerance (20 g or 2 %), a looser tolerance for cheese (sold by
// the piece, its weight varies by 40 g) and the sender's address.
func demoPacking(ctx context.Context, db *sqlite.DB) error {
	for _, b := range demoBoxes {
		if _, err := db.SaveBox(ctx, b); err != nil {
			return fmt.Errorf("demo box %s: %w", b.Code, err)
		}
	}
	if err := db.SetPackTolerance(ctx, packcheck.DefaultTolerance); err != nil {
		return fmt.Errorf("demo tolerance: %w", err)
	}
	cheese := int64(40_000)
	for _, sku := range []string{"CHD-200G", "CHD-400G", "CHD-1K"} {
		if err := db.SetWeightTolerance(ctx, sku, &cheese, nil); err != nil {
			return fmt.Errorf("demo tolerance of %s: %w", sku, err)
		}
	}
	return db.SetShipFrom(ctx, []string{"depot demo warehouse", "1 Harbour Road", "Springfield"})
}
