package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"regexp"

	"depot/app"
)

// attrKey is what an attribute key used in a JSON path may look like.
var attrKey = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// maxAttributes matches the cap app puts on a location's attributes.
const maxAttributes = 16 << 10

// LocationsWithAttribute returns the physical, not archived locations whose
// attributes hold key (e.g. "station"), by code.
func (db *DB) LocationsWithAttribute(ctx context.Context, key string) ([]*app.Location, error) {
	if !attrKey.MatchString(key) {
		return nil, app.FieldErrorf("key", "%q is not an attribute key (lower-case letters, digits, _)", key)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT l.id, l.code, l.name, l.kind, ifnull(p.code, ''), l.walk_seq, l.attributes
		FROM locations l LEFT JOIN locations p ON p.id = l.parent_id
		WHERE l.kind <> 'virtual' AND NOT l.archived AND json_type(l.attributes, '$.' || ?) IS NOT NULL
		ORDER BY l.code`, key)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*app.Location
	for rows.Next() {
		l := &app.Location{}
		var attrs string
		if err := rows.Scan(&l.ID, &l.Code, &l.Name, &l.Kind, &l.Parent, &l.WalkSeq, &attrs); err != nil {
			return nil, err
		}
		l.Attributes = json.RawMessage(attrs)
		out = append(out, l)
	}
	return out, rows.Err()
}

// SetLocationAttribute sets one key of a physical location's attributes to
// value (a JSON value), or removes the key when value is nil, leaving the
// other keys as they are. Errors: not_found (code), invalid (a virtual
// location, a bad key or value, attributes over 16 KiB).
func (db *DB) SetLocationAttribute(ctx context.Context, code, key string, value json.RawMessage) (*app.Location, error) {
	if !attrKey.MatchString(key) {
		return nil, app.FieldErrorf("key", "%q is not an attribute key (lower-case letters, digits, _)", key)
	}
	if value != nil && !json.Valid(value) {
		return nil, app.FieldErrorf(key, "is not valid JSON")
	}
	_, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		var id int64
		var kind, attrs string
		err := tx.QueryRow(`SELECT id, kind, attributes FROM locations WHERE code = ?`, code).Scan(&id, &kind, &attrs)
		if err == sql.ErrNoRows {
			return nil, &app.Error{Code: app.ENOTFOUND, Field: "code", Message: "no location has code " + quote(code)}
		}
		if err != nil {
			return nil, err
		}
		if app.LocationKind(kind) == app.KindVirtual {
			return nil, app.FieldErrorf("code", "%s is a virtual location; it has no attributes to set", code)
		}
		m := map[string]json.RawMessage{}
		if err := json.Unmarshal([]byte(attrs), &m); err != nil {
			return nil, fmt.Errorf("location %s: stored attributes: %w", code, err)
		}
		if value == nil {
			delete(m, key)
		} else {
			m[key] = value
		}
		out, err := json.Marshal(m) // sorted keys; values compacted
		if err != nil {
			return nil, app.FieldErrorf(key, "%v", err)
		}
		if len(out) > maxAttributes {
			return nil, app.FieldErrorf(key, "the location's attributes would be %d bytes; at most %d", len(out), maxAttributes)
		}
		_, err = tx.Exec(`UPDATE locations SET attributes = ? WHERE id = ?`, string(out), id)
		return nil, err
	})
	if err != nil {
		return nil, err
	}
	return db.Location(ctx, code)
}
