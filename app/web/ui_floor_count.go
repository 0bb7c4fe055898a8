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

// RecountRule says when a count's difference is large enough to ask for a
// second count before posting: more than Units units, or more than Percent
// percent of what the system expects.
type RecountRule struct {
	Units   int64
	Percent int64
}

// DefaultRecount asks again above 5 units or 10 percent.
var DefaultRecount = RecountRule{Units: 5, Percent: 10}

// large reports whether counting counted where expected is a large
// difference.
func (rr RecountRule) large(expected, counted int64) bool {
	d := counted - expected
	if d < 0 {
		d = -d
	}
	return d > rr.Units || d*100 > rr.Percent*expected
}

// countExtraRows is how many rows a count sheet offers for items found in
// the bin but not listed.
const countExtraRows = 3

// countLines reads the bin's stock as count lines, checking that the bin is
// a physical location.
func (s *server) countLines(r *http.Request, bin string) (string, []views.CountLine, error) {
	l, err := s.Catalog.Location(r.Context(), bin)
	if err != nil {
		return "", nil, &app.Error{Code: app.ErrorCode(err), Field: "bin", Message: app.ErrorMessage(err)}
	}
	if l.Kind == app.KindVirtual {
		return "", nil, app.FieldErrorf("bin", "%s is a virtual location; count a bin", l.Code)
	}
	levels, err := s.Ledger.Stock(r.Context(), app.StockFilter{Location: l.Code, Limit: 1000})
	if err != nil {
		return "", nil, err
	}
	var out []views.CountLine
	for _, lv := range levels {
		if strings.EqualFold(lv.Location, l.Code) {
			out = append(out, views.CountLine{SKU: lv.SKU, Lot: lv.Lot, Expected: lv.OnHand})
		}
	}
	return l.Code, out, nil
}

// countPage handles GET /floor/count?bin=&blind=1: the bin's count sheet,
// or the form that asks for the bin.
func (s *server) countPage(w http.ResponseWriter, r *http.Request) error {
	q, err := queryParams(r, "bin", "blind")
	if err != nil {
		return err
	}
	f := views.Form{Values: map[string]string{"bin": q["bin"], "blind": q["blind"]}}
	if q["bin"] == "" {
		return s.render(w, r, http.StatusOK, views.FloorCountStart(s.pageFor(w, r, "Count"), f))
	}
	bin, lines, err := s.countLines(r, q["bin"])
	if err != nil {
		if app.ErrorCode(err) == app.EINTERNAL {
			return err
		}
		f.Field, f.Error = "bin", app.ErrorMessage(err)
		return s.render(w, r, statusOf[app.ErrorCode(err)], views.FloorCountStart(s.pageFor(w, r, "Count"), f))
	}
	m := views.CountModel{Bin: bin, Blind: q["blind"] != "", Lines: lines, Extra: countExtraRows, Form: freshForm()}
	return s.render(w, r, http.StatusOK, views.FloorCount(s.pageFor(w, r, "Count "+bin), m))
}

