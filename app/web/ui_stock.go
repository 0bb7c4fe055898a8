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
// its page.
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
