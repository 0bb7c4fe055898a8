package hidconn_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"depot/app"
	"depot/hardware/hidconn"
	"depot/hardware/hidconn/hidtest"
)

var (
	honeywellA = hidconn.Info{Path: "1-1.2:1.0", VID: 0x0c2e, PID: 0x0b8f, Serial: "17010B0C99", Manufacturer: "Honeywell Imaging & Mobility", Product: "Voyager 1400g", Interface: 0}
	honeywellB = hidconn.Info{Path: "1-1.3:1.0", VID: 0x0c2e, PID: 0x0b8f, Serial: "18022C1D01", Manufacturer: "Honeywell Imaging & Mobility", Product: "Voyager 1400g", Interface: 0}
	dymoM10    = hidconn.Info{Path: "1-1.4:1.0", VID: 0x0922, PID: 0x8003, Manufacturer: "DYMO", Product: "M10 10 Lb Digital Postal Scale", Interface: 0}
	// A composite scanner: keyboard on interface 0, HID POS on interface 1.
	zebraKbd = hidconn.Info{Path: "1-2:1.0", VID: 0x05e0, PID: 0x1300, Serial: "S19", Product: "Symbol Bar Code Scanner", Interface: 0}
	zebraPOS = hidconn.Info{Path: "1-2:1.1", VID: 0x05e0, PID: 0x1300, Serial: "S19", Product: "Symbol Bar Code Scanner", Interface: 1}
	// Two equal scales without serial numbers.
	stampsA = hidconn.Info{Path: "2-1:1.0", VID: 0x1446, PID: 0x6a73, Product: "Stamps.com Model 510 5LB Scale"}
	stampsB = hidconn.Info{Path: "2-2:1.0", VID: 0x1446, PID: 0x6a73, Product: "Stamps.com Model 510 5LB Scale"}
)

func TestParseTarget(t *testing.T) {
	for _, tc := range []struct {
		addr string
		want hidconn.Target
	}{
		{"hid:0922:8003", hidconn.Target{VID: 0x0922, PID: 0x8003, Interface: -1, Index: -1, ReportSize: 64}},
		{"HID:0C2E:0B8F?serial=17010B0C99", hidconn.Target{VID: 0x0c2e, PID: 0x0b8f, Serial: "17010B0C99", Interface: -1, Index: -1, ReportSize: 64}},
		{"hid:05e0:1300?interface=1&report=32", hidconn.Target{VID: 0x05e0, PID: 0x1300, Interface: 1, Index: -1, ReportSize: 32}},
		{"hid:0922:8003?protocol=hid-report", hidconn.Target{VID: 0x0922, PID: 0x8003, Interface: -1, Index: -1, ReportSize: 64}},
		{"hid:1446:6a73?index=1", hidconn.Target{VID: 0x1446, PID: 0x6a73, Interface: -1, Index: 1, ReportSize: 64}},
	} {
		got, err := hidconn.ParseTarget(tc.addr)
		tc.want.Address = got.Address
		if err != nil || got != tc.want {
			t.Errorf("hidconn.ParseTarget(%q) = %+v, %v\nwant %+v", tc.addr, got, err, tc.want)
		}
	}
	for _, tc := range []struct{ addr, msg string }{
		{"hid:0922", "want VID:PID as two 4-digit hex numbers"},
		{"hid:922:8003", "want VID:PID"},
		{"hid:0922:80g3", "want VID:PID"},
		{"serial:/dev/ttyACM0", "not a HID address"},
		{"hid:0922:8003?index=-1", `index "-1": want a whole number from 0`},
		{"hid:0922:8003?report=0", `report "0": want the input report size in bytes, 1 to 1024`},
		{"hid:0922:8003?serial=", "serial is empty"},
		{"hid:0922:8003?index=1&index=2", `setting "index" given 2 times`},
		{"0922:8003", "unknown scheme"},
	} {
		_, err := hidconn.ParseTarget(tc.addr)
		if app.ErrorCode(err) != app.EINVALID || app.ErrorField(err) != "address" || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("hidconn.ParseTarget(%q) = %v; want an invalid address error containing %q", tc.addr, err, tc.msg)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	b := hidtest.New(honeywellA, honeywellB, stampsA, stampsB)
	for _, tc := range []struct{ addr, code, msg string }{
		{"hid:0922:8003", app.EUNAVAILABLE, "hid:0922:8003: no HID device hid:0922:8003 is attached (4 HID devices visible). On Linux depot reaches HID devices through libusb"},
		{"hid:0922:8003", app.EUNAVAILABLE, `SUBSYSTEM=="usb", ATTR{idVendor}=="0922", ATTR{idProduct}=="8003", MODE="0660", GROUP="plugdev"`},
		{"hid:0c2e:0b8f", app.EINVALID, "2 HID devices match (1-1.2:1.0 serial 17010B0C99 interface 0, 1-1.3:1.0 serial 18022C1D01 interface 0); add ?serial="},
		{"hid:0c2e:0b8f?serial=NOPE", app.EUNAVAILABLE, `no HID device hid:0c2e:0b8f matches serial "NOPE"`},
		{"hid:1446:6a73?index=2", app.EINVALID, "index 2, but only 2 matching HID devices are attached"},
	} {
		_, err := hidconn.Open(b, tc.addr)
		if app.ErrorCode(err) != tc.code || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("hidconn.Open(%q) = %v\nwant code %s containing %q", tc.addr, err, tc.code, tc.msg)
		}
	}
	// Busy: a second open of the same device fails the way libusb's claim does.
	c, err := hidconn.Open(b, "hid:0c2e:0b8f?serial=17010B0C99")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = hidconn.Open(b, "hid:0c2e:0b8f?index=0")
	if app.ErrorCode(err) != app.EUNAVAILABLE || !strings.Contains(err.Error(), "hid:0c2e:0b8f?index=0: open 1-1.2:1.0: hidapi: failed to open device: the device is busy") ||
		!strings.Contains(err.Error(), "docs/devices.md") {
		t.Errorf("second open = %v", err)
	}
}