// postCount handles POST /floor/count: the counted quantities of the bin
// posted as one count movement. When a line differs a lot from the system
// and has no second count yet, the sheet comes back asking for one and
// nothing is posted.
func (s *server) postCount(w http.ResponseWriter, r *http.Request) error {
	nLines, _ := strconv.Atoi(r.PostFormValue("lines"))
	nExtra, _ := strconv.Atoi(r.PostFormValue("extra"))
	if nLines < 0 || nLines > app.MaxLines || nExtra < 0 || nExtra > 50 {
		return app.FieldErrorf("lines", "the count sheet is malformed; reload it")
	}
	names := []string{"key", "bin", "blind"}
	for i := 0; i < nLines; i++ {
		p := fmt.Sprintf("l%d.", i)
		names = append(names, p+"sku", p+"lot", p+"counted", p+"recount")
	}
	for i := 0; i < nExtra; i++ {
		p := fmt.Sprintf("x%d.", i)
		names = append(names, p+"item", p+"lot", p+"counted", p+"recount")
	}
	f := formOf(r, names...)
	bin, current, err := s.countLines(r, f.Value("bin"))
	if err != nil {
		return err
	}
	expected := map[string]int64{}
	for _, c := range current {
		expected[c.SKU+"\x00"+c.Lot] = c.Expected
	}
	m := views.CountModel{Bin: bin, Blind: f.Value("blind") != "", Extra: nExtra, Form: f}
	refuse := func(err error) error {
		return s.refuse(w, r, f, err, func(f views.Form) templ.Component {
			m.Form = f
			return views.FloorCount(s.pageFor(w, r, "Count "+bin), m)
		})
	}
	rule := s.ui.Recount
	if rule == (RecountRule{}) {
		rule = DefaultRecount
	}
	var lines []app.MovementLine
	var extraRow []int // the x row of each line after the listed ones
	var firstErr error
	for i := 0; i < nLines; i++ {
		p := fmt.Sprintf("l%d.", i)
		cl := views.CountLine{SKU: f.Value(p + "sku"), Lot: f.Value(p + "lot")}
		cl.Expected = expected[cl.SKU+"\x00"+cl.Lot]
		counted, err := parseWhole(p+"counted", f.Value(p+"counted"), app.MaxQty)
		if err == nil && f.Value(p+"counted") == "" {
			err = app.FieldErrorf(p+"counted", "is required: the quantity found (0 when none)")
		}
		if err == nil && rule.large(cl.Expected, counted) {
			if f.Value(p+"recount") == "" {
				cl.Recount, m.Recount = true, true
			} else {
				counted, err = parseWhole(p+"recount", f.Value(p+"recount"), app.MaxQty)
				cl.Recount = true
			}
		}
		if err != nil && firstErr == nil {
			firstErr = err
		}
		m.Lines = append(m.Lines, cl)
		lines = append(lines, countLine(cl.SKU, cl.Lot, bin, counted))
	}
	for i := 0; i < nExtra; i++ {
		p := fmt.Sprintf("x%d.", i)
		if f.Value(p+"item") == "" && f.Value(p+"counted") == "" {
			continue
		}
		it, err := s.resolveItem(r.Context(), p+"item", f.Value(p+"item"))
		var counted int64
		if err == nil {
			counted, err = parseWhole(p+"counted", f.Value(p+"counted"), app.MaxQty)
		}
		lot := f.Value(p + "lot")
		if lot == "" {
			lot = it.Lot
		}
		counted *= max(it.Per, 1)
		// Found stock is a difference too: large ones are counted twice.
		if err == nil && rule.large(expected[it.SKU+"\x00"+lot], counted) {
			if f.Value(p+"recount") == "" {
				m.ExtraRecount, m.Recount = mapSet(m.ExtraRecount, i), true
			} else if counted, err = parseWhole(p+"recount", f.Value(p+"recount"), app.MaxQty); err == nil {
				counted *= max(it.Per, 1)
				m.ExtraRecount = mapSet(m.ExtraRecount, i)
			}
		}
		if err != nil && firstErr == nil {
			firstErr = err
		}
		lines = append(lines, countLine(it.SKU, lot, bin, counted))
		extraRow = append(extraRow, i)
	}
	if firstErr != nil {
		return refuse(firstErr)
	}
	if m.Recount {
		m.Form.Field, m.Form.Error = "", ""
		return s.render(w, r, http.StatusConflict, views.FloorCount(s.pageFor(w, r, "Count "+bin), m))
	}
	mv, replayed, err := s.Ledger.PostMovement(r.Context(), app.PostMovement{Kind: app.Count, IdempotencyKey: f.Value("key"),
		Reference: &app.Reference{Type: "count", ID: bin}, Lines: lines, UserID: sessionFrom(r.Context()).User.ID})
	if err != nil {
		return refuse(countLineField(err, nLines, extraRow))
	}
	if s.Picking != nil {
		// The count answers the bin's count requests (short picks).
		if _, err := s.Picking.CountRequestsDone(r.Context(), bin); err != nil {
			s.log.Warn("count requests of a counted bin", "bin", bin, "err", err)
		}
	}
	var diff int64
	for _, l := range mv.Legs {
		if l.Physical {
			diff += l.Qty
		}
	}
	s.setFlash(w, postedFlash(mv, replayed, fmt.Sprintf("Count of %s posted: %d lines, net difference %+d", bin, len(lines), diff)))
	http.Redirect(w, r, "/floor/count", http.StatusSeeOther)
	return nil
}

func countLine(sku, lot, bin string, counted int64) app.MovementLine {
	l := app.MovementLine{SKU: sku, Location: bin, Counted: &counted}
	if lot != "" {
		l.Lot = &app.LotRef{Code: lot}
	}
	return l
}

// countLineField maps lines[i].x of a count movement to the sheet's input.
func countLineField(err error, nLines int, extraRow []int) error {
	e, ok := err.(*app.Error)
	if !ok {
		return err
	}
	rest, ok := strings.CutPrefix(e.Field, "lines[")
	if !ok {
		return err
	}
	i, tail, _ := strings.Cut(rest, "]")
	n, _ := strconv.Atoi(i)
	c := *e
	switch {
	case n < nLines:
		c.Field = fmt.Sprintf("l%d.counted", n)
	case n-nLines < len(extraRow):
		x := extraRow[n-nLines]
		c.Field = fmt.Sprintf("x%d.item", x)
		if strings.HasPrefix(tail, ".lot") {
			c.Field = fmt.Sprintf("x%d.lot", x)
		}
	default:
		c.Field = ""
	}
	return &c
}

func mapSet(m map[int]bool, i int) map[int]bool {
	if m == nil {
		m = map[int]bool{}
	}
	m[i] = true
	return m
}
