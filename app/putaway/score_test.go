package putaway

import (
	"strings"
	"testing"

	"depot/app"
)

// tea is a lot-tracked item of the food category, 1 kg a unit.
var tea = Item{VariantID: 7, SKU: "TEA", Category: "Food", UnitWeightMg: 1_000_000, LotID: 70, Lot: "L70",
	ExpiresOn: "2027-06-30", Qty: 10, VelocityRank: 1, Ranked: 10}

// layout is a small site: packing at walk 0, bins out to walk 1000.
func layout() []Bin {
	return []Bin{
		// Same SKU and lot, food zone, near packing: the best.
		{ID: 1, Code: "A-01", WalkSeq: 100, Distance: 100, CategoryTags: []string{"food"},
			MaxWeightMg: 50_000_000, LoadMg: 2_400_000, Contents: []Content{{VariantID: 7, LotID: 70, Lot: "L70", ExpiresOn: "2027-06-30", Qty: 2}}},
		// Empty food bin, mid-way.
		{ID: 2, Code: "A-02", WalkSeq: 500, Distance: 500, CategoryTags: []string{"food"}},
		// Empty bin with no zone, near packing.
		{ID: 3, Code: "B-01", WalkSeq: 50, Distance: 50},
		// An earlier lot of the same SKU: putting L70 here buries it.
		{ID: 4, Code: "A-03", WalkSeq: 120, Distance: 120, CategoryTags: []string{"food"},
			Contents: []Content{{VariantID: 7, LotID: 69, Lot: "L69", ExpiresOn: "2027-01-31", Qty: 5}}},
		// Apparel zone, near packing.
		{ID: 5, Code: "C-01", WalkSeq: 60, Distance: 60, CategoryTags: []string{"apparel"}},
		// Frozen: never, however good otherwise.
		{ID: 6, Code: "F-01", WalkSeq: 10, Distance: 10, Temperature: "frozen", CategoryTags: []string{"food"},
			Contents: []Content{{VariantID: 7, LotID: 70, Lot: "L70", Qty: 1}}},
		// Would be over its 10 kg limit with 10 kg more.
		{ID: 7, Code: "S-01", WalkSeq: 20, Distance: 20, CategoryTags: []string{"food"}, MaxWeightMg: 10_000_000, LoadMg: 500_000},
		// Only 5 units of room.
		{ID: 8, Code: "S-02", WalkSeq: 30, Distance: 30, CategoryTags: []string{"food"}, CapacityUnits: 20, Units: 15},
		// Far, with other SKUs.
		{ID: 9, Code: "Z-99", WalkSeq: 1000, Distance: 1000, CategoryTags: []string{"food"},
			Contents: []Content{{VariantID: 8, Qty: 1}, {VariantID: 9, Qty: 1}}},
	}
}

