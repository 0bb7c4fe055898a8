package printer

import (
	"bytes"
)

// zplEvent is one thing a printer acts on: a complete label format
// (^XA…^XZ) or a control command (~HS, ~PS, ~PP, ~JA, …).
type zplEvent struct {
	format  []byte // set for a format
	control string // "HS", "JA", … for a control command
}

// zplStream splits the bytes a printer receives into events, across any
// split of the input. Control commands (~ and two letters) act at once,
// inside a format too, as on Zebra printers, and are removed from it;
// bytes outside ^XA…^XZ are ignored. A format longer than maxFormat is
// dropped.
type zplStream struct {
	buf      []byte
	inFormat bool
	format   []byte
	dropping bool
}

const maxFormat = 4 << 20

// feed adds bytes and returns the events they complete.
func (s *zplStream) feed(b []byte) []zplEvent {
	s.buf = append(s.buf, b...)
	var out []zplEvent
	i := 0
	for i < len(s.buf) {
		c := s.buf[i]
		if c != '^' && c != '~' {
			if s.inFormat {
				s.keep(c)
			}
			i++
			continue
		}
		if len(s.buf)-i < 3 {
			break // wait for the command letters
		}
		cmd := string(bytes.ToUpper(s.buf[i+1 : i+3]))
		switch {
		case c == '~':
			out = append(out, zplEvent{control: cmd})
			i += 3
		case cmd == "XA" && !s.inFormat:
			s.inFormat, s.format, s.dropping = true, append(s.format[:0], "^XA"...), false
			i += 3
		case cmd == "XZ" && s.inFormat:
			s.inFormat = false
			if !s.dropping {
				out = append(out, zplEvent{format: append(append([]byte(nil), s.format...), "^XZ"...)})
			}
			i += 3
		default:
			if s.inFormat {
				s.keep(c)
			}
			i++
		}
	}
	s.buf = append(s.buf[:0], s.buf[i:]...)
	return out
}

func (s *zplStream) keep(c byte) {
	if len(s.format) >= maxFormat {
		s.dropping = true
		return
	}
	s.format = append(s.format, c)
}
