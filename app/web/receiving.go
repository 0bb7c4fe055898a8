package web

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"depot/app"
)

// receivingAPIRoutes adds the receipts API to r, inside the authenticated
// group.
func (s *server) receivingAPIRoutes(r chi.Router) {
	r.With(s.require(app.ReceiveGoods)).Post("/api/v1/receipts", s.api(s.postReceipt))
	read := r.With(s.require(app.ReadStock))
	read.Get("/api/v1/receipts/{id}", s.api(s.getReceipt))
	read.Get("/api/v1/receipts", s.api(s.listReceipts))
}

// receiptBody is the JSON of one receipt.
type receiptBody struct {
	Receipt *app.Receipt `json:"receipt"`
}

// receiptsBody is the JSON of a purchase order's receipts.
type receiptsBody struct {
	Receipts []app.Receipt `json:"receipts"`
}

// noReceiving refuses receiving requests on a server built without it.
func (s *server) noReceiving() error {
	if s.Receiving == nil {
		return app.Errorf(app.EUNAVAILABLE, "receiving is not available on this server")
	}
	return nil
}

// postReceipt handles POST /api/v1/receipts: 201 with the receipt, or 200
// with the very same body when the idempotency key was posted before with
// the same receipt (nothing is written then).
func (s *server) postReceipt(w http.ResponseWriter, r *http.Request) error {
	if err := s.noReceiving(); err != nil {
		return err
	}
	var cmd app.PostReceipt
	if err := decodeBody(w, r, &cmd); err != nil {
		return err
	}
	cmd.UserID = userFrom(r.Context()).ID
	rc, replayed, err := s.Receiving.PostReceipt(r.Context(), cmd)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if replayed {
		status = http.StatusOK
		w.Header().Set("Idempotent-Replayed", "true")
	}
	w.Header().Set("Location", "/api/v1/receipts/"+strconv.FormatInt(rc.ID, 10))
	s.writeJSON(w, r, status, receiptBody{Receipt: rc})
	return nil
}

// getReceipt handles GET /api/v1/receipts/{id}.
func (s *server) getReceipt(w http.ResponseWriter, r *http.Request) error {
	if err := s.noReceiving(); err != nil {
		return err
	}
	raw, err := pathParam(r, "id")
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id < 1 {
		return app.FieldErrorf("id", "must be a receipt id (a whole number from 1), not %q", clipText(raw))
	}
	rc, err := s.Receiving.Receipt(r.Context(), id)
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, receiptBody{Receipt: rc})
	return nil
}

// listReceipts handles GET /api/v1/receipts?po=: the history of a
// purchase order's receipts, oldest first.
func (s *server) listReceipts(w http.ResponseWriter, r *http.Request) error {
	if err := s.noReceiving(); err != nil {
		return err
	}
	q, err := queryParams(r, "po")
	if err != nil {
		return err
	}
	if q["po"] == "" {
		return app.FieldErrorf("po", "is required: the purchase order whose receipts to list")
	}
	rs, err := s.Receiving.Receipts(r.Context(), q["po"])
	if err != nil {
		return err
	}
	if rs == nil {
		rs = []app.Receipt{}
	}
	s.writeJSON(w, r, http.StatusOK, receiptsBody{Receipts: rs})
	return nil
}
