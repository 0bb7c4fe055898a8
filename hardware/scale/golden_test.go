package scale

import (
	"bytes"
	"testing"
)

// Golden frames quoted in hardware.md (from the manuals, Odoo and usbscale),
// not produced by our own simulators.

type parseCase struct {
	name  string
	frame string
	want  Reading // At is not compared
	err   bool
}

func checkParse(t *testing.T, p Protocol, cases []parseCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := p.Parse([]byte(tc.frame))
			if tc.err {
				if err == nil {
					t.Fatalf("Parse(%q) = %+v, want an error", tc.frame, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.frame, err)
			}
			if got != tc.want {
				t.Errorf("Parse(%q)\n got %+v\nwant %+v", tc.frame, got, tc.want)
			}
		})
	}
}

func w(mg, value int64, dec int, u Unit, st Status) Reading {
	return Reading{HasWeight: true, WeightMg: mg, Value: value, Decimals: dec, Unit: u, Status: st}
}

func TestNCIParseGolden(t *testing.T) {
	checkParse(t, NCI{}, []parseCase{
		{"ManualExample", "\n0012.34lb\r\n00\r\x03", w(5597330, 1234, 2, LB, Stable), false},
		{"UpperCaseUnit", "\n0012.34LB\r\n00\r\x03", w(5597330, 1234, 2, LB, Stable), false},
		{"Kilograms", "\n001.250kg\r\n00\r\x03", w(1250000, 1250, 3, KG, Stable), false},
		{"Motion", "\n0012.30lb\r\n10\r\x03", w(5579186, 1230, 2, LB, Motion), false},
		{"AtZero", "\n0000.00lb\r\n20\r\x03", w(0, 0, 2, LB, Stable), false},
		{"Negative", "\n-001.25kg\r\n00\r\x03", w(-1250000, -125, 2, KG, Stable), false},
		{"OverCaretField", "\n^^^^^^lb\r\n02\r\x03", Reading{Status: Overload}, false},
		{"UnderField", "\n______\r\n01\r\x03", Reading{Status: UnderZero}, false},
		{"StatusOnlyOver", "\n02\r\x03", Reading{Status: Overload}, false},
		{"StatusOnlyUnder", "\n01\r\x03", Reading{Status: UnderZero}, false},
		{"StatusOnlyStable", "\n00\r\x03", Reading{Status: Stable}, false},
		{"RAMError", "\n40\r\x03", Reading{Status: Fault}, false},
		{"ParityBitSet", "\n0012.34lb\r\n\xb00\r\x03", w(5597330, 1234, 2, LB, Stable), false},
		{"UnknownCommand", "\n?\r\x03", Reading{}, true},
		{"NoETX", "\n0012.34lb\r\n00\r", Reading{}, true},
		{"BadStatus", "\n0012.34lb\r\nAB\r\x03", Reading{}, true},
		{"NoUnit", "\n0012.34\r\n00\r\x03", Reading{}, true},
	})
}

func TestToledoParseGolden(t *testing.T) {
	checkParse(t, Toledo{Unit: LB}, []parseCase{
		{"Weight", "\x02  1.234\r", w(559733, 1234, 3, LB, Stable), false},
		{"Net", "\x02  1.234N\r", Reading{HasWeight: true, WeightMg: 559733, Value: 1234, Decimals: 3, Unit: LB, Status: Stable, Net: true}, false},
		{"OdooUnderZero", "\x02?D\r", Reading{Status: UnderZero}, false},
		{"Motion", "\x02?A\r", Reading{Status: Motion}, false},
		{"Over", "\x02?B\r", Reading{Status: Overload}, false},
		{"OutsideZeroCapture", "\x02?H\r", Reading{Status: Fault}, false},
		{"ParityBit", "\x02\xa0 1.234\r", w(559733, 1234, 3, LB, Stable), false},
		{"Echo", "\x02E\r", Reading{}, true},
		{"NoSTX", "  1.234\r", Reading{}, true},
		{"Letters", "\x02  1.2x4\r", Reading{}, true},
	})
	checkParse(t, Toledo{Unit: G}, []parseCase{
		{"Grams", "\x02001500\r", w(1500000, 1500, 0, G, Stable), false},
	})
}

