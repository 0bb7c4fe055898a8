package pty

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"

	"go.bug.st/serial"
)

func openPort(t *testing.T, p *PTY) serial.Port {
	t.Helper()
	port, err := serial.Open(p.Path(), &serial.Mode{BaudRate: 9600, DataBits: 7, Parity: serial.EvenParity, StopBits: serial.OneStopBit})
	if err != nil {
		t.Fatalf("serial.Open(%s): %v", p.Path(), err)
	}
	return port
}

func TestBytesBothWaysThroughGoBugSerial(t *testing.T) {
	p, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	port := openPort(t, p)
	defer port.Close()

	// Raw mode: CR stays CR, no echo, bit 7 passes (a pty does not apply parity).
	if _, err := port.Write([]byte("W\r")); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 2)
	if _, err := io.ReadFull(p.Master, got); err != nil || string(got) != "W\r" {
		t.Fatalf("master read %q, %v; want %q", got, err, "W\r")
	}
	frame := []byte("\x02\xc1  1.234\r")
	if _, err := p.Master.Write(frame); err != nil {
		t.Fatal(err)
	}
	port.SetReadTimeout(2 * time.Second)
	var in []byte
	buf := make([]byte, 64)
	for len(in) < len(frame) {
		n, err := port.Read(buf)
		if err != nil || n == 0 {
			t.Fatalf("port read: %d, %v after %q", n, err, in)
		}
		in = append(in, buf[:n]...)
	}
	if !bytes.Equal(in, frame) {
		t.Errorf("port read %q, want %q", in, frame)
	}
}

func TestExclusiveModeSetByGoBugSerial(t *testing.T) {
	p, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if ex, err := p.Exclusive(); err != nil || ex {
		t.Fatalf("before open: exclusive=%v, %v", ex, err)
	}
	port := openPort(t, p)
	if ex, err := p.Exclusive(); err != nil || !ex {
		t.Errorf("while open: exclusive=%v, %v; want TIOCEXCL set", ex, err)
	}
	port.Close()
	if ex, err := p.Exclusive(); err != nil || ex {
		t.Errorf("after close: exclusive=%v, %v", ex, err)
	}
}

// Closing the master is an unplug: a pending Read on the port returns an
// error, and a Write fails. This only works because the master is never
// switched to blocking mode (no Fd()).
func TestCloseMasterIsUnplug(t *testing.T) {
	p, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	port := openPort(t, p)
	defer port.Close()
	done := make(chan error, 1)
	go func() {
		_, err := port.Read(make([]byte, 8))
		done <- err
	}()
	masterDone := make(chan error, 1)
	go func() {
		_, err := p.Master.Read(make([]byte, 8))
		masterDone <- err
	}()
	time.Sleep(50 * time.Millisecond) // let both reads block
	p.Close()
	select {
	case err := <-done:
		if err == nil {
			t.Error("port read after unplug: no error")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("port read still blocked 5 s after unplug")
	}
	select {
	case err := <-masterDone:
		if !errors.Is(err, io.EOF) && err == nil {
			t.Error("master read after close: no error")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("master read still blocked after Close: the master went blocking")
	}
	if _, err := port.Write([]byte("W")); err == nil {
		t.Error("port write after unplug: no error")
	}
}
