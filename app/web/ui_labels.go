package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"time"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"depot/app"
	"depot/hardware/label"
	"depot/views"
)

// labelsUIRoutes adds the receipt label pages (inside the session group).
func (s *server) labelsUIRoutes(r chi.Router) {
	recv := r.With(s.page(app.ReceiveGoods))
	recv.Get("/labels/receipt", s.html(s.receiptLabelsPage))
	recv.Post("/labels/receipt/print", s.html(s.printReceiptLabels))
}

// receiptLabelParams are the parameters of the receipt label page and its
// print form; the receive screen links here with the same names.
var receiptLabelParams = []string{"sku", "lot", "expires", "qty", "per", "copies"}

// Limits of one label job.
const (
	maxLabelCopies = 100
	maxLabelJob    = 1000
	labelDPI       = 203
)

// receiptJob is the labels of one receipt: each distinct label and how
// many of it print.
type receiptJob struct {
	variant *app.Variant
	labels  []*label.Label
	titles  []string
	copies  []int
	total   int
}

// receiptLabelJob reads the parameters (from the query or the print form)
// and lays out the labels. With per (units in a case) it makes one case
// label per full case of qty and one for the rest; without, one lot label.
// copies multiplies each. Errors name the parameter.
func (s *server) receiptLabelJob(ctx context.Context, v map[string]string) (*receiptJob, error) {
	if v["sku"] == "" {
		return nil, app.FieldErrorf("sku", "is required: the SKU of the received goods")
	}
	variant, err := s.Catalog.Variant(ctx, v["sku"])
	if err != nil {
		return nil, err
	}
	r := label.Receipt{SKU: variant.SKU, Name: variant.ProductName, GTIN: variant.GTIN, Lot: v["lot"]}
	if e := v["expires"]; e != "" {
		if r.Expiry, err = time.Parse("2006-01-02", e); err != nil {
			return nil, app.FieldErrorf("expires", "%q is not a date YYYY-MM-DD", clipText(e))
		}
	}
	qty, err := parseWhole("qty", v["qty"], app.MaxQty)
	if err != nil {
		return nil, err
	}
	per, err := parseWhole("per", v["per"], 99_999_999)
	if err != nil {
		return nil, err
	}
	copies := int64(1)
	if v["copies"] != "" {
		if copies, err = parseWhole("copies", v["copies"], maxLabelCopies); err == nil && copies == 0 {
			err = app.FieldErrorf("copies", "must be at least 1")
		}
		if err != nil {
			return nil, err
		}
	}
	job := &receiptJob{variant: variant}
	add := func(l *label.Label, title string, n int64) {
		job.labels, job.titles, job.copies = append(job.labels, l), append(job.titles, title), append(job.copies, int(n*copies))
		job.total += int(n * copies)
	}
	if per == 0 {
		l, err := label.LotLabel(r, labelDPI)
		if err != nil {
			return nil, err
		}
		add(l, "Lot label", 1)
		return job, nil
	}
	full, rest := qty/per, qty%per
	if qty == 0 {
		full = 1
	}
	if (full+min(rest, 1))*copies > maxLabelJob {
		return nil, app.FieldErrorf("qty", "%d units in cases of %d make %d labels; one job prints at most %d", qty, per, (full+min(rest, 1))*copies, maxLabelJob)
	}
	for _, c := range []struct{ n, count int64 }{{per, full}, {rest, min(rest, 1)}} {
		if c.count == 0 {
			continue
		}
		r.PerCase = c.n
		l, err := label.CaseLabel(r, labelDPI)
		if err != nil {
			return nil, err
		}
		add(l, fmt.Sprintf("Case of %d", c.n), c.count)
	}
	return job, nil
}

