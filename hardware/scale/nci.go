package scale

import (
	"bytes"
	"fmt"
	"strings"

	"depot/hardware/serialport"
)

// NCI is the NCI / Avery Weigh-Tronix standard protocol (control document
// SCP-01): the host sends `W CR`, the scale answers
// `LF <weight><unit> CR LF <status bytes> CR ETX`, e.g. "\n0012.34lb\r\n00\r\x03".
type NCI struct{}

// Name implements Protocol.
func (NCI) Name() string { return "nci" }

// Mode is 9600 7E1, the usual factory setting.
func (NCI) Mode() serialport.Mode {
	return serialport.Mode{Baud: 9600, DataBits: 7, Parity: 'E', StopBits: 1}
}

// Request is `W CR`.
func (NCI) Request() []byte { return []byte("W\r") }

// Command: `Z CR` zero, `T CR` tare; both answer with a status frame.
func (NCI) Command(op Op) ([]byte, bool) {
	switch op {
	case OpZero:
		return []byte("Z\r"), true
	case OpTare:
		return []byte("T\r"), true
	}
	return nil, false
}

// Split frames end in CR ETX and start at LF; a weight frame holds a second
// LF, so the start is found from the end.
func (NCI) Split(data []byte, atEOF bool) (int, []byte, error) {
	i := bytes.Index(data, []byte("\r\x03"))
	if i < 0 {
		f := bytes.IndexByte(data, '\n')
		if f < 0 {
			return len(data), nil, nil
		}
		return f, nil, nil
	}
	end := i + 2
	s1 := lastByte(data[:i], '\n')
	if s1 < 0 {
		return end, nil, nil
	}
	from := s1
	if s1 >= 2 && data[s1-1] == '\r' {
		if s0 := lastByte(data[:s1-1], '\n'); s0 >= 0 {
			from = s0
		}
	}
	return end, data[from:end], nil
}

// nciStatus is the decoded status bytes.
type nciStatus struct {
	motion, atZero, under, over, fault, net bool
}

func parseNCIStatus(s string) (nciStatus, error) {
	var st nciStatus
	if len(s) < 2 || len(s) > 4 {
		return st, fmt.Errorf("nci status %q: want 2 to 4 status bytes", s)
	}
	for i := 0; i < len(s); i++ {
		c := s[i] & 0x7f
		if c&0x30 != 0x30 {
			return st, fmt.Errorf("nci status %q: byte %d (0x%02x) lacks bits 4 and 5", s, i+1, s[i])
		}
		b := c & 0x0f
		switch i {
		case 0:
			st.motion, st.atZero, st.fault = b&1 != 0, b&2 != 0, b&0xc != 0
		case 1:
			st.under, st.over, st.fault = b&1 != 0, b&2 != 0, st.fault || b&0xc != 0
		case 2:
			st.net, st.fault = b&4 != 0, st.fault || b&8 != 0
		}
	}
	return st, nil
}

func (s nciStatus) status() Status {
	switch {
	case s.fault:
		return Fault
	case s.over:
		return Overload
	case s.under:
		return UnderZero
	case s.motion:
		return Motion
	}
	return Stable
}

// body returns the parts of a frame between LF and CR ETX.
func nciParts(frame []byte) ([]string, error) {
	b := mask7(frame)
	if len(b) < 4 || b[0] != '\n' || !strings.HasSuffix(b, "\r\x03") {
		return nil, fmt.Errorf("nci frame %q: want LF ... CR ETX", frame)
	}
	parts := strings.Split(b[1:len(b)-2], "\r\n")
	if len(parts) > 2 {
		return nil, fmt.Errorf("nci frame %q: more than a weight and a status", frame)
	}
	if len(parts) == 1 && parts[0] == "?" {
		return nil, fmt.Errorf("nci: %w: the scale answered ? (unknown command)", ErrUnsupported)
	}
	return parts, nil
}

