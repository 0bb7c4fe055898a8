package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"depot/app"
	"depot/app/putaway"
	"depot/views"
)

// putawayUIRoutes adds the putaway floor screen and the rule weights page
// to r, inside the session group; nothing without a putaway service.
func (s *server) putawayUIRoutes(r chi.Router) {
	if s.Putaway == nil {
		return
	}
	pa := r.With(s.page(app.ReceiveGoods))
	pa.Get("/floor/putaway", s.html(s.putawayPage))
	pa.Get("/floor/putaway/waiting", s.html(s.putawayWaitingList))
	pa.Post("/floor/putaway", s.html(s.postPutawayForm))
	set := r.With(s.page(app.EditLocations))
	set.Get("/settings/putaway", s.html(s.putawaySettingsPage))
	set.Post("/settings/putaway", s.html(s.savePutawaySettings))
}

// putawayModel is the screen's first step: what waits on the docks and the
// item form, the dock filled in when there is one.
func (s *server) putawayModel(r *http.Request, f views.Form) (views.PutawayModel, []putaway.Waiting, error) {
	waiting, err := s.Putaway.PutawayWaiting(r.Context(), 200)
	if err != nil {
		return views.PutawayModel{}, nil, err
	}
	m := views.PutawayModel{Form: f, Settings: sessionFrom(r.Context()).User.Authorize(app.EditLocations) == nil}
	docks := map[string]bool{}
	for _, w := range waiting {
		m.Waiting = append(m.Waiting, views.PutawayWaiting{Dock: w.Dock, SKU: w.SKU, Name: w.Name, Lot: w.Lot, ExpiresOn: w.ExpiresOn, Qty: w.Qty})
		docks[w.Dock] = true
	}
	if f.Value("from") == "" && len(docks) == 1 {
		m.Form.Values["from"] = waiting[0].Dock
	}
	return m, waiting, nil
}

// putawayPage handles GET /floor/putaway?from=&item=&lot=&qty=: without an
// item, the list of what waits and the item form; with one, the bins
// suggested for it and the bin to scan.
func (s *server) putawayPage(w http.ResponseWriter, r *http.Request) error {
	q, err := queryParams(r, "from", "item", "lot", "qty")
	if err != nil {
		return err
	}
	f := views.Form{Values: q}
	m, waiting, err := s.putawayModel(r, f)
	if err != nil {
		return err
	}
	title := s.pageFor(w, r, "Put away")
	if q["item"] == "" {
		return s.render(w, r, http.StatusOK, views.FloorPutaway(title, m))
	}
	step, err := s.putawaySuggestions(r, m.Form, waiting)
	if err != nil {
		return s.refuse(w, r, m.Form, err, func(f views.Form) templ.Component {
			m.Form = f
			return views.FloorPutaway(title, m)
		})
	}
	step.Form.Values["key"] = newKey()
	return s.render(w, r, http.StatusOK, views.FloorPutaway(title, step))
}

// putawayWaitingList handles GET /floor/putaway/waiting: the list of what
// waits on the docks, which the screen fetches again as movements commit.
func (s *server) putawayWaitingList(w http.ResponseWriter, r *http.Request) error {
	if _, err := queryParams(r); err != nil {
		return err
	}
	m, _, err := s.putawayModel(r, views.Form{Values: map[string]string{}})
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.PutawayWaitingList(m.Waiting))
}

