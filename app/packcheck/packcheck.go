// Package packcheck is the weight check of a parcel at the packing bench:
// the weight the parcel should have (its items' unit weights times their
// quantities, plus the box's tare), the tolerance it is allowed, the
// verdict for a scale reading, and the likely cause of a failure (units of
// one line missing or extra). Pure rules: no storage, no devices. Weights
// are integer milligrams, percentages integer basis points (1 bp = 0.01 %).
package packcheck

import (
	"fmt"
	"strings"
)

// Tolerance is how far a parcel's weight may be from the expected weight:
// AbsMg milligrams or PctBP basis points of the expected weight, whichever
// is larger.
type Tolerance struct {
	AbsMg int64 `json:"abs_mg"`
	PctBP int64 `json:"pct_bp"`
}

// DefaultTolerance is the site tolerance when none is configured: 20 g or
// 2 %, whichever is larger.
var DefaultTolerance = Tolerance{AbsMg: 20_000, PctBP: 200}

// Override is a variant's own tolerance; a nil field falls back to the
// site's (weight_tolerances allows either column to be NULL).
type Override struct {
	AbsMg *int64
	PctBP *int64
}

// Line is one line of the parcel: a variant, its unit weight and how many
// units belong in the parcel, with the variant's tolerance override if it
// has one.
type Line struct {
	SKU          string
	UnitWeightMg int64
	Qty          int64
	Override     *Override
}

// Parcel is what the check needs to know about a parcel.
type Parcel struct {
	Lines  []Line
	TareMg int64     // the box's tare; 0 without a box
	Site   Tolerance // the site's tolerance
}

// ExpectedMg is the weight the parcel should have: the sum of unit weight
// times quantity over its lines, plus the tare.
func (p Parcel) ExpectedMg() int64 {
	total := p.TareMg
	for _, l := range p.Lines {
		total += l.UnitWeightMg * l.Qty
	}
	return total
}

// ToleranceMg is the allowed difference for the parcel.
//
// Several variants' overrides combine so that each tolerance covers the
// weight it is about:
//   - the absolute part is the largest absolute tolerance of the lines in
//     the parcel (a line without an override brings the site's), since one
//     loose item makes the whole parcel that loose; a parcel without lines
//     has the site's;
//   - the percent part is each line's percent of that line's expected
//     weight, plus the site's percent of the tare, summed;
//
// and the parcel is allowed the larger of the two.
func (p Parcel) ToleranceMg() int64 {
	abs := int64(-1)
	var pctScaled int64 // in mg x 10000
	for _, l := range p.Lines {
		a, pct := p.Site.AbsMg, p.Site.PctBP
		if o := l.Override; o != nil {
			if o.AbsMg != nil {
				a = *o.AbsMg
			}
			if o.PctBP != nil {
				pct = *o.PctBP
			}
		}
		abs = max(abs, a)
		pctScaled += l.UnitWeightMg * l.Qty * pct
	}
	if abs < 0 {
		abs = p.Site.AbsMg
	}
	pctScaled += p.TareMg * p.Site.PctBP
	return max(abs, (pctScaled+5000)/10000)
}

// Kind is what the check concluded.
type Kind string

// Kinds of result.
const (
	Pass     Kind = "pass"     // within tolerance
	Missing  Kind = "missing"  // light by about whole units of one line
	Extra    Kind = "extra"    // heavy by about whole units of one line
	Unknown  Kind = "unknown"  // out of tolerance with no whole-unit explanation
	Unstable Kind = "unstable" // the scale was not stable: no verdict
)

// Result is the verdict on one reading.
type Result struct {
	Pass        bool   `json:"pass"`
	ExpectedMg  int64  `json:"expected_mg"`
	MeasuredMg  int64  `json:"measured_mg"`
	DiffMg      int64  `json:"diff_mg"` // measured - expected
	ToleranceMg int64  `json:"tolerance_mg"`
	Kind        Kind   `json:"kind"`
	Cause       string `json:"cause"` // "" on a pass
	// SKU and Units name the explanation of a Missing or Extra result.
	SKU   string `json:"sku,omitempty"`
	Units int64  `json:"units,omitempty"`
}

