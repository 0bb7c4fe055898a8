package station

import (
	"testing"
	"time"

	"depot/hardware/hidconn"
	"depot/hardware/hidconn/hidtest"
)

// A station with a USB postal scale and a HID POS scanner, through the
// hid: transport this package registers, over the in-memory HID backend
// (libusb sees no devices in a container).
func TestManagerHIDDevices(t *testing.T) {
	fake := hidtest.New()
	scaleDev := fake.Attach(hidconn.Info{Path: "1-1:1.0", VID: 0x0922, PID: 0x8003, Product: "DYMO M10"})
	scanDev := fake.Attach(hidconn.Info{Path: "1-2:1.0", VID: 0x0c2e, PID: 0x0b61, Product: "Honeywell 1900"})
	old := hidBackend
	hidBackend = fake
	defer func() { hidBackend = old }()

	m := NewManager(Options{Log: quiet})
	defer m.Close()
	sub := m.Subscribe()
	defer sub.Cancel()
	if err := m.Set("HID", "", Config{Scale: "hid:0922:8003", Scanner: "hid:0c2e:0b61"}); err != nil {
		t.Fatal(err)
	}
	// 1.250 kg stable: ID 3, status 4, unit 3 (kg), exponent -3, 1250
	// little-endian, streamed ten times a second as the scale does (the
	// driver drops reports queued before it connected as stale).
	stream := func(d *hidtest.Device, rep []byte) func() {
		stop, done := make(chan struct{}), make(chan struct{})
		go func() {
			defer close(done)
			tick := time.NewTicker(100 * time.Millisecond)
			defer tick.Stop()
			for {
				if d.Pending() < 4 {
					d.Send(rep)
				}
				select {
				case <-stop:
					return
				case <-tick.C:
				}
			}
		}()
		return func() { close(stop); <-done }
	}
	stop := stream(scaleDev, []byte{0x03, 0x04, 0x03, 0xFD, 0xE2, 0x04})
	st := waitFor(t, sub, "HID", "weighing", func(s State) bool { return s.Scale.Last == "1.250 kg stable" })
	if !st.Scale.Connected || st.Scale.Sim {
		t.Errorf("scale %+v", st.Scale)
	}
	// A Honeywell HID POS report: ID 2, length, AIM, data, no continuation.
	rep := make([]byte, 64)
	data := "9506000134352"
	rep[0], rep[1] = 0x02, byte(len(data))
	copy(rep[2:], "]E0")
	copy(rep[5:], data)
	scanDev.Send(rep)
	st = waitFor(t, sub, "HID", "scanned", func(s State) bool { return s.Scans == 1 })
	if st.Scan.Data != data || st.Scan.AIM != "]E0" {
		t.Errorf("scan %+v", st.Scan)
	}
	// Unplugging the scale shows up as an error, not a stop.
	stop()
	fake.Detach("1-1:1.0")
	waitFor(t, sub, "HID", "unplugged", func(s State) bool { return !s.Scale.Connected && s.Scale.LastError != "" })
	stop = stream(fake.Attach(hidconn.Info{Path: "1-1:1.0", VID: 0x0922, PID: 0x8003}), []byte{0x03, 0x04, 0x03, 0xFD, 0xD0, 0x07})
	defer stop()
	waitFor(t, sub, "HID", "back", func(s State) bool { return s.Scale.Connected && s.Scale.Last == "2.000 kg stable" })
}
