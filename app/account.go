package app

import (
	"context"
	"time"
)

// Account is a user as user management sees it.
type Account struct {
	User
	Disabled bool `json:"disabled"`
}

// AccountService keeps the accounts people sign in with.
type AccountService interface {
	// CountUsers returns how many accounts exist, disabled ones included.
	CountUsers(ctx context.Context) (int, error)
	// CreateFirstOwner creates the owner account of a box that has none.
	// Errors: invalid, conflict (an account already exists).
	CreateFirstOwner(ctx context.Context, username, password string) (*User, error)
	// AddUser creates an account. Errors: invalid, conflict (name taken).
	AddUser(ctx context.Context, username string, role Role, password string) (*User, error)
	// Accounts lists every account by username.
	Accounts(ctx context.Context) ([]Account, error)
	// Account returns one account, or not_found.
	Account(ctx context.Context, id int64) (*Account, error)
	// SetRole changes an account's role. Errors: not_found, invalid.
	SetRole(ctx context.Context, id int64, r Role) error
	// SetDisabled disables or enables an account; disabling ends its
	// sessions. Errors: not_found.
	SetDisabled(ctx context.Context, id int64, disabled bool) error
	// ChangePassword sets a new password after checking the current one,
	// and ends the account's other sessions (all but keepSession's).
	// Errors: unauthorized (current password wrong), invalid.
	ChangePassword(ctx context.Context, id int64, current, next, keepSession string) error
	// CheckPassword returns the user when the password is right.
	CheckPassword(ctx context.Context, username, password string) (*User, error)
}

// Session is a signed-in browser.
type Session struct {
	User      *User
	ExpiresAt time.Time
}

// SessionService keeps browser sessions and counts failed sign-ins.
// Session tokens are stored hashed; the raw token lives only in the
// browser's cookie.
type SessionService interface {
	// CreateSession starts a session for the user lasting ttl and returns
	// its token.
	CreateSession(ctx context.Context, userID int64, ttl time.Duration) (string, error)
	// Session returns the live session of a token (not expired, account
	// enabled), or an unauthorized error.
	Session(ctx context.Context, token string) (*Session, error)
	// ExtendSession moves a session's expiry to now+ttl.
	ExtendSession(ctx context.Context, token string, ttl time.Duration) error
	// EndSession deletes the session (sign-out); an unknown token is no error.
	EndSession(ctx context.Context, token string) error
	// SignInFailures counts the failed sign-ins since the instant, for the
	// username and for the client address, and returns the newest failure.
	SignInFailures(ctx context.Context, username, client string, since time.Time) (byUser, byClient int, last time.Time, err error)
	// RecordSignInFailure remembers one failed sign-in.
	RecordSignInFailure(ctx context.Context, username, client string) error
	// ClearSignInFailures forgets the username's failures after a sign-in
	// that succeeded.
	ClearSignInFailures(ctx context.Context, username string) error
}

// MayGrant returns nil when u may give an account role r: owners may give
// any role, other account managers any but owner.
func (u *User) MayGrant(r Role) error {
	if err := u.Authorize(ManageAccounts); err != nil {
		return err
	}
	if r == Owner && u.Role != Owner {
		return &Error{Code: EFORBIDDEN, Field: "role", Message: "only an owner may make an owner"}
	}
	return nil
}

// MayChange returns nil when u may change the role or the state of the
// account target: not its own (so nobody locks themselves out), and an owner's
// only when u is an owner.
func (u *User) MayChange(target *User) error {
	if err := u.Authorize(ManageAccounts); err != nil {
		return err
	}
	if target.ID == u.ID {
		return Errorf(EFORBIDDEN, "you cannot change your own role or disable yourself; ask another owner")
	}
	if target.Role == Owner && u.Role != Owner {
		return Errorf(EFORBIDDEN, "only an owner may change an owner's account")
	}
	return nil
}