func TestSuggestTop3(t *testing.T) {
	type want struct {
		location string
		score    int
		reasons  map[string]string // rule -> text
	}
	for _, c := range []struct {
		name    string
		item    Item
		weights Weights
		top     []want
		// excluded: wrong temperature, over weight, over capacity
		excluded [3]int
	}{
		{
			name: "FastFoodLot", item: tea, weights: DefaultWeights,
			top: []want{
				// 10 + 30 + 40 + 30 + 10*(50-12.4)/50 (7.52) + 0 + 20*0.8 (velocity: near 900, pace 1000 -> 800)
				{"A-01", 10 + 30 + 40 + 30 + 7 + 0 + 16, map[string]string{
					RuleConsolidate: "same SKU and lot already here", RuleTemperature: "ambient zone matches",
					RuleCategory: "food zone", RuleWeight: "2.4 kg of 50 kg used, 12.4 kg after",
					RuleFEFO: "no other lot of TEA here", RuleVelocity: "fast mover, near packing (walk 100)",
					RuleCapacity: "no unit capacity set"}},
				// 10 + 30 + 0 (empty) + 30 + 0 + 0 + 20*(1000-2*500)/1000 = 0
				{"A-02", 70, map[string]string{RuleConsolidate: "empty bin", RuleVelocity: "fast mover, mid-way to packing (walk 500)"}},
				// 10 + 0 + 0 + 30 + 0 + 0 + 20*0.9 = 18
				{"B-01", 58, map[string]string{RuleCategory: "no category zone", RuleVelocity: "fast mover, near packing (walk 50)"}},
			},
			excluded: [3]int{1, 1, 1},
		},
		{
			// Without consolidation and FEFO, only zones and velocity
			// count: near packing wins.
			name: "VelocityOnly", item: tea, weights: Weights{Velocity: 100},
			top: []want{
				{"B-01", 90, map[string]string{RuleVelocity: "fast mover, near packing (walk 50)"}},
				{"C-01", 88, nil},
				{"A-01", 80, map[string]string{RuleConsolidate: "same SKU and lot already here"}},
			},
			excluded: [3]int{1, 1, 1},
		},
		{
			// A slow mover (rank 10 of 10: pace 100) goes far from packing:
			// Z-99 is 0 near (1000-2*100), A-02 500 near (1000-2*400),
			// A-03 880 near (1000-2*780).
			name: "SlowMoverFar", item: func() Item { i := tea; i.VelocityRank = 10; return i }(), weights: Weights{Velocity: 100},
			top: []want{
				{"Z-99", 80, map[string]string{RuleVelocity: "slow mover, far from packing (walk 1000)",
					RuleConsolidate: "shares the bin with 2 other SKUs"}},
				{"A-02", 20, nil},
				{"A-03", -56, map[string]string{RuleFEFO: "would bury lot L69 (expires 2027-01-31) behind a later lot"}},
			},
			excluded: [3]int{1, 1, 1},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := Suggest(c.item, layout(), c.weights, 3)
			if len(res.Suggestions) != len(c.top) {
				t.Fatalf("got %d suggestions, want %d: %+v", len(res.Suggestions), len(c.top), res.Suggestions)
			}
			for i, w := range c.top {
				got := res.Suggestions[i]
				if got.Location != w.location || got.Score != w.score {
					t.Errorf("#%d: %s with %d, want %s with %d; reasons %+v", i+1, got.Location, got.Score, w.location, w.score, got.Reasons)
				}
				checkReasons(t, got, w.reasons)
				sum := 0
				for _, r := range got.Reasons {
					sum += r.Points
				}
				if sum != got.Score {
					t.Errorf("%s: reasons add up to %d, score is %d", got.Location, sum, got.Score)
				}
			}
			if got := [3]int{res.WrongTemperature, res.OverWeight, res.OverCapacity}; got != c.excluded {
				t.Errorf("excluded (temperature, weight, capacity) = %v, want %v", got, c.excluded)
			}
		})
	}
}

func checkReasons(t *testing.T, s Suggestion, want map[string]string) {
	t.Helper()
	if len(s.Reasons) != nRules {
		t.Errorf("%s: %d reasons, want one per rule (%d)", s.Location, len(s.Reasons), nRules)
	}
	for rule, text := range want {
		found := false
		for _, r := range s.Reasons {
			if r.Rule == rule {
				found = true
				if r.Text != text {
					t.Errorf("%s %s: %q, want %q", s.Location, rule, r.Text, text)
				}
			}
		}
		if !found {
			t.Errorf("%s: no %s reason", s.Location, rule)
		}
	}
}

func TestFrozenNeverAmbient(t *testing.T) {
	peas := Item{VariantID: 1, SKU: "PEAS", Temperature: "frozen", Qty: 1, VelocityRank: 1, Ranked: 1}
	bins := []Bin{
		// Ambient bins that would win every soft rule.
		{ID: 1, Code: "AMB-1", Contents: []Content{{VariantID: 1, Qty: 100}}},
		{ID: 2, Code: "AMB-2", Temperature: "ambient"},
		{ID: 3, Code: "CHL-1", Temperature: "chilled"},
		{ID: 4, Code: "FRZ-1", Temperature: "frozen", Distance: 1000, Contents: []Content{{VariantID: 2, Qty: 1}}},
	}
	for _, w := range []Weights{DefaultWeights, {Consolidate: 100}, {Velocity: 100}, {}} {
		res := Suggest(peas, bins, w, 3)
		if len(res.Suggestions) != 1 || res.Suggestions[0].Location != "FRZ-1" {
			t.Errorf("weights %+v: frozen peas suggested to %+v; want FRZ-1 only", w, res.Suggestions)
		}
		if res.WrongTemperature != 3 {
			t.Errorf("wrong temperature %d, want 3", res.WrongTemperature)
		}
	}
	// And the reverse: an ambient item never goes to the frozen bin.
	mug := Item{VariantID: 2, SKU: "MUG", Qty: 1}
	res := Suggest(mug, bins, DefaultWeights, 3)
	for _, s := range res.Suggestions {
		if s.Location == "FRZ-1" || s.Location == "CHL-1" {
			t.Errorf("ambient mug suggested to %s", s.Location)
		}
	}
	if _, err := Score(peas, &bins[1], DefaultWeights, 1000); app.ErrorCode(err) != app.ECONFLICT ||
		!strings.Contains(err.Error(), "AMB-2 is in the ambient zone; PEAS needs frozen") {
		t.Errorf("scanning an ambient bin for frozen peas: %v", err)
	}
	res = Suggest(peas, bins[:3], DefaultWeights, 3)
	if len(res.Suggestions) != 0 || res.Explain() != "no bin fits PEAS: 3 bins are not frozen" {
		t.Errorf("no frozen bin: %+v %q", res.Suggestions, res.Explain())
	}
}

