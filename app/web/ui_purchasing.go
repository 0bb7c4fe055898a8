package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"depot/app"
	"depot/views"
)

// purchasingUIRoutes adds the purchasing pages: purchase orders and
// suppliers. Reading needs read_stock, changing manage_purchasing. Without
// a purchasing service there are none.
func (s *server) purchasingUIRoutes(r chi.Router) {
	if s.Purchasing == nil {
		return
	}
	read := r.With(s.page(app.ReadStock))
	manage := r.With(s.page(app.ManagePurchasing))
	read.Get("/purchasing", s.html(s.poListPage))
	read.Get("/purchasing/orders/{number}", s.html(s.poPage))
	manage.Get("/purchasing/new", s.html(s.poNewPage))
	manage.Post("/purchasing/new", s.html(s.createPOForm))
	manage.Get("/purchasing/skus", s.html(s.skuOptions))
	manage.Get("/purchasing/orders/{number}/edit", s.html(s.poEditPage))
	manage.Post("/purchasing/orders/{number}/edit", s.html(s.updatePOForm))
	manage.Post("/purchasing/orders/{number}/{action}", s.html(s.actOnPOForm))
	read.Get("/purchasing/suppliers", s.html(s.suppliersPage))
	read.Get("/purchasing/suppliers/{code}", s.html(s.supplierPage))
	manage.Get("/purchasing/suppliers/new", s.html(s.supplierNewPage))
	manage.Post("/purchasing/suppliers/new", s.html(s.createSupplierForm))
	manage.Get("/purchasing/suppliers/{code}/edit", s.html(s.supplierEditPage))
	manage.Post("/purchasing/suppliers/{code}/edit", s.html(s.updateSupplierForm))
	manage.Post("/lots/{id}/supplier", s.html(s.setLotSupplier))
}

// canManagePurchasing reports whether the signed-in user may change
// purchasing.
func canManagePurchasing(r *http.Request) bool {
	return sessionFrom(r.Context()).User.Authorize(app.ManagePurchasing) == nil
}

// poListLimit is how many orders the list shows.
const poListLimit = 200

// poListPage handles GET /purchasing?status=&supplier=&sku=. A bad filter
// is shown beside its field.
func (s *server) poListPage(w http.ResponseWriter, r *http.Request) error {
	q, err := queryParams(r, "status", "supplier", "sku")
	if err != nil {
		return err
	}
	m := views.POListModel{Filter: views.Form{Values: q}, CanManage: canManagePurchasing(r), Limit: poListLimit}
	if m.Suppliers, err = s.Purchasing.Suppliers(r.Context(), ""); err != nil {
		return err
	}
	f := app.POFilter{Status: app.POStatus(q["status"]), Supplier: q["supplier"], SKU: q["sku"], Limit: poListLimit}
	if f.Status == "open" {
		f.Status, f.Open = "", true
	}
	if m.Orders, err = s.Purchasing.PurchaseOrders(r.Context(), f); err != nil {
		return s.refuse(w, r, m.Filter, err, func(f views.Form) templ.Component {
			m.Filter = f
			return views.POList(s.pageFor(w, r, "Purchase orders"), m)
		})
	}
	return s.render(w, r, http.StatusOK, views.POList(s.pageFor(w, r, "Purchase orders"), m))
}

// poPage handles GET /purchasing/orders/{number}.
func (s *server) poPage(w http.ResponseWriter, r *http.Request) error {
	number, err := pathParam(r, "number")
	if err != nil {
		return err
	}
	po, err := s.Purchasing.PurchaseOrder(r.Context(), number)
	if err != nil {
		return err
	}
	m := views.POModel{PO: po, CanManage: canManagePurchasing(r)}
	return s.render(w, r, http.StatusOK, views.POPage(s.pageFor(w, r, "Purchase order "+po.Number), m))
}

// poFormPage renders the order form with its suppliers.
func (s *server) poFormPage(w http.ResponseWriter, r *http.Request, status int, m views.POFormModel) error {
	var err error
	if m.Suppliers, err = s.Purchasing.Suppliers(r.Context(), ""); err != nil {
		return err
	}
	title := "New purchase order"
	if m.Number != "" {
		title = "Edit " + m.Number
	}
	return s.render(w, r, status, views.POForm(s.pageFor(w, r, title), m))
}

