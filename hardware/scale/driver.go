package scale

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"depot/app"
	"depot/hardware"
	"depot/hardware/serialport"
)

// Options tune a Scale; the zero value is what production uses.
type Options struct {
	// Interval between polls in Watch (default 200 ms). Streaming scales are
	// read as fast as they send.
	Interval time.Duration
	// Timeout for a reply to a poll (default 1 s) and to zero/tare (3 s).
	Timeout time.Duration
	// Now stamps readings (default time.Now); tests inject a clock.
	Now func() time.Time
}

// Scale is a driver for one scale at an address. Its methods are safe for
// concurrent use; I/O is serialized on one connection, which is reopened
// (with backoff in Watch) after the device goes away.
type Scale struct {
	addr  hardware.Address
	proto Protocol
	mode  serialport.Mode
	opt   Options
	sim   *SimServer
	dial  func(ctx context.Context) (hardware.Conn, error)

	io       sync.Mutex // guards conn, framer, lastRead
	conn     hardware.Conn
	framer   *serialport.Framer
	lastRead time.Time

	mu       sync.Mutex // guards state and subs
	state    State
	subs     map[chan State]struct{}
	watching atomic.Int32
	closed   atomic.Bool
}

// ErrClosed is returned by a Scale after Close.
var ErrClosed = errors.New("scale closed")

// State is what a device page shows about a scale.
type State struct {
	Address   string    `json:"address"`
	Protocol  string    `json:"protocol"`
	Connected bool      `json:"connected"`
	Last      Reading   `json:"last"`       // the last reading, zero before the first
	LastError string    `json:"last_error"` // "" when the last operation worked
	ErrorAt   time.Time `json:"error_at"`
	Reconnect int       `json:"reconnects"` // opens after the first
}

// Open opens the scale at addr and connects to it. Addresses:
//
//	serial:/dev/serial/by-id/...?protocol=nci&baud=9600&format=7E1
//	tcp:10.0.0.7:4001?protocol=sics
//	sim:nci?weight=1.250kg&capacity=30kg   (starts an in-process pty simulator)
//
// Protocols: nci, toledo (unit=lb|kg|g), sics, hid-report, line (model=...).
// Errors name the device and are *app.Error: invalid for a bad address,
// unavailable when the device cannot be opened.
func Open(ctx context.Context, addr string) (*Scale, error) {
	return OpenWith(ctx, addr, Options{})
}

