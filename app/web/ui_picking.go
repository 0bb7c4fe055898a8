package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"depot/app"
	"depot/views"
)

// pickingUIRoutes adds the picker's floor screen (PickOrders), the
// manager's pick list pages (ManageOrders) and the count screen's list of
// bins flagged by short picks.
func (s *server) pickingUIRoutes(r chi.Router) {
	pick := r.With(s.page(app.PickOrders))
	pick.Get("/floor/pick", s.html(s.pickPage))
	pick.Post("/floor/pick/claim", s.html(s.pickClaim))
	pick.Post("/floor/pick/confirm", s.html(s.pickConfirmForm))
	pick.Post("/floor/pick/short", s.html(s.pickShortForm))
	pick.Post("/floor/pick/release", s.html(s.pickRelease))
	r.With(s.page(app.PostAction(app.Count))).Get("/floor/count/requests", s.html(s.countRequestsFragment))
	manage := r.With(s.page(app.ManageOrders))
	manage.Get("/picking", s.html(s.pickingPage))
	manage.Post("/picking", s.html(s.buildPickLists))
	manage.Get("/picking/lists", s.html(s.pickListsFragment))
	manage.Get("/picking/{id}", s.html(s.pickListPage))
	manage.Post("/picking/{id}/release", s.html(s.pickListRelease))
}

// pickModel is the picker's screen: the list the user holds and its
// first open stop, or how many lists wait. f, when not nil, is a refused
// form to show again.
func (s *server) pickModel(r *http.Request, f *views.Form) (views.PickModel, error) {
	u := sessionFrom(r.Context()).User
	m := views.PickModel{Manage: u.Authorize(app.ManageOrders) == nil}
	l, err := s.Picking.HeldPickList(r.Context(), u.ID)
	if err != nil {
		return m, err
	}
	m.List = l
	if l == nil {
		open, err := s.Picking.PickLists(r.Context(), app.PickListFilter{Status: app.ListOpen, Limit: 1000})
		if err != nil {
			return m, err
		}
		m.Waiting = len(open)
		if f != nil {
			m.Form = *f
		}
		return m, nil
	}
	for i := range l.Stops {
		if l.Stops[i].Status == app.TaskOpen {
			m.Stop, m.Index = &l.Stops[i], i+1
			break
		}
	}
	if f != nil && m.Stop != nil && f.Value("task") == strconv.FormatInt(m.Stop.ID, 10) {
		m.Form = *f
	} else {
		m.Form = views.Form{Values: map[string]string{}}
		// The bin stays filled in while the next stop is in the same bin
		// (a batch: one SKU for several totes).
		if m.Stop != nil && strings.EqualFold(r.URL.Query().Get("bin"), m.Stop.Location) {
			m.Form.Values["bin"] = m.Stop.Location
		}
	}
	if m.Stop != nil {
		m.Form.Values["seen"] = strconv.FormatInt(m.Stop.PickedQty, 10)
	}
	return m, nil
}

func (s *server) renderPick(w http.ResponseWriter, r *http.Request, status int, m views.PickModel) error {
	return s.render(w, r, status, views.FloorPick(s.pageFor(w, r, "Pick"), m))
}

// pickPage handles GET /floor/pick?bin=: the current stop of the list the
// picker holds, or the button that takes the next list.
func (s *server) pickPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := queryParams(r, "bin"); err != nil {
		return err
	}
	m, err := s.pickModel(r, nil)
	if err != nil {
		return err
	}
	return s.renderPick(w, r, http.StatusOK, m)
}

// refusePick shows the picker's screen again with err beside its field.
func (s *server) refusePick(w http.ResponseWriter, r *http.Request, f views.Form, err error) error {
	return s.refuse(w, r, f, err, func(f views.Form) templ.Component {
		m, merr := s.pickModel(r, &f)
		if merr != nil {
			return templ.ComponentFunc(func(context.Context, io.Writer) error { return merr })
		}
		return views.FloorPick(s.pageFor(w, r, "Pick"), m)
	})
}

// pickClaim handles POST /floor/pick/claim: take the next list.
func (s *server) pickClaim(w http.ResponseWriter, r *http.Request) error {
	l, err := s.Picking.ClaimPickList(r.Context(), app.PickClaim{UserID: sessionFrom(r.Context()).User.ID})
	if err != nil {
		return s.refusePick(w, r, views.Form{Values: map[string]string{}}, err)
	}
	s.setFlash(w, fmt.Sprintf("List %d is yours: %d stops, goods go to %s.", l.ID, l.OpenTasks, l.Destination))
	http.Redirect(w, r, "/floor/pick", http.StatusSeeOther)
	return nil
}

