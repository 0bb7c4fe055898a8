package main

import (
	"context"
	"encoding/json"
	"fmt"

	"depot/app/sqlite"
)

// demoBinLimits are what a bin of each demo zone may hold: shelving in the
// ambient zone (400 kg, 600 units), shelving in the chilled room (400 kg),
// pallet places in bulk (1.5 t).
var demoBinLimits = map[string]string{
	"A": `{"max_weight_mg":400000000,"capacity_units":600}`,
	"C": `{"max_weight_mg":400000000}`,
	"B": `{"max_weight_mg":1500000000}`,
}

// demoZoneTags are the categories each demo zone is for.
var demoZoneTags = map[string]string{"A": `["apparel","food"]`, "C": `["food"]`, "B": `["food","kitchen","supplies"]`}

// demoPutaway readies the demo for putaway suggestions: category zones,
// weight limits and capacities on the bins, and the chilled items marked
// as needing the chilled zone. What each story left on the dock waits to
// be put away.
func demoPutaway(ctx context.Context, db *sqlite.DB, binsByZone map[string][]string) error {
	for zone, tags := range demoZoneTags {
		if _, err := db.SetLocationAttribute(ctx, "Z-"+zone, "category_tags", json.RawMessage(tags)); err != nil {
			return fmt.Errorf("demo zone %s: %w", zone, err)
		}
	}
	for zone, bins := range binsByZone {
		var limits map[string]json.RawMessage
		if err := json.Unmarshal([]byte(demoBinLimits[zone]), &limits); err != nil {
			return err
		}
		for _, b := range bins {
			for k, v := range limits {
				if _, err := db.SetLocationAttribute(ctx, b, k, v); err != nil {
					return fmt.Errorf("demo bin %s: %w", b, err)
				}
			}
		}
	}
	for _, it := range demoItems {
		if it.zone != "C" {
			continue
		}
		for _, o := range it.options {
			e, err := db.VariantEdit(ctx, it.prefix+"-"+o)
			if err != nil {
				return err
			}
			attrs := map[string]any{}
			if err := json.Unmarshal(e.Attributes, &attrs); err != nil {
				return err
			}
			attrs["temperature"] = "chilled"
			if e.Attributes, err = json.Marshal(attrs); err != nil {
				return err
			}
			if err := db.UpdateVariant(ctx, *e); err != nil {
				return fmt.Errorf("demo variant %s: %w", e.SKU, err)
			}
		}
	}
	return nil
}
