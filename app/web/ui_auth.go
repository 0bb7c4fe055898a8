package web

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/a-h/templ"

	"depot/app"
	"depot/views"
)

// Lock-out: after lockUser failures for one username, or lockClient from one
// address (password spraying across usernames), within lockWindow, sign-in
// is refused until lockWindow after the newest failure.
const (
	lockUser   = 5
	lockClient = 10
	lockWindow = 15 * time.Minute
)

// formOf returns the submitted values of the named fields, trimmed except
// passwords.
func formOf(r *http.Request, names ...string) views.Form {
	f := views.Form{Values: map[string]string{}}
	for _, n := range names {
		v := r.PostFormValue(n)
		if !strings.Contains(n, "password") && n != "current" && n != "confirm" {
			v = strings.TrimSpace(v)
		}
		f.Values[n] = v
	}
	return f
}

// refuse renders a form again with err beside its field, with the status
// of err's code.
func (s *server) refuse(w http.ResponseWriter, r *http.Request, f views.Form, err error, page func(views.Form) templ.Component) error {
	if app.ErrorCode(err) == app.EINTERNAL {
		return err
	}
	f.Field, f.Error = app.ErrorField(err), app.ErrorMessage(err)
	info := infoFrom(r.Context())
	info.code, info.field = app.ErrorCode(err), f.Field
	status := statusOf[app.ErrorCode(err)]
	if se, ok := err.(*statusError); ok {
		status = se.status
	}
	return s.render(w, r, status, page(f))
}

func (s *server) loginPage(w http.ResponseWriter, r *http.Request) error {
	if s.needsSetup(r.Context()) {
		http.Redirect(w, r, "/setup", http.StatusSeeOther)
		return nil
	}
	if sessionFrom(r.Context()) != nil {
		http.Redirect(w, r, localPath(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	p := s.pageFor(w, r, "Sign in")
	return s.render(w, r, http.StatusOK, views.Login(p, views.Form{}, localPath(r.URL.Query().Get("next"))))
}

// login handles POST /login: the lock-out check, the password check, a new
// session. The answer never says whether the username exists.
func (s *server) login(w http.ResponseWriter, r *http.Request) error {
	f := formOf(r, "username", "password")
	next := localPath(r.PostFormValue("next"))
	p := s.pageFor(w, r, "Sign in")
	page := func(f views.Form) templ.Component { return views.Login(p, f, next) }
	username, client := f.Value("username"), clientAddr(r)
	if username == "" {
		return s.refuse(w, r, f, app.FieldErrorf("username", "is required"), page)
	}
	byUser, byClient, last, err := s.Sessions.SignInFailures(r.Context(), username, client, s.ui.Now().Add(-lockWindow))
	if err != nil {
		return err
	}
	if byUser >= lockUser || byClient >= lockClient {
		wait := max(time.Minute, last.Add(lockWindow).Sub(s.ui.Now()).Round(time.Minute))
		return s.refuse(w, r, f, withStatus(http.StatusTooManyRequests, app.Errorf(app.EFORBIDDEN,
			"too many failed sign-ins; try again in %d minutes", int(wait.Minutes()))), page)
	}
	u, err := s.Accounts.CheckPassword(r.Context(), username, f.Value("password"))
	if app.ErrorCode(err) == app.EUNAUTH {
		if err := s.Sessions.RecordSignInFailure(r.Context(), username, client); err != nil {
			return err
		}
		return s.refuse(w, r, f, app.Errorf(app.EUNAUTH, "wrong username or password"), page)
	}
	if err != nil {
		return err
	}
	if err := s.Sessions.ClearSignInFailures(r.Context(), username); err != nil {
		return err
	}
	if err := s.startSession(w, r, u); err != nil {
		return err
	}
	infoFrom(r.Context()).user = u.Username
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (s *server) logout(w http.ResponseWriter, r *http.Request) error {
	if sess := sessionFrom(r.Context()); sess != nil {
		if err := s.Sessions.EndSession(r.Context(), sess.token); err != nil {
			return err
		}
	}
	s.setSessionCookie(w, "", time.Time{})
	s.setFlash(w, "You are signed out.")
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

func (s *server) setupPage(w http.ResponseWriter, r *http.Request) error {
	if !s.needsSetup(r.Context()) {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	p := s.pageFor(w, r, "Set up depot")
	return s.render(w, r, http.StatusOK, views.Setup(p, views.Form{}))
}

// setup handles POST /setup: with the console's setup code, it creates the
// owner account and signs it in.
func (s *server) setup(w http.ResponseWriter, r *http.Request) error {
	if !s.needsSetup(r.Context()) {
		return app.Errorf(app.ECONFLICT, "this depot already has an owner; sign in instead")
	}
	f := formOf(r, "code", "username", "password", "confirm")
	p := s.pageFor(w, r, "Set up depot")
	page := func(f views.Form) templ.Component { return views.Setup(p, f) }
	code := strings.ToUpper(strings.ReplaceAll(f.Value("code"), " ", ""))
	want := strings.ReplaceAll(s.ui.SetupCode, " ", "")
	if subtle.ConstantTimeCompare([]byte(code), []byte(want)) != 1 {
		// Counted like a failed sign-in, so the code cannot be guessed.
		client := clientAddr(r)
		_, byClient, _, err := s.Sessions.SignInFailures(r.Context(), "", client, s.ui.Now().Add(-lockWindow))
		if err != nil {
			return err
		}
		if byClient >= lockClient {
			return s.refuse(w, r, f, withStatus(http.StatusTooManyRequests, &app.Error{Code: app.EFORBIDDEN, Field: "code",
				Message: "too many wrong codes; try again in 15 minutes"}), page)
		}
		if err := s.Sessions.RecordSignInFailure(r.Context(), "", client); err != nil {
			return err
		}
		return s.refuse(w, r, f, &app.Error{Code: app.EFORBIDDEN, Field: "code",
			Message: "is not the code depot serve printed on its console"}, page)
	}
	if f.Value("password") != f.Value("confirm") {
		return s.refuse(w, r, f, app.FieldErrorf("confirm", "does not match the password"), page)
	}
	u, err := s.Accounts.CreateFirstOwner(r.Context(), f.Value("username"), f.Value("password"))
	if err != nil {
		return s.refuse(w, r, f, err, page)
	}
	s.ui.hasUsers.Store(true)
	s.log.Info("owner account created", "username", u.Username)
	if err := s.startSession(w, r, u); err != nil {
		return err
	}
	s.setFlash(w, fmt.Sprintf("Welcome, %s. You are the owner of this depot.", u.Username))
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

func (s *server) accountPage(w http.ResponseWriter, r *http.Request) error {
	p := s.pageFor(w, r, "Your account")
	return s.render(w, r, http.StatusOK, views.Account(p, views.Form{}))
}

// changePassword handles POST /account/password.
func (s *server) changePassword(w http.ResponseWriter, r *http.Request) error {
	sess := sessionFrom(r.Context())
	f := formOf(r, "current", "password", "confirm")
	p := s.pageFor(w, r, "Your account")
	page := func(f views.Form) templ.Component { return views.Account(p, f) }
	if f.Value("password") != f.Value("confirm") {
		return s.refuse(w, r, f, app.FieldErrorf("confirm", "does not match the new password"), page)
	}
	err := s.Accounts.ChangePassword(r.Context(), sess.User.ID, f.Value("current"), f.Value("password"), sess.token)
	if err != nil {
		return s.refuse(w, r, f, err, page)
	}
	s.setFlash(w, "Password changed. Your other browsers are signed out.")
	http.Redirect(w, r, "/account", http.StatusSeeOther)
	return nil
}
