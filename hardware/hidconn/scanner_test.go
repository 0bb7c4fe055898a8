package hidconn

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"depot/hardware"
	"depot/hardware/scanner"
)

// posReport is one Honeywell HID POS scanned-data report (hardware.md §3.1).
func posReport(aim, data string, more bool) []byte {
	r := make([]byte, 64)
	r[0], r[1] = 0x02, byte(len(data))
	copy(r[2:5], aim)
	copy(r[5:], data)
	if more {
		r[63] = 1
	}
	return r
}

// TestHIDScannerThroughReader runs the whole HID path: hid: address, Conn,
// report decoder and the scanner Reader, including an unplug and replug.
func TestHIDScannerThroughReader(t *testing.T) {
	b := newFakeBackend(honeywellA)
	dec, err := scanner.NewReportDecoder(scanner.Honeywell)
	if err != nil {
		t.Fatal(err)
	}
	scans := make(chan scanner.Scan, 10)
	r := &scanner.Reader{
		Name:       "hid:0c2e:0b61",
		Open:       func(context.Context) (hardware.Conn, error) { return Open(b, "hid:0c2e:0b61") },
		Decoder:    dec,
		OnScan:     func(s scanner.Scan) { scans <- s },
		Poll:       20 * time.Millisecond,
		MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond,
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Run = %v", err)
		}
	}()
	next := func() scanner.Scan {
		t.Helper()
		select {
		case s := <-scans:
			return s
		case <-time.After(10 * time.Second):
			t.Fatal("no scan")
			return scanner.Scan{}
		}
	}
	waitFor := func(what string, cond func(scanner.State) bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); !cond(r.State()); time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("waiting for %s: %+v", what, r.State())
			}
		}
	}

	gs1 := "0109501101530003" + "17261231" + "10" + strings.Repeat("7", 30) + "\x1d" + "21SN00042"
	dev := b.device(honeywellA.Path)
	dev.reports <- posReport("]d2", gs1[:56], true)
	dev.reports <- posReport("]d2", gs1[56:], false)
	if s := next(); s.Data != gs1 || s.AIM != "]d2" || !s.GS1 || s.Symbology != scanner.SymGS1DataMatrix {
		t.Errorf("scan %+v", s)
	}

	// Unplug after the first half of a scan; replug; scan again.
	dev.reports <- posReport("]C1", "0109501101530003", true)
	waitFor("the half scan read", func(s scanner.State) bool { return len(dev.reports) == 0 })
	b.detach(honeywellA.Path)
	waitFor("the unplug noticed", func(s scanner.State) bool {
		return !s.Connected && strings.Contains(s.LastError, "no HID device hid:0c2e:0b61 is attached")
	})
	dev = b.attach(honeywellA)
	waitFor("reconnected", func(s scanner.State) bool { return s.Connected && s.Reconnects == 1 })
	dev.reports <- posReport("]E0", "5901234123457", false)
	if s := next(); s.Data != "5901234123457" || s.AIM != "]E0" {
		t.Errorf("scan after replug %+v (the half scan must be dropped, not glued)", s)
	}
	if st := r.State(); st.Scans != 2 || st.Refused != 0 {
		t.Errorf("state %+v", st)
	}
}
