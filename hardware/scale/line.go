package scale

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"depot/hardware/serialport"
)

// LineModel describes an indicator that prints one ASCII line per weight
// (CAS, Tiger/Selleton, A&D, Ohaus, Adam). Models live in config, so a site
// can add an indicator without a release.
type LineModel struct {
	Name   string `json:"name"`
	Baud   int    `json:"baud"`   // default 9600
	Format string `json:"format"` // default 8N1
	// Request is the poll command, e.g. "P\r\n"; empty means the indicator streams.
	Request string `json:"request,omitempty"`
	// Terminator ends each line; default "\r\n".
	Terminator string `json:"terminator,omitempty"`
	// Pattern is a regexp with named groups: weight (required: sign, digits,
	// point), unit, status (a token looked up in Status), motion (non-empty
	// means unstable). Garbage before a line is skipped if the pattern is not
	// anchored at the start.
	Pattern string `json:"pattern"`
	// Status maps a status token to stable, unstable, overload, under zero or fault.
	Status map[string]string `json:"status,omitempty"`
	// Unit is the unit when the line has none.
	Unit string `json:"unit,omitempty"`
	// Zero and Tare are the commands, if the indicator has them (no reply expected).
	Zero string `json:"zero,omitempty"`
	Tare string `json:"tare,omitempty"`
	// Sim is the simulator's line: {status}, {unit}, {motion} (the motion
	// token or spaces), {weight:N} (sign then the value right-aligned in N-1),
	// {weight0:N} (sign then zero-padded), {value:N} (right-aligned, '-' only).
	Sim string `json:"sim,omitempty"`
	// SimMotion is the token {motion} prints while the weight moves, e.g. "?".
	SimMotion string `json:"sim_motion,omitempty"`

	re      *regexp.Regexp
	status  map[string]Status
	inverse map[Status]string
	unit    Unit
	mode    serialport.Mode
}

// Compile checks the model and prepares it; the error names the model and
// the field at fault.
func (m *LineModel) Compile() error {
	if m.Name == "" {
		return fmt.Errorf("line model: name is required")
	}
	fail := func(field, format string, a ...any) error {
		return fmt.Errorf("line model %q: %s: %s", m.Name, field, fmt.Sprintf(format, a...))
	}
	re, err := regexp.Compile(m.Pattern)
	if err != nil {
		return fail("pattern", "%v", err)
	}
	if re.SubexpIndex("weight") < 0 {
		return fail("pattern", "needs a (?P<weight>...) group")
	}
	m.re = re
	m.mode = serialport.Mode{Baud: 9600, DataBits: 8, Parity: 'N', StopBits: 1}
	if m.Baud != 0 {
		m.mode.Baud = m.Baud
	}
	if m.Format != "" {
		if m.mode.DataBits, m.mode.Parity, m.mode.StopBits, err = serialport.ParseFormat(m.Format); err != nil {
			return fail("format", "%v", err)
		}
	}
	if m.Terminator == "" {
		m.Terminator = "\r\n"
	}
	m.status, m.inverse = map[string]Status{}, map[Status]string{}
	tokens := make([]string, 0, len(m.Status))
	for tok := range m.Status {
		tokens = append(tokens, tok)
	}
	sort.Strings(tokens)
	for _, tok := range tokens {
		st, ok := statusByName(m.Status[tok])
		if !ok {
			return fail("status", "%q for token %q is not stable, unstable, overload, under zero or fault", m.Status[tok], tok)
		}
		m.status[tok] = st
		if _, ok := m.inverse[st]; !ok {
			m.inverse[st] = tok
		}
	}
	if m.Unit != "" {
		if m.unit, err = ParseUnit(m.Unit); err != nil {
			return fail("unit", "%v", err)
		}
	}
	return nil
}

func statusByName(s string) (Status, bool) {
	for i, n := range statusNames {
		if n == s || (s == "motion" && i == int(Motion)) {
			return Status(i), true
		}
	}
	return 0, false
}

var lineModels = struct {
	sync.Mutex
	m map[string]*LineModel
}{m: map[string]*LineModel{}}

