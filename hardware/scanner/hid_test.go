package scanner

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"depot/hardware"
	"depot/hardware/hidconn"
	"depot/hardware/hidconn/hidtest"
)

var honeywell = hidconn.Info{Path: "1-1.2:1.0", VID: 0x0c2e, PID: 0x0b8f, Serial: "17010B0C99", Manufacturer: "Honeywell", Product: "Voyager 1400g"}

// TestHIDScannerThroughReader runs the whole HID path: hid: address,
// hidconn.Conn, the report decoder and the Reader, with an unplug in the
// middle of a scan and a replug.
func TestHIDScannerThroughReader(t *testing.T) {
	b := hidtest.New(honeywell)
	a, err := hardware.ParseAddress("hid:0c2e:0b8f")
	if err != nil {
		t.Fatal(err)
	}
	dec, err := NewDecoder(a)
	if err != nil {
		t.Fatal(err)
	}
	r := &Reader{
		Name:    "hid:0c2e:0b8f",
		Open:    func(context.Context) (hardware.Conn, error) { return OpenHID(b, "hid:0c2e:0b8f") },
		Decoder: dec,
	}
	scans := startReader(t, r)
	waitState(t, r, "connected", func(s State) bool { return s.Connected })

	gs1 := "0109501101530003" + "17261231" + "10" + strings.Repeat("7", 30) + "\x1d" + "21SN00042"
	dev := b.Device(honeywell.Path)
	for _, rep := range honeywellReports("]d2", gs1) {
		dev.Send(rep)
	}
	if s := nextScan(t, scans); s.Data != gs1 || s.AIM != "]d2" || !s.GS1 || s.Symbology != SymGS1DataMatrix {
		t.Errorf("scan %+v", s)
	}

	// Unplug after the first report of a two-report scan; replug; scan again.
	dev.Send(honeywellReport("]C1", "0109501101530003", 'I', true))
	waitState(t, r, "the half scan read", func(State) bool { return dev.Pending() == 0 })
	b.Detach(honeywell.Path)
	waitState(t, r, "the unplug noticed", func(s State) bool {
		return !s.Connected && strings.Contains(s.LastError, "scanner hid:0c2e:0b8f: open: hid:0c2e:0b8f: no HID device hid:0c2e:0b8f is attached")
	})
	dev = b.Attach(honeywell)
	waitState(t, r, "reconnected", func(s State) bool { return s.Connected && s.Reconnects == 1 })
	dev.Send(honeywellReport("]E0", "5901234123457", 'd', false))
	if s := nextScan(t, scans); s.Data != "5901234123457" || s.AIM != "]E0" {
		t.Errorf("scan after replug %+v (the half scan must be dropped, not glued)", s)
	}
	if st := r.State(); st.Scans != 2 || st.Refused != 0 {
		t.Errorf("state %+v", st)
	}
	// The replugged scanner was switched to HID POS mode again.
	if f := dev.Features(); len(f) != 1 || !bytes.Equal(f[0], []byte{0xFE, 0x01}) {
		t.Errorf("feature reports after replug % x, want fe 01", f)
	}
}

func TestNewDecoder(t *testing.T) {
	for _, tc := range []struct {
		addr   string
		stream string
		want   []result
	}{
		{"serial:/dev/ttyACM0", "]C0A1\r\n", []result{{data: "A1", aim: "]C0"}}},
		{"serial:/dev/ttyACM0?suffix=tab", "]C0A\r1\t", []result{{data: "A\r1", aim: "]C0"}}},
		{"serial:/dev/ttyUSB0?baud=9600&prefix=stx&suffix=etx", "x\x02]C0A1\x03", []result{{data: "A1", aim: "]C0"}}},
		{"tcp:192.0.2.7:4001?suffix=hex:0d0a&aim=off", "]C0A1\r\n", []result{{data: "]C0A1"}}},
	} {
		a, err := hardware.ParseAddress(tc.addr)
		if err != nil {
			t.Fatal(err)
		}
		d, err := NewDecoder(a)
		if err != nil {
			t.Errorf("%s: %v", tc.addr, err)
			continue
		}
		checkResults(t, collect(d, tc.stream), tc.want)
	}
	for _, tc := range []struct{ addr, msg string }{
		{"serial:/dev/ttyACM0?suffix=semicolon", `scanner serial:/dev/ttyACM0?suffix=semicolon: suffix: "semicolon": want cr, lf, crlf, tab, stx, etx or hex:HH`},
		{"serial:/dev/ttyACM0?prefix=hex:zz", `prefix: "hex:zz": want 1 to 8 bytes in hex`},
		{"serial:/dev/ttyACM0?aim=maybe", `aim "maybe": want on or off`},
	} {
		a, err := hardware.ParseAddress(tc.addr)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := NewDecoder(a); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("NewDecoder(%s) = %v, want %q", tc.addr, err, tc.msg)
		}
	}
}
