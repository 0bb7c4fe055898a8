package station

import (
	"context"
	"log/slog"
	"sort"
	"sync"
	"time"

	"depot/app"
)

// Options tune a Manager; the zero value is what production uses.
type Options struct {
	// PrinterPoll is how often a printer's status is asked for (default 5 s).
	PrinterPoll time.Duration
	// ScaleInterval is the scales' poll interval (default: the driver's, 200 ms).
	ScaleInterval time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Log receives station starts and stops (default slog.Default()).
	Log *slog.Logger
}

// Manager runs the stations of a depot. Its methods are safe for
// concurrent use.
type Manager struct {
	opt    Options
	ctx    context.Context
	cancel context.CancelFunc
	setMu  sync.Mutex // one Set at a time, so a station is never started twice

	mu       sync.Mutex
	stations map[string]*Station
	subs     map[*Subscription]struct{}
	closed   bool
}

// NewManager returns a manager without stations; Load or Set start them,
// Close stops them all.
func NewManager(opt Options) *Manager {
	if opt.PrinterPoll <= 0 {
		opt.PrinterPoll = 5 * time.Second
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Manager{opt: opt, ctx: ctx, cancel: cancel,
		stations: map[string]*Station{}, subs: map[*Subscription]struct{}{}}
}

// Load starts a station for every location whose attributes hold one. A
// location with a broken station attribute is skipped and reported in the
// returned error; the others start.
func (m *Manager) Load(locs []*app.Location) error {
	var first error
	for _, l := range locs {
		c, ok, err := ConfigOf(l.Attributes)
		if err == nil && ok {
			err = m.Set(l.Code, l.Name, c)
		}
		if err != nil {
			m.opt.Log.Warn("station not started", "location", l.Code, "err", err)
			if first == nil {
				first = app.Errorf(app.EINVALID, "station %s: %s", l.Code, app.ErrorMessage(err))
			}
		}
	}
	return first
}

// Set starts the station of location code with the devices of c, replacing
// a running one whose devices differ (one with the same devices keeps
// running, with its simulators' state). An empty c removes the station.
// The error is an invalid-input error naming the device field.
func (m *Manager) Set(code, name string, c Config) error {
	if err := c.Normalize(); err != nil {
		return err
	}
	m.setMu.Lock()
	defer m.setMu.Unlock()
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return app.Errorf(app.EUNAVAILABLE, "the stations are shut down")
	}
	old := m.stations[code]
	if old != nil && old.cfg == c {
		old.mu.Lock()
		old.state.Name = name
		old.mu.Unlock()
		m.mu.Unlock()
		return nil
	}
	delete(m.stations, code)
	m.mu.Unlock()
	if old != nil {
		old.stop()
		m.opt.Log.Info("station stopped", "location", code)
	}
	if c.Empty() {
		m.publish(State{Code: code, Name: name})
		return nil
	}
	s := &Station{m: m, code: code, cfg: c, state: State{Code: code, Name: name, Config: c}}
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return app.Errorf(app.EUNAVAILABLE, "the stations are shut down")
	}
	m.stations[code] = s
	s.mu.Lock()
	s.start(m.ctx)
	st := s.state
	s.mu.Unlock()
	m.mu.Unlock()
	m.publish(st)
	m.opt.Log.Info("station started", "location", code, "scale", c.Scale, "scanner", c.Scanner, "printer", c.Printer)
	return nil
}

// Station returns the running station of location code.
func (m *Manager) Station(code string) (*Station, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.stations[code]
	return s, ok
}

// States returns every station's state, by code.
func (m *Manager) States() []State {
	m.mu.Lock()
	list := make([]*Station, 0, len(m.stations))
	for _, s := range m.stations {
		list = append(list, s)
	}
	m.mu.Unlock()
	out := make([]State, len(list))
	for i, s := range list {
		out[i] = s.State()
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// Close stops every station and closes its devices and simulators.
func (m *Manager) Close() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	list := m.stations
	m.stations = map[string]*Station{}
	m.cancel()
	m.mu.Unlock()
	var wg sync.WaitGroup
	for _, s := range list {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.stop()
		}()
	}
	wg.Wait()
	m.mu.Lock()
	for sub := range m.subs {
		sub.close()
	}
	m.subs = map[*Subscription]struct{}{}
	m.mu.Unlock()
	return nil
}

// Subscription receives station changes. It keeps the newest state of
// each station until taken, so a slow reader skips intermediate states but
// never misses the last one.
type Subscription struct {
	m       *Manager
	wake    chan struct{}
	done    chan struct{}
	mu      sync.Mutex
	pending map[string]State
	order   []string
}

// Subscribe starts a subscription; call Cancel when done.
func (m *Manager) Subscribe() *Subscription {
	sub := &Subscription{m: m, wake: make(chan struct{}, 1), done: make(chan struct{}), pending: map[string]State{}}
	m.mu.Lock()
	if m.closed {
		close(sub.done)
	} else {
		m.subs[sub] = struct{}{}
	}
	m.mu.Unlock()
	return sub
}

// Ready receives a value when Take has something.
func (s *Subscription) Ready() <-chan struct{} { return s.wake }

// Done is closed when the manager closes.
func (s *Subscription) Done() <-chan struct{} { return s.done }

// Take returns the stations that changed since the last Take, in the order
// they first changed, each with its newest state.
func (s *Subscription) Take() []State {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]State, 0, len(s.order))
	for _, code := range s.order {
		out = append(out, s.pending[code])
	}
	clear(s.pending)
	s.order = s.order[:0]
	return out
}

// Cancel ends the subscription.
func (s *Subscription) Cancel() {
	s.m.mu.Lock()
	delete(s.m.subs, s)
	s.m.mu.Unlock()
}

func (s *Subscription) close() { close(s.done) }

func (s *Subscription) put(st State) {
	s.mu.Lock()
	if _, ok := s.pending[st.Code]; !ok {
		s.order = append(s.order, st.Code)
	}
	s.pending[st.Code] = st
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// publish hands st to every subscriber.
func (m *Manager) publish(st State) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for sub := range m.subs {
		sub.put(st)
	}
}
