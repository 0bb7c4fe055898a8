// Package gs1 parses and builds GS1 element strings: the application
// identifiers (AIs) carried by GS1-128, GS1 DataMatrix, GS1 QR and GS1 DataBar
// symbols, their FNC1/GS separators, the human-readable form with
// parentheses, AIM symbology prefixes, check digits, dates and decimal
// measures. It does no I/O.
package gs1

import (
	"fmt"
	"strconv"
	"strings"
)

// GS is the group separator (0x1D) that transmits an FNC1 used as a
// separator between a variable-length element and the next AI.
const GS = '\x1d'

// predefined maps the first two digits of an AI to the total length (AI plus
// value) of element strings whose length GS1 fixes once and for all (GS1
// General Specifications, figure 7.8.5-2). Only these end without an FNC1;
// every other element ends at FNC1/GS or at the end of the data, even when its
// format is fixed (for example 422 or 7003).
var predefined = map[string]int{
	"00": 20, "01": 16, "02": 16, "03": 16, "04": 18,
	"11": 8, "12": 8, "13": 8, "14": 8, "15": 8, "16": 8, "17": 8, "18": 8, "19": 8,
	"20": 4,
	"31": 10, "32": 10, "33": 10, "34": 10, "35": 10, "36": 10,
	"41": 16,
}

// part is one component of an AI's value: N (digits) or X (GS1 character set
// 82), a length range, and whether it carries a check digit or is a date.
type part struct {
	kind     byte // 'N' or 'X'
	min, max int
	check    bool // last digit is a GS1 mod-10 check digit
	date     bool // YYMMDD, day 00 allowed (end of month)
	datetime bool // YYMMDDHH[MM]: a date followed by hours and minutes
}

// AI describes one application identifier.
type AI struct {
	Code  string // "01", "3103", "8003"
	Title string // GS1 data title, e.g. "GTIN", "BATCH/LOT", "NET WEIGHT (kg)"
	// Decimals is the implied number of decimal places for measures and
	// amounts (the 4th digit of 31nn–36nn and 39nn), or -1.
	Decimals int
	parts    []part
	format   string
}

// Predefined reports whether the AI's element length is predefined, so it
// never needs an FNC1/GS after it.
func (a *AI) Predefined() bool {
	_, ok := predefined[a.Code[:2]]
	return ok
}

// Format returns the value format as GS1 writes it, e.g. "N14", "X..20",
// "N6 (YYMMDD)", "N3+X..9".
func (a *AI) Format() string { return a.format }

// maxLen is the longest value the AI accepts; fixedLen is its length when
// every part is fixed, else 0.
func (a *AI) maxLen() int {
	n := 0
	for _, p := range a.parts {
		n += p.max
	}
	return n
}

func (a *AI) fixedLen() int {
	n := 0
	for _, p := range a.parts {
		if p.min != p.max {
			return 0
		}
		n += p.max
	}
	return n
}

// table holds every AI this package knows, by code.
var table = map[string]*AI{}

// def adds AIs to the table. spec is GS1's format notation with our marks:
// "N14c" = 14 digits with a check digit, "N6d" = a YYMMDD date, "N8t" =
// YYMMDDHH, "X..20" = up to 20 characters of set 82, "+" joins parts.
func def(code, spec, title string) {
	a := &AI{Code: code, Title: title, Decimals: -1, format: spec}
	for _, s := range strings.Split(spec, "+") {
		p := part{kind: s[0]}
		s = s[1:]
		for marks := true; marks && len(s) > 0; {
			switch s[len(s)-1] {
			case 'c':
				p.check = true
			case 'd':
				p.date = true
			case 't':
				p.datetime = true
			default:
				marks = false
				continue
			}
			s = s[:len(s)-1]
		}
		if v, ok := strings.CutPrefix(s, ".."); ok {
			p.min, p.max = 1, atoi(v)
		} else {
			p.min, p.max = atoi(s), atoi(s)
		}
		a.parts = append(a.parts, p)
	}
	a.format = strings.NewReplacer("c", "", "d", " (YYMMDD)", "t", " (YYMMDDHH…)").Replace(spec)
	table[code] = a
}

// defN adds the ten (or fewer) AIs code+"0".."n" that differ only in their
// implied decimal point.
func defN(code, spec, title string, maxDecimals int) {
	for n := 0; n <= maxDecimals; n++ {
		c := code + strconv.Itoa(n)
		def(c, spec, title)
		table[c].Decimals = n
	}
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		panic(fmt.Sprintf("gs1: bad length %q in AI table", s))
	}
	return n
}

