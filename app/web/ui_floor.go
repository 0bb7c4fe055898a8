package web

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"depot/app"
	"depot/views"
)

// floorRoutes adds the floor screens (move, adjust, count, the scanner
// test) and the scan resolver to r, inside the session group.
func (s *server) floorRoutes(r chi.Router) {
	read := r.With(s.page(app.ReadStock))
	read.Get("/scan", s.html(s.scanPage))
	read.Get("/floor/scanner", s.html(s.scannerTestPage))
	r.With(s.page(app.UseFloor)).Get("/floor", s.html(s.floorPage))
	move := r.With(s.page(app.PostAction(app.Move)))
	move.Get("/floor/move", s.html(s.movePage))
	move.Post("/floor/move", s.html(s.postMove))
	adjust := r.With(s.page(app.PostAction(app.Adjust)))
	adjust.Get("/floor/adjust", s.html(s.adjustPage))
	adjust.Post("/floor/adjust", s.html(s.postAdjust))
	count := r.With(s.page(app.PostAction(app.Count)))
	count.Get("/floor/count", s.html(s.countPage))
	count.Post("/floor/count", s.html(s.postCount))
}

// newKey is a fresh idempotency key for a floor form: a double submit of
// the form sends it twice and posts once.
func newKey() string {
	b := make([]byte, 12)
	rand.Read(b)
	return "ui-" + hex.EncodeToString(b)
}

// freshForm is an empty floor form with a new key.
func freshForm(values ...string) views.Form {
	f := views.Form{Values: map[string]string{"key": newKey()}}
	for i := 0; i+1 < len(values); i += 2 {
		f.Values[values[i]] = values[i+1]
	}
	return f
}

func (s *server) floorPage(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, views.Floor(s.pageFor(w, r, "Floor")))
}

// movePage handles GET /floor/move?from=: the source bin may be given, to
// move several items out of one bin.
func (s *server) movePage(w http.ResponseWriter, r *http.Request) error {
	q, err := queryParams(r, "from")
	if err != nil {
		return err
	}
	m := views.FloorModel{Form: freshForm("from", q["from"])}
	return s.render(w, r, http.StatusOK, views.FloorMove(s.pageFor(w, r, "Move"), m))
}

// lineField maps a movement line's field to the floor form's input.
func lineField(err error, names map[string]string) error {
	e, ok := err.(*app.Error)
	if !ok {
		return err
	}
	c := *e
	f := strings.TrimPrefix(e.Field, "lines[0].")
	for from, to := range names {
		if f == from || strings.HasPrefix(f, from+".") {
			c.Field = to
			return &c
		}
	}
	if f != e.Field {
		c.Field = ""
	}
	return &c
}

// floorQty reads the quantity of a floor form: whole units, or whole cases
// when a case was scanned (per units each). Empty is one, so a scanner
// alone moves one unit or one case.
func floorQty(f views.Form, per int64) (int64, error) {
	if f.Value("qty") == "" {
		return per, nil
	}
	n, err := parseWhole("qty", f.Value("qty"), app.MaxQty)
	if err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, app.FieldErrorf("qty", "must be at least 1")
	}
	if per > 1 && n > app.MaxQty/per {
		return 0, app.FieldErrorf("qty", "%d cases of %d is too many", n, per)
	}
	return n * per, nil
}

// itemLine resolves the item (and lot) of a floor form into a movement line.
func (s *server) itemLine(r *http.Request, f views.Form) (app.MovementLine, scannedItem, error) {
	it, err := s.resolveItem(r.Context(), "item", f.Value("item"))
	if err != nil {
		return app.MovementLine{}, it, err
	}
	l := app.MovementLine{SKU: it.SKU}
	lot := f.Value("lot")
	if lot == "" {
		lot = it.Lot
	} else if it.Lot != "" && it.Lot != lot {
		return l, it, app.FieldErrorf("lot", "%s does not match lot %s in the item's GS1 barcode", lot, it.Lot)
	}
	if lot != "" {
		l.Lot = &app.LotRef{Code: lot}
	}
	if l.Qty, err = floorQty(f, it.Per); err != nil {
		return l, it, err
	}
	return l, it, nil
}

