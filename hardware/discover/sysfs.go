package discover

import (
	"os"
	"path/filepath"
	"strings"
)

// subsystem returns the sysfs subsystem of the device a class entry's
// "device" link points to ("usb", "usb-serial", "platform", ...), or "".
func (l *Lister) subsystem(devLink string) string {
	real, err := filepath.EvalSymlinks(l.path(devLink))
	if err != nil {
		return ""
	}
	return subsystemOf(real)
}

func subsystemOf(dir string) string {
	sub, err := filepath.EvalSymlinks(filepath.Join(dir, "subsystem"))
	if err != nil {
		return ""
	}
	return filepath.Base(sub)
}

// usbIdentity fills d's USB vendor, product and strings from sysfs, given a
// class entry's "device" link: a usb-serial port sits two levels below its
// USB device (device/interface/port), a CDC-ACM port or a usblp printer's
// interface one level.
func (l *Lister) usbIdentity(d *Device, devLink string) {
	real, err := filepath.EvalSymlinks(l.path(devLink))
	if err != nil {
		return
	}
	var usbDev string
	switch subsystemOf(real) {
	case "usb-serial":
		usbDev = filepath.Dir(filepath.Dir(real))
	case "usb":
		usbDev = filepath.Dir(real)
	default:
		return
	}
	vid := attr(usbDev, "idVendor")
	if vid == "" {
		return
	}
	d.VID, d.PID = strings.ToLower(vid), strings.ToLower(attr(usbDev, "idProduct"))
	d.Serial = attr(usbDev, "serial")
	d.Manufacturer = attr(usbDev, "manufacturer")
	d.Product = attr(usbDev, "product")
}

// attr reads one sysfs attribute's first line; "" when it is missing.
func attr(dir, name string) string {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return ""
	}
	line, _, _ := strings.Cut(string(b), "\n")
	return strings.TrimSpace(line)
}
