package printer

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"time"

	"depot/app"
	"depot/hardware"
	"depot/hardware/label"
)

// Default timeouts. Zebra printers do not answer ~HS while they need
// attention, so StatusTimeout is short (hardware.md §4.2, §8).
const (
	DefaultStatusTimeout = 2 * time.Second
	DefaultDialTimeout   = 5 * time.Second
	DefaultWriteTimeout  = 10 * time.Second
)

// Printer is a ZPL II label printer at an address: tcp:HOST:PORT,
// usblp:/dev/usb/lpN, or sim:zebra (an in-process simulator on a loopback
// socket, for demos; see SharedSim). Each operation opens the transport, does
// its work and closes it again, as JetDirect-style printers expect; a
// Printer is safe for concurrent use and runs one operation at a time.
type Printer struct {
	addr          hardware.Address
	StatusTimeout time.Duration
	DialTimeout   time.Duration
	WriteTimeout  time.Duration

	mu   sync.Mutex
	open func(ctx context.Context) (hardware.Conn, error)
}

// Open returns the printer at addr. It checks the address only; nothing is
// sent until Print or Status. sim:zebra starts (or reuses) an in-process
// simulator; its labels go to the directory named by ?dir= (default: a
// temporary directory).
func Open(addr string) (*Printer, error) {
	a, err := hardware.ParseAddress(addr)
	if err != nil {
		return nil, app.FieldErrorf("printer", "%v", err)
	}
	p := &Printer{addr: a, StatusTimeout: DefaultStatusTimeout, DialTimeout: DefaultDialTimeout, WriteTimeout: DefaultWriteTimeout}
	switch a.Scheme {
	case hardware.SchemeTCP:
		p.open = func(ctx context.Context) (hardware.Conn, error) { return dialTCP(ctx, a.Target, p.DialTimeout) }
	case hardware.SchemeUSBLP:
		p.open = func(context.Context) (hardware.Conn, error) { return openDevice(a.Target) }
	case hardware.SchemeSim:
		if a.Target != "zebra" {
			return nil, app.FieldErrorf("printer", "device address %q: no printer simulator %q (want sim:zebra)", addr, a.Target)
		}
		sim, err := SharedSim(a.Params.Get("dir"))
		if err != nil {
			return nil, app.Errorf(app.EUNAVAILABLE, "printer %s: %v", a, err)
		}
		p.open = func(ctx context.Context) (hardware.Conn, error) {
			return dialTCP(ctx, sim.Addr().String(), p.DialTimeout)
		}
	default:
		return nil, app.FieldErrorf("printer", "device address %q: a label printer is tcp:HOST:9100, usblp:/dev/usb/lpN or sim:zebra", addr)
	}
	return p, nil
}

// Addr returns the printer's address.
func (p *Printer) Addr() hardware.Address { return p.addr }

func (p *Printer) fail(op string, err error) error {
	return app.Errorf(app.EUNAVAILABLE, "printer %s: %s: %v", p.addr, op, err)
}

// Print sends ZPL (one or more ^XA…^XZ formats) to the printer. It returns
// when the bytes are written; whether the printer can print them is what
// Status says. Errors are app.EUNAVAILABLE and name the printer.
func (p *Printer) Print(ctx context.Context, zpl []byte) error {
	if !bytes.Contains(zpl, []byte("^XA")) || !bytes.Contains(zpl, []byte("^XZ")) {
		return app.FieldErrorf("zpl", "no ^XA…^XZ label format in %d bytes", len(zpl))
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	c, err := p.open(ctx)
	if err != nil {
		return p.fail("connect", err)
	}
	defer c.Close()
	if err := writeAll(ctx, c, zpl, p.WriteTimeout); err != nil {
		return p.fail("send label", err)
	}
	if err := c.Close(); err != nil {
		return p.fail("send label", err)
	}
	return nil
}

// PrintLabel renders the label to ZPL and prints it.
func (p *Printer) PrintLabel(ctx context.Context, l *label.Label) error {
	zpl, err := l.ZPL()
	if err != nil {
		return err
	}
	return p.Print(ctx, zpl)
}

// Status asks the printer for its state with ~HS. No answer within
// StatusTimeout is not an error: it is Status{NoAnswer: true}, a printer
// that needs attention. An unreachable printer or a garbled answer is an
// error (app.EUNAVAILABLE) naming the printer.
func (p *Printer) Status(ctx context.Context) (Status, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c, err := p.open(ctx)
	if err != nil {
		return Status{}, p.fail("connect", err)
	}
	defer c.Close()
	if err := writeAll(ctx, c, []byte("~HS"), p.WriteTimeout); err != nil {
		return Status{}, p.fail("ask status (~HS)", err)
	}
	ans, err := readHostStatus(ctx, c, p.StatusTimeout)
	if err != nil {
		return Status{}, p.fail("read status", err)
	}
	if len(ans) == 0 {
		return Status{NoAnswer: true}, nil
	}
	st, err := ParseHostStatus(ans)
	if err != nil {
		return Status{}, p.fail("read status", err)
	}
	return st, nil
}

// writeAll writes b, giving up after timeout or when ctx ends.
func writeAll(ctx context.Context, c hardware.Conn, b []byte, timeout time.Duration) error {
	done := make(chan error, 1)
	go func() {
		for len(b) > 0 {
			n, err := c.Write(b)
			if err != nil {
				done <- err
				return
			}
			b = b[n:]
		}
		done <- nil
	}()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		c.Close() // unblocks the write
		<-done
		return ctx.Err()
	case <-t.C:
		c.Close()
		<-done
		return fmt.Errorf("write timed out after %v (printer not taking data)", timeout)
	}
}

// readHostStatus reads until three ETX-terminated lines arrived, the
// timeout passed (returning what came, possibly nothing) or ctx ended.
func readHostStatus(ctx context.Context, c hardware.Conn, timeout time.Duration) ([]byte, error) {
	deadline := time.Now().Add(timeout)
	var ans []byte
	buf := make([]byte, 256)
	for !hostStatusComplete(ans) {
		left := time.Until(deadline)
		if left <= 0 {
			if len(ans) > 0 {
				return nil, fmt.Errorf("incomplete ~HS answer after %v: %q", timeout, ans)
			}
			return nil, nil
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := c.SetReadTimeout(min(left, 100*time.Millisecond)); err != nil {
			return nil, err
		}
		n, err := c.Read(buf)
		ans = append(ans, buf[:n]...)
		if err != nil {
			if len(ans) == 0 {
				return nil, nil // closed without a word: treat like silence
			}
			return nil, fmt.Errorf("after %q: %v", ans, err)
		}
		if len(ans) > 4096 {
			return nil, fmt.Errorf("~HS answer longer than 4096 bytes: %q…", ans[:64])
		}
	}
	return ans, nil
}
