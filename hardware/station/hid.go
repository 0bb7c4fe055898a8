package station

import (
	"context"

	"depot/hardware"
	"depot/hardware/hidconn"
	"depot/hardware/scale"
)

// hidBackend reaches HID devices: karalabe/hid on a real box, a fake in
// tests.
var hidBackend hidconn.Backend = hidconn.USB

// hid: scale addresses reach the scale through hidconn (karalabe/hid);
// each Read returns one input report, as the hid-report protocol wants.
// Importing this package registers the transport for every scale.Open in
// the program (depot devices read too).
func init() {
	scale.RegisterTransport(hardware.SchemeHID, func(ctx context.Context, a hardware.Address) (hardware.Conn, error) {
		return hidconn.Open(hidBackend, a.String())
	}, "hid-report")
}