// labelStations returns the running stations with a printer, by code.
func (s *server) labelStations() []views.LabelStation {
	d, err := s.devices()
	if err != nil {
		return nil
	}
	var out []views.LabelStation
	for _, st := range d.Stations.States() {
		if st.Config.Printer != "" {
			out = append(out, views.LabelStation{Code: st.Code, Name: st.Name, Printer: st.Config.Printer})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// receiptLabelsModel builds the page for the job and the print form f.
func (s *server) receiptLabelsModel(job *receiptJob, query, f views.Form) (views.ReceiptLabelsModel, error) {
	m := views.ReceiptLabelsModel{Query: query, SKU: job.variant.SKU, Name: job.variant.ProductName, Total: job.total,
		Stations: s.labelStations(), Form: f}
	for i, l := range job.labels {
		svg, err := l.SVG()
		if err != nil {
			return m, err
		}
		m.Labels = append(m.Labels, views.LabelPreview{Title: job.titles[i], Copies: job.copies[i], SVG: string(svg)})
	}
	return m, nil
}

// receiptLabelsPage handles GET /labels/receipt?sku=&lot=&expires=&qty=&per=&copies=:
// a preview of the receipt's labels, with a form to print them on a
// station's printer and a button to print them from the browser.
func (s *server) receiptLabelsPage(w http.ResponseWriter, r *http.Request) error {
	q, err := queryParams(r, receiptLabelParams...)
	if err != nil {
		return err
	}
	job, err := s.receiptLabelJob(r.Context(), q)
	if err != nil {
		return err
	}
	query := views.Form{Values: q}
	copies := q["copies"]
	if copies == "" {
		copies = "1"
	}
	m, err := s.receiptLabelsModel(job, query, views.Form{Values: map[string]string{"copies": copies}})
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.ReceiptLabels(s.pageFor(w, r, "Labels "+job.variant.SKU), m))
}

// printReceiptLabels handles POST /labels/receipt/print: the page's
// parameters, station and copies. It prints the job on the station's
// printer and goes back to the page; a refusal shows the page again with
// the error beside the station or copies.
func (s *server) printReceiptLabels(w http.ResponseWriter, r *http.Request) error {
	f := formOf(r, append(receiptLabelParams, "station")...)
	job, err := s.receiptLabelJob(r.Context(), f.Values)
	var copiesErr error
	if app.ErrorField(err) == "copies" {
		// Refused beside the copies field, on the page of one copy each.
		copiesErr = err
		one := map[string]string{}
		for k, v := range f.Values {
			one[k] = v
		}
		one["copies"] = ""
		job, err = s.receiptLabelJob(r.Context(), one)
	}
	if err != nil {
		return err
	}
	query := views.Form{Values: map[string]string{}}
	for _, k := range receiptLabelParams {
		query.Values[k] = f.Value(k)
	}
	page := func(f views.Form) templ.Component {
		m, err := s.receiptLabelsModel(job, query, f)
		if err != nil {
			return templ.ComponentFunc(func(context.Context, io.Writer) error { return err })
		}
		return views.ReceiptLabels(s.pageFor(w, r, "Labels "+job.variant.SKU), m)
	}
	if copiesErr != nil {
		return s.refuse(w, r, f, copiesErr, page)
	}
	d, err := s.devices()
	if err != nil {
		return s.refuse(w, r, f, err, page)
	}
	code := f.Value("station")
	if code == "" {
		return s.refuse(w, r, f, app.FieldErrorf("station", "is required: the station whose printer prints the labels"), page)
	}
	st, ok := d.Stations.Station(code)
	if !ok {
		return s.refuse(w, r, f, &app.Error{Code: app.ENOTFOUND, Field: "station", Message: fmt.Sprintf("no station %q is running", clipText(code))}, page)
	}
	if !st.HasPrinter() {
		return s.refuse(w, r, f, app.FieldErrorf("station", "station %s has no label printer", st.Code()), page)
	}
	var labels []*label.Label
	for i, l := range job.labels {
		for range job.copies[i] {
			labels = append(labels, l)
		}
	}
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	if err := st.PrintLabels(ctx, labels...); err != nil {
		if app.ErrorCode(err) == app.EINTERNAL {
			err = app.Errorf(app.EUNAVAILABLE, "%s", err.Error())
		}
		return s.refuse(w, r, f, err, page)
	}
	s.log.Info("receipt labels printed", "station", st.Code(), "sku", job.variant.SKU, "lot", f.Value("lot"),
		"labels", len(labels), "by", sessionFrom(r.Context()).User.Username)
	s.setFlash(w, fmt.Sprintf("%d label(s) sent to the printer of %s.", len(labels), st.Code()))
	back := url.Values{}
	for _, k := range receiptLabelParams {
		if v := query.Value(k); v != "" {
			back.Set(k, v)
		}
	}
	http.Redirect(w, r, "/labels/receipt?"+back.Encode(), http.StatusSeeOther)
	return nil
}
