package main

import (
	"strings"
	"testing"
)

func TestDevicesRead(t *testing.T) {
	for _, tc := range []struct {
		args []string
		out  string
		err  string
		code int
	}{
		{[]string{"devices", "read", "sim:nci?weight=1.250kg"}, "1.250 kg stable\n", "", 0},
		{[]string{"devices", "read", "sim:toledo?weight=2.50lb", "--stable"}, "2.50 lb stable\n", "", 0},
		{[]string{"devices", "read", "--timeout", "3s", "sim:hid-report?weight=12.3oz"}, "12.3 oz stable\n", "", 0},
		{[]string{"devices", "read", "sim:sics?weight=31kg&capacity=30kg"}, "overload\n", "", 0},
		{[]string{"devices", "read", "sim:line?model=tiger&weight=-0.120kg"}, "-0.120 kg stable\n", "", 0},
		{[]string{"devices", "read", "serial:/dev/ttyUSB77?protocol=nci"}, "", "depot devices read: scale serial:/dev/ttyUSB77?protocol=nci: open: serial /dev/ttyUSB77", 1},
		{[]string{"devices", "read", "serial:/dev/ttyUSB77"}, "", "protocol is required", 1},
		{[]string{"devices", "read"}, "", "usage: depot devices read", 2},
		{[]string{"devices", "read", "sim:nci", "extra"}, "", `unexpected argument "extra"`, 2},
	} {
		out, errOut, code := runDepot(t, "", tc.args...)
		if code != tc.code || out != tc.out || !strings.Contains(errOut, tc.err) {
			t.Errorf("depot %s: exit %d, out %q, err %q; want exit %d, out %q, err containing %q",
				strings.Join(tc.args, " "), code, out, errOut, tc.code, tc.out, tc.err)
		}
	}
}
