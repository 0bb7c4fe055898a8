package station

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"depot/app"
	"depot/hardware/scanner"
)

// quiet drops the managers' logs.
var quiet = slog.New(slog.DiscardHandler)

// waitFor reads the subscription until the station's state satisfies ok.
func waitFor(t *testing.T, sub *Subscription, code, what string, ok func(State) bool) State {
	t.Helper()
	deadline := time.NewTimer(15 * time.Second)
	defer deadline.Stop()
	var last State
	for {
		select {
		case <-sub.Ready():
			for _, st := range sub.Take() {
				if st.Code == code {
					last = st
					if ok(st) {
						return st
					}
				}
			}
		case <-deadline.C:
			t.Fatalf("station %s: never %s; last state %+v", code, what, last)
		}
	}
}

func TestManagerSimulatedStation(t *testing.T) {
	dir := t.TempDir()
	m := NewManager(Options{Log: quiet, PrinterPoll: 200 * time.Millisecond})
	defer m.Close()
	sub := m.Subscribe()
	defer sub.Cancel()
	cfg := Config{Scale: "sim:nci?weight=1.250kg", Scanner: "sim:scanner", Printer: "sim:zebra?dir=" + dir}
	if err := m.Set("PACK", "Packing area", cfg); err != nil {
		t.Fatal(err)
	}
	st := waitFor(t, sub, "PACK", "connected with a reading", func(s State) bool {
		return s.Scale.Connected && s.Reading.WeightMg == 1_250_000 && s.Scanner.Connected && s.Printer.Connected
	})
	if st.Scale.Last != "1.250 kg stable" || !st.Scale.Sim || !st.Scanner.Sim || !st.Printer.Sim {
		t.Errorf("state after connect: %+v", st)
	}
	if !st.Status.Ready() || st.Printer.Last != "ready" {
		t.Errorf("printer status %q (%+v), want ready", st.Printer.Last, st.Status)
	}
	s, ok := m.Station("PACK")
	if !ok {
		t.Fatal("no station PACK")
	}

	// The weight changes on the simulated platter.
	s.ScaleSim().State.SetWeight(2_500_000)
	waitFor(t, sub, "PACK", "2.5 kg", func(s State) bool { return s.Scale.Last == "2.500 kg stable" })

	// Unplug: the station shows the scale disconnected, with the error.
	s.ScaleSim().Unplug()
	st = waitFor(t, sub, "PACK", "disconnected", func(s State) bool { return !s.Scale.Connected && s.Scale.LastError != "" })
	if st.Scale.ErrorAt.IsZero() {
		t.Errorf("error without a time: %+v", st.Scale)
	}
	unplugErr := st.Scale.LastError

	// Replug: it recovers and reads again; the error stays as history.
	s.ScaleSim().State.SetWeight(750_000)
	if err := s.ScaleSim().Replug(); err != nil {
		t.Fatal(err)
	}
	st = waitFor(t, sub, "PACK", "reconnected", func(s State) bool { return s.Scale.Connected && s.Scale.Last == "0.750 kg stable" })
	if st.Scale.LastError == "" {
		t.Errorf("the unplug error (%q) was forgotten after the replug", unplugErr)
	}

	// A GS1-128 scan through the simulated serial scanner.
	if err := s.ScannerSim().Scan("]C1010950600013435210LOT7"); err != nil {
		t.Fatal(err)
	}
	st = waitFor(t, sub, "PACK", "scanned", func(s State) bool { return s.Scans == 1 })
	if st.Scan.Data != "010950600013435210LOT7" || !st.Scan.GS1 || st.Scan.Symbology != scanner.SymGS1128 {
		t.Errorf("scan %+v", st.Scan)
	}
	if st.Scanner.Last != "010950600013435210LOT7 (GS1-128)" {
		t.Errorf("scanner shows %q", st.Scanner.Last)
	}

	// A test label lands in the simulator's folder.
	if err := s.PrintTest(context.Background()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, sub, "PACK", "printed", func(s State) bool { return s.Printed == 1 })
	files, err := os.ReadDir(dir)
	if err != nil || len(files) != 1 || !strings.HasSuffix(files[0].Name(), ".zpl") {
		t.Errorf("label folder: %v %v", files, err)
	}

	// Closing the manager closes the simulators and ends subscriptions.
	path := s.ScaleSim().Path()
	m.Close()
	select {
	case <-sub.Done():
	default:
		t.Error("subscription still open after Close")
	}
	if _, err := os.Lstat(path); !os.IsNotExist(err) {
		t.Errorf("scale simulator link %s still there after Close: %v", path, err)
	}
	if len(m.States()) != 0 {
		t.Errorf("stations after Close: %+v", m.States())
	}
	if err := m.Set("PACK", "", cfg); app.ErrorCode(err) != app.EUNAVAILABLE {
		t.Errorf("Set after Close: %v", err)
	}
}