// OpenWith is Open with options.
func OpenWith(ctx context.Context, addr string, opt Options) (*Scale, error) {
	s, err := New(addr, opt)
	if err != nil {
		return nil, err
	}
	s.io.Lock()
	err = s.connect(ctx)
	s.io.Unlock()
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// New checks the address and prepares the driver without connecting, for a
// station that must start while its scale is unplugged; Watch connects.
func New(addr string, opt Options) (*Scale, error) {
	bad := func(format string, a ...any) error {
		return &app.Error{Code: app.EINVALID, Field: "address", Message: fmt.Sprintf("scale %s: ", addr) + fmt.Sprintf(format, a...)}
	}
	a, err := hardware.ParseAddress(addr)
	if err != nil {
		return nil, &app.Error{Code: app.EINVALID, Field: "address", Message: err.Error()}
	}
	if opt.Interval <= 0 {
		opt.Interval = 200 * time.Millisecond
	}
	if opt.Timeout <= 0 {
		opt.Timeout = time.Second
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	name := a.Params.Get("protocol")
	if a.Scheme == hardware.SchemeSim {
		name = a.Target
	}
	transports.Lock()
	extra, hasExtra := transports.m[a.Scheme]
	transports.Unlock()
	if name == "" && hasExtra {
		name = extra.protocol
	}
	if name == "" {
		return nil, bad("protocol is required (add ?protocol=nci, toledo, sics, hid-report or line)")
	}
	proto, err := Lookup(name, a.Params)
	if err != nil {
		return nil, bad("%v", err)
	}
	mode, err := proto.Mode().WithParams(a)
	if err != nil {
		return nil, bad("%v", err)
	}
	s := &Scale{addr: a, proto: proto, mode: mode, opt: opt, subs: map[chan State]struct{}{}}
	s.state = State{Address: a.String(), Protocol: proto.Name()}
	switch a.Scheme {
	case hardware.SchemeSerial:
		s.dial = func(context.Context) (hardware.Conn, error) { return serialport.OpenSerial(a.Target, mode) }
	case hardware.SchemeTCP:
		s.dial = func(ctx context.Context) (hardware.Conn, error) { return serialport.DialTCP(ctx, a.Target, mode) }
	case hardware.SchemeSim:
		sim, err := StartSim(a)
		if err != nil {
			if app.ErrorCode(err) == app.EINVALID {
				return nil, bad("%v", app.ErrorMessage(err))
			}
			return nil, &app.Error{Code: app.EUNAVAILABLE, Message: fmt.Sprintf("scale %s: %v", addr, err)}
		}
		s.sim, s.proto = sim, sim.Protocol()
		s.dial = func(context.Context) (hardware.Conn, error) { return serialport.OpenSerial(sim.Path(), mode) }
	default:
		if !hasExtra {
			return nil, bad("scheme %s is not a scale transport (want serial, tcp or sim)", a.Scheme)
		}
		s.dial = func(ctx context.Context) (hardware.Conn, error) { return extra.dial(ctx, a) }
	}
	return s, nil
}

// StartSim starts the simulator a sim: address names, on a pty:
// sim:<protocol>?weight=1.250kg&capacity=30kg&unit=lb&decimals=2&model=tiger.
// Bad settings are *app.Error invalid.
func StartSim(a hardware.Address) (*SimServer, error) {
	proto, err := Lookup(a.Target, a.Params)
	if err != nil {
		return nil, &app.Error{Code: app.EINVALID, Field: "address", Message: err.Error()}
	}
	st, err := simStateFromParams(a)
	if err != nil {
		return nil, &app.Error{Code: app.EINVALID, Field: "address", Message: err.Error()}
	}
	if tol, ok := proto.(Toledo); ok {
		// The 8213 frame has no unit: the driver must assume the one the simulated scale shows.
		tol.Unit = st.View().Unit
		proto = tol
	}
	return StartPTY(proto, st)
}

// Dialer opens the transport for an address.
type Dialer func(ctx context.Context, a hardware.Address) (hardware.Conn, error)

var transports = struct {
	sync.Mutex
	m map[string]transport
}{m: map[string]transport{}}

type transport struct {
	dial     Dialer
	protocol string
}

// RegisterTransport adds a transport for an address scheme this package does
// not open itself: hid: through the HID package's hardware.Conn adapter,
// whose Read must return one whole input report (report ID first) per call.
// protocol is the default when the address names none ("hid-report").
func RegisterTransport(scheme string, d Dialer, protocol string) {
	transports.Lock()
	defer transports.Unlock()
	if d == nil {
		delete(transports.m, scheme)
		return
	}
	transports.m[scheme] = transport{d, protocol}
}

// simStateFromParams builds the simulated scale: weight=1.250kg (also sets
// the unit and decimals shown), unit=lb and decimals=2 (override the
// display), capacity=30kg (the default).
func simStateFromParams(a hardware.Address) (*SimState, error) {
	unit, dec := KG, 3
	var mg int64
	if w := a.Params.Get("weight"); w != "" {
		v, d, u, err := ParseWeight(w)
		if err != nil {
			return nil, err
		}
		if mg, err = ToMg(v, d, u); err != nil {
			return nil, err
		}
		unit, dec = u, d
	}
	if t := a.Params.Get("unit"); t != "" {
		u, err := ParseUnit(t)
		if err != nil {
			return nil, err
		}
		unit = u
	}
	if d := a.Params.Get("decimals"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n < 0 || n > 6 {
			return nil, fmt.Errorf("decimals %q: want 0 to 6", d)
		}
		dec = n
	}
	capMg := int64(30_000_000)
	if c := a.Params.Get("capacity"); c != "" {
		v, d, u, err := ParseWeight(c)
		if err != nil {
			return nil, fmt.Errorf("capacity: %v", err)
		}
		if capMg, err = ToMg(v, d, u); err != nil || capMg <= 0 {
			return nil, fmt.Errorf("capacity %q: want a positive weight", c)
		}
	}
	st := NewSimState(unit, dec, capMg)
	st.SetWeight(mg)
	return st, nil
}

// Address is the scale's address as given.
func (s *Scale) Address() string { return s.addr.String() }

// Protocol is the scale's protocol.
func (s *Scale) Protocol() Protocol { return s.proto }

// Sim is the simulator behind a sim: address (set its State, Unplug,
// Replug), nil for real devices.
func (s *Scale) Sim() *SimServer { return s.sim }

// State returns a snapshot of the scale's state.
func (s *Scale) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}

// Subscribe returns a channel that receives the state after every reading
// and every connection change, for a live view (SSE). A slow receiver misses
// updates rather than slowing the scale. Call cancel when done.
func (s *Scale) Subscribe() (<-chan State, func()) {
	ch := make(chan State, 8)
	s.mu.Lock()
	s.subs[ch] = struct{}{}
	s.mu.Unlock()
	return ch, func() {
		s.mu.Lock()
		delete(s.subs, ch)
		s.mu.Unlock()
	}
}

func (s *Scale) update(fn func(st *State)) {
	s.mu.Lock()
	fn(&s.state)
	st := s.state
	for ch := range s.subs {
		select {
		case ch <- st:
		default:
		}
	}
	s.mu.Unlock()
}

func (s *Scale) fail(op string, err error) error {
	e := &app.Error{Code: app.EUNAVAILABLE, Message: fmt.Sprintf("scale %s: %s: %v", s.addr, op, err)}
	if errors.Is(err, ErrUnsupported) || errors.Is(err, ErrRefused) {
		e.Code = app.ECONFLICT
	}
	s.update(func(st *State) { st.LastError, st.ErrorAt = e.Message, s.opt.Now() })
	return &deviceError{e, err}
}

// deviceError is an *app.Error that also unwraps to its cause, so callers
// can test errors.Is(err, ErrRefused) and app.ErrorCode(err) alike.
type deviceError struct {
	e     *app.Error
	cause error
}

func (d *deviceError) Error() string   { return d.e.Error() }
func (d *deviceError) Unwrap() []error { return []error{d.e, d.cause} }

// connect opens the transport if needed; s.io must be held.
func (s *Scale) connect(ctx context.Context) error {
	if s.conn != nil {
		return nil
	}
	if s.closed.Load() {
		return fmt.Errorf("scale %s: %w", s.addr, ErrClosed)
	}
	c, err := s.dial(ctx)
	if err != nil {
		return s.fail("open", err)
	}
	s.conn, s.framer = c, serialport.NewFramer(c, s.proto.Split)
	s.lastRead = time.Time{}
	s.update(func(st *State) {
		if st.Connected || st.Last.At != (time.Time{}) || st.LastError != "" {
			st.Reconnect++
		}
		st.Connected, st.LastError = true, ""
	})
	return nil
}

// drop closes a connection that failed; s.io must be held.
func (s *Scale) drop() {
	if s.conn != nil {
		s.conn.Close()
		s.conn, s.framer = nil, nil
		s.update(func(st *State) { st.Connected = false })
	}
}

// Read polls the scale once (or takes the next frame of a streaming scale)
// and returns the reading, stamped with the time its frame arrived. Frames
// that do not parse (garbage, line noise) are skipped until the timeout.
func (s *Scale) Read(ctx context.Context) (Reading, error) {
	s.io.Lock()
	defer s.io.Unlock()
	if err := s.connect(ctx); err != nil {
		return Reading{}, err
	}
	req := s.proto.Request()
	if req == nil && time.Since(s.lastRead) > staleAfter {
		s.drain() // frames queued while nobody read are old
	}
	if req != nil {
		// Replies that came too late for an earlier poll (a stall) would
		// otherwise answer this one, and every later reading would lag.
		s.drain()
		if _, err := s.conn.Write(req); err != nil {
			s.drop()
			return Reading{}, s.fail("write", err)
		}
	}
	var lastErr error
	deadline := time.Now().Add(s.opt.Timeout)
	for {
		if err := ctx.Err(); err != nil {
			return Reading{}, err
		}
		left := time.Until(deadline)
		if left <= 0 {
			if lastErr != nil {
				return Reading{}, s.fail("read", fmt.Errorf("no valid frame in %v (last: %v)", s.opt.Timeout, lastErr))
			}
			return Reading{}, s.fail("read", fmt.Errorf("no reply in %v", s.opt.Timeout))
		}
		frame, err := s.framer.ReadFrame(min(left, 250*time.Millisecond))
		if errors.Is(err, serialport.ErrTimeout) {
			continue
		}
		if err != nil {
			s.drop()
			return Reading{}, s.fail("read", err)
		}
		at := s.opt.Now()
		r, err := s.proto.Parse(frame)
		if err != nil {
			lastErr = err
			continue
		}
		r.At = at
		s.lastRead = time.Now()
		s.update(func(st *State) { st.Last, st.LastError = r, "" })
		return r, nil
	}
}

// staleAfter is how long a streaming scale may go unread before the frames
// queued meanwhile are thrown away instead of being taken for new ones.
const staleAfter = time.Second

// drain discards the bytes already queued, without waiting for more; s.io
// must be held.
func (s *Scale) drain() {
	s.framer.Reset()
	var buf [256]byte
	s.conn.SetReadTimeout(0)
	for i := 0; i < 64; i++ {
		if n, err := s.conn.Read(buf[:]); n == 0 || err != nil {
			return
		}
	}
}

// Watch reads the scale until ctx ends: it polls every Interval (or follows a
// streaming scale), calls fn with each reading (fn may be nil; Subscribe
// gets them too), and reconnects with backoff (100 ms doubling to 5 s) after
// the device goes away. It returns ctx's error, or ErrClosed after Close.
func (s *Scale) Watch(ctx context.Context, fn func(Reading)) error {
	s.watching.Add(1)
	defer s.watching.Add(-1)
	backoff := 100 * time.Millisecond
	t := time.NewTimer(0)
	defer t.Stop()
	<-t.C
	wait := func(d time.Duration) bool {
		t.Reset(d)
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
			return true
		}
	}
	for ctx.Err() == nil {
		start := time.Now()
		r, err := s.Read(ctx)
		if errors.Is(err, ErrClosed) {
			return err
		}
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			if !s.State().Connected {
				if !wait(backoff) {
					break
				}
				backoff = min(2*backoff, 5*time.Second)
				continue
			}
		} else {
			backoff = 100 * time.Millisecond
			if fn != nil {
				fn(r)
			}
		}
		if s.proto.Request() != nil || err != nil {
			if !wait(s.opt.Interval - time.Since(start)) {
				break
			}
		}
	}
	return ctx.Err()
}

