package web

import (
	"net/http"
	"net/url"

	"github.com/go-chi/chi/v5"

	"depot/app"
)

// ordersAPIRoutes adds the sales order and customer endpoints: reads need
// ReadStock, changes ManageOrders.
func (s *server) ordersAPIRoutes(r chi.Router) {
	read := r.With(s.require(app.ReadStock))
	read.Get("/api/v1/orders", s.api(s.listOrders))
	read.Get("/api/v1/orders/{number}", s.api(s.getOrder))
	read.Get("/api/v1/customers", s.api(s.listCustomers))
	read.Get("/api/v1/customers/{code}", s.api(s.getCustomer))
	manage := r.With(s.require(app.ManageOrders))
	manage.Post("/api/v1/orders", s.api(s.createOrder))
	manage.Post("/api/v1/orders/release", s.api(s.releaseOrders))
	manage.Post("/api/v1/orders/{number}/release", s.api(s.releaseOrder))
	manage.Post("/api/v1/orders/{number}/backorders", s.api(s.allocateBackorders))
	manage.Post("/api/v1/orders/{number}/cancel", s.api(s.cancelOrder))
	manage.Post("/api/v1/backorders/allocate", s.api(s.allocateAllBackorders))
	manage.Post("/api/v1/customers", s.api(s.createCustomer))
	manage.Put("/api/v1/customers/{code}", s.api(s.updateCustomer))
}

// orderBody is the JSON of one order.
type orderBody struct {
	Order *app.Order `json:"order"`
}

// createOrder handles POST /api/v1/orders: 201 with the order, or 200 with
// the same order when it was entered before with the same content.
func (s *server) createOrder(w http.ResponseWriter, r *http.Request) error {
	var cmd app.NewOrder
	if err := decodeBody(w, r, &cmd); err != nil {
		return err
	}
	cmd.UserID = userFrom(r.Context()).ID
	o, replayed, err := s.Orders.CreateOrder(r.Context(), cmd)
	if err != nil {
		return err
	}
	s.created(w, r, replayed, "/api/v1/orders/"+url.PathEscape(o.Number), orderBody{Order: o})
	return nil
}

// created answers a create that may be a replay: 201 with body, or 200
// with Idempotent-Replayed when the same thing was created before.
func (s *server) created(w http.ResponseWriter, r *http.Request, replayed bool, location string, body any) {
	status := http.StatusCreated
	if replayed {
		status = http.StatusOK
		w.Header().Set("Idempotent-Replayed", "true")
	}
	w.Header().Set("Location", location)
	s.writeJSON(w, r, status, body)
}

// getOrder handles GET /api/v1/orders/{number}.
func (s *server) getOrder(w http.ResponseWriter, r *http.Request) error {
	number, err := pathParam(r, "number")
	if err != nil {
		return err
	}
	o, err := s.Orders.Order(r.Context(), number)
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, orderBody{Order: o})
	return nil
}

// listOrders handles GET /api/v1/orders?status=&customer=&limit=&offset=.
func (s *server) listOrders(w http.ResponseWriter, r *http.Request) error {
	q, err := queryParams(r, "status", "customer", "limit", "offset")
	if err != nil {
		return err
	}
	status, err := app.ParseOrderStatus("status", q["status"])
	if err != nil {
		return err
	}
	limit, err := intParam(q, "limit", 1, 1000, 100, "a whole number from 1 to 1000")
	if err != nil {
		return err
	}
	offset, err := intParam(q, "offset", 0, 1_000_000, 0, "a whole number from 0")
	if err != nil {
		return err
	}
	list, err := s.Orders.Orders(r.Context(), app.OrderFilter{Status: status, Customer: q["customer"], Limit: int(limit), Offset: int(offset)})
	if err != nil {
		return err
	}
	counts, err := s.Orders.OrderCounts(r.Context())
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, struct {
		Orders []app.OrderSummary        `json:"orders"`
		Counts map[app.OrderStatus]int64 `json:"counts"`
	}{list, counts})
	return nil
}

// orderAction reads the {number} of a POST that takes no body (an empty
// body or an empty JSON object).
func orderAction(w http.ResponseWriter, r *http.Request) (string, error) {
	number, err := pathParam(r, "number")
	if err != nil {
		return "", err
	}
	body, err := readBody(w, r)
	if err != nil {
		return "", err
	}
	if len(body) > 0 {
		var none struct{}
		if err := app.DecodeJSON(body, &none); err != nil {
			return "", err
		}
	}
	return number, nil
}

// releaseOrder handles POST /api/v1/orders/{number}/release: the
// allocations made and what is backordered.
func (s *server) releaseOrder(w http.ResponseWriter, r *http.Request) error {
	number, err := orderAction(w, r)
	if err != nil {
		return err
	}
	rel, err := s.Orders.ReleaseOrder(r.Context(), number)
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, rel)
	return nil
}

// maxReleaseOrders bounds the orders of one POST /api/v1/orders/release.
const maxReleaseOrders = 10_000