// The AI table, transcribed from the GS1 General Specifications (section 3)
// for the AIs a warehouse meets: identification, dates, lots and serials,
// counts, measures, amounts, shipping and locations, assets.
func init() {
	def("00", "N18c", "SSCC")
	def("01", "N14c", "GTIN")
	def("02", "N14c", "CONTENT")
	def("03", "N14c", "MTO GTIN")
	def("10", "X..20", "BATCH/LOT")
	def("11", "N6d", "PROD DATE")
	def("12", "N6d", "DUE DATE")
	def("13", "N6d", "PACK DATE")
	def("15", "N6d", "BEST BEFORE or BEST BY")
	def("16", "N6d", "SELL BY")
	def("17", "N6d", "USE BY or EXPIRY")
	def("20", "N2", "VARIANT")
	def("21", "X..20", "SERIAL")
	def("22", "X..20", "CPV")
	def("235", "X..28", "TPX")
	def("240", "X..30", "ADDITIONAL ID")
	def("241", "X..30", "CUST. PART No.")
	def("242", "N..6", "MTO VARIANT")
	def("243", "X..20", "PCN")
	def("250", "X..30", "SECONDARY SERIAL")
	def("251", "X..30", "REF. TO SOURCE")
	def("253", "N13c+X..17", "GDTI")
	def("254", "X..20", "GLN EXTENSION COMPONENT")
	def("255", "N13c+N..12", "GCN")
	def("30", "N..8", "VAR. COUNT")
	defN("310", "N6", "NET WEIGHT (kg)", 5)
	defN("311", "N6", "LENGTH (m)", 5)
	defN("312", "N6", "WIDTH (m)", 5)
	defN("313", "N6", "HEIGHT (m)", 5)
	defN("314", "N6", "AREA (m²)", 5)
	defN("315", "N6", "NET VOLUME (l)", 5)
	defN("316", "N6", "NET VOLUME (m³)", 5)
	defN("320", "N6", "NET WEIGHT (lb)", 5)
	defN("321", "N6", "LENGTH (in)", 5)
	defN("322", "N6", "LENGTH (ft)", 5)
	defN("323", "N6", "LENGTH (yd)", 5)
	defN("324", "N6", "WIDTH (in)", 5)
	defN("325", "N6", "WIDTH (ft)", 5)
	defN("326", "N6", "WIDTH (yd)", 5)
	defN("327", "N6", "HEIGHT (in)", 5)
	defN("328", "N6", "HEIGHT (ft)", 5)
	defN("329", "N6", "HEIGHT (yd)", 5)
	defN("330", "N6", "GROSS WEIGHT (kg)", 5)
	defN("331", "N6", "LENGTH (m), log", 5)
	defN("332", "N6", "WIDTH (m), log", 5)
	defN("333", "N6", "HEIGHT (m), log", 5)
	defN("334", "N6", "AREA (m²), log", 5)
	defN("335", "N6", "VOLUME (l), log", 5)
	defN("336", "N6", "VOLUME (m³), log", 5)
	defN("340", "N6", "GROSS WEIGHT (lb)", 5)
	defN("356", "N6", "NET WEIGHT (t oz)", 5)
	defN("357", "N6", "NET VOLUME (oz)", 5)
	defN("360", "N6", "NET VOLUME (qt)", 5)
	defN("361", "N6", "NET VOLUME (gal.)", 5)
	def("37", "N..8", "COUNT")
	defN("390", "N..15", "AMOUNT", 9)
	defN("391", "N3+N..15", "AMOUNT", 9)
	defN("392", "N..15", "PRICE", 9)
	defN("393", "N3+N..15", "PRICE", 9)
	def("400", "X..30", "ORDER NUMBER")
	def("401", "X..30", "GINC")
	def("402", "N17c", "GSIN")
	def("403", "X..30", "ROUTE")
	def("410", "N13c", "SHIP TO LOC")
	def("411", "N13c", "BILL TO")
	def("412", "N13c", "PURCHASE FROM")
	def("413", "N13c", "SHIP FOR LOC")
	def("414", "N13c", "LOC No.")
	def("415", "N13c", "PAY TO")
	def("416", "N13c", "PROD/SERV LOC")
	def("417", "N13c", "PARTY")
	def("420", "X..20", "SHIP TO POST")
	def("421", "N3+X..9", "SHIP TO POST")
	def("422", "N3", "ORIGIN")
	def("7003", "N10t", "EXPIRY TIME")
	def("7006", "N6d", "FIRST FREEZE DATE")
	def("8003", "N14c+X..16", "GRAI")
	def("8004", "X..30", "GIAI")
	def("8005", "N6", "PRICE PER UNIT")
	def("8006", "N14c+N2+N2", "ITIP")
	def("8008", "N8t+N..4", "PROD TIME")
	def("8017", "N18c", "GSRN - PROVIDER")
	def("8018", "N18c", "GSRN - RECIPIENT")
	def("8020", "X..25", "REF No.")
	def("90", "X..30", "INTERNAL")
	for i := 91; i <= 99; i++ {
		def(strconv.Itoa(i), "X..90", "INTERNAL")
	}
}

// Lookup returns the AI with the given code, or nil when this package does
// not know it.
func Lookup(code string) *AI { return table[code] }

// lookupPrefix finds the AI that s starts with. AIs are prefix-free, so at
// most one of the 2-, 3- and 4-digit prefixes matches.
func lookupPrefix(s string) *AI {
	for n := 2; n <= 4 && n <= len(s); n++ {
		if a := table[s[:n]]; a != nil {
			return a
		}
	}
	return nil
}
