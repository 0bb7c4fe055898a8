package web

import (
	"net/http"
	"net/url"
	"strings"

	"depot/app"
	"depot/views"
)

// cardPage is how many ledger card lines a variant page shows.
const cardPage = 50

// searchPage handles GET / and GET /search?q=: a search box, and the
// variants found. A query that is exactly one variant's SKU or GTIN opens
// its page; one that is a location's code opens the location.
func (s *server) searchPage(w http.ResponseWriter, r *http.Request) error {
	q, err := queryParams(r, "q")
	if err != nil {
		return err
	}
	m := views.SearchModel{Query: q["q"]}
	if m.Query != "" {
		m.Searched = true
		if m.Hits, err = s.Browse.SearchVariants(r.Context(), m.Query, 50); err != nil {
			return err
		}
		if len(m.Hits) > 0 && exactHit(m.Hits[0], m.Query) {
			http.Redirect(w, r, "/variants/"+url.PathEscape(m.Hits[0].SKU), http.StatusSeeOther)
			return nil
		}
		// A bin or any other place by its code.
		if l, err := s.Catalog.Location(r.Context(), m.Query); err == nil {
			http.Redirect(w, r, "/locations/"+url.PathEscape(l.Code), http.StatusSeeOther)
			return nil
		} else if app.ErrorCode(err) != app.ENOTFOUND {
			return err
		}
	}
	return s.render(w, r, http.StatusOK, views.Search(s.pageFor(w, r, "Stock"), m))
}

// exactHit reports whether q names h exactly: its SKU (any case) or GTIN.
func exactHit(h app.VariantHit, q string) bool {
	if g, err := app.NormalizeGTIN(q); err == nil && g == h.GTIN {
		return true
	}
	return strings.EqualFold(q, h.SKU)
}

// variantModel reads what the variant page shows.
func (s *server) variantModel(r *http.Request) (views.VariantModel, error) {
	sku, err := pathParam(r, "sku")
	if err != nil {
		return views.VariantModel{}, err
	}
	q, err := queryParams(r, "before")
	if err != nil {
		return views.VariantModel{}, err
	}
	before, err := intParam(q, "before", 1, 1<<62, 0, "a movement id")
	if err != nil {
		return views.VariantModel{}, err
	}
	v, err := s.Catalog.Variant(r.Context(), sku)
	if err != nil {
		return views.VariantModel{}, err
	}
	m := views.VariantModel{Variant: v, CardLimit: cardPage, Before: before}
	if m.Levels, err = s.Ledger.Stock(r.Context(), app.StockFilter{SKU: v.SKU}); err != nil {
		return m, err
	}
	if m.Card, err = s.Browse.LedgerCard(r.Context(), v.SKU, before, cardPage); err != nil {
		return m, err
	}
	return m, nil
}

// variantPage handles GET /variants/{sku}.
func (s *server) variantPage(w http.ResponseWriter, r *http.Request) error {
	m, err := s.variantModel(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.Variant(s.pageFor(w, r, m.Variant.SKU), m))
}

// variantLive handles GET /variants/{sku}/live: the stock and ledger card
// fragment the page swaps in when a movement of the variant commits.
func (s *server) variantLive(w http.ResponseWriter, r *http.Request) error {
	m, err := s.variantModel(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.VariantLive(m))
}

// locationLevels is how many levels a location page lists.
const locationLevels = 500

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
	m := views.LocationModel{Location: l, LevelLimit: locationLevels}
	if m.Children, err = s.Browse.Children(r.Context(), l.Code); err != nil {
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
