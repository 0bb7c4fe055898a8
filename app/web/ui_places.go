package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"depot/app"
	"depot/views"
)

// locationLevels is how many levels a location page lists.
const locationLevels = 500

// placesPage handles GET /places: the top of the location tree with the
// stock under each place.
func (s *server) placesPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := queryParams(r); err != nil {
		return err
	}
	nodes, err := s.Places.PlaceChildren(r.Context(), "")
	if err != nil {
		return err
	}
	m := views.PlacesModel{Places: nodes, CanEdit: sessionFrom(r.Context()).User.Authorize(app.EditLocations) == nil}
	return s.render(w, r, http.StatusOK, views.Places(s.pageFor(w, r, "Places"), m))
}

// locationModel reads what the location page shows.
func (s *server) locationModel(r *http.Request) (views.LocationModel, error) {
	code, err := pathParam(r, "code")
	if err != nil {
		return views.LocationModel{}, err
	}
	if _, err := queryParams(r); err != nil {
		return views.LocationModel{}, err
	}
	l, err := s.Catalog.Location(r.Context(), code)
	if err != nil {
		return views.LocationModel{}, err
	}
	m := views.LocationModel{Location: l, LevelLimit: locationLevels,
		CanEdit: sessionFrom(r.Context()).User.Authorize(app.EditLocations) == nil && l.Physical()}
	if m.Node, err = s.Places.Place(r.Context(), l.Code); err != nil {
		return m, err
	}
	if m.Children, err = s.Places.PlaceChildren(r.Context(), l.Code); err != nil {
		return m, err
	}
	if m.Levels, err = s.Browse.LocationStock(r.Context(), l.Code, locationLevels); err != nil {
		return m, err
	}
	return m, nil
}

// locationPage handles GET /locations/{code}.
func (s *server) locationPage(w http.ResponseWriter, r *http.Request) error {
	m, err := s.locationModel(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.LocationPage(s.pageFor(w, r, m.Location.Code), m))
}

// locationLive handles GET /locations/{code}/live: the stock fragment.
func (s *server) locationLive(w http.ResponseWriter, r *http.Request) error {
	m, err := s.locationModel(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.LocationLive(m))
}

// placeFormOf reads the place form as typed.
func placeFormOf(r *http.Request) views.Form { return formOf(r, views.PlaceFormFields...) }

// placeForm fills the form from a place.
func placeForm(n *app.PlaceNode) views.Form {
	a := app.ParsePlaceAttributes(n.Attributes)
	f := views.Form{Values: map[string]string{"code": n.Code, "name": n.Name, "kind": string(n.Kind), "parent": n.Parent,
		"walk_seq": strconv.FormatInt(n.WalkSeq, 10), "temperature": a.Temperature,
		"category_tags": strings.Join(a.CategoryTags, ", ")}}
	if a.MaxWeightMg != 0 {
		f.Values["max_weight"] = views.KgText(a.MaxWeightMg)
	}
	return f
}

// placeUpdateOf turns the form into an update; errors name the field.
func placeUpdateOf(f views.Form) (app.PlaceUpdate, error) {
	u := app.PlaceUpdate{Code: f.Value("code"), Name: f.Value("name"), Parent: f.Value("parent")}
	if v := f.Value("walk_seq"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return u, app.FieldErrorf("walk_seq", "%q is not a whole number", clipText(v))
		}
		u.WalkSeq = n
	}
	u.Attributes.Temperature = f.Value("temperature")
	mg, err := parseKg("max_weight", f.Value("max_weight"))
	if err != nil {
		return u, err
	}
	u.Attributes.MaxWeightMg = mg
	for _, t := range strings.Split(f.Value("category_tags"), ",") {
		if t = strings.TrimSpace(t); t != "" {
			u.Attributes.CategoryTags = append(u.Attributes.CategoryTags, t)
		}
	}
	return u, nil
}

// parseKg reads kilograms with up to six decimals ("12.5") as milligrams,
// without floating point. Empty is 0.
func parseKg(field, s string) (int64, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "kg"))
	if s == "" {
		return 0, nil
	}
	whole, frac, _ := strings.Cut(strings.Replace(s, ",", ".", 1), ".")
	bad := app.FieldErrorf(field, "%q is not a weight in kg: write e.g. 250 or 12.5", clipText(s))
	if whole == "" && frac == "" || len(whole) > 6 || len(frac) > 6 {
		return 0, bad
	}
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return 0, bad
		}
	}
	w, _ := strconv.ParseInt("0"+whole, 10, 64)
	f, _ := strconv.ParseInt((frac + "000000")[:6], 10, 64)
	return w*1_000_000 + f, nil
}

