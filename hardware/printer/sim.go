package printer

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"sync"
	"time"
)

// SimState is the physical state of a simulated printer.
type SimState struct {
	PaperOut  bool
	HeadOpen  bool
	RibbonOut bool
	Paused    bool
	// Silent makes the printer keep quiet on ~HS while paper or ribbon is
	// out or the head is open, as Zebra documents; otherwise it answers with
	// the flags set, as many printers and emulators do.
	Silent bool
}

func (s SimState) canPrint() bool { return !s.PaperOut && !s.HeadOpen && !s.RibbonOut && !s.Paused }

// Sim is a simulated ZPL printer: it accepts ZPL on TCP connections (or any
// byte stream, see Serve), splits it into ^XA…^XZ labels, prints each as a
// file label-NNNNNN.zpl in its directory when its physical state allows
// (otherwise the label waits in the buffer until paper is loaded, the head
// closed and printing resumed), and answers ~HS from that state. ~PP pauses,
// ~PS resumes, ~JA cancels the labels waiting.
type Sim struct {
	dir string
	// OnPrint, when set before Listen or Serve, is called with each stored
	// label's path. It runs with the simulator locked: it must not call
	// the Sim's methods.
	OnPrint func(path string)
	// IdleTimeout is how long a TCP connection may stay silent before the
	// simulator drops it (30 s from NewSim); set it before Listen.
	IdleTimeout time.Duration

	mu       sync.Mutex
	state    SimState
	queue    [][]byte
	printed  int
	labelLen int
	ln       net.Listener
	conns    map[io.Closer]bool
	wg       sync.WaitGroup
	err      error // the last error writing a label file
}

// NewSim returns a simulated printer that stores labels in dir (created
// when missing).
func NewSim(dir string) (*Sim, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("simulated printer: label directory: %w", err)
	}
	return &Sim{dir: dir, labelLen: 1218, conns: map[io.Closer]bool{}, IdleTimeout: 30 * time.Second}, nil
}

// Dir returns the directory labels are stored in.
func (s *Sim) Dir() string { return s.dir }

// Listen starts accepting connections on addr (host:port; port 0 picks a
// free one) in the background, serving one connection at a time.
func (s *Sim) Listen(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("simulated printer: %w", err)
	}
	s.mu.Lock()
	s.ln = ln
	s.mu.Unlock()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			// One connection at a time, like a printer's raw port: the next
			// waits in the backlog, so jobs are handled in connection order.
			s.Serve(c)
		}
	}()
	return nil
}

// Addr returns the listening address, or nil before Listen.
func (s *Sim) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return nil
	}
	return s.ln.Addr()
}

// Close stops listening, closes open connections and waits for them.
func (s *Sim) Close() error {
	s.mu.Lock()
	var err error
	if s.ln != nil {
		err = s.ln.Close()
	}
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return err
}

// Serve speaks ZPL on one byte stream (a TCP connection, a pty) until it
// ends, and closes it.
func (s *Sim) Serve(rw io.ReadWriteCloser) error {
	s.mu.Lock()
	s.conns[rw] = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.conns, rw)
		s.mu.Unlock()
		rw.Close()
	}()
	var st zplStream
	buf := make([]byte, 32<<10)
	nc, isNet := rw.(net.Conn)
	for {
		if isNet {
			// A client that holds the only connection and sends nothing
			// would block every other; printers drop it after a while too.
			nc.SetReadDeadline(time.Now().Add(s.IdleTimeout))
		}
		n, err := rw.Read(buf)
		for _, ev := range st.feed(buf[:n]) {
			if ans := s.handle(ev); ans != nil {
				if _, werr := rw.Write(ans); werr != nil {
					return werr
				}
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) || errors.Is(err, os.ErrDeadlineExceeded) {
				return nil
			}
			return err
		}
	}
}

var llRe = regexp.MustCompile(`\^LL(\d{1,5})`)

// handle acts on one event and returns the answer to send, if any.
func (s *Sim) handle(ev zplEvent) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ev.format != nil {
		if m := llRe.FindSubmatch(ev.format); m != nil {
			s.labelLen, _ = strconv.Atoi(string(m[1]))
		}
		s.queue = append(s.queue, ev.format)
		s.flush()
		return nil
	}
	switch ev.control {
	case "HS":
		return s.hostStatus()
	case "PP":
		s.state.Paused = true
	case "PS":
		s.state.Paused = false
		s.flush()
	case "JA":
		s.queue = nil
	}
	return nil
}

// hostStatus builds the three ~HS lines from the state (s.mu held).
func (s *Sim) hostStatus() []byte {
	st := s.state
	if st.Silent && (st.PaperOut || st.HeadOpen || st.RibbonOut) {
		return nil
	}
	return fmt.Appendf(nil, "\x02030,%d,%d,%04d,%03d,0,0,0,000,0,0,0\x03\r\n\x02000,0,%d,%d,0,2,6,0,00000000,1,000\x03\r\n\x021234,0\x03\r\n",
		b2i(st.PaperOut), b2i(st.Paused), s.labelLen, len(s.queue), b2i(st.HeadOpen), b2i(st.RibbonOut))
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// flush prints the waiting labels while the state allows (s.mu held).
func (s *Sim) flush() {
	for len(s.queue) > 0 && s.state.canPrint() {
		s.printed++
		name := filepath.Join(s.dir, fmt.Sprintf("label-%06d.zpl", s.printed))
		if err := writeFileAtomic(name, s.queue[0]); err != nil {
			s.err = err
		} else if s.OnPrint != nil {
			s.OnPrint(name)
		}
		s.queue = s.queue[1:]
	}
}

// writeFileAtomic writes through a temporary file and a rename, so a
// reader never sees half a label.
func writeFileAtomic(name string, b []byte) error {
	tmp := name + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, name)
}

// Set changes the physical state (load paper, close the head, …); labels
// waiting print as soon as the state allows.
func (s *Sim) Set(f func(*SimState)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(&s.state)
	s.flush()
}

// State returns the physical state, the labels waiting in the buffer and
// the labels printed so far.
func (s *Sim) State() (st SimState, waiting, printed int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state, len(s.queue), s.printed
}

// Err returns the last error storing a label file, if any.
func (s *Sim) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Labels returns the paths of the stored labels in print order.
func (s *Sim) Labels() ([]string, error) {
	m, err := filepath.Glob(filepath.Join(s.dir, "label-*.zpl"))
	sort.Strings(m)
	return m, err
}

var (
	simsMu sync.Mutex
	sims   = map[string]*Sim{}
)

// SharedSim returns the process's simulator for dir (a temporary directory
// when empty), listening on a loopback port, starting it on first use.
func SharedSim(dir string) (*Sim, error) {
	simsMu.Lock()
	defer simsMu.Unlock()
	if s := sims[dir]; s != nil {
		return s, nil
	}
	d := dir
	if d == "" {
		var err error
		if d, err = os.MkdirTemp("", "depot-sim-zebra-"); err != nil {
			return nil, err
		}
	}
	s, err := NewSim(d)
	if err != nil {
		return nil, err
	}
	if err := s.Listen("127.0.0.1:0"); err != nil {
		return nil, err
	}
	sims[dir] = s
	return s, nil
}
