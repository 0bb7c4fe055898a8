package putaway

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"depot/app"
)

// Each rule rates a bin from -full (as bad as the rule can say) to +full
// (as good); the rule's points are its weight times that rating / full.
// Integers throughout, so equal inputs give equal scores on every machine.
const full = 1000

// Ambient is the zone of an item or place that names none.
const Ambient = "ambient"

func zone(t string) string {
	if t == "" {
		return Ambient
	}
	return strings.ToLower(t)
}

// scorer rates bins for one item.
type scorer struct {
	item    Item
	weights [nRules]int
	// category is the item's category and zone its temperature zone, in
	// lower case; addMg its weight.
	category, zone string
	addMg          int64
	tooHeavy       bool // the item alone weighs more than an int64 holds
	// maxDistance is the largest distance to packing among the bins.
	maxDistance int64
	// pace is the item's velocity rating: full for the fastest mover,
	// near 0 for the slowest and for items not shipped recently.
	pace int64
}

func newScorer(item Item, w Weights, maxDistance int64) *scorer {
	s := &scorer{item: item, weights: w.list(), category: strings.ToLower(strings.TrimSpace(item.Category)),
		zone: zone(item.Temperature), maxDistance: maxDistance}
	if item.UnitWeightMg > 0 && item.Qty > math.MaxInt64/item.UnitWeightMg {
		s.tooHeavy = true
	} else {
		s.addMg = item.UnitWeightMg * item.Qty
	}
	if item.VelocityRank > 0 && item.Ranked > 0 {
		s.pace = full - int64(item.VelocityRank-1)*full/int64(item.Ranked)
	}
	return s
}

// exclusion is the hard rule a bin breaks, if any.
type exclusion int

const (
	fits exclusion = iota
	wrongTemperature
	overWeight
	overCapacity
)

// hard checks the hard rules: the temperature zone, the weight limit and
// the unit capacity.
func (s *scorer) hard(b *Bin) exclusion {
	if bz := b.Temperature; bz != s.zone && !(bz == "" && s.zone == Ambient) && zone(bz) != s.zone {
		return wrongTemperature
	}
	if _, over := s.overLimit(b); over {
		return overWeight
	}
	if b.CapacityUnits > 0 && b.Units > b.CapacityUnits-s.item.Qty {
		return overCapacity
	}
	return fits
}

// refusal explains why a bin breaks a hard rule, as a conflict.
func (s *scorer) refusal(b *Bin, e exclusion) error {
	switch e {
	case wrongTemperature:
		return app.Errorf(app.ECONFLICT, "%s is in the %s zone; %s needs %s: it never goes to another temperature zone",
			b.Code, zone(b.Temperature), s.item.SKU, zone(s.item.Temperature))
	case overWeight:
		l, _ := s.overLimit(b)
		where := b.Code
		if l.Code != b.Code {
			where = b.Code + " is in " + l.Code + ", which"
		}
		return app.Errorf(app.ECONFLICT, "%s holds %s of %s; %d of %s (%s) would exceed its weight limit",
			where, kg(l.LoadMg), kg(l.MaxWeightMg), s.item.Qty, s.item.SKU, kg(s.addMg))
	case overCapacity:
		return app.Errorf(app.ECONFLICT, "%s has room for %d of its %d units; %d of %s do not fit",
			b.Code, max(0, b.CapacityUnits-b.Units), b.CapacityUnits, s.item.Qty, s.item.SKU)
	}
	return nil
}

// total scores a bin that passed the hard rules.
func (s *scorer) total(b *Bin) int {
	t := 0
	for i := range nRules {
		if s.weights[i] == 0 {
			continue
		}
		r, _ := s.rate(i, b, false)
		t += s.weights[i] * r / full
	}
	return t
}

// explain scores a bin with each rule's points and reason.
func (s *scorer) explain(b *Bin) Suggestion {
	sg := Suggestion{BinID: b.ID, Location: b.Code, Reasons: make([]Reason, 0, nRules)}
	for i := range nRules {
		r, text := s.rate(i, b, true)
		p := s.weights[i] * r / full
		sg.Score += p
		sg.Reasons = append(sg.Reasons, Reason{Rule: Rules[i].Name, Points: p, Text: text})
	}
	return sg
}