// StableWeight waits for a weight that passes the stability rule
// (Stabilizer: the same stable weight over at least 500 ms) and returns it.
// It follows a running Watch, or polls by itself. It returns ctx's error when
// ctx ends first; a caller sets the deadline.
func (s *Scale) StableWeight(ctx context.Context) (Reading, error) {
	var stab Stabilizer
	if s.watching.Load() > 0 {
		ch, cancel := s.Subscribe()
		defer cancel()
		var last time.Time
		for {
			select {
			case <-ctx.Done():
				return Reading{}, ctx.Err()
			case st := <-ch:
				if st.Last.At.Equal(last) {
					continue // a connection change, not a new reading
				}
				last = st.Last.At
				if r, ok := stab.Add(st.Last); ok {
					return r, nil
				}
			}
		}
	}
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		start := time.Now()
		r, err := s.Read(ctx)
		if ctx.Err() != nil {
			return Reading{}, ctx.Err()
		}
		if err == nil {
			if r, ok := stab.Add(r); ok {
				return r, nil
			}
		} else {
			stab.Reset()
		}
		if s.proto.Request() != nil || err != nil {
			t.Reset(s.opt.Interval - time.Since(start))
			select {
			case <-ctx.Done():
				return Reading{}, ctx.Err()
			case <-t.C:
			}
		}
	}
}

