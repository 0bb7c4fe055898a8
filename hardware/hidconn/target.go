package hidconn

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"depot/app"
	"depot/hardware"
)

// DefaultReportSize is the input report length of full-speed HID POS
// scanners and postal scales.
const DefaultReportSize = 64

// Target is a parsed hid: address: which device to open and how to read it.
type Target struct {
	Address    string // the address as written, for messages
	VID, PID   uint16
	Serial     string // "" = any
	Interface  int    // -1 = any
	Index      int    // -1 = the only match; otherwise the n-th match (from 0) in path order
	ReportSize int    // bytes per input report
}

// Name is "hid:VID:PID", the way errors name the device.
func (t Target) Name() string { return fmt.Sprintf("hid:%04x:%04x", t.VID, t.PID) }

// ParseTarget parses "hid:VID:PID" with optional settings
// serial=S (the USB serial number), interface=N (the USB interface of a
// composite device), index=N (the n-th of several equal devices, from 0,
// in path order) and report=N (input report size, default 64). Other
// settings belong to the driver (a scale's protocol=hid-report) and are
// left alone. Errors are invalid-input errors naming the address field.
func ParseTarget(addr string) (Target, error) {
	a, err := hardware.ParseAddress(addr)
	if err != nil {
		return Target{}, &app.Error{Code: app.EINVALID, Field: "address", Message: err.Error()}
	}
	return TargetOf(a)
}

// TargetOf is ParseTarget for an address already parsed.
func TargetOf(a hardware.Address) (Target, error) {
	bad := func(format string, args ...any) (Target, error) {
		return Target{}, &app.Error{Code: app.EINVALID, Field: "address",
			Message: fmt.Sprintf("device address %q: ", a.String()) + fmt.Sprintf(format, args...)}
	}
	if a.Scheme != hardware.SchemeHID {
		return bad("not a HID address (want hid:VID:PID, e.g. hid:0922:8003)")
	}
	t := Target{Address: a.String(), Interface: -1, Index: -1, ReportSize: DefaultReportSize}
	v, p, ok := strings.Cut(a.Target, ":")
	vid, err1 := strconv.ParseUint(v, 16, 16)
	pid, err2 := strconv.ParseUint(p, 16, 16)
	if !ok || err1 != nil || err2 != nil || len(v) != 4 || len(p) != 4 {
		return bad("want VID:PID as two 4-digit hex numbers, e.g. hid:0922:8003")
	}
	t.VID, t.PID = uint16(vid), uint16(pid)
	for key, vals := range a.Params {
		if key != "serial" && key != "interface" && key != "index" && key != "report" {
			continue
		}
		if len(vals) != 1 {
			return bad("setting %q given %d times", key, len(vals))
		}
		val := vals[0]
		switch key {
		case "serial":
			if val == "" {
				return bad("serial is empty")
			}
			t.Serial = val
		case "interface", "index", "report":
			n, err := strconv.Atoi(val)
			if err != nil || n < 0 || (key == "report" && (n < 1 || n > 1024)) {
				if key == "report" {
					return bad("report %q: want the input report size in bytes, 1 to 1024", val)
				}
				return bad("%s %q: want a whole number from 0", key, val)
			}
			switch key {
			case "interface":
				t.Interface = n
			case "index":
				t.Index = n
			default:
				t.ReportSize = n
			}
		}
	}
	return t, nil
}

