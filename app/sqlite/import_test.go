package sqlite_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"depot/app"
	"depot/app/sqlite"
)

// catalogCSV is n products of two variants each; every tenth has a case.
func catalogCSV(n int) string {
	var b strings.Builder
	b.WriteString("product,category,sku,gtin,attributes,unit_weight_mg,unit_cost_minor,track_lots,reorder_point,reorder_qty,packagings\n")
	for i := 0; i < n; i++ {
		for j, color := range []string{"red", "blue"} {
			pack := ""
			if i%10 == 0 && j == 0 {
				pack = fmt.Sprintf("case of 12:12:CASE-%04d", i)
			}
			fmt.Fprintf(&b, "Shirt %04d,Clothing,SH-%04d-%s,,\"{\"\"color\"\":\"\"%s\"\"}\",%d,%d,%v,%d,%d,%s\n",
				i, i, strings.ToUpper(color), color, 200000+i, 999, i%3 == 0 && j == 0, 5, 20, pack)
		}
	}
	return b.String()
}

func mustImport(tb testing.TB, db *sqlite.DB, kind app.ImportKind, dry bool, data string) *app.ImportResult {
	tb.Helper()
	res, err := db.Import(context.Background(), app.ImportFile{Kind: kind, DryRun: dry, Data: []byte(data)})
	if err != nil {
		tb.Fatalf("import %s: %v", kind, err)
	}
	return res
}

func count(tb testing.TB, db *sqlite.DB, sku string) int {
	tb.Helper()
	ps, err := db.Products(context.Background(), sku, false, 0, 100000)
	if err != nil {
		tb.Fatal(err)
	}
	return len(ps)
}

func TestImportCatalogLocationsAndStock(t *testing.T) {
	db := MustOpen(t, sqlite.Options{})
	csv := catalogCSV(200) // 400 rows

	dry := mustImport(t, db, app.ImportProducts, true, csv)
	if len(dry.Problems) != 0 || dry.Rows != 400 || dry.Written != 200 {
		t.Fatalf("dry run: %+v", dry)
	}
	if n := count(t, db, "SH-"); n != 0 {
		t.Fatalf("a dry run wrote %d variants", n)
	}
	real := mustImport(t, db, app.ImportProducts, false, csv)
	if len(real.Problems) != 0 || real.Written != 200 {
		t.Fatalf("import: %+v", real.Problems)
	}
	if n := count(t, db, "SH-"); n != 400 {
		t.Fatalf("variants after import: %d, want 400", n)
	}
	if m, err := db.ResolveCode(context.Background(), "CASE-0010"); err != nil || m.SKU != "SH-0010-RED" || m.Qty != 12 {
		t.Errorf("case barcode: %+v %v", m, err)
	}
	ed, _ := db.VariantEdit(context.Background(), "SH-0003-RED")
	if !ed.TrackLots || ed.ReorderPoint != 5 || ed.ReorderQty != 20 || ed.UnitWeightMg != 200003 || ed.Category != "Clothing" {
		t.Errorf("SH-0003-RED: %+v", ed)
	}

	var loc strings.Builder
	loc.WriteString("code,name,kind,parent,walk_seq\nWH,Warehouse,site,,0\nZ1,Zone 1,zone,WH,1\n")
	for i := 0; i < 300; i++ {
		fmt.Fprintf(&loc, "B-%03d,,bin,Z1,%d\n", i, i)
	}
	if res := mustImport(t, db, app.ImportLocations, false, loc.String()); len(res.Problems) != 0 || res.Written != 302 {
		t.Fatalf("locations: %+v", res)
	}

	var stock strings.Builder
	stock.WriteString("sku,location,qty,lot,expires_on\n")
	for i := 0; i < 300; i++ {
		lot, exp := "", ""
		if i%200%3 == 0 { // SH-n-RED tracks lots when n%3 == 0
			lot, exp = fmt.Sprintf("L%03d", i), "2027-06-30"
		}
		fmt.Fprintf(&stock, "SH-%04d-RED,B-%03d,%d,%s,%s\n", i%200, i, i+1, lot, exp)
	}
	res := mustImport(t, db, app.ImportStock, false, stock.String())
	if len(res.Problems) != 0 || res.Written != 300 {
		t.Fatalf("stock: %+v", res.Problems)
	}
	if n := OnHand(t, db, "SH-0007-RED", "B-007"); n != 8 {
		t.Errorf("SH-0007-RED at B-007: %d, want 8", n)
	}
	// The same file again posts nothing twice.
	again := mustImport(t, db, app.ImportStock, false, stock.String())
	if again.Written != 0 || again.Replayed != 300 || OnHand(t, db, "SH-0007-RED", "B-007") != 8 {
		t.Errorf("second import: %+v, on hand %d", again, OnHand(t, db, "SH-0007-RED", "B-007"))
	}

	// Export gives back what was imported, in the import's format.
	var out bytes.Buffer
	if err := db.Export(context.Background(), app.ImportProducts, &out); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(strings.Split(csv, "\n")[:6], strings.Split(out.String(), "\n")[:6]); diff != "" {
		t.Errorf("product export (-import +export):\n%s", diff)
	}
	out.Reset()
	if err := db.Export(context.Background(), app.ImportStock, &out); err != nil {
		t.Fatal(err)
	}
	if lines := strings.Count(out.String(), "\n"); lines != 301 || !strings.Contains(out.String(), "SH-0000-RED,B-000,1,L000,2027-06-30\n") {
		t.Errorf("stock export: %d lines:\n%.300s", lines, out.String())
	}
}

