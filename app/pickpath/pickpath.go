// Package pickpath orders the stops of a pick list along the warehouse
// walk, and measures walks over a rectangular layout so that an ordering
// can be compared with another. It is pure: no storage, no clock.
//
// The walk: stops whose place has a walk sequence come first, in that
// sequence (a manager's explicit route wins); then the stops in aisles,
// serpentine: aisle by aisle in walk order, odd aisles walked up (from the
// front cross-aisle towards the back, by the bin's position in its aisle),
// even aisles walked down; then stops in no aisle (a floor spot, a dock),
// by code. Odd and even count the aisles the list visits (the first one it
// visits is walked up, the second down, and so on), so that an aisle with
// nothing to pick does not leave the picker at the wrong end of the next.
package pickpath

import (
	"cmp"
	"math/rand/v2"
	"slices"
)

// Stop is where one pick happens, as the walk sees it.
type Stop struct {
	// WalkSeq is the place's walk sequence; 0 is none.
	WalkSeq int64
	// Aisle is the number of the place's aisle in walk order, from 1; 0 is
	// a place in no aisle.
	Aisle int
	// Pos is the place's position in its aisle, from 1 at the front
	// cross-aisle. Pos 0 is the front cross-aisle itself (the start of a
	// walk).
	Pos int
	// Code is the place's code: the last tie-break, so equal stops keep a
	// fixed order.
	Code string
}

// key is a stop's place in the walk of one list: dir is +1 when its aisle
// is walked up, -1 when down.
type key struct {
	Stop
	dir int
}

func compareKeys(a, b key) int {
	if (a.WalkSeq > 0) != (b.WalkSeq > 0) {
		if a.WalkSeq > 0 {
			return -1
		}
		return 1
	}
	if c := cmp.Compare(a.WalkSeq, b.WalkSeq); c != 0 {
		return c
	}
	if (a.Aisle > 0) != (b.Aisle > 0) {
		if a.Aisle > 0 {
			return -1
		}
		return 1
	}
	if c := cmp.Compare(a.Aisle, b.Aisle); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Pos, b.Pos); c != 0 {
		return c * a.dir
	}
	return cmp.Compare(a.Code, b.Code)
}

// Order returns the indexes of stops in walk order. Stops that compare
// level keep their given order, so the picks of one bin stay together in
// the order they were listed.
func Order(stops []Stop) []int {
	// The serpentine's aisles: those with a stop that has no walk
	// sequence, numbered in walk order.
	var aisles []int
	for _, s := range stops {
		if s.WalkSeq == 0 && s.Aisle > 0 {
			aisles = append(aisles, s.Aisle)
		}
	}
	slices.Sort(aisles)
	aisles = slices.Compact(aisles)
	keys := make([]key, len(stops))
	idx := make([]int, len(stops))
	for i, s := range stops {
		idx[i] = i
		keys[i] = key{Stop: s, dir: 1}
		if n, ok := slices.BinarySearch(aisles, s.Aisle); ok && s.WalkSeq == 0 && n%2 == 1 {
			keys[i].dir = -1
		}
	}
	slices.SortStableFunc(idx, func(i, j int) int { return compareKeys(keys[i], keys[j]) })
	return idx
}

// Layout is a rectangular warehouse: Aisles parallel aisles of
// BinsPerAisle bins each, joined by a cross-aisle at the front (position
// 0) and one at the back (position BinsPerAisle+1). Distances are in
// centimetres.
type Layout struct {
	Aisles       int
	BinsPerAisle int
	// BinPitchCm is the walk from one bin to the next along an aisle.
	BinPitchCm int64
	// AisleSpacingCm is the walk from one aisle to the next along a
	// cross-aisle.
	AisleSpacingCm int64
}

// DefaultLayout is the generated layout of the tests and the benchmark:
// 12 aisles of 40 bins, a metre per bin, three metres between aisles.
var DefaultLayout = Layout{Aisles: 12, BinsPerAisle: 40, BinPitchCm: 100, AisleSpacingCm: 300}

