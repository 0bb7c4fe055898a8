// Package printer drives ZPL II label printers over raw TCP (port 9100) and
// USB printer device files (/dev/usb/lpN): it sends labels and reads the
// printer's state with ~HS. Sim is a printer simulator that speaks the same
// bytes over a real socket.
package printer

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// Status is a printer's state from its ~HS host status answer (ZPL II
// programming guide, ~HS; hardware.md §4.2).
type Status struct {
	// NoAnswer means the printer did not answer ~HS in time. Zebra printers
	// stay silent while media or ribbon is out, the head is open, the
	// rewinder is full or the head is too hot: the printer needs attention.
	NoAnswer bool

	PaperOut        bool // line 1, b
	Paused          bool // line 1, c
	LabelLengthDots int  // line 1, dddd
	FormatsInBuffer int  // line 1, eee: formats received, not yet printed
	BufferFull      bool // line 1, f
	CorruptRAM      bool // line 1, j
	UnderTemp       bool // line 1, k
	OverTemp        bool // line 1, l
	HeadOpen        bool // line 2, o: head up
	RibbonOut       bool // line 2, p
	ThermalTransfer bool // line 2, q (false: direct thermal)
	PrintMode       int  // line 2, r: 0 rewind, 1 peel-off, 2 tear-off, 3 cutter, 4 applicator, …
	LabelWaiting    bool // line 2, t: a label waits to be taken (peel-off)
	LabelsRemaining int  // line 2, uuuuuuuu: labels left in the batch
}

// Problems lists what keeps the printer from printing, in words for the
// packer ("paper out", "head open"); empty when it is ready.
func (s Status) Problems() []string {
	if s.NoAnswer {
		return []string{"no answer (check paper, ribbon and head)"}
	}
	var p []string
	for _, c := range []struct {
		on   bool
		what string
	}{
		{s.PaperOut, "paper out"}, {s.HeadOpen, "head open"}, {s.RibbonOut, "ribbon out"},
		{s.Paused, "paused"}, {s.BufferFull, "buffer full"}, {s.CorruptRAM, "corrupt RAM"},
		{s.UnderTemp, "head too cold"}, {s.OverTemp, "head too hot"},
	} {
		if c.on {
			p = append(p, c.what)
		}
	}
	return p
}

// Ready reports whether the printer answered and reports no problem.
func (s Status) Ready() bool { return len(s.Problems()) == 0 }

// String is "ready" or the problems joined by commas, with the formats
// waiting in the buffer.
func (s Status) String() string {
	p := s.Problems()
	out := "ready"
	if len(p) > 0 {
		out = strings.Join(p, ", ")
	}
	if s.FormatsInBuffer > 0 {
		out += fmt.Sprintf(" (%d labels waiting)", s.FormatsInBuffer)
	}
	return out
}

const (
	stx = 0x02
	etx = 0x03
)

// hostStatusComplete reports whether b holds three STX…ETX lines.
func hostStatusComplete(b []byte) bool { return bytes.Count(b, []byte{etx}) >= 3 }

// ParseHostStatus parses a ~HS answer: three lines, each
// <STX>fields<ETX><CR><LF>. Bytes before the first STX are skipped, so
// leftovers of earlier traffic do no harm. Line 1 needs at least 12 fields,
// line 2 at least 11, line 3 at least 2; a flag must be 0 or 1 and a count
// a number. The error names the line and field.
func ParseHostStatus(b []byte) (Status, error) {
	var lines [][]string
	rest := b
	for len(lines) < 3 {
		i := bytes.IndexByte(rest, stx)
		if i < 0 {
			return Status{}, fmt.Errorf("~HS answer: %d of 3 lines (<STX>…<ETX>) in %q", len(lines), b)
		}
		j := bytes.IndexByte(rest[i+1:], etx)
		if j < 0 {
			return Status{}, fmt.Errorf("~HS answer: line %d has no <ETX> in %q", len(lines)+1, b)
		}
		body := rest[i+1 : i+1+j]
		if bytes.IndexByte(body, stx) >= 0 {
			return Status{}, fmt.Errorf("~HS answer: line %d has a second <STX> in %q", len(lines)+1, b)
		}
		lines = append(lines, strings.Split(string(body), ","))
		rest = rest[i+2+j:]
	}
	for i, want := range []int{12, 11, 2} {
		if len(lines[i]) < want {
			return Status{}, fmt.Errorf("~HS answer: line %d has %d fields, want %d: %q", i+1, len(lines[i]), want, strings.Join(lines[i], ","))
		}
	}
	p := fieldParser{lines: lines}
	s := Status{
		PaperOut:        p.flag(0, 1, "paper out"),
		Paused:          p.flag(0, 2, "pause"),
		LabelLengthDots: p.num(0, 3, "label length"),
		FormatsInBuffer: p.num(0, 4, "formats in buffer"),
		BufferFull:      p.flag(0, 5, "buffer full"),
		CorruptRAM:      p.flag(0, 9, "corrupt RAM"),
		UnderTemp:       p.flag(0, 10, "under temperature"),
		OverTemp:        p.flag(0, 11, "over temperature"),
		HeadOpen:        p.flag(1, 2, "head up"),
		RibbonOut:       p.flag(1, 3, "ribbon out"),
		ThermalTransfer: p.flag(1, 4, "thermal transfer"),
		PrintMode:       p.num(1, 5, "print mode"),
		LabelWaiting:    p.flag(1, 7, "label waiting"),
		LabelsRemaining: p.num(1, 8, "labels remaining"),
	}
	if p.err != nil {
		return Status{}, p.err
	}
	return s, nil
}

// fieldParser reads fields and keeps the first error.
type fieldParser struct {
	lines [][]string
	err   error
}

func (p *fieldParser) num(line, field int, name string) int {
	s := strings.TrimSpace(p.lines[line][field])
	n, err := strconv.Atoi(s)
	if (err != nil || n < 0 || s == "" || strings.Trim(s, "0123456789") != "") && p.err == nil {
		p.err = fmt.Errorf("~HS answer: line %d field %d (%s) is %q, not a number", line+1, field+1, name, s)
	}
	return n
}

func (p *fieldParser) flag(line, field int, name string) bool {
	s := strings.TrimSpace(p.lines[line][field])
	if s != "0" && s != "1" && p.err == nil {
		p.err = fmt.Errorf("~HS answer: line %d field %d (%s flag) is %q, want 0 or 1", line+1, field+1, name, s)
	}
	return s == "1"
}
