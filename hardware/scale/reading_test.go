package scale

import (
	"net/url"
	"testing"
	"time"

	"depot/hardware/serialport"
)

func TestParseFixed(t *testing.T) {
	for _, tc := range []struct {
		in    string
		value int64
		dec   int
		err   bool
	}{
		{"  1.234", 1234, 3, false}, {"-0012.34", -1234, 2, false}, {"+ 12.345", 12345, 3, false},
		{"0150", 150, 0, false}, {"12.", 12, 0, false}, {".5", 5, 1, false}, {"- 0.120", -120, 3, false},
		{"", 0, 0, true}, {"-", 0, 0, true}, {".", 0, 0, true}, {"1.2.3", 0, 0, true}, {"1e3", 0, 0, true},
		{"1234567890123456789", 0, 0, true}, {"0.0000000001", 0, 0, true},
	} {
		v, d, err := ParseFixed(tc.in)
		if (err != nil) != tc.err || v != tc.value || d != tc.dec {
			t.Errorf("ParseFixed(%q) = %d, %d, %v; want %d, %d, err=%v", tc.in, v, d, err, tc.value, tc.dec, tc.err)
		}
	}
}

func TestUnitConversion(t *testing.T) {
	for _, tc := range []struct {
		value int64
		dec   int
		unit  Unit
		mg    int64
	}{
		{1250, 3, KG, 1_250_000}, {1, 0, LB, 453592}, {100, 2, LB, 453592}, {1, 0, OZ, 28350},
		{160, 1, OZ, 453592}, {-125, 2, KG, -1_250_000}, {5, 0, CT, 1000}, {1, 3, G, 1}, {1, 4, G, 0}, {5, 4, G, 1},
		{-5, 4, G, -1},
	} {
		mg, err := ToMg(tc.value, tc.dec, tc.unit)
		if err != nil || mg != tc.mg {
			t.Errorf("ToMg(%d, %d, %s) = %d, %v; want %d", tc.value, tc.dec, tc.unit, mg, err, tc.mg)
		}
	}
	// Round trip at display resolution: mg -> display -> mg stays within half a display step.
	for _, u := range []Unit{LB, OZ, KG, G} {
		for _, mg := range []int64{0, 1, 999, 453592, 5597330, -1250000} {
			v, err := FromMg(mg, 3, u)
			if err != nil {
				t.Fatal(err)
			}
			back, _ := ToMg(v, 3, u)
			step, _ := ToMg(1, 3, u)
			if d := back - mg; d > step/2+1 || d < -step/2-1 {
				t.Errorf("%d mg in %s: display %d -> %d mg, off by %d (step %d)", mg, u, v, back, d, step)
			}
		}
	}
	if _, err := ToMg(1, 0, "stone"); err == nil {
		t.Error("unknown unit accepted")
	}
}

func TestReadingString(t *testing.T) {
	for _, tc := range []struct {
		r    Reading
		want string
	}{
		{w(1250000, 1250, 3, KG, Stable), "1.250 kg stable"},
		{w(1248000, 1248, 3, KG, Motion), "1.248 kg unstable"},
		{w(-120000, -120, 3, KG, Stable), "-0.120 kg stable"},
		{w(5000, 5, 3, KG, Stable), "0.005 kg stable"},
		{Reading{Status: Motion}, "unstable"},
		{Reading{Status: Overload}, "overload"},
		{Reading{Status: UnderZero}, "under zero"},
		{Reading{Status: Fault}, "fault"},
	} {
		if got := tc.r.String(); got != tc.want {
			t.Errorf("String() = %q, want %q", got, tc.want)
		}
	}
}

func TestParseWeight(t *testing.T) {
	v, d, u, err := ParseWeight("1.250kg")
	if err != nil || v != 1250 || d != 3 || u != KG {
		t.Errorf("ParseWeight(1.250kg) = %d %d %s %v", v, d, u, err)
	}
	if _, _, _, err := ParseWeight("-12.3 oz"); err != nil {
		t.Error(err)
	}
	for _, bad := range []string{"", "kg", "1.250", "1.250 stone", "abc kg"} {
		if _, _, _, err := ParseWeight(bad); err == nil {
			t.Errorf("ParseWeight(%q): want an error", bad)
		}
	}
}

