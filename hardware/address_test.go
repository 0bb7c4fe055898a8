package hardware

import "testing"

func TestParseAddress(t *testing.T) {
	for _, tc := range []struct {
		in, scheme, target, param, value string
	}{
		{"serial:/dev/serial/by-id/usb-FTDI?baud=9600&format=7E1&protocol=nci", "serial", "/dev/serial/by-id/usb-FTDI", "protocol", "nci"},
		{"hid:0922:8003", "hid", "0922:8003", "", ""},
		{"tcp:192.0.2.10:9100", "tcp", "192.0.2.10:9100", "", ""},
		{"usblp:/dev/usb/lp0", "usblp", "/dev/usb/lp0", "", ""},
		{"SIM:nci?weight=1.250kg", "sim", "nci", "weight", "1.250kg"},
	} {
		a, err := ParseAddress(tc.in)
		if err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		if a.Scheme != tc.scheme || a.Target != tc.target || a.Params.Get(tc.param) != tc.value {
			t.Errorf("%s: got %+v", tc.in, a)
		}
	}
	for _, bad := range []string{"", "nci", "ftp:host", "tcp:", "serial:/dev/x?%zz"} {
		if _, err := ParseAddress(bad); err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
}
