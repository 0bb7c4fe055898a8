package web

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"depot/app"
)

// maxBody bounds a request body: 1 MiB.
const maxBody = 1 << 20

// maxUpload caps a file uploaded through a form (a CSV import: about 64
// bytes a row, so a million rows); maxUploadMemory is how much of it is kept
// in memory, the rest going to a temporary file.
const (
	maxUpload       = 64 << 20
	maxUploadMemory = 8 << 20
)

// readBody reads a JSON request body of at most maxBody bytes. A missing
// Content-Type is taken as JSON; any other type than JSON is refused.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return nil, withStatus(http.StatusUnsupportedMediaType,
				app.FieldErrorf("Content-Type", "must be application/json, not %q", clipText(ct)))
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, withStatus(http.StatusRequestEntityTooLarge,
			app.FieldErrorf("body", "is larger than 1 MiB (%d bytes); send less in one request", maxBody))
	}
	if err != nil {
		return nil, app.FieldErrorf("body", "could not be read to its end")
	}
	return body, nil
}

// decodeBody reads the body and decodes it strictly into v (see
// app.DecodeJSON).
func decodeBody(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := readBody(w, r)
	if err != nil {
		return err
	}
	return app.DecodeJSON(body, v)
}

// pathParam returns the URL parameter name, unescaped: chi matches on the
// escaped path when there is one (a SKU with a "/" arrives as %2F).
func pathParam(r *http.Request, name string) (string, error) {
	v := chi.URLParam(r, name)
	if r.URL.RawPath == "" {
		return v, nil
	}
	s, err := url.PathUnescape(v)
	if err != nil {
		return "", app.FieldErrorf(name, "is not a valid escaped path segment")
	}
	return s, nil
}

// queryParams parses the query string, refusing parameters not in allowed
// and parameters given more than once; a typo is an error, not a silently
// wider answer.
func queryParams(r *http.Request, allowed ...string) (map[string]string, error) {
	vals, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, app.FieldErrorf("query", "is not a valid query string")
	}
	out := make(map[string]string, len(vals))
	for k, v := range vals {
		known := false
		for _, a := range allowed {
			known = known || k == a
		}
		if !known {
			return nil, app.FieldErrorf(clipText(k), "is not a parameter here; use %s", strings.Join(allowed, ", "))
		}
		if len(v) > 1 {
			return nil, app.FieldErrorf(k, "is given %d times; give it once", len(v))
		}
		out[k] = strings.TrimSpace(v[0])
	}
	return out, nil
}

// intParam parses the query parameter name as a whole number from min to
// max, or returns def when it is absent or empty. what says what the number
// is, for the message.
func intParam(q map[string]string, name string, min, max, def int64, what string) (int64, error) {
	s := q[name]
	if s == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < min || n > max {
		return 0, app.FieldErrorf(name, "must be %s, not %q", what, clipText(s))
	}
	return n, nil
}

// clipText shortens text quoted from a request in a message.
func clipText(s string) string {
	if len(s) <= 64 {
		return s
	}
	return strings.ToValidUTF8(s[:64], "") + "..."
}
