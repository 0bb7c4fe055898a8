package hidconn

import (
	"errors"

	"github.com/karalabe/hid"
)

// USB is the real backend: github.com/karalabe/hid, which on Linux compiles
// hidapi's libusb backend. It needs cgo; without it Enumerate lists
// nothing and Open fails with ErrNoHIDSupport. It sees only devices whose
// /dev/bus/usb node the process may open, none inside most containers, and
// Open detaches the kernel driver while the device is open (a keyboard-wedge
// scanner stops typing until Close).
var USB Backend = usbBackend{}

// ErrNoHIDSupport is returned by USB.Open in a binary built without cgo.
var ErrNoHIDSupport = errors.New("this depot binary was built without cgo and has no HID support")

type usbBackend struct{}

func (usbBackend) Enumerate(vid, pid uint16) ([]Info, error) {
	if !hid.Supported() {
		return nil, nil
	}
	devs, err := hid.Enumerate(vid, pid)
	if err != nil {
		return nil, err
	}
	infos := make([]Info, 0, len(devs))
	for _, d := range devs {
		infos = append(infos, Info{Path: d.Path, VID: d.VendorID, PID: d.ProductID, Release: d.Release,
			Serial: d.Serial, Manufacturer: d.Manufacturer, Product: d.Product, Interface: d.Interface})
	}
	return infos, nil
}

func (usbBackend) Open(in Info) (Device, error) {
	if !hid.Supported() {
		return nil, ErrNoHIDSupport
	}
	return hid.DeviceInfo{Path: in.Path, VendorID: in.VID, ProductID: in.PID, Interface: in.Interface}.Open()
}
