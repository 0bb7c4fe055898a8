package web

import (
	"net/http"
	"net/url"

	"depot/app"
)

// createProduct handles POST /api/v1/products.
func (s *server) createProduct(w http.ResponseWriter, r *http.Request) error {
	var cmd app.NewProduct
	if err := decodeBody(w, r, &cmd); err != nil {
		return err
	}
	p, err := s.Catalog.CreateProduct(r.Context(), cmd)
	if err != nil {
		return err
	}
	if p.Variants == nil {
		p.Variants = []app.Variant{}
	}
	s.writeJSON(w, r, http.StatusCreated, p)
	return nil
}

// getVariant handles GET /api/v1/variants/{sku}.
func (s *server) getVariant(w http.ResponseWriter, r *http.Request) error {
	sku, err := pathParam(r, "sku")
	if err != nil {
		return err
	}
	v, err := s.Catalog.Variant(r.Context(), sku)
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, v)
	return nil
}

// createLocation handles POST /api/v1/locations.
func (s *server) createLocation(w http.ResponseWriter, r *http.Request) error {
	var cmd app.NewLocation
	if err := decodeBody(w, r, &cmd); err != nil {
		return err
	}
	l, err := s.Catalog.CreateLocation(r.Context(), cmd)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/locations/"+url.PathEscape(l.Code))
	s.writeJSON(w, r, http.StatusCreated, l)
	return nil
}

// getLocation handles GET /api/v1/locations/{code}.
func (s *server) getLocation(w http.ResponseWriter, r *http.Request) error {
	code, err := pathParam(r, "code")
	if err != nil {
		return err
	}
	l, err := s.Catalog.Location(r.Context(), code)
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, l)
	return nil
}