// Zero zeroes the scale. The error wraps ErrUnsupported when the protocol has
// no zero command and ErrRefused when the scale declines (motion, range).
func (s *Scale) Zero(ctx context.Context) error { return s.command(ctx, OpZero) }

// Tare tares the scale (see Zero for the errors).
func (s *Scale) Tare(ctx context.Context) error { return s.command(ctx, OpTare) }

// ClearTare clears the tare (see Zero for the errors).
func (s *Scale) ClearTare(ctx context.Context) error { return s.command(ctx, OpClearTare) }

func (s *Scale) command(ctx context.Context, op Op) error {
	cmd, reply := s.proto.Command(op)
	if cmd == nil {
		return s.fail(op.String(), fmt.Errorf("%w (%s)", ErrUnsupported, s.proto.Name()))
	}
	s.io.Lock()
	defer s.io.Unlock()
	if err := s.connect(ctx); err != nil {
		return err
	}
	s.drain()
	if _, err := s.conn.Write(cmd); err != nil {
		s.drop()
		return s.fail(op.String(), err)
	}
	if !reply {
		return nil
	}
	timeout := 3 * s.opt.Timeout
	deadline := time.Now().Add(timeout)
	for time.Until(deadline) > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		frame, err := s.framer.ReadFrame(min(time.Until(deadline), 250*time.Millisecond))
		if errors.Is(err, serialport.ErrTimeout) {
			continue
		}
		if err != nil {
			s.drop()
			return s.fail(op.String(), err)
		}
		err = s.proto.CheckReply(op, frame)
		if err == nil {
			return nil
		}
		if errors.Is(err, ErrRefused) || errors.Is(err, ErrUnsupported) {
			return s.fail(op.String(), err)
		}
	}
	return s.fail(op.String(), fmt.Errorf("no reply in %v", timeout))
}

// Close closes the connection and stops a simulator behind a sim: address.
// Reads after Close, and a running Watch, return ErrClosed.
func (s *Scale) Close() error {
	s.closed.Store(true)
	s.io.Lock()
	s.drop()
	s.io.Unlock()
	if s.sim != nil {
		s.sim.Close()
	}
	return nil
}
