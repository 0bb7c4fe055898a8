// Package scanner reads bar code scans from scanners attached to the box:
// USB-CDC and RS-232 scanners that send "data suffix" over a serial line, and
// HID POS scanners (usage page 0x8C) that send Scanned Data Reports. Both end
// in the same Scan, with the AIM symbology identifier kept and decoded so GS1
// element strings are told apart from plain data.
//
// The parsers here are pure (bytes in, scans out); Reader runs one of them
// over a hardware.Conn and reconnects when the scanner goes away.
package scanner

// Symbology names a bar code symbology as its AIM identifier reports it.
type Symbology string

// Symbologies that AIM identifiers name (ISO/IEC 15424). A modifier that
// the table does not know keeps the family name.
const (
	SymUnknown       Symbology = ""               // no AIM prefix, or one the table does not know
	SymCode128       Symbology = "Code 128"       // ]C0, ]C2, ]C4
	SymGS1128        Symbology = "GS1-128"        // ]C1
	SymEAN13         Symbology = "EAN-13/UPC-A"   // ]E0 (UPC-A and UPC-E arrive as EAN-13 or as themselves)
	SymEANAddOn      Symbology = "EAN/UPC add-on" // ]E1, ]E2
	SymEAN13AddOn    Symbology = "EAN-13 with add-on"
	SymEAN8          Symbology = "EAN-8"             // ]E4
	SymDataMatrix    Symbology = "Data Matrix"       // ]d0, ]d1, ]d3, ]d4, ]d6
	SymGS1DataMatrix Symbology = "GS1 DataMatrix"    // ]d2, ]d5
	SymQR            Symbology = "QR Code"           // ]Q0, ]Q1, ]Q2, ]Q5, ]Q6
	SymGS1QR         Symbology = "GS1 QR Code"       // ]Q3, ]Q4
	SymGS1DataBar    Symbology = "GS1 DataBar"       // ]e0
	SymGS1Composite  Symbology = "GS1 Composite"     // ]e1, ]e2, ]e3
	SymGS1DotCode    Symbology = "GS1 DotCode"       // ]J1
	SymDotCode       Symbology = "DotCode"           // ]J0 and others
	SymCode39        Symbology = "Code 39"           // ]A*
	SymITF           Symbology = "ITF"               // ]I*
	SymCodabar       Symbology = "Codabar"           // ]F*
	SymCode93        Symbology = "Code 93"           // ]G*
	SymCode11        Symbology = "Code 11"           // ]H*
	SymPDF417        Symbology = "PDF417"            // ]L*
	SymMSI           Symbology = "MSI"               // ]M*
	SymTwoOfFive     Symbology = "Industrial 2 of 5" // ]S*, ]R*
	SymMaxiCode      Symbology = "MaxiCode"          // ]U*
	SymAztec         Symbology = "Aztec"             // ]z*
	SymOther         Symbology = "other"             // ]X*: a symbology without its own code
	SymNonBarcode    Symbology = "non-bar-code data" // ]Z*: e.g. a scanner's reply to a host command
)

// aimFamily is what the code character of an AIM identifier says; gs1 and
// byModifier refine it per modifier character.
type aimFamily struct {
	sym        Symbology
	byModifier map[byte]Symbology
	gs1        map[byte]bool
}

var aimFamilies = map[byte]aimFamily{
	'C': {sym: SymCode128, byModifier: map[byte]Symbology{'1': SymGS1128}, gs1: map[byte]bool{'1': true}},
	'E': {sym: SymEAN13, byModifier: map[byte]Symbology{'1': SymEANAddOn, '2': SymEANAddOn, '3': SymEAN13AddOn, '4': SymEAN8}},
	'd': {sym: SymDataMatrix, byModifier: map[byte]Symbology{'2': SymGS1DataMatrix, '5': SymGS1DataMatrix}, gs1: map[byte]bool{'2': true, '5': true}},
	'Q': {sym: SymQR, byModifier: map[byte]Symbology{'3': SymGS1QR, '4': SymGS1QR}, gs1: map[byte]bool{'3': true, '4': true}},
	'e': {sym: SymGS1DataBar, byModifier: map[byte]Symbology{'1': SymGS1Composite, '2': SymGS1Composite, '3': SymGS1Composite}, gs1: map[byte]bool{'0': true, '1': true, '2': true, '3': true}},
	'J': {sym: SymDotCode, byModifier: map[byte]Symbology{'1': SymGS1DotCode}, gs1: map[byte]bool{'1': true}},
	'A': {sym: SymCode39},
	'I': {sym: SymITF},
	'F': {sym: SymCodabar},
	'G': {sym: SymCode93},
	'H': {sym: SymCode11},
	'L': {sym: SymPDF417},
	'M': {sym: SymMSI},
	'S': {sym: SymTwoOfFive},
	'R': {sym: SymTwoOfFive},
	'U': {sym: SymMaxiCode},
	'z': {sym: SymAztec},
	'X': {sym: SymOther},
	'Z': {sym: SymNonBarcode},
}

// AIM is a decoded AIM symbology identifier such as "]C1".
type AIM struct {
	ID        string    // the three characters, e.g. "]C1"
	Symbology Symbology // SymUnknown when the code character is not in the table
	GS1       bool      // the data is a GS1 element string (FNC1 in first position)
}

// ParseAIM decodes a three-character AIM identifier. ok is false when id is
// not one: it must be ']', a letter, and a modifier digit or upper-case
// letter. An identifier with a code character depot does not know still
// parses, with SymUnknown, so new scanners are not refused.
func ParseAIM(id string) (a AIM, ok bool) {
	if len(id) != 3 || id[0] != ']' || !isLetter(id[1]) || !isModifier(id[2]) {
		return AIM{}, false
	}
	a.ID = id
	f, known := aimFamilies[id[1]]
	if !known {
		return a, true
	}
	a.Symbology = f.sym
	if s, ok := f.byModifier[id[2]]; ok {
		a.Symbology = s
	}
	a.GS1 = f.gs1[id[2]]
	return a, true
}

// SplitAIM splits a leading AIM identifier off a scan. It returns ok false,
// and the input unchanged, when raw does not start with one.
func SplitAIM(raw []byte) (a AIM, data []byte, ok bool) {
	if len(raw) < 3 {
		return AIM{}, raw, false
	}
	a, ok = ParseAIM(string(raw[:3]))
	if !ok {
		return AIM{}, raw, false
	}
	return a, raw[3:], true
}

func isLetter(c byte) bool   { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }
func isModifier(c byte) bool { return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' }
