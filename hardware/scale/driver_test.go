package scale

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"depot/app"
	"depot/hardware"
	"depot/hardware/serialport"
)

// Each protocol runs through the whole stack: simulator on a pty master,
// go.bug.st/serial on the slave, the framer, the parser and the driver.
var conformance = []struct {
	addr      string
	underZero string // what a load far below zero reads as ("" = the model cannot say; no frame)
	overload  string // likewise for a load above capacity
	zero      bool   // has a zero command
	tare      bool
}{
	{"sim:nci?weight=1.250kg", "under zero", "overload", true, true},
	{"sim:toledo?weight=1.250kg", "under zero", "overload", true, true},
	{"sim:sics?weight=1.250kg", "under zero", "overload", true, true},
	{"sim:hid-report?weight=1.250kg", "under zero", "overload", true, false},
	{"sim:line?model=tiger&weight=1.250kg", "", "overload", false, false},
	{"sim:line?model=ohaus&weight=1.250kg", "", "", true, true},
}

func openSim(t *testing.T, addr string) *Scale {
	t.Helper()
	s, err := OpenWith(t.Context(), addr, Options{Timeout: 400 * time.Millisecond, Interval: 50 * time.Millisecond})
	if err != nil {
		t.Fatalf("open %s: %v", addr, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func mustRead(t *testing.T, s *Scale, want string) Reading {
	t.Helper()
	var r Reading
	var err error
	// A streaming scale may still deliver a frame from before the change.
	for i := 0; i < 5; i++ {
		if r, err = s.Read(t.Context()); err == nil && r.String() == want {
			return r
		}
	}
	t.Fatalf("%s: read %q, %v; want %q", s.Address(), r, err, want)
	return r
}

func TestConformance(t *testing.T) {
	for _, tc := range conformance {
		name := strings.TrimPrefix(tc.addr, "sim:")
		t.Run(name, func(t *testing.T) {
			t.Parallel() // the scenarios mostly wait on timeouts
			t.Run("Stable", func(t *testing.T) {
				s := openSim(t, tc.addr)
				r := mustRead(t, s, "1.250 kg stable")
				if r.WeightMg != 1_250_000 || r.At.IsZero() {
					t.Errorf("reading %+v: want 1250000 mg with an arrival time", r)
				}
				if st := s.State(); !st.Connected || st.Last.WeightMg != 1_250_000 || st.LastError != "" {
					t.Errorf("state %+v", st)
				}
			})
			t.Run("MotionThenStable", func(t *testing.T) {
				s := openSim(t, tc.addr)
				s.Sim().State.SetMotion(true)
				r, err := s.Read(t.Context())
				for i := 0; err == nil && r.Status != Motion && i < 5; i++ {
					r, err = s.Read(t.Context())
				}
				if err != nil || r.Status != Motion {
					t.Fatalf("moving: %v, %v; want unstable", r, err)
				}
				ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
				defer cancel()
				go func() {
					time.Sleep(300 * time.Millisecond)
					s.Sim().State.SetWeight(2_000_000)
					s.Sim().State.SetMotion(false)
				}()
				got, err := s.StableWeight(ctx)
				if err != nil || got.WeightMg != 2_000_000 || got.Status != Stable {
					t.Fatalf("StableWeight = %v, %v; want 2.000 kg stable", got, err)
				}
			})
			t.Run("Overload", func(t *testing.T) {
				s := openSim(t, tc.addr)
				s.Sim().State.SetWeight(31_000_000) // above the 30 kg capacity
				if tc.overload != "" {
					mustRead(t, s, tc.overload)
					return
				}
				r, err := s.Read(t.Context())
				if err == nil || !strings.Contains(err.Error(), "no reply") {
					t.Errorf("overload on a model without a token: %v, %v; want no reply", r, err)
				}
			})
			t.Run("UnderZero", func(t *testing.T) {
				s := openSim(t, tc.addr)
				s.Sim().State.SetWeight(-2_000_000) // below the zero range
				if tc.underZero != "" {
					mustRead(t, s, tc.underZero)
					return
				}
				r, err := s.Read(t.Context())
				if err == nil || !strings.Contains(err.Error(), "no reply") {
					t.Errorf("under zero on a model without a token: %v, %v; want no reply", r, err)
				}
			})
			t.Run("GarbageBeforeFrame", func(t *testing.T) {
				s := openSim(t, tc.addr)
				mustRead(t, s, "1.250 kg stable")
				s.Sim().State.SetWeight(1_500_000)
				s.Sim().Garbage([]byte("\x00\xff\x7f#?junk"))
				mustRead(t, s, "1.500 kg stable")
			})
			t.Run("SplitWrites", func(t *testing.T) {
				s := openSim(t, tc.addr)
				s.Sim().SplitWrites(true)
				s.Sim().State.SetWeight(1_750_000)
				mustRead(t, s, "1.750 kg stable")
			})
			t.Run("Stall", func(t *testing.T) {
				s := openSim(t, tc.addr)
				mustRead(t, s, "1.250 kg stable")
				s.Sim().Stall(1500 * time.Millisecond)
				time.Sleep(150 * time.Millisecond) // a streaming sim is now holding its next frame
				stalled := false
				for i := 0; i < 3 && !stalled; i++ {
					_, err := s.Read(t.Context())
					stalled = err != nil && strings.Contains(err.Error(), "no reply")
				}
				if !stalled {
					t.Fatal("no read timed out during a 1.5 s stall")
				}
				if st := s.State(); !strings.Contains(st.LastError, "no reply") || !st.Connected {
					t.Errorf("state during stall %+v", st)
				}
				// Once the stall is over, the late replies must not answer
				// later polls: the first read shows the weight of now.
				time.Sleep(1700 * time.Millisecond)
				s.Sim().State.SetWeight(1_100_000)
				if r, err := s.Read(t.Context()); err != nil || r.WeightMg != 1_100_000 {
					t.Errorf("first read after the stall: %v, %v; want 1.100 kg", r, err)
				}
				if r, err := s.Read(t.Context()); err != nil || r.WeightMg != 1_100_000 {
					t.Errorf("second read after the stall: %v, %v; want 1.100 kg", r, err)
				}
			})
			t.Run("UnplugReplug", func(t *testing.T) {
				s := openSim(t, tc.addr)
				mustRead(t, s, "1.250 kg stable")
				s.Sim().Unplug()
				var err error
				for i := 0; i < 3 && err == nil; i++ {
					_, err = s.Read(t.Context())
				}
				if err == nil || app.ErrorCode(err) != app.EUNAVAILABLE || !strings.Contains(err.Error(), s.Address()) {
					t.Fatalf("read after unplug: %v; want unavailable naming the scale", err)
				}
				if s.State().Connected {
					t.Error("still connected after unplug")
				}
				if _, err := s.Read(t.Context()); err == nil {
					t.Error("read while unplugged worked")
				}
				if err := s.Sim().Replug(); err != nil {
					t.Fatal(err)
				}
				s.Sim().State.SetWeight(900_000)
				mustRead(t, s, "0.900 kg stable")
				if st := s.State(); !st.Connected || st.Reconnect < 1 {
					t.Errorf("state after replug %+v", st)
				}
			})
			t.Run("ZeroTare", func(t *testing.T) {
				s := openSim(t, tc.addr)
				s.Sim().State.SetWeight(100_000)
				err := s.Zero(t.Context())
				if !tc.zero {
					if !errors.Is(err, ErrUnsupported) || app.ErrorCode(err) != app.ECONFLICT {
						t.Errorf("zero: %v; want unsupported", err)
					}
					return
				}
				if err != nil {
					t.Fatalf("zero: %v", err)
				}
				mustRead(t, s, "0.000 kg stable")
				s.Sim().State.SetWeight(1_350_000)
				err = s.Tare(t.Context())
				if !tc.tare {
					if !errors.Is(err, ErrUnsupported) {
						t.Errorf("tare: %v; want unsupported", err)
					}
					return
				}
				if err != nil {
					t.Fatalf("tare: %v", err)
				}
				mustRead(t, s, "0.000 kg stable")
				s.Sim().State.SetWeight(2_350_000)
				r := mustRead(t, s, "1.000 kg stable")
				if tc.addr == "sim:nci?weight=1.250kg" && !r.Net {
					t.Errorf("nci after tare: %+v, want net", r)
				}
			})
		})
	}
}

// A scale refuses to zero while the weight moves; the error says so.
func TestZeroRefusedInMotion(t *testing.T) {
	for _, addr := range []string{"sim:nci?weight=0.100kg", "sim:sics?weight=0.100kg"} {
		s := openSim(t, addr)
		s.Sim().State.SetMotion(true)
		err := s.Zero(t.Context())
		if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "zero") {
			t.Errorf("%s: zero in motion: %v; want refused", addr, err)
		}
	}
}

// Watch reports every reading, and reconnects by itself after an unplug.
func TestWatchReconnects(t *testing.T) {
	s := openSim(t, "sim:nci?weight=1.250kg")
	ctx, cancel := context.WithCancel(t.Context())
	got := make(chan Reading, 100)
	done := make(chan error)
	go func() { done <- s.Watch(ctx, func(r Reading) { got <- r }) }()
	updates, stop := s.Subscribe()
	defer stop()
	waitFor := func(what string, ok func(Reading) bool) {
		t.Helper()
		deadline := time.After(10 * time.Second)
		for {
			select {
			case r := <-got:
				if ok(r) {
					return
				}
			case <-deadline:
				t.Fatalf("no reading %s; state %+v", what, s.State())
			}
		}
	}
	waitFor("of 1.250 kg", func(r Reading) bool { return r.WeightMg == 1_250_000 })
	s.Sim().Unplug()
	for deadline := time.Now().Add(10 * time.Second); s.State().Connected; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("still connected 10 s after unplug")
		}
	}
	time.Sleep(300 * time.Millisecond) // a few failed reconnects
	s.Sim().State.SetWeight(3_000_000)
	if err := s.Sim().Replug(); err != nil {
		t.Fatal(err)
	}
	waitFor("of 3.000 kg after replug", func(r Reading) bool { return r.WeightMg == 3_000_000 })
	sawDown := false
	for len(updates) > 0 {
		if st := <-updates; !st.Connected {
			sawDown = true
		}
	}
	if !sawDown {
		t.Error("subscribers never saw the scale disconnected")
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Watch returned %v", err)
	}
}