// putawaySuggestions resolves the scanned item (a SKU, GTIN, case or GS1
// barcode with its lot), its dock and quantity (all that waits, when none
// is given) and asks for the best bins.
func (s *server) putawaySuggestions(r *http.Request, f views.Form, waiting []putaway.Waiting) (views.PutawayModel, error) {
	m := views.PutawayModel{Form: views.Form{Values: map[string]string{"chosen": f.Value("chosen"), "to": f.Value("to")}}}
	it, err := s.resolveItem(r.Context(), "item", f.Value("item"))
	if err != nil {
		return m, err
	}
	lot := f.Value("lot")
	if lot == "" {
		lot = it.Lot
	} else if it.Lot != "" && !strings.EqualFold(it.Lot, lot) {
		return m, app.FieldErrorf("lot", "%s does not match lot %s in the item's GS1 barcode", lot, it.Lot)
	}
	from := f.Value("from")
	if lot == "" {
		// A SKU tracked by lot scanned without its lot: the one lot of it
		// waiting (on the dock, when given) is meant; with several, ask.
		var lots []string
		for _, w := range waiting {
			if w.Lot != "" && strings.EqualFold(w.SKU, it.SKU) && (from == "" || strings.EqualFold(w.Dock, from)) &&
				!slices.Contains(lots, w.Lot) {
				lots = append(lots, w.Lot)
			}
		}
		if len(lots) > 1 {
			return m, app.FieldErrorf("lot", "%s waits in lots %s: scan or type the lot", it.SKU, strings.Join(lots, ", "))
		}
		if len(lots) == 1 {
			lot = lots[0]
		}
	}
	var docks []string
	var waits int64
	for _, w := range waiting {
		if strings.EqualFold(w.SKU, it.SKU) && strings.EqualFold(w.Lot, lot) {
			docks = append(docks, w.Dock)
			if from == "" || strings.EqualFold(w.Dock, from) {
				waits += w.Qty
			}
		}
	}
	what := it.SKU + lotSuffix(lotRef(lot))
	switch {
	case from == "" && len(docks) == 0:
		return m, app.FieldErrorf("item", "%s is not waiting on a dock", what)
	case from == "" && len(docks) > 1:
		return m, app.FieldErrorf("from", "%s waits on docks %s: scan the dock", what, strings.Join(docks, ", "))
	case from == "":
		from = docks[0]
	}
	n := waits
	if f.Value("qty") != "" {
		if n, err = floorQty(f, it.Per); err != nil {
			return m, err
		}
	}
	// The service checks the dock first; a quantity of 1 stands in for
	// none waiting.
	res, err := s.Putaway.PutawaySuggestions(r.Context(), putaway.Query{SKU: it.SKU, Lot: lot, Qty: max(n, 1), From: from})
	if err != nil {
		if app.ErrorField(err) == "sku" {
			err = &app.Error{Code: app.ErrorCode(err), Field: "item", Message: app.ErrorMessage(err)}
		}
		return m, err
	}
	switch {
	case waits == 0:
		return m, app.FieldErrorf("item", "%s is not waiting on dock %s", what, from)
	case n > waits:
		return m, &app.Error{Code: app.ECONFLICT, Field: "qty", Message: fmt.Sprintf("only %d of %s wait on dock %s", waits, what, from)}
	}
	m.SKU, m.Lot, m.From, m.Qty, m.Note = res.Item.SKU, res.Item.Lot, from, n, res.Explain()
	for _, sg := range res.Suggestions {
		v := views.PutawaySuggestion{Location: sg.Location, Score: sg.Score}
		for _, rs := range sg.Reasons {
			v.Reasons = append(v.Reasons, views.PutawayReason{Rule: rs.Rule, Points: rs.Points, Text: rs.Text})
		}
		m.Suggestions = append(m.Suggestions, v)
	}
	return m, nil
}

func lotRef(code string) *app.LotRef {
	if code == "" {
		return nil
	}
	return &app.LotRef{Code: code}
}

