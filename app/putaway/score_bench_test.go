package putaway

import (
	"fmt"
	"testing"
)

// benchBins is a generated layout of n bins: a zone in four chilled, the
// rest ambient, a weight limit on every bin, a capacity on every third,
// two thirds holding one to three levels (some of the benchmark's SKU,
// with earlier and later lots), and a shelf shared by every ten bins.
func benchBins(n int) []Bin {
	bins := make([]Bin, n)
	var shelf *Limit
	for i := range bins {
		if i%10 == 0 {
			shelf = &Limit{Code: fmt.Sprintf("SHELF-%d", i/10), MaxWeightMg: 2_000_000_000}
		}
		b := &bins[i]
		b.ID, b.Code, b.WalkSeq, b.Distance = int64(i+1), fmt.Sprintf("Z%d-%05d", i/2500, i), int64(i*10), int64(i*10)
		b.Temperature = []string{"ambient", "ambient", "chilled", "ambient"}[i/2500%4]
		b.CategoryTags = [][]string{{"food"}, {"apparel"}, nil}[i%3]
		b.MaxWeightMg, b.Above = 500_000_000, []*Limit{shelf}
		if i%3 == 0 {
			b.CapacityUnits = 400
		}
		for j := 0; j < i%3; j++ {
			v := int64(1 + (i*7+j)%5000)
			c := Content{VariantID: v, Qty: int64(1 + i%50)}
			if v%2 == 0 {
				c.LotID, c.Lot, c.ExpiresOn = v*10+int64(j), "L", fmt.Sprintf("2027-%02d-01", 1+i%12)
			}
			b.Contents = append(b.Contents, c)
			b.Units += c.Qty
			b.LoadMg += c.Qty * 250_000
		}
		shelf.LoadMg += b.LoadMg
	}
	return bins
}

// BenchmarkPutawayScore is the engine alone: one item scored over 10,000
// bins, the top 3 explained.
func BenchmarkPutawayScore(b *testing.B) {
	bins := benchBins(10_000)
	item := Item{VariantID: 42, SKU: "TEA", Category: "food", UnitWeightMg: 250_000, LotID: 421, Lot: "L421",
		ExpiresOn: "2027-06-01", Qty: 24, VelocityRank: 10, Ranked: 5000}
	var res *Result
	for b.Loop() {
		res = Suggest(item, bins, DefaultWeights, 3)
	}
	if len(res.Suggestions) != 3 || res.Considered < 5000 {
		b.Fatalf("%d suggestions of %d bins", len(res.Suggestions), res.Considered)
	}
}
