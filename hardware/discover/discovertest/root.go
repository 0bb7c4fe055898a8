// Package discovertest builds a fake /dev and /sys tree, laid out the way
// the Linux kernel and udev lay out the real ones, for tests of device
// discovery.
package discovertest

import (
	"os"
	"path/filepath"
	"testing"
)

// usbDevices is where the fake USB devices live in sysfs.
const usbDevices = "sys/devices/pci0000:00/0000:00:14.0/usb1"

// Root returns a temporary root holding:
//
//   - ttyUSB0: an FTDI FT232R adapter (0403:6001, serial A50285BI) with a
//     /dev/serial/by-id link;
//   - ttyUSB1: a CH340 adapter (1a86:7523) without serial number or by-id link;
//   - ttyACM0: a Datalogic CDC scanner (05f9:4204, serial G19F05543) with a
//     by-id link;
//   - ttyUSB9: a sysfs entry whose /dev node is gone (not to be listed);
//   - ttyS0: a motherboard UART placeholder on the platform bus (not USB);
//   - /dev/usb/lp0: a Zebra ZD420 (0a5f:0164, serial D2J193302914), and
//     /dev/usb/hiddev0, which is not a printer;
//   - a by-id link whose port is gone (not to be listed).
func Root(t testing.TB) string {
	t.Helper()
	root := t.TempDir()
	b := builder{t: t, root: root}
	b.dir("sys/bus/usb-serial")
	b.dir("sys/bus/usb")
	b.dir("sys/bus/platform")

	// FTDI: usb device 1-1, interface 1-1:1.0, usb-serial port ttyUSB0.
	b.usbDevice("1-1", map[string]string{"idVendor": "0403", "idProduct": "6001", "serial": "A50285BI",
		"manufacturer": "FTDI", "product": "FT232R USB UART"})
	b.usbSerialTTY("1-1", "ttyUSB0")
	b.file("dev/ttyUSB0")
	b.link("dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0", "dev/ttyUSB0")

	// CH340: no serial number, no by-id link.
	b.usbDevice("1-4", map[string]string{"idVendor": "1a86", "idProduct": "7523", "product": "USB Serial"})
	b.usbSerialTTY("1-4", "ttyUSB1")
	b.file("dev/ttyUSB1")

	// Datalogic scanner in USB-COM (CDC-ACM) mode: the tty hangs off the interface.
	b.usbDevice("1-2", map[string]string{"idVendor": "05f9", "idProduct": "4204", "serial": "G19F05543",
		"manufacturer": "Datalogic ADC, Inc.", "product": "Handheld Barcode Scanner"})
	acm := usbDevices + "/1-2/1-2:1.0"
	b.link(acm+"/subsystem", "sys/bus/usb")
	b.classEntry("tty", "ttyACM0", acm)
	b.file("dev/ttyACM0")
	b.link("dev/serial/by-id/usb-Datalogic_ADC__Inc._Handheld_Barcode_Scanner_G19F05543-if00", "dev/ttyACM0")

	// Unplugged: sysfs entry left, no /dev node; a stale by-id link.
	b.usbDevice("1-5", map[string]string{"idVendor": "067b", "idProduct": "2303", "product": "USB-Serial Controller"})
	b.usbSerialTTY("1-5", "ttyUSB9")
	b.link("dev/serial/by-id/usb-Prolific_USB-Serial_Controller-if00-port0", "dev/ttyUSB7")

	// Platform UART placeholder.
	b.link("sys/devices/platform/serial8250/subsystem", "sys/bus/platform")
	b.classEntry("tty", "ttyS0", "sys/devices/platform/serial8250")
	b.file("dev/ttyS0")

	// Zebra printer on usblp.
	b.usbDevice("1-3", map[string]string{"idVendor": "0a5f", "idProduct": "0164", "serial": "D2J193302914",
		"manufacturer": "Zebra Technologies", "product": "ZTC ZD420-203dpi ZPL"})
	lp := usbDevices + "/1-3/1-3:1.0"
	b.link(lp+"/subsystem", "sys/bus/usb")
	b.classEntry("usbmisc", "lp0", lp)
	b.file("dev/usb/lp0")
	b.file("dev/usb/hiddev0")
	return root
}

type builder struct {
	t    testing.TB
	root string
}

func (b builder) dir(p string) {
	if err := os.MkdirAll(filepath.Join(b.root, p), 0o755); err != nil {
		b.t.Fatal(err)
	}
}

func (b builder) file(p string) {
	b.write(p, "")
}

func (b builder) write(p, content string) {
	b.dir(filepath.Dir(p))
	if err := os.WriteFile(filepath.Join(b.root, p), []byte(content), 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// link makes p a relative symlink to target (both relative to the root),
// as sysfs and udev do.
func (b builder) link(p, target string) {
	b.dir(filepath.Dir(p))
	rel, err := filepath.Rel(filepath.Dir(filepath.Join(b.root, p)), filepath.Join(b.root, target))
	if err != nil {
		b.t.Fatal(err)
	}
	if err := os.Symlink(rel, filepath.Join(b.root, p)); err != nil {
		b.t.Fatal(err)
	}
}

// usbDevice writes a USB device's identity attributes, each ending in a
// newline as sysfs does.
func (b builder) usbDevice(name string, attrs map[string]string) {
	dir := usbDevices + "/" + name
	for k, v := range attrs {
		b.write(dir+"/"+k, v+"\n")
	}
	b.link(dir+"/subsystem", "sys/bus/usb")
}

// usbSerialTTY adds interface NAME:1.0 with a usb-serial port tty below it.
func (b builder) usbSerialTTY(usbDev, tty string) {
	port := usbDevices + "/" + usbDev + "/" + usbDev + ":1.0/" + tty
	b.link(port+"/subsystem", "sys/bus/usb-serial")
	b.classEntry("tty", tty, port)
}

// classEntry makes sys/class/CLASS/NAME point into the device tree, with
// its "device" link to dev, as the kernel does.
func (b builder) classEntry(class, name, dev string) {
	node := dev + "/" + class + "/" + name
	b.dir(node)
	b.link(node+"/device", dev)
	b.link("sys/class/"+class+"/"+name, node)
}
