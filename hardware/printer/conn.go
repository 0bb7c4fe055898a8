package printer

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
	"time"

	"depot/hardware"
)

// deadlineConn adapts a connection with read deadlines (a TCP socket, a
// device file) to hardware.Conn: a read that times out returns 0 bytes and
// a nil error.
type deadlineConn struct {
	rw interface {
		Read([]byte) (int, error)
		Write([]byte) (int, error)
		Close() error
		SetReadDeadline(time.Time) error
	}
	timeout time.Duration
}

func (c *deadlineConn) SetReadTimeout(d time.Duration) error {
	c.timeout = d
	return nil
}

func (c *deadlineConn) Read(b []byte) (int, error) {
	var dl time.Time
	if c.timeout > 0 {
		dl = time.Now().Add(c.timeout)
	}
	if err := c.rw.SetReadDeadline(dl); err != nil {
		return 0, err
	}
	n, err := c.rw.Read(b)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return n, nil
	}
	return n, err
}

func (c *deadlineConn) Write(b []byte) (int, error) { return c.rw.Write(b) }
func (c *deadlineConn) Close() error                { return c.rw.Close() }

// dialTCP connects to a printer's raw port (host:9100).
func dialTCP(ctx context.Context, hostport string, timeout time.Duration) (hardware.Conn, error) {
	if _, _, err := net.SplitHostPort(hostport); err != nil {
		return nil, fmt.Errorf("want host:port, e.g. 192.0.2.10:9100: %v", err)
	}
	d := net.Dialer{Timeout: timeout}
	c, err := d.DialContext(ctx, "tcp", hostport)
	if err != nil {
		return nil, err
	}
	return &deadlineConn{rw: c.(*net.TCPConn)}, nil
}

// openDevice opens a USB printer device file (/dev/usb/lpN, group lp) for
// reading and writing: Zebra USB printers are bidirectional, so ~HS answers
// can be read back.
func openDevice(path string) (hardware.Conn, error) {
	f, err := os.OpenFile(path, os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if fi.Mode()&os.ModeCharDevice == 0 {
		f.Close()
		return nil, fmt.Errorf("%s is not a character device", path)
	}
	return &deadlineConn{rw: f}, nil
}
