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

	"depot/app"
	"depot/views"
)

// catalogPage is how many variants the catalog list shows at once.
const catalogPage = 100

// catalogPage handles GET /catalog?q=&archived=1&offset=.
func (s *server) catalogPage(w http.ResponseWriter, r *http.Request) error {
	q, err := queryParams(r, "q", "archived", "offset")
	if err != nil {
		return err
	}
	off, err := intParam(q, "offset", 0, 1<<40, 0, "a row offset")
	if err != nil {
		return err
	}
	m := views.CatalogModel{Query: q["q"], Archived: q["archived"] == "1",
		CanEdit: sessionFrom(r.Context()).User.Authorize(app.EditCatalog) == nil}
	rows, err := s.Edit.Products(r.Context(), m.Query, m.Archived, int(off), catalogPage+1)
	if err != nil {
		return err
	}
	if len(rows) > catalogPage {
		rows, m.Next = rows[:catalogPage], int(off)+catalogPage
	}
	m.Rows = rows
	return s.render(w, r, http.StatusOK, views.Catalog(s.pageFor(w, r, "Catalog"), m))
}

// newProductPage handles GET /catalog/new.
func (s *server) newProductPage(w http.ResponseWriter, r *http.Request) error {
	m := views.ProductFormModel{Rows: 2, Form: views.Form{Values: map[string]string{}}}
	return s.render(w, r, http.StatusOK, views.ProductNew(s.pageFor(w, r, "New product"), m))
}

// maxVariantRows bounds the rows of the new-product form.
const maxVariantRows = 50

// createProductForm handles POST /catalog/new: a product with the variants of
// the rows that are not empty. "more" asks for one more row instead.
func (s *server) createProductForm(w http.ResponseWriter, r *http.Request) error {
	rows, _ := strconv.Atoi(r.PostFormValue("rows"))
	rows = min(max(rows, 1), maxVariantRows)
	names := []string{"name", "category"}
	for i := 0; i < rows; i++ {
		for _, n := range []string{"sku", "gtin", "attributes", "weight_g", "cost", "lots"} {
			names = append(names, fmt.Sprintf("v%d.%s", i, n))
		}
	}
	f := formOf(r, names...)
	p := s.pageFor(w, r, "New product")
	if r.PostFormValue("more") != "" {
		return s.render(w, r, http.StatusOK, views.ProductNew(p, views.ProductFormModel{Form: f, Rows: min(rows+1, maxVariantRows)}))
	}
	page := func(f views.Form) templ.Component {
		return views.ProductNew(p, views.ProductFormModel{Form: f, Rows: rows})
	}
	np := app.NewProduct{Name: f.Value("name"), Category: f.Value("category")}
	var index []int // row of each variant, for error fields
	for i := 0; i < rows; i++ {
		pre := fmt.Sprintf("v%d.", i)
		empty := true
		for _, n := range []string{"sku", "gtin", "attributes", "weight_g", "cost", "lots"} {
			empty = empty && f.Value(pre+n) == ""
		}
		if empty {
			continue
		}
		v, err := variantForm(f, pre)
		if err != nil {
			return s.refuse(w, r, f, err, page)
		}
		np.Variants = append(np.Variants, v)
		index = append(index, i)
	}
	if len(np.Variants) == 0 {
		return s.refuse(w, r, f, app.FieldErrorf("v0.sku", "a product needs at least one variant: give its SKU"), page)
	}
	prod, err := s.Catalog.CreateProduct(r.Context(), np)
	if err != nil {
		return s.refuse(w, r, f, rowError(err, index), page)
	}
	s.setFlash(w, fmt.Sprintf("Product %s created with %d variants.", prod.Name, len(prod.Variants)))
	http.Redirect(w, r, "/catalog?q="+url.QueryEscape(prod.Name), http.StatusSeeOther)
	return nil
}

