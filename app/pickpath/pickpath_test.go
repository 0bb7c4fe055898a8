package pickpath

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

func codes(stops []Stop, idx []int) []string {
	out := make([]string, len(idx))
	for i, j := range idx {
		out[i] = stops[j].Code
	}
	return out
}

func TestOrder(t *testing.T) {
	l := DefaultLayout
	tests := []struct {
		name  string
		stops []Stop
		want  []string
	}{
		{"OddAislesUpEvenDown", []Stop{l.Bin(2, 3), l.Bin(1, 9), l.Bin(2, 30), l.Bin(1, 2), l.Bin(3, 40), l.Bin(3, 1)},
			[]string{"A01-02", "A01-09", "A02-30", "A02-03", "A03-01", "A03-40"}},
		// Aisles 2 and 4 are the first and second the list visits: up, then down.
		{"CountsVisitedAisles", []Stop{l.Bin(4, 1), l.Bin(2, 7), l.Bin(4, 12), l.Bin(2, 3), l.Bin(7, 5), l.Bin(7, 2)},
			[]string{"A02-03", "A02-07", "A04-12", "A04-01", "A07-02", "A07-05"}},
		{"WalkSequenceFirst", []Stop{l.Bin(1, 1), {WalkSeq: 20, Code: "MEZZ-2"}, l.Bin(2, 5), {WalkSeq: 10, Code: "MEZZ-1", Aisle: 9, Pos: 3}},
			[]string{"MEZZ-1", "MEZZ-2", "A01-01", "A02-05"}},
		{"NoAisleLast", []Stop{{Code: "FLOOR-B"}, l.Bin(4, 4), {Code: "FLOOR-A"}},
			[]string{"A04-04", "FLOOR-A", "FLOOR-B"}},
		{"SameBinKeepsListOrder", []Stop{{Aisle: 1, Pos: 5, Code: "X"}, {Aisle: 1, Pos: 5, Code: "X", WalkSeq: 0}, l.Bin(1, 1)},
			[]string{"A01-01", "X", "X"}},
		{"Empty", nil, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := codes(tt.stops, Order(tt.stops)); !slices.Equal(got, tt.want) {
				t.Fatalf("order %v, want %v", got, tt.want)
			}
		})
	}
	// Level stops keep their given order: the index, not only the code.
	same := []Stop{{Aisle: 1, Pos: 5, Code: "X"}, {Aisle: 1, Pos: 5, Code: "X"}}
	if got := Order(same); !slices.Equal(got, []int{0, 1}) {
		t.Fatalf("level stops reordered: %v", got)
	}
}

func TestDistance(t *testing.T) {
	l := Layout{Aisles: 4, BinsPerAisle: 10, BinPitchCm: 100, AisleSpacingCm: 300}
	tests := []struct {
		name string
		a, b Stop
		want int64
	}{
		{"SameAisle", l.Bin(2, 3), l.Bin(2, 8), 500},
		{"SameBin", l.Bin(2, 3), l.Bin(2, 3), 0},
		// Front: 2 + 1 bins out and in, one aisle across.
		{"ViaFront", l.Bin(1, 2), l.Bin(2, 1), 300 + 300},
		// Back cross-aisle at 11: (11-9) + (11-10) bins, two aisles across.
		{"ViaBack", l.Bin(1, 9), l.Bin(3, 10), 600 + 300},
		{"FromStart", l.Start(), l.Bin(3, 4), 600 + 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := l.Distance(tt.a, tt.b); got != tt.want {
				t.Fatalf("distance %d, want %d", got, tt.want)
			}
			if got := l.Distance(tt.b, tt.a); got != tt.want {
				t.Fatalf("distance back %d, want %d", got, tt.want)
			}
		})
	}
	// Up aisle 1 to its end and back: 2 x 10 bins.
	if got := l.PathCm([]Stop{l.Bin(1, 10)}); got != 2000 {
		t.Fatalf("path to A01-10 and back: %d, want 2000", got)
	}
	if got := l.PathCm(nil); got != 0 {
		t.Fatalf("empty path: %d", got)
	}
}

// TestWalkShorter is the acceptance test: on the generated layout the
// walk-ordered path of a wave is at least 20% shorter than the
// order-sorted one, and shorter than the code-sorted one too.
func TestWalkShorter(t *testing.T) {
	l := DefaultLayout
	for _, size := range []struct{ orders, maxLines int }{{1, 5}, {10, 5}, {20, 5}, {60, 3}} {
		t.Run(fmt.Sprintf("%dOrders", size.orders), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, uint64(size.orders)))
			var sum Comparison
			for range 200 {
				c := l.Compare(l.RandomOrders(rng, size.orders, size.maxLines))
				sum.Stops += c.Stops
				sum.OrderSorted += c.OrderSorted
				sum.CodeSorted += c.CodeSorted
				sum.Walk += c.Walk
			}
			vsOrder, vsCode := Shorter(sum.OrderSorted, sum.Walk), Shorter(sum.CodeSorted, sum.Walk)
			t.Logf("%d stops per list: walk %.1f%% shorter than order-sorted, %.1f%% shorter than code-sorted",
				sum.Stops/200, vsOrder, vsCode)
			if size.orders > 1 && vsOrder < 20 {
				t.Fatalf("walk only %.1f%% shorter than order-sorted; want at least 20%%", vsOrder)
			}
			if vsCode <= 0 {
				t.Fatalf("walk not shorter than code-sorted: %.1f%%", vsCode)
			}
		})
	}
}

// BenchmarkWalk orders a wave of 20 orders and reports how much shorter the
// walk is than the order-sorted and code-sorted paths.
func BenchmarkWalk(b *testing.B) {
	l := DefaultLayout
	rng := rand.New(rand.NewPCG(7, 7))
	var sum Comparison
	for b.Loop() {
		c := l.Compare(l.RandomOrders(rng, 20, 5))
		sum.OrderSorted += c.OrderSorted
		sum.CodeSorted += c.CodeSorted
		sum.Walk += c.Walk
	}
	b.ReportMetric(Shorter(sum.OrderSorted, sum.Walk), "%shorter-than-order-sorted")
	b.ReportMetric(Shorter(sum.CodeSorted, sum.Walk), "%shorter-than-code-sorted")
}
