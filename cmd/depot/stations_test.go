package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"depot/app"
	"depot/app/sqlite"
	"depot/hardware/station"
)

func TestDemoStation(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "depot.db")
	db, err := sqlite.Open(ctx, path, sqlite.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	log := slog.New(slog.DiscardHandler)

	// Not a demo database: nothing to attach.
	m, err := startStations(ctx, db, path, true, log)
	if err != nil || len(m.States()) != 0 {
		t.Fatalf("without PACK: %v %+v", err, m.States())
	}
	m.Close()

	for _, l := range []app.NewLocation{{Code: "WH1", Kind: app.KindSite}, {Code: "PACK", Name: "Packing area", Kind: app.KindStaging, Parent: "WH1"}} {
		if _, err := db.CreateLocation(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	m, err = startStations(ctx, db, path, true, log)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	l, _ := db.Location(ctx, "PACK")
	c, ok, err := station.ConfigOf(l.Attributes)
	want := station.Config{Scale: "sim:nci?weight=0.000kg", Scanner: "sim:scanner", Printer: "sim:zebra?dir=" + filepath.Join(dir, "labels")}
	if !ok || err != nil || c != want {
		t.Fatalf("PACK station %+v (%v %v), want %+v", c, ok, err, want)
	}
	sub := m.Subscribe()
	defer sub.Cancel()
	s, ok := m.Station("PACK")
	if !ok {
		t.Fatal("PACK is not running")
	}
	s.ScaleSim().State.SetWeight(1_000_000)
	deadline := time.After(15 * time.Second)
	for st := s.State(); st.Scale.Last != "1.000 kg stable" || !st.Printer.Connected || !st.Scanner.Connected; st = s.State() {
		select {
		case <-sub.Ready():
			sub.Take()
		case <-deadline:
			t.Fatalf("demo station never came up: %+v", st)
		}
	}

	// A station changed by hand is left alone on the next start.
	if _, err := db.SetLocationAttribute(ctx, "PACK", station.AttributeKey, []byte(`{"scale":"sim:sics"}`)); err != nil {
		t.Fatal(err)
	}
	if err := attachDemoStation(ctx, db, path); err != nil {
		t.Fatal(err)
	}
	if l, _ := db.Location(ctx, "PACK"); string(l.Attributes) != `{"station":{"scale":"sim:sics"}}` {
		t.Errorf("demo start overwrote the station: %s", l.Attributes)
	}
}