// rowError renames variants[i] in err's field to the form row it came from.
func rowError(err error, index []int) error {
	e, ok := err.(*app.Error)
	if !ok {
		return err
	}
	c := *e
	if rest, ok := strings.CutPrefix(e.Field, "variants["); ok {
		if i, tail, ok := strings.Cut(rest, "]"); ok {
			if n, err := strconv.Atoi(i); err == nil && n < len(index) {
				c.Field = fmt.Sprintf("variants[%d]%s", index[n], tail)
			}
		}
	}
	// A conflict on a whole variant row names its SKU.
	if strings.HasSuffix(c.Field, "]") {
		c.Field += ".sku"
	}
	return asFormError(&c)
}

// editValues is the edit form filled from the stored variant.
func editValues(e *app.VariantEdit) views.Form {
	v := map[string]string{
		"name": e.ProductName, "category": e.Category, "gtin": e.GTIN,
		"attributes": attributesText(e.Attributes), "weight_g": formatDecimal(e.UnitWeightMg, 3, 0),
		"cost": formatDecimal(e.UnitCostMinor, 2, 2), "reorder_point": strconv.FormatInt(e.ReorderPoint, 10),
		"reorder_qty": strconv.FormatInt(e.ReorderQty, 10),
	}
	if e.TrackLots {
		v["lots"] = "1"
	}
	if e.Archived {
		v["archived"] = "1"
	}
	return views.Form{Values: v}
}

// editModel reads the edit page of sku, its forms filled from the store.
func (s *server) editModel(r *http.Request, sku string) (views.VariantEditModel, error) {
	e, err := s.Edit.VariantEdit(r.Context(), sku)
	if err != nil {
		return views.VariantEditModel{}, err
	}
	return views.VariantEditModel{SKU: e.SKU, ProductName: e.ProductName, Archived: e.Archived, Packagings: e.Packagings,
		Form: editValues(e), NewPack: views.Form{Values: map[string]string{}}, NewVariant: views.Form{Values: map[string]string{}}}, nil
}

// variantEditPage handles GET /variants/{sku}/edit.
func (s *server) variantEditPage(w http.ResponseWriter, r *http.Request) error {
	sku, err := pathParam(r, "sku")
	if err != nil {
		return err
	}
	m, err := s.editModel(r, sku)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.VariantEditPage(s.pageFor(w, r, "Edit "+m.SKU), m))
}

// updateVariant handles POST /variants/{sku}/edit.
func (s *server) updateVariant(w http.ResponseWriter, r *http.Request) error {
	sku, err := pathParam(r, "sku")
	if err != nil {
		return err
	}
	f := formOf(r, "name", "category", "gtin", "attributes", "weight_g", "cost", "lots", "reorder_point", "reorder_qty", "archived")
	e, err := s.Edit.VariantEdit(r.Context(), sku)
	if err != nil {
		return err
	}
	err = func() error {
		v, err := variantForm(f, "")
		if err != nil {
			return err
		}
		e.ProductName, e.Category, e.GTIN, e.Attributes = f.Value("name"), f.Value("category"), v.GTIN, v.Attributes
		e.UnitWeightMg, e.UnitCostMinor, e.TrackLots = v.UnitWeightMg, v.UnitCostMinor, v.TrackLots
		e.Archived = f.Value("archived") != ""
		if e.ReorderPoint, err = parseWhole("reorder_point", f.Value("reorder_point"), app.MaxQty); err != nil {
			return err
		}
		if e.ReorderQty, err = parseWhole("reorder_qty", f.Value("reorder_qty"), app.MaxQty); err != nil {
			return err
		}
		return asFormError(s.Edit.UpdateVariant(r.Context(), *e))
	}()
	if err != nil {
		return s.refuseEdit(w, r, f, err, sku, func(m *views.VariantEditModel, f views.Form) { m.Form = f })
	}
	s.setFlash(w, "Saved "+e.SKU+".")
	http.Redirect(w, r, string(views.VariantURL(e.SKU))+"/edit", http.StatusSeeOther)
	return nil
}

