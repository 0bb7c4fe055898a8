package scale

import (
	"testing"
)

// fuzzProtocol cuts data into frames with p.Split and parses each frame and
// the whole input. Nothing may panic, a split must always make progress or
// ask for more, and every parsed weight must be consistent.
func fuzzProtocol(t *testing.T, p Protocol, data []byte) {
	check := func(frame []byte) {
		r, err := p.Parse(frame)
		if err != nil {
			return
		}
		if r.Status < Stable || r.Status > Fault {
			t.Fatalf("Parse(%q): status %d out of range", frame, r.Status)
		}
		if r.HasWeight {
			mg, err := ToMg(r.Value, r.Decimals, r.Unit)
			if err != nil || mg != r.WeightMg {
				t.Fatalf("Parse(%q) = %+v: %d %s is %d mg (%v)", frame, r, r.Value, r.Unit, mg, err)
			}
			_ = r.String()
		}
	}
	check(data)
	rest := data
	for steps := 0; len(rest) > 0; steps++ {
		if steps > len(data) {
			t.Fatalf("split of %q made no progress", data)
		}
		adv, tok, err := p.Split(rest, false)
		if err != nil {
			return
		}
		if adv < 0 || adv > len(rest) || len(tok) > len(rest) {
			t.Fatalf("split of %q: advance %d, token %d bytes", rest, adv, len(tok))
		}
		if tok != nil {
			check(tok)
		}
		if adv == 0 {
			if tok != nil {
				t.Fatalf("split of %q: a token without advancing", rest)
			}
			return
		}
		rest = rest[adv:]
	}
}

func FuzzNCI(f *testing.F) {
	for _, s := range []string{"\n0012.34lb\r\n00\r\x03", "\n^^^^^^lb\r\n02\r\x03", "\n?\r\x03", "\n10\r\x03", "x\n\n-1.5kg\r\n\xb0\xf1p\r\x03"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) { fuzzProtocol(t, NCI{}, b) })
}

func FuzzToledo(f *testing.F) {
	for _, s := range []string{"\x02  1.234\r", "\x02?D\r", "\x02  1.234N\r", "\x02E\rhello", "\x02\x02001500\r"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzProtocol(t, Toledo{Unit: LB}, b)
		fuzzProtocol(t, Toledo{Unit: G}, b)
	})
}

func FuzzSICS(f *testing.F) {
	for _, s := range []string{"S S     100.00 g\r\n", "S D     129.07 kg\r\n", "S +\r\n", "ES\r\n", "Z A\r\n", "T S  0.5 kg\r\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) { fuzzProtocol(t, SICS{}, b) })
}

func FuzzHIDReport(f *testing.F) {
	for _, s := range []string{"\x03\x04\x0b\xff\x7b\x00", "\x04\x02\x0c\xff\x00\x00", "\x03\x06\x03\x09\xff\xff", "\x03\x04\x02\x80\xff\xff"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) { fuzzProtocol(t, HIDReport{}, b) })
}

func FuzzLine(f *testing.F) {
	for _, s := range []string{"ST,GS,+ 12.345,kg\r\n", "ST,+00012.34  g\r\n", "     12.34 kg ? G\r\n", "   0.000kg\r\n", "OL,GS,+99999999999999999999.9,lb\r\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, name := range []string{"tiger", "and", "ohaus", "adam"} {
			m, _ := LineModelByName(name)
			fuzzProtocol(t, Line{Model: m}, b)
		}
	})
}
