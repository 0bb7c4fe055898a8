package web

import (
	"net/http"

	"depot/app"
)

// Sizes of GET /api/v1/stock answers.
const (
	defaultStockLimit = 1000
	maxStockLimit     = 10000
)

// levelsBody is the JSON of a stock answer.
type levelsBody struct {
	Levels []app.Level `json:"levels"`
}

// getStock handles GET /api/v1/stock: levels by SKU, location (with its
// sub-locations) and lot, ordered by SKU, location and lot.
func (s *server) getStock(w http.ResponseWriter, r *http.Request) error {
	q, err := queryParams(r, "sku", "location", "lot", "limit")
	if err != nil {
		return err
	}
	limit, err := intParam(q, "limit", 1, maxStockLimit, defaultStockLimit, "a whole number from 1 to 10000")
	if err != nil {
		return err
	}
	levels, err := s.Ledger.Stock(r.Context(), app.StockFilter{
		SKU: q["sku"], Location: q["location"], Lot: q["lot"], Limit: int(limit),
	})
	if err != nil {
		return err
	}
	if levels == nil {
		levels = []app.Level{}
	}
	s.writeJSON(w, r, http.StatusOK, levelsBody{Levels: levels})
	return nil
}