// releaseOutcome is one order's answer of POST /api/v1/orders/release.
type releaseOutcome struct {
	*app.Release
	Order string       `json:"order"`
	Error *errorDetail `json:"error,omitempty"`
}

// releaseOrders handles POST /api/v1/orders/release {"numbers":[...]}:
// each order as /orders/{number}/release would, in the order given (which
// decides who gets scarce stock), in shared commits. 200 with one outcome
// per number; an order refused has its error and changed nothing.
func (s *server) releaseOrders(w http.ResponseWriter, r *http.Request) error {
	var cmd struct {
		Numbers []string `json:"numbers"`
	}
	if err := decodeBody(w, r, &cmd); err != nil {
		return err
	}
	switch {
	case len(cmd.Numbers) == 0:
		return app.FieldErrorf("numbers", "give the numbers of the orders to release")
	case len(cmd.Numbers) > maxReleaseOrders:
		return app.FieldErrorf("numbers", "has %d orders; release at most %d at once", len(cmd.Numbers), maxReleaseOrders)
	}
	out := make([]releaseOutcome, 0, len(cmd.Numbers))
	for _, o := range s.Orders.ReleaseOrders(r.Context(), cmd.Numbers) {
		ro := releaseOutcome{Release: o.Release, Order: o.Number}
		if o.Err != nil {
			ro.Error = &errorDetail{Code: app.ErrorCode(o.Err), Message: app.ErrorMessage(o.Err), Field: app.ErrorField(o.Err)}
		}
		out = append(out, ro)
	}
	s.writeJSON(w, r, http.StatusOK, struct {
		Orders []releaseOutcome `json:"orders"`
	}{out})
	return nil
}

// allocateBackorders handles POST /api/v1/orders/{number}/backorders.
func (s *server) allocateBackorders(w http.ResponseWriter, r *http.Request) error {
	number, err := orderAction(w, r)
	if err != nil {
		return err
	}
	rel, err := s.Orders.AllocateBackorders(r.Context(), number)
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, rel)
	return nil
}

// allocateAllBackorders handles POST /api/v1/backorders/allocate.
func (s *server) allocateAllBackorders(w http.ResponseWriter, r *http.Request) error {
	if _, err := readBody(w, r); err != nil {
		return err
	}
	run, err := s.Orders.AllocateAllBackorders(r.Context())
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, struct {
		Orders    int   `json:"orders"`
		Allocated int64 `json:"allocated"`
		Remaining int64 `json:"remaining"`
	}{run.Orders, run.Allocated, run.Remaining})
	return nil
}

// cancelOrder handles POST /api/v1/orders/{number}/cancel.
func (s *server) cancelOrder(w http.ResponseWriter, r *http.Request) error {
	number, err := orderAction(w, r)
	if err != nil {
		return err
	}
	o, err := s.Orders.CancelOrder(r.Context(), number)
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, orderBody{Order: o})
	return nil
}

// customerBody is the JSON of one customer.
type customerBody struct {
	Customer *app.Customer `json:"customer"`
}

// createCustomer handles POST /api/v1/customers: 201, or 200 when the
// same customer was created before.
func (s *server) createCustomer(w http.ResponseWriter, r *http.Request) error {
	var cmd app.NewCustomer
	if err := decodeBody(w, r, &cmd); err != nil {
		return err
	}
	c, replayed, err := s.Orders.CreateCustomer(r.Context(), cmd)
	if err != nil {
		return err
	}
	s.created(w, r, replayed, "/api/v1/customers/"+url.PathEscape(c.Code), customerBody{Customer: c})
	return nil
}

// updateCustomer handles PUT /api/v1/customers/{code}.
func (s *server) updateCustomer(w http.ResponseWriter, r *http.Request) error {
	code, err := pathParam(r, "code")
	if err != nil {
		return err
	}
	var cmd app.NewCustomer
	if err := decodeBody(w, r, &cmd); err != nil {
		return err
	}
	c, err := s.Orders.UpdateCustomer(r.Context(), code, cmd)
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, customerBody{Customer: c})
	return nil
}

// getCustomer handles GET /api/v1/customers/{code}.
func (s *server) getCustomer(w http.ResponseWriter, r *http.Request) error {
	code, err := pathParam(r, "code")
	if err != nil {
		return err
	}
	c, err := s.Orders.Customer(r.Context(), code)
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, customerBody{Customer: c})
	return nil
}

// listCustomers handles GET /api/v1/customers?q=&limit=.
func (s *server) listCustomers(w http.ResponseWriter, r *http.Request) error {
	q, err := queryParams(r, "q", "limit")
	if err != nil {
		return err
	}
	limit, err := intParam(q, "limit", 1, 1000, 200, "a whole number from 1 to 1000")
	if err != nil {
		return err
	}
	list, err := s.Orders.Customers(r.Context(), app.CustomerFilter{Q: q["q"], Limit: int(limit)})
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, struct {
		Customers []app.Customer `json:"customers"`
	}{list})
	return nil
}
