package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"depot/app"
	"depot/views"
)

// lotsLimit is how many lots the list shows.
const lotsLimit = 200

// lotsPage handles GET /lots?sku=&status=&expiring=: the lot list, soonest
// expiry first. A bad filter is shown beside its field, with the filter
// as typed.
func (s *server) lotsPage(w http.ResponseWriter, r *http.Request) error {
	q, err := queryParams(r, "sku", "status", "expiring")
	if err != nil {
		return err
	}
	m := views.LotsModel{Filter: views.Form{Values: q}, Limit: lotsLimit}
	f := app.LotFilter{SKU: q["sku"], Status: app.LotStatus(q["status"]), Today: s.ui.Now(), Limit: lotsLimit}
	if v := q["expiring"]; v != "" {
		n, perr := strconv.Atoi(v)
		if perr != nil || n < 1 {
			err = app.FieldErrorf("expiring", "%q is not a number of days: use a whole number from 1 to 3650", clipText(v))
		}
		f.ExpiringDays = n
	}
	if err == nil {
		m.Lots, err = s.Lots.Lots(r.Context(), f)
	}
	if err != nil {
		page := func(f views.Form) templ.Component {
			m.Filter = f
			return views.Lots(s.pageFor(w, r, "Lots"), m)
		}
		return s.refuse(w, r, m.Filter, err, page)
	}
	return s.render(w, r, http.StatusOK, views.Lots(s.pageFor(w, r, "Lots"), m))
}

// lotModel reads the lot page of the {id} path parameter.
func (s *server) lotModel(r *http.Request) (views.LotModel, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		return views.LotModel{}, app.Errorf(app.ENOTFOUND, "there is no lot %q", clipText(chi.URLParam(r, "id")))
	}
	m := views.LotModel{CanChange: sessionFrom(r.Context()).User.Authorize(app.ChangeLotStatus) == nil,
		Change: views.Form{Values: map[string]string{}}}
	if m.Lot, err = s.Lots.Lot(r.Context(), id); err != nil {
		return m, err
	}
	m.Details = views.Form{Values: map[string]string{"manufactured_on": m.Lot.ManufacturedOn, "certificate_ref": m.Lot.CertificateRef}}
	if m.Levels, err = s.Lots.LotLevels(r.Context(), id); err != nil {
		return m, err
	}
	if m.History, err = s.Lots.LotHistory(r.Context(), id); err != nil {
		return m, err
	}
	if s.Purchasing != nil && canManagePurchasing(r) {
		if m.Suppliers, err = s.Purchasing.Suppliers(r.Context(), ""); err != nil {
			return m, err
		}
	}
	return m, nil
}

// lotPage handles GET /lots/{id}.
func (s *server) lotPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := queryParams(r); err != nil {
		return err
	}
	m, err := s.lotModel(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.LotPage(s.pageFor(w, r, "Lot "+m.Lot.Code), m))
}

// changeLotStatus handles POST /lots/{id}/status: hold, quarantine,
// release or recall with a reason, recorded with the user.
func (s *server) changeLotStatus(w http.ResponseWriter, r *http.Request) error {
	m, err := s.lotModel(r)
	if err != nil {
		return err
	}
	f := formOf(r, "action", "reason")
	u := sessionFrom(r.Context()).User
	l, err := s.Lots.ChangeLotStatus(r.Context(), app.LotStatusChange{LotID: m.Lot.ID, Action: app.LotAction(f.Value("action")),
		Reason: f.Value("reason"), UserID: u.ID})
	if err != nil {
		page := func(f views.Form) templ.Component {
			m.Change = f
			return views.LotPage(s.pageFor(w, r, "Lot "+m.Lot.Code), m)
		}
		return s.refuse(w, r, f, err, page)
	}
	s.log.Info("lot status changed", "lot", l.Code, "sku", l.SKU, "status", string(l.Status), "by", u.Username)
	s.setFlash(w, fmt.Sprintf("Lot %s of %s is now %s.", l.Code, l.SKU, l.Status.Text()))
	http.Redirect(w, r, "/lots/"+strconv.FormatInt(l.ID, 10), http.StatusSeeOther)
	return nil
}

// setLotDetails handles POST /lots/{id}/details: the manufacturing date
// and the certificate reference.
func (s *server) setLotDetails(w http.ResponseWriter, r *http.Request) error {
	m, err := s.lotModel(r)
	if err != nil {
		return err
	}
	f := formOf(r, "manufactured_on", "certificate_ref")
	l, err := s.Lots.SetLotDetails(r.Context(), m.Lot.ID, app.LotDetails{ManufacturedOn: f.Value("manufactured_on"),
		CertificateRef: f.Value("certificate_ref")})
	if err != nil {
		page := func(f views.Form) templ.Component {
			m.Details = f
			return views.LotPage(s.pageFor(w, r, "Lot "+m.Lot.Code), m)
		}
		return s.refuse(w, r, f, err, page)
	}
	s.setFlash(w, fmt.Sprintf("Details of lot %s saved.", l.Code))
	http.Redirect(w, r, "/lots/"+strconv.FormatInt(l.ID, 10), http.StatusSeeOther)
	return nil
}