func TestStabilizer(t *testing.T) {
	t0 := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	at := func(ms int, r Reading) Reading { r.At = t0.Add(time.Duration(ms) * time.Millisecond); return r }
	kg := func(mg int64) Reading { return w(mg, mg/1000, 3, KG, Stable) }
	moving := w(1250000, 1250, 3, KG, Motion)
	for _, tc := range []struct {
		name     string
		readings []Reading
		accept   int // index of the reading that is accepted, -1 for none
	}{
		{"SteadyOver500ms", []Reading{at(0, kg(1250000)), at(200, kg(1250000)), at(400, kg(1250000)), at(600, kg(1250000))}, 3},
		{"ExactlyAt500ms", []Reading{at(0, kg(1250000)), at(500, kg(1250000))}, 1},
		{"TooShort", []Reading{at(0, kg(1250000)), at(200, kg(1250000)), at(499, kg(1250000))}, -1},
		{"OneReadingIsNotARun", []Reading{at(0, kg(1250000))}, -1},
		{"WeightChangedRestarts", []Reading{at(0, kg(1250000)), at(400, kg(1251000)), at(600, kg(1251000)), at(900, kg(1251000))}, 3},
		{"MotionRestarts", []Reading{at(0, kg(1250000)), at(300, moving), at(400, kg(1250000)), at(800, kg(1250000)), at(900, kg(1250000))}, 4},
		{"OverloadRestarts", []Reading{at(0, kg(1250000)), at(300, Reading{Status: Overload}), at(600, kg(1250000)), at(1000, kg(1250000))}, -1},
		{"NoWeight", []Reading{at(0, Reading{Status: Stable}), at(600, Reading{Status: Stable})}, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var s Stabilizer
			got := -1
			for i, r := range tc.readings {
				if acc, ok := s.Add(r); ok {
					if acc != r {
						t.Errorf("accepted %+v, want the reading fed", acc)
					}
					got = i
					break
				}
			}
			if got != tc.accept {
				t.Errorf("accepted reading %d, want %d", got, tc.accept)
			}
		})
	}
}

func TestStabilizerEmptyBetweenPackages(t *testing.T) {
	t0 := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	s := Stabilizer{EmptyBelowMg: 20_000} // back under 20 g between boxes
	feed := func(ms int, mg int64) bool {
		r := w(mg, mg/1000, 3, KG, Stable)
		r.At = t0.Add(time.Duration(ms) * time.Millisecond)
		_, ok := s.Add(r)
		return ok
	}
	if feed(0, 1_250_000) || !feed(600, 1_250_000) {
		t.Fatal("first box not accepted after 600 ms")
	}
	if feed(1200, 1_250_000) || feed(1800, 1_250_000) || feed(2400, 1_300_000) || feed(3000, 1_300_000) {
		t.Fatal("the same box (or one added to it) counted again without emptying the platter")
	}
	if feed(3200, 25_000) {
		t.Fatal("25 g is not empty")
	}
	feed(3400, 5_000) // emptied
	if feed(3600, 2_000_000) || !feed(4100, 2_000_000) {
		t.Fatal("second box after emptying not accepted")
	}
}

func TestModes(t *testing.T) {
	tiger, _ := LineModelByName("tiger")
	adam, _ := LineModelByName("adam")
	for _, tc := range []struct {
		p    Protocol
		want string
	}{
		{NCI{}, "9600 7E1"}, {Toledo{}, "9600 7E1"}, {SICS{}, "9600 8N1"}, {HIDReport{}, "9600 8N1"},
		{Line{Model: tiger}, "9600 8N1"}, {Line{Model: adam}, "4800 8N1"},
	} {
		if got := tc.p.Mode().String(); got != tc.want {
			t.Errorf("%s mode = %s, want %s", tc.p.Name(), got, tc.want)
		}
	}
	if got := (serialport.Mode{Baud: 9600, DataBits: 8, Parity: 'N', StopBits: 1}).String(); got != "9600 8N1" {
		t.Errorf("mode string %q", got)
	}
}

