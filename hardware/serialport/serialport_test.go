package serialport

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"depot/hardware"
	"depot/hardware/pty"
)

func TestParseFormatAndParams(t *testing.T) {
	base := Mode{Baud: 9600, DataBits: 8, Parity: 'N', StopBits: 1}
	for _, tc := range []struct {
		addr string
		want string
		err  string
	}{
		{"serial:/dev/x", "9600 8N1", ""},
		{"serial:/dev/x?baud=4800&format=7e1", "4800 7E1", ""},
		{"serial:/dev/x?format=8O2", "9600 8O2", ""},
		{"serial:/dev/x?baud=fast", "", `baud "fast"`},
		{"serial:/dev/x?baud=10", "", `baud "10"`},
		{"serial:/dev/x?format=9N1", "", `format "9N1"`},
		{"serial:/dev/x?format=8X1", "", `format "8X1"`},
	} {
		a, err := hardware.ParseAddress(tc.addr)
		if err != nil {
			t.Fatal(err)
		}
		m, err := base.WithParams(a)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "/dev/x") {
				t.Errorf("%s: err %v, want one naming the device and %s", tc.addr, err, tc.err)
			}
			continue
		}
		if err != nil || m.String() != tc.want {
			t.Errorf("%s: %s, %v; want %s", tc.addr, m, err, tc.want)
		}
	}
}

func TestOpenSerialMasks7Bits(t *testing.T) {
	p, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	for _, tc := range []struct {
		mode Mode
		want string
	}{
		{Mode{9600, 7, 'E', 1}, "\x41\x41\r"},
		{Mode{9600, 8, 'N', 1}, "\xc1\x41\r"},
	} {
		c, err := OpenSerial(p.Path(), tc.mode)
		if err != nil {
			t.Fatal(err)
		}
		p.Master.Write([]byte("\xc1\x41\r"))
		got := make([]byte, 0, 3)
		buf := make([]byte, 8)
		c.SetReadTimeout(2 * time.Second)
		for len(got) < 3 {
			n, err := c.Read(buf)
			if err != nil || n == 0 {
				t.Fatalf("%s: read %d, %v", tc.mode, n, err)
			}
			got = append(got, buf[:n]...)
		}
		if string(got) != tc.want {
			t.Errorf("%s: read %q, want %q", tc.mode, got, tc.want)
		}
		c.Close()
	}
}

// Exclusive open: go.bug.st/serial sets TIOCEXCL. An unprivileged second
// open fails with ErrBusy; root ignores TIOCEXCL (CI runs as root), so there
// the test checks the flag itself.
func TestOpenSerialExclusive(t *testing.T) {
	p, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	c, err := OpenSerial(p.Path(), Mode{9600, 8, 'N', 1})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if ex, err := p.Exclusive(); err != nil || !ex {
		t.Errorf("TIOCEXCL not set on %s: %v, %v", p.Path(), ex, err)
	}
	c2, err := OpenSerial(p.Path(), Mode{9600, 8, 'N', 1})
	if os.Geteuid() != 0 {
		if !errors.Is(err, ErrBusy) || !strings.Contains(err.Error(), p.Path()) {
			t.Errorf("second open as uid %d: %v, want ErrBusy naming the port", os.Geteuid(), err)
		}
	} else if err == nil {
		c2.Close()
	}
	if _, err := OpenSerial("/dev/does-not-exist", Mode{9600, 8, 'N', 1}); err == nil || !strings.Contains(err.Error(), "/dev/does-not-exist") {
		t.Errorf("missing port: %v", err)
	}
}

func TestFramerResyncAndCap(t *testing.T) {
	p, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	c, err := OpenSerial(p.Path(), Mode{9600, 8, 'N', 1})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	split := func(data []byte, atEOF bool) (int, []byte, error) {
		// frames are STX ... CR; bytes before STX are garbage
		s := bytes.IndexByte(data, 2)
		if s < 0 {
			return len(data), nil, nil
		}
		e := bytes.IndexByte(data[s:], '\r')
		if e < 0 {
			return s, nil, nil
		}
		return s + e + 1, data[s : s+e+1], nil
	}
	f := NewFramer(c, split)
	// Noise longer than the cap with no frame start, then a frame split in two writes.
	p.Master.Write(bytes.Repeat([]byte{'x'}, 600))
	p.Master.Write([]byte("\x02  1."))
	go func() { time.Sleep(20 * time.Millisecond); p.Master.Write([]byte("234\r")) }()
	frame, err := f.ReadFrame(2 * time.Second)
	if err != nil || string(frame) != "\x02  1.234\r" {
		t.Fatalf("frame %q, %v", frame, err)
	}
	if _, err := f.ReadFrame(50 * time.Millisecond); !errors.Is(err, ErrTimeout) {
		t.Errorf("no more frames: %v, want ErrTimeout", err)
	}
	// A stream with a start but no end is capped at MaxFrame.
	p.Master.Write(append([]byte{2}, bytes.Repeat([]byte{'y'}, 1000)...))
	f.ReadFrame(100 * time.Millisecond)
	if len(f.buf) > MaxFrame || f.Dropped == 0 {
		t.Errorf("buffer %d bytes, dropped %d; want at most %d held", len(f.buf), f.Dropped, MaxFrame)
	}
	p.Close()
	if _, err := f.ReadFrame(2 * time.Second); err == nil || errors.Is(err, ErrTimeout) {
		t.Errorf("after unplug: %v, want a read error", err)
	}
}

func TestDialTCPTimeoutAndMask(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
		c.Write([]byte("\xd7\r"))
		time.Sleep(100 * time.Millisecond)
		c.Close()
	}()
	c, err := DialTCP(t.Context(), ln.Addr().String(), Mode{9600, 7, 'E', 1})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetReadTimeout(10 * time.Millisecond)
	buf := make([]byte, 8)
	if n, err := c.Read(buf); n != 0 || err != nil {
		t.Errorf("timed-out read = %d, %v; want 0, nil", n, err)
	}
	c.SetReadTimeout(2 * time.Second)
	n, err := c.Read(buf)
	if err != nil || string(buf[:n]) != "W\r" {
		t.Errorf("read %q, %v; want masked %q", buf[:n], err, "W\r")
	}
	c.SetReadTimeout(2 * time.Second)
	if _, err := c.Read(buf); !errors.Is(err, io.EOF) {
		t.Errorf("after the peer closed: %v, want EOF", err)
	}
	if _, err := DialTCP(t.Context(), "127.0.0.1:1", Mode{9600, 8, 'N', 1}); err == nil || !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Errorf("refused: %v", err)
	}
}
