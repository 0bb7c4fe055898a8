// Package hidtest provides an in-memory HID backend for tests: devices
// that queue input reports like a real device's interrupt endpoint, record
// output and feature reports, can be unplugged and replugged, and refuse a
// second open as libusb's interface claim does. karalabe/hid sees no
// devices in a container, so everything above the USB bus is tested here.
package hidtest

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"depot/hardware/hidconn"
)

// ErrNoDevice is what reads and writes return once a device is unplugged,
// as hidapi reports it.
var ErrNoDevice = errors.New("hidapi: LIBUSB_ERROR_NO_DEVICE")

// Device is one attached fake device.
type Device struct {
	reports  chan []byte
	mu       sync.Mutex
	written  [][]byte
	features [][]byte
	gone     atomic.Bool
	reading  atomic.Int32
	badClose atomic.Bool
}

// Send queues one input report (up to 64 are buffered).
func (d *Device) Send(report []byte) { d.reports <- append([]byte(nil), report...) }

// Pending is the number of queued reports not read yet.
func (d *Device) Pending() int { return len(d.reports) }

// Reading is the number of reads waiting inside the device now.
func (d *Device) Reading() int { return int(d.reading.Load()) }

// Written returns the output reports written so far.
func (d *Device) Written() [][]byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([][]byte(nil), d.written...)
}

// Features returns the feature reports sent so far.
func (d *Device) Features() [][]byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([][]byte(nil), d.features...)
}

// ClosedDuringRead reports whether a handle was closed while a read was in
// progress on it, which in hidapi is a use after free.
func (d *Device) ClosedDuringRead() bool { return d.badClose.Load() }

// Backend is a set of attached fake devices. It implements hidconn.Backend.
type Backend struct {
	mu    sync.Mutex
	infos []hidconn.Info
	devs  map[string]*Device
	open  map[string]*handle
}

var _ hidconn.Backend = (*Backend)(nil)

// New returns a backend with the given devices attached.
func New(infos ...hidconn.Info) *Backend {
	b := &Backend{devs: map[string]*Device{}, open: map[string]*handle{}}
	for _, in := range infos {
		b.Attach(in)
	}
	return b
}

// Attach plugs a device in and returns it.
func (b *Backend) Attach(in hidconn.Info) *Device {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.infos = append(b.infos, in)
	d := &Device{reports: make(chan []byte, 64)}
	b.devs[in.Path] = d
	return d
}

// Detach unplugs the device at path: its open handles fail from now on.
func (b *Backend) Detach(path string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, in := range b.infos {
		if in.Path == path {
			b.infos = append(b.infos[:i], b.infos[i+1:]...)
			break
		}
	}
	if d := b.devs[path]; d != nil {
		d.gone.Store(true)
	}
	delete(b.devs, path)
	delete(b.open, path)
}

// Device returns the attached device at path, or nil.
func (b *Backend) Device(path string) *Device {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.devs[path]
}

// Enumerate implements hidconn.Backend, filtering like hidapi.
func (b *Backend) Enumerate(vid, pid uint16) ([]hidconn.Info, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []hidconn.Info
	for _, in := range b.infos {
		if (vid == 0 || in.VID == vid) && (pid == 0 || in.PID == pid) {
			out = append(out, in)
		}
	}
	return out, nil
}

// Open implements hidconn.Backend; a device already open is refused.
func (b *Backend) Open(in hidconn.Info) (hidconn.Device, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	d, ok := b.devs[in.Path]
	if !ok || b.open[in.Path] != nil {
		return nil, errors.New("hidapi: failed to open device")
	}
	h := &handle{d: d}
	h.release = func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		if b.open[in.Path] == h {
			delete(b.open, in.Path)
		}
	}
	b.open[in.Path] = h
	return h, nil
}

// handle is one open of a Device.
type handle struct {
	d       *Device
	closed  atomic.Bool
	reading atomic.Int32
	release func()
}

func (h *handle) ReadTimeout(buf []byte, ms int) (int, error) {
	h.reading.Add(1)
	h.d.reading.Add(1)
	defer h.reading.Add(-1)
	defer h.d.reading.Add(-1)
	if h.closed.Load() {
		return 0, errors.New("hid: device closed")
	}
	if h.d.gone.Load() {
		return 0, ErrNoDevice
	}
	var r []byte
	if ms == 0 {
		select {
		case r = <-h.d.reports:
		default:
			return 0, nil
		}
	} else {
		t := time.NewTimer(time.Duration(ms) * time.Millisecond)
		defer t.Stop()
		select {
		case r = <-h.d.reports:
		case <-t.C:
			if h.d.gone.Load() {
				return 0, ErrNoDevice
			}
			return 0, nil
		}
	}
	return copy(buf, r), nil
}

func (h *handle) Write(p []byte) (int, error) {
	if h.d.gone.Load() {
		return 0, ErrNoDevice
	}
	h.d.mu.Lock()
	defer h.d.mu.Unlock()
	h.d.written = append(h.d.written, append([]byte(nil), p...))
	return len(p), nil
}

func (h *handle) SendFeatureReport(p []byte) (int, error) {
	if h.d.gone.Load() {
		return 0, ErrNoDevice
	}
	h.d.mu.Lock()
	defer h.d.mu.Unlock()
	h.d.features = append(h.d.features, append([]byte(nil), p...))
	return len(p), nil
}

func (h *handle) Close() error {
	if h.reading.Load() > 0 {
		h.d.badClose.Store(true)
	}
	h.closed.Store(true)
	h.release()
	return nil
}
