package scanner

import (
	"bytes"
	"testing"
	"time"
)

// checkScan asserts what every emitted scan must satisfy.
func checkScan(t *testing.T, s Scan) {
	t.Helper()
	if s.Data == "" || len(s.Data) > MaxScanLen {
		t.Fatalf("scan with %d bytes of data: %+v", len(s.Data), s)
	}
	if s.GS1 && !(isDigit(s.Data[0]) && len(s.Data) > 1 && isDigit(s.Data[1])) {
		t.Fatalf("GS1 scan without an AI: %+v", s)
	}
	if s.AIM != "" {
		if a, ok := ParseAIM(s.AIM); !ok || a.GS1 != s.GS1 || a.Symbology != s.Symbology {
			t.Fatalf("scan's AIM fields disagree: %+v", s)
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{"]C10109501101530003\x1d10LOT", "]E05901234123457", "]d2", "]C1\x1d", "]Q3AB", "plain", ""} {
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, frame []byte, noAIM bool) {
		s, err := Decode(frame, time.Time{}, noAIM)
		if err == nil {
			checkScan(t, s)
			if !bytes.HasSuffix(frame, []byte(s.Data)) {
				t.Fatalf("data %q is not the tail of frame %q", s.Data, frame)
			}
		}
	})
}

// FuzzLineDecoder feeds the same stream whole and split at every byte: the
// scans and the number of refused frames must not depend on where reads
// split it.
func FuzzLineDecoder(f *testing.F) {
	f.Add([]byte("]C10109501101530003\x1d10LOT\r\n]E05901234123457\r"), "", "", uint16(0))
	f.Add([]byte("\x00\x00\r\nAT\x03\x02]C0A\x03"), "\x03", "\x02", uint16(8))
	f.Add([]byte("xxxxxxxxxxxxxxxxxxxxxxxx\r\nab"), "\r\n", "", uint16(10))
	f.Fuzz(func(t *testing.T, stream []byte, suffix, prefix string, maxLen uint16) {
		opt := LineOptions{Suffix: suffix, Prefix: prefix, MaxLen: int(maxLen % 512)}
		run := func(chunks [][]byte) (scans []Scan, refused int) {
			d := NewLineDecoder(opt)
			for _, c := range chunks {
				d.Feed(c, time.Time{}, func(s Scan, err error) {
					if err != nil {
						refused++
						return
					}
					checkScan(t, s)
					scans = append(scans, s)
				})
			}
			if limit := d.limit() + len(suffix); len(d.buf) > limit {
				t.Fatalf("buffer holds %d bytes, limit %d", len(d.buf), limit)
			}
			return scans, refused
		}
		whole, wholeRefused := run([][]byte{stream})
		var bytewise [][]byte
		for i := range stream {
			bytewise = append(bytewise, stream[i:i+1])
		}
		split, splitRefused := run(bytewise)
		if len(whole) != len(split) || wholeRefused != splitRefused {
			t.Fatalf("whole: %d scans %d refused; byte by byte: %d scans %d refused", len(whole), wholeRefused, len(split), splitRefused)
		}
		for i := range whole {
			if whole[i] != split[i] {
				t.Fatalf("scan %d: whole %+v, byte by byte %+v", i, whole[i], split[i])
			}
		}
	})
}

func FuzzReportDecoder(f *testing.F) {
	var capture []byte
	for _, r := range honeywellREVINF {
		capture = append(capture, r...)
	}
	f.Add(capture, uint8(64))
	f.Add(honeywellReport("]d2", "0109501101530003", 'w', false), uint8(64))
	f.Add([]byte{2, 200, ']', 'C', '1'}, uint8(5))
	f.Fuzz(func(t *testing.T, stream []byte, size uint8) {
		d, err := NewReportDecoder(Honeywell)
		if err != nil {
			t.Fatal(err)
		}
		// Cut the stream into reports of a fuzzed size, as a device with
		// a different report length would deliver them.
		n := max(int(size), 1)
		for len(stream) > 0 {
			k := min(n, len(stream))
			d.Feed(stream[:k], time.Time{}, func(s Scan, err error) {
				if err == nil {
					checkScan(t, s)
				}
			})
			stream = stream[k:]
			if len(d.data) > MaxScanLen {
				t.Fatalf("partial scan grew to %d bytes", len(d.data))
			}
		}
	})
}
