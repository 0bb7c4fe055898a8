package hardware

import (
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"
)

// Conn is a transport to a device: a serial port, a pty, a TCP socket, a USB
// printer device file or a HID device adapter. Every driver talks to its
// device through a Conn, so simulated and real devices share one code path.
//
// A read that times out returns 0 bytes and a nil error, as go.bug.st/serial
// does; an unplugged device returns an error from Read or Write.
type Conn interface {
	io.ReadWriteCloser
	SetReadTimeout(d time.Duration) error
}

// Schemes a device address may use.
const (
	SchemeSerial = "serial" // serial:/dev/serial/by-id/...?baud=9600&format=7E1&protocol=nci
	SchemeHID    = "hid"    // hid:0922:8003 (VID:PID, hex)
	SchemeTCP    = "tcp"    // tcp:192.0.2.10:9100
	SchemeUSBLP  = "usblp"  // usblp:/dev/usb/lp0
	SchemeSim    = "sim"    // sim:nci, sim:toledo, sim:sics, sim:hid-scale, sim:zebra
)

// Address is a parsed device address: a scheme, a target (a path, a
// host:port, a VID:PID or a simulator name) and settings.
type Address struct {
	Scheme string
	Target string
	Params url.Values
}

// ParseAddress parses "scheme:target?key=value&...". The error names the
// address and says what is wrong with it.
func ParseAddress(s string) (Address, error) {
	raw := strings.TrimSpace(s)
	scheme, rest, ok := strings.Cut(raw, ":")
	if !ok || scheme == "" {
		return Address{}, fmt.Errorf("device address %q: want scheme:target, e.g. serial:/dev/ttyUSB0, tcp:10.0.0.5:9100, hid:0922:8003, usblp:/dev/usb/lp0, sim:nci", s)
	}
	scheme = strings.ToLower(scheme)
	switch scheme {
	case SchemeSerial, SchemeHID, SchemeTCP, SchemeUSBLP, SchemeSim:
	default:
		return Address{}, fmt.Errorf("device address %q: unknown scheme %q (want serial, hid, tcp, usblp or sim)", s, scheme)
	}
	target, query, _ := strings.Cut(rest, "?")
	if target == "" {
		return Address{}, fmt.Errorf("device address %q: nothing after %q", s, scheme+":")
	}
	params, err := url.ParseQuery(query)
	if err != nil {
		return Address{}, fmt.Errorf("device address %q: settings: %v", s, err)
	}
	return Address{Scheme: scheme, Target: target, Params: params}, nil
}

// String formats the address back into its text form.
func (a Address) String() string {
	s := a.Scheme + ":" + a.Target
	if len(a.Params) > 0 {
		s += "?" + a.Params.Encode()
	}
	return s
}