// placeFormPage handles GET /places/new?parent= and GET /locations/{code}/edit.
func (s *server) placeFormPage(w http.ResponseWriter, r *http.Request) error {
	if strings.HasPrefix(r.URL.Path, "/places/new") {
		q, err := queryParams(r, "parent")
		if err != nil {
			return err
		}
		m := views.PlaceFormModel{New: true, Form: views.Form{Values: map[string]string{"parent": q["parent"], "kind": "bin", "walk_seq": "0"}}}
		return s.render(w, r, http.StatusOK, views.PlaceForm(s.pageFor(w, r, "New place"), m))
	}
	n, err := s.editablePlace(r)
	if err != nil {
		return err
	}
	m := views.PlaceFormModel{Node: n, Form: placeForm(n)}
	return s.render(w, r, http.StatusOK, views.PlaceForm(s.pageFor(w, r, "Edit "+n.Code), m))
}

// editablePlace is the place of the {code} path parameter; virtual places
// are not part of the tree and cannot be edited.
func (s *server) editablePlace(r *http.Request) (*app.PlaceNode, error) {
	code, err := pathParam(r, "code")
	if err != nil {
		return nil, err
	}
	n, err := s.Places.Place(r.Context(), code)
	if err != nil {
		return nil, err
	}
	if n.Kind == app.KindVirtual {
		return nil, app.Errorf(app.ENOTFOUND, "%s is a virtual location, built in and not part of the tree", n.Code)
	}
	return n, nil
}

// placeRefusal renders the form again with what was typed.
func (s *server) placeRefusal(w http.ResponseWriter, r *http.Request, m views.PlaceFormModel) func(views.Form) templ.Component {
	p := s.pageFor(w, r, "Edit place")
	return func(f views.Form) templ.Component {
		m.Form = f
		return views.PlaceForm(p, m)
	}
}

// createPlace handles POST /places.
func (s *server) createPlace(w http.ResponseWriter, r *http.Request) error {
	f := placeFormOf(r)
	page := s.placeRefusal(w, r, views.PlaceFormModel{New: true})
	u, err := placeUpdateOf(f)
	if err == nil {
		err = u.Attributes.Validate()
	}
	var attrs []byte
	if err == nil {
		attrs, err = u.Attributes.Merge(nil)
	}
	if err != nil {
		return s.refuse(w, r, f, err, page)
	}
	l, err := s.Catalog.CreateLocation(r.Context(), app.NewLocation{Code: u.Code, Name: u.Name, Kind: app.LocationKind(f.Value("kind")),
		Parent: u.Parent, WalkSeq: u.WalkSeq, Attributes: attrs})
	if err != nil {
		return s.refuse(w, r, f, err, page)
	}
	s.setFlash(w, fmt.Sprintf("Place %s created.", l.Code))
	http.Redirect(w, r, "/locations/"+url.PathEscape(l.Code), http.StatusSeeOther)
	return nil
}

// updatePlace handles POST /locations/{code}/edit: rename, move, walk
// sequence and attributes.
func (s *server) updatePlace(w http.ResponseWriter, r *http.Request) error {
	n, err := s.editablePlace(r)
	if err != nil {
		return err
	}
	f := placeFormOf(r)
	page := s.placeRefusal(w, r, views.PlaceFormModel{Node: n})
	u, err := placeUpdateOf(f)
	if err != nil {
		return s.refuse(w, r, f, err, page)
	}
	l, err := s.Places.UpdatePlace(r.Context(), n.Code, u)
	if err != nil {
		return s.refuse(w, r, f, err, page)
	}
	s.log.Info("place changed", "code", n.Code, "now", l.Code, "parent", l.Parent, "by", sessionFrom(r.Context()).User.Username)
	s.setFlash(w, fmt.Sprintf("Place %s saved.", l.Code))
	http.Redirect(w, r, "/locations/"+url.PathEscape(l.Code), http.StatusSeeOther)
	return nil
}

// archivePlace handles POST /locations/{code}/archive. A refusal (stock
// is there) shows the edit page with the reason beside the button.
func (s *server) archivePlace(w http.ResponseWriter, r *http.Request) error {
	n, err := s.editablePlace(r)
	if err != nil {
		return err
	}
	if err := s.Places.ArchivePlace(r.Context(), n.Code); err != nil {
		m := views.PlaceFormModel{Node: n, ArchiveError: app.ErrorMessage(err)}
		page := func(views.Form) templ.Component {
			return views.PlaceForm(s.pageFor(w, r, "Edit "+n.Code), m)
		}
		if app.ErrorCode(err) == app.EINTERNAL {
			return err
		}
		m.Form = placeForm(n)
		return s.refuse(w, r, m.Form, err, page)
	}
	s.log.Info("place archived", "code", n.Code, "by", sessionFrom(r.Context()).User.Username)
	s.setFlash(w, fmt.Sprintf("Place %s archived.", n.Code))
	parent := "/places"
	if n.Parent != "" {
		parent = "/locations/" + url.PathEscape(n.Parent)
	}
	http.Redirect(w, r, parent, http.StatusSeeOther)
	return nil
}