func TestAddressForSelectsEachDevice(t *testing.T) {
	all := []hidconn.Info{honeywellA, honeywellB, dymoM10, zebraKbd, zebraPOS, stampsA, stampsB}
	want := map[string]string{
		honeywellA.Path: "hid:0c2e:0b8f?serial=17010B0C99",
		honeywellB.Path: "hid:0c2e:0b8f?serial=18022C1D01",
		dymoM10.Path:    "hid:0922:8003",
		zebraKbd.Path:   "hid:05e0:1300?interface=0",
		zebraPOS.Path:   "hid:05e0:1300?interface=1",
		stampsA.Path:    "hid:1446:6a73?index=0",
		stampsB.Path:    "hid:1446:6a73?index=1",
	}
	b := hidtest.New(all...)
	for i, in := range all {
		addr := hidconn.AddressFor(all, i)
		if addr != want[in.Path] {
			t.Errorf("hidconn.AddressFor(%s) = %q, want %q", in.Path, addr, want[in.Path])
		}
		c, err := hidconn.Open(b, addr)
		if err != nil {
			t.Errorf("hidconn.Open(%q): %v", addr, err)
			continue
		}
		if c.Info() != in {
			t.Errorf("hidconn.Open(%q) opened %+v, want %+v", addr, c.Info(), in)
		}
		c.Close()
	}
}

func report(id byte, fill byte) []byte {
	r := bytes.Repeat([]byte{fill}, 64)
	r[0] = id
	return r
}

