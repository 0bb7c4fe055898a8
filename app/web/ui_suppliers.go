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

// suppliersPage handles GET /purchasing/suppliers?q=.
func (s *server) suppliersPage(w http.ResponseWriter, r *http.Request) error {
	q, err := queryParams(r, "q")
	if err != nil {
		return err
	}
	m := views.SuppliersModel{Query: q["q"], CanManage: canManagePurchasing(r)}
	if m.Suppliers, err = s.Purchasing.Suppliers(r.Context(), m.Query); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.Suppliers(s.pageFor(w, r, "Suppliers"), m))
}

// supplierPage handles GET /purchasing/suppliers/{code}: details, the
// on-time record and the supplier's orders.
func (s *server) supplierPage(w http.ResponseWriter, r *http.Request) error {
	code, err := pathParam(r, "code")
	if err != nil {
		return err
	}
	m := views.SupplierModel{CanManage: canManagePurchasing(r)}
	if m.Supplier, err = s.Purchasing.Supplier(r.Context(), code); err != nil {
		return err
	}
	if m.Record, err = s.Purchasing.SupplierRecord(r.Context(), m.Supplier.Code); err != nil {
		return err
	}
	if m.Orders, err = s.Purchasing.PurchaseOrders(r.Context(), app.POFilter{Supplier: m.Supplier.Code, Limit: poListLimit}); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.SupplierPage(s.pageFor(w, r, "Supplier "+m.Supplier.Code), m))
}

// supplierNewPage handles GET /purchasing/suppliers/new.
func (s *server) supplierNewPage(w http.ResponseWriter, r *http.Request) error {
	m := views.SupplierFormModel{Form: views.Form{Values: map[string]string{}}}
	return s.render(w, r, http.StatusOK, views.SupplierForm(s.pageFor(w, r, "New supplier"), m))
}

// supplierEditPage handles GET /purchasing/suppliers/{code}/edit.
func (s *server) supplierEditPage(w http.ResponseWriter, r *http.Request) error {
	code, err := pathParam(r, "code")
	if err != nil {
		return err
	}
	sup, err := s.Purchasing.Supplier(r.Context(), code)
	if err != nil {
		return err
	}
	m := views.SupplierFormModel{Code: sup.Code, Form: views.Form{Values: map[string]string{
		"name": sup.Name, "email": sup.Email, "phone": sup.Phone}}}
	return s.render(w, r, http.StatusOK, views.SupplierForm(s.pageFor(w, r, "Edit "+sup.Code), m))
}

// createSupplierForm handles POST /purchasing/suppliers/new. A supplier
// that exists with the same details is not an error (a form sent twice).
func (s *server) createSupplierForm(w http.ResponseWriter, r *http.Request) error {
	f := formOf(r, "code", "name", "email", "phone")
	sup, _, err := s.Purchasing.CreateSupplier(r.Context(), app.NewSupplier{Code: f.Value("code"), Name: f.Value("name"),
		Email: f.Value("email"), Phone: f.Value("phone")})
	if err != nil {
		return s.refuse(w, r, f, err, func(f views.Form) templ.Component {
			return views.SupplierForm(s.pageFor(w, r, "New supplier"), views.SupplierFormModel{Form: f})
		})
	}
	s.setFlash(w, fmt.Sprintf("Supplier %s saved.", sup.Code))
	http.Redirect(w, r, string(views.SupplierURL(sup.Code)), http.StatusSeeOther)
	return nil
}

// updateSupplierForm handles POST /purchasing/suppliers/{code}/edit.
func (s *server) updateSupplierForm(w http.ResponseWriter, r *http.Request) error {
	code, err := pathParam(r, "code")
	if err != nil {
		return err
	}
	f := formOf(r, "name", "email", "phone")
	sup, err := s.Purchasing.UpdateSupplier(r.Context(), code, app.NewSupplier{Name: f.Value("name"),
		Email: f.Value("email"), Phone: f.Value("phone")})
	if err != nil {
		return s.refuse(w, r, f, err, func(f views.Form) templ.Component {
			return views.SupplierForm(s.pageFor(w, r, "Edit "+code), views.SupplierFormModel{Code: code, Form: f})
		})
	}
	s.setFlash(w, fmt.Sprintf("Supplier %s saved.", sup.Code))
	http.Redirect(w, r, string(views.SupplierURL(sup.Code)), http.StatusSeeOther)
	return nil
}

// setLotSupplier handles POST /lots/{id}/supplier: the supplier a lot came
// from ("" clears it).
func (s *server) setLotSupplier(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		return app.Errorf(app.ENOTFOUND, "there is no lot %q", clipText(chi.URLParam(r, "id")))
	}
	if err := s.Purchasing.SetLotSupplier(r.Context(), id, r.PostFormValue("supplier")); err != nil {
		return err
	}
	s.setFlash(w, "Supplier of the lot saved.")
	http.Redirect(w, r, "/lots/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}
