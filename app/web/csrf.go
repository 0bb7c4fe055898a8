package web

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"depot/app"
)

// CSRF protection has three layers:
//
//   - Go's cross-origin protection refuses unsafe requests that the browser
//     marks as coming from another site (Sec-Fetch-Site, Origin);
//   - with a session, every unsafe request must carry the session's token,
//     in the form field "csrf" or the X-CSRF-Token header (htmx sends the
//     header from hx-headers on <body>); the token is derived from the
//     session token, so it needs no storage and dies with the session;
//   - without a session (sign-in, first run), the form's token must equal a
//     random cookie set when the form was shown (double submit).
//
// A request that fails gets 403 and its handler never runs, so nothing is
// written.

const (
	csrfField       = "csrf"
	csrfHeader      = "X-CSRF-Token"
	preSessionName  = "depot_presession"
	csrfTokenPrefix = "depot csrf\x00"
)

// csrfToken returns the CSRF token of a session token.
func csrfToken(sessionToken string) string {
	sum := sha256.Sum256([]byte(csrfTokenPrefix + sessionToken))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// preSessionToken returns the double-submit token of a browser without a
// session, setting its cookie when missing.
func preSessionToken(w http.ResponseWriter, r *http.Request, secure bool) string {
	if c, err := r.Cookie(preSessionName); err == nil && len(c.Value) == 43 {
		return c.Value
	}
	b := make([]byte, 32)
	rand.Read(b)
	v := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: preSessionName, Value: v, Path: "/", HttpOnly: true,
		Secure: secure, SameSite: http.SameSiteLaxMode})
	// The request itself now carries it too, so a page rendered in this
	// request puts the same token in its forms.
	r.AddCookie(&http.Cookie{Name: preSessionName, Value: v})
	return v
}

// crossOrigin refuses unsafe requests from other sites.
func (s *server) crossOrigin(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.pageError(w, r, app.Errorf(app.EFORBIDDEN, "this request came from another site and was refused"))
	}))
	return cop.Handler(next)
}

// checkCSRF refuses unsafe requests without the right token. It runs after
// loadSession.
func (s *server) checkCSRF(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}
		var want string
		if sess := sessionFrom(r.Context()); sess != nil {
			want = csrfToken(sess.token)
		} else if c, err := r.Cookie(preSessionName); err == nil {
			want = c.Value
		}
		got := r.Header.Get(csrfHeader)
		if got == "" {
			// A file upload (a CSV import) may be larger than a form.
			limit, multipart := int64(maxBody), strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data")
			if multipart {
				limit = maxUpload
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			var err error
			if multipart {
				err = r.ParseMultipartForm(maxUploadMemory)
			} else {
				err = r.ParseForm()
			}
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				s.pageError(w, r, &app.Error{Code: app.EINVALID, Field: "file",
					Message: fmt.Sprintf("the upload is larger than %d MiB: split the file", limit>>20)})
				return
			}
			got = r.PostFormValue(csrfField)
		}
		if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			s.pageError(w, r, &app.Error{Code: app.EFORBIDDEN, Field: csrfField,
				Message: "the form was out of date or not sent by this site; reload the page and try again"})
			return
		}
		next.ServeHTTP(w, r)
	})
}