func TestHeavyPalletNeverOverShelfLimit(t *testing.T) {
	// A pallet of 40 bags of 25 kg: 1000 kg.
	rice := Item{VariantID: 3, SKU: "RICE-25K", UnitWeightMg: 25_000_000, Qty: 40}
	bins := []Bin{
		{ID: 1, Code: "SHELF-1", MaxWeightMg: 500_000_000, Contents: []Content{{VariantID: 3, Qty: 2}}, LoadMg: 50_000_000},
		{ID: 2, Code: "SHELF-2", MaxWeightMg: 1_000_000_000, LoadMg: 1},      // 1 mg too many
		{ID: 3, Code: "FLOOR-1", MaxWeightMg: 2_000_000_000, LoadMg: 0},      // fits
		{ID: 4, Code: "FLOOR-2", MaxWeightMg: 1_000_000_000, LoadMg: 0},      // exactly full: fits
		{ID: 5, Code: "SHELF-3", MaxWeightMg: 999_999_999, LoadMg: 0},        // 1 mg short
		{ID: 6, Code: "RACK-9", Contents: []Content{{VariantID: 3, Qty: 1}}}, // no limit
	}
	res := Suggest(rice, bins, Weights{Consolidate: 100, Weight: 10}, 3)
	got := []string{}
	for _, s := range res.Suggestions {
		got = append(got, s.Location)
	}
	if strings.Join(got, " ") != "RACK-9 FLOOR-1 FLOOR-2" || res.OverWeight != 3 {
		t.Errorf("suggested %v (over weight %d); want RACK-9 FLOOR-1 FLOOR-2, 3 over", got, res.OverWeight)
	}
	if r := res.Suggestions[1].Reasons[4]; r.Rule != RuleWeight || r.Text != "0 kg of 2000 kg used, 1000 kg after" || r.Points != 5 {
		t.Errorf("FLOOR-1 weight reason %+v", r)
	}
	_, err := Score(rice, &bins[0], DefaultWeights, 0)
	if app.ErrorCode(err) != app.ECONFLICT || err.Error() != "SHELF-1 holds 50 kg of 500 kg; 40 of RICE-25K (1000 kg) would exceed its weight limit" {
		t.Errorf("scanning SHELF-1: %v", err)
	}
	// Bins on a shelf share its limit: 40 kg in one of them leave 60 kg of
	// the shelf's 100 kg, too little for 3 bags (75 kg) in either bin.
	shelf := &Limit{Code: "SHELF-9", MaxWeightMg: 100_000_000, LoadMg: 40_000_000}
	onShelf := []Bin{
		{ID: 10, Code: "S9-A", Above: []*Limit{shelf}, LoadMg: 40_000_000, Contents: []Content{{VariantID: 3, Qty: 1}}},
		{ID: 11, Code: "S9-B", Above: []*Limit{shelf}},
		{ID: 12, Code: "FLOOR-9", Above: []*Limit{{Code: "ZONE", MaxWeightMg: 0}}},
	}
	two := rice
	two.Qty = 3
	res = Suggest(two, onShelf, DefaultWeights, 3)
	if len(res.Suggestions) != 1 || res.Suggestions[0].Location != "FLOOR-9" || res.OverWeight != 2 {
		t.Errorf("3 bags with a shelf of 60 kg left: %+v (over %d)", res.Suggestions, res.OverWeight)
	}
	_, err = Score(two, &onShelf[1], DefaultWeights, 0)
	if app.ErrorCode(err) != app.ECONFLICT || err.Error() != "S9-B is in SHELF-9, which holds 40 kg of 100 kg; 3 of RICE-25K (75 kg) would exceed its weight limit" {
		t.Errorf("scanning S9-B: %v", err)
	}
	// One bag fits, and the shelf's room is the reason.
	two.Qty = 1
	sg, err := Score(two, &onShelf[1], DefaultWeights, 0)
	if err != nil || sg.Reasons[4].Text != "SHELF-9: 40 kg of 100 kg used, 65 kg after" || sg.Reasons[4].Points != 3 {
		t.Errorf("one bag on the shelf: %+v %v", sg.Reasons[4], err)
	}

	// A weight that overflows int64 is over every limit, not a wrap-around.
	huge := rice
	huge.Qty = app.MaxQty
	if res := Suggest(huge, bins, DefaultWeights, 3); len(res.Suggestions) != 1 || res.Suggestions[0].Location != "RACK-9" {
		t.Errorf("huge quantity: %+v", res.Suggestions)
	}
}

