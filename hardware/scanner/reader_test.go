package scanner

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.bug.st/serial"

	"depot/hardware"
)

// openSerial opens the pty slave the way the serial transport opens a real
// port: through go.bug.st/serial.
func openSerial(path func() (string, error)) func(context.Context) (hardware.Conn, error) {
	return func(context.Context) (hardware.Conn, error) {
		p, err := path()
		if err != nil {
			return nil, err
		}
		return serial.Open(p, &serial.Mode{BaudRate: 9600, DataBits: 8})
	}
}

// startReader runs r until the test ends and returns the scans it reports.
func startReader(t *testing.T, r *Reader) <-chan Scan {
	t.Helper()
	scans := make(chan Scan, 100)
	r.OnScan = func(s Scan) { scans <- s }
	if r.Poll == 0 {
		r.Poll = 20 * time.Millisecond
	}
	r.MinBackoff, r.MaxBackoff = 10*time.Millisecond, 50*time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Run returned %v, want context.Canceled", err)
		}
		if r.State().Connected {
			t.Error("still connected after Run returned")
		}
	})
	return scans
}

// waitState polls the reader's state until cond holds; the deadline only
// guards against a hang, it measures nothing.
func waitState(t *testing.T, r *Reader, what string, cond func(State) bool) State {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		st := r.State()
		if cond(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: state %+v", what, st)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func nextScan(t *testing.T, scans <-chan Scan) Scan {
	t.Helper()
	select {
	case s := <-scans:
		return s
	case <-time.After(10 * time.Second):
		t.Fatal("no scan arrived")
		return Scan{}
	}
}

func TestReaderSerialScannerOverPTY(t *testing.T) {
	p := openPTY(t)
	r := &Reader{Name: "serial:" + p.slave, Open: openSerial(func() (string, error) { return p.slave, nil }),
		Decoder: NewLineDecoder(LineOptions{})}
	scans := startReader(t, r)
	waitState(t, r, "connected", func(s State) bool { return s.Connected })

	// A GS1-128 scan split across writes, line noise, then an EAN-13 whose
	// CR LF is split.
	for _, part := range []string{"]C10109501101", "530003\x1d", "10LOT7\r", "\x00\x00\r\n", "]E0590123412", "3457\r", "\n"} {
		p.send(t, part)
	}
	if s := nextScan(t, scans); s.Data != "0109501101530003\x1d10LOT7" || s.AIM != "]C1" || !s.GS1 || s.Symbology != SymGS1128 || s.At.IsZero() {
		t.Errorf("first scan %+v", s)
	}
	if s := nextScan(t, scans); s.Data != "5901234123457" || s.AIM != "]E0" || s.GS1 || s.Symbology != SymEAN13 {
		t.Errorf("second scan %+v", s)
	}
	st := r.State()
	if st.Scans != 2 || st.Refused != 1 || st.Last.Data != "5901234123457" || !strings.Contains(st.LastError, "scanner serial:"+p.slave+": scan \"\\x00\\x00\": NUL byte") {
		t.Errorf("state %+v", st)
	}
	select {
	case s := <-scans:
		t.Errorf("extra scan %+v", s)
	default:
	}
}

func TestReaderReconnectsAfterUnplug(t *testing.T) {
	var cur atomic.Pointer[ptyPair]
	cur.Store(openPTY(t))
	path := func() (string, error) {
		if p := cur.Load(); p != nil {
			return p.slave, nil
		}
		return "", errors.New("no such device")
	}
	spy := &spyDecoder{Decoder: NewLineDecoder(LineOptions{})}
	r := &Reader{Name: "serial:scanner", Open: openSerial(path), Decoder: spy}
	scans := startReader(t, r)
	waitState(t, r, "connected", func(s State) bool { return s.Connected })

	first := cur.Load()
	first.send(t, "]C0ONE\r\n")
	if s := nextScan(t, scans); s.Data != "ONE" {
		t.Fatalf("first scan %+v", s)
	}
	// Unplug halfway through a scan, once the reader holds the half; the
	// device stays away for a while.
	first.send(t, "]C0PA")
	waitState(t, r, "the half scan read", func(State) bool { return spy.fed.Load() == int64(len("]C0ONE\r\n]C0PA")) })
	cur.Store(nil)
	first.unplug()
	st := waitState(t, r, "the unplug noticed", func(s State) bool { return !s.Connected && strings.Contains(s.LastError, "open") })
	if !strings.Contains(st.LastError, "scanner serial:scanner: open: no such device") {
		t.Errorf("last error %q", st.LastError)
	}

	// Replug on a new pts number.
	second := openPTY(t)
	cur.Store(second)
	waitState(t, r, "reconnected", func(s State) bool { return s.Connected && s.Reconnects == 1 })
	second.send(t, "RT]C0NEXT\r\n")
	if s := nextScan(t, scans); s.Data != "RT]C0NEXT" {
		// The tail of the cut scan arrives as data of its own, without AIM:
		// never glued to the head sent before the unplug.
		t.Errorf("after replug got %+v", s)
	}
	second.send(t, "]C0AFTER\r\n")
	if s := nextScan(t, scans); s.Data != "AFTER" || s.AIM != "]C0" {
		t.Errorf("after replug got %+v", s)
	}
	if st := r.State(); st.Scans != 3 {
		t.Errorf("state %+v, want 3 scans", st)
	}
	select {
	case s := <-scans:
		t.Errorf("extra scan %+v", s)
	default:
	}
}

func TestReaderRefusesMissingSetup(t *testing.T) {
	r := &Reader{Name: "serial:x"}
	if err := r.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "scanner serial:x: Reader needs Open and Decoder") {
		t.Errorf("Run without Open = %v", err)
	}
}

// spyDecoder counts the bytes a Reader feeds its decoder, so a test can
// wait until the reader holds a partial scan.
type spyDecoder struct {
	Decoder
	fed atomic.Int64
}

func (d *spyDecoder) Feed(p []byte, at time.Time, emit func(Scan, error)) {
	d.fed.Add(int64(len(p)))
	d.Decoder.Feed(p, at, emit)
}
