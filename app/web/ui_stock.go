package web

import (
	"net/http"

	"depot/app"
	"depot/views"
)

// cardPage is how many ledger card lines a variant page shows.
const cardPage = 50

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
	if s.Purchasing != nil {
		m.Purchasing = true
		if m.OnOrder, err = s.Purchasing.OnOrder(r.Context(), v.SKU); err != nil {
			return m, err
		}
	}
	if s.Transfers != nil {
		m.InTransit, err = s.Transfers.InTransit(r.Context(), v.SKU)
	}
	return m, err
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
