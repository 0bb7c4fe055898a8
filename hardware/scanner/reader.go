package scanner

import (
	"context"
	"fmt"
	"sync"
	"time"

	"depot/hardware"
)

// State is what the device page shows about a scanner.
type State struct {
	Name       string    // the device address
	Connected  bool      // the Conn is open
	Since      time.Time // when Connected last changed
	Last       Scan      // the last good scan; Last.At is zero before the first
	Scans      int64     // good scans since Run started
	Refused    int64     // frames refused as bad scans since Run started
	Reconnects int64     // successful opens after the first
	LastError  string    // the last open, read or scan error, "" before any
	ErrorAt    time.Time // when LastError happened
}

// Reader reads scans from one scanner until its context ends, reopening the
// scanner with backoff when it is unplugged or cannot be opened. Set the
// fields, then call Run once.
type Reader struct {
	// Name is the device address, used in State and in error messages.
	Name string
	// Open opens the scanner; Run calls it again after every failure.
	Open func(ctx context.Context) (hardware.Conn, error)
	// Decoder frames the bytes: NewLineDecoder for serial and USB-CDC
	// scanners, NewReportDecoder for HID POS scanners.
	Decoder Decoder
	// OnScan receives every good scan once, in order, on Run's goroutine.
	OnScan func(Scan)
	// OnState, when set, receives the new state after every change.
	OnState func(State)

	// Poll is the read timeout, which bounds how long Run takes to notice
	// its context ending; 0 means 250ms.
	Poll time.Duration
	// MinBackoff and MaxBackoff bound the wait between reopen attempts,
	// which doubles after each failure; 0 means 100ms and 5s.
	MinBackoff, MaxBackoff time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// ReadSize is the read buffer; 0 means 512 (at least one HID report).
	ReadSize int

	mu sync.Mutex
	st State
}

// State returns a snapshot of the scanner's state.
func (r *Reader) State() State {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.st
}

// Run reads scans until ctx ends and returns ctx.Err(). It returns another
// error at once only when the Reader is not set up (no Open or Decoder).
func (r *Reader) Run(ctx context.Context) error {
	if r.Open == nil || r.Decoder == nil {
		return fmt.Errorf("scanner %s: Reader needs Open and Decoder", r.Name)
	}
	r.update(func(s *State) { s.Name = r.Name })
	wait := r.backoff(0)
	for opened := false; ; {
		conn, err := r.Open(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			r.fail(fmt.Errorf("scanner %s: open: %w", r.Name, err))
			if !sleep(ctx, wait) {
				return ctx.Err()
			}
			wait = r.backoff(wait)
			continue
		}
		r.update(func(s *State) {
			s.Connected, s.Since = true, r.now()
			if opened {
				s.Reconnects++
			}
		})
		opened = true
		got, err := r.read(ctx, conn)
		conn.Close()
		r.update(func(s *State) { s.Connected, s.Since = false, r.now() })
		if ctx.Err() != nil {
			return ctx.Err()
		}
		r.fail(fmt.Errorf("scanner %s: %w", r.Name, err))
		// A port that opens and fails at once must not spin: wait, and
		// keep backing off until a connection delivers bytes again.
		if got {
			wait = r.backoff(0)
		}
		if !sleep(ctx, wait) {
			return ctx.Err()
		}
		wait = r.backoff(wait)
	}
}

// read serves one connection until it fails or ctx ends; got reports
// whether any bytes arrived.
func (r *Reader) read(ctx context.Context, conn hardware.Conn) (got bool, err error) {
	r.Decoder.Reset()
	poll := r.Poll
	if poll <= 0 {
		poll = 250 * time.Millisecond
	}
	if err := conn.SetReadTimeout(poll); err != nil {
		return false, fmt.Errorf("set read timeout: %w", err)
	}
	size := r.ReadSize
	if size <= 0 {
		size = 512
	}
	buf := make([]byte, size)
	emit := func(s Scan, err error) {
		if err != nil {
			r.update(func(st *State) {
				st.Refused++
				st.LastError, st.ErrorAt = fmt.Sprintf("scanner %s: %v", r.Name, err), r.now()
			})
			return
		}
		r.update(func(st *State) { st.Last, st.Scans = s, st.Scans+1 })
		if r.OnScan != nil {
			r.OnScan(s)
		}
	}
	for ctx.Err() == nil {
		n, err := conn.Read(buf)
		if n > 0 {
			got = true
			r.Decoder.Feed(buf[:n], r.now(), emit)
		}
		if err != nil {
			return got, fmt.Errorf("read: %w", err)
		}
	}
	return got, nil
}

func (r *Reader) fail(err error) {
	r.update(func(s *State) { s.LastError, s.ErrorAt = err.Error(), r.now() })
}

func (r *Reader) update(f func(*State)) {
	r.mu.Lock()
	f(&r.st)
	st := r.st
	r.mu.Unlock()
	if r.OnState != nil {
		r.OnState(st)
	}
}

func (r *Reader) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// backoff returns the wait after one more failure: MinBackoff first, then
// doubling up to MaxBackoff.
func (r *Reader) backoff(prev time.Duration) time.Duration {
	lo, hi := r.MinBackoff, r.MaxBackoff
	if lo <= 0 {
		lo = 100 * time.Millisecond
	}
	if hi < lo {
		hi = max(lo, 5*time.Second)
	}
	if prev <= 0 {
		return lo
	}
	return min(2*prev, hi)
}

// sleep waits d or until ctx ends; it reports whether the wait completed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