func TestLookup(t *testing.T) {
	p, err := Lookup("toledo", url.Values{"unit": {"kg"}})
	if err != nil || p.(Toledo).Unit != KG {
		t.Errorf("toledo unit=kg: %v %v", p, err)
	}
	for _, tc := range []struct {
		name   string
		params url.Values
	}{
		{"fancy", nil}, {"toledo", url.Values{"unit": {"stone"}}}, {"line", url.Values{"model": {"nope"}}},
	} {
		if _, err := Lookup(tc.name, tc.params); err == nil {
			t.Errorf("Lookup(%s, %v): want an error", tc.name, tc.params)
		}
	}
}

func TestLoadLineModels(t *testing.T) {
	n, err := LoadLineModels([]byte(`[{"name":"site-bench","pattern":"(?P<status>S|U) +(?P<weight>[-0-9.]+)$","status":{"S":"stable","U":"unstable"},"unit":"lb","request":"R\r","format":"7E1","sim":"{status} {value:8}"}]`))
	if err != nil || n != 1 {
		t.Fatalf("load: %d, %v", n, err)
	}
	p, err := Lookup("line", url.Values{"model": {"site-bench"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Mode().String(); got != "9600 7E1" {
		t.Errorf("mode %s", got)
	}
	r, err := p.Parse([]byte("U   12.50\r\n"))
	if err != nil || r.String() != "12.50 lb unstable" {
		t.Errorf("parse: %v %v", r, err)
	}
	st := NewSimState(LB, 2, 100_000_000)
	st.SetWeight(5669905) // 12.50 lb
	if got := handleAll(p.NewSim(st), []byte("R\r")); string(got) != "S    12.50\r\n" {
		t.Errorf("sim line %q", got)
	}
	for _, bad := range []string{
		`[{"pattern":"(?P<weight>.*)"}]`,
		`[{"name":"a","pattern":"("}]`,
		`[{"name":"a","pattern":"(?P<w>.*)"}]`,
		`[{"name":"a","pattern":"(?P<weight>.*)","status":{"S":"wobbly"}}]`,
		`[{"name":"a","pattern":"(?P<weight>.*)","unit":"stone"}]`,
		`[{"name":"a","pattern":"(?P<weight>.*)","format":"9X1"}]`,
		`{`,
	} {
		if _, err := LoadLineModels([]byte(bad)); err == nil {
			t.Errorf("LoadLineModels(%s): want an error", bad)
		}
	}
}

// Split functions must find a frame behind garbage and wait for a frame's end.
func TestSplitResync(t *testing.T) {
	tiger, _ := LineModelByName("tiger")
	for _, tc := range []struct {
		p     Protocol
		in    string
		frame string
	}{
		{NCI{}, "junk\r\x03\x00\xff\n0012.34lb\r\n00\r\x03", "\n0012.34lb\r\n00\r\x03"},
		{NCI{}, "a\nb\n0012.34lb\r\n00\r\x03", "\n0012.34lb\r\n00\r\x03"},
		{Toledo{}, "xx\x02yy\x02  1.234\r", "\x02  1.234\r"},
		{SICS{}, "\r\nS S     100.00 g\r\n", "\r\n"},
		{HIDReport{}, "\x00\xff\x09\x03\x04\x0b\xff\x7b\x00", "\x03\x04\x0b\xff\x7b\x00"},
		{Line{Model: tiger}, "noise\r\nST,GS,+ 12.345,kg\r\n", "noise\r\n"},
	} {
		data := []byte(tc.in)
		var got []byte
		for len(data) > 0 {
			adv, tok, err := tc.p.Split(data, false)
			if err != nil || adv == 0 && tok == nil {
				break
			}
			data = data[adv:]
			if tok != nil {
				got = tok
				break
			}
		}
		if string(got) != tc.frame {
			t.Errorf("%s: first frame of %q = %q, want %q", tc.p.Name(), tc.in, got, tc.frame)
		}
	}
	// Half a frame: wait, keep the bytes.
	if adv, tok, _ := (NCI{}).Split([]byte("\n0012.3"), false); adv != 0 || tok != nil {
		t.Errorf("NCI half frame: advance %d, token %q", adv, tok)
	}
	if adv, tok, _ := (Toledo{}).Split([]byte("\x02  1."), false); adv != 0 || tok != nil {
		t.Errorf("Toledo half frame: advance %d, token %q", adv, tok)
	}
}
