package app

import (
	"strings"
	"testing"
)

func TestParseImport(t *testing.T) {
	rows, err := ParseImport(ImportStock, []byte("\xef\xbb\xbfSKU, Location ,qty\r\nA,B-1,3\r\n\r\n\"C,1\",B-2,4\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Line != 2 || rows[0].Get("location") != "B-1" || rows[1].Line != 4 || rows[1].Get("sku") != "C,1" {
		t.Errorf("rows: %+v", rows)
	}
	for _, c := range []struct{ name, data, msg string }{
		{"Empty", "", "is empty"},
		{"HeaderOnly", "sku,location,qty\n", "no rows"},
		{"Duplicate", "sku,sku,location,qty\n", `"sku" appears twice`},
		{"Ragged", "sku,location,qty\nA,B\n", "line 2 has 2 cells"},
		{"Quote", "sku,location,qty\nA,B,1\nA,\"B,1\n", "line 3"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseImport(ImportStock, []byte(c.data))
			if ErrorCode(err) != EINVALID || ErrorField(err) != "file" || !strings.Contains(ErrorMessage(err), c.msg) {
				t.Errorf("err %v, want invalid file error with %q", err, c.msg)
			}
		})
	}
}

func TestPackagingsRoundTrip(t *testing.T) {
	in := "case of 12:12:CASE-1; pallet:480"
	ps, err := ParsePackagings(in)
	if err != nil || len(ps) != 2 || ps[0].Barcode != "CASE-1" || ps[1].Qty != 480 {
		t.Fatalf("%+v %v", ps, err)
	}
	if got := FormatPackagings(ps); got != in {
		t.Errorf("FormatPackagings = %q, want %q", got, in)
	}
	for _, bad := range []string{"case", "case:x", "a:1:b:c"} {
		if _, err := ParsePackagings(bad); err == nil {
			t.Errorf("ParsePackagings(%q) accepted", bad)
		}
	}
}

func FuzzParseImport(f *testing.F) {
	f.Add([]byte("sku,location,qty,lot,expires_on\nA,B,1,,\n"))
	f.Add([]byte("product,sku,packagings\nX,\"Y\",c:1:Z\n"))
	f.Add([]byte("code,kind\n\"a\"\"b\",bin\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, k := range []ImportKind{ImportProducts, ImportLocations, ImportStock} {
			rows, err := ParseImport(k, data)
			if err != nil {
				if ErrorCode(err) != EINVALID {
					t.Fatalf("%s: %v is not invalid input", k, err)
				}
				continue
			}
			last := 1
			for _, r := range rows {
				if r.Line <= last {
					t.Fatalf("%s: line %d after line %d", k, r.Line, last)
				}
				last = r.Line
				for col := range r.Cells {
					if !contains(ImportColumns[k], col) {
						t.Fatalf("%s: unknown column %q", k, col)
					}
				}
			}
		}
	})
}