// rate is rule i's rating of b, and its reason in words when text is set
// (words cost allocations, which only the top bins need).
func (s *scorer) rate(i int, b *Bin, text bool) (int, string) {
	switch i {
	case 0:
		return s.temperature(b, text)
	case 1:
		return s.categoryZone(b, text)
	case 2:
		return s.consolidate(b, text)
	case 3:
		return s.fefo(b, text)
	case 4:
		return s.weight(b, text)
	case 5:
		return s.capacity(b, text)
	default:
		return s.velocity(b, text)
	}
}

func (s *scorer) temperature(b *Bin, text bool) (int, string) {
	if !text {
		return full, ""
	}
	return full, zone(s.item.Temperature) + " zone matches"
}

func (s *scorer) categoryZone(b *Bin, text bool) (int, string) {
	if len(b.CategoryTags) == 0 {
		return 0, when(text, "no category zone")
	}
	if s.category == "" {
		if !text {
			return -full / 2, ""
		}
		return -full / 2, "zone for " + strings.Join(b.CategoryTags, ", ") + "; the item has no category"
	}
	for _, t := range b.CategoryTags {
		if strings.EqualFold(t, s.category) {
			if !text {
				return full, ""
			}
			return full, s.category + " zone"
		}
	}
	if !text {
		return -full, ""
	}
	return -full, "zone for " + strings.Join(b.CategoryTags, ", ") + ", not " + s.category
}

func (s *scorer) consolidate(b *Bin, text bool) (int, string) {
	sameSKU, others := false, 0
	for i, c := range b.Contents {
		if c.VariantID == s.item.VariantID {
			if c.LotID == s.item.LotID {
				if s.item.LotID != 0 {
					return full, when(text, "same SKU and lot already here")
				}
				return full, when(text, "same SKU already here")
			}
			sameSKU = true
			continue
		}
		if !seenVariant(b.Contents[:i], c.VariantID) {
			others++
		}
	}
	switch {
	case sameSKU && others == 0:
		return full * 3 / 10, when(text, "same SKU (another lot) already here")
	case others > 0:
		r := -min(full, others*full/4)
		if !text {
			return r, ""
		}
		return r, "shares the bin with " + plural(others, "other SKU", "other SKUs")
	case len(b.Contents) == 0:
		return 0, when(text, "empty bin")
	}
	return 0, ""
}

func seenVariant(cs []Content, id int64) bool {
	for _, c := range cs {
		if c.VariantID == id {
			return true
		}
	}
	return false
}

// fefo keeps lots of a variant apart so that the one to go first is never
// behind a later one: another lot in the bin that expires earlier (FEFO),
// or, when an expiry is missing, was received earlier (FIFO: lots are
// numbered as they arrive), would be buried (worst); one that goes later
// is still mixed with it. A bin without other lots of the variant is best.
func (s *scorer) fefo(b *Bin, text bool) (int, string) {
	if s.item.LotID == 0 {
		return 0, when(text, "not tracked by lot")
	}
	var earlier, later *Content
	for i := range b.Contents {
		c := &b.Contents[i]
		if c.VariantID != s.item.VariantID || c.LotID == s.item.LotID {
			continue
		}
		if s.before(c) {
			if earlier == nil || s.earlierOf(c, earlier) {
				earlier = c
			}
		} else if later == nil {
			later = c
		}
	}
	switch {
	case earlier != nil:
		if !text {
			return -full, ""
		}
		return -full, "would bury lot " + earlier.Lot + " (" + s.goes(earlier) + ") behind a later lot"
	case later != nil:
		if !text {
			return -full / 2, ""
		}
		return -full / 2, "mixes with lot " + later.Lot + " (" + s.goes(later) + ")"
	}
	if !text {
		return full, ""
	}
	return full, "no other lot of " + s.item.SKU + " here"
}

// before reports whether lot c goes out before the item's: it expires
// earlier or, without both expiries, was received earlier. Two lots that
// expire the same day go by receipt.
func (s *scorer) before(c *Content) bool {
	if c.ExpiresOn != "" && s.item.ExpiresOn != "" && c.ExpiresOn != s.item.ExpiresOn {
		return c.ExpiresOn < s.item.ExpiresOn
	}
	return c.LotID < s.item.LotID
}

