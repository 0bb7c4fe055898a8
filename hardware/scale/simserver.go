package scale

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"depot/hardware/pty"
)

// SimServer serves a protocol's simulator on the device side of a pty (or of
// TCP connections), with the faults a real line shows: split writes, garbage,
// stalls, unplug and replug. Drivers open Path() with go.bug.st/serial, so
// the full driver stack runs against it.
type SimServer struct {
	State *SimState
	// StreamEvery is the period of a streaming protocol's frames (default 100 ms).
	StreamEvery time.Duration

	proto Protocol
	dir   string
	link  string

	mu      sync.Mutex
	p       *pty.PTY
	ln      net.Listener
	split   bool
	garbage []byte
	stall   time.Duration
	closed  bool
	wg      sync.WaitGroup
}

// StartPTY starts a simulator on a new pty. Path() is a symlink that follows
// the pty across replugs, like /dev/serial/by-id/ does for a USB adapter.
func StartPTY(proto Protocol, st *SimState) (*SimServer, error) {
	dir, err := os.MkdirTemp("", "depot-sim-")
	if err != nil {
		return nil, fmt.Errorf("sim %s: %w", proto.Name(), err)
	}
	s := &SimServer{State: st, proto: proto, dir: dir, link: filepath.Join(dir, "tty"), StreamEvery: 100 * time.Millisecond}
	if err := s.Replug(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
}

// StartTCP serves the simulator to every connection on addr (e.g.
// "127.0.0.1:0"), as a serial-to-Ethernet converter would.
func StartTCP(proto Protocol, st *SimState, addr string) (*SimServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("sim %s: %w", proto.Name(), err)
	}
	s := &SimServer{State: st, proto: proto, ln: ln, StreamEvery: 100 * time.Millisecond}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() { defer s.wg.Done(); s.serve(c) }()
		}
	}()
	return s, nil
}

// Path is the device path a driver opens (a symlink to the current
// /dev/pts/N), or the TCP address.
func (s *SimServer) Path() string {
	if s.ln != nil {
		return s.ln.Addr().String()
	}
	return s.link
}

// Protocol is the protocol the simulator speaks.
func (s *SimServer) Protocol() Protocol { return s.proto }

// PTY is the current pty, nil while unplugged or for TCP.
func (s *SimServer) PTY() *pty.PTY {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.p
}

// Plugged reports whether a pty is attached.
func (s *SimServer) Plugged() bool { return s.PTY() != nil }

// Unplug closes the pty master: the driver's reads and writes fail, as when a
// USB adapter is pulled out.
func (s *SimServer) Unplug() {
	s.mu.Lock()
	p := s.p
	s.p = nil
	s.mu.Unlock()
	if p != nil {
		// The by-id style link goes away with the device, so nothing opens a
		// pts number the kernel hands to someone else.
		if s.link != "" {
			os.Remove(s.link)
		}
		p.Close()
	}
}

// Replug attaches a new pty (a new /dev/pts/N) behind the same Path.
func (s *SimServer) Replug() error {
	if s.ln != nil {
		return errors.New("sim: replug is for pty simulators")
	}
	s.Unplug()
	p, err := pty.Open()
	if err != nil {
		return fmt.Errorf("sim %s: %w", s.proto.Name(), err)
	}
	tmp := s.link + ".new"
	os.Remove(tmp)
	if err := os.Symlink(p.Path(), tmp); err != nil {
		p.Close()
		return fmt.Errorf("sim %s: link: %w", s.proto.Name(), err)
	}
	if err := os.Rename(tmp, s.link); err != nil {
		p.Close()
		return fmt.Errorf("sim %s: link: %w", s.proto.Name(), err)
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		p.Close()
		return errors.New("sim: closed")
	}
	s.p = p
	s.wg.Add(1)
	s.mu.Unlock()
	go func() { defer s.wg.Done(); s.serve(p.Master) }()
	return nil
}

// SplitWrites makes every frame go out one byte per write.
func (s *SimServer) SplitWrites(on bool) { s.mu.Lock(); s.split = on; s.mu.Unlock() }

// Garbage puts b in front of the next frame.
func (s *SimServer) Garbage(b []byte) {
	s.mu.Lock()
	s.garbage = append([]byte(nil), b...)
	s.mu.Unlock()
}

// Stall holds the next frame back for d, as a busy or hung indicator does.
func (s *SimServer) Stall(d time.Duration) { s.mu.Lock(); s.stall = d; s.mu.Unlock() }

// Close stops the simulator and removes its link.
func (s *SimServer) Close() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	if s.ln != nil {
		s.ln.Close()
	}
	s.Unplug()
	s.wg.Wait()
	if s.dir != "" {
		os.RemoveAll(s.dir)
	}
	return nil
}

// serve runs one connection: it answers commands and, for streaming
// protocols, sends frames every StreamEvery, until rw fails (unplug).
func (s *SimServer) serve(rw io.ReadWriteCloser) {
	defer rw.Close()
	sim := s.proto.NewSim(s.State)
	var wmu sync.Mutex
	done := make(chan struct{})
	defer close(done)
	if s.proto.Request() == nil {
		go func() {
			t := time.NewTicker(s.StreamEvery)
			defer t.Stop()
			for {
				select {
				case <-done:
					return
				case <-t.C:
					if f := sim.Stream(); f != nil && s.write(rw, &wmu, f) != nil {
						return
					}
				}
			}
		}()
	}
	var buf []byte
	tmp := make([]byte, 256)
	for {
		n, err := rw.Read(tmp)
		if err != nil {
			return
		}
		buf = append(buf, tmp[:n]...)
		for len(buf) > 0 {
			adv, cmd, _ := sim.SplitCommand(buf, false)
			if adv == 0 {
				break
			}
			if cmd != nil {
				if reply := sim.Handle(cmd); reply != nil && s.write(rw, &wmu, reply) != nil {
					return
				}
			}
			buf = buf[adv:]
		}
		if len(buf) > 256 {
			buf = buf[len(buf)-256:]
		}
	}
}

func (s *SimServer) write(w io.Writer, wmu *sync.Mutex, frame []byte) error {
	s.mu.Lock()
	split, stall, garbage := s.split, s.stall, s.garbage
	s.stall, s.garbage = 0, nil
	s.mu.Unlock()
	wmu.Lock()
	defer wmu.Unlock()
	if stall > 0 {
		time.Sleep(stall)
	}
	out := append(garbage, frame...)
	if !split {
		_, err := w.Write(out)
		return err
	}
	for i := range out {
		if _, err := w.Write(out[i : i+1]); err != nil {
			return err
		}
		time.Sleep(time.Millisecond)
	}
	return nil
}
