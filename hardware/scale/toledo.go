package scale

import (
	"fmt"
	"strings"

	"depot/hardware/serialport"
)

// Toledo is the Mettler Toledo 8213/8217 "demand" protocol: the host sends
// one byte (`W` weight, `Z` zero, `T` tare, `C` clear tare), the scale
// answers `STX <weight> [N] CR`, or `STX ? <status> CR` when the weight is
// not valid. The frame has no unit, so Unit says which one the scale shows.
type Toledo struct {
	Unit Unit
}

// Name implements Protocol.
func (Toledo) Name() string { return "toledo" }

// Mode is 9600 7E1.
func (Toledo) Mode() serialport.Mode {
	return serialport.Mode{Baud: 9600, DataBits: 7, Parity: 'E', StopBits: 1}
}

// Request is the single byte `W`.
func (Toledo) Request() []byte { return []byte("W") }

// Command: `Z`, `T`, `C`; the scale does not answer them.
func (Toledo) Command(op Op) ([]byte, bool) {
	return []byte{"ZTC"[op]}, false
}

// CheckReply is never called: these commands get no answer.
func (Toledo) CheckReply(Op, []byte) error { return nil }

// Split frames run from STX to CR.
func (Toledo) Split(data []byte, atEOF bool) (int, []byte, error) {
	return splitTerm(data, 0x02, "\r")
}

// Parse reads `STX "  1.234" [N] CR` or `STX ? <status> CR`. Status bits
// 0–2 (motion, over capacity, under zero) are read; any other reason for an
// invalid weight is reported as Fault.
func (t Toledo) Parse(frame []byte) (Reading, error) {
	b := mask7(frame)
	if len(b) < 3 || b[0] != 0x02 || b[len(b)-1] != '\r' {
		return Reading{}, fmt.Errorf("toledo frame %q: want STX ... CR", frame)
	}
	body := b[1 : len(b)-1]
	if body[0] == '?' {
		if len(body) != 2 {
			return Reading{}, fmt.Errorf("toledo frame %q: want one status byte after ?", frame)
		}
		s := body[1]
		switch {
		case s&2 != 0:
			return Reading{Status: Overload}, nil
		case s&4 != 0:
			return Reading{Status: UnderZero}, nil
		case s&1 != 0:
			return Reading{Status: Motion}, nil
		}
		return Reading{Status: Fault}, nil
	}
	if body == "E" {
		return Reading{}, ErrNotWeight
	}
	net := strings.HasSuffix(body, "N")
	body = strings.TrimSuffix(body, "N")
	if strings.ContainsAny(body, "+-") {
		return Reading{}, fmt.Errorf("toledo weight %q: a valid weight has no sign", body)
	}
	u := t.Unit
	if u == "" {
		u = LB
	}
	r, err := weighed(body, u, Stable)
	if err != nil {
		return Reading{}, fmt.Errorf("toledo: %v", err)
	}
	r.Net = net
	return r, nil
}

// NewSim implements Protocol.
func (Toledo) NewSim(st *SimState) Sim { return &toledoSim{st: st} }

type toledoSim struct {
	st   *SimState
	echo bool
}

func (s *toledoSim) SplitCommand(data []byte, atEOF bool) (int, []byte, error) {
	return splitBytes(1)(data, atEOF)
}

func (s *toledoSim) Stream() []byte { return nil }

// Handle answers one command byte. `E` starts the echo test Odoo uses to
// detect the scale (`Ehello` → "\x02E\rhello"); `F` ends it.
func (s *toledoSim) Handle(cmd []byte) []byte {
	c := cmd[0] & 0x7f
	if s.echo {
		if c == 'F' {
			s.echo = false
			return nil
		}
		return []byte{c}
	}
	switch c {
	case 'W':
		return s.weight()
	case 'H':
		s.st.SetHighRes(true)
		defer s.st.SetHighRes(false)
		return s.weight()
	case 'Z':
		s.st.Zero()
	case 'T':
		s.st.Tare()
	case 'C':
		s.st.ClearTare()
	case 'E':
		s.echo = true
		return []byte("\x02E\r")
	}
	return nil
}

func (s *toledoSim) weight() []byte {
	v := s.st.View()
	st := byte(0x40)
	switch {
	case v.Status == Motion:
		st |= 1
	case v.Status == Overload:
		st |= 2
	case v.Status == UnderZero || v.Value < 0:
		st |= 4
	case v.Status == Fault:
		st |= 8
	}
	if st != 0x40 {
		return []byte{0x02, '?', st, '\r'}
	}
	n := ""
	if v.Net {
		n = "N"
	}
	return []byte("\x02" + padFixed(v.Value, v.Decimals, 7, ' ') + n + "\r")
}
