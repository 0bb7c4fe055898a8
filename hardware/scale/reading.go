// Package scale reads weighing scales: a pure parser and a device-side
// simulator per protocol (NCI SCP-01, Toledo 8213/8217, MT-SICS, configurable
// ASCII lines, HID POS scale reports), the stable-weight rule, a simulator
// server on a pty or TCP socket, and a driver that opens any of them by
// address.
//
// Weights are fixed point: integer milligrams with sign, plus the value as
// the scale displayed it (integer, decimals, unit). No floats.
package scale

import (
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// Status is what the scale says about its weight.
type Status int

// Statuses. Only Stable readings count as a weight; the others say why not.
const (
	Stable    Status = iota // weight settled
	Motion                  // weight still moving ("dynamic")
	Overload                // over capacity
	UnderZero               // below the zero range (underload)
	Fault                   // a scale error: RAM/ROM/EEPROM, calibration, or an invalid weight
)

var statusNames = [...]string{"stable", "unstable", "overload", "under zero", "fault"}

func (s Status) String() string {
	if s < 0 || int(s) >= len(statusNames) {
		return fmt.Sprintf("status(%d)", int(s))
	}
	return statusNames[s]
}

// MarshalText writes the status as its name, for JSON and SSE.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Reading is one weight report from a scale.
type Reading struct {
	// HasWeight is false when the frame carried no weight (a Toledo "?"
	// frame, an NCI status-only frame, an overload).
	HasWeight bool      `json:"has_weight"`
	WeightMg  int64     `json:"weight_mg"` // the displayed weight in milligrams, rounded; negative below zero
	Value     int64     `json:"value"`     // the displayed number without its decimal point: 1250 for "1.250"
	Decimals  int       `json:"decimals"`  // digits after the decimal point in the display
	Unit      Unit      `json:"unit"`      // the unit the scale showed
	Status    Status    `json:"status"`
	Net       bool      `json:"net"` // the weight is net of a tare
	At        time.Time `json:"at"`  // when the frame arrived (set by the driver)
}

// String formats the reading for a console: "1.250 kg stable",
// "1.248 kg unstable", "unstable", "overload".
func (r Reading) String() string {
	if !r.HasWeight {
		return r.Status.String()
	}
	return r.Display() + " " + r.Status.String()
}

// Display is the weight as the scale showed it, e.g. "1.250 kg", or "" when
// the reading has no weight.
func (r Reading) Display() string {
	if !r.HasWeight {
		return ""
	}
	return FormatFixed(r.Value, r.Decimals) + " " + string(r.Unit)
}

// Unit is a weight unit as a scale shows it.
type Unit string

// Units scales report.
const (
	MG   Unit = "mg"
	G    Unit = "g"
	KG   Unit = "kg"
	T    Unit = "t"
	CT   Unit = "ct"
	LB   Unit = "lb"
	OZ   Unit = "oz"
	OZT  Unit = "ozt"
	GR   Unit = "gr"
	DWT  Unit = "dwt"
	TAEL Unit = "tael"
	TON  Unit = "ton"
)

// mgPer is the size of each unit in mg as an exact fraction.
var mgPer = map[Unit][2]int64{
	MG: {1, 1}, G: {1000, 1}, KG: {1_000_000, 1}, T: {1_000_000_000, 1}, CT: {200, 1},
	LB: {45359237, 100}, OZ: {45359237, 1600}, OZT: {311034768, 10000}, GR: {6479891, 100000},
	DWT: {155517384, 100000}, TAEL: {37799, 1}, TON: {90718474000, 100},
}

// ParseUnit reads a unit as scales print it ("kg", "KG", "lbs", "Kg").
func ParseUnit(s string) (Unit, error) {
	u := Unit(strings.ToLower(strings.TrimSpace(s)))
	switch u {
	case "lbs":
		u = LB
	case "gm":
		u = G
	}
	if _, ok := mgPer[u]; !ok {
		return "", fmt.Errorf("unit %q: not a weight unit (want g, kg, lb, oz, ...)", s)
	}
	return u, nil
}

// ToMg converts a displayed value (value / 10^decimals of unit) to mg,
// rounding half away from zero. It fails only for an unknown unit or a
// result outside int64.
func ToMg(value int64, decimals int, unit Unit) (int64, error) {
	f, ok := mgPer[unit]
	if !ok {
		return 0, fmt.Errorf("unit %q: not a weight unit", unit)
	}
	num := new(big.Int).Mul(big.NewInt(value), big.NewInt(f[0]))
	den := new(big.Int).Mul(big.NewInt(f[1]), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(decimals)), nil))
	return roundDiv(num, den)
}

