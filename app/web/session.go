package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"depot/app"
)

// Cookie names.
const (
	sessionCookie = "depot_session"
	flashCookie   = "depot_flash"
)

// session is the signed-in browser of a request.
type session struct {
	*app.Session
	token string // the raw token from the cookie
}

const sessionKey ctxKey = 100

func sessionFrom(ctx context.Context) *session {
	s, _ := ctx.Value(sessionKey).(*session)
	return s
}

// loadSession puts the session of the request's cookie (if it is live) and
// its user in the context, and extends a session that is past half its
// life. A dead cookie is cleared.
func (s *server) loadSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(sessionCookie)
		if err != nil || c.Value == "" {
			next.ServeHTTP(w, r)
			return
		}
		sess, err := s.Sessions.Session(r.Context(), c.Value)
		if app.ErrorCode(err) == app.EUNAUTH {
			s.setSessionCookie(w, "", time.Time{})
			next.ServeHTTP(w, r)
			return
		}
		if err != nil {
			s.pageError(w, r, err)
			return
		}
		if sess.ExpiresAt.Sub(s.ui.Now()) < sessionRenewAt {
			if err := s.Sessions.ExtendSession(r.Context(), c.Value, sessionTTL); err == nil {
				sess.ExpiresAt = s.ui.Now().Add(sessionTTL)
				s.setSessionCookie(w, c.Value, sess.ExpiresAt)
			}
		}
		infoFrom(r.Context()).user = sess.User.Username
		ctx := context.WithValue(r.Context(), sessionKey, &session{Session: sess, token: c.Value})
		ctx = context.WithValue(ctx, userKey, sess.User)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// page lets a request through only with a session whose role may do a (""
// for any signed-in user). Without a session a page request is sent to
// sign in (or to first run on a box without accounts); with the wrong role
// it gets 403.
func (s *server) page(a app.Action) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			sess := sessionFrom(r.Context())
			if sess == nil {
				s.toSignIn(w, r)
				return
			}
			if a != "" {
				if err := sess.User.Authorize(a); err != nil {
					s.pageError(w, r, err)
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

// toSignIn answers a request without a session: GETs are redirected to the
// sign-in page (or first run), htmx requests and other methods get 401.
func (s *server) toSignIn(w http.ResponseWriter, r *http.Request) {
	target := "/login?next=" + url.QueryEscape(r.URL.RequestURI())
	if s.needsSetup(r.Context()) {
		target = "/setup"
	}
	if r.Method != http.MethodGet || r.Header.Get("HX-Request") != "" || r.URL.Path == "/events" {
		w.Header().Set("HX-Redirect", target)
		s.pageError(w, r, app.Errorf(app.EUNAUTH, "sign in first"))
		return
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// needsSetup reports whether the box has no account yet and a setup code to
// create the first one with.
func (s *server) needsSetup(ctx context.Context) bool {
	if s.ui.SetupCode == "" || s.ui.hasUsers.Load() {
		return false
	}
	n, err := s.Accounts.CountUsers(ctx)
	if err != nil || n > 0 {
		s.ui.hasUsers.Store(err == nil)
		return false
	}
	return true
}

func (s *server) setSessionCookie(w http.ResponseWriter, token string, expires time.Time) {
	c := &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.ui.Secure,
		SameSite: http.SameSiteLaxMode, Expires: expires}
	if token == "" {
		c.MaxAge = -1
	}
	http.SetCookie(w, c)
}

// startSession signs u in: a new session and its cookie.
func (s *server) startSession(w http.ResponseWriter, r *http.Request, u *app.User) error {
	token, err := s.Sessions.CreateSession(r.Context(), u.ID, sessionTTL)
	if err != nil {
		return err
	}
	s.setSessionCookie(w, token, s.ui.Now().Add(sessionTTL))
	return nil
}

// setFlash leaves a one-line message for the next page the browser shows.
func (s *server) setFlash(w http.ResponseWriter, msg string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: url.QueryEscape(msg), Path: "/", HttpOnly: true,
		Secure: s.ui.Secure, SameSite: http.SameSiteLaxMode, MaxAge: 60})
}

// takeFlash returns the flash message and clears it.
func takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1})
	msg, _ := url.QueryUnescape(c.Value)
	return clipText(msg)
}

// localPath returns next when it is a path on this site, else "/": a
// sign-in link must not send the user elsewhere.
func localPath(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return next
}

// clientAddr is the address failed sign-ins are counted against: the TCP
// peer. Forwarded headers are not trusted; depot is reached directly.
func clientAddr(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	return strings.Trim(host, "[]")
}
