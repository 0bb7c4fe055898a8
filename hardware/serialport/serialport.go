// Package serialport is the byte transport for serial devices: a real or
// pseudo tty through go.bug.st/serial, or a TCP socket to a serial-to-Ethernet
// converter, both as a hardware.Conn. It owns the serial settings (Mode),
// 7-bit masking and exclusive open; framing lives in Framer.
package serialport

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"go.bug.st/serial"

	"depot/hardware"
)

// Mode is a serial setting as data: baud rate and frame format.
type Mode struct {
	Baud     int
	DataBits int  // 7 or 8
	Parity   byte // 'N', 'E' or 'O'
	StopBits int  // 1 or 2
}

// String formats the mode as "9600 7E1".
func (m Mode) String() string {
	return fmt.Sprintf("%d %d%c%d", m.Baud, m.DataBits, m.Parity, m.StopBits)
}

// ParseFormat parses a frame format such as "7E1" or "8N1".
func ParseFormat(s string) (bits int, parity byte, stop int, err error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) != 3 || (s[0] != '7' && s[0] != '8') || strings.IndexByte("NEO", s[1]) < 0 || (s[2] != '1' && s[2] != '2') {
		return 0, 0, 0, fmt.Errorf("format %q: want data bits 7|8, parity N|E|O, stop bits 1|2, e.g. 8N1 or 7E1", s)
	}
	return int(s[0] - '0'), s[1], int(s[2] - '0'), nil
}

// WithParams returns m changed by the address settings `baud` and `format`.
// The error names the setting and the value at fault.
func (m Mode) WithParams(a hardware.Address) (Mode, error) {
	if v := a.Params.Get("baud"); v != "" {
		b, err := strconv.Atoi(v)
		if err != nil || b < 50 || b > 4_000_000 {
			return m, fmt.Errorf("device %s: baud %q: want a rate between 50 and 4000000", a, v)
		}
		m.Baud = b
	}
	if v := a.Params.Get("format"); v != "" {
		bits, par, stop, err := ParseFormat(v)
		if err != nil {
			return m, fmt.Errorf("device %s: %v", a, err)
		}
		m.DataBits, m.Parity, m.StopBits = bits, par, stop
	}
	return m, nil
}

func (m Mode) serial() *serial.Mode {
	sm := &serial.Mode{BaudRate: m.Baud, DataBits: m.DataBits, StopBits: serial.OneStopBit}
	switch m.Parity {
	case 'E':
		sm.Parity = serial.EvenParity
	case 'O':
		sm.Parity = serial.OddParity
	}
	if m.StopBits == 2 {
		sm.StopBits = serial.TwoStopBits
	}
	return sm
}

// ErrBusy is returned (wrapped) when another program holds the port open.
var ErrBusy = errors.New("port busy: another program has it open")

// OpenSerial opens a tty with the mode, in exclusive mode (TIOCEXCL; root
// ignores it), with its input buffer emptied so stale frames from before the
// open are not taken for new ones. Reads of a 7-bit mode are masked to 7 bits.
func OpenSerial(path string, m Mode) (hardware.Conn, error) {
	p, err := serial.Open(path, m.serial())
	if err != nil {
		var pe *serial.PortError
		if errors.As(err, &pe) {
			switch pe.Code() {
			case serial.PortBusy:
				return nil, fmt.Errorf("serial %s: %w", path, ErrBusy)
			case serial.PermissionDenied:
				return nil, fmt.Errorf("serial %s: permission denied (is the user in the dialout group?)", path)
			}
		}
		return nil, fmt.Errorf("serial %s: open: %w", path, err)
	}
	if err := p.ResetInputBuffer(); err != nil {
		p.Close()
		return nil, fmt.Errorf("serial %s: flush input: %w", path, err)
	}
	var c hardware.Conn = p
	if m.DataBits == 7 {
		c = Mask7(c)
	}
	return c, nil
}

// DialTCP connects to a serial-to-Ethernet converter (or any raw TCP device)
// at host:port. When m has 7 data bits the reads are masked to 7 bits, since
// converters often pass the parity bit through.
func DialTCP(ctx context.Context, hostport string, m Mode) (hardware.Conn, error) {
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", hostport)
	if err != nil {
		return nil, fmt.Errorf("tcp %s: %w", hostport, err)
	}
	var c hardware.Conn = &tcpConn{Conn: nc, timeout: -1}
	if m.DataBits == 7 {
		c = Mask7(c)
	}
	return c, nil
}

// tcpConn gives a net.Conn the serial read-timeout semantics: a read that
// times out returns 0 bytes and no error; a timeout of 0 only takes what has
// arrived; a negative one blocks.
type tcpConn struct {
	net.Conn
	timeout time.Duration
}

func (c *tcpConn) SetReadTimeout(d time.Duration) error {
	c.timeout = d
	return nil
}

func (c *tcpConn) Read(p []byte) (int, error) {
	switch {
	case c.timeout < 0:
		c.Conn.SetReadDeadline(time.Time{})
	case c.timeout == 0:
		c.Conn.SetReadDeadline(time.Now().Add(time.Microsecond))
	default:
		c.Conn.SetReadDeadline(time.Now().Add(c.timeout))
	}
	n, err := c.Conn.Read(p)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return n, nil
	}
	return n, err
}

// Mask7 strips bit 7 from every byte read: a pty and some USB bridges pass
// the parity bit of a 7-bit line through unchanged.
func Mask7(c hardware.Conn) hardware.Conn { return mask7{c} }

type mask7 struct{ hardware.Conn }

func (m mask7) Read(p []byte) (int, error) {
	n, err := m.Conn.Read(p)
	for i := range p[:n] {
		p[i] &= 0x7f
	}
	return n, err
}
