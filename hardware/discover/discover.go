// Package discover lists the devices a depot box can talk to: serial ports
// (with their stable /dev/serial/by-id names and USB identity), USB printer
// device files (/dev/usb/lp*) and HID devices, each with the device address
// to paste into config.
//
// Everything under /dev and /sys is read relative to a root directory, so
// the listing is tested against a fake tree; the two sources that cannot be
// rooted (go.bug.st/serial's port probe and karalabe/hid's libusb
// enumeration) are functions a test leaves out.
package discover

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"go.bug.st/serial/enumerator"

	"depot/hardware"
	"depot/hardware/hidconn"
)

// Device is one device found on the box.
type Device struct {
	Kind         string `json:"kind"`             // hardware.SchemeSerial, SchemeUSBLP or SchemeHID
	Address      string `json:"address"`          // what to put in config, e.g. serial:/dev/serial/by-id/...
	Path         string `json:"path"`             // /dev/ttyUSB0, /dev/usb/lp0, or the libusb path of a HID interface
	ByID         string `json:"by_id,omitempty"`  // the /dev/serial/by-id link to Path, when udev made one
	VID          string `json:"vid,omitempty"`    // USB vendor ID, four lower-case hex digits; "" when not USB or unknown
	PID          string `json:"pid,omitempty"`    // USB product ID, likewise
	Serial       string `json:"serial,omitempty"` // USB serial number
	Manufacturer string `json:"manufacturer,omitempty"`
	Product      string `json:"product,omitempty"`
}

// Lister finds devices. The zero value with Root set lists what the file
// tree under Root shows; System adds the live probes.
type Lister struct {
	// Root holds dev/ and sys/; "/" on a real box.
	Root string
	// Ports, when set, adds the serial ports a live probe finds (on a real
	// box go.bug.st/serial's enumerator, which also finds non-USB ports
	// such as a motherboard's ttyS0 that sysfs alone cannot tell from
	// placeholders).
	Ports func() ([]*enumerator.PortDetails, error)
	// HID, when set, lists HID interfaces (on a real box karalabe/hid).
	HID func() ([]hidconn.Info, error)
}

// System returns the Lister for this machine.
func System() *Lister {
	return &Lister{
		Root:  "/",
		Ports: func() ([]*enumerator.PortDetails, error) { return enumerator.GetDetailedPortsList() },
		HID:   func() ([]hidconn.Info, error) { return hidconn.USB.Enumerate(0, 0) },
	}
}

// List returns the devices found, serial ports first, then USB printers,
// then HID devices, each group sorted by path. A source that fails does not
// hide the others: List returns what it found and an error naming each
// failed source.
func (l *Lister) List() ([]Device, error) {
	var errs []error
	serial, err := l.serialPorts()
	if err != nil {
		errs = append(errs, err)
	}
	printers, err := l.printers()
	if err != nil {
		errs = append(errs, err)
	}
	hid, err := l.hidDevices()
	if err != nil {
		errs = append(errs, err)
	}
	return append(append(serial, printers...), hid...), errors.Join(errs...)
}

// path returns the location of an absolute system path under Root.
func (l *Lister) path(p string) string {
	return filepath.Join(l.Root, filepath.FromSlash(p))
}

// exists reports whether the system path p exists under Root.
func (l *Lister) exists(p string) bool {
	_, err := os.Stat(l.path(p))
	return err == nil
}

func (l *Lister) serialPorts() ([]Device, error) {
	var errs []error
	found := map[string]*Device{}
	add := func(path string) *Device {
		if d, ok := found[path]; ok {
			return d
		}
		d := &Device{Kind: hardware.SchemeSerial, Path: path}
		l.usbIdentity(d, "/sys/class/tty/"+filepath.Base(path)+"/device")
		found[path] = d
		return d
	}
	// USB serial ports from sysfs: ttyUSB* (usb-serial) and ttyACM* (usb).
	ttys, err := os.ReadDir(l.path("/sys/class/tty"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		errs = append(errs, fmt.Errorf("serial ports: %w", err))
	}
	for _, e := range ttys {
		sub := l.subsystem("/sys/class/tty/" + e.Name() + "/device")
		if (sub == "usb" || sub == "usb-serial") && l.exists("/dev/"+e.Name()) {
			add("/dev/" + e.Name())
		}
	}
	// Ports a live probe finds.
	if l.Ports != nil {
		ports, err := l.Ports()
		if err != nil {
			errs = append(errs, fmt.Errorf("serial ports: %w", err))
		}
		for _, p := range ports {
			if p == nil || p.Name == "" {
				continue
			}
			d := add(p.Name)
			if d.VID == "" && p.IsUSB {
				d.VID, d.PID, d.Serial = strings.ToLower(p.VID), strings.ToLower(p.PID), p.SerialNumber
				d.Manufacturer, d.Product = p.Manufacturer, p.Product
			}
		}
	}
	// Stable names: each /dev/serial/by-id link names the port it points to;
	// a port only udev knows about is listed too.
	links, err := l.byID()
	if err != nil {
		errs = append(errs, fmt.Errorf("serial ports: %w", err))
	}
	for _, link := range links {
		if d := add(link.target); d.ByID == "" {
			d.ByID = link.name
		}
	}
	out := make([]Device, 0, len(found))
	for _, d := range found {
		d.Address = hardware.SchemeSerial + ":" + d.Path
		if d.ByID != "" {
			d.Address = hardware.SchemeSerial + ":" + d.ByID
		}
		out = append(out, *d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, errors.Join(errs...)
}

type link struct{ name, target string } // system paths

// byID resolves the links in /dev/serial/by-id, sorted by name. A link
// whose target is missing (a port unplugged a moment ago) is left out.
func (l *Lister) byID() ([]link, error) {
	dir := "/dev/serial/by-id"
	entries, err := os.ReadDir(l.path(dir))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []link
	for _, e := range entries {
		name := dir + "/" + e.Name()
		target, err := os.Readlink(l.path(name))
		if err != nil {
			continue // not a link
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(name), target)
		}
		target = filepath.ToSlash(filepath.Clean(target))
		if l.exists(target) {
			out = append(out, link{name: name, target: target})
		}
	}
	return out, nil
}

func (l *Lister) printers() ([]Device, error) {
	names, err := filepath.Glob(l.path("/dev/usb/lp*"))
	if err != nil {
		return nil, fmt.Errorf("USB printers: %w", err)
	}
	var out []Device
	for _, n := range names {
		base := filepath.Base(n)
		d := Device{Kind: hardware.SchemeUSBLP, Path: "/dev/usb/" + base, Address: hardware.SchemeUSBLP + ":/dev/usb/" + base}
		l.usbIdentity(&d, "/sys/class/usbmisc/"+base+"/device")
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

func (l *Lister) hidDevices() ([]Device, error) {
	if l.HID == nil {
		return nil, nil
	}
	infos, err := l.HID()
	if err != nil {
		return nil, fmt.Errorf("HID devices: %w", err)
	}
	sort.Slice(infos, func(i, j int) bool { return infos[i].Path < infos[j].Path })
	out := make([]Device, 0, len(infos))
	for i, in := range infos {
		out = append(out, Device{Kind: hardware.SchemeHID, Address: hidconn.AddressFor(infos, i), Path: in.Path,
			VID: fmt.Sprintf("%04x", in.VID), PID: fmt.Sprintf("%04x", in.PID),
			Serial: in.Serial, Manufacturer: in.Manufacturer, Product: in.Product})
	}
	return out, nil
}
