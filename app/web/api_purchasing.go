package web

import (
	"net/http"
	"net/url"

	"github.com/go-chi/chi/v5"

	"depot/app"
)

// purchasingAPIRoutes adds the suppliers and purchase orders of the JSON
// API: reads need read_stock, changes manage_purchasing. Without a
// purchasing service there are none.
func (s *server) purchasingAPIRoutes(r chi.Router) {
	if s.Purchasing == nil {
		return
	}
	read := r.With(s.require(app.ReadStock))
	manage := r.With(s.require(app.ManagePurchasing))
	read.Get("/api/v1/suppliers", s.api(s.listSuppliers))
	read.Get("/api/v1/suppliers/{code}", s.api(s.getSupplier))
	manage.Post("/api/v1/suppliers", s.api(s.createSupplier))
	manage.Put("/api/v1/suppliers/{code}", s.api(s.updateSupplier))
	read.Get("/api/v1/purchase-orders", s.api(s.listPurchaseOrders))
	read.Get("/api/v1/purchase-orders/{number}", s.api(s.getPurchaseOrder))
	manage.Post("/api/v1/purchase-orders", s.api(s.createPurchaseOrder))
	manage.Put("/api/v1/purchase-orders/{number}", s.api(s.updatePurchaseOrder))
	manage.Post("/api/v1/purchase-orders/{number}/{action}", s.api(s.actOnPurchaseOrder))
}

// suppliersBody is the JSON of a supplier list.
type suppliersBody struct {
	Suppliers []app.Supplier `json:"suppliers"`
}

// supplierBody is the JSON of one supplier with its delivery record.
type supplierBody struct {
	*app.Supplier
	Record *app.SupplierRecord `json:"record"`
}

// purchaseOrdersBody is the JSON of a purchase order list.
type purchaseOrdersBody struct {
	PurchaseOrders []app.POSummary `json:"purchase_orders"`
}

// replayedStatus is 200 with the Idempotent-Replayed header for a repeat
// that wrote nothing, else status.
func replayedStatus(w http.ResponseWriter, replayed bool, status int) int {
	if replayed {
		w.Header().Set("Idempotent-Replayed", "true")
		return http.StatusOK
	}
	return status
}

// listSuppliers handles GET /api/v1/suppliers?q=.
func (s *server) listSuppliers(w http.ResponseWriter, r *http.Request) error {
	q, err := queryParams(r, "q")
	if err != nil {
		return err
	}
	list, err := s.Purchasing.Suppliers(r.Context(), q["q"])
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, suppliersBody{Suppliers: list})
	return nil
}

// getSupplier handles GET /api/v1/suppliers/{code}: the supplier and its
// delivery record.
func (s *server) getSupplier(w http.ResponseWriter, r *http.Request) error {
	code, err := pathParam(r, "code")
	if err != nil {
		return err
	}
	sup, err := s.Purchasing.Supplier(r.Context(), code)
	if err != nil {
		return err
	}
	rec, err := s.Purchasing.SupplierRecord(r.Context(), sup.Code)
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, supplierBody{Supplier: sup, Record: rec})
	return nil
}

// createSupplier handles POST /api/v1/suppliers: 201, or 200 with
// Idempotent-Replayed for a repeat of the same supplier.
func (s *server) createSupplier(w http.ResponseWriter, r *http.Request) error {
	var cmd app.NewSupplier
	if err := decodeBody(w, r, &cmd); err != nil {
		return err
	}
	sup, replayed, err := s.Purchasing.CreateSupplier(r.Context(), cmd)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/suppliers/"+url.PathEscape(sup.Code))
	s.writeJSON(w, r, replayedStatus(w, replayed, http.StatusCreated), sup)
	return nil
}

// updateSupplier handles PUT /api/v1/suppliers/{code}: name, email and
// phone (a code in the body must be the same).
func (s *server) updateSupplier(w http.ResponseWriter, r *http.Request) error {
	code, err := pathParam(r, "code")
	if err != nil {
		return err
	}
	var cmd app.NewSupplier
	if err := decodeBody(w, r, &cmd); err != nil {
		return err
	}
	if cmd.Code != "" && cmd.Code != code {
		return app.FieldErrorf("code", "cannot be changed (%s)", clipText(code))
	}
	sup, err := s.Purchasing.UpdateSupplier(r.Context(), code, cmd)
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, sup)
	return nil
}

