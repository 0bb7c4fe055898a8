package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"depot/hardware"
	"depot/hardware/discover"
	"depot/hardware/discover/discovertest"
)

func TestDevicesListFakeRoot(t *testing.T) {
	root := discovertest.Root(t)
	out, errOut, code := runDepot(t, "", "devices", "list", "--root", root)
	want := `KIND    ADDRESS                                                                                   VID:PID    SERIAL        DEVICE        PRODUCT
serial  serial:/dev/serial/by-id/usb-Datalogic_ADC__Inc._Handheld_Barcode_Scanner_G19F05543-if00  05f9:4204  G19F05543     /dev/ttyACM0  Datalogic ADC, Inc. Handheld Barcode Scanner
serial  serial:/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0                     0403:6001  A50285BI      /dev/ttyUSB0  FTDI FT232R USB UART
serial  serial:/dev/ttyUSB1                                                                       1a86:7523  -             /dev/ttyUSB1  USB Serial
usblp   usblp:/dev/usb/lp0                                                                        0a5f:0164  D2J193302914  /dev/usb/lp0  Zebra Technologies ZTC ZD420-203dpi ZPL
4 devices
`
	if code != 0 || out != want || errOut != "" {
		t.Errorf("devices list --root: exit %d, stderr %q, stdout:\n%s\nwant:\n%s", code, errOut, out, want)
	}

	out, _, code = runDepot(t, "", "devices", "list", "--json", "--root", root)
	var devs []discover.Device
	if err := json.Unmarshal([]byte(out), &devs); err != nil || code != 0 {
		t.Fatalf("--json: exit %d, %v:\n%s", code, err, out)
	}
	if len(devs) != 4 || devs[1].ByID != "/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0" || devs[1].Path != "/dev/ttyUSB0" ||
		devs[3].Address != "usblp:/dev/usb/lp0" || devs[3].Serial != "D2J193302914" {
		t.Errorf("--json gave %+v", devs)
	}

	out, _, code = runDepot(t, "", "devices", "list", "--root", t.TempDir())
	if code != 0 || !strings.HasPrefix(out, "no devices found (serial ports, /dev/usb/lp*, HID).\n") {
		t.Errorf("empty root: exit %d, %q", code, out)
	}
}

// TestDevicesListThisMachine lists the real machine: whatever it finds (in
// a container few or no devices), the command exits 0 and every row is a
// device with an address that parses and matches its kind.
func TestDevicesListThisMachine(t *testing.T) {
	out, errOut, code := runDepot(t, "", "devices", "list")
	if code != 0 || errOut != "" {
		t.Fatalf("devices list: exit %d, stderr %q", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if strings.HasPrefix(lines[0], "no devices found") {
		return
	}
	if !regexp.MustCompile(`^KIND +ADDRESS +VID:PID +SERIAL +DEVICE +PRODUCT$`).MatchString(lines[0]) {
		t.Fatalf("header %q", lines[0])
	}
	rows := lines[1 : len(lines)-1]
	wantLast := fmt.Sprintf("%d devices", len(rows))
	if len(rows) == 1 {
		wantLast = "1 device"
	}
	if lines[len(lines)-1] != wantLast {
		t.Errorf("last line %q for %d rows, want %q", lines[len(lines)-1], len(rows), wantLast)
	}
	for _, row := range rows {
		f := strings.Fields(row)
		if len(f) < 6 {
			t.Errorf("row %q: want 6 columns", row)
			continue
		}
		if a, err := hardware.ParseAddress(f[1]); err != nil || a.Scheme != f[0] {
			t.Errorf("row %q: address %v", row, err)
		}
	}
}
