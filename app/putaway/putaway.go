// Package putaway is where received stock should go: a pure scoring engine
// that ranks candidate bins for an item with weighted rules, the commands
// that confirm a putaway, and the service the store implements.
//
// The package holds its own service interface (rather than app) because app
// would otherwise import it for the engine's types, and the engine uses
// app's errors.
package putaway

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"depot/app"
)

// Rule names, as they appear in reasons, settings and the API.
const (
	RuleTemperature = "temperature" // hard: the item's zone and the bin's must match
	RuleCategory    = "category"    // the bin's category zone
	RuleConsolidate = "consolidate" // the same SKU and lot already in the bin
	RuleFEFO        = "fefo"        // do not bury an earlier-expiring lot
	RuleWeight      = "weight"      // hard: the bin's weight limit against its load
	RuleCapacity    = "capacity"    // hard when set: free units in the bin
	RuleVelocity    = "velocity"    // fast movers near the packing area
)

// Rules lists the rules in the order reasons are given, with what each means
// for the settings page.
var Rules = [...]struct{ Name, Text string }{
	{RuleTemperature, "Temperature zone matches (a bin of another zone is never suggested)"},
	{RuleCategory, "Category zone: the bin's category tags include the item's category"},
	{RuleConsolidate, "Consolidation: the same SKU and lot is already in the bin"},
	{RuleFEFO, "FIFO/FEFO: no earlier-expiring lot of the SKU is buried or mixed in"},
	{RuleWeight, "Weight headroom: room left under the bin's weight limit (never exceeded)"},
	{RuleCapacity, "Free capacity: units left under the bin's capacity (never exceeded)"},
	{RuleVelocity, "Velocity: fast movers near the packing area, slow movers further away"},
}

const nRules = len(Rules)

// Weights says how much each rule counts: a whole number from 0 to 100. A
// rule gives between -weight and +weight points to a bin.
type Weights struct {
	Temperature int `json:"temperature"`
	Category    int `json:"category"`
	Consolidate int `json:"consolidate"`
	FEFO        int `json:"fefo"`
	Weight      int `json:"weight"`
	Capacity    int `json:"capacity"`
	Velocity    int `json:"velocity"`
}

// DefaultWeights are used until a manager changes them.
var DefaultWeights = Weights{Temperature: 10, Category: 30, Consolidate: 40, FEFO: 30, Weight: 10, Capacity: 15, Velocity: 20}

// MaxWeight is the largest weight a rule may have.
const MaxWeight = 100

// SettingsKey is the key of the weights in the settings table.
const SettingsKey = "putaway.weights"

// Of returns the weight of the rule named name, and whether there is one.
func (w Weights) Of(name string) (int, bool) {
	p := w.ptr(name)
	if p == nil {
		return 0, false
	}
	return *p, true
}

// Set sets the weight of the rule named name; false for an unknown rule.
func (w *Weights) Set(name string, v int) bool {
	p := w.ptr(name)
	if p != nil {
		*p = v
	}
	return p != nil
}

func (w *Weights) ptr(name string) *int {
	switch name {
	case RuleTemperature:
		return &w.Temperature
	case RuleCategory:
		return &w.Category
	case RuleConsolidate:
		return &w.Consolidate
	case RuleFEFO:
		return &w.FEFO
	case RuleWeight:
		return &w.Weight
	case RuleCapacity:
		return &w.Capacity
	case RuleVelocity:
		return &w.Velocity
	}
	return nil
}

func (w Weights) list() [nRules]int {
	return [nRules]int{w.Temperature, w.Category, w.Consolidate, w.FEFO, w.Weight, w.Capacity, w.Velocity}
}

// Validate returns an invalid-input error naming the rule whose weight is
// outside 0 to 100.
func (w Weights) Validate() error {
	for i, v := range w.list() {
		if v < 0 || v > MaxWeight {
			return app.FieldErrorf(Rules[i].Name, "weight %d is outside 0 to %d", v, MaxWeight)
		}
	}
	return nil
}

// ParseWeights reads weights stored as JSON: rules left out keep their
// default; unknown keys and values out of range are refused.
func ParseWeights(raw []byte) (Weights, error) {
	w := DefaultWeights
	if err := app.DecodeJSON(raw, &w); err != nil {
		return w, err
	}
	return w, w.Validate()
}

// MarshalWeights is the JSON stored for w.
func MarshalWeights(w Weights) []byte {
	b, _ := json.Marshal(w)
	return b
}

// Item is what is put away: a quantity of one variant (and lot).
type Item struct {
	VariantID int64
	SKU       string
	// Category is the product's category, compared without regard to case
	// with bins' category tags; "" for none.
	Category string
	// Temperature is the zone the item needs (variant attribute
	// "temperature"); "" is ambient.
	Temperature  string
	UnitWeightMg int64
	// LotID is 0 for an item not tracked by lot. ExpiresOn is the lot's
	// expiry as YYYY-MM-DD, "" for none.
	LotID     int64
	Lot       string
	ExpiresOn string
	Qty       int64
	// VelocityRank is the variant's place among the variants shipped
	// recently, 1 the fastest, 0 for none shipped; Ranked is how many
	// variants have a rank.
	VelocityRank, Ranked int
}

// Limit is the weight limit of a place that holds bins, and the weight of
// what is in them.
type Limit struct {
	Code                string
	MaxWeightMg, LoadMg int64
}

// Content is one level in a bin: a variant and lot and its units.
type Content struct {
	VariantID int64
	LotID     int64
	Lot       string
	ExpiresOn string
	Qty       int64
}