// listPurchaseOrders handles GET /api/v1/purchase-orders?status=&supplier=&sku=&limit=;
// status "open" is draft, sent and partial.
func (s *server) listPurchaseOrders(w http.ResponseWriter, r *http.Request) error {
	q, err := queryParams(r, "status", "supplier", "sku", "limit")
	if err != nil {
		return err
	}
	limit, err := intParam(q, "limit", 1, 1000, 200, "a whole number from 1 to 1000")
	if err != nil {
		return err
	}
	f := app.POFilter{Status: app.POStatus(q["status"]), Supplier: q["supplier"], SKU: q["sku"], Limit: int(limit)}
	if f.Status == "open" {
		f.Status, f.Open = "", true
	}
	list, err := s.Purchasing.PurchaseOrders(r.Context(), f)
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, purchaseOrdersBody{PurchaseOrders: list})
	return nil
}

// getPurchaseOrder handles GET /api/v1/purchase-orders/{number}.
func (s *server) getPurchaseOrder(w http.ResponseWriter, r *http.Request) error {
	number, err := pathParam(r, "number")
	if err != nil {
		return err
	}
	po, err := s.Purchasing.PurchaseOrder(r.Context(), number)
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, po)
	return nil
}

// createPurchaseOrder handles POST /api/v1/purchase-orders: 201 with the
// draft, or 200 with Idempotent-Replayed for a repeat of the same order.
func (s *server) createPurchaseOrder(w http.ResponseWriter, r *http.Request) error {
	var cmd app.NewPurchaseOrder
	if err := decodeBody(w, r, &cmd); err != nil {
		return err
	}
	cmd.UserID = userFrom(r.Context()).ID
	po, replayed, err := s.Purchasing.CreatePurchaseOrder(r.Context(), cmd)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/purchase-orders/"+url.PathEscape(po.Number))
	s.writeJSON(w, r, replayedStatus(w, replayed, http.StatusCreated), po)
	return nil
}

// updatePurchaseOrder handles PUT /api/v1/purchase-orders/{number}: the
// whole draft again, header and lines.
func (s *server) updatePurchaseOrder(w http.ResponseWriter, r *http.Request) error {
	number, err := pathParam(r, "number")
	if err != nil {
		return err
	}
	var cmd app.NewPurchaseOrder
	if err := decodeBody(w, r, &cmd); err != nil {
		return err
	}
	po, err := s.Purchasing.UpdatePurchaseOrder(r.Context(), number, cmd)
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, po)
	return nil
}

// actOnPurchaseOrder handles POST /api/v1/purchase-orders/{number}/send,
// /close and /cancel. The body is empty or {}. A repeat (the order is
// there already) answers 200 with Idempotent-Replayed and writes nothing.
func (s *server) actOnPurchaseOrder(w http.ResponseWriter, r *http.Request) error {
	number, err := pathParam(r, "number")
	if err != nil {
		return err
	}
	a, err := app.ParsePOAction(chi.URLParam(r, "action"))
	if err != nil {
		return &app.Error{Code: app.ENOTFOUND, Field: "action",
			Message: "there is no action " + clipText(chi.URLParam(r, "action")) + " on a purchase order: use send, close or cancel"}
	}
	body, err := readBody(w, r)
	if err != nil {
		return err
	}
	if len(body) > 0 {
		if err := app.DecodeJSON(body, &struct{}{}); err != nil {
			return err
		}
	}
	u := userFrom(r.Context())
	po, done, err := s.Purchasing.ActOnPurchaseOrder(r.Context(), number, a, u.ID)
	if err != nil {
		return err
	}
	if !done {
		s.log.Info("purchase order "+string(a), "number", po.Number, "status", string(po.Status), "by", u.Username)
	}
	s.writeJSON(w, r, replayedStatus(w, done, http.StatusOK), po)
	return nil
}
