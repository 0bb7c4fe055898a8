package hidconn

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// fakeDevice is an in-memory HID device: input reports queue up as a real
// device's interrupt transfers do; unplug makes reads and writes fail as
// hidapi does when the device is gone.
type fakeDevice struct {
	reports  chan []byte
	mu       sync.Mutex
	written  [][]byte
	features [][]byte
	gone     atomic.Bool
	badClose atomic.Bool // closed during a read: a use-after-free in hidapi
}

// handle is one open of a fakeDevice.
type handle struct {
	d       *fakeDevice
	closed  atomic.Bool
	reading atomic.Int32
	release func()
}

func newFakeDevice() *fakeDevice { return &fakeDevice{reports: make(chan []byte, 64)} }

var errNoDevice = errors.New("hidapi: LIBUSB_ERROR_NO_DEVICE")

func (h *handle) ReadTimeout(b []byte, ms int) (int, error) {
	h.reading.Add(1)
	defer h.reading.Add(-1)
	d := h.d
	if h.closed.Load() {
		return 0, errors.New("hid: device closed")
	}
	if d.gone.Load() {
		return 0, errNoDevice
	}
	var r []byte
	if ms == 0 {
		select {
		case r = <-d.reports:
		default:
			return 0, nil
		}
	} else {
		t := time.NewTimer(time.Duration(ms) * time.Millisecond)
		defer t.Stop()
		select {
		case r = <-d.reports:
		case <-t.C:
			if d.gone.Load() {
				return 0, errNoDevice
			}
			return 0, nil
		}
	}
	return copy(b, r), nil
}

func (h *handle) Write(b []byte) (int, error) {
	d := h.d
	if d.gone.Load() {
		return 0, errNoDevice
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.written = append(d.written, append([]byte(nil), b...))
	return len(b), nil
}

func (h *handle) SendFeatureReport(b []byte) (int, error) {
	d := h.d
	if d.gone.Load() {
		return 0, errNoDevice
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.features = append(d.features, append([]byte(nil), b...))
	return len(b), nil
}

func (h *handle) Close() error {
	if h.reading.Load() > 0 {
		h.d.badClose.Store(true)
	}
	h.closed.Store(true)
	h.release()
	return nil
}

// fakeBackend holds attached devices by path; it filters like hidapi's
// enumeration and refuses to open a device twice, like libusb's claim.
type fakeBackend struct {
	mu    sync.Mutex
	infos []Info
	devs  map[string]*fakeDevice
	open  map[string]bool
}

func newFakeBackend(infos ...Info) *fakeBackend {
	b := &fakeBackend{devs: map[string]*fakeDevice{}, open: map[string]bool{}}
	for _, in := range infos {
		b.attach(in)
	}
	return b
}

// attach plugs a device in and returns it.
func (b *fakeBackend) attach(in Info) *fakeDevice {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.infos = append(b.infos, in)
	d := newFakeDevice()
	b.devs[in.Path] = d
	return d
}

// detach unplugs the device at path.
func (b *fakeBackend) detach(path string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, in := range b.infos {
		if in.Path == path {
			b.infos = append(b.infos[:i], b.infos[i+1:]...)
			break
		}
	}
	b.devs[path].gone.Store(true)
	delete(b.devs, path)
	delete(b.open, path)
}

func (b *fakeBackend) device(path string) *fakeDevice {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.devs[path]
}

func (b *fakeBackend) Enumerate(vid, pid uint16) ([]Info, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []Info
	for _, in := range b.infos {
		if (vid == 0 || in.VID == vid) && (pid == 0 || in.PID == pid) {
			out = append(out, in)
		}
	}
	return out, nil
}

func (b *fakeBackend) Open(in Info) (Device, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	d, ok := b.devs[in.Path]
	if !ok || b.open[in.Path] {
		return nil, errors.New("hidapi: failed to open device")
	}
	b.open[in.Path] = true
	return &handle{d: d, release: func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		delete(b.open, in.Path)
	}}, nil
}
