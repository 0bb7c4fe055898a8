package web

import (
	"fmt"
	"net/http"

	"github.com/a-h/templ"

	"depot/app"
	"depot/app/packcheck"
	"depot/views"
)

// boxesModel reads the boxes (archived too) and the site's tolerance.
func (s *server) boxesModel(r *http.Request) (views.BoxesModel, error) {
	p, err := s.packing()
	if err != nil {
		return views.BoxesModel{}, err
	}
	boxes, err := p.Boxes(r.Context(), true)
	if err != nil {
		return views.BoxesModel{}, err
	}
	t, err := p.PackTolerance(r.Context())
	if err != nil {
		return views.BoxesModel{}, err
	}
	overrides, err := p.WeightTolerances(r.Context())
	if err != nil {
		return views.BoxesModel{}, err
	}
	return views.BoxesModel{Boxes: boxes, Form: views.Form{Values: map[string]string{}}, Overrides: overrides,
		Variant:   views.Form{Values: map[string]string{}},
		Tolerance: views.Form{Values: map[string]string{"abs_g": formatDecimal(t.AbsMg, 3, 0), "pct": formatDecimal(t.PctBP, 2, 0)}}}, nil
}

// boundedDecimal reads a decimal of at most scale digits after the point
// (see parseDecimal) and refuses more than max units.
func boundedDecimal(field, text string, scale int, max int64, what string) (int64, error) {
	n, err := parseDecimal(field, text, scale, what)
	if err == nil && n > max {
		err = app.FieldErrorf(field, "%q is more than %s", clipText(text), formatDecimal(max, scale, 0))
	}
	return n, err
}

func (s *server) boxesPage(w http.ResponseWriter, r *http.Request) error {
	m, err := s.boxesModel(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.Boxes(s.pageFor(w, r, "Boxes"), m))
}

// saveBox handles POST /boxes: a box created or changed by its code.
func (s *server) saveBox(w http.ResponseWriter, r *http.Request) error {
	f := formOf(r, "code", "name", "tare_g", "max_kg", "length_mm", "width_mm", "height_mm", "archived")
	m, err := s.boxesModel(r)
	if err != nil {
		return err
	}
	page := func(f views.Form) templ.Component {
		m.Form = f
		return views.Boxes(s.pageFor(w, r, "Boxes"), m)
	}
	b := app.Box{Code: f.Value("code"), Name: f.Value("name"), Archived: f.Value("archived") != ""}
	if b.TareMg, err = boundedDecimal("tare_g", f.Value("tare_g"), 3, 1_000_000_000, "a weight in grams, like 150 or 12.5"); err != nil {
		return s.refuse(w, r, f, err, page)
	}
	if b.MaxWeightMg, err = boundedDecimal("max_kg", f.Value("max_kg"), 6, 1_000_000_000, "a weight in kilograms, like 30 or 2.5"); err != nil {
		return s.refuse(w, r, f, err, page)
	}
	for _, d := range []struct {
		name string
		v    *int64
	}{{"length_mm", &b.LengthMM}, {"width_mm", &b.WidthMM}, {"height_mm", &b.HeightMM}} {
		if *d.v, err = parseWhole(d.name, f.Value(d.name), 10_000); err != nil {
			return s.refuse(w, r, f, err, page)
		}
	}
	saved, err := s.Packing.SaveBox(r.Context(), b)
	if err != nil {
		if e, ok := err.(*app.Error); ok && e.Field == "tare_mg" {
			e.Field = "tare_g"
		}
		return s.refuse(w, r, f, err, page)
	}
	s.setFlash(w, fmt.Sprintf("Box %s saved: tare %s.", saved.Code, packcheck.FormatMg(saved.TareMg)))
	http.Redirect(w, r, "/boxes", http.StatusSeeOther)
	return nil
}

// saveTolerance handles POST /boxes/tolerance: the site's packing
// tolerance in grams and percent.
func (s *server) saveTolerance(w http.ResponseWriter, r *http.Request) error {
	f := formOf(r, "abs_g", "pct")
	m, err := s.boxesModel(r)
	if err != nil {
		return err
	}
	page := func(f views.Form) templ.Component {
		m.Tolerance = f
		return views.Boxes(s.pageFor(w, r, "Boxes"), m)
	}
	var t packcheck.Tolerance
	if t.AbsMg, err = boundedDecimal("abs_g", f.Value("abs_g"), 3, 100_000_000, "a weight in grams, like 20 or 7.5"); err != nil {
		return s.refuse(w, r, f, err, page)
	}
	if t.PctBP, err = boundedDecimal("pct", f.Value("pct"), 2, 10_000, "a percentage, like 2 or 1.5"); err != nil {
		return s.refuse(w, r, f, err, page)
	}
	if err := s.Packing.SetPackTolerance(r.Context(), t); err != nil {
		return s.refuse(w, r, f, err, page)
	}
	s.setFlash(w, fmt.Sprintf("Packing tolerance saved: %s or %s %%, whichever is larger.", packcheck.FormatMg(t.AbsMg), formatDecimal(t.PctBP, 2, 0)))
	http.Redirect(w, r, "/boxes", http.StatusSeeOther)
	return nil
}

// saveVariantTolerance handles POST /boxes/variants: a variant's own
// tolerance in grams and percent; an empty part is the site's, both empty
// remove it.
func (s *server) saveVariantTolerance(w http.ResponseWriter, r *http.Request) error {
	f := formOf(r, "sku", "v_abs_g", "v_pct")
	m, err := s.boxesModel(r)
	if err != nil {
		return err
	}
	page := func(f views.Form) templ.Component {
		m.Variant = f
		return views.Boxes(s.pageFor(w, r, "Boxes"), m)
	}
	if f.Value("sku") == "" {
		return s.refuse(w, r, f, app.FieldErrorf("sku", "is required: the variant whose tolerance this is"), page)
	}
	part := func(field string, scale int, max int64, what string) (*int64, error) {
		if f.Value(field) == "" {
			return nil, nil
		}
		n, err := boundedDecimal(field, f.Value(field), scale, max, what)
		return &n, err
	}
	abs, err := part("v_abs_g", 3, 100_000_000, "a weight in grams, like 40 or 7.5")
	if err != nil {
		return s.refuse(w, r, f, err, page)
	}
	pct, err := part("v_pct", 2, 10_000, "a percentage, like 5 or 2.5")
	if err != nil {
		return s.refuse(w, r, f, err, page)
	}
	if err := s.Packing.SetWeightTolerance(r.Context(), f.Value("sku"), abs, pct); err != nil {
		return s.refuse(w, r, f, err, page)
	}
	if abs == nil && pct == nil {
		s.setFlash(w, fmt.Sprintf("%s uses the site's tolerance again.", f.Value("sku")))
	} else {
		s.setFlash(w, fmt.Sprintf("Tolerance of %s saved.", f.Value("sku")))
	}
	http.Redirect(w, r, "/boxes", http.StatusSeeOther)
	return nil
}
