package scanner

import (
	"encoding/hex"
	"fmt"
	"strings"

	"depot/app"
	"depot/hardware"
	"depot/hardware/hidconn"
)

// honeywellVID is Honeywell's USB vendor ID.
const honeywellVID = 0x0c2e

// OpenHID opens the HID POS scanner at a hid: address through backend b
// (hidconn.USB on a real box). Honeywell scanners are switched into HID POS
// mode with feature report 0xFE = 01 on every open, as they forget it.
func OpenHID(b hidconn.Backend, addr string) (*hidconn.Conn, error) {
	c, err := hidconn.Open(b, addr)
	if err != nil {
		return nil, err
	}
	if c.Info().VID == honeywellVID {
		if err := c.SendFeature([]byte{0xFE, 0x01}); err != nil {
			c.Close()
			return nil, fmt.Errorf("%s: switch to HID POS mode: %w", addr, err)
		}
	}
	return c, nil
}

// NewDecoder returns the decoder a scanner's address asks for. A hid:
// address reads HID POS reports in the Honeywell layout. Other addresses
// (serial:, tcp:, sim:) read lines; their settings, beside the transport's
// own (baud, format), are:
//
//	suffix=cr|lf|crlf|tab|etx|hex:HH..  what ends a scan (default: CR, LF or CR LF)
//	prefix=stx|hex:HH..                 what starts a scan (default: nothing)
//	aim=off                             the scanner sends no AIM identifiers
//
// Errors are invalid-input errors naming the address field.
func NewDecoder(a hardware.Address) (Decoder, error) {
	if a.Scheme == hardware.SchemeHID {
		return NewReportDecoder(Honeywell)
	}
	bad := func(format string, args ...any) (Decoder, error) {
		return nil, &app.Error{Code: app.EINVALID, Field: "address",
			Message: fmt.Sprintf("scanner %s: ", a) + fmt.Sprintf(format, args...)}
	}
	var opt LineOptions
	var err error
	if v := a.Params.Get("suffix"); v != "" {
		if opt.Suffix, err = controlBytes(v); err != nil {
			return bad("suffix: %v", err)
		}
	}
	if v := a.Params.Get("prefix"); v != "" {
		if opt.Prefix, err = controlBytes(v); err != nil {
			return bad("prefix: %v", err)
		}
	}
	switch v := strings.ToLower(a.Params.Get("aim")); v {
	case "", "on":
	case "off":
		opt.NoAIM = true
	default:
		return bad("aim %q: want on or off", v)
	}
	return NewLineDecoder(opt), nil
}

var namedBytes = map[string]string{"cr": "\r", "lf": "\n", "crlf": "\r\n", "tab": "\t", "stx": "\x02", "etx": "\x03"}

// controlBytes reads a prefix or suffix setting: a name or hex:HH...
func controlBytes(v string) (string, error) {
	if s, ok := namedBytes[strings.ToLower(v)]; ok {
		return s, nil
	}
	h, ok := strings.CutPrefix(strings.ToLower(v), "hex:")
	if !ok {
		return "", fmt.Errorf("%q: want cr, lf, crlf, tab, stx, etx or hex:HH (e.g. hex:0d0a)", v)
	}
	b, err := hex.DecodeString(h)
	if err != nil || len(b) == 0 || len(b) > 8 {
		return "", fmt.Errorf("%q: want 1 to 8 bytes in hex, e.g. hex:0d0a", v)
	}
	return string(b), nil
}