func TestImportReportsEveryBadRowAndWritesNone(t *testing.T) {
	db := MustOpen(t, sqlite.Options{})
	MustLocations(t, db, "A-01")
	MustProduct(t, db, "Tea", true, "TEA")
	good := mustImport(t, db, app.ImportProducts, false, catalogCSV(100))
	if len(good.Problems) != 0 {
		t.Fatal(good.Problems)
	}
	var b strings.Builder
	b.WriteString("sku,location,qty,lot,expires_on\n")
	for i := 0; i < 250; i++ {
		fmt.Fprintf(&b, "SH-%04d-BLUE,A-01,3,,\n", i%100)
	}
	bad := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	bad[10] = "NOPE,A-01,3,,"             // line 11
	bad[20] = "SH-0001-BLUE,Z-99,3,,"     // line 21
	bad[30] = "SH-0001-BLUE,A-01,three,," // line 31
	bad[40] = "TEA,A-01,3,,"              // line 41: needs a lot
	bad[50] = "TEA,A-01,3,L1,2027-02-30"  // line 51: no such date
	bad[60] = "SH-0001-BLUE,vendor,3,,"   // line 61: virtual
	bad[70] = "SH-0001-BLUE,A-01,0,,"     // line 71
	file := strings.Join(bad, "\n") + "\n"
	for _, dry := range []bool{true, false} {
		res := mustImport(t, db, app.ImportStock, dry, file)
		var got []string
		for _, p := range res.Problems {
			got = append(got, fmt.Sprintf("%d %s", p.Line, p.Column))
		}
		want := []string{"11 sku", "21 location", "31 qty", "41 lot", "51 expires_on", "61 location", "71 qty"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("dry=%v problems (-want +got):\n%s\n%v", dry, diff, res.Problems)
		}
	}
	if n := OnHand(t, db, "SH-0000-BLUE", "A-01"); n != 0 {
		t.Errorf("a file with bad rows wrote stock: %d", n)
	}

	products := "product,sku,gtin,packagings\nMug,MUG-1,4006381333931,\nMug,MUG-1,,\nPan,PAN-1,123,\nBowl,BOWL-1,,case:x\nCup,CUP-1,,case:6:CASE-0000\n"
	res := mustImport(t, db, app.ImportProducts, true, products)
	var got []string
	for _, p := range res.Problems {
		got = append(got, fmt.Sprintf("%d %s", p.Line, p.Column))
	}
	if diff := cmp.Diff([]string{"5 packagings", "3 sku", "4 gtin", "6 packagings"}, got); diff != "" {
		t.Errorf("product problems (-want +got):\n%s\n%v", diff, res.Problems)
	}

	for _, c := range []struct{ name, data, msg string }{
		{"Empty", "", "is empty"},
		{"UnknownColumn", "sku,location,qty,colour\n", "column \"colour\""},
		{"MissingColumn", "sku,qty\nX,1\n", "needs a column \"location\""},
		{"RaggedRow", "sku,location,qty\nX,A-01\n", "line 2 has 2 cells"},
		{"BadQuote", "sku,location,qty\n\"X,A-01,1\n", "line 2"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := db.Import(context.Background(), app.ImportFile{Kind: app.ImportStock, Data: []byte(c.data)})
			if app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), c.msg) {
				t.Errorf("err %v, want invalid with %q", err, c.msg)
			}
		})
	}
}

// BenchmarkImportStock imports 1000 opening-stock rows (one receipt each)
// into 1000 bins in one command; a dry run of the same file is measured
// apart.
func BenchmarkImportStock(b *testing.B) {
	for _, dry := range []bool{true, false} {
		b.Run(fmt.Sprintf("DryRun=%v", dry), func(b *testing.B) {
			db := MustOpen(b, sqlite.Options{})
			var loc strings.Builder
			loc.WriteString("code,kind,parent\nWH,site,\n")
			for i := 0; i < 1000; i++ {
				fmt.Fprintf(&loc, "B-%04d,bin,WH\n", i)
			}
			mustImport(b, db, app.ImportLocations, false, loc.String())
			mustImport(b, db, app.ImportProducts, false, catalogCSV(500))
			b.ResetTimer()
			for n := 0; n < b.N; n++ {
				var stock strings.Builder
				stock.WriteString("sku,location,qty\n")
				for i := 0; i < 1000; i++ {
					fmt.Fprintf(&stock, "SH-%04d-BLUE,B-%04d,%d\n", i%500, i, n+1)
				}
				res := mustImport(b, db, app.ImportStock, dry, stock.String())
				if len(res.Problems) != 0 || res.Written != 1000 {
					b.Fatalf("import: %+v", res.Problems)
				}
			}
			b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
