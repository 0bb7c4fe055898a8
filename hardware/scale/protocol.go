package scale

import (
	"bufio"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"depot/hardware/serialport"
)

// Protocol is one scale protocol as pure functions of bytes: no I/O, so the
// same code serves a real port, a pty, a TCP socket and the tests.
type Protocol interface {
	// Name is the protocol's address name: nci, toledo, sics, hid-report, line.
	Name() string
	// Mode is the factory serial setting; the address may override it.
	Mode() serialport.Mode
	// Request is the poll command; nil means the scale streams on its own.
	Request() []byte
	// Split cuts frames out of the byte stream (a bufio.SplitFunc). It skips
	// garbage before a frame's start.
	Split(data []byte, atEOF bool) (advance int, token []byte, err error)
	// Parse reads one weight frame.
	Parse(frame []byte) (Reading, error)
	// Command returns the bytes for op and whether the scale answers them;
	// nil when the protocol has no such command.
	Command(op Op) (cmd []byte, reply bool)
	// CheckReply reads the answer to op: nil when the scale did it.
	CheckReply(op Op, frame []byte) error
	// NewSim returns the device side of the protocol over st.
	NewSim(st *SimState) Sim
}

// Sim is the device side of a protocol: it answers host commands from the
// simulated scale's physical state, byte for byte as the manual shows.
type Sim interface {
	// SplitCommand cuts host commands out of the bytes the host wrote.
	SplitCommand(data []byte, atEOF bool) (advance int, token []byte, err error)
	// Handle answers one command (nil: no answer).
	Handle(cmd []byte) []byte
	// Stream is the next frame of a continuous output, nil for demand protocols.
	Stream() []byte
}

// Op is a command to the scale.
type Op int

// Commands. Not every protocol has every one.
const (
	OpZero Op = iota
	OpTare
	OpClearTare
)

func (o Op) String() string {
	return [...]string{"zero", "tare", "clear tare"}[o]
}

// ErrUnsupported is returned for a command the protocol does not have.
var ErrUnsupported = errors.New("the protocol has no such command")

// ErrRefused wraps a scale's refusal of a command (motion, outside the zero range).
var ErrRefused = errors.New("refused by the scale")

// ErrNotWeight is returned by Parse for a well-formed frame that is not a
// weight (an acknowledgement, an echo).
var ErrNotWeight = errors.New("frame is not a weight")

// Protocols is the list of built-in protocol names.
func Protocols() []string {
	return []string{"nci", "toledo", "sics", "hid-report", "line"}
}

// Lookup returns a protocol by name with settings from the address: toledo
// takes `unit` (the 8213 frame has none; default lb), line takes `model`.
func Lookup(name string, params url.Values) (Protocol, error) {
	switch strings.ToLower(name) {
	case "nci", "scp-01", "scp01":
		return NCI{}, nil
	case "toledo", "8213", "8217":
		u := LB
		if v := params.Get("unit"); v != "" {
			var err error
			if u, err = ParseUnit(v); err != nil {
				return nil, fmt.Errorf("protocol toledo: %v", err)
			}
		}
		return Toledo{Unit: u}, nil
	case "sics", "mt-sics":
		return SICS{}, nil
	case "hid-report", "hid", "hid-scale":
		return HIDReport{}, nil
	case "line":
		m := params.Get("model")
		lm, ok := LineModelByName(m)
		if !ok {
			return nil, fmt.Errorf("protocol line: model %q unknown (known: %s)", m, strings.Join(LineModelNames(), ", "))
		}
		return Line{Model: lm}, nil
	}
	names := Protocols()
	sort.Strings(names)
	return nil, fmt.Errorf("protocol %q unknown (want one of %s)", name, strings.Join(names, ", "))
}

// splitTerm is a SplitFunc for frames ending in term that may begin with the
// start byte (0 for none). Bytes before the last start byte in front of the
// terminator are garbage and skipped.
func splitTerm(data []byte, start byte, term string) (int, []byte, error) {
	i := strings.Index(string(data), term)
	if i < 0 {
		if start != 0 {
			// Drop garbage before the newest start byte; keep waiting.
			if s := lastByte(data, start); s > 0 {
				return s, nil, nil
			} else if s < 0 && len(data) > 0 {
				return len(data), nil, nil
			}
		}
		return 0, nil, nil
	}
	end := i + len(term)
	from := 0
	if start != 0 {
		s := lastByte(data[:i], start)
		if s < 0 {
			return end, nil, nil // a terminator without a start: garbage
		}
		from = s
	}
	return end, data[from:end], nil
}

func lastByte(b []byte, c byte) int {
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] == c {
			return i
		}
	}
	return -1
}

// splitBytes hands out commands of fixed length n (Toledo's one-byte commands).
func splitBytes(n int) bufio.SplitFunc {
	return func(data []byte, atEOF bool) (int, []byte, error) {
		if len(data) < n {
			return 0, nil, nil
		}
		return n, data[:n], nil
	}
}

// mask7 strips the parity bit from every byte: 7-bit protocols may arrive
// with it set (a pty passes it through).
func mask7(b []byte) string {
	out := make([]byte, len(b))
	for i, c := range b {
		out[i] = c & 0x7f
	}
	return string(out)
}
