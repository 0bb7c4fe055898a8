package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	depot "depot"
)

// upgrades bring a database of version i+1 to version i+2: upgrades[0] takes
// version 1 to 2. Append only; never edit a step that has shipped. A step and
// schema.sql change together, and TestMigrationsMatchSchema proves that a
// database upgraded step by step equals a fresh one.
var upgrades = []string{
	// 1 -> 2: browser sessions and the sign-in lock-out.
	`CREATE TABLE sessions (
    id         INTEGER PRIMARY KEY,
    token_hash BLOB    NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;

CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE signin_failures (
    id        INTEGER PRIMARY KEY,
    username  TEXT    NOT NULL COLLATE NOCASE CHECK (length(username) <= 200),
    client    TEXT    NOT NULL CHECK (length(client) <= 100),
    failed_at INTEGER NOT NULL
) STRICT;

CREATE INDEX signin_failures_username ON signin_failures (username, failed_at);
CREATE INDEX signin_failures_client ON signin_failures (client, failed_at);`,
}

// Version is the schema version this build writes: a fresh database is
// created at it, and older ones are upgraded to it.
var Version = 1 + len(upgrades)

// migrate brings the database behind db to Version, each step in its own
// transaction. A database newer than this build is refused.
func migrate(ctx context.Context, db *sql.DB) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var v, tables int
	if err := conn.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
		return err
	}
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema`).Scan(&tables); err != nil {
		return err
	}
	switch {
	case v > Version:
		return fmt.Errorf("database schema is version %d, newer than this depot (version %d): upgrade depot", v, Version)
	case v == 0 && tables > 0:
		return fmt.Errorf("the file holds tables but no depot schema version: not a depot database")
	case v == 0:
		return step(ctx, conn, depot.Schema, Version)
	}
	for ; v < Version; v++ {
		if err := step(ctx, conn, upgrades[v-1], v+1); err != nil {
			return fmt.Errorf("upgrade schema from version %d to %d: %w", v, v+1, err)
		}
	}
	return nil
}

func step(ctx context.Context, conn *sql.Conn, script string, to int) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, script); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, to)); err != nil {
		return err
	}
	return tx.Commit()
}
