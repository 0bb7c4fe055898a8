package scale

import (
	"fmt"

	"depot/hardware/serialport"
)

// HIDReport is the 6-byte data report of USB HID POS scales (usage page
// 0x8D): Dymo M5/M10/M25, Stamps.com, USPS/Elane, Mettler PS60-U, Fairbanks
// Ultegra (layout from erjiang/usbscale):
//
//	byte 0   report ID  0x03 (some scales send 0x04)
//	byte 1   status     1 fault, 2 stable at zero, 3 in motion, 4 stable,
//	                    5 under zero, 6 over weight, 7 needs calibration, 8 needs re-zeroing
//	byte 2   unit       1 mg, 2 g, 3 kg, 4 ct, 5 tael, 6 gr, 7 dwt, 8 t, 9 ton, 10 ozt, 11 oz, 12 lb
//	byte 3   exponent   int8, base 10
//	byte 4-5 weight     uint16 little-endian; weight = raw × 10^exponent
//
// The scale streams reports; zero is the control report {0x02, 0x02}. Over a
// byte stream (a pty in the simulator) reports are found by their header.
type HIDReport struct{}

// HID POS scale status codes (byte 1).
const (
	hidFault      = 1
	hidStableZero = 2
	hidMotion     = 3
	hidStable     = 4
	hidUnderZero  = 5
	hidOverWeight = 6
	hidNeedsCal   = 7
	hidNeedsZero  = 8
)

var hidUnits = [...]Unit{1: MG, 2: G, 3: KG, 4: CT, 5: TAEL, 6: GR, 7: DWT, 8: T, 9: TON, 10: OZT, 11: OZ, 12: LB}

// Name implements Protocol.
func (HIDReport) Name() string { return "hid-report" }

// Mode only matters when reports travel over a serial line (the simulator).
func (HIDReport) Mode() serialport.Mode {
	return serialport.Mode{Baud: 9600, DataBits: 8, Parity: 'N', StopBits: 1}
}

// Request is nil: HID scales stream reports.
func (HIDReport) Request() []byte { return nil }

// Command: zero is the control report {0x02, 0x02} (bit 1 = Zero Scale). HID
// POS has no tare report.
func (HIDReport) Command(op Op) ([]byte, bool) {
	if op == OpZero {
		return []byte{0x02, 0x02}, false
	}
	return nil, false
}

// CheckReply is never called: the zero report is not answered.
func (HIDReport) CheckReply(Op, []byte) error { return nil }

func hidHeader(b []byte) bool {
	return (b[0] == 3 || b[0] == 4) && b[1] >= 1 && b[1] <= 8 && b[2] >= 1 && b[2] <= 12
}

// Split finds 6-byte reports by a plausible header (ID 3 or 4, status 1–8,
// unit 1–12), skipping bytes that cannot start one.
func (HIDReport) Split(data []byte, atEOF bool) (int, []byte, error) {
	for i := 0; i+3 <= len(data); i++ {
		if hidHeader(data[i:]) {
			if len(data) < i+6 {
				return i, nil, nil
			}
			return i + 6, data[i : i+6], nil
		}
	}
	if len(data) > 2 {
		return len(data) - 2, nil, nil
	}
	return 0, nil, nil
}

// Parse reads one data report.
func (HIDReport) Parse(rep []byte) (Reading, error) {
	if len(rep) != 6 {
		return Reading{}, fmt.Errorf("hid scale report % x: want 6 bytes, got %d", rep, len(rep))
	}
	if rep[0] != 3 && rep[0] != 4 {
		return Reading{}, fmt.Errorf("hid scale report % x: report ID 0x%02x is not a data report (want 0x03 or 0x04)", rep, rep[0])
	}
	if rep[2] == 0 || int(rep[2]) >= len(hidUnits) {
		return Reading{}, fmt.Errorf("hid scale report % x: unit code %d unknown", rep, rep[2])
	}
	unit := hidUnits[rep[2]]
	exp := int(int8(rep[3]))
	if exp < -9 || exp > 9 {
		return Reading{}, fmt.Errorf("hid scale report % x: exponent %d out of range", rep, exp)
	}
	raw := int64(rep[4]) | int64(rep[5])<<8
	r := Reading{Unit: unit}
	switch rep[1] {
	case hidFault, hidNeedsCal, hidNeedsZero:
		return Reading{Status: Fault}, nil
	case hidOverWeight:
		return Reading{Status: Overload}, nil
	case hidUnderZero:
		return Reading{Status: UnderZero}, nil
	case hidMotion:
		r.Status = Motion
	case hidStable, hidStableZero:
		r.Status = Stable
	default:
		return Reading{}, fmt.Errorf("hid scale report % x: status %d unknown", rep, rep[1])
	}
	r.HasWeight, r.Value = true, raw
	if exp < 0 {
		r.Decimals = -exp
	}
	for ; exp > 0; exp-- {
		r.Value *= 10
	}
	mg, err := ToMg(r.Value, r.Decimals, unit)
	if err != nil {
		return Reading{}, err
	}
	r.WeightMg = mg
	return r, nil
}

// NewSim implements Protocol.
func (HIDReport) NewSim(st *SimState) Sim { return hidSim{st: st} }

type hidSim struct{ st *SimState }

// SplitCommand cuts 2-byte control reports.
func (hidSim) SplitCommand(data []byte, atEOF bool) (int, []byte, error) {
	return splitBytes(2)(data, atEOF)
}

// Handle obeys the control report {0x02, bits}: bit 1 zero scale.
func (s hidSim) Handle(cmd []byte) []byte {
	if cmd[0] == 0x02 && cmd[1]&2 != 0 {
		s.st.Zero()
	}
	return nil
}

// Stream is the data report for the current state.
func (s hidSim) Stream() []byte {
	v := s.st.View()
	code := byte(0)
	for c, u := range hidUnits {
		if u == v.Unit && c > 0 {
			code = byte(c)
		}
	}
	rep := []byte{0x03, hidStable, code, byte(int8(-v.Decimals)), 0, 0}
	val := v.Value
	switch {
	case code == 0 || v.Status == Fault:
		rep[1] = hidFault
	case v.Status == Overload || val > 0xffff:
		rep[1] = hidOverWeight
	case v.Status == UnderZero || val < 0:
		rep[1], val = hidUnderZero, 0
	case v.Status == Motion:
		rep[1] = hidMotion
	case val == 0:
		rep[1] = hidStableZero
	}
	if code == 0 {
		rep[2] = 2 // a unit HID cannot name: report a fault in grams
	}
	if rep[1] != hidOverWeight {
		rep[4], rep[5] = byte(val), byte(val>>8)
	}
	return rep
}
