// Package hidconn is the HID transport: it opens a USB HID device named by a
// hid:VID:PID address and serves it as a hardware.Conn that reads one input
// report per Read. Devices are reached through a Backend; USB is
// github.com/karalabe/hid (hidapi over libusb on Linux), and tests use
// in-memory backends, because libusb sees no devices in a container.
package hidconn

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"depot/app"
	"depot/hardware"
)

// Info describes one HID interface as enumeration reports it.
type Info struct {
	Path         string // backend path; for libusb a bus-port:config.interface string like "1-1.4:1.0"
	VID, PID     uint16
	Release      uint16 // device release, BCD
	Serial       string // USB serial number, "" when the device has none
	Manufacturer string
	Product      string
	Interface    int // USB interface number
}

// Device is an open HID interface: the part of karalabe/hid's Device the
// transport uses.
type Device interface {
	// ReadTimeout reads one input report, waiting up to ms milliseconds
	// (0 = do not wait); a timeout returns 0 and no error.
	ReadTimeout(b []byte, ms int) (int, error)
	// Write sends an output report; b[0] is the report ID (0 if unnumbered).
	Write(b []byte) (int, error)
	// SendFeatureReport sends a feature report; b[0] is the report ID.
	SendFeatureReport(b []byte) (int, error)
	Close() error
}

// Backend lists and opens HID devices.
type Backend interface {
	// Enumerate lists the HID interfaces with the given VID and PID; 0
	// matches any. No devices is an empty list and no error.
	Enumerate(vid, pid uint16) ([]Info, error)
	Open(Info) (Device, error)
}

// slice bounds each wait inside a Read, so Close never waits long for a
// Read in progress (karalabe/hid must not be closed during a read).
const slice = 250 * time.Millisecond

// Open opens the device the hid: address names through backend b. Errors
// are *app.Error: invalid for a bad address or an ambiguous choice,
// unavailable when the device is absent, busy or not accessible, with the
// libusb permissions hint.
func Open(b Backend, addr string) (*Conn, error) {
	t, err := ParseTarget(addr)
	if err != nil {
		return nil, err
	}
	return OpenTarget(b, t)
}

// OpenTarget opens a parsed target.
func OpenTarget(b Backend, t Target) (*Conn, error) {
	// List everything, not just VID:PID, so an error can say how many
	// devices libusb sees at all: none usually means no access.
	infos, err := b.Enumerate(0, 0)
	if err != nil {
		return nil, app.Errorf(app.EUNAVAILABLE, "%s: list HID devices: %v", t.Address, err)
	}
	info, err := t.Select(infos)
	if err != nil {
		return nil, err
	}
	dev, err := b.Open(info)
	if err != nil {
		return nil, app.Errorf(app.EUNAVAILABLE, "%s: open %s: %v: the device is busy (another program, or a second depot, has it open) "+
			"or the depot user may not open its /dev/bus/usb node. %s", t.Address, info.Path, err, accessHint(t.VID, t.PID))
	}
	return &Conn{dev: dev, info: info, name: t.Name(), size: t.ReportSize, timeout: int64(-1)}, nil
}

// Conn is an open HID device. It implements hardware.Conn: each Read
// returns exactly one input report (the report ID first for numbered
// reports); a read timeout returns 0 bytes and no error, as serial ports do.
// Read, Write and Close may be called from different goroutines.
type Conn struct {
	dev     Device
	info    Info
	name    string // hid:VID:PID
	size    int
	timeout int64 // time.Duration; -1 = block

	readMu, writeMu sync.Mutex
	closed          atomic.Bool
}

var _ hardware.Conn = (*Conn)(nil)

// ErrClosed is returned by a Conn used after Close.
var ErrClosed = errors.New("closed")

// Info returns what enumeration said about the open device.
func (c *Conn) Info() Info { return c.info }

// ReportSize is the length of the input reports Read returns.
func (c *Conn) ReportSize() int { return c.size }

// SetReadTimeout sets how long Read waits for a report: -1 waits until one
// arrives or the Conn is closed, 0 does not wait. Other negative durations
// are refused.
func (c *Conn) SetReadTimeout(d time.Duration) error {
	if d < 0 && d != -1 {
		return fmt.Errorf("%s: read timeout %v: want -1 (no timeout) or at least 0", c.name, d)
	}
	atomic.StoreInt64(&c.timeout, int64(d))
	return nil
}

// Read reads one input report into p, which must hold ReportSize bytes.
func (c *Conn) Read(p []byte) (int, error) {
	if len(p) < c.size {
		return 0, fmt.Errorf("%s: read: buffer of %d bytes is shorter than the %d-byte report", c.name, len(p), c.size)
	}
	c.readMu.Lock()
	defer c.readMu.Unlock()
	d := time.Duration(atomic.LoadInt64(&c.timeout))
	var deadline time.Time
	if d > 0 {
		deadline = time.Now().Add(d)
	}
	for {
		if c.closed.Load() {
			return 0, fmt.Errorf("%s: read: %w", c.name, ErrClosed)
		}
		wait := slice
		switch {
		case d == 0:
			wait = 0
		case d > 0:
			wait = min(slice, time.Until(deadline))
		}
		n, err := c.dev.ReadTimeout(p[:c.size], millis(wait))
		if err != nil {
			return 0, fmt.Errorf("%s: read: %w (unplugged?)", c.name, err)
		}
		if n > 0 || d == 0 || (d > 0 && !time.Now().Before(deadline)) {
			return n, nil
		}
	}
}

// Write sends one output report; p[0] is the report ID (0 if the device
// does not number its reports).
func (c *Conn) Write(p []byte) (int, error) {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if c.closed.Load() {
		return 0, fmt.Errorf("%s: write: %w", c.name, ErrClosed)
	}
	n, err := c.dev.Write(p)
	if err != nil {
		return n, fmt.Errorf("%s: write: %w", c.name, err)
	}
	return n, nil
}

// SendFeature sends a feature report; p[0] is the report ID. Honeywell
// scanners enter HID POS mode on feature report 0xFE = 01.
func (c *Conn) SendFeature(p []byte) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if c.closed.Load() {
		return fmt.Errorf("%s: send feature report: %w", c.name, ErrClosed)
	}
	if _, err := c.dev.SendFeatureReport(p); err != nil {
		return fmt.Errorf("%s: send feature report: %w", c.name, err)
	}
	return nil
}

// Close ends a pending Read within one wait slice (250 ms) and closes the
// device. Closing twice is harmless.
func (c *Conn) Close() error {
	if c.closed.Swap(true) {
		return nil
	}
	c.readMu.Lock()
	defer c.readMu.Unlock()
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if err := c.dev.Close(); err != nil {
		return fmt.Errorf("%s: close: %w", c.name, err)
	}
	return nil
}

// millis rounds a positive wait up to whole milliseconds, so a short
// timeout never becomes "do not wait".
func millis(d time.Duration) int {
	if d <= 0 {
		return 0
	}
	return int((d + time.Millisecond - 1) / time.Millisecond)
}