// earlierOf reports whether lot a goes out before lot b.
func (s *scorer) earlierOf(a, b *Content) bool {
	if a.ExpiresOn != "" && b.ExpiresOn != "" && a.ExpiresOn != b.ExpiresOn {
		return a.ExpiresOn < b.ExpiresOn
	}
	return a.LotID < b.LotID
}

// goes says when lot c goes out compared with the item's lot.
func (s *scorer) goes(c *Content) string {
	if c.ExpiresOn != "" && s.item.ExpiresOn != "" && c.ExpiresOn != s.item.ExpiresOn {
		return "expires " + c.ExpiresOn
	}
	if c.LotID < s.item.LotID {
		return "received earlier"
	}
	return "received later"
}

// overLimit returns the first weight limit the item would exceed: the
// bin's own, then those of the places it is in.
func (s *scorer) overLimit(b *Bin) (Limit, bool) {
	if b.MaxWeightMg > 0 && (s.tooHeavy || b.LoadMg > b.MaxWeightMg-s.addMg) {
		return Limit{Code: b.Code, MaxWeightMg: b.MaxWeightMg, LoadMg: b.LoadMg}, true
	}
	for _, l := range b.Above {
		if l.MaxWeightMg > 0 && (s.tooHeavy || l.LoadMg > l.MaxWeightMg-s.addMg) {
			return *l, true
		}
	}
	return Limit{}, false
}

// headroom rates the room left under a limit after the item: full for an
// empty place, 0 for one filled to its limit.
func (s *scorer) headroom(load, limit int64) int {
	after := load + s.addMg
	if limit > math.MaxInt64/full {
		return int((limit - after) / (limit / full))
	}
	return int(full * (limit - after) / limit)
}

// weight prefers room left under the tightest weight limit (the bin's own
// or that of a shelf it is on); a bin without one is neutral.
func (s *scorer) weight(b *Bin, text bool) (int, string) {
	tight, r, found := -1, 0, false
	if b.MaxWeightMg > 0 {
		r, found = s.headroom(b.LoadMg, b.MaxWeightMg), true
	}
	for i, l := range b.Above {
		if l.MaxWeightMg <= 0 {
			continue
		}
		if h := s.headroom(l.LoadMg, l.MaxWeightMg); !found || h < r {
			tight, r, found = i, h, true
		}
	}
	switch {
	case !found:
		return 0, when(text, "no weight limit")
	case !text:
		return r, ""
	case tight < 0:
		return r, kg(b.LoadMg) + " of " + kg(b.MaxWeightMg) + " used, " + kg(b.LoadMg+s.addMg) + " after"
	}
	l := b.Above[tight]
	return r, l.Code + ": " + kg(l.LoadMg) + " of " + kg(l.MaxWeightMg) + " used, " + kg(l.LoadMg+s.addMg) + " after"
}

func (s *scorer) capacity(b *Bin, text bool) (int, string) {
	if b.CapacityUnits <= 0 {
		return 0, when(text, "no unit capacity set")
	}
	free := b.CapacityUnits - b.Units
	r := int(full * (free - s.item.Qty) / b.CapacityUnits)
	if b.CapacityUnits > math.MaxInt64/full {
		r = int((free - s.item.Qty) / (b.CapacityUnits / full))
	}
	if !text {
		return r, ""
	}
	return r, strconv.FormatInt(free, 10) + " of " + strconv.FormatInt(b.CapacityUnits, 10) + " units free"
}

// velocity matches how fast the item moves with how near the bin is to
// packing: a fast mover near packing, or a slow one far from it, is good;
// a slow mover in a near bin takes the place of a fast one.
func (s *scorer) velocity(b *Bin, text bool) (int, string) {
	near := int64(full)
	if s.maxDistance > 0 {
		near = full - min(b.Distance, s.maxDistance)*full/s.maxDistance
	}
	d := s.pace - near
	if d < 0 {
		d = -d
	}
	r := int(full - 2*d)
	if !text {
		return r, ""
	}
	var mover string
	switch {
	case s.item.VelocityRank == 0:
		mover = "no recent shipments"
	case s.pace*3 >= 2*full:
		mover = "fast mover"
	case s.pace*3 >= full:
		mover = "medium mover"
	default:
		mover = "slow mover"
	}
	where := "far from packing"
	switch {
	case near*3 >= 2*full:
		where = "near packing"
	case near*3 >= full:
		where = "mid-way to packing"
	}
	return r, fmt.Sprintf("%s, %s (walk %d)", mover, where, b.WalkSeq)
}

