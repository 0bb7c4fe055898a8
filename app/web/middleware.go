package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/go-chi/chi/v5/middleware"

	"depot/app"
)

type ctxKey int

const (
	infoKey ctxKey = iota
	userKey
)

// requestInfo is what the request's log line reports, filled in as the
// request goes through auth and the handler.
type requestInfo struct {
	id    string
	user  string // username, once authenticated
	code  string // app error code of an error response
	field string
}

func infoFrom(ctx context.Context) *requestInfo {
	if info, ok := ctx.Value(infoKey).(*requestInfo); ok {
		return info
	}
	return &requestInfo{}
}

// newRequestID returns 16 random hex digits.
func newRequestID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// logRequests gives every request an id (in X-Request-Id) and logs one line
// when it ends: method, path, status, duration, bytes, request id, user and
// error code. Headers are never logged, so neither are tokens.
func (s *server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &requestInfo{id: newRequestID()}
		w.Header().Set("X-Request-Id", info.id)
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r.WithContext(context.WithValue(r.Context(), infoKey, info)))
		status := ww.Status()
		if status == 0 {
			status = http.StatusOK
		}
		attrs := []slog.Attr{
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", status),
			slog.Duration("duration", time.Since(start)),
			slog.Int("bytes", ww.BytesWritten()),
			slog.String("request_id", info.id),
		}
		if info.user != "" {
			attrs = append(attrs, slog.String("user", info.user))
		}
		if info.code != "" {
			attrs = append(attrs, slog.String("code", info.code))
		}
		if info.field != "" {
			attrs = append(attrs, slog.String("field", info.field))
		}
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelWarn
		}
		s.log.LogAttrs(r.Context(), level, "request", attrs...)
	})
}

// recoverPanics turns a panic in a handler into a logged internal error and
// a 500 JSON answer, so one bad request does not take the server down.
func (s *server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if p == http.ErrAbortHandler { // the server's own way to abort a response
				panic(p)
			}
			info := infoFrom(r.Context())
			s.log.LogAttrs(r.Context(), slog.LevelError, "panic serving request",
				slog.String("request_id", info.id), slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.String("panic", fmt.Sprint(p)), slog.String("stack", string(debug.Stack())))
			if ww, ok := w.(middleware.WrapResponseWriter); ok && ww.Status() != 0 {
				return // the answer has begun; the client sees it cut short
			}
			info.code = app.EINTERNAL
			s.writeJSON(w, r, http.StatusInternalServerError,
				errorBody{Error: errorDetail{Code: app.EINTERNAL, Message: "internal error", RequestID: info.id}})
		}()
		next.ServeHTTP(w, r)
	})
}
