package sqlite

import (
	"context"
	"database/sql"

	"golang.org/x/crypto/bcrypt"

	"depot/app"
)

// CreateFirstOwner creates the owner account of a box that has no account
// yet. The check and the insert run in one write, so two browsers racing
// for the setup page cannot both win. Errors: invalid, conflict.
func (db *DB) CreateFirstOwner(ctx context.Context, username, password string) (*app.User, error) {
	username, err := checkUsername(username)
	if err != nil {
		return nil, err
	}
	hash, err := hashPassword(password)
	if err != nil {
		return nil, err
	}
	v, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		var n int
		if err := tx.QueryRow(`SELECT count(*) FROM users`).Scan(&n); err != nil {
			return nil, err
		}
		if n > 0 {
			return nil, app.Errorf(app.ECONFLICT, "this depot already has an owner; sign in instead")
		}
		return tx.insertUser(username, app.Owner, hash)
	})
	if err != nil {
		return nil, err
	}
	return &app.User{ID: v.(int64), Username: username, Role: app.Owner}, nil
}

// Accounts lists every account by username.
func (db *DB) Accounts(ctx context.Context) ([]app.Account, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, username, role, created_at, disabled FROM users ORDER BY username`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []app.Account
	for rows.Next() {
		var a app.Account
		var created int64
		if err := rows.Scan(&a.ID, &a.Username, &a.Role, &created, &a.Disabled); err != nil {
			return nil, err
		}
		a.CreatedAt = fromMs(created)
		out = append(out, a)
	}
	return out, rows.Err()
}

// Account returns one account, or not_found.
func (db *DB) Account(ctx context.Context, id int64) (*app.Account, error) {
	a := &app.Account{}
	var created int64
	err := db.read.QueryRowContext(ctx, `SELECT id, username, role, created_at, disabled FROM users WHERE id = ?`, id).
		Scan(&a.ID, &a.Username, &a.Role, &created, &a.Disabled)
	if err == sql.ErrNoRows {
		return nil, app.Errorf(app.ENOTFOUND, "account %d does not exist", id)
	}
	if err != nil {
		return nil, err
	}
	a.CreatedAt = fromMs(created)
	return a, nil
}

// SetRole changes an account's role. Errors: invalid, not_found.
func (db *DB) SetRole(ctx context.Context, id int64, r app.Role) error {
	if _, err := app.ParseRole("role", string(r)); err != nil {
		return err
	}
	return db.updateUser(ctx, id, `UPDATE users SET role = ? WHERE id = ?`, string(r), id)
}

// SetDisabled disables or enables an account; disabling ends its sessions
// and its API tokens stop working. Errors: not_found.
func (db *DB) SetDisabled(ctx context.Context, id int64, disabled bool) error {
	return db.updateUser(ctx, id, `UPDATE users SET disabled = ? WHERE id = ?`, boolInt(disabled), id)
}

func (db *DB) updateUser(ctx context.Context, id int64, query string, args ...any) error {
	_, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		res, err := tx.Exec(query, args...)
		if err != nil {
			return nil, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil, app.Errorf(app.ENOTFOUND, "account %d does not exist", id)
		}
		var disabled bool
		if err := tx.QueryRow(`SELECT disabled FROM users WHERE id = ?`, id).Scan(&disabled); err != nil {
			return nil, err
		}
		if disabled {
			return nil, tx.endSessions(id, "")
		}
		return nil, nil
	})
	return err
}

// ChangePassword sets a new password once the current one checks out, and
// ends the account's other sessions. Errors: unauthorized (the current
// password is wrong; Field "current"), invalid (Field "password").
func (db *DB) ChangePassword(ctx context.Context, id int64, current, next, keepSession string) error {
	var hash string
	err := db.read.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = ? AND disabled = 0`, id).Scan(&hash)
	if err == sql.ErrNoRows {
		return app.Errorf(app.ENOTFOUND, "account %d does not exist", id)
	}
	if err != nil {
		return err
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(current)) != nil {
		return &app.Error{Code: app.EUNAUTH, Field: "current", Message: "is not your current password"}
	}
	newHash, err := hashPassword(next)
	if err != nil {
		return err
	}
	_, err = db.w.Do(ctx, func(tx *Tx) (any, error) {
		if _, err := tx.Exec(`UPDATE users SET password_hash = ? WHERE id = ?`, string(newHash), id); err != nil {
			return nil, err
		}
		return nil, tx.endSessions(id, keepSession)
	})
	return err
}
