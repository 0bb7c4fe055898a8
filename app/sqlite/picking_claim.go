package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"depot/app"
)

// Claims are correct by construction: the check of a list's holder and the
// write of the new one run in one writer command, and the writer runs one
// command at a time. Twenty pickers asking at once queue up and each gets
// the next list (or none).

func claimTTL(d time.Duration) time.Duration {
	if d <= 0 {
		return app.DefaultClaimTTL
	}
	return d
}

// ClaimPickList gives the picker the list c.ListID, or with ListID 0 the
// next one: the list the picker already holds (a reload gets it back; a
// claim that ran out still counts while nobody has taken the list), else
// the oldest open list or one whose claim has expired. Errors:
// not_found (no such list; no list waiting), conflict (held by someone
// else until its claim expires; done or cancelled).
func (db *DB) ClaimPickList(ctx context.Context, c app.PickClaim) (*app.PickList, error) {
	if c.UserID == 0 {
		return nil, app.Errorf(app.EUNAUTH, "sign in first")
	}
	v, err := db.w.Do(ctx, func(tx *Tx) (any, error) { return tx.claimPickList(c) })
	if err != nil {
		return nil, err
	}
	return db.PickList(ctx, v.(int64))
}

func (tx *Tx) claimPickList(c app.PickClaim) (int64, error) {
	now := ms(tx.Now)
	id := c.ListID
	if id == 0 {
		// The picker's own list first, even when its claim ran out: nobody
		// has taken it since.
		err := tx.QueryRow(`SELECT p.id FROM pick_lists p WHERE p.status = 'claimed' AND p.claimed_by = ?
			AND EXISTS (SELECT 1 FROM pick_tasks t WHERE t.pick_list_id = p.id AND t.status = 'open')
			ORDER BY p.id LIMIT 1`, c.UserID).Scan(&id)
		if err == sql.ErrNoRows {
			// A list whose stops were all cancelled (its orders were) is
			// passed over: there is nothing to walk.
			err = tx.QueryRow(`SELECT p.id FROM pick_lists p WHERE (p.status = 'open' OR (p.status = 'claimed' AND p.claim_expires_at < ?))
				AND EXISTS (SELECT 1 FROM pick_tasks t WHERE t.pick_list_id = p.id AND t.status = 'open')
				ORDER BY p.id LIMIT 1`, now).Scan(&id)
			if err == sql.ErrNoRows {
				return 0, app.Errorf(app.ENOTFOUND, "no pick list is waiting to be picked")
			}
		}
		if err != nil {
			return 0, err
		}
	} else {
		st, err := tx.listState(id)
		if err != nil {
			return 0, err
		}
		if err := st.claimableBy(c.UserID, tx.Now); err != nil {
			return 0, err
		}
	}
	_, err := tx.Exec(`UPDATE pick_lists SET status = 'claimed',
			claimed_at = CASE WHEN status = 'claimed' AND claimed_by = ?1 THEN claimed_at ELSE ?2 END,
			claimed_by = ?1, claim_expires_at = ?3 WHERE id = ?4`,
		c.UserID, now, ms(tx.Now.Add(claimTTL(c.TTL))), id)
	return id, err
}

// listState is a pick list's claim as the writer checks it.
type listState struct {
	id        int64
	status    string
	holder    int64
	holderFor string // the holder's username
	expires   int64
}

func (tx *Tx) listState(id int64) (listState, error) {
	s := listState{id: id}
	var holder, expires sql.NullInt64
	err := tx.QueryRow(`SELECT p.status, p.claimed_by, ifnull(u.username, ''), p.claim_expires_at
		FROM pick_lists p LEFT JOIN users u ON u.id = p.claimed_by WHERE p.id = ?`, id).
		Scan(&s.status, &holder, &s.holderFor, &expires)
	if err == sql.ErrNoRows {
		return s, app.Errorf(app.ENOTFOUND, "pick list %d does not exist", id)
	}
	s.holder, s.expires = holder.Int64, expires.Int64
	return s, err
}

// claimableBy says whether user may take the list now.
func (s listState) claimableBy(user int64, now time.Time) error {
	switch s.status {
	case app.ListDone, app.ListCancelled:
		return app.Errorf(app.ECONFLICT, "pick list %d is %s", s.id, s.status)
	case app.ListClaimed:
		if s.holder != user && s.expires >= ms(now) {
			return app.Errorf(app.ECONFLICT, "pick list %d is claimed by %s until %s UTC", s.id, s.holderFor,
				fromMs(s.expires).Format("15:04"))
		}
	}
	return nil
}

// heldBy checks that user holds the list, for a pick: a claim of the user's
// that expired still counts while nobody else has taken the list.
func (s listState) heldBy(user int64) error {
	switch {
	case s.status == app.ListDone || s.status == app.ListCancelled:
		return app.Errorf(app.ECONFLICT, "pick list %d is %s", s.id, s.status)
	case s.status == app.ListOpen:
		return app.Errorf(app.ECONFLICT, "pick list %d is not claimed: claim it before picking", s.id)
	case s.holder != user:
		return app.Errorf(app.ECONFLICT, "pick list %d is claimed by %s, not by you", s.id, s.holderFor)
	}
	return nil
}

// renewClaim extends the user's claim on the list from now.
func (tx *Tx) renewClaim(id int64, ttl time.Duration) error {
	_, err := tx.Exec(`UPDATE pick_lists SET claim_expires_at = ? WHERE id = ?`, ms(tx.Now.Add(claimTTL(ttl))), id)
	return err
}

// ReleasePickList gives a claim back: the list is open for the next
// picker (done when none of its stops is open any more). Only its holder may release it, or anyone with r.Any (a
// manager). Errors: not_found, conflict (not claimed), forbidden.
func (db *DB) ReleasePickList(ctx context.Context, r app.PickRelease) (*app.PickList, error) {
	_, err := db.w.Do(ctx, func(tx *Tx) (any, error) {
		st, err := tx.listState(r.ListID)
		if err != nil {
			return nil, err
		}
		if st.status != app.ListClaimed {
			return nil, app.Errorf(app.ECONFLICT, "pick list %d is %s, not claimed", st.id, st.status)
		}
		if st.holder != r.UserID && !r.Any {
			return nil, app.Errorf(app.EFORBIDDEN, "pick list %d is claimed by %s; only %s or a manager may release it",
				st.id, st.holderFor, st.holderFor)
		}
		// A list with no stop left to pick (its orders were cancelled) is
		// finished rather than offered to the next picker.
		_, err = tx.Exec(`UPDATE pick_lists SET claimed_by = NULL, claimed_at = NULL, claim_expires_at = NULL,
				status = CASE WHEN EXISTS (SELECT 1 FROM pick_tasks t WHERE t.pick_list_id = ?1 AND t.status = 'open')
					THEN 'open' ELSE 'done' END,
				done_at = CASE WHEN EXISTS (SELECT 1 FROM pick_tasks t WHERE t.pick_list_id = ?1 AND t.status = 'open')
					THEN NULL ELSE ?2 END
			WHERE id = ?1`, r.ListID, ms(tx.Now))
		return nil, err
	})
	if err != nil {
		return nil, err
	}
	return db.PickList(ctx, r.ListID)
}

// describeQty is "3 of SKU-1" with the lot when there is one.
func describeQty(q int64, sku, lot string) string {
	if lot != "" {
		return fmt.Sprintf("%d of %s lot %s", q, sku, lot)
	}
	return fmt.Sprintf("%d of %s", q, sku)
}
