package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/mattn/go-sqlite3"

	"depot/app"
)

var _ app.PlaceService = (*DB)(nil)

// subtreeTotals sums location_totals over the place ?1 and every place
// under it: a walk of the location tree (thousands of rows), not of the
// levels (millions).
const subtreeTotals = `WITH RECURSIVE sub(id) AS (
		SELECT ?1 UNION ALL SELECT l.id FROM locations l JOIN sub ON l.parent_id = sub.id)
	SELECT ifnull(sum(t.on_hand), 0), ifnull(sum(t.reserved), 0), ifnull(sum(t.levels), 0)
	FROM sub LEFT JOIN location_totals t ON t.location_id = sub.id`

// Place returns the place with the code and what it and the places under
// it hold. Errors: not_found.
func (db *DB) Place(ctx context.Context, code string) (*app.PlaceNode, error) {
	n := &app.PlaceNode{}
	var attrs string
	err := db.read.QueryRowContext(ctx, `SELECT l.id, l.code, l.name, l.kind, ifnull(p.code, ''), l.walk_seq, l.attributes,
			l.archived, (SELECT count(*) FROM locations c WHERE c.parent_id = l.id AND c.archived = 0)
		FROM locations l LEFT JOIN locations p ON p.id = l.parent_id WHERE l.code = ?`, code).
		Scan(&n.ID, &n.Code, &n.Name, &n.Kind, &n.Parent, &n.WalkSeq, &attrs, &n.Archived, &n.Places)
	if err == sql.ErrNoRows {
		return nil, &app.Error{Code: app.ENOTFOUND, Field: "code", Message: "no location has code " + quote(code)}
	}
	if err != nil {
		return nil, err
	}
	n.Attributes = json.RawMessage(attrs)
	if err := db.read.QueryRowContext(ctx, subtreeTotals, n.ID).Scan(&n.OnHand, &n.Reserved, &n.Levels); err != nil {
		return nil, err
	}
	return n, nil
}

// PlaceChildren returns the places directly under code that are not
// archived (the top of the tree for ""), by walk sequence and code, each
// with the totals of it and everything under it. Errors: not_found.
func (db *DB) PlaceChildren(ctx context.Context, code string) ([]app.PlaceNode, error) {
	top := `c.parent_id IS NULL AND c.kind <> 'virtual' AND ?1 = 0`
	var id int64
	if code != "" {
		var err error
		if id, err = db.locationID(ctx, code); err != nil {
			return nil, err
		}
		top = `c.parent_id = ?1`
	}
	rows, err := db.read.QueryContext(ctx, `WITH RECURSIVE sub(top, id) AS (
			SELECT c.id, c.id FROM locations c WHERE `+top+` AND c.archived = 0
			UNION ALL SELECT sub.top, l.id FROM sub JOIN locations l ON l.parent_id = sub.id),
		totals(id, on_hand, reserved, levels) AS (
			SELECT sub.top, ifnull(sum(t.on_hand), 0), ifnull(sum(t.reserved), 0), ifnull(sum(t.levels), 0)
			FROM sub LEFT JOIN location_totals t ON t.location_id = sub.id GROUP BY sub.top)
		SELECT c.id, c.code, c.name, c.kind, c.walk_seq, c.attributes,
			(SELECT count(*) FROM locations g WHERE g.parent_id = c.id AND g.archived = 0),
			totals.on_hand, totals.reserved, totals.levels
		FROM totals JOIN locations c ON c.id = totals.id
		ORDER BY c.walk_seq, c.code`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []app.PlaceNode{}
	for rows.Next() {
		n := app.PlaceNode{}
		var attrs string
		if err := rows.Scan(&n.ID, &n.Code, &n.Name, &n.Kind, &n.WalkSeq, &attrs, &n.Places, &n.OnHand, &n.Reserved, &n.Levels); err != nil {
			return nil, err
		}
		n.Parent, n.Attributes = code, json.RawMessage(attrs)
		out = append(out, n)
	}
	return out, rows.Err()
}

// placeRow is a location as the tree edits read it.
type treeRow struct {
	id       int64
	code     string
	kind     app.LocationKind
	attrs    string
	archived bool
}

func (tx *Tx) treeRow(code string) (treeRow, error) {
	var r treeRow
	err := tx.QueryRow(`SELECT id, code, kind, attributes, archived FROM locations WHERE code = ?`, code).
		Scan(&r.id, &r.code, &r.kind, &r.attrs, &r.archived)
	if err == sql.ErrNoRows {
		return r, &app.Error{Code: app.ENOTFOUND, Field: "code", Message: "no location has code " + quote(code)}
	}
	if err == nil && r.kind == app.KindVirtual {
		err = app.FieldErrorf("code", "%s is a virtual location, built in and not part of the tree", r.code)
	}
	return r, err
}

// UpdatePlace renames, moves and sets the walk sequence and attributes of
// the place in one transaction. A move under the place itself or under a
// place below it is refused, so the tree never gets a cycle.
func (db *DB) UpdatePlace(ctx context.Context, code string, u app.PlaceUpdate) (*app.Location, error) {
	if err := u.Validate(); err != nil {
		return nil, err
	}
	_, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		cur, err := tx.treeRow(code)
		if err != nil {
			return nil, err
		}
		if cur.archived {
			return nil, app.Errorf(app.ECONFLICT, "location %s is archived", cur.code)
		}
		var parent any
		if u.Parent != "" {
			if cur.kind == app.KindSite {
				return nil, app.FieldErrorf("parent", "a site is the top of its tree and has no parent")
			}
			p, err := tx.place("parent", u.Parent)
			if err != nil {
				return nil, err
			}
			if !p.Physical {
				return nil, app.FieldErrorf("parent", "%s is a virtual location and holds no sub-locations", p.Code)
			}
			var below bool
			if err := tx.QueryRow(`WITH RECURSIVE up(id) AS (
					SELECT ?1 UNION ALL SELECT l.parent_id FROM locations l JOIN up ON l.id = up.id WHERE l.parent_id IS NOT NULL)
				SELECT EXISTS (SELECT 1 FROM up WHERE id = ?2)`, p.ID, cur.id).Scan(&below); err != nil {
				return nil, err
			}
			if below {
				if p.ID == cur.id {
					return nil, app.FieldErrorf("parent", "%s cannot be inside itself", cur.code)
				}
				return nil, app.FieldErrorf("parent", "%s is under %s: a place cannot move below itself", p.Code, cur.code)
			}
			parent = p.ID
		}
		attrs, err := u.Attributes.Merge(json.RawMessage(cur.attrs))
		if err != nil {
			return nil, err
		}
		_, err = tx.Exec(`UPDATE locations SET code = ?, name = ?, parent_id = ?, walk_seq = ?, attributes = ? WHERE id = ?`,
			u.Code, u.Name, parent, u.WalkSeq, string(attrs), cur.id)
		if isConstraint(err, sqlite3.ErrConstraintUnique) {
			return nil, &app.Error{Code: app.ECONFLICT, Field: "code", Message: "location code " + u.Code + " is already in use"}
		}
		return nil, err
	})
	if err != nil {
		return nil, err
	}
	return db.Location(ctx, u.Code)
}

