package sqlite

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base32"
	"strings"
	"unicode/utf8"

	"github.com/mattn/go-sqlite3"
	"golang.org/x/crypto/bcrypt"

	"depot/app"
)

// BcryptCost is the work factor of password hashes.
var BcryptCost = 12

// AddUser creates an account. The password must be 10 to 72 bytes.
// Errors: invalid, conflict (username taken).
func (db *DB) AddUser(ctx context.Context, username string, role app.Role, password string) (*app.User, error) {
	username, err := checkUsername(username)
	if err != nil {
		return nil, err
	}
	if _, err := app.ParseRole("role", string(role)); err != nil {
		return nil, err
	}
	hash, err := hashPassword(password)
	if err != nil {
		return nil, err
	}
	v, err := db.w.Do(ctx, func(tx *Tx) (any, error) { return tx.insertUser(username, role, hash) })
	if err != nil {
		return nil, err
	}
	return &app.User{ID: v.(int64), Username: username, Role: role}, nil
}

// checkUsername returns the username trimmed, or an invalid-input error.
func checkUsername(username string) (string, error) {
	username = strings.TrimSpace(username)
	if username == "" || utf8.RuneCountInString(username) > 64 || strings.ContainsAny(username, " \t\r\n") {
		return "", app.FieldErrorf("username", "must be 1 to 64 characters without spaces")
	}
	return username, nil
}

// hashPassword checks the password's length (10 to 72 bytes: bcrypt reads
// no further) and hashes it with BcryptCost.
func hashPassword(password string) ([]byte, error) {
	if len(password) < 10 {
		return nil, app.FieldErrorf("password", "must be at least 10 characters")
	}
	if len(password) > 72 {
		return nil, app.FieldErrorf("password", "must be at most 72 bytes")
	}
	return bcrypt.GenerateFromPassword([]byte(password), BcryptCost)
}

func (tx *Tx) insertUser(username string, role app.Role, hash []byte) (int64, error) {
	res, err := tx.Exec(`INSERT INTO users (username, role, password_hash, created_at) VALUES (?, ?, ?, ?)`,
		username, string(role), string(hash), ms(tx.Now))
	if isConstraint(err, sqlite3.ErrConstraintUnique) {
		return 0, &app.Error{Code: app.ECONFLICT, Field: "username", Message: "username " + username + " is taken"}
	}
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// CheckPassword returns the user when the password is right, else an
// unauthorized error that does not say which part was wrong.
func (db *DB) CheckPassword(ctx context.Context, username, password string) (*app.User, error) {
	u := &app.User{}
	var hash string
	err := db.read.QueryRowContext(ctx, `SELECT id, username, role, password_hash FROM users
		WHERE username = ? AND disabled = 0`, username).Scan(&u.ID, &u.Username, &u.Role, &hash)
	if err == sql.ErrNoRows {
		bcrypt.CompareHashAndPassword(dummyHash, []byte(password)) // same time as a real check
		return nil, app.Errorf(app.EUNAUTH, "wrong username or password")
	}
	if err != nil {
		return nil, err
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil {
		return nil, app.Errorf(app.EUNAUTH, "wrong username or password")
	}
	return u, nil
}

var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("not a password at all"), bcrypt.MinCost)

// tokenPrefix marks depot API tokens, so a leaked one is recognizable.
const tokenPrefix = "dpt_"

// CreateToken creates an API token for the user and returns it; only its
// SHA-256 is stored. Errors: not_found (user), conflict (name in use).
func (db *DB) CreateToken(ctx context.Context, username, name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 100 {
		return "", app.FieldErrorf("name", "must be 1 to 100 characters")
	}
	raw := make([]byte, 32)
	rand.Read(raw)
	token := tokenPrefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw))
	sum := sha256.Sum256([]byte(token))
	_, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		var uid int64
		err := tx.QueryRow(`SELECT id FROM users WHERE username = ?`, username).Scan(&uid)
		if err == sql.ErrNoRows {
			return nil, &app.Error{Code: app.ENOTFOUND, Field: "username", Message: "no user " + quote(username)}
		}
		if err != nil {
			return nil, err
		}
		_, err = tx.Exec(`INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?)`,
			uid, name, sum[:], ms(tx.Now))
		if isConstraint(err, sqlite3.ErrConstraintUnique) {
			return nil, &app.Error{Code: app.ECONFLICT, Field: "name", Message: "user " + username + " already has a token named " + quote(name)}
		}
		return nil, err
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// UserByToken returns the user an API token belongs to, or unauthorized.
func (db *DB) UserByToken(ctx context.Context, token string) (*app.User, error) {
	if !strings.HasPrefix(token, tokenPrefix) || len(token) > 100 {
		return nil, app.Errorf(app.EUNAUTH, "the API token is not valid")
	}
	sum := sha256.Sum256([]byte(token))
	u := &app.User{}
	err := db.read.QueryRowContext(ctx, `SELECT u.id, u.username, u.role FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.disabled = 0`, sum[:]).Scan(&u.ID, &u.Username, &u.Role)
	if err == sql.ErrNoRows {
		return nil, app.Errorf(app.EUNAUTH, "the API token is not valid")
	}
	if err != nil {
		return nil, err
	}
	return u, nil
}

// CountUsers returns how many accounts exist.
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n)
	return n, err
}