func TestConnReadsOneReportPerRead(t *testing.T) {
	b := hidtest.New(dymoM10)
	c, err := hidconn.Open(b, "hid:0922:8003")
	if err != nil {
		t.Fatal(err)
	}
	dev := b.Device(dymoM10.Path)
	dev.Send(report(3, 0xAA))
	dev.Send(report(3, 0xBB))
	if err := c.SetReadTimeout(50 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 200)
	for _, fill := range []byte{0xAA, 0xBB} {
		n, err := c.Read(buf)
		if err != nil || n != 64 || !bytes.Equal(buf[:n], report(3, fill)) {
			t.Fatalf("Read = %d, %v, % x; want the 64-byte report filled with %x", n, err, buf[:n], fill)
		}
	}
	if n, err := c.Read(buf); n != 0 || err != nil {
		t.Errorf("Read with nothing queued = %d, %v; want a timeout (0, nil)", n, err)
	}
	if _, err := c.Read(make([]byte, 63)); err == nil || !strings.Contains(err.Error(), "hid:0922:8003: read: buffer of 63 bytes is shorter than the 64-byte report") {
		t.Errorf("short buffer: %v", err)
	}
	if err := c.SetReadTimeout(-2); err == nil {
		t.Error("SetReadTimeout(-2) accepted")
	}
	if err := c.SetReadTimeout(0); err != nil {
		t.Fatal(err)
	}
	if n, err := c.Read(buf); n != 0 || err != nil {
		t.Errorf("polling Read = %d, %v", n, err)
	}

	// Write and feature reports reach the device; Honeywell's HID POS switch.
	if _, err := c.Write([]byte{0x02, 0x02}); err != nil {
		t.Fatal(err)
	}
	if err := c.SendFeature([]byte{0xFE, 0x01}); err != nil {
		t.Fatal(err)
	}
	if w, f := dev.Written(), dev.Features(); len(w) != 1 || !bytes.Equal(w[0], []byte{2, 2}) || len(f) != 1 || !bytes.Equal(f[0], []byte{0xFE, 1}) {
		t.Errorf("device got writes % x, features % x", w, f)
	}
}

func TestCloseEndsBlockingReadSafely(t *testing.T) {
	b := hidtest.New(dymoM10)
	c, err := hidconn.Open(b, "hid:0922:8003")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetReadTimeout(-1); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := c.Read(make([]byte, 64))
		done <- err
	}()
	// Close only once the read waits inside the device.
	dev := b.Device(dymoM10.Path)
	for deadline := time.Now().Add(10 * time.Second); dev.Reading() == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("Read never reached the device")
		}
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; !errors.Is(err, hidconn.ErrClosed) {
		t.Errorf("blocked Read after Close returned %v, want ErrClosed", err)
	}
	if dev.ClosedDuringRead() {
		t.Error("the device was closed while a read was in progress")
	}
	if _, err := c.Write([]byte{0}); !errors.Is(err, hidconn.ErrClosed) {
		t.Errorf("Write after Close = %v", err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
}

func TestUnplugFailsRead(t *testing.T) {
	b := hidtest.New(dymoM10)
	c, err := hidconn.Open(b, "hid:0922:8003")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	b.Detach(dymoM10.Path)
	if _, err := c.Read(make([]byte, 64)); err == nil || !strings.Contains(err.Error(), "hid:0922:8003: read: hidapi: LIBUSB_ERROR_NO_DEVICE (unplugged?)") {
		t.Errorf("Read after unplug = %v", err)
	}
}

// TestUSBBackend runs karalabe/hid's real enumeration. Inside a container
// libusb sees no hidconn.USB bus and lists nothing without error; that path, and
// the error for an absent device, are what can be tested without hardware.
func TestUSBBackend(t *testing.T) {
	infos, err := hidconn.USB.Enumerate(0, 0)
	if err != nil {
		t.Fatalf("hidconn.USB.Enumerate: %v", err)
	}
	t.Logf("karalabe/hid lists %d HID interfaces here", len(infos))
	for _, in := range infos {
		if in.VID == 0 || in.Path == "" {
			t.Errorf("enumerated %+v without VID or path", in)
		}
	}
	// VID 0xffff is reserved by the USB-IF and never assigned.
	_, err = hidconn.Open(hidconn.USB, "hid:ffff:fffe")
	if app.ErrorCode(err) != app.EUNAVAILABLE || !strings.Contains(err.Error(), "hid:ffff:fffe: no HID device hid:ffff:fffe is attached") {
		t.Errorf("hidconn.Open of an absent device = %v", err)
	}
}
