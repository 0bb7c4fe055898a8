package discover

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.bug.st/serial/enumerator"

	"depot/hardware"
	"depot/hardware/discover/discovertest"
	"depot/hardware/hidconn"
)

func TestListFakeRoot(t *testing.T) {
	l := &Lister{
		Root: discovertest.Root(t),
		// The live probe also reports the motherboard UART; it has no USB identity.
		Ports: func() ([]*enumerator.PortDetails, error) {
			return []*enumerator.PortDetails{{Name: "/dev/ttyS0"}, {Name: "/dev/ttyUSB0", IsUSB: true, VID: "0403", PID: "6001", SerialNumber: "A50285BI"}}, nil
		},
		HID: func() ([]hidconn.Info, error) {
			return []hidconn.Info{
				{Path: "1-7:1.0", VID: 0x0922, PID: 0x8003, Manufacturer: "DYMO", Product: "M10 10 Lb Digital Postal Scale"},
				{Path: "1-6:1.1", VID: 0x05e0, PID: 0x1300, Serial: "S19", Product: "Symbol Bar Code Scanner", Interface: 1},
				{Path: "1-6:1.0", VID: 0x05e0, PID: 0x1300, Serial: "S19", Product: "Symbol Bar Code Scanner", Interface: 0},
			}, nil
		},
	}
	got, err := l.List()
	if err != nil {
		t.Fatal(err)
	}
	want := []Device{
		{Kind: "serial", Address: "serial:/dev/serial/by-id/usb-Datalogic_ADC__Inc._Handheld_Barcode_Scanner_G19F05543-if00", Path: "/dev/ttyACM0",
			ByID: "/dev/serial/by-id/usb-Datalogic_ADC__Inc._Handheld_Barcode_Scanner_G19F05543-if00",
			VID:  "05f9", PID: "4204", Serial: "G19F05543", Manufacturer: "Datalogic ADC, Inc.", Product: "Handheld Barcode Scanner"},
		{Kind: "serial", Address: "serial:/dev/ttyS0", Path: "/dev/ttyS0"},
		{Kind: "serial", Address: "serial:/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0", Path: "/dev/ttyUSB0",
			ByID: "/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0",
			VID:  "0403", PID: "6001", Serial: "A50285BI", Manufacturer: "FTDI", Product: "FT232R USB UART"},
		{Kind: "serial", Address: "serial:/dev/ttyUSB1", Path: "/dev/ttyUSB1", VID: "1a86", PID: "7523", Product: "USB Serial"},
		{Kind: "usblp", Address: "usblp:/dev/usb/lp0", Path: "/dev/usb/lp0",
			VID: "0a5f", PID: "0164", Serial: "D2J193302914", Manufacturer: "Zebra Technologies", Product: "ZTC ZD420-203dpi ZPL"},
		{Kind: "hid", Address: "hid:05e0:1300?interface=0", Path: "1-6:1.0", VID: "05e0", PID: "1300", Serial: "S19", Product: "Symbol Bar Code Scanner"},
		{Kind: "hid", Address: "hid:05e0:1300?interface=1", Path: "1-6:1.1", VID: "05e0", PID: "1300", Serial: "S19", Product: "Symbol Bar Code Scanner"},
		{Kind: "hid", Address: "hid:0922:8003", Path: "1-7:1.0", VID: "0922", PID: "8003", Manufacturer: "DYMO", Product: "M10 10 Lb Digital Postal Scale"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("List (-want +got):\n%s", d)
	}
}

func TestListRootOnlyIgnoresPlaceholders(t *testing.T) {
	got, err := (&Lister{Root: discovertest.Root(t)}).List()
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, d := range got {
		paths = append(paths, d.Path)
	}
	// Without the live probe ttyS0 (not USB) is not listed; ttyUSB9 has no
	// /dev node and the by-id link to ttyUSB7 is stale.
	if want := "/dev/ttyACM0 /dev/ttyUSB0 /dev/ttyUSB1 /dev/usb/lp0"; strings.Join(paths, " ") != want {
		t.Errorf("paths %q, want %q", strings.Join(paths, " "), want)
	}
}

func TestListReportsFailedSourcesAndKeepsTheRest(t *testing.T) {
	l := &Lister{
		Root:  discovertest.Root(t),
		Ports: func() ([]*enumerator.PortDetails, error) { return nil, errors.New("permission denied") },
		HID:   func() ([]hidconn.Info, error) { return nil, errors.New("libusb: init failed") },
	}
	got, err := l.List()
	if err == nil || !strings.Contains(err.Error(), "serial ports: permission denied") || !strings.Contains(err.Error(), "HID devices: libusb: init failed") {
		t.Errorf("err = %v", err)
	}
	if len(got) != 4 {
		t.Errorf("got %d devices despite failed probes, want the 4 the tree shows", len(got))
	}
}

func TestListEmptyRoot(t *testing.T) {
	got, err := (&Lister{Root: t.TempDir()}).List()
	if err != nil || len(got) != 0 {
		t.Errorf("empty root: %v, %v", got, err)
	}
}

// TestListSystem lists this machine. Its devices are whatever is attached
// (in a container usually none); every one must carry an address that
// parses and matches its kind, and every port the serial enumerator finds
// must be listed.
func TestListSystem(t *testing.T) {
	got, err := System().List()
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	t.Logf("%d devices on this machine", len(got))
	listed := map[string]bool{}
	for _, d := range got {
		a, err := hardware.ParseAddress(d.Address)
		if err != nil || a.Scheme != d.Kind || d.Path == "" {
			t.Errorf("device %+v: address %v", d, err)
		}
		listed[d.Path] = true
	}
	ports, err := enumerator.GetDetailedPortsList()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ports {
		if !listed[p.Name] {
			t.Errorf("enumerator finds %s, List does not", p.Name)
		}
	}
}
