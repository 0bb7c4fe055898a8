package web

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"depot/app"
	"depot/app/carrier"
)

// packingAPIRoutes adds the packing and shipping API: the weight check of
// a parcel, shipping an order, and reading shipments.
func (s *server) packingAPIRoutes(r chi.Router) {
	pack := r.With(s.require(app.PackOrders))
	pack.Post("/api/v1/packages/verify", s.api(s.verifyPackageAPI))
	pack.Post("/api/v1/shipments", s.api(s.createShipment))
	read := r.With(s.require(app.ReadStock))
	read.Get("/api/v1/shipments", s.api(s.listShipments))
	read.Get("/api/v1/shipments/{id}", s.api(s.getShipment))
	read.Get("/api/v1/shipments/{id}/label", s.api(s.shipmentLabel))
}

// packing returns the packing service or an unavailable error.
func (s *server) packing() (app.PackingService, error) {
	if s.Packing == nil {
		return nil, app.Errorf(app.EUNAVAILABLE, "this depot runs without packing and shipping")
	}
	return s.Packing, nil
}

// verifyPackageAPI handles POST /api/v1/packages/verify: the weight check
// of a released order's parcel, {"order","box"?,"weight_mg"}. It writes
// nothing.
func (s *server) verifyPackageAPI(w http.ResponseWriter, r *http.Request) error {
	p, err := s.packing()
	if err != nil {
		return err
	}
	var v app.VerifyPackage
	if err := decodeBody(w, r, &v); err != nil {
		return err
	}
	res, err := p.VerifyPackage(r.Context(), v)
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, res)
	return nil
}

// shipmentBody is the JSON of one shipment.
type shipmentBody struct {
	Shipment *app.Shipment `json:"shipment"`
}

// createShipment handles POST /api/v1/shipments: ship an order with its
// packages. 201 with the shipment, or 200 with it when the idempotency key
// was seen before.
func (s *server) createShipment(w http.ResponseWriter, r *http.Request) error {
	p, err := s.packing()
	if err != nil {
		return err
	}
	var c app.ShipOrder
	if err := decodeBody(w, r, &c); err != nil {
		return err
	}
	u := userFrom(r.Context())
	c.UserID, c.MayOverride = u.ID, u.Role.Can(app.OverrideWeight)
	sh, err := p.ShipOrder(r.Context(), c)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if sh.Replayed {
		status = http.StatusOK
		w.Header().Set("Idempotent-Replayed", "true")
	}
	w.Header().Set("Location", "/api/v1/shipments/"+strconv.FormatInt(sh.ID, 10))
	s.writeJSON(w, r, status, shipmentBody{Shipment: sh})
	return nil
}

// shipmentOf reads the shipment named by the {id} path parameter.
func (s *server) shipmentOf(r *http.Request) (*app.Shipment, error) {
	p, err := s.packing()
	if err != nil {
		return nil, err
	}
	raw, err := pathParam(r, "id")
	if err != nil {
		return nil, err
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id < 1 {
		return nil, app.FieldErrorf("id", "must be a shipment id (a whole number from 1), not %q", clipText(raw))
	}
	return p.Shipment(r.Context(), id)
}

// getShipment handles GET /api/v1/shipments/{id}.
func (s *server) getShipment(w http.ResponseWriter, r *http.Request) error {
	sh, err := s.shipmentOf(r)
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, shipmentBody{Shipment: sh})
	return nil
}

// listShipments handles GET /api/v1/shipments?order=: an order's
// shipments, newest first.
func (s *server) listShipments(w http.ResponseWriter, r *http.Request) error {
	p, err := s.packing()
	if err != nil {
		return err
	}
	q, err := queryParams(r, "order")
	if err != nil {
		return err
	}
	if q["order"] == "" {
		return app.FieldErrorf("order", "is required: the order number whose shipments to list")
	}
	list, err := p.Shipments(r.Context(), q["order"])
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, struct {
		Shipments []*app.Shipment `json:"shipments"`
	}{list})
	return nil
}

// shipmentLabel handles GET /api/v1/shipments/{id}/label: the shipped
// shipment's 4x6 label as ZPL (?dpi=300 for 300 dpi printers).
func (s *server) shipmentLabel(w http.ResponseWriter, r *http.Request) error {
	q, err := queryParams(r, "dpi")
	if err != nil {
		return err
	}
	dpi, err := intParam(q, "dpi", 203, 300, 203, "203 or 300")
	if err != nil || (dpi != 203 && dpi != 300) {
		return app.FieldErrorf("dpi", "must be 203 or 300")
	}
	sh, err := s.shipmentOf(r)
	if err != nil {
		return err
	}
	l, err := shippingLabel(r, s.Packing, sh, int(dpi))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/zpl; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Write(l.ZPL)
	return nil
}

// shippingLabel asks the shipment's carrier for its label, with the
// sender from the settings and the parcel's measured weight.
func shippingLabel(r *http.Request, p app.PackingService, sh *app.Shipment, dpi int) (*app.CarrierLabel, error) {
	if sh.Status != "shipped" {
		return nil, app.Errorf(app.ECONFLICT, "shipment %d is %s; its label prints once it ships", sh.ID, sh.Status)
	}
	from, err := p.ShipFrom(r.Context())
	if err != nil {
		return nil, err
	}
	to := labelTo(sh)
	// A station's shipment keeps every weighing: its parcel is the newest.
	// The API's packages are all parcels of the shipment: their total.
	var weight int64
	for _, pk := range sh.Packages {
		if sh.Station != "" {
			weight = pk.MeasuredMg
		} else {
			weight += pk.MeasuredMg
		}
	}
	return carrier.For(sh.Carrier).Label(r.Context(), app.LabelRequest{Shipment: sh, From: from, To: to, WeightMg: weight, DPI: dpi})
}
