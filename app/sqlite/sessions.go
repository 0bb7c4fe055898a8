package sqlite

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"strings"
	"time"

	"depot/app"
)

// sessionPrefix marks depot session tokens.
const sessionPrefix = "dps_"

// CreateSession starts a session for the user that lasts ttl and returns its
// token: 32 random bytes, of which only the SHA-256 is stored. Expired
// sessions are pruned on the way. Errors: not_found (no such enabled user).
func (db *DB) CreateSession(ctx context.Context, userID int64, ttl time.Duration) (string, error) {
	raw := make([]byte, 32)
	rand.Read(raw)
	token := sessionPrefix + base64.RawURLEncoding.EncodeToString(raw)
	sum := sha256.Sum256([]byte(token))
	_, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		var n int
		if err := tx.QueryRow(`SELECT count(*) FROM users WHERE id = ? AND disabled = 0`, userID).Scan(&n); err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, app.Errorf(app.ENOTFOUND, "user %d does not exist or is disabled", userID)
		}
		if _, err := tx.Exec(`DELETE FROM sessions WHERE expires_at <= ?`, ms(tx.Now)); err != nil {
			return nil, err
		}
		_, err := tx.Exec(`INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			sum[:], userID, ms(tx.Now), ms(tx.Now.Add(ttl)))
		return nil, err
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// Session returns the live session of token: not expired, its account
// enabled. Anything else is unauthorized.
func (db *DB) Session(ctx context.Context, token string) (*app.Session, error) {
	if !strings.HasPrefix(token, sessionPrefix) || len(token) > 100 {
		return nil, app.Errorf(app.EUNAUTH, "sign in first")
	}
	sum := sha256.Sum256([]byte(token))
	u := &app.User{}
	var created, expires int64
	err := db.read.QueryRowContext(ctx, `SELECT u.id, u.username, u.role, u.created_at, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled = 0`, sum[:], ms(db.now())).
		Scan(&u.ID, &u.Username, &u.Role, &created, &expires)
	if err == sql.ErrNoRows {
		return nil, app.Errorf(app.EUNAUTH, "your session has ended; sign in again")
	}
	if err != nil {
		return nil, err
	}
	u.CreatedAt = fromMs(created)
	return &app.Session{User: u, ExpiresAt: fromMs(expires)}, nil
}

// ExtendSession moves the session's expiry to now+ttl.
func (db *DB) ExtendSession(ctx context.Context, token string, ttl time.Duration) error {
	sum := sha256.Sum256([]byte(token))
	_, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		_, err := tx.Exec(`UPDATE sessions SET expires_at = ? WHERE token_hash = ? AND expires_at > ?`,
			ms(tx.Now.Add(ttl)), sum[:], ms(tx.Now))
		return nil, err
	})
	return err
}

// EndSession deletes the session of token.
func (db *DB) EndSession(ctx context.Context, token string) error {
	sum := sha256.Sum256([]byte(token))
	_, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		_, err := tx.Exec(`DELETE FROM sessions WHERE token_hash = ?`, sum[:])
		return nil, err
	})
	return err
}

// endSessions deletes the user's sessions except keep's (a raw token, or "").
func (tx *Tx) endSessions(userID int64, keep string) error {
	sum := sha256.Sum256([]byte(keep))
	_, err := tx.Exec(`DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?`, userID, sum[:])
	return err
}

// SignInFailures counts failed sign-ins since the instant for the username
// and for the client address, and returns the newest of them.
func (db *DB) SignInFailures(ctx context.Context, username, client string, since time.Time) (byUser, byClient int, last time.Time, err error) {
	var lastMs int64
	err = db.read.QueryRowContext(ctx, `SELECT
			(SELECT count(*) FROM signin_failures WHERE username = ?1 AND failed_at >= ?3),
			(SELECT count(*) FROM signin_failures WHERE client = ?2 AND failed_at >= ?3),
			ifnull((SELECT max(failed_at) FROM signin_failures WHERE (username = ?1 OR client = ?2) AND failed_at >= ?3), 0)`,
		clipName(username), clipName(client), ms(since)).Scan(&byUser, &byClient, &lastMs)
	return byUser, byClient, fromMs(lastMs), err
}

// RecordSignInFailure remembers a failed sign-in and prunes those older
// than a day.
func (db *DB) RecordSignInFailure(ctx context.Context, username, client string) error {
	_, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		if _, err := tx.Exec(`DELETE FROM signin_failures WHERE failed_at < ?`, ms(tx.Now.Add(-24*time.Hour))); err != nil {
			return nil, err
		}
		_, err := tx.Exec(`INSERT INTO signin_failures (username, client, failed_at) VALUES (?, ?, ?)`,
			clipName(username), clipName(client), ms(tx.Now))
		return nil, err
	})
	return err
}

// ClearSignInFailures forgets the username's failed sign-ins.
func (db *DB) ClearSignInFailures(ctx context.Context, username string) error {
	_, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		_, err := tx.Exec(`DELETE FROM signin_failures WHERE username = ?`, clipName(username))
		return nil, err
	})
	return err
}

// clipName bounds what an anonymous client can make the database store.
func clipName(s string) string {
	if len(s) > 100 {
		return s[:100]
	}
	return s
}