// Bin is a candidate place with what putaway needs to know of it.
type Bin struct {
	ID      int64
	Code    string
	WalkSeq int64
	// Distance is how far the bin is from the packing area along the walk
	// sequence.
	Distance int64
	// Temperature and CategoryTags are the place's own or, when it has
	// none, its nearest ancestor's; "" is ambient.
	Temperature  string
	CategoryTags []string
	// MaxWeightMg is 0 for no limit; LoadMg is the weight of what is in the
	// bin now.
	MaxWeightMg, LoadMg int64
	// Above are the weight limits of the places the bin is in (a shelf or
	// a rack that holds several bins), nearest first; each is shared by
	// the bins under it.
	Above []*Limit
	// CapacityUnits is 0 for no limit; Units are the units in the bin now.
	CapacityUnits, Units int64
	Contents             []Content
}

// Reason is one rule's contribution to a bin's score, in words.
type Reason struct {
	Rule   string `json:"rule"`
	Points int    `json:"points"`
	Text   string `json:"text"`
}

// Suggestion is a bin with its score and the reasons for it.
type Suggestion struct {
	BinID    int64    `json:"-"`
	Location string   `json:"location"`
	Score    int      `json:"score"`
	Reasons  []Reason `json:"reasons"`
}

// Result is the top bins for an item and why the others were left out.
type Result struct {
	Item        Item         `json:"-"`
	Suggestions []Suggestion `json:"suggestions"`
	// Considered counts the candidate bins scored; the others count the
	// bins a hard rule left out.
	Considered       int `json:"considered"`
	WrongTemperature int `json:"wrong_temperature"`
	OverWeight       int `json:"over_weight"`
	OverCapacity     int `json:"over_capacity"`
}

// Query asks for suggestions: SKU, lot and quantity, and optionally the dock
// the stock waits at (which picks the site).
type Query struct {
	SKU  string
	Lot  string
	Qty  int64
	From string
	// N is how many suggestions; 0 means 3.
	N int
}

// Command confirms a putaway: Qty of SKU (and Lot) from the dock From to
// the scanned bin To. Chosen, when given, is the bin the clerk chose from
// the suggestions: a scan of another bin is refused naming both.
type Command struct {
	SKU            string `json:"sku"`
	Lot            string `json:"lot,omitempty"`
	Qty            int64  `json:"qty"`
	From           string `json:"from"`
	To             string `json:"to"`
	Chosen         string `json:"chosen,omitempty"`
	IdempotencyKey string `json:"idempotency_key"`
	// UserID is who puts away; set from the session or token.
	UserID int64 `json:"-"`
}

// Validate checks the command's shape and trims it; errors name the field.
func (c *Command) Validate() error {
	for _, f := range []struct {
		name     string
		v        *string
		required bool
	}{{"sku", &c.SKU, true}, {"lot", &c.Lot, false}, {"from", &c.From, true}, {"to", &c.To, true},
		{"chosen", &c.Chosen, false}, {"idempotency_key", &c.IdempotencyKey, true}} {
		*f.v = strings.TrimSpace(*f.v)
		if err := checkCode(f.name, *f.v, f.required); err != nil {
			return err
		}
	}
	if c.Qty <= 0 || c.Qty > app.MaxQty {
		return app.FieldErrorf("qty", "must be a whole number from 1 to %d", int64(app.MaxQty))
	}
	if strings.EqualFold(c.From, c.To) {
		return app.FieldErrorf("to", "is the dock the stock is on; scan a bin")
	}
	return nil
}

// checkCode accepts what people scan and type: printable ASCII without
// spaces, at most 200 characters (an idempotency key may be long).
func checkCode(field, s string, required bool) error {
	if s == "" {
		if required {
			return app.FieldErrorf(field, "is required")
		}
		return nil
	}
	if len(s) > 200 {
		return app.FieldErrorf(field, "must be at most 200 characters")
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c > '~' {
			return app.FieldErrorf(field, "%q has a character that is not printable ASCII (position %d)", s, i+1)
		}
	}
	return nil
}

// Task is a putaway done: a putaway_tasks row.
type Task struct {
	ID         int64     `json:"id"`
	SKU        string    `json:"sku"`
	Lot        string    `json:"lot,omitempty"`
	Qty        int64     `json:"qty"`
	From       string    `json:"from"`
	Suggested  string    `json:"suggested,omitempty"`
	To         string    `json:"to"`
	Score      int       `json:"score"`
	Status     string    `json:"status"`
	MovementID int64     `json:"movement_id"`
	DoneAt     time.Time `json:"done_at"`
}

// Waiting is stock on a dock waiting to be put away.
type Waiting struct {
	Dock      string `json:"dock"`
	SKU       string `json:"sku"`
	Name      string `json:"name"`
	Lot       string `json:"lot,omitempty"`
	ExpiresOn string `json:"expires_on,omitempty"`
	// Qty is what can be moved: on hand less reserved.
	Qty int64 `json:"qty"`
}

// Service suggests bins and confirms putaways.
type Service interface {
	// PutawaySuggestions returns the best bins for the query.
	// Errors: invalid, not_found (SKU, lot, dock).
	PutawaySuggestions(ctx context.Context, q Query) (*Result, error)
	// Putaway posts the move from the dock to the bin and records the task;
	// replayed is true when the idempotency key was seen before (nothing
	// is written then). Errors: invalid, not_found, conflict (a hard rule,
	// a bin other than the chosen one, not enough on the dock).
	Putaway(ctx context.Context, c Command) (t *Task, replayed bool, err error)
	// PutawayWaiting lists stock on docks, at most limit levels.
	PutawayWaiting(ctx context.Context, limit int) ([]Waiting, error)
	// PutawayWeights returns the rule weights in use.
	PutawayWeights(ctx context.Context) (Weights, error)
	// SetPutawayWeights stores the rule weights. Errors: invalid.
	SetPutawayWeights(ctx context.Context, w Weights) error
}
