package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"

	"github.com/go-chi/chi/v5"

	"depot/app"
)

// transfersAPIRoutes adds the API of transfers between sites and customer
// returns, when the services are there. Commands need ManageTransfers,
// reads ReadStock.
func (s *server) transfersAPIRoutes(r chi.Router) {
	read := r.With(s.require(app.ReadStock))
	manage := r.With(s.require(app.ManageTransfers))
	if s.Transfers != nil {
		read.Get("/api/v1/transfers", s.api(s.listTransfers))
		read.Get("/api/v1/transfers/{number}", s.api(s.getTransfer))
		read.Get("/api/v1/in-transit", s.api(s.getInTransit))
		manage.Post("/api/v1/transfers", s.api(s.createTransfer))
		manage.Post("/api/v1/transfers/{number}/ship", s.api(s.shipTransfer))
		manage.Post("/api/v1/transfers/{number}/receive", s.api(s.receiveTransfer))
		manage.Post("/api/v1/transfers/{number}/cancel", s.api(s.cancelTransfer))
	}
	if s.Returns != nil {
		read.Get("/api/v1/returns/{id}", s.api(s.getReturn))
		read.Get("/api/v1/returnable", s.api(s.getReturnable))
		manage.Post("/api/v1/returns", s.api(s.createReturn))
	}
}

// transferBody is the JSON of one transfer.
type transferBody struct {
	Transfer *app.Transfer `json:"transfer"`
}

// writeTransfer answers a transfer command with the transfer.
func (s *server) writeTransfer(w http.ResponseWriter, r *http.Request, t *app.Transfer, status int, replayed bool) {
	s.writeCommand(w, r, status, replayed, "/api/v1/transfers/"+url.PathEscape(t.Number), transferBody{Transfer: t})
}

// writeCommand answers a command with body and its Location: status (201
// for a new document), or 200 with Idempotent-Replayed when the command was
// a replay and wrote nothing.
func (s *server) writeCommand(w http.ResponseWriter, r *http.Request, status int, replayed bool, location string, body any) {
	if replayed {
		status = http.StatusOK
		w.Header().Set("Idempotent-Replayed", "true")
	}
	w.Header().Set("Location", location)
	s.writeJSON(w, r, status, body)
}

// createTransfer handles POST /api/v1/transfers.
func (s *server) createTransfer(w http.ResponseWriter, r *http.Request) error {
	var cmd app.NewTransfer
	if err := decodeBody(w, r, &cmd); err != nil {
		return err
	}
	cmd.UserID = userFrom(r.Context()).ID
	t, replayed, err := s.Transfers.CreateTransfer(r.Context(), cmd)
	if err != nil {
		return err
	}
	s.writeTransfer(w, r, t, http.StatusCreated, replayed)
	return nil
}

// shipTransfer handles POST /api/v1/transfers/{number}/ship: no body, or
// {"carrier","service","tracking"}.
func (s *server) shipTransfer(w http.ResponseWriter, r *http.Request) error {
	number, err := pathParam(r, "number")
	if err != nil {
		return err
	}
	var cmd app.ShipTransfer
	body, err := readBody(w, r)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(body)) > 0 {
		if err := app.DecodeJSON(body, &cmd); err != nil {
			return err
		}
	}
	cmd.Number, cmd.UserID = number, userFrom(r.Context()).ID
	t, replayed, err := s.Transfers.ShipTransfer(r.Context(), cmd)
	if err != nil {
		return err
	}
	s.writeTransfer(w, r, t, http.StatusOK, replayed)
	return nil
}

// receiveTransfer handles POST /api/v1/transfers/{number}/receive.
func (s *server) receiveTransfer(w http.ResponseWriter, r *http.Request) error {
	number, err := pathParam(r, "number")
	if err != nil {
		return err
	}
	var cmd app.ReceiveTransfer
	if err := decodeBody(w, r, &cmd); err != nil {
		return err
	}
	cmd.Number, cmd.UserID = number, userFrom(r.Context()).ID
	t, replayed, err := s.Transfers.ReceiveTransfer(r.Context(), cmd)
	if err != nil {
		return err
	}
	s.writeTransfer(w, r, t, http.StatusOK, replayed)
	return nil
}

