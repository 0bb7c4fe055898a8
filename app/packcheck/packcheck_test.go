package packcheck

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func ptr(v int64) *int64 { return &v }

// twoLines: 3 x SKU-A of 250 g and 1 x SKU-B of 90 g in a 150 g box:
// 750 + 90 + 150 = 990 g expected, 20 g allowed.
var twoLines = Parcel{
	Lines:  []Line{{SKU: "SKU-A", UnitWeightMg: 250_000, Qty: 3}, {SKU: "SKU-B", UnitWeightMg: 90_000, Qty: 1}},
	TareMg: 150_000,
	Site:   Tolerance{AbsMg: 20_000, PctBP: 100},
}

func TestExpectedAndTolerance(t *testing.T) {
	for _, c := range []struct {
		name          string
		p             Parcel
		expected, tol int64
	}{
		{"AbsoluteWins", twoLines, 990_000, 20_000}, // 1 % of 990 g = 9.9 g < 20 g
		{"PercentWins", Parcel{Lines: []Line{{SKU: "RICE", UnitWeightMg: 5_000_000, Qty: 2}}, // 1 % of 10.2 kg = 102 g
			TareMg: 200_000, Site: Tolerance{AbsMg: 20_000, PctBP: 100}}, 10_200_000, 102_000},
		{"NoLinesIsTheBox", Parcel{TareMg: 150_000, Site: Tolerance{AbsMg: 5_000, PctBP: 1000}}, 150_000, 15_000},
		{"LooseVariantLoosensTheAbsolute", Parcel{Lines: []Line{
			{SKU: "A", UnitWeightMg: 100_000, Qty: 1},
			{SKU: "CHEESE", UnitWeightMg: 400_000, Qty: 1, Override: &Override{AbsMg: ptr(60_000)}}},
			Site: Tolerance{AbsMg: 20_000}}, 500_000, 60_000},
		{"TightVariantDoesNotTightenOthers", Parcel{Lines: []Line{
			{SKU: "A", UnitWeightMg: 100_000, Qty: 1},
			{SKU: "SCREW", UnitWeightMg: 2_000, Qty: 10, Override: &Override{AbsMg: ptr(1_000)}}},
			Site: Tolerance{AbsMg: 20_000}}, 120_000, 20_000},
		{"AllTightOverridesApply", Parcel{Lines: []Line{
			{SKU: "SCREW", UnitWeightMg: 2_000, Qty: 10, Override: &Override{AbsMg: ptr(1_000)}}},
			Site: Tolerance{AbsMg: 20_000}}, 20_000, 1_000},
		// Percent per line: 5 % of 2 kg of COF + site 1 % of 1 kg of A and of the 0.5 kg box.
		{"PercentPerLine", Parcel{Lines: []Line{
			{SKU: "A", UnitWeightMg: 500_000, Qty: 2},
			{SKU: "COF", UnitWeightMg: 1_000_000, Qty: 2, Override: &Override{PctBP: ptr(500)}}},
			TareMg: 500_000, Site: Tolerance{AbsMg: 20_000, PctBP: 100}}, 3_500_000, 100_000 + 10_000 + 5_000},
		{"NullAbsFallsBackToSite", Parcel{Lines: []Line{
			{SKU: "A", UnitWeightMg: 100_000, Qty: 1, Override: &Override{PctBP: ptr(0)}}},
			Site: Tolerance{AbsMg: 7_000, PctBP: 100}}, 100_000, 7_000},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := c.p.ExpectedMg(); got != c.expected {
				t.Errorf("expected weight %d mg, want %d", got, c.expected)
			}
			if got := c.p.ToleranceMg(); got != c.tol {
				t.Errorf("tolerance %d mg, want %d", got, c.tol)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	ab := Parcel{ // SKU-A 250 g, SKU-B 260 g: one unit of either is ambiguous near 255 g
		Lines: []Line{{SKU: "SKU-A", UnitWeightMg: 250_000, Qty: 1}, {SKU: "SKU-B", UnitWeightMg: 260_000, Qty: 1}},
		Site:  Tolerance{AbsMg: 2_000},
	}
	for _, c := range []struct {
		name     string
		p        Parcel
		measured int64
		stable   bool
		want     Result
	}{
		{"Exact", twoLines, 990_000, true, Result{Pass: true, ExpectedMg: 990_000, MeasuredMg: 990_000, ToleranceMg: 20_000, Kind: Pass}},
		{"AtTheEdge", twoLines, 1_010_000, true, Result{Pass: true, ExpectedMg: 990_000, MeasuredMg: 1_010_000, DiffMg: 20_000, ToleranceMg: 20_000, Kind: Pass}},
		{"JustOver", twoLines, 1_010_001, true, Result{ExpectedMg: 990_000, MeasuredMg: 1_010_001, DiffMg: 20_001, ToleranceMg: 20_000, Kind: Unknown,
			Cause: "unknown: the parcel is 20.001 g heavier than expected, which is no whole number of units of any line; check the box, the packing material and the items"}},
		{"Unstable", twoLines, 990_000, false, Result{ExpectedMg: 990_000, MeasuredMg: 990_000, ToleranceMg: 20_000, Kind: Unstable,
			Cause: "the scale is not stable at 990 g: wait for it to settle"}},
		{"OneAMissing", twoLines, 741_000, true, Result{ExpectedMg: 990_000, MeasuredMg: 741_000, DiffMg: -249_000, ToleranceMg: 20_000,
			Kind: Missing, SKU: "SKU-A", Units: 1, Cause: "1 x SKU-A (250 g) missing"}},
		{"TwoAMissing", twoLines, 492_000, true, Result{ExpectedMg: 990_000, MeasuredMg: 492_000, DiffMg: -498_000, ToleranceMg: 20_000,
			Kind: Missing, SKU: "SKU-A", Units: 2, Cause: "2 x SKU-A (250 g) missing"}},
		{"OneBMissing", twoLines, 900_000, true, Result{ExpectedMg: 990_000, MeasuredMg: 900_000, DiffMg: -90_000, ToleranceMg: 20_000,
			Kind: Missing, SKU: "SKU-B", Units: 1, Cause: "1 x SKU-B (90 g) missing"}},
		{"OneBExtra", twoLines, 1_081_000, true, Result{ExpectedMg: 990_000, MeasuredMg: 1_081_000, DiffMg: 91_000, ToleranceMg: 20_000,
			Kind: Extra, SKU: "SKU-B", Units: 1, Cause: "1 x SKU-B (90 g) extra"}},
		// 180 g light: 2 x B (180 g) fits exactly, but B has only 1 unit in
		// the parcel, and no more units can be missing than the line has.
		{"MissingNeverMoreThanTheLineHas", twoLines, 810_000, true, Result{ExpectedMg: 990_000, MeasuredMg: 810_000, DiffMg: -180_000, ToleranceMg: 20_000,
			Kind: Unknown, Cause: "unknown: the parcel is 180 g lighter than expected, which is no whole number of units of any line; check the box, the packing material and the items"}},
		// 180 g heavy: the same 2 x B is a fine explanation for extras.
		{"ExtraMayExceedTheLine", twoLines, 1_170_000, true, Result{ExpectedMg: 990_000, MeasuredMg: 1_170_000, DiffMg: 180_000, ToleranceMg: 20_000,
			Kind: Extra, SKU: "SKU-B", Units: 2, Cause: "2 x SKU-B (90 g) extra"}},
		// The best explanation wins: 500 g heavy is 2 x A exactly, not 6 x B (540 g).
		{"BestAcrossLines", twoLines, 1_490_000, true, Result{ExpectedMg: 990_000, MeasuredMg: 1_490_000, DiffMg: 500_000, ToleranceMg: 20_000,
			Kind: Extra, SKU: "SKU-A", Units: 2, Cause: "2 x SKU-A (250 g) extra"}},
		{"Unexplained", twoLines, 1_120_000, true, Result{ExpectedMg: 990_000, MeasuredMg: 1_120_000, DiffMg: 130_000, ToleranceMg: 20_000, Kind: Unknown,
			Cause: "unknown: the parcel is 130 g heavier than expected, which is no whole number of units of any line; check the box, the packing material and the items"}},
		{"UnexplainedLight", twoLines, 30_000, true, Result{ExpectedMg: 990_000, MeasuredMg: 30_000, DiffMg: -960_000, ToleranceMg: 20_000, Kind: Unknown,
			Cause: "unknown: the parcel is 960 g lighter than expected, which is no whole number of units of any line; check the box, the packing material and the items"}},
		{"Ambiguous", ab, 255_000, true, Result{ExpectedMg: 510_000, MeasuredMg: 255_000, DiffMg: -255_000, ToleranceMg: 2_000,
			Kind: Missing, SKU: "SKU-A", Units: 1, Cause: "1 x SKU-A (250 g) or 1 x SKU-B (260 g) missing"}},
		{"NearerWins", ab, 258_000, true, Result{ExpectedMg: 510_000, MeasuredMg: 258_000, DiffMg: -252_000, ToleranceMg: 2_000,
			Kind: Missing, SKU: "SKU-A", Units: 1, Cause: "1 x SKU-A (250 g) missing"}},
		{"WeightlessLineExplainsNothing", Parcel{Lines: []Line{{SKU: "GIFT-CARD", UnitWeightMg: 0, Qty: 1}}, TareMg: 100_000, Site: Tolerance{AbsMg: 5_000}},
			150_000, true, Result{ExpectedMg: 100_000, MeasuredMg: 150_000, DiffMg: 50_000, ToleranceMg: 5_000, Kind: Unknown,
				Cause: "unknown: the parcel is 50 g heavier than expected, which is no whole number of units of any line; check the box, the packing material and the items"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Check(c.p, c.measured, c.stable)
			if d := cmp.Diff(c.want, got); d != "" {
				t.Errorf("Check(%d mg) (-want +got):\n%s", c.measured, d)
			}
		})
	}
}

func TestFormatMg(t *testing.T) {
	for mg, want := range map[int64]string{0: "0 g", 250_000: "250 g", 12_500: "12.5 g", 1: "0.001 g", 999_999: "999.999 g",
		1_000_000: "1.000 kg", 1_020_000: "1.020 kg", -30_000: "-30 g", 12_345_678: "12.345 kg"} {
		if got := FormatMg(mg); got != want {
			t.Errorf("FormatMg(%d) = %q, want %q", mg, got, want)
		}
	}
}

// BenchmarkCheck judges a failed parcel of 20 lines, the cause searched
// across all of them.
func BenchmarkCheck(b *testing.B) {
	p := Parcel{TareMg: 300_000, Site: Tolerance{AbsMg: 20_000, PctBP: 50}}
	for i := range 20 {
		p.Lines = append(p.Lines, Line{SKU: "SKU-" + string(rune('A'+i)), UnitWeightMg: int64(50_000 + 37_000*i), Qty: int64(1 + i%4)})
	}
	measured := p.ExpectedMg() - p.Lines[7].UnitWeightMg
	b.ReportAllocs()
	for b.Loop() {
		if r := Check(p, measured, true); r.Kind != Missing {
			b.Fatal(r)
		}
	}
}