func TestManagerSetKeepsAndReplaces(t *testing.T) {
	m := NewManager(Options{Log: quiet})
	defer m.Close()
	sub := m.Subscribe()
	defer sub.Cancel()
	if err := m.Set("B1", "Bench 1", Config{Scale: "sim:sics?weight=0.500kg"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, sub, "B1", "read", func(s State) bool { return s.Scale.Last == "0.500 kg stable" })
	s1, _ := m.Station("B1")
	s1.ScaleSim().State.SetWeight(600_000)
	waitFor(t, sub, "B1", "moved", func(s State) bool { return s.Scale.Last == "0.600 kg stable" })

	// The same devices: the station keeps running, simulator and all.
	if err := m.Set("B1", "Bench one", Config{Scale: " sim:sics?weight=0.500kg "}); err != nil {
		t.Fatal(err)
	}
	if s2, _ := m.Station("B1"); s2 != s1 || s2.State().Name != "Bench one" || s2.State().Scale.Last != "0.600 kg stable" {
		t.Errorf("same config restarted the station or lost its name: %+v", s2.State())
	}
	// Other devices: a new station; an empty config removes it.
	if err := m.Set("B1", "Bench one", Config{Scale: "sim:toledo?weight=1.00lb"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, sub, "B1", "toledo", func(s State) bool { return s.Scale.Last == "1.00 lb stable" })
	if s1.ScaleSim().Plugged() {
		t.Error("the replaced station's simulator still runs")
	}
	if err := m.Set("B1", "Bench one", Config{}); err != nil {
		t.Fatal(err)
	}
	if _, ok := m.Station("B1"); ok || len(m.States()) != 0 {
		t.Errorf("empty config left the station: %+v", m.States())
	}
}

func TestManagerUnreachableDevices(t *testing.T) {
	m := NewManager(Options{Log: quiet, PrinterPoll: 100 * time.Millisecond})
	defer m.Close()
	sub := m.Subscribe()
	defer sub.Cancel()
	cfg := Config{Scale: "serial:/dev/nonexistent-scale?protocol=nci", Scanner: "serial:/dev/nonexistent-scanner",
		Printer: "usblp:/dev/nonexistent-lp"}
	if err := m.Set("B2", "", cfg); err != nil {
		t.Fatal(err)
	}
	st := waitFor(t, sub, "B2", "errors on all three", func(s State) bool {
		return s.Scale.LastError != "" && s.Scanner.LastError != "" && s.Printer.LastError != ""
	})
	for _, d := range []Device{st.Scale, st.Scanner, st.Printer} {
		if d.Connected || d.ErrorAt.IsZero() || !strings.Contains(d.LastError, "nonexistent") {
			t.Errorf("device %s: connected=%v error %q at %v", d.Address, d.Connected, d.LastError, d.ErrorAt)
		}
	}
}

func TestConfigNormalize(t *testing.T) {
	for _, tc := range []struct {
		cfg          Config
		field, words string
	}{
		{Config{Scale: "sim:nci", Scanner: "sim:scanner", Printer: "sim:zebra"}, "", ""},
		{Config{Scale: "serial:/dev/ttyUSB0?protocol=toledo&unit=kg", Scanner: "hid:0c2e:0b61", Printer: "tcp:10.0.0.5:9100"}, "", ""},
		{Config{Scale: "hid:0922:8003"}, "", ""},
		{Config{Scale: "nci"}, "scale", "want scheme:target"},
		{Config{Scale: "serial:/dev/ttyUSB0"}, "scale", "protocol=nci"},
		{Config{Scale: "sim:nope"}, "scale", "nope"},
		{Config{Scale: "usblp:/dev/usb/lp0"}, "scale", "not usblp:"},
		{Config{Scale: "tcp:1.2.3.4:1?protocol=line&model=missing"}, "scale", "missing"},
		{Config{Scanner: "sim:nci"}, "scanner", "sim:scanner"},
		{Config{Scanner: "usblp:/dev/usb/lp0"}, "scanner", "not usblp:"},
		{Config{Scanner: "serial:/dev/ttyACM0?suffix=bogus"}, "scanner", "suffix"},
		{Config{Scanner: "serial:/dev/ttyACM0?baud=fast"}, "scanner", "baud"},
		{Config{Printer: "serial:/dev/ttyS0"}, "printer", "not serial:"},
		{Config{Printer: "sim:nci"}, "printer", "sim:zebra"},
		{Config{Printer: "ftp:printer"}, "printer", "unknown scheme"},
		{Config{Printer: "tcp:" + strings.Repeat("a", 600)}, "printer", "at most 512"},
	} {
		err := tc.cfg.Normalize()
		if tc.field == "" {
			if err != nil {
				t.Errorf("%+v: %v", tc.cfg, err)
			}
			continue
		}
		if app.ErrorCode(err) != app.EINVALID || app.ErrorField(err) != tc.field || !strings.Contains(app.ErrorMessage(err), tc.words) {
			t.Errorf("%+v: got %v (field %q), want field %s saying %q", tc.cfg, err, app.ErrorField(err), tc.field, tc.words)
		}
	}
}

func TestConfigOf(t *testing.T) {
	for _, tc := range []struct {
		attrs string
		want  Config
		ok    bool
		bad   bool
	}{
		{`{}`, Config{}, false, false},
		{``, Config{}, false, false},
		{`{"temperature":"chilled"}`, Config{}, false, false},
		{`{"station":{"scale":"sim:nci","printer":"sim:zebra"}}`, Config{Scale: "sim:nci", Printer: "sim:zebra"}, true, false},
		{`{"station":null}`, Config{}, false, false},
		{`{"station":"sim:nci"}`, Config{}, false, true},
		{`[1]`, Config{}, false, true},
	} {
		c, ok, err := ConfigOf(json.RawMessage(tc.attrs))
		if c != tc.want || ok != tc.ok || (err != nil) != tc.bad {
			t.Errorf("ConfigOf(%s) = %+v, %v, %v", tc.attrs, c, ok, err)
		}
	}
}

func TestLoadSkipsBrokenStations(t *testing.T) {
	m := NewManager(Options{Log: quiet})
	defer m.Close()
	err := m.Load([]*app.Location{
		{Code: "A", Attributes: json.RawMessage(`{"station":{"scale":"sim:nci"}}`)},
		{Code: "B", Attributes: json.RawMessage(`{"station":{"scale":"bogus"}}`)},
		{Code: "C", Attributes: json.RawMessage(`{"zone":"x"}`)},
	})
	if err == nil || !strings.Contains(err.Error(), "station B") {
		t.Errorf("Load error %v, want one naming station B", err)
	}
	st := m.States()
	if len(st) != 1 || st[0].Code != "A" {
		t.Errorf("stations %+v, want only A", st)
	}
}

func TestScannerSimRefusesBadScans(t *testing.T) {
	s, err := StartScannerSim()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, data := range []string{"", "a\rb", strings.Repeat("9", MaxSimScan+1), "tab\there"} {
		if err := s.Scan(data); err == nil {
			t.Errorf("Scan(%q) accepted", data)
		}
	}
}
