package web

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strings"

	"depot/app"
	"depot/views"
)

// importKinds lists the CSVs and the action each import needs.
var importKinds = []struct {
	kind  app.ImportKind
	title string
	need  app.Action
}{
	{app.ImportProducts, "Products and variants", app.EditCatalog},
	{app.ImportLocations, "Locations", app.EditLocations},
	{app.ImportStock, "Opening stock", app.PostAction(app.Receive)},
}

// importModel is the page for the signed-in user.
func importModel(r *http.Request) views.ImportModel {
	u := sessionFrom(r.Context()).User
	m := views.ImportModel{Form: views.Form{Values: map[string]string{}}}
	for _, k := range importKinds {
		m.Kinds = append(m.Kinds, views.ImportKindInfo{Kind: k.kind, Title: k.title,
			Columns: strings.Join(app.ImportColumns[k.kind], ","), CanImport: u.Authorize(k.need) == nil})
	}
	return m
}

// importPage handles GET /import.
func (s *server) importPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := queryParams(r); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.ImportPage(s.pageFor(w, r, "Import and export"), importModel(r)))
}

// importCSV handles POST /import: a CSV file (or pasted text) of kind, a
// dry run or the real import. The report lists every bad row; with any,
// nothing is written.
func (s *server) importCSV(w http.ResponseWriter, r *http.Request) error {
	m := importModel(r)
	kind := app.ImportKind(r.PostFormValue("kind"))
	m.Form.Values["kind"] = string(kind)
	var need app.Action
	for _, k := range importKinds {
		if k.kind == kind {
			need = k.need
		}
	}
	if need == "" {
		return app.FieldErrorf("kind", "%q is not an import: use products, locations or stock", clipText(string(kind)))
	}
	if err := sessionFrom(r.Context()).User.Authorize(need); err != nil {
		return err
	}
	data, err := uploaded(r)
	if err != nil {
		return err
	}
	if len(data) < 64<<10 {
		m.Form.Values["csv"] = string(data) // small files come back in the box, to fix and run again
	}
	p := s.pageFor(w, r, "Import and export")
	res, err := s.Import.Import(r.Context(), app.ImportFile{Kind: kind, DryRun: r.PostFormValue("dry_run") != "",
		Data: data, UserID: sessionFrom(r.Context()).User.ID})
	if err != nil {
		if app.ErrorCode(err) == app.EINTERNAL {
			return err
		}
		m.Form.Field, m.Form.Error = "csv", app.ErrorMessage(err)
		return s.render(w, r, statusOf[app.ErrorCode(err)], views.ImportPage(p, m))
	}
	m.Result = res
	status := http.StatusOK
	if len(res.Problems) > 0 {
		status = http.StatusBadRequest
	} else if !res.DryRun {
		s.log.Info("import", "kind", string(kind), "rows", res.Rows, "written", res.Written, "by", sessionFrom(r.Context()).User.Username)
	}
	return s.render(w, r, status, views.ImportPage(p, m))
}

// uploaded returns the CSV of the form: the file when one was chosen, else
// the pasted text.
func uploaded(r *http.Request) ([]byte, error) {
	f, _, err := r.FormFile("file")
	if err == nil {
		defer f.Close()
		var buf bytes.Buffer
		if _, err := io.Copy(&buf, f); err != nil {
			return nil, app.FieldErrorf("file", "could not be read to its end")
		}
		if buf.Len() > 0 {
			return buf.Bytes(), nil
		}
	} else if !errors.Is(err, http.ErrMissingFile) && !errors.Is(err, http.ErrNotMultipart) {
		return nil, app.FieldErrorf("file", "could not be read: %v", err)
	}
	text := r.PostFormValue("csv")
	if strings.TrimSpace(text) == "" {
		return nil, app.FieldErrorf("csv", "choose a CSV file or paste one")
	}
	return []byte(text), nil
}

// export handles GET /export/{kind}.csv.
func (s *server) export(w http.ResponseWriter, r *http.Request) error {
	k, err := pathParam(r, "kind")
	if err != nil {
		return err
	}
	kind := app.ImportKind(k)
	if _, ok := app.ImportColumns[kind]; !ok {
		return app.Errorf(app.ENOTFOUND, "there is no export %q: use products, locations or stock", clipText(k))
	}
	var buf bytes.Buffer
	if err := s.Import.Export(r.Context(), kind, &buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="depot-`+string(kind)+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err = w.Write(buf.Bytes())
	return err
}