// postPutawayForm handles POST /floor/putaway: the bin scanned must be the
// bin chosen (the first suggestion unless another was picked); then the
// stock moves from the dock to it and the task is recorded.
func (s *server) postPutawayForm(w http.ResponseWriter, r *http.Request) error {
	f := formOf(r, "key", "from", "item", "lot", "qty", "chosen", "to")
	title := s.pageFor(w, r, "Put away")
	page := func(f views.Form) templ.Component {
		m, waiting, err := s.putawayModel(r, views.Form{Values: map[string]string{}})
		if err != nil {
			return errorComponent(err)
		}
		step, err := s.putawaySuggestions(r, f, waiting)
		if err != nil && step.SKU == "" {
			// The stock is gone from the dock: back to the first step.
			m.Form.Field, m.Form.Error = "", f.Error
			return views.FloorPutaway(title, m)
		}
		step.Form = f
		return views.FloorPutaway(title, step)
	}
	qty, err := strconv.ParseInt(f.Value("qty"), 10, 64)
	if err != nil || qty < 1 {
		return s.refuse(w, r, f, app.FieldErrorf("qty", "the form lost its quantity; scan the item again"), page)
	}
	if f.Value("to") == "" {
		return s.refuse(w, r, f, app.FieldErrorf("to", "is required: scan the bin you put the stock into"), page)
	}
	t, replayed, err := s.Putaway.Putaway(r.Context(), putaway.Command{SKU: f.Value("item"), Lot: f.Value("lot"), Qty: qty,
		From: f.Value("from"), To: f.Value("to"), Chosen: f.Value("chosen"), IdempotencyKey: f.Value("key"),
		UserID: sessionFrom(r.Context()).User.ID})
	if err != nil {
		if app.ErrorField(err) == "sku" {
			err = &app.Error{Code: app.ErrorCode(err), Field: "item", Message: app.ErrorMessage(err)}
		}
		return s.refuse(w, r, f, err, page)
	}
	msg := fmt.Sprintf("Put away %d %s%s into %s (task %d, movement %d).", t.Qty, t.SKU, lotSuffix(lotRef(t.Lot)), t.To, t.ID, t.MovementID)
	if replayed {
		msg = fmt.Sprintf("Already put away as task %d; nothing was posted twice.", t.ID)
	}
	s.setFlash(w, msg)
	http.Redirect(w, r, "/floor/putaway?from="+url.QueryEscape(t.From), http.StatusSeeOther)
	return nil
}

// errorComponent renders nothing and fails with err, so that render
// answers with an error page.
func errorComponent(err error) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, _ io.Writer) error { return err })
}

func (s *server) putawaySettingsModel(f views.Form) views.PutawaySettingsModel {
	m := views.PutawaySettingsModel{Form: f}
	for _, r := range putaway.Rules {
		m.Rules = append(m.Rules, views.PutawayRule{Name: r.Name, Text: r.Text})
	}
	return m
}

// putawaySettingsPage handles GET /settings/putaway: the rule weights.
func (s *server) putawaySettingsPage(w http.ResponseWriter, r *http.Request) error {
	wt, err := s.Putaway.PutawayWeights(r.Context())
	if err != nil {
		return err
	}
	f := views.Form{Values: map[string]string{}}
	for _, rule := range putaway.Rules {
		v, _ := wt.Of(rule.Name)
		f.Values[rule.Name] = strconv.Itoa(v)
	}
	return s.render(w, r, http.StatusOK, views.PutawaySettings(s.pageFor(w, r, "Putaway rule weights"), s.putawaySettingsModel(f)))
}

// savePutawaySettings handles POST /settings/putaway.
func (s *server) savePutawaySettings(w http.ResponseWriter, r *http.Request) error {
	var names []string
	for _, rule := range putaway.Rules {
		names = append(names, rule.Name)
	}
	f := formOf(r, names...)
	page := func(f views.Form) templ.Component {
		return views.PutawaySettings(s.pageFor(w, r, "Putaway rule weights"), s.putawaySettingsModel(f))
	}
	var wt putaway.Weights
	for _, name := range names {
		if f.Value(name) == "" {
			return s.refuse(w, r, f, app.FieldErrorf(name, "is required: a whole number from 0 to %d", putaway.MaxWeight), page)
		}
		n, err := parseWhole(name, f.Value(name), putaway.MaxWeight)
		if err != nil {
			return s.refuse(w, r, f, err, page)
		}
		wt.Set(name, int(n))
	}
	if err := s.Putaway.SetPutawayWeights(r.Context(), wt); err != nil {
		return s.refuse(w, r, f, err, page)
	}
	s.setFlash(w, "Putaway rule weights saved.")
	http.Redirect(w, r, "/settings/putaway", http.StatusSeeOther)
	return nil
}
