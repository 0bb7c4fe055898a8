package web

import (
	"context"
	"net/http"
	"strings"

	"depot/app"
)

// authenticate lets a request through only with a valid API token in
// "Authorization: Bearer <token>", and puts its user in the context.
func (s *server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Get("Authorization")
		if h == "" {
			s.writeError(w, r, app.Errorf(app.EUNAUTH, "send an API token: Authorization: Bearer <token>"))
			return
		}
		scheme, token, _ := strings.Cut(h, " ")
		token = strings.TrimSpace(token)
		if !strings.EqualFold(scheme, "Bearer") || token == "" {
			s.writeError(w, r, app.Errorf(app.EUNAUTH, "the Authorization header must be Bearer <token>"))
			return
		}
		u, err := s.Auth.UserByToken(r.Context(), token)
		if err == nil && u == nil {
			err = app.Errorf(app.EUNAUTH, "the API token is not valid")
		}
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		infoFrom(r.Context()).user = u.Username
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), userKey, u)))
	})
}

// userFrom returns the authenticated user, or nil.
func userFrom(ctx context.Context) *app.User {
	u, _ := ctx.Value(userKey).(*app.User)
	return u
}

// require lets a request through only when its user may do a.
func (s *server) require(a app.Action) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if err := userFrom(r.Context()).Authorize(a); err != nil {
				s.writeError(w, r, err)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// movementKinds are the kinds a role may be granted to post. No role but
// the owner is granted transfer_out or transfer_in: the transfer commands
// post them (checked as ManageTransfers), so that every unit in transit
// belongs to a transfer.
var movementKinds = []app.MovementKind{app.Receive, app.Move, app.Ship, app.Adjust, app.Count, app.Return, app.Reversal,
	app.TransferOut, app.TransferIn}

// authorizePost checks that u may post a movement of kind k. A kind that
// does not exist (or "") passes when u may post some kind, and is left to
// the command's validation to explain.
func authorizePost(u *app.User, k app.MovementKind) error {
	for _, known := range movementKinds {
		if k == known {
			return u.Authorize(app.PostAction(k))
		}
	}
	for _, known := range movementKinds {
		if u.Authorize(app.PostAction(known)) == nil {
			return nil
		}
	}
	if u == nil {
		return app.Errorf(app.EUNAUTH, "sign in first")
	}
	return app.Errorf(app.EFORBIDDEN, "role %s may not post movements", u.Role)
}
