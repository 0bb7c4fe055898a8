package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"depot/app"
)

func TestCatalogForms(t *testing.T) {
	e := newUIEnv(t, false)
	b := e.owner()

	t.Run("CreateProductWithTwoVariants", func(t *testing.T) {
		r := b.post("/catalog/new", "/catalog/new", url.Values{"rows": {"2"}, "name": {"Ceramic mug"}, "category": {"Kitchen"},
			"v0.sku": {"MUG-BLU"}, "v0.gtin": {"4006381333931"}, "v0.attributes": {"color=blue, size=M"}, "v0.weight_g": {"350"},
			"v0.cost": {"2.90"}, "v1.sku": {"MUG-RED"}, "v1.lots": {"1"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		v, err := e.db.Variant(context.Background(), "MUG-BLU")
		if err != nil {
			t.Fatal(err)
		}
		if v.GTIN != "04006381333931" || v.UnitWeightMg != 350000 || v.UnitCostMinor != 290 || string(v.Attributes) != `{"color":"blue","size":"M"}` {
			t.Errorf("MUG-BLU = %+v", v)
		}
		red, err := e.db.Variant(context.Background(), "MUG-RED")
		if err != nil || !red.TrackLots {
			t.Errorf("MUG-RED = %+v, %v; want tracked by lot", red, err)
		}
		b.get("/catalog?q=mug").has(t, 200, "MUG-BLU", "MUG-RED", "Kitchen")
	})

	t.Run("BadRowNamesItsFieldAndWritesNothing", func(t *testing.T) {
		before := e.count("variants")
		for _, c := range []struct {
			name  string
			form  url.Values
			field string
			msg   string
		}{
			{"BadGTIN", url.Values{"v1.gtin": {"4006381333932"}}, "f-v1-gtin", "check digit"},
			{"DuplicateSKU", url.Values{"v1.sku": {"TEA-1"}}, "f-v1-sku", "appears twice"},
			{"SKUInUse", url.Values{"v0.sku": {"MUG-BLU"}}, "f-v0-sku", "already exists"},
			{"BadWeight", url.Values{"v1.weight_g": {"12,5,1"}}, "f-v1-weight_g", "is not a weight"},
			{"BadAttributes", url.Values{"v0.attributes": {"color blue"}}, "f-v0-attributes", "name=value"},
			{"NoName", url.Values{"name": {""}}, "f-name", "is required"},
		} {
			t.Run(c.name, func(t *testing.T) {
				f := url.Values{"rows": {"3"}, "name": {"Tea"}, "v0.sku": {"TEA-1"}, "v1.sku": {"TEA-2"}}
				for k, v := range c.form {
					f[k] = v
				}
				r := b.post("/catalog/new", "/catalog/new", f)
				if r.Status != 400 && r.Status != 409 {
					t.Fatalf("status %d, want 400 or 409: %s", r.Status, r.Body)
				}
				body := string(r.Body)
				if !strings.Contains(body, `id="`+c.field+`-error"`) || !strings.Contains(body, c.msg) {
					t.Errorf("no error %q at %s:\n%s", c.msg, c.field, body)
				}
				for k, v := range f {
					if k != "rows" && v[0] != "" && !strings.Contains(body, `value="`+v[0]+`"`) {
						t.Errorf("the refused form lost %s=%q", k, v[0])
					}
				}
			})
		}
		if n := e.count("variants"); n != before {
			t.Errorf("variants: %d after refused forms, want %d", n, before)
		}
	})

	t.Run("EditArchiveAndPackaging", func(t *testing.T) {
		b.get("/variants/MUG-BLU/edit").has(t, 200, `value="Ceramic mug"`, `value="350"`, `value="2.90"`, "color=blue, size=M")
		r := b.post("/variants/MUG-BLU/edit", "/variants/MUG-BLU/edit", url.Values{"name": {"Stoneware mug"}, "category": {"Kitchen"},
			"gtin": {"4006381333931"}, "attributes": {"color=navy"}, "weight_g": {"360.5"}, "cost": {"3"}, "reorder_point": {"12"}, "reorder_qty": {"48"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("edit: %d %s", r.Status, r.Body)
		}
		ed, err := e.db.VariantEdit(context.Background(), "MUG-BLU")
		if err != nil {
			t.Fatal(err)
		}
		if ed.ProductName != "Stoneware mug" || ed.UnitWeightMg != 360500 || ed.UnitCostMinor != 300 || ed.ReorderPoint != 12 || ed.ReorderQty != 48 {
			t.Errorf("after edit: %+v", ed)
		}
		r = b.post("/variants/MUG-BLU/edit", "/variants/MUG-BLU/edit", url.Values{"name": {"Stoneware mug"}, "reorder_point": {"-3"}})
		r.has(t, 400, `id="f-reorder_point-error"`, `value="-3"`)
		if ed2, _ := e.db.VariantEdit(context.Background(), "MUG-BLU"); ed2.ReorderPoint != 12 || ed2.GTIN == "" {
			t.Errorf("a refused edit wrote: %+v", ed2)
		}
		r = b.post("/variants/MUG-BLU/edit", "/variants/MUG-BLU/packagings", url.Values{"pack_name": {"case of 12"}, "pack_qty": {"12"}, "pack_barcode": {"CASE-MUG-BLU"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("add packaging: %d %s", r.Status, r.Body)
		}
		r = b.post("/variants/MUG-BLU/edit", "/variants/MUG-BLU/packagings", url.Values{"pack_name": {"pallet"}, "pack_qty": {"0"}, "pack_barcode": {"PAL-1"}})
		r.has(t, 400, `id="f-pack_qty-error"`, `value="pallet"`)
		r = b.post("/variants/MUG-BLU/edit", "/variants/MUG-BLU/packagings", url.Values{"pack_name": {"box"}, "pack_qty": {"6"}, "pack_barcode": {"CASE-MUG-BLU"}})
		r.has(t, 409, `id="f-pack_barcode-error"`)
		v, _ := e.db.Variant(context.Background(), "MUG-BLU")
		if len(v.Packagings) != 1 || v.Packagings[0].Qty != 12 || v.Packagings[0].Barcode != "CASE-MUG-BLU" {
			t.Errorf("packagings: %+v", v.Packagings)
		}
		// Archive: the variant leaves the active list and takes no movements.
		r = b.post("/variants/MUG-RED/edit", "/variants/MUG-RED/edit", url.Values{"name": {"Stoneware mug"}, "lots": {"1"}, "archived": {"1"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("archive: %d %s", r.Status, r.Body)
		}
		if body := string(b.get("/catalog").Body); strings.Contains(body, `href="/variants/MUG-RED"`) {
			t.Errorf("archived MUG-RED is in the active list")
		}
		b.get("/catalog?archived=1").has(t, 200, "MUG-RED")
		_, _, err = e.db.PostMovement(context.Background(), app.PostMovement{Kind: app.Receive, IdempotencyKey: "k-arch",
			Lines: []app.MovementLine{{SKU: "MUG-RED", Qty: 1, To: "vendor", Lot: &app.LotRef{Code: "L1"}}}})
		if err == nil {
			t.Errorf("a receipt of archived MUG-RED was posted")
		}
	})

	t.Run("AddVariantToTheProduct", func(t *testing.T) {
		before := e.count("variants")
		b.post("/variants/MUG-BLU/edit", "/variants/MUG-BLU/variants", url.Values{"nv.sku": {"MUG-GRN"}, "nv.gtin": {"123"}}).
			has(t, 400, `id="f-nv-gtin-error"`, `value="MUG-GRN"`)
		b.post("/variants/MUG-BLU/edit", "/variants/MUG-BLU/variants", url.Values{"nv.sku": {"mug-red"}}).
			has(t, 409, `id="f-nv-sku-error"`, "already exists")
		if e.count("variants") != before {
			t.Fatal("a refused variant was written")
		}
		r := b.post("/variants/MUG-BLU/edit", "/variants/MUG-BLU/variants", url.Values{"nv.sku": {"MUG-GRN"}, "nv.attributes": {"color=green"}})
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/variants/MUG-GRN/edit" {
			t.Fatalf("add variant: %d %s", r.Status, r.Body)
		}
		blu, _ := e.db.Variant(context.Background(), "MUG-BLU")
		grn, err := e.db.Variant(context.Background(), "MUG-GRN")
		if err != nil || grn.ProductID != blu.ProductID {
			t.Errorf("MUG-GRN: %+v %v; want product %d", grn, err, blu.ProductID)
		}
	})

	t.Run("ViewerCannotEdit", func(t *testing.T) {
		v := e.signIn("vera", app.Viewer)
		if r := v.get("/catalog/new"); r.Status != 403 {
			t.Errorf("GET /catalog/new as viewer: %d", r.Status)
		}
		v.get("/catalog").has(t, 200, "MUG-BLU")
	})
}
