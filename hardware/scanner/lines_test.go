package scanner

import (
	"strings"
	"testing"
	"time"
)

// result is one emit: a scan's data and AIM, or an error's text.
type result struct {
	data, aim string
	err       string
}

// collect feeds the chunks to d and returns what it emitted.
func collect(d Decoder, chunks ...string) []result {
	var out []result
	for _, c := range chunks {
		d.Feed([]byte(c), time.Unix(0, 0), func(s Scan, err error) {
			if err != nil {
				out = append(out, result{err: err.Error()})
				return
			}
			out = append(out, result{data: s.Data, aim: s.AIM})
		})
	}
	return out
}

// bytewise splits s into one-byte chunks.
func bytewise(s string) []string { return strings.Split(s, "") }

func checkResults(t *testing.T, got []result, want []result) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d results %+v, want %d %+v", len(got), got, len(want), want)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.data != w.data || g.aim != w.aim || (w.err == "") != (g.err == "") || !strings.Contains(g.err, w.err) {
			t.Errorf("result %d = %+v, want %+v", i, g, w)
		}
	}
}

func TestLineDecoder(t *testing.T) {
	gs1 := "]C10109501101530003\x1d10LOT7"
	ok := func(aim, data string) result { return result{data: data, aim: aim} }
	bad := func(msg string) result { return result{err: msg} }
	long := strings.Repeat("7", 40)
	for _, tc := range []struct {
		name   string
		opt    LineOptions
		chunks []string
		want   []result
	}{
		{"CR", LineOptions{}, []string{gs1 + "\r"}, []result{ok("]C1", "0109501101530003\x1d10LOT7")}},
		{"CRLFOneScan", LineOptions{}, []string{"]E05901234123457\r\n]C0A1\r\n"}, []result{ok("]E0", "5901234123457"), ok("]C0", "A1")}},
		{"CRLFSplitBetweenReads", LineOptions{}, []string{"]C0A1\r", "\n", "]C0A2\r", "\n"}, []result{ok("]C0", "A1"), ok("]C0", "A2")}},
		{"LF", LineOptions{}, []string{"]C0A1\n]C0A2\n"}, []result{ok("]C0", "A1"), ok("]C0", "A2")}},
		{"ByteAtATime", LineOptions{}, bytewise(gs1 + "\r\n" + "]d2" + "01095011015300031724" + "\r\n"),
			[]result{ok("]C1", "0109501101530003\x1d10LOT7"), ok("]d2", "01095011015300031724")}},
		{"PartialWaitsForSuffix", LineOptions{}, []string{"]C0A1"}, nil},
		{"NoiseThenScan", LineOptions{}, []string{"\x00\xff\x00\r\n]C0A1\r\n"},
			[]result{bad(`scan "\x00\xff\x00": NUL byte`), ok("]C0", "A1")}},
		{"BadGS1ThenScan", LineOptions{}, []string{"]C1LOT\r]C0A1\r"},
			[]result{bad("says GS1"), ok("]C0", "A1")}},
		{"CustomSuffixTab", LineOptions{Suffix: "\t"}, []string{"]C0A\r1\t]C0B2\t"}, []result{ok("]C0", "A\r1"), ok("]C0", "B2")}},
		{"CustomSuffixSplit", LineOptions{Suffix: "\r\n"}, bytewise("]C0A1\r\n]C0B\r2\r\n"), []result{ok("]C0", "A1"), ok("]C0", "B\r2")}},
		{"PrefixResync", LineOptions{Prefix: "\x02", Suffix: "\x03"}, []string{"AT+GMM\x03\x02]C0A1\x03garbage\x02]C0B2\x03"},
			[]result{bad("no prefix"), ok("]C0", "A1"), ok("]C0", "B2")}},
		{"PrefixEmpty", LineOptions{Prefix: "\x02"}, []string{"\x02\r"}, []result{bad(`empty scan after prefix`)}},
		{"OverlongOneRead", LineOptions{MaxLen: 32}, []string{long + "\r]C0A1\r"}, []result{bad("longer than 32 bytes"), ok("]C0", "A1")}},
		{"OverlongByteAtATime", LineOptions{MaxLen: 32}, bytewise(long + "\r]C0A1\r"), []result{bad("no suffix within 32 bytes"), ok("]C0", "A1")}},
		{"ExactlyMaxLen", LineOptions{MaxLen: 32}, bytewise(long[:32] + "\r"), []result{ok("", long[:32])}},
		{"NoAIM", LineOptions{NoAIM: true}, []string{"]C0A1\r"}, []result{ok("", "]C0A1")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkResults(t, collect(NewLineDecoder(tc.opt), tc.chunks...), tc.want)
		})
	}
}

func TestLineDecoderResetDropsPartialScan(t *testing.T) {
	d := NewLineDecoder(LineOptions{})
	if got := collect(d, "]C0PART"); len(got) != 0 {
		t.Fatalf("partial scan emitted %+v", got)
	}
	d.Reset()
	checkResults(t, collect(d, "]C0NEXT\r"), []result{{data: "NEXT", aim: "]C0"}})
}

func TestLineDecoderBoundsMemory(t *testing.T) {
	d := NewLineDecoder(LineOptions{Suffix: "\r\n"})
	var errs int
	for i := 0; i < 1000; i++ {
		d.Feed([]byte(strings.Repeat("x", 1000)), time.Time{}, func(_ Scan, err error) {
			if err != nil {
				errs++
			}
		})
	}
	if len(d.buf) > MaxScanLen+2 || errs != 1 {
		t.Errorf("after 1 MB without suffix: buffer %d bytes, %d errors; want <= %d bytes and one error", len(d.buf), errs, MaxScanLen+2)
	}
	checkResults(t, collect(d, "tail\r\n]C0A1\r\n"), []result{{data: "A1", aim: "]C0"}})
}
