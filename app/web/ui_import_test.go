package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"depot/app"
)

func TestImportPage(t *testing.T) {
	e, b := floorEnv(t)
	var csv strings.Builder
	csv.WriteString("sku,location,qty,lot\n")
	for i := 0; i < 300; i++ {
		fmt.Fprintf(&csv, "MUG-BLU,B-02,%d,\n", i%7+1)
	}
	want := int64(0)
	for i := 0; i < 300; i++ {
		want += int64(i%7 + 1)
	}
	bad := strings.Replace(csv.String(), "MUG-BLU,B-02,1,\n", "MUG-BLU,B-99,1,\n", 1) + "TEA,B-02,2,\n"

	before := e.count("movements")
	r := b.post("/import", "/import", url.Values{"kind": {"stock"}, "csv": {bad}, "dry_run": {"1"}})
	r.has(t, 400, "2 problems in 301 rows: nothing was written", `line 2, location: no location has code &#34;B-99&#34;`,
		"line 302, lot: SKU TEA is tracked by lot")
	r = b.post("/import", "/import", url.Values{"kind": {"stock"}, "csv": {bad}})
	r.has(t, 400, "2 problems in 301 rows")
	if e.count("movements") != before {
		t.Fatalf("an import with bad rows wrote %d movements", e.count("movements")-before)
	}
	b.post("/import", "/import", url.Values{"kind": {"stock"}, "csv": {csv.String()}, "dry_run": {"1"}}).
		has(t, 200, "Dry run: all 300 rows are good", "300 receipts would be written")
	b.post("/import", "/import", url.Values{"kind": {"stock"}, "csv": {csv.String()}}).has(t, 200, "Imported 300 rows", "300 receipts written")
	if n := onHand(t, e, "MUG-BLU", "B-02"); n != want {
		t.Errorf("B-02 after import: %d, want %d", n, want)
	}
	r = b.get("/export/stock.csv")
	if r.Status != 200 || r.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.Contains(string(r.Body), fmt.Sprintf("MUG-BLU,B-02,%d,,\n", want)) {
		t.Errorf("export: %d %s\n%s", r.Status, r.Header.Get("Content-Type"), r.Body)
	}
	b.get("/export/nothing.csv").has(t, 404)
	b.post("/import", "/import", url.Values{"kind": {"stock"}, "csv": {"sku,qty\n"}}).has(t, 400, `id="f-csv-error"`, "needs a column")

	t.Run("FileUpload", func(t *testing.T) {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("csrf", b.csrf("/import"))
		mw.WriteField("kind", "locations")
		fw, _ := mw.CreateFormFile("file", "bins.csv")
		io.WriteString(fw, "code,kind,parent\nC-01,bin,WH\nC-02,bin,WH\n")
		mw.Close()
		req, _ := http.NewRequest("POST", e.srv.URL+"/import", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		res, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		out, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(string(out), "2 locations written") {
			t.Fatalf("upload: %d %s", res.StatusCode, out)
		}
		if _, err := e.db.Location(context.Background(), "C-02"); err != nil {
			t.Error(err)
		}
	})

	upload := func(t *testing.T, kind string, dryRun bool, csv io.Reader) (int, string) {
		t.Helper()
		pr, pw := io.Pipe()
		mw := multipart.NewWriter(pw)
		go func() {
			mw.WriteField("csrf", b.csrf("/import"))
			mw.WriteField("kind", kind)
			if dryRun {
				mw.WriteField("dry_run", "1")
			}
			fw, _ := mw.CreateFormFile("file", "big.csv")
			io.Copy(fw, csv)
			pw.CloseWithError(mw.Close())
		}()
		req, _ := http.NewRequest("POST", e.srv.URL+"/import", pr)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		res, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		out, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(out)
	}
	t.Run("FileLargerThanAForm", func(t *testing.T) {
		// 7,500 places with long names: 1.4 MiB, over the 1 MiB a form may be.
		var csv strings.Builder
		csv.WriteString("code,name,kind,parent\n")
		for i := 0; i < 7500; i++ {
			fmt.Fprintf(&csv, "Z-%05d,%s,bin,WH\n", i, strings.Repeat("n", 190))
		}
		before := e.count("locations")
		code, out := upload(t, "locations", true, strings.NewReader(csv.String()))
		if code != 200 || !strings.Contains(out, "7500 rows are good") {
			t.Fatalf("a %d KiB upload: %d\n%.2000s", csv.Len()>>10, code, out)
		}
		if e.count("locations") != before {
			t.Error("a dry run wrote places")
		}
	})
	t.Run("ManyBadRows", func(t *testing.T) {
		var csv strings.Builder
		csv.WriteString("code,name,kind,parent\n")
		for i := 0; i < 450; i++ {
			fmt.Fprintf(&csv, "Y-%03d,,shelf-ish,WH\n", i)
		}
		r := b.post("/import", "/import", url.Values{"kind": {"locations"}, "dry_run": {"1"}, "csv": {csv.String()}})
		r.has(t, 400, "450 problems in 450 rows", "… and 250 more problems")
		if n := strings.Count(string(r.Body), "<li>line "); n != 200 {
			t.Errorf("the report lists %d problems, want the first 200", n)
		}
	})
	t.Run("FileTooLarge", func(t *testing.T) {
		before := e.count("locations")
		code, out := upload(t, "locations", false, io.LimitReader(zeros{}, maxUploadForTest+1))
		if code != 400 || !strings.Contains(out, "larger than 64 MiB") || e.count("locations") != before {
			t.Errorf("an oversized upload: %d, %d places before, %d after\n%.600s", code, before, e.count("locations"), out)
		}
	})

	t.Run("PickerMayNotImportTheCatalog", func(t *testing.T) {
		p := e.signIn("pia", app.Picker)
		r := p.post("/import", "/import", url.Values{"kind": {"products"}, "csv": {"product,sku\nX,X-1\n"}})
		if r.Status != 403 || e.count("variants") != 2 {
			t.Errorf("picker import: %d, variants %d", r.Status, e.count("variants"))
		}
	})
}

// maxUploadForTest is the upload limit the handler enforces (64 MiB).
const maxUploadForTest = 64 << 20

// zeros reads as an endless run of '0' bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = '0'
	}
	return len(p), nil
}
