package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"

	"depot/app"
	"depot/app/sqlite"
	"depot/hardware/station"
)

// startStations runs the packing stations stored in the database. With
// demo, the demo's packing bench (PACK) first gets simulated devices when
// it has none: a scale, a serial scanner and a label printer whose labels
// go to a labels folder beside the database. A station whose addresses are
// wrong is logged and skipped; the device page shows it.
func startStations(ctx context.Context, db *sqlite.DB, dbPath string, demo bool, log *slog.Logger) (*station.Manager, error) {
	if demo {
		if err := attachDemoStation(ctx, db, dbPath); err != nil {
			return nil, err
		}
	}
	locs, err := db.LocationsWithAttribute(ctx, station.AttributeKey)
	if err != nil {
		return nil, err
	}
	m := station.NewManager(station.Options{Log: log})
	if err := m.Load(locs); err != nil {
		log.Warn("stations", "err", err)
	}
	return m, nil
}

// demoStation is the simulated station of the demo's packing bench.
func demoStation(dbPath string) (station.Config, error) {
	abs, err := filepath.Abs(dbPath)
	if err != nil {
		return station.Config{}, err
	}
	dir := filepath.Join(filepath.Dir(abs), "labels")
	return station.Config{Scale: "sim:nci?weight=0.000kg", Scanner: "sim:scanner", Printer: "sim:zebra?dir=" + dir}, nil
}

// attachDemoStation gives PACK the simulated station unless it has one
// (or there is no PACK: not a demo database).
func attachDemoStation(ctx context.Context, db *sqlite.DB, dbPath string) error {
	l, err := db.Location(ctx, "PACK")
	if app.ErrorCode(err) == app.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	if _, ok, _ := station.ConfigOf(l.Attributes); ok {
		return nil
	}
	c, err := demoStation(dbPath)
	if err != nil {
		return err
	}
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	_, err = db.SetLocationAttribute(ctx, "PACK", station.AttributeKey, b)
	return err
}