// RegisterLineModel compiles m and makes it available as protocol line with
// model=<name>, replacing a model of the same name.
func RegisterLineModel(m LineModel) error {
	if err := m.Compile(); err != nil {
		return err
	}
	lineModels.Lock()
	lineModels.m[strings.ToLower(m.Name)] = &m
	lineModels.Unlock()
	return nil
}

// LoadLineModels registers the models of a JSON array (the config file's
// format) and returns how many it registered; nothing is registered when one
// is wrong.
func LoadLineModels(data []byte) (int, error) {
	var ms []LineModel
	if err := json.Unmarshal(data, &ms); err != nil {
		return 0, fmt.Errorf("line models: %v", err)
	}
	for i := range ms {
		if err := ms[i].Compile(); err != nil {
			return 0, err
		}
	}
	for _, m := range ms {
		RegisterLineModel(m)
	}
	return len(ms), nil
}

// LineModelByName returns a registered model.
func LineModelByName(name string) (*LineModel, bool) {
	lineModels.Lock()
	defer lineModels.Unlock()
	m, ok := lineModels.m[strings.ToLower(name)]
	return m, ok
}

// LineModelNames lists the registered models, sorted.
func LineModelNames() []string {
	lineModels.Lock()
	defer lineModels.Unlock()
	var names []string
	for n := range lineModels.m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Built-in models, from the record layouts in the indicators' manuals.
var builtinLineModels = []LineModel{
	{ // Tiger / Selleton / CAS-style: "ST,GS,+ 12.345,kg"
		Name:    "tiger",
		Pattern: `(?P<status>ST|US|OL),(?:GS|NT),(?P<weight>[-+] *[0-9.]+),(?P<unit>[a-zA-Z]+)$`,
		Status:  map[string]string{"ST": "stable", "US": "unstable", "OL": "overload"},
		Sim:     "{status},GS,{weight:8},{unit}",
	},
	{ // A&D 18-byte: "ST,+00012.34  g"
		Name:    "and",
		Pattern: `(?P<status>ST|US|OL|QT),(?P<weight>[-+][0-9.]+) *(?P<unit>[a-zA-Z]+)$`,
		Status:  map[string]string{"ST": "stable", "QT": "stable", "US": "unstable", "OL": "overload"},
		Sim:     "{status},{weight0:9}  {unit}",
	},
	{ // Ohaus print format: "     12.34 kg ? G" ('?' while unstable)
		Name:      "ohaus",
		Request:   "IP\r\n",
		Pattern:   `(?P<weight>-? *[0-9.]+) +(?P<unit>[a-zA-Z]+) *(?P<motion>\??) *(?:G|NET|N|T)?$`,
		Zero:      "Z\r\n",
		Tare:      "T\r\n",
		Sim:       "{value:10} {unit} {motion} G",
		SimMotion: "?",
	},
	{ // Adam AZExtra: polled with "P", answers "   0.000kg"
		Name:    "adam",
		Baud:    4800,
		Request: "P\r\n",
		Pattern: `(?P<weight>[-+]? *[0-9.]+) *(?P<unit>[a-zA-Z]+)$`,
		Sim:     "{value:8}{unit}",
	},
}

func init() {
	for _, m := range builtinLineModels {
		if err := RegisterLineModel(m); err != nil {
			panic(err)
		}
	}
}

// Line is the configurable ASCII line protocol for one LineModel.
type Line struct {
	Model *LineModel
}

// Name implements Protocol.
func (Line) Name() string { return "line" }

// Mode is the model's serial setting.
func (l Line) Mode() serialport.Mode { return l.Model.mode }

// Request is the model's poll command, nil for a streaming indicator.
func (l Line) Request() []byte {
	if l.Model.Request == "" {
		return nil
	}
	return []byte(l.Model.Request)
}

// Command returns the model's zero or tare command (not answered).
func (l Line) Command(op Op) ([]byte, bool) {
	c := map[Op]string{OpZero: l.Model.Zero, OpTare: l.Model.Tare}[op]
	if c == "" {
		return nil, false
	}
	return []byte(c), false
}

// CheckReply is never called: line commands are not answered.
func (Line) CheckReply(Op, []byte) error { return nil }

// Split frames end in the model's terminator.
func (l Line) Split(data []byte, atEOF bool) (int, []byte, error) {
	return splitTerm(data, 0, l.Model.Terminator)
}

// Parse reads one line with the model's pattern.
func (l Line) Parse(frame []byte) (Reading, error) {
	m := l.Model
	line := strings.TrimRight(mask7(frame), "\r\n")
	g := m.re.FindStringSubmatch(line)
	if g == nil {
		return Reading{}, fmt.Errorf("line model %s: %q does not match the pattern", m.Name, line)
	}
	group := func(name string) string {
		if i := m.re.SubexpIndex(name); i >= 0 {
			return strings.TrimSpace(g[i])
		}
		return ""
	}
	st := Stable
	if tok := group("status"); tok != "" {
		var ok bool
		if st, ok = m.status[tok]; !ok {
			return Reading{}, fmt.Errorf("line model %s: status %q unknown", m.Name, tok)
		}
	}
	if st == Stable && group("motion") != "" {
		st = Motion
	}
	if st == Overload || st == Fault {
		return Reading{Status: st}, nil
	}
	unit := m.unit
	if u := group("unit"); u != "" {
		var err error
		if unit, err = ParseUnit(u); err != nil {
			return Reading{}, fmt.Errorf("line model %s: %v", m.Name, err)
		}
	}
	if unit == "" {
		return Reading{}, fmt.Errorf("line model %s: the line has no unit and the model sets none", m.Name)
	}
	r, err := weighed(group("weight"), unit, st)
	if err != nil {
		if st == UnderZero {
			return Reading{Status: st}, nil
		}
		return Reading{}, fmt.Errorf("line model %s: %v", m.Name, err)
	}
	return r, nil
}

// NewSim implements Protocol.
func (l Line) NewSim(st *SimState) Sim { return &lineSim{m: l.Model, st: st} }

type lineSim struct {
	m  *LineModel
	st *SimState
}

func (s *lineSim) SplitCommand(data []byte, atEOF bool) (int, []byte, error) {
	return splitTerm(data, 0, "\r")
}

func (s *lineSim) Handle(cmd []byte) []byte {
	c := strings.TrimSpace(string(cmd))
	switch {
	case s.m.Request != "" && c == strings.TrimSpace(s.m.Request):
		return s.line()
	case s.m.Zero != "" && c == strings.TrimSpace(s.m.Zero):
		s.st.Zero()
	case s.m.Tare != "" && c == strings.TrimSpace(s.m.Tare):
		s.st.Tare()
	}
	return nil
}

func (s *lineSim) Stream() []byte {
	if s.m.Request != "" {
		return nil
	}
	return s.line()
}

var simField = regexp.MustCompile(`\{(status|unit|motion|weight|weight0|value)(?::([0-9]+))?\}`)

// line prints the state in the model's Sim layout; nil when the model cannot
// express the state (no token for it), as such an indicator would show
// nothing a host can read.
func (s *lineSim) line() []byte {
	v := s.st.View()
	tok := ""
	if len(s.m.inverse) > 0 {
		var ok bool
		if tok, ok = s.m.inverse[v.Status]; !ok {
			return nil
		}
	} else if v.Status != Stable && !(v.Status == Motion && s.m.SimMotion != "") {
		return nil
	}
	out := simField.ReplaceAllStringFunc(s.m.Sim, func(f string) string {
		p := simField.FindStringSubmatch(f)
		width, _ := strconv.Atoi(p[2])
		abs := FormatFixed(v.Value, v.Decimals)
		sign := "+"
		if v.Value < 0 {
			sign, abs = "-", abs[1:]
		}
		switch p[1] {
		case "status":
			return tok
		case "unit":
			return string(v.Unit)
		case "motion":
			if v.Status == Motion {
				return s.m.SimMotion
			}
			return strings.Repeat(" ", len(s.m.SimMotion))
		case "weight":
			return sign + fmt.Sprintf("%*s", width-1, abs)
		case "weight0":
			return sign + padFixed(abs0(v.Value), v.Decimals, width-1, '0')
		}
		return padFixed(v.Value, v.Decimals, width, ' ')
	})
	return []byte(out + s.m.Terminator)
}

func abs0(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}
