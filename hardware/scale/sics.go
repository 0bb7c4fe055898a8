package scale

import (
	"fmt"
	"regexp"
	"strings"
	"sync"

	"depot/hardware/serialport"
)

// SICS is the Mettler Toledo Standard Interface Command Set (MT-SICS): ASCII
// commands and replies ending in CR LF. The driver polls with `SI` (weight
// now, stable or not); replies are `S S <value> <unit>` (stable), `S D ...`
// (dynamic), `S +` (overload), `S -` (underload), `S I` (not executable).
type SICS struct{}

// Name implements Protocol.
func (SICS) Name() string { return "sics" }

// Mode is 9600 8N1.
func (SICS) Mode() serialport.Mode {
	return serialport.Mode{Baud: 9600, DataBits: 8, Parity: 'N', StopBits: 1}
}

// Request is `SI CR LF`.
func (SICS) Request() []byte { return []byte("SI\r\n") }

// Command: `Z` zero, `T` tare, `TAC` clear tare; each is answered.
func (SICS) Command(op Op) ([]byte, bool) {
	return []byte([...]string{"Z\r\n", "T\r\n", "TAC\r\n"}[op]), true
}

// Split frames end in CR LF.
func (SICS) Split(data []byte, atEOF bool) (int, []byte, error) {
	return splitTerm(data, 0, "\r\n")
}

var (
	// Unanchored at the start, so garbage glued to the front of a reply is skipped.
	sicsWeight = regexp.MustCompile(`(S|T|TA) +([SD]) +([-+]? *[0-9.]+) +([A-Za-z]+)$`)
	sicsStatus = regexp.MustCompile(`(S|SI|T|TI|TA|TAC|Z|ZI) +([IL+\-A])$`)
	sicsError  = regexp.MustCompile(`(ES|ET|EL)$`)
)

var sicsErrors = map[string]string{
	"ES": "syntax error (unknown command)",
	"ET": "transmission error (parity or break)",
	"EL": "logical error (not executable)",
	"I":  "not executable (busy, or no stable weight in time)",
	"L":  "logical error (wrong parameter)",
}

func sicsLine(frame []byte) string {
	return strings.TrimRight(mask7(frame), "\r\n ")
}

// Parse reads the reply to S, SI or SIR.
func (SICS) Parse(frame []byte) (Reading, error) {
	line := sicsLine(frame)
	if m := sicsWeight.FindStringSubmatch(line); m != nil {
		if m[1] != "S" {
			return Reading{}, ErrNotWeight
		}
		unit, err := ParseUnit(m[4])
		if err != nil {
			return Reading{}, fmt.Errorf("sics %q: %v", line, err)
		}
		st := Stable
		if m[2] == "D" {
			st = Motion
		}
		r, err := weighed(m[3], unit, st)
		if err != nil {
			return Reading{}, fmt.Errorf("sics: %v", err)
		}
		return r, nil
	}
	if m := sicsStatus.FindStringSubmatch(line); m != nil {
		if m[1] != "S" && m[1] != "SI" {
			return Reading{}, ErrNotWeight
		}
		switch m[2] {
		case "+":
			return Reading{Status: Overload}, nil
		case "-":
			return Reading{Status: UnderZero}, nil
		}
		return Reading{}, fmt.Errorf("sics %q: %s", line, sicsErrors[m[2]])
	}
	if m := sicsError.FindStringSubmatch(line); m != nil {
		return Reading{}, fmt.Errorf("sics: the scale answered %s: %s", m[1], sicsErrors[m[1]])
	}
	return Reading{}, fmt.Errorf("sics frame %q: not a reply", line)
}

// CheckReply reads `Z A`, `T S <tare> <unit>`, `TAC A`; `I`, `+`, `-` are refusals.
func (SICS) CheckReply(op Op, frame []byte) error {
	line := sicsLine(frame)
	want := [...]string{"Z", "T", "TAC"}[op]
	if m := sicsWeight.FindStringSubmatch(line); m != nil && m[1] == want && op == OpTare {
		return nil
	}
	if m := sicsStatus.FindStringSubmatch(line); m != nil && m[1] == want {
		switch m[2] {
		case "A":
			return nil
		case "+", "-":
			return fmt.Errorf("sics %s: %w: outside the range (%s)", op, ErrRefused, line)
		}
		return fmt.Errorf("sics %s: %w: %s", op, ErrRefused, sicsErrors[m[2]])
	}
	if m := sicsError.FindStringSubmatch(line); m != nil {
		if m[1] == "ES" {
			return fmt.Errorf("sics %s: %w", op, ErrUnsupported)
		}
		return fmt.Errorf("sics %s: %s", op, sicsErrors[m[1]])
	}
	return fmt.Errorf("sics %s: unexpected reply %q", op, line)
}

// NewSim implements Protocol.
func (SICS) NewSim(st *SimState) Sim { return &sicsSim{st: st} }

type sicsSim struct {
	st  *SimState
	mu  sync.Mutex
	sir bool // SIR: repeat SI until another command
}

func (s *sicsSim) SplitCommand(data []byte, atEOF bool) (int, []byte, error) {
	return splitTerm(data, 0, "\n")
}

func (s *sicsSim) Stream() []byte {
	s.mu.Lock()
	on := s.sir
	s.mu.Unlock()
	if !on {
		return nil
	}
	return s.weight("SI", s.st.View())
}

func (s *sicsSim) Handle(cmd []byte) []byte {
	c := strings.ToUpper(strings.TrimSpace(string(cmd)))
	s.mu.Lock()
	s.sir = c == "SIR"
	s.mu.Unlock()
	v := s.st.View()
	switch c {
	case "S", "SI", "SIR":
		return s.weight(c, v)
	case "Z", "ZI":
		if v.Status == Motion && c == "Z" {
			return []byte("Z I\r\n")
		}
		if err := s.st.Zero(); err != nil {
			if v.Value > 0 {
				return []byte("Z +\r\n")
			}
			return []byte("Z -\r\n")
		}
		return []byte("Z A\r\n")
	case "T":
		if err := s.st.Tare(); err != nil {
			return []byte("T I\r\n")
		}
		v = s.st.View()
		tare := s.st.tareView(v)
		return []byte(fmt.Sprintf("T S %10s %s\r\n", FormatFixed(tare, v.Decimals), v.Unit))
	case "TAC":
		s.st.ClearTare()
		return []byte("TAC A\r\n")
	case "@", "I4":
		return []byte("I4 A \"0123456789\"\r\n")
	}
	return []byte("ES\r\n")
}

// weight answers S (stable only) or SI/SIR (stable or dynamic), in the
// manual's layout: value right-aligned in 10 characters.
func (s *sicsSim) weight(cmd string, v View) []byte {
	switch v.Status {
	case Overload:
		return []byte("S +\r\n")
	case UnderZero:
		return []byte("S -\r\n")
	case Fault:
		return []byte("S I\r\n")
	case Motion:
		if cmd == "S" {
			return []byte("S I\r\n") // no stable weight in time
		}
		return []byte(fmt.Sprintf("S D %10s %s\r\n", FormatFixed(v.Value, v.Decimals), v.Unit))
	}
	return []byte(fmt.Sprintf("S S %10s %s\r\n", FormatFixed(v.Value, v.Decimals), v.Unit))
}