// maxExtraUnits bounds how many extra units of a line an explanation may
// claim: beyond it, "unknown" is more honest.
const maxExtraUnits = 20

// Check judges a reading of measuredMg. stable says whether the scale
// reported the weight as settled: an unsettled reading never passes. A
// failure's cause is the best whole-unit explanation across the lines:
// the one whose units leave the smallest remainder, provided the remainder
// is within the parcel's tolerance or a tenth of the unit's weight
// (whichever is larger), and, for missing units, no more units than the
// line has. Two lines whose explanations are equally good are both named.
// Otherwise the cause says the difference is unexplained.
func Check(p Parcel, measuredMg int64, stable bool) Result {
	r := Result{ExpectedMg: p.ExpectedMg(), MeasuredMg: measuredMg, ToleranceMg: p.ToleranceMg()}
	r.DiffMg = measuredMg - r.ExpectedMg
	if !stable {
		r.Kind = Unstable
		r.Cause = fmt.Sprintf("the scale is not stable at %s: wait for it to settle", FormatMg(measuredMg))
		return r
	}
	if abs(r.DiffMg) <= r.ToleranceMg {
		r.Pass, r.Kind = true, Pass
		return r
	}
	kind, verb := Extra, "extra"
	if r.DiffMg < 0 {
		kind, verb = Missing, "missing"
	}
	d := abs(r.DiffMg)
	type expl struct {
		line  Line
		units int64
		rest  int64
	}
	var best []expl
	for _, l := range p.Lines {
		if l.UnitWeightMg <= 0 {
			continue
		}
		n := (d + l.UnitWeightMg/2) / l.UnitWeightMg
		if n < 1 || (kind == Missing && n > l.Qty) || (kind == Extra && n > maxExtraUnits) {
			continue
		}
		rest := abs(d - n*l.UnitWeightMg)
		if rest > max(r.ToleranceMg, l.UnitWeightMg/10) {
			continue
		}
		e := expl{l, n, rest}
		switch {
		case len(best) == 0 || rest < best[0].rest:
			best = []expl{e}
		case rest == best[0].rest && best[0].line.SKU != l.SKU:
			best = append(best, e)
		}
	}
	if len(best) == 0 {
		r.Kind = Unknown
		dir := "heavier"
		if kind == Missing {
			dir = "lighter"
		}
		r.Cause = fmt.Sprintf("unknown: the parcel is %s %s than expected, which is no whole number of units of any line; check the box, the packing material and the items",
			FormatMg(d), dir)
		return r
	}
	r.Kind, r.SKU, r.Units = kind, best[0].line.SKU, best[0].units
	parts := make([]string, len(best))
	for i, e := range best {
		parts[i] = fmt.Sprintf("%d x %s (%s)", e.units, e.line.SKU, FormatMg(e.line.UnitWeightMg))
	}
	r.Cause = strings.Join(parts, " or ") + " " + verb
	return r
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// FormatMg writes a weight for people: "250 g", "12.5 g", "1.250 kg",
// "-30 g". Grams below a kilogram (with up to three decimals, trailing
// zeros dropped), kilograms with three decimals from a kilogram up.
func FormatMg(mg int64) string {
	sign := ""
	if mg < 0 {
		sign, mg = "-", -mg
	}
	if mg >= 1_000_000 {
		return fmt.Sprintf("%s%d.%03d kg", sign, mg/1_000_000, (mg%1_000_000)/1000)
	}
	g := fmt.Sprintf("%d", mg/1000)
	if frac := mg % 1000; frac != 0 {
		g += strings.TrimRight(fmt.Sprintf(".%03d", frac), "0")
	}
	return sign + g + " g"
}
