package sqlite

import (
	"context"
	"database/sql"
	"errors"
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
	// 2 -> 3: the search index, stock totals per place, lot status history;
	// the index and the totals are filled for the rows already there.
	`-- The search index (FTS5): variants (SKU, product name, GTIN as GTIN-14,
-- -13 and -12, attribute values, packaging barcodes), places (code, name)
-- and lots (code). The kind is in the rowid: a variant's id, a location's
-- id + 2^40, a lot's id + 2^41, so a search per kind is a rowid range.
-- Codes are also indexed as one word without their separators (A-01-003
-- as a01003), so that typing "A-01-0" is a cheap prefix search of one word
-- rather than a phrase whose last word "0" matches thousands of numbers.
-- Triggers keep it in the same transaction as the rows; archived variants
-- and places, and virtual places, are left out.
CREATE VIRTUAL TABLE search_index USING fts5(
    code, name, extra,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);

CREATE VIEW search_variants AS
SELECT v.id AS id, v.product_id AS product_id, v.sku AS code, p.name AS name,
    concat_ws(' ', replace(replace(replace(replace(replace(v.sku, '-', ''), '_', ''), '.', ''), '/', ''), ' ', ''), v.gtin, substr(v.gtin, 2), substr(v.gtin, 3),
        (SELECT group_concat(j.atom, ' ') FROM json_each(v.attributes) j WHERE j.atom IS NOT NULL),
        (SELECT group_concat(k.barcode || ' ' || replace(replace(replace(replace(replace(k.barcode, '-', ''), '_', ''), '.', ''), '/', ''), ' ', ''), ' ')
            FROM packagings k WHERE k.variant_id = v.id)) AS extra
FROM variants v JOIN products p ON p.id = v.product_id
WHERE v.archived = 0 AND p.archived = 0;

CREATE VIEW search_locations AS
SELECT l.id + 1099511627776 AS id, l.code AS code, l.name AS name, replace(replace(replace(replace(replace(l.code, '-', ''), '_', ''), '.', ''), '/', ''), ' ', '') AS extra
FROM locations l WHERE l.archived = 0 AND l.kind <> 'virtual';

CREATE VIEW search_lots AS
SELECT o.id + 2199023255552 AS id, o.code AS code, '' AS name, replace(replace(replace(replace(replace(o.code, '-', ''), '_', ''), '.', ''), '/', ''), ' ', '') AS extra FROM lots o;

CREATE TRIGGER variants_search_insert AFTER INSERT ON variants BEGIN
    INSERT INTO search_index (rowid, code, name, extra) SELECT id, code, name, extra FROM search_variants WHERE id = new.id;
END;
CREATE TRIGGER variants_search_update AFTER UPDATE ON variants BEGIN
    DELETE FROM search_index WHERE rowid = old.id;
    INSERT INTO search_index (rowid, code, name, extra) SELECT id, code, name, extra FROM search_variants WHERE id = new.id;
END;
CREATE TRIGGER variants_search_delete AFTER DELETE ON variants BEGIN
    DELETE FROM search_index WHERE rowid = old.id;
END;
CREATE TRIGGER products_search_update AFTER UPDATE OF name, archived ON products BEGIN
    DELETE FROM search_index WHERE rowid IN (SELECT id FROM variants WHERE product_id = new.id);
    INSERT INTO search_index (rowid, code, name, extra) SELECT id, code, name, extra FROM search_variants WHERE product_id = new.id;
END;
CREATE TRIGGER packagings_search_insert AFTER INSERT ON packagings BEGIN
    DELETE FROM search_index WHERE rowid = new.variant_id;
    INSERT INTO search_index (rowid, code, name, extra) SELECT id, code, name, extra FROM search_variants WHERE id = new.variant_id;
END;
CREATE TRIGGER packagings_search_update AFTER UPDATE ON packagings BEGIN
    DELETE FROM search_index WHERE rowid IN (old.variant_id, new.variant_id);
    INSERT INTO search_index (rowid, code, name, extra) SELECT id, code, name, extra FROM search_variants WHERE id IN (old.variant_id, new.variant_id);
END;
CREATE TRIGGER packagings_search_delete AFTER DELETE ON packagings BEGIN
    DELETE FROM search_index WHERE rowid = old.variant_id;
    INSERT INTO search_index (rowid, code, name, extra) SELECT id, code, name, extra FROM search_variants WHERE id = old.variant_id;
END;
CREATE TRIGGER locations_search_insert AFTER INSERT ON locations BEGIN
    INSERT INTO search_index (rowid, code, name, extra) SELECT id, code, name, extra FROM search_locations WHERE id = new.id + 1099511627776;
END;
CREATE TRIGGER locations_search_update AFTER UPDATE OF code, name, kind, archived ON locations BEGIN
    DELETE FROM search_index WHERE rowid = old.id + 1099511627776;
    INSERT INTO search_index (rowid, code, name, extra) SELECT id, code, name, extra FROM search_locations WHERE id = new.id + 1099511627776;
END;
CREATE TRIGGER locations_search_delete AFTER DELETE ON locations BEGIN
    DELETE FROM search_index WHERE rowid = old.id + 1099511627776;
END;
CREATE TRIGGER lots_search_insert AFTER INSERT ON lots BEGIN
    INSERT INTO search_index (rowid, code, name, extra) SELECT id, code, name, extra FROM search_lots WHERE id = new.id + 2199023255552;
END;
CREATE TRIGGER lots_search_update AFTER UPDATE OF code ON lots BEGIN
    DELETE FROM search_index WHERE rowid = old.id + 2199023255552;
    INSERT INTO search_index (rowid, code, name, extra) SELECT id, code, name, extra FROM search_lots WHERE id = new.id + 2199023255552;
END;
CREATE TRIGGER lots_search_delete AFTER DELETE ON lots BEGIN
    DELETE FROM search_index WHERE rowid = old.id + 2199023255552;
END;

-- Stock at each physical place itself (not below it), kept from the levels
-- by triggers in the same transaction, so that a place's total with
-- everything under it is a walk of the (small) location tree instead of a
-- read of every level below it.
CREATE TABLE location_totals (
    location_id INTEGER PRIMARY KEY REFERENCES locations (id),
    on_hand     INTEGER NOT NULL DEFAULT 0,
    reserved    INTEGER NOT NULL DEFAULT 0,
    levels      INTEGER NOT NULL DEFAULT 0 CHECK (levels >= 0)
) STRICT;

CREATE TRIGGER levels_totals_insert AFTER INSERT ON inventory_levels WHEN new.physical = 1 BEGIN
    INSERT INTO location_totals (location_id, on_hand, reserved, levels)
    VALUES (new.location_id, new.on_hand, new.reserved, new.on_hand <> 0 OR new.reserved <> 0)
    ON CONFLICT (location_id) DO UPDATE SET on_hand = on_hand + excluded.on_hand,
        reserved = reserved + excluded.reserved, levels = levels + excluded.levels;
END;
CREATE TRIGGER levels_totals_update AFTER UPDATE OF on_hand, reserved ON inventory_levels WHEN new.physical = 1 BEGIN
    UPDATE location_totals SET on_hand = on_hand + new.on_hand - old.on_hand,
        reserved = reserved + new.reserved - old.reserved,
        levels = levels + (new.on_hand <> 0 OR new.reserved <> 0) - (old.on_hand <> 0 OR old.reserved <> 0)
    WHERE location_id = new.location_id;
END;
CREATE TRIGGER levels_totals_delete AFTER DELETE ON inventory_levels WHEN old.physical = 1 BEGIN
    UPDATE location_totals SET on_hand = on_hand - old.on_hand, reserved = reserved - old.reserved,
        levels = levels - (old.on_hand <> 0 OR old.reserved <> 0)
    WHERE location_id = old.location_id;
END;

-- Every change of a lot's status: from what to what, why, by whom, when.
CREATE TABLE lot_status_changes (
    id          INTEGER PRIMARY KEY,
    lot_id      INTEGER NOT NULL REFERENCES lots (id),
    from_status TEXT    NOT NULL REFERENCES lot_statuses (status),
    to_status   TEXT    NOT NULL REFERENCES lot_statuses (status),
    reason      TEXT    NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    user_id     INTEGER REFERENCES users (id),
    changed_at  INTEGER NOT NULL,
    CHECK (from_status <> to_status)
) STRICT;

CREATE INDEX lot_status_changes_lot ON lot_status_changes (lot_id, id);
CREATE INDEX lots_expires ON lots (expires_on) WHERE expires_on IS NOT NULL;

INSERT INTO search_index (rowid, code, name, extra) SELECT id, code, name, extra FROM search_variants;
INSERT INTO search_index (rowid, code, name, extra) SELECT id, code, name, extra FROM search_locations;
INSERT INTO search_index (rowid, code, name, extra) SELECT id, code, name, extra FROM search_lots;
INSERT INTO location_totals (location_id, on_hand, reserved, levels)
SELECT location_id, sum(on_hand), sum(reserved), sum(on_hand <> 0 OR reserved <> 0)
FROM inventory_levels WHERE physical = 1 GROUP BY location_id;`,
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
	if err := checkFTS5(ctx); err != nil {
		return err
	}
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

// ErrNoFTS5 is returned by Open when the binary's SQLite lacks FTS5, which
// the search index needs. mattn/go-sqlite3 compiles FTS5 in only with the
// build tag sqlite_fts5; the Makefile sets it for every go command.
var ErrNoFTS5 = errors.New("this depot was built without SQLite's full-text search (FTS5), which its search needs: " +
	"build it with `go build -tags sqlite_fts5 ./cmd/depot` (make build does), and test with `go test -tags sqlite_fts5` (make test does)")

// checkFTS5 refuses a SQLite without FTS5 before anything is written (Open
// calls it before it creates the file), so a build without the tag stops
// at start with ErrNoFTS5 instead of an SQL error from the schema.
func checkFTS5(ctx context.Context) error {
	c, err := sql.Open(driverName, ":memory:")
	if err != nil {
		return err
	}
	defer c.Close()
	var on bool
	if err := c.QueryRowContext(ctx, `SELECT sqlite_compileoption_used('ENABLE_FTS5')`).Scan(&on); err != nil {
		return err
	}
	if !on {
		return ErrNoFTS5
	}
	return nil
}
