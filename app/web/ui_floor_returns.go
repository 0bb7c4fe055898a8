package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/a-h/templ"

	"depot/app"
	"depot/views"
)

// floorReturnsPage handles GET /floor/returns?scan=: without a scan, the
// scan step; with one, what the shipment or order shipped and the form that
// takes an item back.
func (s *server) floorReturnsPage(w http.ResponseWriter, r *http.Request) error {
	q, err := queryParams(r, "scan")
	if err != nil {
		return err
	}
	f := freshForm("scan", q["scan"])
	if q["scan"] == "" {
		return s.render(w, r, http.StatusOK, views.FloorReturns(s.pageFor(w, r, "Return"), views.FloorReturnsModel{Form: f}))
	}
	m, err := s.returnsModel(r, q["scan"], f)
	if err != nil {
		return s.refuse(w, r, f, err, s.returnScanPage(w, r))
	}
	return s.render(w, r, http.StatusOK, views.FloorReturns(s.pageFor(w, r, "Return"), m))
}

// returnScanPage is the scan step with an error beside the scan.
func (s *server) returnScanPage(w http.ResponseWriter, r *http.Request) func(views.Form) templ.Component {
	return func(f views.Form) templ.Component {
		f.Field = "scan"
		return views.FloorReturns(s.pageFor(w, r, "Return"), views.FloorReturnsModel{Form: f})
	}
}

func (s *server) returnsModel(r *http.Request, scan string, f views.Form) (views.FloorReturnsModel, error) {
	m := views.FloorReturnsModel{Scan: scan, Form: f}
	var err error
	if m.Returnable, err = s.Returns.Returnable(r.Context(), scan); err != nil {
		return m, err
	}
	m.Quarantine, err = s.Returns.QuarantinePlaces(r.Context())
	return m, err
}

// postFloorReturn handles POST /floor/returns: one item (a unit, or the
// quantity typed) back from the scanned shipment or order, with the
// disposition of the button pressed (or of the place scanned last). Each
// post is one return.
func (s *server) postFloorReturn(w http.ResponseWriter, r *http.Request) error {
	f := formOf(r, "key", "scan", "item", "lot", "qty", "location", "disposition")
	src, err := s.Returns.Returnable(r.Context(), f.Value("scan"))
	if err != nil {
		return s.refuse(w, r, f, err, s.returnScanPage(w, r))
	}
	page := func(f views.Form) templ.Component {
		m, err := s.returnsModel(r, f.Value("scan"), f)
		if err != nil {
			return errorComponent(err)
		}
		return views.FloorReturns(s.pageFor(w, r, "Return"), m)
	}
	l, it, err := s.itemLine(r, f)
	if err != nil {
		return s.refuse(w, r, f, err, page)
	}
	disposition, err := s.scannedDisposition(r, f)
	if err != nil {
		return s.refuse(w, r, f, err, page)
	}
	line := app.NewReturnLine{SKU: l.SKU, Qty: l.Qty, Disposition: disposition, Location: f.Value("location")}
	if l.Lot != nil {
		line.Lot = l.Lot.Code
	}
	if line.Disposition == app.Scrap {
		line.Location = "" // a place scanned before choosing scrap is not where scrap goes
	}
	cmd := app.NewReturn{IdempotencyKey: f.Value("key"), Lines: []app.NewReturnLine{line}, UserID: sessionFrom(r.Context()).User.ID}
	if src.Shipment != 0 {
		cmd.Shipment = src.Shipment
	} else {
		cmd.Order = src.Order
	}
	ret, replayed, err := s.Returns.ReceiveReturn(r.Context(), cmd)
	if err != nil {
		return s.refuse(w, r, f, lineField(err, map[string]string{"sku": "item", "lot": "lot", "qty": "qty",
			"location": "location", "disposition": "disposition"}), page)
	}
	msg := fmt.Sprintf("Return %d: %d %s%s %s", ret.ID, l.Qty, it.SKU, lotSuffix(l.Lot), dispositionText(ret.Lines[0]))
	if replayed {
		msg = fmt.Sprintf("Already received as return %d; nothing was taken back twice.", ret.ID)
	}
	s.setFlash(w, msg+".")
	http.Redirect(w, r, "/floor/returns?scan="+url.QueryEscape(f.Value("scan")), http.StatusSeeOther)
	return nil
}

// scannedDisposition is the button pressed, or, when the form was sent by
// the last scan (a scanner alone presses no button), what the scanned place
// says: a quarantine place quarantines, any other place restocks.
func (s *server) scannedDisposition(r *http.Request, f views.Form) (string, error) {
	if d := f.Value("disposition"); d != "" || f.Value("location") == "" {
		if d == "" {
			return "", app.FieldErrorf("disposition", "press Restock, Quarantine or Scrap (or scan the place the item goes to)")
		}
		return d, nil
	}
	q, err := s.Returns.QuarantinePlaces(r.Context())
	if err != nil {
		return "", err
	}
	for _, code := range q {
		if strings.EqualFold(code, f.Value("location")) {
			return app.Quarantine, nil
		}
	}
	return app.Restock, nil
}

func dispositionText(l app.ReturnLine) string {
	switch l.Disposition {
	case app.Restock:
		return "restocked at " + l.Location
	case app.Quarantine:
		return "quarantined at " + l.Location
	}
	return "scrapped"
}
