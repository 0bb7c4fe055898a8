package gs1

import (
	"fmt"
	"strings"
)

// Element is one application identifier with its value, as printed between
// and after the parentheses of the human-readable form: {"17", "261231"}.
type Element struct {
	AI    string
	Value string
}

// Message is a parsed GS1 element string.
type Message struct {
	// Symbology is the AIM symbology identifier the scan carried ("]C1",
	// "]d2", "]Q3", "]e0", "]J1"), or "" when it had none (raw or HRI input).
	Symbology string
	Elements  []Element
}

// Value returns the value of the first element with the AI.
func (m Message) Value(ai string) (string, bool) {
	for _, e := range m.Elements {
		if e.AI == ai {
			return e.Value, true
		}
	}
	return "", false
}

// Element returns the first element whose AI starts with prefix, e.g. "310"
// finds 3100…3105.
func (m Message) Element(prefix string) (Element, bool) {
	for _, e := range m.Elements {
		if strings.HasPrefix(e.AI, prefix) {
			return e, true
		}
	}
	return Element{}, false
}

// HRI returns the human-readable form, "(01)09506000134352(10)LOT42".
func (m Message) HRI() string { return hri(m.Elements) }

// Error says what is wrong with an element string: where (Pos, counting
// characters from 1 in the input as given, including any AIM prefix), which AI
// when one was read, and why. Its ErrorCode is "invalid" (app.EINVALID):
// app.ErrorCode and app.ErrorMessage read it like any bad input, without
// this package importing app (app imports it for app.ParseScan).
type Error struct {
	Pos    int
	AI     string
	Reason string
}

func (e *Error) Error() string {
	if e.AI != "" {
		return fmt.Sprintf("GS1 element (%s) at position %d: %s", e.AI, e.Pos, e.Reason)
	}
	return fmt.Sprintf("GS1 element string at position %d: %s", e.Pos, e.Reason)
}

// ErrorCode returns "invalid": malformed input, never a fault of depot.
func (e *Error) ErrorCode() string { return "invalid" }

func errAt(pos int, ai, format string, args ...any) *Error {
	return &Error{Pos: pos, AI: ai, Reason: fmt.Sprintf(format, args...)}
}

// symbologies are the AIM identifiers of symbols that carry GS1 element
// strings (FNC1 in first position).
var symbologies = map[string]string{
	"]C1": "GS1-128",
	"]d2": "GS1 DataMatrix",
	"]Q3": "GS1 QR Code",
	"]e0": "GS1 DataBar",
	"]J1": "GS1 DotCode",
}

// Parse reads a GS1 element string in any form a scanner or a person hands
// over:
//
//   - with an AIM prefix: "]C1" + data, "]d2" + data (a leading GS, which some
//     decoders emit for the FNC1 in first position, is dropped), "]Q3", "]e0";
//   - raw data whose variable-length elements end with GS (0x1D);
//   - the human-readable form: "(01)09506000134352(17)261231(10)LOT42".
//
// Predefined-length elements (00, 01, 02, 11–17, 20, 31nn–36nn, 41n, …) take
// exactly their length; every other element runs to the next GS or to the end.
// When a scanner dropped the GS after an element whose format is fixed but not
// predefined (e.g. 422, 7003), the element is still cut at its fixed length.
//
// Every value is checked against its AI's format: digits, the GS1 character
// set 82, length, check digits (GTIN, SSCC, GLN, GRAI, …) and dates (day 00
// means the end of the month). An AI given twice with different values is
// refused. Errors are *Error.
func Parse(s string) (Message, error) {
	var m Message
	data, off := s, 0
	if strings.HasPrefix(data, "]") {
		if len(data) < 3 {
			return m, errAt(1, "", "%q is too short for an AIM symbology identifier", data)
		}
		id := data[:3]
		if _, ok := symbologies[id]; !ok {
			return m, errAt(1, "", "AIM symbology identifier %s does not carry GS1 data (want ]C1, ]d2, ]Q3, ]e0 or ]J1)", id)
		}
		m.Symbology, data, off = id, data[3:], 3
		if strings.HasPrefix(data, string(GS)) {
			data, off = data[1:], off+1
		}
	}
	if data == "" {
		return m, errAt(off+1, "", "no data")
	}
	var err error
	if data[0] == '(' {
		m.Elements, err = parseHRI(data, off)
	} else {
		m.Elements, err = parseRaw(data, off)
	}
	if err == nil && len(m.Elements) == 0 {
		err = errAt(off+1, "", "only separators, no elements")
	}
	if err != nil {
		return Message{Symbology: m.Symbology}, err
	}
	return m, nil
}