// pickTaskID reads the form's task id.
func pickTaskID(f views.Form) (int64, error) {
	id, err := strconv.ParseInt(f.Value("task"), 10, 64)
	if err != nil || id < 1 {
		return 0, app.Errorf(app.EINVALID, "the pick form is malformed; reload the page")
	}
	return id, nil
}

// pickConfirmForm handles POST /floor/pick/confirm: the scans of a stop.
func (s *server) pickConfirmForm(w http.ResponseWriter, r *http.Request) error {
	f := formOf(r, "task", "seen", "bin", "qty", "item", "lot")
	id, err := pickTaskID(f)
	if err != nil {
		return err
	}
	sc := pickScans{Bin: f.Value("bin"), Item: f.Value("item"), Lot: f.Value("lot")}
	if f.Value("qty") != "" {
		n, err := parseWhole("qty", f.Value("qty"), app.MaxQty)
		if err != nil {
			return s.refusePick(w, r, f, err)
		}
		sc.Qty = &n
	}
	c, err := s.pickConfirm(r.Context(), id, sessionFrom(r.Context()).User.ID, sc)
	if err == nil && f.Value("seen") != "" {
		seen, perr := strconv.ParseInt(f.Value("seen"), 10, 64)
		if perr != nil {
			return app.Errorf(app.EINVALID, "the pick form is malformed; reload the page")
		}
		c.Seen = &seen
	}
	var res *app.PickResult
	if err == nil {
		res, err = s.Picking.ConfirmPick(r.Context(), c)
	}
	if err != nil {
		return s.refusePick(w, r, f, err)
	}
	t := res.Task
	msg := fmt.Sprintf("Picked %d %s into %s.", c.Qty, t.SKU, t.Tote)
	if t.Status == app.TaskOpen {
		msg += fmt.Sprintf(" %d more here.", t.Qty-t.PickedQty)
	}
	msg += s.listDone(r, res)
	s.setFlash(w, msg)
	http.Redirect(w, r, "/floor/pick?bin="+url.QueryEscape(t.Location), http.StatusSeeOther)
	return nil
}

// pickShortForm handles POST /floor/pick/short: the bin holds less.
func (s *server) pickShortForm(w http.ResponseWriter, r *http.Request) error {
	f := formOf(r, "task", "found")
	id, err := pickTaskID(f)
	if err != nil {
		return err
	}
	if f.Value("found") == "" {
		return s.refusePick(w, r, f, app.FieldErrorf("found", "is required: how many are really there (0 when none)"))
	}
	found, err := parseWhole("found", f.Value("found"), app.MaxQty)
	if err != nil {
		return s.refusePick(w, r, f, err)
	}
	res, err := s.Picking.ShortPick(r.Context(), app.PickShort{TaskID: id, Found: found, UserID: sessionFrom(r.Context()).User.ID})
	if err != nil {
		return s.refusePick(w, r, f, err)
	}
	// Flash messages are short (64 characters): the essentials.
	msg := fmt.Sprintf("Short at %s: %d picked", res.Task.Location, found)
	var more int64
	for _, n := range res.Reallocated {
		more += n.Qty
	}
	if more > 0 {
		msg += fmt.Sprintf(", %d from other bins", more)
	}
	if res.Backordered > 0 {
		msg += fmt.Sprintf(", %d backordered", res.Backordered)
	}
	msg += "." + s.listDone(r, res)
	s.setFlash(w, msg)
	http.Redirect(w, r, "/floor/pick", http.StatusSeeOther)
	return nil
}

// listDone is the flash's note that the pick finished the list.
func (s *server) listDone(r *http.Request, res *app.PickResult) string {
	if !res.ListDone {
		return ""
	}
	if l, err := s.Picking.PickList(r.Context(), res.Task.ListID); err == nil {
		return " List done: to " + l.Destination + "."
	}
	return " List done."
}

// pickRelease handles POST /floor/pick/release: give the list back.
func (s *server) pickRelease(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PostFormValue("list"), 10, 64)
	if err != nil {
		return app.Errorf(app.EINVALID, "the form is malformed; reload the page")
	}
	if _, err := s.Picking.ReleasePickList(r.Context(), app.PickRelease{ListID: id, UserID: sessionFrom(r.Context()).User.ID}); err != nil {
		return err
	}
	s.setFlash(w, fmt.Sprintf("List %d is given back for the next picker.", id))
	http.Redirect(w, r, "/floor/pick", http.StatusSeeOther)
	return nil
}

// countRequestsFragment handles GET /floor/count/requests: the bins
// flagged for a count, for the count screen.
func (s *server) countRequestsFragment(w http.ResponseWriter, r *http.Request) error {
	if s.Picking == nil {
		return s.render(w, r, http.StatusOK, views.CountRequests(nil))
	}
	reqs, err := s.Picking.CountRequests(r.Context())
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.CountRequests(reqs))
}
