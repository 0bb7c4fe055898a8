package views

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"depot/app"
)

// qty formats a quantity with thin spaces between thousands: 12 345.
func qty(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString("\u202f")
		}
		b.WriteRune(c)
	}
	if neg {
		return "−" + b.String()
	}
	return b.String()
}

// qtyOrDash formats n, or a dash for zero.
func qtyOrDash(n int64) string {
	if n == 0 {
		return "—"
	}
	return qty(n)
}

// signed formats a leg's quantity with its sign: +5, −3.
func signed(n int64) string {
	if n > 0 {
		return "+" + qty(n)
	}
	return qty(n)
}

func grams(mg int64) string {
	if mg%1000 == 0 {
		return qty(mg/1000) + " g"
	}
	return fmt.Sprintf("%d.%03d g", mg/1000, mg%1000)
}

// money formats minor units as a decimal with two places.
func money(minor int64) string { return fmt.Sprintf("%d.%02d", minor/100, minor%100) }

func yesNo(b bool) string {
	if b {
		return "tracked"
	}
	return "not tracked"
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func barcodeSuffix(b string) string {
	if b == "" {
		return ""
	}
	return ", barcode " + b
}

func iso(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// when formats an instant for the ledger card, in UTC (the box's clock; the
// page says so).
func when(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

func whoOf(user string) string {
	if user == "" {
		return "system"
	}
	return user
}

// whyOf says why a movement happened: its reason, reference and note.
func whyOf(e app.CardEntry) string {
	var parts []string
	if e.Reason != "" {
		parts = append(parts, "reason "+e.Reason)
	}
	if e.Reference != nil {
		parts = append(parts, strings.ReplaceAll(e.Reference.Type, "_", " ")+" "+e.Reference.ID)
	}
	if e.Reverses != 0 {
		parts = append(parts, "reverses #"+strconv.FormatInt(e.Reverses, 10))
	}
	if e.Note != "" {
		parts = append(parts, "“"+e.Note+"”")
	}
	return strings.Join(parts, " · ")
}

func sumOnHand(ls []app.Level) int64 {
	var n int64
	for _, l := range ls {
		n += l.OnHand
	}
	return n
}

func sumReserved(ls []app.Level) int64 {
	var n int64
	for _, l := range ls {
		n += l.Reserved
	}
	return n
}