// StableWeight follows a running Watch instead of polling on its own.
func TestStableWeightFollowsWatch(t *testing.T) {
	s := openSim(t, "sim:sics?weight=0.500kg")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go s.Watch(ctx, nil)
	for s.watching.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	r, err := s.StableWeight(ctx)
	if err != nil || r.WeightMg != 500_000 {
		t.Fatalf("StableWeight = %v, %v", r, err)
	}
}

// A scale behind a serial-to-Ethernet converter: the same driver over TCP.
func TestTCPTransport(t *testing.T) {
	st := NewSimState(KG, 3, 30_000_000)
	st.SetWeight(4_321_000)
	srv, err := StartTCP(SICS{}, st, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	s, err := OpenWith(t.Context(), "tcp:"+srv.Path()+"?protocol=sics", Options{Timeout: 400 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mustRead(t, s, "4.321 kg stable")
	if err := s.Zero(t.Context()); !errors.Is(err, ErrRefused) {
		t.Errorf("zero with 4.3 kg on a 30 kg scale: %v, want refused (outside the zero range)", err)
	}
}

func TestOpenErrors(t *testing.T) {
	for _, tc := range []struct{ addr, want string }{
		{"nci", "want scheme:target"},
		{"serial:/dev/ttyUSB9", "protocol is required"},
		{"serial:/dev/ttyUSB9?protocol=fancy", `protocol "fancy" unknown`},
		{"serial:/dev/ttyUSB9?protocol=nci&baud=x", `baud "x"`},
		{"usblp:/dev/usb/lp0?protocol=nci", "not a scale transport"},
		{"sim:nci?weight=heavy", `weight "heavy"`},
		{"sim:line?model=unknown", `model "unknown"`},
	} {
		_, err := Open(t.Context(), tc.addr)
		if err == nil || !strings.Contains(err.Error(), tc.want) || app.ErrorCode(err) != app.EINVALID {
			t.Errorf("Open(%q): %v; want invalid, %q", tc.addr, err, tc.want)
		}
	}
	_, err := Open(t.Context(), "serial:/dev/ttyUSB99?protocol=nci")
	if err == nil || app.ErrorCode(err) != app.EUNAVAILABLE || !strings.Contains(err.Error(), "/dev/ttyUSB99") {
		t.Errorf("missing port: %v; want unavailable naming the port", err)
	}
}

// A registered transport (what the HID package plugs in for hid:VID:PID)
// ends in the same driver; here the "HID device" is a report simulator on a
// pty.
func TestRegisteredTransport(t *testing.T) {
	st := NewSimState(OZ, 1, 30_000_000)
	st.SetWeight(348699) // 12.3 oz
	sim, err := StartPTY(HIDReport{}, st)
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	var dialed string
	RegisterTransport(hardware.SchemeHID, func(ctx context.Context, a hardware.Address) (hardware.Conn, error) {
		dialed = a.Target
		return serialport.OpenSerial(sim.Path(), HIDReport{}.Mode())
	}, "hid-report")
	defer RegisterTransport(hardware.SchemeHID, nil, "")
	s, err := Open(t.Context(), "hid:0922:8003")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mustRead(t, s, "12.3 oz stable")
	if dialed != "0922:8003" || s.Protocol().Name() != "hid-report" {
		t.Errorf("dialed %q with %s", dialed, s.Protocol().Name())
	}
	if err := s.Zero(t.Context()); err != nil {
		t.Errorf("zero report: %v", err)
	}
	mustRead(t, s, "0.0 oz stable")
}

// The driver stamps readings from its injected clock, and StableWeight
// applies the 500 ms rule on those stamps: with a clock that moves 100 ms a
// reading, the sixth identical stable reading (0, 100, ..., 500 ms) is the
// one accepted, however fast the real pty answers.
func TestStableWeightInjectedClock(t *testing.T) {
	t0 := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	calls := 0
	now := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		calls++
		return t0.Add(time.Duration(calls-1) * 100 * time.Millisecond)
	}
	s, err := OpenWith(t.Context(), "sim:sics?weight=0.750kg", Options{Now: now, Interval: time.Millisecond, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r, err := s.StableWeight(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if r.WeightMg != 750_000 || !r.At.Equal(t0.Add(500*time.Millisecond)) || calls != 6 {
		t.Errorf("accepted %v at %v after %d readings; want 0.750 kg at +500ms after 6", r, r.At.Sub(t0), calls)
	}
}

// Close stops a running Watch instead of letting it reconnect.
func TestCloseStopsWatch(t *testing.T) {
	s, err := Open(t.Context(), "sim:toledo?weight=1.000kg")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() { done <- s.Watch(t.Context(), nil) }()
	for s.State().Last.At.IsZero() {
		time.Sleep(5 * time.Millisecond)
	}
	s.Close()
	select {
	case err := <-done:
		if !errors.Is(err, ErrClosed) {
			t.Errorf("Watch after Close: %v, want ErrClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Watch still running 5 s after Close")
	}
	if _, err := s.Read(t.Context()); !errors.Is(err, ErrClosed) {
		t.Errorf("Read after Close: %v", err)
	}
}
