package station

import (
	"context"
	"fmt"
	"sync"
	"time"

	"depot/hardware"
	"depot/hardware/label"
	"depot/hardware/printer"
	"depot/hardware/scale"
	"depot/hardware/scanner"
	"depot/hardware/serialport"
)

// scannerMode is the factory setting of serial scanners; the address's
// baud and format change it.
var scannerMode = serialport.Mode{Baud: 9600, DataBits: 8, Parity: 'N', StopBits: 1}

// Device is what the device page shows about one device of a station.
type Device struct {
	Address   string    // "" when the station has no such device
	Connected bool      // the device answers (the printer: its last status check worked)
	Last      string    // the last reading, scan or printer status in words
	LastAt    time.Time // when Last arrived
	LastError string    // the last error, kept after the device recovers
	ErrorAt   time.Time // when LastError happened
	Sim       bool      // an in-process simulator
}

// State is a snapshot of one station.
type State struct {
	Code, Name string
	Config     Config
	Scale      Device
	Scanner    Device
	Printer    Device
	// The typed details behind Last.
	Reading scale.Reading  // the scale's last reading
	Scan    scanner.Scan   // the scanner's last good scan
	Status  printer.Status // the printer's last status
	Scans   int64          // good scans since the station started
	Printed int            // labels the simulated printer has stored
}

// Station is one running station. Its methods are safe for concurrent use.
type Station struct {
	m      *Manager
	code   string
	cfg    Config
	cancel context.CancelFunc
	wg     sync.WaitGroup

	scale   *scale.Scale        // nil without a scale
	scanSim *ScannerSim         // nil unless sim:scanner
	reader  *scanner.Reader     // nil without a scanner
	printer *printer.Printer    // nil without a printer
	prSim   *printer.Sim        // nil unless sim:zebra
	prLock  sync.Mutex          // one status check or print at a time
	printed func() (int, error) // labels stored by the simulated printer

	mu    sync.Mutex
	state State
}

// Code is the station's location code.
func (s *Station) Code() string { return s.code }

// Config is the station's devices.
func (s *Station) Config() Config { return s.cfg }

// State returns a snapshot of the station.
func (s *Station) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}

// Scale is the station's scale driver, nil without one.
func (s *Station) Scale() *scale.Scale { return s.scale }

// ScaleSim is the simulator behind a sim: scale, nil otherwise.
func (s *Station) ScaleSim() *scale.SimServer {
	if s.scale == nil {
		return nil
	}
	return s.scale.Sim()
}

// ScannerSim is the simulator behind sim:scanner, nil otherwise.
func (s *Station) ScannerSim() *ScannerSim { return s.scanSim }

// update changes the state under the lock and publishes it when it changed.
func (s *Station) update(fn func(st *State)) {
	s.mu.Lock()
	before := s.state
	fn(&s.state)
	st := s.state
	s.mu.Unlock()
	if st != before {
		s.m.publish(st)
	}
}

// failed records err against a device.
func failed(d *Device, err error, at time.Time) {
	d.LastError, d.ErrorAt = err.Error(), at
}

// start opens the devices and starts their goroutines. A device that
// cannot be set up is shown with its error; the others run.
func (s *Station) start(ctx context.Context) {
	ctx, s.cancel = context.WithCancel(ctx)
	now := s.m.opt.Now
	s.state.Scale.Address, s.state.Scanner.Address, s.state.Printer.Address = s.cfg.Scale, s.cfg.Scanner, s.cfg.Printer
	if s.cfg.Scale != "" {
		if err := s.startScale(ctx); err != nil {
			failed(&s.state.Scale, err, now())
		}
	}
	if s.cfg.Scanner != "" {
		if err := s.startScanner(ctx); err != nil {
			failed(&s.state.Scanner, err, now())
		}
	}
	if s.cfg.Printer != "" {
		if err := s.startPrinter(ctx); err != nil {
			failed(&s.state.Printer, err, now())
		}
	}
}

// stop ends the goroutines and closes the devices and simulators.
func (s *Station) stop() {
	if s.cancel != nil {
		s.cancel()
	}
	if s.scale != nil {
		s.scale.Close()
	}
	if s.scanSim != nil {
		s.scanSim.Close()
	}
	s.wg.Wait()
}

func (s *Station) startScale(ctx context.Context) error {
	sc, err := scale.New(s.cfg.Scale, scale.Options{Interval: s.m.opt.ScaleInterval})
	if err != nil {
		return err
	}
	s.scale = sc
	s.state.Scale.Sim = sc.Sim() != nil
	updates, cancel := sc.Subscribe()
	s.wg.Add(2)
	go func() {
		defer s.wg.Done()
		sc.Watch(ctx, nil)
	}()
	go func() {
		defer s.wg.Done()
		defer cancel()
		for {
			select {
			case <-ctx.Done():
				return
			case st := <-updates:
				s.update(func(x *State) { x.applyScale(st) })
			}
		}
	}()
	return nil
}

