package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"depot/app"
	"depot/views"
)

// pickingPage handles GET /picking: the form that builds lists and the
// open and claimed lists.
func (s *server) pickingPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := queryParams(r); err != nil {
		return err
	}
	lists, err := s.Picking.PickLists(r.Context(), app.PickListFilter{})
	if err != nil {
		return err
	}
	m := views.PickingModel{Lists: lists, Form: views.Form{Values: map[string]string{"kind": "wave", "group_by": "zone"}}}
	return s.render(w, r, http.StatusOK, views.Picking(s.pageFor(w, r, "Pick lists"), m))
}

// pickListsFragment handles GET /picking/lists: the lists table, which
// the manager's page refreshes.
func (s *server) pickListsFragment(w http.ResponseWriter, r *http.Request) error {
	lists, err := s.Picking.PickLists(r.Context(), app.PickListFilter{})
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.PickListsTable(lists))
}

// buildPickLists handles POST /picking: build lists from the form. Orders
// are numbers separated by spaces or commas.
func (s *server) buildPickLists(w http.ResponseWriter, r *http.Request) error {
	f := formOf(r, "kind", "group_by", "limit", "orders", "destination")
	c := app.NewPickLists{Kind: app.PickListKind(f.Value("kind")), Destination: f.Value("destination"),
		UserID: sessionFrom(r.Context()).User.ID}
	if c.Kind == app.PickWave {
		c.GroupBy = f.Value("group_by")
	}
	c.Orders = strings.FieldsFunc(f.Value("orders"), func(r rune) bool { return r == ',' || r == ' ' || r == ';' })
	refuse := func(err error) error {
		if strings.HasPrefix(app.ErrorField(err), "orders[") {
			err = &app.Error{Code: app.ErrorCode(err), Field: "orders", Message: app.ErrorMessage(err)}
		}
		return s.refuse(w, r, f, err, func(f views.Form) templ.Component {
			lists, _ := s.Picking.PickLists(r.Context(), app.PickListFilter{})
			return views.Picking(s.pageFor(w, r, "Pick lists"), views.PickingModel{Lists: lists, Form: f})
		})
	}
	limit, err := parseWhole("limit", f.Value("limit"), app.MaxPickOrders)
	if err != nil {
		return refuse(err)
	}
	c.Limit = int(limit)
	lists, err := s.Picking.CreatePickLists(r.Context(), c)
	if err != nil {
		return refuse(err)
	}
	var names []string
	var stops int64
	for _, l := range lists {
		names = append(names, fmt.Sprintf("%d %s", l.ID, l.Name))
		stops += l.Tasks
	}
	s.setFlash(w, fmt.Sprintf("Built %d pick list(s) with %d stops: %s.", len(lists), stops, strings.Join(names, "; ")))
	http.Redirect(w, r, "/picking", http.StatusSeeOther)
	return nil
}

// pickListPage handles GET /picking/{id}: a list's stops.
func (s *server) pickListPage(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "pick list")
	if err != nil {
		return err
	}
	l, err := s.Picking.PickList(r.Context(), id)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.PickListPage(s.pageFor(w, r, "Pick list "+strconv.FormatInt(id, 10)), l, true))
}

// pickListRelease handles POST /picking/{id}/release: a manager frees a
// picker's claim.
func (s *server) pickListRelease(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "pick list")
	if err != nil {
		return err
	}
	l, err := s.Picking.ReleasePickList(r.Context(), app.PickRelease{ListID: id, UserID: sessionFrom(r.Context()).User.ID, Any: true})
	if err != nil {
		return err
	}
	s.setFlash(w, fmt.Sprintf("List %d is open again.", l.ID))
	http.Redirect(w, r, "/picking/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}