func TestSICSParseGolden(t *testing.T) {
	checkParse(t, SICS{}, []parseCase{
		{"ManualExample", "S S     100.00 g\r\n", w(100000, 10000, 2, G, Stable), false},
		{"OhausSIR", "S S     129.09 kg\r\n", w(129090000, 12909, 2, KG, Stable), false},
		{"Dynamic", "S D     129.07 kg\r\n", w(129070000, 12907, 2, KG, Motion), false},
		{"Negative", "S S     -0.120 kg\r\n", w(-120000, -120, 3, KG, Stable), false},
		{"Overload", "S +\r\n", Reading{Status: Overload}, false},
		{"Underload", "S -\r\n", Reading{Status: UnderZero}, false},
		{"GarbageGluedInFront", "\x00\xffS S     100.00 g\r\n", w(100000, 10000, 2, G, Stable), false},
		{"NotExecutable", "S I\r\n", Reading{}, true},
		{"SyntaxError", "ES\r\n", Reading{}, true},
		{"ZeroAck", "Z A\r\n", Reading{}, true},
		{"Noise", "hello\r\n", Reading{}, true},
	})
}

func TestSICSCheckReply(t *testing.T) {
	for _, tc := range []struct {
		op    Op
		frame string
		ok    bool
	}{
		{OpZero, "Z A\r\n", true}, {OpZero, "Z I\r\n", false}, {OpZero, "Z +\r\n", false},
		{OpTare, "T S      0.500 kg\r\n", true}, {OpTare, "T I\r\n", false},
		{OpClearTare, "TAC A\r\n", true}, {OpZero, "ES\r\n", false},
	} {
		if err := (SICS{}).CheckReply(tc.op, []byte(tc.frame)); (err == nil) != tc.ok {
			t.Errorf("CheckReply(%s, %q) = %v, want ok=%v", tc.op, tc.frame, err, tc.ok)
		}
	}
}

func TestHIDReportParseGolden(t *testing.T) {
	checkParse(t, HIDReport{}, []parseCase{
		{"DymoOunces", "\x03\x04\x0b\xff\x7b\x00", w(348699, 123, 1, OZ, Stable), false},
		{"ReportID4", "\x04\x04\x0b\xff\x7b\x00", w(348699, 123, 1, OZ, Stable), false},
		{"Grams", "\x03\x04\x02\x00\xe8\x03", w(1000000, 1000, 0, G, Stable), false},
		{"KilogramsHundredths", "\x03\x04\x03\xfe\x7d\x00", w(1250000, 125, 2, KG, Stable), false},
		{"PositiveExponent", "\x03\x04\x02\x01\x05\x00", w(50000, 50, 0, G, Stable), false},
		{"StableAtZero", "\x03\x02\x0c\xff\x00\x00", w(0, 0, 1, LB, Stable), false},
		{"Motion", "\x03\x03\x0c\xff\x0a\x00", w(453592, 10, 1, LB, Motion), false},
		{"UnderZero", "\x03\x05\x0c\xff\x0a\x00", Reading{Status: UnderZero}, false},
		{"OverWeight", "\x03\x06\x0c\xff\x00\x00", Reading{Status: Overload}, false},
		{"Fault", "\x03\x01\x0c\xff\x00\x00", Reading{Status: Fault}, false},
		{"NeedsCalibration", "\x03\x07\x0c\xff\x00\x00", Reading{Status: Fault}, false},
		{"ControlReportID", "\x02\x04\x0b\xff\x7b\x00", Reading{}, true},
		{"UnknownUnit", "\x03\x04\x0d\xff\x7b\x00", Reading{}, true},
		{"Short", "\x03\x04\x0b", Reading{}, true},
	})
}

func TestLineParseGolden(t *testing.T) {
	model := func(n string) Line {
		m, ok := LineModelByName(n)
		if !ok {
			t.Fatalf("model %s missing", n)
		}
		return Line{Model: m}
	}
	checkParse(t, model("tiger"), []parseCase{
		{"Stable", "ST,GS,+ 12.345,kg\r\n", w(12345000, 12345, 3, KG, Stable), false},
		{"Unstable", "US,GS,+ 12.340,kg\r\n", w(12340000, 12340, 3, KG, Motion), false},
		{"Negative", "ST,NT,-  0.120,kg\r\n", w(-120000, -120, 3, KG, Stable), false},
		{"Overload", "OL,GS,+ 99.999,kg\r\n", Reading{Status: Overload}, false},
		{"GarbageInFront", "\xfe\x00ST,GS,+ 12.345,kg\r\n", w(12345000, 12345, 3, KG, Stable), false},
		{"UnknownUnit", "ST,GS,+ 12.345,xx\r\n", Reading{}, true},
		{"NoMatch", "hello\r\n", Reading{}, true},
	})
	checkParse(t, model("and"), []parseCase{
		{"Stable", "ST,+00012.34  g\r\n", w(12340, 1234, 2, G, Stable), false},
		{"Unstable", "US,-00001.50  g\r\n", w(-1500, -150, 2, G, Motion), false},
	})
	checkParse(t, model("ohaus"), []parseCase{
		{"Stable", "     12.34 kg   G\r\n", w(12340000, 1234, 2, KG, Stable), false},
		{"Unstable", "     12.34 kg ? G\r\n", w(12340000, 1234, 2, KG, Motion), false},
		{"Negative", "     -0.50 lb   NET\r\n", w(-226796, -50, 2, LB, Stable), false},
	})
	checkParse(t, model("adam"), []parseCase{
		{"OdooExample", "   0.000kg\r\n", w(0, 0, 3, KG, Stable), false},
		{"Weight", "   1.250kg\r\n", w(1250000, 1250, 3, KG, Stable), false},
	})
}

