package web

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"depot/app"
	"depot/app/putaway"
)

// putawayAPIRoutes adds the putaway API to r (inside the authenticated
// group); nothing when the handler has no putaway service.
func (s *server) putawayAPIRoutes(r chi.Router) {
	if s.Putaway == nil {
		return
	}
	read := r.With(s.require(app.ReadStock))
	read.Get("/api/v1/putaway/suggestions", s.api(s.getPutawaySuggestions))
	read.Get("/api/v1/putaway/waiting", s.api(s.getPutawayWaiting))
	r.With(s.require(app.ReceiveGoods)).Post("/api/v1/putaway", s.api(s.postPutaway))
}

// suggestionsBody is the JSON of GET /api/v1/putaway/suggestions. Note says
// why there is no suggestion, when there is none.
type suggestionsBody struct {
	SKU string `json:"sku"`
	Lot string `json:"lot,omitempty"`
	Qty int64  `json:"qty"`
	*putaway.Result
	Note string `json:"note,omitempty"`
}

// getPutawaySuggestions handles GET /api/v1/putaway/suggestions?sku=&qty=
// &lot=&from=: the top 3 bins with their scores and reasons.
func (s *server) getPutawaySuggestions(w http.ResponseWriter, r *http.Request) error {
	q, err := queryParams(r, "sku", "qty", "lot", "from")
	if err != nil {
		return err
	}
	if q["sku"] == "" {
		return app.FieldErrorf("sku", "is required: the SKU to put away")
	}
	qty, err := intParam(q, "qty", 1, app.MaxQty, 0, "a whole number of units from 1")
	if err != nil {
		return err
	}
	if qty == 0 {
		return app.FieldErrorf("qty", "is required: how many units to put away")
	}
	res, err := s.Putaway.PutawaySuggestions(r.Context(), putaway.Query{SKU: q["sku"], Lot: q["lot"], Qty: qty, From: q["from"]})
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, suggestionsBody{SKU: res.Item.SKU, Lot: res.Item.Lot, Qty: qty, Result: res, Note: res.Explain()})
	return nil
}

// getPutawayWaiting handles GET /api/v1/putaway/waiting: stock on docks.
func (s *server) getPutawayWaiting(w http.ResponseWriter, r *http.Request) error {
	q, err := queryParams(r, "limit")
	if err != nil {
		return err
	}
	limit, err := intParam(q, "limit", 1, 1000, 100, "a whole number from 1 to 1000")
	if err != nil {
		return err
	}
	ws, err := s.Putaway.PutawayWaiting(r.Context(), int(limit))
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, struct {
		Waiting []putaway.Waiting `json:"waiting"`
	}{ws})
	return nil
}

// postPutaway handles POST /api/v1/putaway: 201 with the task, or 200 with
// the same task when the idempotency key was used before for the same
// putaway (nothing is written then).
func (s *server) postPutaway(w http.ResponseWriter, r *http.Request) error {
	var cmd putaway.Command
	if err := decodeBody(w, r, &cmd); err != nil {
		return err
	}
	cmd.UserID = userFrom(r.Context()).ID
	t, replayed, err := s.Putaway.Putaway(r.Context(), cmd)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if replayed {
		status = http.StatusOK
		w.Header().Set("Idempotent-Replayed", "true")
	}
	w.Header().Set("Location", "/api/v1/movements/"+strconv.FormatInt(t.MovementID, 10))
	s.writeJSON(w, r, status, struct {
		Task *putaway.Task `json:"task"`
	}{t})
	return nil
}