// applyScale takes the driver's state into the station's.
func (x *State) applyScale(st scale.State) {
	d := &x.Scale
	d.Connected = st.Connected
	if st.LastError != "" {
		d.LastError, d.ErrorAt = st.LastError, st.ErrorAt
	}
	// A polled scale repeats its reading five times a second: only a
	// different one is news (LastAt is when the reading last changed).
	if !st.Last.At.IsZero() && st.Last.String() != d.Last {
		x.Reading = st.Last
		d.Last, d.LastAt = st.Last.String(), st.Last.At
	}
}

func (s *Station) startScanner(ctx context.Context) error {
	a, err := hardware.ParseAddress(s.cfg.Scanner)
	if err != nil {
		return err
	}
	dec, err := scanner.NewDecoder(a)
	if err != nil {
		return err
	}
	var open func(ctx context.Context) (hardware.Conn, error)
	switch a.Scheme {
	case hardware.SchemeSim:
		sim, err := StartScannerSim()
		if err != nil {
			return err
		}
		s.scanSim = sim
		s.state.Scanner.Sim = true
		open = func(context.Context) (hardware.Conn, error) { return serialport.OpenSerial(sim.Path(), scannerMode) }
	case hardware.SchemeSerial, hardware.SchemeTCP:
		mode, err := scannerMode.WithParams(a)
		if err != nil {
			return fmt.Errorf("scanner %s: %v", a, err)
		}
		if a.Scheme == hardware.SchemeSerial {
			open = func(context.Context) (hardware.Conn, error) { return serialport.OpenSerial(a.Target, mode) }
		} else {
			open = func(ctx context.Context) (hardware.Conn, error) { return serialport.DialTCP(ctx, a.Target, mode) }
		}
	case hardware.SchemeHID:
		open = func(context.Context) (hardware.Conn, error) { return scanner.OpenHID(hidBackend, a.String()) }
	default:
		return fmt.Errorf("scanner %s: %s: is not a scanner transport", a, a.Scheme)
	}
	r := &scanner.Reader{Name: s.cfg.Scanner, Open: open, Decoder: dec}
	r.OnState = func(st scanner.State) {
		s.update(func(x *State) {
			d := &x.Scanner
			d.Connected = st.Connected
			if st.LastError != "" {
				d.LastError, d.ErrorAt = st.LastError, st.ErrorAt
			}
			if !st.Last.At.IsZero() {
				x.Scan, x.Scans = st.Last, st.Scans
				d.Last, d.LastAt = describeScan(st.Last), st.Last.At
			}
		})
	}
	s.reader = r
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		r.Run(ctx)
	}()
	return nil
}

// describeScan is a scan in words: the data and its symbology.
func describeScan(sc scanner.Scan) string {
	sym := string(sc.Symbology)
	if sym == "" {
		sym = "no symbology identifier"
	}
	return fmt.Sprintf("%s (%s)", printable(sc.Data), sym)
}

// printable shows GS as <GS>, so a GS1 scan reads on a page.
func printable(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1D {
			out = append(out, "<GS>"...)
		} else {
			out = append(out, s[i])
		}
	}
	return string(out)
}

func (s *Station) startPrinter(ctx context.Context) error {
	p, err := printer.Open(s.cfg.Printer)
	if err != nil {
		return err
	}
	s.printer = p
	a := p.Addr()
	if a.Scheme == hardware.SchemeSim {
		s.state.Printer.Sim = true
		sim, err := printer.SharedSim(a.Params.Get("dir"))
		if err != nil {
			return err
		}
		s.prSim = sim
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(s.m.opt.PrinterPoll)
		defer t.Stop()
		for {
			s.checkPrinter(ctx)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return nil
}

// checkPrinter asks the printer for its status and records the answer.
func (s *Station) checkPrinter(ctx context.Context) {
	s.prLock.Lock()
	st, err := s.printer.Status(ctx)
	s.prLock.Unlock()
	if ctx.Err() != nil {
		return
	}
	at := s.m.opt.Now()
	printed := 0
	if s.prSim != nil {
		_, _, printed = s.prSim.State()
	}
	s.update(func(x *State) {
		d := &x.Printer
		x.Printed = printed
		if err != nil {
			d.Connected = false
			failed(d, err, at)
			return
		}
		last := st.String()
		if st.NoAnswer {
			last = "no answer to ~HS: the printer needs attention (paper, ribbon or head)"
		}
		d.Connected, x.Status = true, st
		// Only a different answer is news (LastAt is when it last changed).
		if last != d.Last {
			d.Last, d.LastAt = last, at
		}
	})
}

// PrintTest prints a test label naming the station and refreshes the
// printer's status. The error names the printer.
func (s *Station) PrintTest(ctx context.Context) error {
	if s.printer == nil {
		return fmt.Errorf("station %s has no printer", s.code)
	}
	l, err := label.TestLabel(fmt.Sprintf("%s  %s", s.code, s.m.opt.Now().UTC().Format("2006-01-02 15:04 UTC")), 203)
	if err != nil {
		return err
	}
	zpl, err := l.ZPL()
	if err != nil {
		return err
	}
	return s.Print(ctx, zpl)
}
