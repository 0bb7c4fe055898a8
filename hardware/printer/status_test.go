package printer

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Golden ~HS answers written by hand from the field layout in the ZPL II
// programming guide (~HS; hardware.md §4.2), independent of Sim.
const (
	hsReady = "\x02030,0,0,1245,000,0,0,0,000,0,0,0\x03\r\n" +
		"\x02000,0,0,0,0,2,4,0,00000000,1,000\x03\r\n" +
		"\x021234,0\x03\r\n"
	hsPaperOutPaused = "\x02030,1,1,1218,002,0,0,0,000,0,0,0\x03\r\n" +
		"\x02000,0,0,0,1,1,4,1,00000007,1,000\x03\r\n" +
		"\x021234,0\x03\r\n"
	hsHeadRibbonHot = "\x02030,0,0,0406,000,1,0,0,000,1,0,1\x03\r\n" +
		"\x02000,0,1,1,1,3,4,0,00000000,1,000\x03\r\n" +
		"\x021234,1\x03\r\n"
)

func TestParseHostStatus(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     Status
		ready    bool
		describe string
	}{
		{"ready", hsReady, Status{LabelLengthDots: 1245, PrintMode: 2}, true, "ready"},
		{"paper out and paused", hsPaperOutPaused,
			Status{PaperOut: true, Paused: true, LabelLengthDots: 1218, FormatsInBuffer: 2, ThermalTransfer: true, PrintMode: 1, LabelWaiting: true, LabelsRemaining: 7},
			false, "paper out, paused (2 labels waiting)"},
		{"head open, ribbon out, hot", hsHeadRibbonHot,
			Status{LabelLengthDots: 406, BufferFull: true, CorruptRAM: true, OverTemp: true, HeadOpen: true, RibbonOut: true, ThermalTransfer: true, PrintMode: 3},
			false, "head open, ribbon out, buffer full, corrupt RAM, head too hot"},
		{"garbage before", "xx\x03junk" + hsReady, Status{LabelLengthDots: 1245, PrintMode: 2}, true, "ready"},
		{"no CRLF", strings.ReplaceAll(hsReady, "\r\n", ""), Status{LabelLengthDots: 1245, PrintMode: 2}, true, "ready"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseHostStatus([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
			if got.Ready() != tt.ready || got.String() != tt.describe {
				t.Errorf("Ready %v String %q; want %v %q", got.Ready(), got.String(), tt.ready, tt.describe)
			}
		})
	}
	if s := (Status{NoAnswer: true}); s.Ready() || s.String() != "no answer (check paper, ribbon and head)" {
		t.Errorf("no answer: %v %q", s.Ready(), s)
	}
}

func TestParseHostStatusErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", `~HS answer: 0 of 3 lines (<STX>…<ETX>) in ""`},
		{"two lines", "\x02a\x03\r\n\x02b\x03\r\n", `~HS answer: 2 of 3 lines (<STX>…<ETX>) in "\x02a\x03\r\n\x02b\x03\r\n"`},
		{"cut", hsReady[:50], `~HS answer: line 2 has no <ETX> in`},
		{"short line 1", strings.Replace(hsReady, "030,0,0,1245,000,0,0,0,000,0,0,0", "030,0,0", 1), `~HS answer: line 1 has 3 fields, want 12: "030,0,0"`},
		{"short line 3", strings.Replace(hsReady, "1234,0", "1234", 1), `~HS answer: line 3 has 1 fields, want 2`},
		{"bad flag", strings.Replace(hsReady, "030,0,0,1245", "030,2,0,1245", 1), `~HS answer: line 1 field 2 (paper out flag) is "2", want 0 or 1`},
		{"bad number", strings.Replace(hsReady, "1245", "12x5", 1), `~HS answer: line 1 field 4 (label length) is "12x5", not a number`},
		{"negative", strings.Replace(hsReady, "00000000", "-0000001", 1), `~HS answer: line 2 field 9 (labels remaining) is "-0000001", not a number`},
		{"STX twice", "\x02a\x02b\x03\r\n" + hsReady, `~HS answer: line 1 has a second <STX>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseHostStatus([]byte(tt.in))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("ParseHostStatus = %+v, %v; want error starting %q", s, err, tt.want)
			}
		})
	}
}

func FuzzParseHostStatus(f *testing.F) {
	for _, s := range []string{hsReady, hsPaperOutPaused, hsHeadRibbonHot, "\x02\x03\x02\x03\x02\x03", "\x02,,,,,,,,,,,\x03\x02,,,,,,,,,,\x03\x02,\x03"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseHostStatus(b)
		if err != nil {
			if s != (Status{}) {
				t.Fatalf("error %v with a status %+v", err, s)
			}
			return
		}
		if s.NoAnswer || s.LabelLengthDots < 0 || s.FormatsInBuffer < 0 || s.LabelsRemaining < 0 {
			t.Fatalf("ParseHostStatus(%q) = %+v", b, s)
		}
		// Whatever parsed came in three STX…ETX lines.
		if !hostStatusComplete(b) {
			t.Fatalf("ParseHostStatus(%q) accepted fewer than three lines", b)
		}
	})
}
