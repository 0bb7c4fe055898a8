package station

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"depot/hardware/label"
	"depot/hardware/printer"
)

// PrintLabels sends the labels as one job, in order, and the printer
// stores each; a station without a printer and a label that does not
// render send nothing.
func TestPrintLabels(t *testing.T) {
	dir := t.TempDir()
	m := NewManager(Options{Log: quiet, PrinterPoll: time.Hour})
	defer m.Close()
	if err := m.Set("PACK", "Packing area", Config{Printer: "sim:zebra?dir=" + dir}); err != nil {
		t.Fatal(err)
	}
	if err := m.Set("SCALE-ONLY", "", Config{Scale: "sim:nci"}); err != nil {
		t.Fatal(err)
	}
	st, _ := m.Station("PACK")
	exp := time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
	var labels []*label.Label
	for _, n := range []int64{12, 12, 5} {
		l, err := label.CaseLabel(label.Receipt{SKU: "B-M5", Name: "Bolt", GTIN: "09506000134352", Lot: "L1", Expiry: exp, PerCase: n}, 203)
		if err != nil {
			t.Fatal(err)
		}
		labels = append(labels, l)
	}
	if !st.HasPrinter() {
		t.Fatal("PACK has no printer")
	}
	if err := st.PrintLabels(context.Background(), labels...); err != nil {
		t.Fatal(err)
	}
	sim, err := printer.SharedSim(dir)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for deadline := time.Now().Add(10 * time.Second); len(files) < 3 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		files, _ = sim.Labels()
	}
	if len(files) != 3 {
		t.Fatalf("printer stored %d labels, want 3", len(files))
	}
	for i, f := range files {
		got, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := labels[i].ZPL()
		// The printer stores a format from ^XA to ^XZ, without the newline after it.
		if string(got) != strings.TrimSpace(string(want)) {
			t.Errorf("%s is\n%s\nwant\n%s", filepath.Base(f), got, want)
		}
	}

	other, _ := m.Station("SCALE-ONLY")
	if other.HasPrinter() {
		t.Error("a station without a printer says it has one")
	}
	if err := other.PrintLabels(context.Background(), labels...); err == nil || err.Error() != "station SCALE-ONLY has no printer" {
		t.Errorf("printing without a printer: %v", err)
	}
	bad := &label.Label{Width: 100, Height: 100, DPI: 203, Items: []label.Item{&label.Text{X: 1, Y: 1, Height: 20, Text: "x\x01"}}}
	if err := st.PrintLabels(context.Background(), labels[0], bad); err == nil {
		t.Error("a label that does not render was printed")
	}
	if files, _ := sim.Labels(); len(files) != 3 {
		t.Errorf("printer holds %d labels after a refused job, want 3", len(files))
	}
}