// Start is where every walk begins and ends: the front of aisle 1.
func (l Layout) Start() Stop { return Stop{Aisle: 1} }

// Distance is the shortest walk from a to b in centimetres: along the
// aisle when both are in one aisle, else out of a's aisle by the nearer
// cross-aisle (front or back, whichever makes the whole way shorter),
// along it, and into b's aisle.
func (l Layout) Distance(a, b Stop) int64 {
	if a.Aisle == b.Aisle {
		return abs(int64(a.Pos-b.Pos)) * l.BinPitchCm
	}
	back := int64(l.BinsPerAisle + 1)
	viaFront := int64(a.Pos + b.Pos)
	viaBack := 2*back - int64(a.Pos) - int64(b.Pos)
	return abs(int64(a.Aisle-b.Aisle))*l.AisleSpacingCm + min(viaFront, viaBack)*l.BinPitchCm
}

// PathCm is the length in centimetres of the walk from Start through the
// stops in the given order and back to Start.
func (l Layout) PathCm(stops []Stop) int64 {
	var d int64
	at := l.Start()
	for _, s := range stops {
		d += l.Distance(at, s)
		at = s
	}
	return d + l.Distance(at, l.Start())
}

// Bin returns the stop of the bin at pos (from 1) in aisle (from 1), with
// a code like "A03-17" and no walk sequence.
func (l Layout) Bin(aisle, pos int) Stop {
	return Stop{Aisle: aisle, Pos: pos, Code: binCode(aisle, pos)}
}

func binCode(aisle, pos int) string {
	b := []byte("A00-00")
	b[1], b[2] = byte('0'+aisle/10%10), byte('0'+aisle%10)
	b[4], b[5] = byte('0'+pos/10%10), byte('0'+pos%10)
	return string(b)
}

// RandomOrders returns orders of 1 to maxLines lines each, every line at a
// bin drawn uniformly from the layout: the stops of a batch or wave in the
// order the orders and their lines were entered.
func (l Layout) RandomOrders(rng *rand.Rand, orders, maxLines int) [][]Stop {
	out := make([][]Stop, orders)
	for i := range out {
		n := 1 + rng.IntN(maxLines)
		for range n {
			out[i] = append(out[i], l.Bin(1+rng.IntN(l.Aisles), 1+rng.IntN(l.BinsPerAisle)))
		}
	}
	return out
}

// Comparison is the walk of the same stops in three orders, in
// centimetres.
type Comparison struct {
	Stops int
	// OrderSorted visits the stops order by order, line by line: a list
	// printed in the order the orders came.
	OrderSorted int64
	// CodeSorted visits them by bin code (aisle by aisle, each from the
	// front): a list sorted but not routed.
	CodeSorted int64
	// Walk visits them in walk order (Order).
	Walk int64
}

// Compare walks the orders' stops order-sorted, code-sorted and in walk
// order.
func (l Layout) Compare(orders [][]Stop) Comparison {
	var stops []Stop
	for _, o := range orders {
		stops = append(stops, o...)
	}
	c := Comparison{Stops: len(stops), OrderSorted: l.PathCm(stops)}
	byCode := slices.Clone(stops)
	slices.SortStableFunc(byCode, func(a, b Stop) int { return cmp.Compare(a.Code, b.Code) })
	c.CodeSorted = l.PathCm(byCode)
	walk := make([]Stop, 0, len(stops))
	for _, i := range Order(stops) {
		walk = append(walk, stops[i])
	}
	c.Walk = l.PathCm(walk)
	return c
}

// Shorter returns how much shorter than base the walk w is, in percent of
// base (0 when base is 0).
func Shorter(base, w int64) float64 {
	if base == 0 {
		return 0
	}
	return 100 * float64(base-w) / float64(base)
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}