// cancelTransfer handles POST /api/v1/transfers/{number}/cancel.
func (s *server) cancelTransfer(w http.ResponseWriter, r *http.Request) error {
	number, err := pathParam(r, "number")
	if err != nil {
		return err
	}
	t, err := s.Transfers.CancelTransfer(r.Context(), number, userFrom(r.Context()).ID)
	if err != nil {
		return err
	}
	s.writeTransfer(w, r, t, http.StatusOK, false)
	return nil
}

// getTransfer handles GET /api/v1/transfers/{number}.
func (s *server) getTransfer(w http.ResponseWriter, r *http.Request) error {
	number, err := pathParam(r, "number")
	if err != nil {
		return err
	}
	t, err := s.Transfers.Transfer(r.Context(), number)
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, transferBody{Transfer: t})
	return nil
}

// listTransfers handles GET /api/v1/transfers?status=&limit=: newest first.
func (s *server) listTransfers(w http.ResponseWriter, r *http.Request) error {
	q, err := queryParams(r, "status", "limit")
	if err != nil {
		return err
	}
	limit, err := intParam(q, "limit", 1, 1000, 100, "a whole number from 1 to 1000")
	if err != nil {
		return err
	}
	list, err := s.Transfers.Transfers(r.Context(), app.TransferFilter{Status: q["status"], Limit: int(limit)})
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, struct {
		Transfers []app.TransferSummary `json:"transfers"`
	}{list})
	return nil
}

// getInTransit handles GET /api/v1/in-transit?sku=: what is in transit per
// transfer, SKU and lot.
func (s *server) getInTransit(w http.ResponseWriter, r *http.Request) error {
	q, err := queryParams(r, "sku")
	if err != nil {
		return err
	}
	its, err := s.Transfers.InTransit(r.Context(), q["sku"])
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, struct {
		InTransit []app.InTransit `json:"in_transit"`
	}{its})
	return nil
}

// returnBody is the JSON of one return.
type returnBody struct {
	Return *app.CustomerReturn `json:"return"`
}

// createReturn handles POST /api/v1/returns: 201 with the return, or 200
// with the first result when the idempotency key was used before with the
// same return.
func (s *server) createReturn(w http.ResponseWriter, r *http.Request) error {
	var cmd app.NewReturn
	if err := decodeBody(w, r, &cmd); err != nil {
		return err
	}
	cmd.UserID = userFrom(r.Context()).ID
	ret, replayed, err := s.Returns.ReceiveReturn(r.Context(), cmd)
	if err != nil {
		return err
	}
	s.writeCommand(w, r, http.StatusCreated, replayed, "/api/v1/returns/"+strconv.FormatInt(ret.ID, 10), returnBody{Return: ret})
	return nil
}

// getReturn handles GET /api/v1/returns/{id}.
func (s *server) getReturn(w http.ResponseWriter, r *http.Request) error {
	raw, err := pathParam(r, "id")
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id < 1 {
		return app.FieldErrorf("id", "must be a return id (a whole number from 1), not %q", clipText(raw))
	}
	ret, err := s.Returns.Return(r.Context(), id)
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, returnBody{Return: ret})
	return nil
}

// getReturnable handles GET /api/v1/returnable?scan=: what the shipment
// with that tracking number (or else the order with that number) shipped,
// and what came back of it.
func (s *server) getReturnable(w http.ResponseWriter, r *http.Request) error {
	q, err := queryParams(r, "scan")
	if err != nil {
		return err
	}
	rt, err := s.Returns.Returnable(r.Context(), q["scan"])
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, struct {
		Returnable *app.Returnable `json:"returnable"`
	}{rt})
	return nil
}