// readAI reads the AI at the start of s; pos is its position for errors. In
// the human-readable form (hri) the AI is exactly the digits before ")".
func readAI(s string, pos int, hri bool) (*AI, error) {
	n := 0
	for n < len(s) && n < 4 && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	if n < 2 {
		if n < len(s) {
			return nil, errAt(pos+n, "", "expected an application identifier (2 to 4 digits), found %q", s[n])
		}
		return nil, errAt(pos+n, "", "the data ends inside an application identifier %q", s)
	}
	if hri && n < len(s) && s[n] == ')' {
		if a := table[s[:n]]; a != nil {
			return a, nil
		}
		return nil, errAt(pos, "", "unknown application identifier %q", s[:n])
	}
	// Without ")" right after the digits, the caller reports it missing.
	a := lookupPrefix(s[:n])
	if a == nil {
		return nil, errAt(pos, "", "unknown application identifier: none starts with %q", s[:n])
	}
	return a, nil
}

func parseRaw(s string, off int) ([]Element, error) {
	var out []Element
	i := 0
	for i < len(s) {
		if s[i] == GS { // a separator after a predefined-length element is redundant but legal
			i++
			continue
		}
		aiPos := off + i + 1
		a, err := readAI(s[i:], aiPos, false)
		if err != nil {
			return nil, err
		}
		i += len(a.Code)
		valPos := off + i + 1
		var v string
		if total, ok := predefined[a.Code[:2]]; ok {
			n := total - len(a.Code)
			if len(s)-i < n {
				return nil, errAt(aiPos, a.Code, "needs %d characters, the data has %d left", n, len(s)-i)
			}
			v = s[i : i+n]
			if j := strings.IndexByte(v, GS); j >= 0 {
				return nil, errAt(valPos+j, a.Code, "separator (GS) inside a value of predefined length %d", n)
			}
		} else {
			end := strings.IndexByte(s[i:], GS)
			if end < 0 {
				end = len(s) - i
			}
			if fixed := a.fixedLen(); fixed > 0 && end > fixed && validValue(a, s[i:i+fixed]) {
				end = fixed // a scanner dropped the GS after a fixed-length element
			}
			v = s[i : i+end]
			if max := a.maxLen(); len(v) > max {
				return nil, errAt(valPos+max, a.Code, "value is %d characters, at most %d allowed (a GS separator missing after it?)", len(v), max)
			}
		}
		if err := checkValue(a, v, valPos); err != nil {
			return nil, err
		}
		i += len(v)
		if out, err = add(out, a, v, aiPos); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// parseHRI reads "(AI)value(AI)value…". A value may itself contain
// parentheses (set 82 allows them); "(" starts the next element only when a
// known AI and ")" follow it.
func parseHRI(s string, off int) ([]Element, error) {
	var out []Element
	i := 0
	for i < len(s) {
		aiPos := off + i + 1
		if s[i] != '(' {
			return nil, errAt(aiPos, "", "expected \"(\" to open an application identifier, found %q", s[i])
		}
		a, err := readAI(s[i+1:], aiPos+1, true)
		if err != nil {
			return nil, err
		}
		close := i + 1 + len(a.Code)
		if close >= len(s) || s[close] != ')' {
			return nil, errAt(off+close+1, a.Code, "expected \")\" after the application identifier")
		}
		start := close + 1
		end := start
		for end < len(s) && !hriAIAt(s, end) {
			end++
		}
		v := s[start:end]
		if err := checkValue(a, v, off+start+1); err != nil {
			return nil, err
		}
		if out, err = add(out, a, v, aiPos); err != nil {
			return nil, err
		}
		i = end
	}
	return out, nil
}

// hriAIAt reports whether s[i:] starts with "(AI)" for a known AI.
func hriAIAt(s string, i int) bool {
	if s[i] != '(' {
		return false
	}
	j := i + 1
	for j < len(s) && j-i <= 5 && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	return j < len(s) && s[j] == ')' && table[s[i+1:j]] != nil
}

func add(out []Element, a *AI, v string, pos int) ([]Element, error) {
	for _, e := range out {
		if e.AI == a.Code {
			if e.Value != v {
				return nil, errAt(pos, a.Code, "given twice with different values %q and %q", e.Value, v)
			}
			return out, nil
		}
	}
	return append(out, Element{AI: a.Code, Value: v}), nil
}
