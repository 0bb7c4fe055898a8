package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"depot/app"
)

// statusOf is the one table from app error codes to HTTP status.
var statusOf = map[string]int{
	app.EINVALID:     http.StatusBadRequest,
	app.ENOTFOUND:    http.StatusNotFound,
	app.ECONFLICT:    http.StatusConflict,
	app.EUNAUTH:      http.StatusUnauthorized,
	app.EFORBIDDEN:   http.StatusForbidden,
	app.EUNAVAILABLE: http.StatusServiceUnavailable,
	app.EINTERNAL:    http.StatusInternalServerError,
}

// statusError gives an app error a more exact HTTP status than its code's:
// 413 for a body too large, 415 for a body that is not JSON, 405 for a
// method a route does not take. The code stays the app's.
type statusError struct {
	status int
	err    *app.Error
}

func (e *statusError) Error() string { return e.err.Error() }
func (e *statusError) Unwrap() error { return e.err }

func withStatus(status int, err *app.Error) error { return &statusError{status: status, err: err} }

// errorBody is the JSON of every error response.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	Field     string `json:"field,omitempty"`
	RequestID string `json:"request_id,omitempty"`
}

// writeError answers with err as JSON. Errors that are not *app.Error are
// internal: they are logged with their detail and shown only as "internal
// error" with the request id, so nothing of the inside leaks.
func (s *server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	info := infoFrom(r.Context())
	code := app.ErrorCode(err)
	if code == app.EINTERNAL && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		// The client went away or the server is stopping: not a bug.
		err, code = app.Errorf(app.EUNAVAILABLE, "the request was cancelled; try again"), app.EUNAVAILABLE
	}
	d := errorDetail{Code: code, Message: app.ErrorMessage(err), Field: app.ErrorField(err)}
	status, ok := statusOf[code]
	if !ok {
		status, d.Code = http.StatusInternalServerError, app.EINTERNAL
	}
	var se *statusError
	if errors.As(err, &se) {
		status = se.status
	}
	if d.Code == app.EINTERNAL {
		d.Message, d.Field, d.RequestID = "internal error", "", info.id
		s.log.LogAttrs(r.Context(), slog.LevelError, "internal error",
			slog.String("request_id", info.id), slog.String("method", r.Method),
			slog.String("path", r.URL.Path), slog.String("err", err.Error()))
	}
	info.code, info.field = d.Code, d.Field
	switch status {
	case http.StatusUnauthorized:
		w.Header().Set("WWW-Authenticate", `Bearer realm="depot"`)
	case http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", "1")
	}
	s.writeJSON(w, r, status, errorBody{Error: d})
}

// writeJSON answers with v as JSON and a final newline. The encoding is
// deterministic, so equal values give equal bytes (idempotent replays rely
// on it).
func (s *server) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // an API answer, not HTML: "<token>" stays readable
	err := enc.Encode(v)
	b := buf.Bytes()
	if err != nil {
		s.log.LogAttrs(r.Context(), slog.LevelError, "internal error: encoding the response",
			slog.String("request_id", infoFrom(r.Context()).id), slog.String("err", err.Error()))
		status = http.StatusInternalServerError
		b, _ = json.Marshal(errorBody{Error: errorDetail{Code: app.EINTERNAL, Message: "internal error", RequestID: infoFrom(r.Context()).id}})
		b = append(b, '\n')
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(b)
}

// apiFunc is a handler that returns its error instead of writing it.
type apiFunc func(w http.ResponseWriter, r *http.Request) error

// api adapts fn to http, writing a returned error with writeError.
func (s *server) api(fn apiFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			s.writeError(w, r, err)
		}
	}
}
