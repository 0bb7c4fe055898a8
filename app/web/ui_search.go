package web

import (
	"net/http"

	"depot/views"
)

// searchHits is how many hits of each kind the search page lists.
const searchHits = 30

// searchPage handles GET / and GET /search?q=: the search box and what it
// found, grouped by kind. A query that is exactly one thing's SKU, GTIN,
// case barcode, place code or lot code (a scan, mostly) opens its page.
// htmx requests (typing) get the results fragment and are never
// redirected: the user is still typing.
func (s *server) searchPage(w http.ResponseWriter, r *http.Request) error {
	q, err := queryParams(r, "q")
	if err != nil {
		return err
	}
	m := views.SearchModel{Query: q["q"]}
	typing := r.Header.Get("HX-Request") == "true"
	if m.Query != "" {
		m.Searched = true
		if m.Result, err = s.Search.Search(r.Context(), m.Query, searchHits); err != nil {
			return err
		}
		if m.Result.Exact != nil && !typing {
			http.Redirect(w, r, views.SearchTargetURL(m.Result.Exact), http.StatusSeeOther)
			return nil
		}
	}
	if typing {
		return s.render(w, r, http.StatusOK, views.SearchResults(m))
	}
	return s.render(w, r, http.StatusOK, views.Search(s.pageFor(w, r, "Stock"), m))
}