func when(text bool, s string) string {
	if text {
		return s
	}
	return ""
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// kg writes milligrams as kilograms with at most one decimal: "2.4 kg",
// "50 kg", "0.2 kg".
func kg(mg int64) string {
	tenths := (mg + 50_000) / 100_000
	if mg < 0 {
		tenths = (mg - 50_000) / 100_000
	}
	if tenths%10 == 0 {
		return strconv.FormatInt(tenths/10, 10) + " kg"
	}
	sign := ""
	if tenths < 0 {
		sign, tenths = "-", -tenths
	}
	return sign + strconv.FormatInt(tenths/10, 10) + "." + strconv.FormatInt(tenths%10, 10) + " kg"
}

// Suggest scores every bin for the item and returns the best n (3 when n
// is 0), best first; equal scores go by walk sequence, then code. Bins
// that break a hard rule (another temperature zone, a weight limit or a
// unit capacity the item would exceed) are never suggested; Result counts
// them.
func Suggest(item Item, bins []Bin, w Weights, n int) *Result {
	if n <= 0 {
		n = 3
	}
	var maxDist int64
	for i := range bins {
		maxDist = max(maxDist, bins[i].Distance)
	}
	s := newScorer(item, w, maxDist)
	res := &Result{Item: item}
	type ranked struct {
		score int
		b     *Bin
	}
	top := make([]ranked, 0, n+1)
	better := func(a, b ranked) bool {
		if a.score != b.score {
			return a.score > b.score
		}
		if a.b.WalkSeq != b.b.WalkSeq {
			return a.b.WalkSeq < b.b.WalkSeq
		}
		return a.b.Code < b.b.Code
	}
	for i := range bins {
		b := &bins[i]
		switch s.hard(b) {
		case wrongTemperature:
			res.WrongTemperature++
			continue
		case overWeight:
			res.OverWeight++
			continue
		case overCapacity:
			res.OverCapacity++
			continue
		}
		res.Considered++
		c := ranked{s.total(b), b}
		if len(top) == n && !better(c, top[n-1]) {
			continue
		}
		j := len(top)
		top = append(top, c)
		for j > 0 && better(c, top[j-1]) {
			top[j] = top[j-1]
			j--
		}
		top[j] = c
		if len(top) > n {
			top = top[:n]
		}
	}
	res.Suggestions = make([]Suggestion, 0, len(top))
	for _, t := range top {
		res.Suggestions = append(res.Suggestions, s.explain(t.b))
	}
	return res
}

// Score scores one bin for the item (the bin a clerk scanned), with
// maxDistance the largest distance to packing of the site's bins. A bin
// that breaks a hard rule is a conflict that says which and why.
func Score(item Item, b *Bin, w Weights, maxDistance int64) (Suggestion, error) {
	s := newScorer(item, w, maxDistance)
	if e := s.hard(b); e != fits {
		return Suggestion{}, s.refusal(b, e)
	}
	return s.explain(b), nil
}

// Explain says why no bin was suggested, for a result without suggestions.
func (r *Result) Explain() string {
	if len(r.Suggestions) > 0 {
		return ""
	}
	if r.Considered+r.WrongTemperature+r.OverWeight+r.OverCapacity == 0 {
		return "the site has no bins to put away into"
	}
	var parts []string
	if r.WrongTemperature > 0 {
		parts = append(parts, plural(r.WrongTemperature, "bin is", "bins are")+" not "+zone(r.Item.Temperature))
	}
	if r.OverWeight > 0 {
		parts = append(parts, plural(r.OverWeight, "bin", "bins")+" would exceed the weight limit")
	}
	if r.OverCapacity > 0 {
		parts = append(parts, plural(r.OverCapacity, "bin has", "bins have")+" no room for "+strconv.FormatInt(r.Item.Qty, 10)+" units")
	}
	return "no bin fits " + r.Item.SKU + ": " + strings.Join(parts, "; ")
}