// refuseEdit answers a refused form of the edit page (see refuse); set
// puts the form where it belongs in the model.
func (s *server) refuseEdit(w http.ResponseWriter, r *http.Request, f views.Form, err error, sku string, set func(*views.VariantEditModel, views.Form)) error {
	return s.refuse(w, r, f, err, func(f views.Form) templ.Component {
		m, err := s.editModel(r, sku)
		if err != nil {
			return templ.ComponentFunc(func(context.Context, io.Writer) error { return err })
		}
		set(&m, f)
		return views.VariantEditPage(s.pageFor(w, r, "Edit "+m.SKU), m)
	})
}

// addPackaging handles POST /variants/{sku}/packagings.
func (s *server) addPackaging(w http.ResponseWriter, r *http.Request) error {
	sku, err := pathParam(r, "sku")
	if err != nil {
		return err
	}
	f := formOf(r, "pack_name", "pack_qty", "pack_barcode", "pack_tare_g")
	err = func() error {
		pk := app.Packaging{Name: f.Value("pack_name"), Barcode: f.Value("pack_barcode")}
		var err error
		if pk.Qty, err = parseWhole("pack_qty", f.Value("pack_qty"), 1_000_000); err != nil {
			return err
		}
		if pk.TareWeightMg, err = parseDecimal("pack_tare_g", f.Value("pack_tare_g"), 3, "a weight in grams"); err != nil {
			return err
		}
		err = s.Edit.AddPackaging(r.Context(), sku, pk)
		if e, ok := err.(*app.Error); ok && e.Field != "" && e.Field != "sku" {
			c := *e
			c.Field = "pack_" + strings.TrimSuffix(strings.TrimSuffix(e.Field, "_weight_mg"), "_mg")
			if c.Field == "pack_tare" {
				c.Field = "pack_tare_g"
			}
			return &c
		}
		return err
	}()
	if err != nil {
		return s.refuseEdit(w, r, f, err, sku, func(m *views.VariantEditModel, f views.Form) { m.NewPack = f })
	}
	s.setFlash(w, fmt.Sprintf("Packaging %s added to %s.", f.Value("pack_name"), sku))
	http.Redirect(w, r, string(views.VariantURL(sku))+"/edit", http.StatusSeeOther)
	return nil
}

// removePackaging handles POST /variants/{sku}/packagings/remove.
func (s *server) removePackaging(w http.ResponseWriter, r *http.Request) error {
	sku, err := pathParam(r, "sku")
	if err != nil {
		return err
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	if err := s.Edit.RemovePackaging(r.Context(), sku, name); err != nil {
		return err
	}
	s.setFlash(w, fmt.Sprintf("Packaging %s removed from %s.", name, sku))
	http.Redirect(w, r, string(views.VariantURL(sku))+"/edit", http.StatusSeeOther)
	return nil
}

// addVariant handles POST /variants/{sku}/variants: a new variant of the
// same product.
func (s *server) addVariant(w http.ResponseWriter, r *http.Request) error {
	sku, err := pathParam(r, "sku")
	if err != nil {
		return err
	}
	f := formOf(r, "nv.sku", "nv.gtin", "nv.attributes", "nv.weight_g", "nv.cost", "nv.lots")
	v, err := variantForm(f, "nv.")
	if err == nil {
		err = s.Edit.AddVariant(r.Context(), sku, v)
		if e, ok := err.(*app.Error); ok && strings.HasPrefix(e.Field, "variants[0]") {
			c := *e
			c.Field = "nv." + strings.TrimPrefix(formFieldOf(strings.Replace(e.Field, "variants[0]", "", 1)), ".")
			if c.Field == "nv." || strings.HasPrefix(c.Field, "nv.packagings") {
				c.Field = "nv.sku"
			}
			err = &c
		}
	}
	if err != nil {
		return s.refuseEdit(w, r, f, err, sku, func(m *views.VariantEditModel, f views.Form) { m.NewVariant = f })
	}
	s.setFlash(w, fmt.Sprintf("Variant %s added.", v.SKU))
	http.Redirect(w, r, string(views.VariantURL(strings.TrimSpace(v.SKU)))+"/edit", http.StatusSeeOther)
	return nil
}