// FromMg converts mg to a displayed value with the decimals in unit, rounding
// half away from zero.
func FromMg(mg int64, decimals int, unit Unit) (int64, error) {
	f, ok := mgPer[unit]
	if !ok {
		return 0, fmt.Errorf("unit %q: not a weight unit", unit)
	}
	num := new(big.Int).Mul(big.NewInt(mg), new(big.Int).Mul(big.NewInt(f[1]), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(decimals)), nil)))
	return roundDiv(num, big.NewInt(f[0]))
}

func roundDiv(num, den *big.Int) (int64, error) {
	neg := num.Sign() < 0
	num = new(big.Int).Abs(num)
	q, r := new(big.Int).QuoRem(num, den, new(big.Int))
	if new(big.Int).Mul(r, big.NewInt(2)).Cmp(den) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if neg {
		q.Neg(q)
	}
	if !q.IsInt64() {
		return 0, errors.New("weight out of range")
	}
	return q.Int64(), nil
}

// ParseFixed reads decimal text as a scale prints it: an optional sign
// (possibly followed by spaces), digits with at most one decimal point,
// leading zeros and spaces allowed: "  1.234", "-0012.34", "+ 12.345", "0150".
// It returns the number without its point and the count of decimals.
func ParseFixed(s string) (value int64, decimals int, err error) {
	t := strings.TrimSpace(s)
	neg := false
	if t != "" && (t[0] == '-' || t[0] == '+') {
		neg = t[0] == '-'
		t = strings.TrimLeft(t[1:], " ")
	}
	if t == "" {
		return 0, 0, fmt.Errorf("weight %q: no digits", s)
	}
	digits, point := 0, -1
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case c >= '0' && c <= '9':
			if digits == 18 {
				return 0, 0, fmt.Errorf("weight %q: too many digits", s)
			}
			if value > 0 || c != '0' {
				digits++
			}
			value = value*10 + int64(c-'0')
		case c == '.' && point < 0:
			point = i
		default:
			return 0, 0, fmt.Errorf("weight %q: unexpected %q", s, c)
		}
	}
	if point >= 0 {
		decimals = len(t) - point - 1
		if point == 0 && decimals == 0 {
			return 0, 0, fmt.Errorf("weight %q: no digits", s)
		}
	}
	if decimals > 9 {
		return 0, 0, fmt.Errorf("weight %q: more than 9 decimals", s)
	}
	if neg {
		value = -value
	}
	return value, decimals, nil
}

// FormatFixed writes value / 10^decimals with exactly that many decimals:
// FormatFixed(-1250, 3) = "-1.250".
func FormatFixed(value int64, decimals int) string {
	sign := ""
	u := uint64(value)
	if value < 0 {
		sign, u = "-", uint64(-value)
	}
	s := fmt.Sprint(u)
	if decimals <= 0 {
		return sign + s
	}
	if len(s) <= decimals {
		s = strings.Repeat("0", decimals-len(s)+1) + s
	}
	return sign + s[:len(s)-decimals] + "." + s[len(s)-decimals:]
}

// ParseWeight reads a weight with its unit, as typed by a person or given to
// the simulator: "1.250kg", "-12.3 oz", "500 g". The error names the input.
func ParseWeight(s string) (value int64, decimals int, unit Unit, err error) {
	t := strings.TrimSpace(s)
	i := strings.LastIndexAny(t, "0123456789.")
	if i < 0 {
		return 0, 0, "", fmt.Errorf("weight %q: want a number and a unit, e.g. 1.250kg", s)
	}
	if unit, err = ParseUnit(t[i+1:]); err != nil {
		return 0, 0, "", fmt.Errorf("weight %q: %v", s, err)
	}
	if value, decimals, err = ParseFixed(t[:i+1]); err != nil {
		return 0, 0, "", err
	}
	return value, decimals, unit, nil
}

// weighed fills a Reading with a parsed weight.
func weighed(text string, unit Unit, st Status) (Reading, error) {
	v, d, err := ParseFixed(text)
	if err != nil {
		return Reading{}, err
	}
	mg, err := ToMg(v, d, unit)
	if err != nil {
		return Reading{}, err
	}
	return Reading{HasWeight: true, WeightMg: mg, Value: v, Decimals: d, Unit: unit, Status: st}, nil
}
