package gs1

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// CheckDigit returns the GS1 mod-10 check digit for data digits (a GTIN,
// SSCC or GLN without its last digit): weights 3,1,3,1… from the rightmost
// digit, check = (10 - sum%10) % 10.
func CheckDigit(digits string) byte {
	sum, w := 0, 3
	for i := len(digits) - 1; i >= 0; i-- {
		sum += int(digits[i]-'0') * w
		w = 4 - w
	}
	return byte('0' + (10-sum%10)%10)
}

// isCSet82 reports whether c is in the GS1 AI encodable character set 82:
// ! " % & ' ( ) * + , - . / 0-9 : ; < = > ? A-Z _ a-z.
func isCSet82(c byte) bool {
	switch {
	case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte(`!"%&'()*+,-./:;<=>?_`, c) >= 0
}

// validValue reports whether v is a valid value for a, without an error.
func validValue(a *AI, v string) bool { return checkValue(a, v, 1) == nil }

// checkValue checks v against the AI's parts; pos is v's position in the
// input for errors.
func checkValue(a *AI, v string, pos int) error {
	if v == "" {
		return errAt(pos, a.Code, "empty value (format %s)", a.format)
	}
	i := 0
	for k, p := range a.parts {
		n := p.max
		if p.min != p.max { // only the last part varies
			n = len(v) - i
		}
		if len(v)-i < p.min || (k == len(a.parts)-1 && len(v)-i > p.max) || n > p.max {
			return errAt(pos, a.Code, "value %q has %d characters, format %s wants %s", v, len(v), a.format, lengths(a))
		}
		seg := v[i : i+n]
		for j := 0; j < len(seg); j++ {
			c := seg[j]
			if p.kind == 'N' && (c < '0' || c > '9') {
				return errAt(pos+i+j, a.Code, "%q is not a digit (format %s)", c, a.format)
			}
			if p.kind == 'X' && !isCSet82(c) {
				return errAt(pos+i+j, a.Code, "%q is not in the GS1 character set 82", c)
			}
		}
		if p.check {
			if want := CheckDigit(seg[:len(seg)-1]); seg[len(seg)-1] != want {
				return errAt(pos+i+len(seg)-1, a.Code, "check digit is %c, should be %c", seg[len(seg)-1], want)
			}
		}
		if p.date || p.datetime {
			if err := checkDate(seg, p.datetime); err != "" {
				return errAt(pos+i, a.Code, "%s", err)
			}
		}
		i += n
	}
	return nil
}

// lengths describes the total value length an AI accepts.
func lengths(a *AI) string {
	lo, hi := 0, 0
	for _, p := range a.parts {
		lo += p.min
		hi += p.max
	}
	if lo == hi {
		return fmt.Sprintf("exactly %d", hi)
	}
	return fmt.Sprintf("%d to %d", lo, hi)
}

// checkDate checks YYMMDD (day 00 = end of month) and, for date-times, HH
// and MM after it. It returns "" or the reason.
func checkDate(s string, withTime bool) string {
	yy, _ := strconv.Atoi(s[0:2])
	mm, _ := strconv.Atoi(s[2:4])
	dd, _ := strconv.Atoi(s[4:6])
	if mm < 1 || mm > 12 {
		return fmt.Sprintf("month %02d in date %s is not 01 to 12", mm, s[:6])
	}
	// Every year of the ±50-year window with this YY is a leap year iff YY%4 == 0,
	// except 2100, which the window reaches only after 2050.
	if dd > daysIn(yy%4 == 0, mm) {
		return fmt.Sprintf("day %02d in date %s does not exist", dd, s[:6])
	}
	if withTime {
		if hh, _ := strconv.Atoi(s[6:8]); hh > 23 {
			return fmt.Sprintf("hour %02d is not 00 to 23", hh)
		}
		if len(s) >= 10 {
			if mi, _ := strconv.Atoi(s[8:10]); mi > 59 {
				return fmt.Sprintf("minute %02d is not 00 to 59", mi)
			}
		}
	}
	return ""
}

func daysIn(leap bool, month int) int {
	switch month {
	case 2:
		if leap {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// ParseDate turns a GS1 YYMMDD date into a date in UTC. The century follows
// GS1's sliding window around now (General Specifications 7.12): a year more
// than 50 years ahead is in the past century, more than 49 years back in the
// next one. Day 00 means the last day of the month.
func ParseDate(yymmdd string, now time.Time) (time.Time, error) {
	if len(yymmdd) != 6 || strings.Trim(yymmdd, "0123456789") != "" {
		return time.Time{}, fmt.Errorf("GS1 date %q: want 6 digits YYMMDD", yymmdd)
	}
	if reason := checkDate(yymmdd, false); reason != "" {
		return time.Time{}, fmt.Errorf("GS1 date %q: %s", yymmdd, reason)
	}
	yy, _ := strconv.Atoi(yymmdd[0:2])
	mm, _ := strconv.Atoi(yymmdd[2:4])
	dd, _ := strconv.Atoi(yymmdd[4:6])
	cur := now.Year()
	year := cur/100*100 + yy
	switch d := yy - cur%100; {
	case d >= 51:
		year -= 100
	case d <= -50:
		year += 100
	}
	if dd == 0 {
		// The zeroth day of the next month is the last day of this one.
		return time.Date(year, time.Month(mm)+1, 0, 0, 0, 0, 0, time.UTC), nil
	}
	t := time.Date(year, time.Month(mm), dd, 0, 0, 0, 0, time.UTC)
	if t.Day() != dd { // 29 February in a year of the window that is not leap (2100)
		return time.Time{}, fmt.Errorf("GS1 date %q: day %02d does not exist in %d", yymmdd, dd, year)
	}
	return t, nil
}

// Date returns the element's date (AIs 11–17, 7006), see ParseDate.
func (e Element) Date(now time.Time) (time.Time, error) {
	a := table[e.AI]
	if a == nil || len(a.parts) != 1 || !a.parts[0].date {
		return time.Time{}, fmt.Errorf("GS1 element (%s) is not a date", e.AI)
	}
	return ParseDate(e.Value, now)
}

// Decimal returns a measure or amount (31nn–36nn, 390n, 392n) as an integer
// of units and the number of decimals: (3103)001250 gives 1250, 3 (1.250).
func (e Element) Decimal() (units int64, decimals int, err error) {
	a := table[e.AI]
	if a == nil || a.Decimals < 0 || len(a.parts) != 1 {
		return 0, 0, fmt.Errorf("GS1 element (%s) is not a decimal measure", e.AI)
	}
	u, err := strconv.ParseInt(e.Value, 10, 64)
	if err != nil {
		return 0, 0, fmt.Errorf("GS1 element (%s): value %q is not a number", e.AI, e.Value)
	}
	return u, a.Decimals, nil
}

// cmgPerLb is the hundredths of a milligram in one avoirdupois pound
// (0.45359237 kg exactly, by definition).
const cmgPerLb = 45359237

// WeightMg returns a net or gross weight (310n, 320n, 330n, 340n) in
// milligrams, with integer arithmetic only. Kilogram weights are exact
// (at most 5 decimals: 10 mg); pound weights are rounded to the nearest
// milligram, halves up.
func (e Element) WeightMg() (int64, error) {
	units, dec, err := e.Decimal()
	if err != nil {
		return 0, err
	}
	switch e.AI[:3] {
	case "310", "330":
		return units * pow10(6-dec), nil
	case "320", "340":
		// units × 10^-dec lb × 45359237/100 mg/lb; units < 10^6, so the
		// product stays below 2^63.
		den := 100 * pow10(dec)
		return (units*cmgPerLb + den/2) / den, nil
	}
	return 0, fmt.Errorf("GS1 element (%s) is not a weight", e.AI)
}

func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

// Count returns the count of a (30) or (37) element.
func (e Element) Count() (int, error) {
	if e.AI != "30" && e.AI != "37" {
		return 0, fmt.Errorf("GS1 element (%s) is not a count", e.AI)
	}
	return strconv.Atoi(e.Value)
}

// Title returns the GS1 data title of the element's AI ("BATCH/LOT").
func (e Element) Title() string {
	if a := table[e.AI]; a != nil {
		return a.Title
	}
	return ""
}