// Parse reads a weight frame or a status-only frame (no weight).
func (NCI) Parse(frame []byte) (Reading, error) {
	parts, err := nciParts(frame)
	if err != nil {
		return Reading{}, err
	}
	st, err := parseNCIStatus(parts[len(parts)-1])
	if err != nil {
		return Reading{}, err
	}
	r := Reading{Status: st.status(), Net: st.net}
	if len(parts) == 1 {
		return r, nil
	}
	field := parts[0]
	num := strings.TrimRight(field, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
	unitText := field[len(num):]
	num = strings.TrimSpace(num)
	switch {
	case num != "" && strings.Trim(num, "^") == "":
		r.Status = Overload
		return r, nil
	case num != "" && strings.Trim(num, "_") == "":
		r.Status = UnderZero
		return r, nil
	}
	unit, err := ParseUnit(unitText)
	if err != nil {
		return Reading{}, fmt.Errorf("nci weight %q: %v", field, err)
	}
	w, err := weighed(num, unit, r.Status)
	if err != nil {
		return Reading{}, fmt.Errorf("nci: %v", err)
	}
	w.Net = st.net
	if w.Status == Overload || w.Status == Fault {
		w = Reading{Status: w.Status}
	}
	return w, nil
}

// CheckReply reads the status frame after Z or T: motion means refused.
func (NCI) CheckReply(op Op, frame []byte) error {
	parts, err := nciParts(frame)
	if err != nil {
		return err
	}
	st, err := parseNCIStatus(parts[len(parts)-1])
	if err != nil {
		return err
	}
	if st.motion {
		return fmt.Errorf("nci %s: %w: in motion", op, ErrRefused)
	}
	return nil
}

// NewSim implements Protocol.
func (NCI) NewSim(st *SimState) Sim { return &nciSim{st: st} }

type nciSim struct{ st *SimState }

func (s *nciSim) SplitCommand(data []byte, atEOF bool) (int, []byte, error) {
	return splitTerm(data, 0, "\r")
}

func (s *nciSim) Stream() []byte { return nil }

func (s *nciSim) Handle(cmd []byte) []byte {
	switch strings.ToUpper(strings.Trim(string(cmd), "\r\n ")) {
	case "W":
		return s.weight(s.st.View())
	case "H":
		s.st.SetHighRes(true)
		defer s.st.SetHighRes(false)
		return s.weight(s.st.View())
	case "S":
		return s.status(s.st.View())
	case "Z":
		s.st.Zero() // a refusal shows in the status (motion)
		return s.status(s.st.View())
	case "T":
		s.st.Tare()
		return s.status(s.st.View())
	}
	return []byte("\n?\r\x03")
}

func (s *nciSim) statusBytes(v View) string {
	b1, b2 := byte(0x30), byte(0x30)
	switch v.Status {
	case Motion:
		b1 |= 1
	case Fault:
		b1 |= 4 // RAM error
	case Overload:
		b2 |= 2
	case UnderZero:
		b2 |= 1
	}
	if v.AtZero && v.Status == Stable {
		b1 |= 2
	}
	if !v.Net {
		return string([]byte{b1, b2})
	}
	// Bit 6 says another byte follows; byte 3 bit 2 is "net".
	return string([]byte{b1, b2 | 0x40, 0x30 | 4})
}

func (s *nciSim) status(v View) []byte {
	return []byte("\n" + s.statusBytes(v) + "\r\x03")
}

func (s *nciSim) weight(v View) []byte {
	if v.Status == Fault {
		return s.status(v)
	}
	var field string
	switch v.Status {
	case Overload:
		field = "^^^^^^^"
	case UnderZero:
		field = "_______"
	default:
		field = padFixed(v.Value, v.Decimals, 7, '0')
	}
	return []byte("\n" + field + string(v.Unit) + "\r\n" + s.statusBytes(v) + "\r\x03")
}

// padFixed formats value with decimals, padded after the sign with pad to width.
func padFixed(value int64, decimals, width int, pad byte) string {
	t := FormatFixed(value, decimals)
	sign := ""
	if value < 0 {
		sign, t = "-", t[1:]
	}
	if n := width - len(sign) - len(t); n > 0 {
		if pad == ' ' {
			return strings.Repeat(" ", n) + sign + t
		}
		t = strings.Repeat(string(pad), n) + t
	}
	return sign + t
}