// poNewPage handles GET /purchasing/new?supplier=.
func (s *server) poNewPage(w http.ResponseWriter, r *http.Request) error {
	q, err := queryParams(r, "supplier")
	if err != nil {
		return err
	}
	f := views.Form{Values: map[string]string{"supplier": q["supplier"]}}
	return s.poFormPage(w, r, http.StatusOK, views.POFormModel{Form: f, Rows: 3})
}

// poEditPage handles GET /purchasing/orders/{number}/edit: the draft in
// the form.
func (s *server) poEditPage(w http.ResponseWriter, r *http.Request) error {
	number, err := pathParam(r, "number")
	if err != nil {
		return err
	}
	po, err := s.Purchasing.PurchaseOrder(r.Context(), number)
	if err != nil {
		return err
	}
	if po.Status != app.PODraft {
		return app.Errorf(app.ECONFLICT, "purchase order %s is %s: only a draft can be edited", po.Number, po.Status)
	}
	v := map[string]string{"supplier": po.Supplier, "expected_on": po.ExpectedOn, "dock": po.Dock, "note": po.Note}
	for i, l := range po.Lines {
		v[poField(i, "sku")], v[poField(i, "qty")] = l.SKU, strconv.FormatInt(l.Ordered, 10)
		v[poField(i, "cost")] = formatDecimal(l.UnitCostMinor, 2, 2)
		if l.ExpectedOn != po.ExpectedOn {
			v[poField(i, "expected_on")] = l.ExpectedOn
		}
	}
	m := views.POFormModel{Number: po.Number, Form: views.Form{Values: v}, Rows: min(len(po.Lines)+1, app.MaxPOLines)}
	return s.poFormPage(w, r, http.StatusOK, m)
}

func poField(i int, name string) string { return fmt.Sprintf("l%d.%s", i, name) }

// poLineNames are the inputs of one line row.
var poLineNames = []string{"sku", "qty", "cost", "expected_on"}

// poFromForm reads the order form: the header and the rows that are not
// empty. index maps each line of the order to its form row, for errors.
// "more" asks for one more row: ok is false then.
func poFromForm(r *http.Request) (f views.Form, rows int, o app.NewPurchaseOrder, index []int, err error) {
	rows, _ = strconv.Atoi(r.PostFormValue("rows"))
	rows = min(max(rows, 1), app.MaxPOLines)
	names := []string{"number", "supplier", "expected_on", "dock", "note"}
	for i := 0; i < rows; i++ {
		for _, n := range poLineNames {
			names = append(names, poField(i, n))
		}
	}
	f = formOf(r, names...)
	o = app.NewPurchaseOrder{Number: f.Value("number"), Supplier: f.Value("supplier"), ExpectedOn: f.Value("expected_on"),
		Dock: f.Value("dock"), Note: f.Value("note"), UserID: sessionFrom(r.Context()).User.ID}
	for i := 0; i < rows; i++ {
		empty := true
		for _, n := range poLineNames {
			empty = empty && f.Value(poField(i, n)) == ""
		}
		if empty {
			continue
		}
		l := app.NewPOLine{SKU: f.Value(poField(i, "sku")), ExpectedOn: f.Value(poField(i, "expected_on"))}
		if l.Qty, err = parseWhole(poField(i, "qty"), f.Value(poField(i, "qty")), app.MaxQty); err != nil {
			return
		}
		if l.UnitCostMinor, err = parseDecimal(poField(i, "cost"), f.Value(poField(i, "cost")), 2, "an amount like 12.50"); err != nil {
			return
		}
		o.Lines = append(o.Lines, l)
		index = append(index, i)
	}
	if len(o.Lines) == 0 {
		err = app.FieldErrorf(poField(0, "sku"), "an order needs at least one line: give its SKU and quantity")
	}
	return
}

// poFormError renames the field of a store error (lines[2].unit_cost_minor)
// to the form's input (l4.cost) through index.
func poFormError(err error, index []int) error {
	e, ok := err.(*app.Error)
	if !ok {
		return err
	}
	c := *e
	if rest, ok := strings.CutPrefix(e.Field, "lines["); ok {
		if i, tail, ok := strings.Cut(rest, "]."); ok {
			if n, err := strconv.Atoi(i); err == nil && n < len(index) {
				c.Field = poField(index[n], strings.Replace(tail, "unit_cost_minor", "cost", 1))
			}
		}
	} else if e.Field == "lines" {
		c.Field = poField(0, "sku")
	}
	return &c
}

