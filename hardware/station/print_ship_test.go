package station

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"depot/app"
)

// TestStationPrint: ZPL sent to a station lands byte for byte in its
// simulated printer's folder; bad ZPL and a station without a printer are
// refused.
func TestStationPrint(t *testing.T) {
	dir := t.TempDir()
	m := NewManager(Options{Log: quiet, PrinterPoll: time.Hour})
	defer m.Close()
	sub := m.Subscribe()
	defer sub.Cancel()
	if err := m.Set("PACK", "Packing area", Config{Printer: "sim:zebra?dir=" + dir}); err != nil {
		t.Fatal(err)
	}
	if err := m.Set("BENCH", "No printer", Config{Scale: "sim:nci?weight=0.100kg"}); err != nil {
		t.Fatal(err)
	}
	s, _ := m.Station("PACK")
	zpl := []byte("^XA^FO20,20^A0N,30,30^FDlabel one^FS^XZ\n^XA^FO20,20^A0N,30,30^FDslip^FS^XZ\n")
	if err := s.Print(context.Background(), zpl); err != nil {
		t.Fatal(err)
	}
	waitFor(t, sub, "PACK", "printed two", func(s State) bool { return s.Printed == 2 })
	files, _ := filepath.Glob(filepath.Join(dir, "label-*.zpl"))
	if len(files) != 2 {
		t.Fatalf("labels stored: %v", files)
	}
	var got []byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, b...)
	}
	if !bytes.Contains(got, []byte("^FDlabel one^FS")) || !bytes.Contains(got, []byte("^FDslip^FS")) {
		t.Errorf("stored labels: %s", got)
	}
	if err := s.Print(context.Background(), []byte("hello")); app.ErrorField(err) != "zpl" {
		t.Errorf("bad ZPL: %v", err)
	}
	b, _ := m.Station("BENCH")
	if err := b.Print(context.Background(), zpl); err == nil || !strings.Contains(err.Error(), "BENCH has no printer") {
		t.Errorf("station without a printer: %v", err)
	}
}
