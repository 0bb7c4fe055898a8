package app

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
)

// Temperature zones a place may keep.
var TemperatureZones = []string{"ambient", "chilled", "frozen", "controlled"}

// MaxBinWeightMg bounds a place's max weight: 100 tonnes.
const MaxBinWeightMg = 100_000_000_000

// PlaceAttributes are what putaway reads about a place, kept in the
// location's attributes JSON under "temperature", "max_weight_mg" and
// "category_tags". Other keys of the JSON are left as they are.
type PlaceAttributes struct {
	// Temperature is one of TemperatureZones, or "" for none.
	Temperature string
	// MaxWeightMg is the most the place may hold, 0 for no limit.
	MaxWeightMg int64
	// CategoryTags are lower-case words: what may be put away here.
	CategoryTags []string
}

// ParsePlaceAttributes reads the attributes JSON of a location. Values of
// the wrong type are ignored.
func ParsePlaceAttributes(raw json.RawMessage) PlaceAttributes {
	var m struct {
		Temperature  any `json:"temperature"`
		MaxWeightMg  any `json:"max_weight_mg"`
		CategoryTags any `json:"category_tags"`
	}
	var a PlaceAttributes
	if json.Unmarshal(raw, &m) != nil {
		return a
	}
	a.Temperature, _ = m.Temperature.(string)
	if w, ok := m.MaxWeightMg.(float64); ok && w >= 0 && w <= MaxBinWeightMg {
		a.MaxWeightMg = int64(w)
	}
	if tags, ok := m.CategoryTags.([]any); ok {
		for _, t := range tags {
			if s, ok := t.(string); ok {
				a.CategoryTags = append(a.CategoryTags, s)
			}
		}
	}
	return a
}

// Merge returns raw with the three attributes set from a (removed when
// empty), other keys kept. raw must be a JSON object.
func (a PlaceAttributes) Merge(raw json.RawMessage) (json.RawMessage, error) {
	m := map[string]json.RawMessage{}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &m); err != nil || m == nil {
			return nil, FieldErrorf("attributes", "must be a JSON object")
		}
	}
	set := func(key string, v any, empty bool) {
		if empty {
			delete(m, key)
			return
		}
		b, _ := json.Marshal(v)
		m[key] = b
	}
	set("temperature", a.Temperature, a.Temperature == "")
	set("max_weight_mg", a.MaxWeightMg, a.MaxWeightMg == 0)
	set("category_tags", a.CategoryTags, len(a.CategoryTags) == 0)
	return json.Marshal(m) // sorted keys
}

// Validate checks and normalizes the attributes: tags are trimmed, lower
// case, without repeats. Errors name the form fields temperature,
// max_weight and category_tags.
func (a *PlaceAttributes) Validate() error {
	a.Temperature = strings.ToLower(strings.TrimSpace(a.Temperature))
	if a.Temperature != "" && !slices.Contains(TemperatureZones, a.Temperature) {
		return FieldErrorf("temperature", "%q is not a temperature zone: use %s, or leave it empty", a.Temperature, strings.Join(TemperatureZones, ", "))
	}
	if a.MaxWeightMg < 0 || a.MaxWeightMg > MaxBinWeightMg {
		return FieldErrorf("max_weight", "must be between 0 and 100000 kg")
	}
	var tags []string
	for _, t := range a.CategoryTags {
		t = strings.ToLower(strings.TrimSpace(t))
		if t == "" || slices.Contains(tags, t) {
			continue
		}
		if err := checkText("category_tags", t, 1, 40); err != nil {
			return FieldErrorf("category_tags", "tag %q: %s", t, err.(*Error).Message)
		}
		tags = append(tags, t)
	}
	if len(tags) > 20 {
		return FieldErrorf("category_tags", "at most 20 tags")
	}
	a.CategoryTags = tags
	return nil
}

// PlaceNode is a location in the tree with what it and everything under it
// holds.
type PlaceNode struct {
	Location
	Archived bool
	// Places is how many places are directly under it (not archived).
	Places int64
	// OnHand and Reserved are the units at the place and every place under
	// it; Levels counts its non-zero levels (variant and lot at a place).
	OnHand, Reserved, Levels int64
}

// PlaceUpdate changes a place: its code and name (rename), its parent
// (move), walk sequence and attributes.
type PlaceUpdate struct {
	Code       string
	Name       string
	Parent     string
	WalkSeq    int64
	Attributes PlaceAttributes
}

// Validate checks and normalizes the update; errors name the fields code,
// name, parent, walk_seq and those of PlaceAttributes.Validate.
func (u *PlaceUpdate) Validate() error {
	u.Code, u.Name, u.Parent = strings.TrimSpace(u.Code), strings.TrimSpace(u.Name), strings.TrimSpace(u.Parent)
	if err := checkCode("code", u.Code); err != nil {
		return err
	}
	if err := checkText("name", u.Name, 0, 200); err != nil {
		return err
	}
	if u.Parent != "" {
		if err := checkCode("parent", u.Parent); err != nil {
			return err
		}
	}
	if u.WalkSeq < 0 || u.WalkSeq > 1_000_000_000 {
		return FieldErrorf("walk_seq", "must be between 0 and 1000000000")
	}
	return u.Attributes.Validate()
}

// PlaceService keeps the location tree.
type PlaceService interface {
	// Place returns the place with its totals (it and below).
	// Errors: not_found.
	Place(ctx context.Context, code string) (*PlaceNode, error)
	// PlaceChildren returns the places directly under code (all top-level
	// places for ""), by walk sequence and code, each with its totals.
	PlaceChildren(ctx context.Context, code string) ([]PlaceNode, error)
	// UpdatePlace renames, moves and sets the attributes of the place.
	// Errors: invalid (a move under itself or below itself, a site under
	// another place, a virtual or archived parent), not_found, conflict
	// (code in use).
	UpdatePlace(ctx context.Context, code string, u PlaceUpdate) (*Location, error)
	// ArchivePlace archives the place and every place under it. Errors:
	// conflict when stock is there (the message says how much), invalid
	// for a virtual place, not_found.
	ArchivePlace(ctx context.Context, code string) error
}