// ArchivePlace archives the place and every place under it when none of
// them holds or has reserved stock; otherwise it refuses with a conflict
// that says how much is there.
func (db *DB) ArchivePlace(ctx context.Context, code string) error {
	_, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		cur, err := tx.treeRow(code)
		if err != nil {
			return nil, err
		}
		if cur.archived {
			return nil, app.Errorf(app.ECONFLICT, "location %s is already archived", cur.code)
		}
		var onHand, reserved, levels int64
		if err := tx.QueryRow(subtreeTotals, cur.id).Scan(&onHand, &reserved, &levels); err != nil {
			return nil, err
		}
		if levels > 0 {
			msg := fmt.Sprintf("%s cannot be archived: %d units in %d stock levels are at it or below it", cur.code, onHand, levels)
			if reserved > 0 {
				msg += fmt.Sprintf(" (%d reserved)", reserved)
			}
			return nil, app.Errorf(app.ECONFLICT, "%s; move them out first", msg)
		}
		_, err = tx.Exec(`WITH RECURSIVE sub(id) AS (
				SELECT ?1 UNION ALL SELECT l.id FROM locations l JOIN sub ON l.parent_id = sub.id)
			UPDATE locations SET archived = 1 WHERE id IN (SELECT id FROM sub)`, cur.id)
		return nil, err
	})
	return err
}

// checkPlaceTotals adds a problem for every physical place whose
// location_totals row differs from the sum of its levels (the triggers in
// schema.sql keep them equal). Files from before schema version 3 have no
// totals to check: verify reads old backups and replicas as they are.
func checkPlaceTotals(ctx context.Context, rdb *sql.DB, rep *VerifyReport) error {
	var has int
	if err := rdb.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'location_totals'`).Scan(&has); err != nil {
		return err
	}
	if has == 0 {
		return nil
	}
	rows, err := rdb.QueryContext(ctx, `WITH s AS (
			SELECT location_id, sum(on_hand) AS on_hand, sum(reserved) AS reserved,
				sum(on_hand <> 0 OR reserved <> 0) AS levels
			FROM inventory_levels WHERE physical = 1 GROUP BY location_id),
		ids AS (SELECT location_id FROM s UNION SELECT location_id FROM location_totals)
		SELECT l.code, ifnull(t.on_hand, 0), ifnull(s.on_hand, 0), ifnull(t.reserved, 0), ifnull(s.reserved, 0),
			ifnull(t.levels, 0), ifnull(s.levels, 0)
		FROM ids JOIN locations l ON l.id = ids.location_id
		LEFT JOIN s ON s.location_id = ids.location_id
		LEFT JOIN location_totals t ON t.location_id = ids.location_id
		WHERE ifnull(t.on_hand, 0) <> ifnull(s.on_hand, 0) OR ifnull(t.reserved, 0) <> ifnull(s.reserved, 0)
			OR ifnull(t.levels, 0) <> ifnull(s.levels, 0)
		ORDER BY l.code LIMIT ?`, maxProblems+1)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var code string
		var tOn, sOn, tRes, sRes, tLv, sLv int64
		if err := rows.Scan(&code, &tOn, &sOn, &tRes, &sRes, &tLv, &sLv); err != nil {
			return err
		}
		rep.Problems = append(rep.Problems, Problem{What: fmt.Sprintf(
			"place totals of %s say %d on hand, %d reserved in %d levels; its levels hold %d, %d in %d",
			code, tOn, tRes, tLv, sOn, sRes, sLv)})
	}
	return rows.Err()
}