// Simulators against the same goldens: the device side must write exactly
// the bytes the manuals show.
func TestSimGolden(t *testing.T) {
	lb := func(mg int64) *SimState { st := NewSimState(LB, 2, 30_000_000); st.SetWeight(mg); return st }
	for _, tc := range []struct {
		name  string
		p     Protocol
		state func() *SimState
		cmd   string // "" = the stream frame
		want  string
	}{
		{"NCIWeight", NCI{}, func() *SimState { return lb(5597330) }, "W\r", "\n0012.34lb\r\n00\r\x03"},
		{"NCIUnknown", NCI{}, func() *SimState { return lb(0) }, "Q\r", "\n?\r\x03"},
		{"NCIStatusMotion", NCI{}, func() *SimState { st := lb(5597330); st.SetMotion(true); return st }, "S\r", "\n10\r\x03"},
		{"NCIStatusAtZero", NCI{}, func() *SimState { return lb(0) }, "S\r", "\n20\r\x03"},
		{"NCIStatusOver", NCI{}, func() *SimState { st := lb(0); st.SetOverload(true); return st }, "S\r", "\n02\r\x03"},
		{"NCIStatusUnder", NCI{}, func() *SimState { st := lb(0); st.SetUnderZero(true); return st }, "S\r", "\n01\r\x03"},
		{"ToledoUnderZero", Toledo{}, func() *SimState { st := lb(0); st.SetUnderZero(true); return st }, "W", "\x02?D\r"},
		{"ToledoWeight", Toledo{}, func() *SimState { st := NewSimState(LB, 3, 30_000_000); st.SetWeight(559733); return st }, "W", "\x02  1.234\r"},
		{"SICSManual", SICS{}, func() *SimState { st := NewSimState(G, 2, 30_000_000); st.SetWeight(100000); return st }, "S\r\n", "S S     100.00 g\r\n"},
		{"SICSOhaus", SICS{}, func() *SimState { st := NewSimState(KG, 2, 300_000_000); st.SetWeight(129090000); return st }, "SI\r\n", "S S     129.09 kg\r\n"},
		{"SICSUnknown", SICS{}, func() *SimState { return lb(0) }, "XYZ\r\n", "ES\r\n"},
		{"HIDDymoOunces", HIDReport{}, func() *SimState { st := NewSimState(OZ, 1, 30_000_000); st.SetWeight(348699); return st }, "", "\x03\x04\x0b\xff\x7b\x00"},
		{"LineTiger", Line{Model: mustModel(t, "tiger")}, func() *SimState { st := NewSimState(KG, 3, 30_000_000); st.SetWeight(12345000); return st }, "", "ST,GS,+ 12.345,kg\r\n"},
		{"LineAdam", Line{Model: mustModel(t, "adam")}, func() *SimState { return NewSimState(KG, 3, 30_000_000) }, "P\r\n", "   0.000kg\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sim := tc.p.NewSim(tc.state())
			var got []byte
			if tc.cmd == "" {
				got = sim.Stream()
			} else {
				got = handleAll(sim, []byte(tc.cmd))
			}
			if !bytes.Equal(got, []byte(tc.want)) {
				t.Errorf("sim answered %q, want %q", got, tc.want)
			}
		})
	}
}

// The Odoo detection check: write "Ehello", expect exactly "\x02E\rhello".
func TestToledoSimEchoGolden(t *testing.T) {
	sim := Toledo{}.NewSim(NewSimState(LB, 2, 30_000_000))
	if got := handleAll(sim, []byte("Ehello")); string(got) != "\x02E\rhello" {
		t.Errorf("echo = %q, want %q", got, "\x02E\rhello")
	}
	if got := handleAll(sim, []byte("FW")); string(got) != "\x02   0.00\r" {
		t.Errorf("after F, W = %q", got)
	}
}

func handleAll(sim Sim, in []byte) []byte {
	var out []byte
	for len(in) > 0 {
		adv, cmd, _ := sim.SplitCommand(in, false)
		if adv == 0 {
			break
		}
		if cmd != nil {
			out = append(out, sim.Handle(cmd)...)
		}
		in = in[adv:]
	}
	return out
}

func mustModel(t *testing.T, name string) *LineModel {
	t.Helper()
	m, ok := LineModelByName(name)
	if !ok {
		t.Fatalf("line model %s missing", name)
	}
	return m
}