func TestFEFO(t *testing.T) {
	item := Item{VariantID: 5, SKU: "YOG", LotID: 5, Lot: "NEW", ExpiresOn: "2027-03-01", Qty: 6}
	bins := []Bin{
		{ID: 1, Code: "OLDER", Contents: []Content{{VariantID: 5, LotID: 1, Lot: "OLD", ExpiresOn: "2027-02-01", Qty: 3}}},
		{ID: 2, Code: "LATER", Contents: []Content{{VariantID: 5, LotID: 6, Lot: "NEXT", ExpiresOn: "2027-04-01", Qty: 3}}},
		// Without an expiry, the lot received first (the lower id) goes first.
		{ID: 3, Code: "NODATE", Contents: []Content{{VariantID: 5, LotID: 7, Lot: "X7", Qty: 3}}},
		{ID: 4, Code: "FIFO", Contents: []Content{{VariantID: 5, LotID: 3, Lot: "X3", Qty: 3}}},
		{ID: 5, Code: "EMPTY"},
		{ID: 6, Code: "SAME", Contents: []Content{{VariantID: 5, LotID: 5, Lot: "NEW", ExpiresOn: "2027-03-01", Qty: 3}}},
		// An earlier lot mixed with a later one: the earlier one counts.
		{ID: 7, Code: "BOTH", Contents: []Content{{VariantID: 5, LotID: 6, Lot: "NEXT", ExpiresOn: "2027-04-01", Qty: 1},
			{VariantID: 5, LotID: 1, Lot: "OLD", ExpiresOn: "2027-02-01", Qty: 1}}},
	}
	res := Suggest(item, bins, Weights{FEFO: 100}, 7)
	var order []string
	text := map[string]string{}
	for _, s := range res.Suggestions {
		order = append(order, s.Location)
		text[s.Location] = s.Reasons[3].Text
	}
	// Equal scores go by code.
	if strings.Join(order, " ") != "EMPTY SAME LATER NODATE BOTH FIFO OLDER" {
		t.Errorf("order %v", order)
	}
	for bin, want := range map[string]string{
		"OLDER":  "would bury lot OLD (expires 2027-02-01) behind a later lot",
		"BOTH":   "would bury lot OLD (expires 2027-02-01) behind a later lot",
		"FIFO":   "would bury lot X3 (received earlier) behind a later lot",
		"LATER":  "mixes with lot NEXT (expires 2027-04-01)",
		"NODATE": "mixes with lot X7 (received later)",
		"EMPTY":  "no other lot of YOG here",
		"SAME":   "no other lot of YOG here",
	} {
		if text[bin] != want {
			t.Errorf("%s: %q, want %q", bin, text[bin], want)
		}
	}
	// With consolidation on as well, the bin with the same lot wins and
	// a bin with an older lot comes last.
	res = Suggest(item, bins, DefaultWeights, 7)
	if res.Suggestions[0].Location != "SAME" || res.Suggestions[6].Location != "OLDER" {
		t.Errorf("default weights: %v first, %v last", res.Suggestions[0].Location, res.Suggestions[6].Location)
	}
}

func TestWeights(t *testing.T) {
	w, err := ParseWeights([]byte(`{"velocity":55}`))
	if err != nil || w.Velocity != 55 || w.Consolidate != DefaultWeights.Consolidate {
		t.Errorf("partial weights: %+v %v", w, err)
	}
	if _, err := ParseWeights([]byte(`{"velocity":101}`)); app.ErrorField(err) != "velocity" {
		t.Errorf("101: %v", err)
	}
	if _, err := ParseWeights([]byte(`{"speed":1}`)); err == nil {
		t.Errorf("unknown rule accepted")
	}
	got, err := ParseWeights(MarshalWeights(w))
	if err != nil || got != w {
		t.Errorf("round trip %+v %v", got, err)
	}
	for _, r := range Rules {
		if !w.Set(r.Name, 3) {
			t.Errorf("Set %s", r.Name)
		}
		if v, ok := w.Of(r.Name); !ok || v != 3 {
			t.Errorf("Of %s = %d %v", r.Name, v, ok)
		}
	}
}

func TestKg(t *testing.T) {
	for mg, want := range map[int64]string{0: "0 kg", 2_400_000: "2.4 kg", 50_000_000: "50 kg", 149_999: "0.1 kg", 12_345_678: "12.3 kg"} {
		if got := kg(mg); got != want {
			t.Errorf("kg(%d) = %q, want %q", mg, got, want)
		}
	}
}