// createPOForm handles POST /purchasing/new.
func (s *server) createPOForm(w http.ResponseWriter, r *http.Request) error {
	f, rows, o, index, err := poFromForm(r)
	m := views.POFormModel{Form: f, Rows: rows}
	if r.PostFormValue("more") != "" {
		m.Form.Field, m.Form.Error, m.Rows = "", "", min(rows+1, app.MaxPOLines)
		return s.poFormPage(w, r, http.StatusOK, m)
	}
	var po *app.PurchaseOrder
	if err == nil {
		po, _, err = s.Purchasing.CreatePurchaseOrder(r.Context(), o)
		err = poFormError(err, index)
	}
	if err != nil {
		return s.refusePOForm(w, r, m, err)
	}
	s.setFlash(w, fmt.Sprintf("Purchase order %s saved as a draft with %d lines.", po.Number, len(po.Lines)))
	http.Redirect(w, r, string(views.POURL(po.Number)), http.StatusSeeOther)
	return nil
}

// updatePOForm handles POST /purchasing/orders/{number}/edit.
func (s *server) updatePOForm(w http.ResponseWriter, r *http.Request) error {
	number, err := pathParam(r, "number")
	if err != nil {
		return err
	}
	f, rows, o, index, err := poFromForm(r)
	m := views.POFormModel{Number: number, Form: f, Rows: rows}
	if r.PostFormValue("more") != "" {
		m.Rows = min(rows+1, app.MaxPOLines)
		return s.poFormPage(w, r, http.StatusOK, m)
	}
	var po *app.PurchaseOrder
	if err == nil {
		po, err = s.Purchasing.UpdatePurchaseOrder(r.Context(), number, o)
		err = poFormError(err, index)
	}
	if err != nil {
		return s.refusePOForm(w, r, m, err)
	}
	s.setFlash(w, fmt.Sprintf("Draft %s saved with %d lines.", po.Number, len(po.Lines)))
	http.Redirect(w, r, string(views.POURL(po.Number)), http.StatusSeeOther)
	return nil
}

// refusePOForm shows the order form again, as typed, with the error.
func (s *server) refusePOForm(w http.ResponseWriter, r *http.Request, m views.POFormModel, err error) error {
	return s.refuse(w, r, m.Form, err, func(f views.Form) templ.Component {
		m.Form = f
		var err error
		if m.Suppliers, err = s.Purchasing.Suppliers(r.Context(), ""); err != nil {
			return templ.ComponentFunc(func(context.Context, io.Writer) error { return err })
		}
		return views.POForm(s.pageFor(w, r, "Purchase order"), m)
	})
}

// skuOptions handles GET /purchasing/skus?<any one input>=q: the options
// of the order form's SKU search, for the line input that asked (htmx
// sends the input under its own name).
func (s *server) skuOptions(w http.ResponseWriter, r *http.Request) error {
	var q string
	for k, v := range r.URL.Query() {
		if (k == "q" || strings.HasSuffix(k, ".sku")) && len(v) == 1 {
			q = strings.TrimSpace(v[0])
		}
	}
	var hits []app.VariantHit
	if q != "" {
		var err error
		if hits, err = s.Browse.SearchVariants(r.Context(), q, 10); err != nil {
			return err
		}
	}
	return s.render(w, r, http.StatusOK, views.SKUOptions(hits))
}

// actOnPOForm handles POST /purchasing/orders/{number}/send, /close and
// /cancel.
func (s *server) actOnPOForm(w http.ResponseWriter, r *http.Request) error {
	number, err := pathParam(r, "number")
	if err != nil {
		return err
	}
	a, err := app.ParsePOAction(chi.URLParam(r, "action"))
	if err != nil {
		return app.Errorf(app.ENOTFOUND, "there is no page %s", clipText(r.URL.Path))
	}
	u := sessionFrom(r.Context()).User
	po, done, err := s.Purchasing.ActOnPurchaseOrder(r.Context(), number, a, u.ID)
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("Purchase order %s is %s.", po.Number, po.Status)
	if done {
		msg = fmt.Sprintf("Purchase order %s was %s already.", po.Number, po.Status)
	} else {
		s.log.Info("purchase order "+string(a), "number", po.Number, "status", string(po.Status), "by", u.Username)
	}
	s.setFlash(w, msg)
	http.Redirect(w, r, string(views.POURL(po.Number)), http.StatusSeeOther)
	return nil
}