// Select picks the device t names among the enumerated infos. Errors say
// what was found instead: nothing (code unavailable), or several devices
// without serial/interface/index to tell them apart (code invalid).
func (t Target) Select(infos []Info) (Info, error) {
	var match []Info
	for _, in := range infos {
		if in.VID == t.VID && in.PID == t.PID &&
			(t.Serial == "" || in.Serial == t.Serial) && (t.Interface < 0 || in.Interface == t.Interface) {
			match = append(match, in)
		}
	}
	sort.Slice(match, func(i, j int) bool { return match[i].Path < match[j].Path })
	switch {
	case len(match) == 0:
		return Info{}, t.absent(infos)
	case t.Index >= len(match):
		return Info{}, &app.Error{Code: app.EINVALID, Field: "address", Message: fmt.Sprintf(
			"%s: index %d, but only %d matching HID devices are attached (%s)", t.Address, t.Index, len(match), describe(match))}
	case t.Index >= 0:
		return match[t.Index], nil
	case len(match) > 1:
		return Info{}, &app.Error{Code: app.EINVALID, Field: "address", Message: fmt.Sprintf(
			"%s: %d HID devices match (%s); add ?serial=, ?interface= or ?index= (depot devices list prints each one's address)",
			t.Address, len(match), describe(match))}
	}
	return match[0], nil
}

// absent explains why nothing matched, with the hint that matters most on
// Linux: libusb needs access to the USB device node.
func (t Target) absent(infos []Info) error {
	var same []Info
	for _, in := range infos {
		if in.VID == t.VID && in.PID == t.PID {
			same = append(same, in)
		}
	}
	what := "no HID device " + t.Name() + " is attached"
	if len(same) > 0 {
		what = fmt.Sprintf("no HID device %s matches serial %q, interface %d (attached: %s)", t.Name(), t.Serial, t.Interface, describe(same))
	}
	return app.Errorf(app.EUNAVAILABLE, "%s: %s (%d HID devices visible). %s", t.Address, what, len(infos), accessHint(t.VID, t.PID))
}

// accessHint is the libusb permissions advice for one device.
func accessHint(vid, pid uint16) string {
	return fmt.Sprintf("On Linux depot reaches HID devices through libusb, which lists only devices whose "+
		"/dev/bus/usb node the depot user may open: add a udev rule such as "+
		`SUBSYSTEM=="usb", ATTR{idVendor}=="%04x", ATTR{idProduct}=="%04x", MODE="0660", GROUP="plugdev" `+
		"and put the user in plugdev (docs/devices.md)", vid, pid)
}

func describe(infos []Info) string {
	var parts []string
	for _, in := range infos {
		s := in.Path
		if in.Serial != "" {
			s += " serial " + in.Serial
		}
		parts = append(parts, fmt.Sprintf("%s interface %d", s, in.Interface))
	}
	return strings.Join(parts, ", ")
}

// AddressFor returns the shortest hid: address that selects infos[i] among
// infos (everything enumeration returned), so `depot devices list` can
// print an address to paste into config. It tries the plain VID:PID, then
// adds serial, interface, both, and finally an index.
func AddressFor(infos []Info, i int) string {
	in := infos[i]
	base := fmt.Sprintf("hid:%04x:%04x", in.VID, in.PID)
	candidates := []url.Values{{}}
	if in.Serial != "" {
		candidates = append(candidates, url.Values{"serial": {in.Serial}})
	}
	iface := url.Values{"interface": {strconv.Itoa(in.Interface)}}
	candidates = append(candidates, iface)
	if in.Serial != "" {
		candidates = append(candidates, url.Values{"serial": {in.Serial}, "interface": {iface.Get("interface")}})
	}
	for _, q := range candidates {
		addr := base
		if len(q) > 0 {
			addr += "?" + q.Encode()
		}
		if t, err := ParseTarget(addr); err == nil {
			if got, err := t.Select(infos); err == nil && got == in {
				return addr
			}
		}
	}
	// Equal devices without serial numbers: only their order tells them
	// apart, and that order can change when they are replugged.
	t := Target{VID: in.VID, PID: in.PID, Interface: -1, Index: -1}
	var same []Info
	for _, o := range infos {
		if o.VID == t.VID && o.PID == t.PID {
			same = append(same, o)
		}
	}
	sort.Slice(same, func(a, b int) bool { return same[a].Path < same[b].Path })
	for n, o := range same {
		if o == in {
			return fmt.Sprintf("%s?index=%d", base, n)
		}
	}
	return base
}