// postMove handles POST /floor/move: one move movement.
func (s *server) postMove(w http.ResponseWriter, r *http.Request) error {
	f := formOf(r, "key", "from", "item", "lot", "qty", "to")
	page := func(f views.Form) templ.Component {
		return views.FloorMove(s.pageFor(w, r, "Move"), views.FloorModel{Form: f})
	}
	if f.Value("from") == "" {
		return s.refuse(w, r, f, app.FieldErrorf("from", "is required: scan the bin the goods leave"), page)
	}
	l, it, err := s.itemLine(r, f)
	if err == nil && f.Value("to") == "" {
		err = app.FieldErrorf("to", "is required: scan the bin the goods go to")
	}
	if err == nil && strings.EqualFold(f.Value("to"), f.Value("from")) {
		err = app.FieldErrorf("to", "is the source bin; scan another bin")
	}
	if err != nil {
		return s.refuse(w, r, f, err, page)
	}
	l.From, l.To = f.Value("from"), f.Value("to")
	m, replayed, err := s.Ledger.PostMovement(r.Context(), app.PostMovement{Kind: app.Move, IdempotencyKey: f.Value("key"),
		Lines: []app.MovementLine{l}, UserID: sessionFrom(r.Context()).User.ID})
	if err != nil {
		return s.refuse(w, r, f, lineField(err, map[string]string{"from": "from", "to": "to", "sku": "item", "qty": "qty", "lot": "lot"}), page)
	}
	s.setFlash(w, postedFlash(m, replayed, fmt.Sprintf("Moved %d %s%s from %s to %s", l.Qty, it.SKU, lotSuffix(l.Lot), l.From, l.To)))
	http.Redirect(w, r, "/floor/move?from="+url.QueryEscape(l.From), http.StatusSeeOther)
	return nil
}

func lotSuffix(l *app.LotRef) string {
	if l == nil {
		return ""
	}
	return " lot " + l.Code
}

// postedFlash says what was posted, or that a repeated submit posted nothing.
func postedFlash(m *app.Movement, replayed bool, what string) string {
	if replayed {
		return fmt.Sprintf("Already posted as movement %d; nothing was posted twice.", m.ID)
	}
	return fmt.Sprintf("%s (movement %d).", what, m.ID)
}

// adjustPage handles GET /floor/adjust.
func (s *server) adjustPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := queryParams(r); err != nil {
		return err
	}
	reasons, err := s.Edit.AdjustReasonNames(r.Context())
	if err != nil {
		return err
	}
	m := views.FloorModel{Form: freshForm("direction", "out"), Reasons: reasons}
	return s.render(w, r, http.StatusOK, views.FloorAdjust(s.pageFor(w, r, "Adjust"), m))
}

// postAdjust handles POST /floor/adjust: one adjust movement with its
// reason code, stock taken out of the bin or added to it.
func (s *server) postAdjust(w http.ResponseWriter, r *http.Request) error {
	f := formOf(r, "key", "bin", "item", "lot", "qty", "direction", "reason", "note")
	reasons, err := s.Edit.AdjustReasonNames(r.Context())
	if err != nil {
		return err
	}
	page := func(f views.Form) templ.Component {
		return views.FloorAdjust(s.pageFor(w, r, "Adjust"), views.FloorModel{Form: f, Reasons: reasons})
	}
	if f.Value("bin") == "" {
		return s.refuse(w, r, f, app.FieldErrorf("bin", "is required: scan the bin"), page)
	}
	l, it, err := s.itemLine(r, f)
	if err == nil && f.Value("direction") != "in" && f.Value("direction") != "out" {
		err = app.FieldErrorf("direction", "must be in or out")
	}
	if err == nil && f.Value("reason") == "" {
		err = app.FieldErrorf("reason", "is required: say why the stock changes")
	}
	if err != nil {
		return s.refuse(w, r, f, err, page)
	}
	side, verb := "from", "Took"
	if f.Value("direction") == "in" {
		l.To, side, verb = f.Value("bin"), "to", "Added"
	} else {
		l.From = f.Value("bin")
	}
	m, replayed, err := s.Ledger.PostMovement(r.Context(), app.PostMovement{Kind: app.Adjust, IdempotencyKey: f.Value("key"),
		Reason: f.Value("reason"), Note: f.Value("note"), Lines: []app.MovementLine{l}, UserID: sessionFrom(r.Context()).User.ID})
	if err != nil {
		return s.refuse(w, r, f, lineField(err, map[string]string{side: "bin", "sku": "item", "qty": "qty", "lot": "lot"}), page)
	}
	s.setFlash(w, postedFlash(m, replayed, fmt.Sprintf("%s %d %s%s %s %s (%s)", verb, l.Qty, it.SKU, lotSuffix(l.Lot),
		map[string]string{"from": "out of", "to": "into"}[side], f.Value("bin"), f.Value("reason"))))
	http.Redirect(w, r, "/floor/adjust", http.StatusSeeOther)
	return nil
}
