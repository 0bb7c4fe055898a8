package station

import (
	"context"

	"depot/hardware"
	"depot/hardware/hidconn"
	"depot/hardware/scale"
)

// hid: scale addresses reach the scale through hidconn (karalabe/hid);
// each Read returns one input report, as the hid-report protocol wants.
func init() {
	scale.RegisterTransport(hardware.SchemeHID, func(ctx context.Context, a hardware.Address) (hardware.Conn, error) {
		return hidconn.Open(hidconn.USB, a.String())
	}, "hid-report")
}
