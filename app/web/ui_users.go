package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"depot/app"
	"depot/views"
)

// usersModel builds the user-management page for the signed-in user.
func (s *server) usersModel(r *http.Request) (views.UsersModel, error) {
	accts, err := s.Accounts.Accounts(r.Context())
	if err != nil {
		return views.UsersModel{}, err
	}
	u := sessionFrom(r.Context()).User
	var grantable []app.Role
	for _, role := range app.Roles {
		if u.MayGrant(role) == nil {
			grantable = append(grantable, role)
		}
	}
	return views.UsersModel{Accounts: accts, Grantable: grantable, New: views.Form{Values: map[string]string{"role": string(app.Clerk)}}}, nil
}

func (s *server) usersPage(w http.ResponseWriter, r *http.Request) error {
	m, err := s.usersModel(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.Users(s.pageFor(w, r, "Users"), m))
}

// usersRefusal renders the users page again with a refused form's state.
func (s *server) usersRefusal(w http.ResponseWriter, r *http.Request, set func(*views.UsersModel, views.Form)) func(views.Form) templ.Component {
	p := s.pageFor(w, r, "Users")
	return func(f views.Form) templ.Component {
		m, err := s.usersModel(r)
		if err != nil {
			return templ.ComponentFunc(func(context.Context, io.Writer) error { return err })
		}
		set(&m, f)
		return views.Users(p, m)
	}
}

// createUser handles POST /users. A manager cannot create an owner.
func (s *server) createUser(w http.ResponseWriter, r *http.Request) error {
	f := formOf(r, "username", "role", "password")
	page := s.usersRefusal(w, r, func(m *views.UsersModel, f views.Form) { m.New = f })
	role, err := app.ParseRole("role", f.Value("role"))
	if err == nil {
		err = sessionFrom(r.Context()).User.MayGrant(role)
	}
	if err != nil {
		return s.refuse(w, r, f, err, page)
	}
	u, err := s.Accounts.AddUser(r.Context(), f.Value("username"), role, f.Value("password"))
	if err != nil {
		return s.refuse(w, r, f, err, page)
	}
	s.log.Info("account created", "username", u.Username, "role", string(u.Role), "by", sessionFrom(r.Context()).User.Username)
	s.setFlash(w, fmt.Sprintf("Account %s created with role %s.", u.Username, u.Role))
	http.Redirect(w, r, "/users", http.StatusSeeOther)
	return nil
}

// target returns the account named by the {id} path parameter, checking
// that the signed-in user may change it.
func (s *server) target(r *http.Request) (*app.Account, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		return nil, app.Errorf(app.ENOTFOUND, "there is no account %q", clipText(chi.URLParam(r, "id")))
	}
	a, err := s.Accounts.Account(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if err := sessionFrom(r.Context()).User.MayChange(&a.User); err != nil {
		return nil, err
	}
	return a, nil
}

// setRole handles POST /users/{id}/role.
func (s *server) setRole(w http.ResponseWriter, r *http.Request) error {
	a, err := s.target(r)
	if err != nil {
		return err
	}
	f := formOf(r, "role")
	page := s.usersRefusal(w, r, func(m *views.UsersModel, f views.Form) { m.RowID, m.Row = a.ID, f })
	role, err := app.ParseRole("role", f.Value("role"))
	if err == nil {
		err = sessionFrom(r.Context()).User.MayGrant(role)
	}
	if err == nil {
		err = s.Accounts.SetRole(r.Context(), a.ID, role)
	}
	if err != nil {
		return s.refuse(w, r, f, err, page)
	}
	s.log.Info("role changed", "username", a.Username, "role", string(role), "by", sessionFrom(r.Context()).User.Username)
	s.setFlash(w, fmt.Sprintf("%s is now %s.", a.Username, role))
	http.Redirect(w, r, "/users", http.StatusSeeOther)
	return nil
}

// setDisabled handles POST /users/{id}/disabled.
func (s *server) setDisabled(w http.ResponseWriter, r *http.Request) error {
	a, err := s.target(r)
	if err != nil {
		return err
	}
	var disabled bool
	switch r.PostFormValue("disabled") {
	case "true":
		disabled = true
	case "false":
	default:
		return app.FieldErrorf("disabled", "must be true or false")
	}
	if err := s.Accounts.SetDisabled(r.Context(), a.ID, disabled); err != nil {
		return err
	}
	state := "enabled"
	if disabled {
		state = "disabled; its sessions are ended"
	}
	s.log.Info("account "+map[bool]string{true: "disabled", false: "enabled"}[disabled], "username", a.Username, "by", sessionFrom(r.Context()).User.Username)
	s.setFlash(w, fmt.Sprintf("%s is %s.", a.Username, state))
	http.Redirect(w, r, "/users", http.StatusSeeOther)
	return nil
}
