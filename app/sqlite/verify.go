package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"sort"
	"strconv"
	"sync"
)

// Problem is one thing verify found wrong.
type Problem struct {
	MovementID int64  // 0 when not about one movement
	What       string // what is wrong, for a person
}

func (p Problem) String() string {
	if p.MovementID != 0 {
		return fmt.Sprintf("movement %d: %s", p.MovementID, p.What)
	}
	return p.What
}

// VerifyReport is what Verify found.
type VerifyReport struct {
	Movements int64
	Legs      int64
	Levels    int64
	Problems  []Problem
}

// maxProblems caps what one verify reports; the count says there were more.
const maxProblems = 1000

// Verify replays the ledger and checks that every movement's legs sum to zero
// per variant and lot, that the whole ledger sums to zero, that the levels
// equal the replay, and that the hash chain holds. It reads through the read
// pool, in parallel over ranges of movements, and changes nothing.
func (db *DB) Verify(ctx context.Context) (*VerifyReport, error) {
	return verify(ctx, db.read)
}

// VerifyFile verifies the database file at path without starting a writer
// or migrating it.
func VerifyFile(ctx context.Context, path string) (*VerifyReport, error) {
	rdb, err := sql.Open(driverName, dsn(path, true))
	if err != nil {
		return nil, err
	}
	defer rdb.Close()
	rdb.SetMaxOpenConns(runtime.NumCPU() + 1)
	var v int
	if err := rdb.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
		return nil, fmt.Errorf("verify %s: %w", path, err)
	}
	if v == 0 {
		return nil, fmt.Errorf("verify %s: not a depot database (no schema version)", path)
	}
	return verify(ctx, rdb)
}

type levelKey struct{ v, loc, lot int64 }

type partResult struct {
	movements, legs int64
	sum             int64
	levels          map[levelKey]int64
	problems        []Problem
}

func verify(ctx context.Context, rdb *sql.DB) (*VerifyReport, error) {
	// One read transaction per worker sees one snapshot only if nothing
	// writes meanwhile; take the newest id first and check up to it.
	var maxID sql.NullInt64
	if err := rdb.QueryRowContext(ctx, `SELECT max(id) FROM movements`).Scan(&maxID); err != nil {
		return nil, err
	}
	parts := runtime.NumCPU()
	if parts > 8 {
		parts = 8
	}
	results := make([]partResult, parts)
	errs := make([]error, parts)
	var wg sync.WaitGroup
	step := maxID.Int64/int64(parts) + 1
	for i := 0; i < parts; i++ {
		lo, hi := int64(i)*step+1, int64(i+1)*step
		if hi > maxID.Int64 {
			hi = maxID.Int64
		}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i], errs[i] = verifyRange(ctx, rdb, lo, hi)
		}(i)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	rep := &VerifyReport{}
	replay := results[0].levels
	var total int64
	for i, r := range results {
		rep.Movements += r.movements
		rep.Legs += r.legs
		total += r.sum
		rep.Problems = append(rep.Problems, r.problems...)
		if i > 0 {
			for k, q := range r.levels {
				replay[k] += q
			}
		}
	}
	if total != 0 {
		rep.Problems = append(rep.Problems, Problem{What: fmt.Sprintf("the ledger sums to %d, not zero", total)})
	}
	if err := checkLevels(ctx, rdb, replay, rep); err != nil {
		return nil, err
	}
	var orphans int64
	if err := rdb.QueryRowContext(ctx, `SELECT count(*) FROM inventory_transactions WHERE movement_id > ?`, maxID.Int64).Scan(&orphans); err != nil {
		return nil, err
	}
	if orphans > 0 {
		rep.Problems = append(rep.Problems, Problem{What: fmt.Sprintf("%d legs belong to no movement", orphans)})
	}
	if len(rep.Problems) > maxProblems {
		n := len(rep.Problems)
		rep.Problems = append(rep.Problems[:maxProblems], Problem{What: fmt.Sprintf("... and %d more problems", n-maxProblems)})
	}
	return rep, nil
}

// verifyQuery returns each movement with its legs rendered as legsText does.
const verifyQuery = `SELECT m.id, m.kind, m.idempotency_key, m.request_hash, ifnull(m.reference_type, ''),
		ifnull(m.reference_id, ''), ifnull(m.reason, ''), ifnull(m.note, ''), ifnull(m.reverses_id, 0),
		ifnull(m.user_id, 0), m.posted_at, m.effective_at, m.prev_hash, m.hash,
		(SELECT ifnull(group_concat(t.variant_id || ',' || t.location_id || ',' || ifnull(t.lot_id, 0) || ',' || t.qty, ';'
			ORDER BY t.id), '') FROM inventory_transactions t WHERE t.movement_id = m.id)
	FROM movements m WHERE m.id BETWEEN ? AND ? ORDER BY m.id`

func verifyRange(ctx context.Context, rdb *sql.DB, lo, hi int64) (partResult, error) {
	r := partResult{levels: map[levelKey]int64{}}
	if lo > hi {
		return r, nil
	}
	problem := func(id int64, format string, args ...any) {
		if len(r.problems) <= maxProblems {
			r.problems = append(r.problems, Problem{MovementID: id, What: fmt.Sprintf(format, args...)})
		}
	}
	// The chain link into this range: the hash of the movement before it.
	prev := make([]byte, 32)
	if lo > 1 {
		err := rdb.QueryRowContext(ctx, `SELECT hash FROM movements WHERE id < ? ORDER BY id DESC LIMIT 1`, lo).Scan(&prev)
		if err != nil && err != sql.ErrNoRows {
			return r, err
		}
	}
	rows, err := rdb.QueryContext(ctx, verifyQuery, lo, hi)
	if err != nil {
		return r, err
	}
	defer rows.Close()
	var (
		in                    chainInput
		kind, key, refType    sql.RawBytes
		refID, reason, note   sql.RawBytes
		reqHash, prevH, hashH sql.RawBytes
		legs                  sql.RawBytes
		buf                   []byte
		expectID              = lo
		balance               = map[[2]int64]int64{}
	)
	for rows.Next() {
		if err := rows.Scan(&in.ID, &kind, &key, &reqHash, &refType, &refID, &reason, &note, &in.Reverses,
			&in.UserID, &in.PostedAt, &in.EffectiveAt, &prevH, &hashH, &legs); err != nil {
			return r, err
		}
		r.movements++
		if in.ID != expectID {
			problem(in.ID, "movement ids jump from %d to %d: movements are missing", expectID-1, in.ID)
		}
		expectID = in.ID + 1
		in.Kind, in.Key, in.RefType, in.RefID = string(kind), string(key), string(refType), string(refID)
		in.Reason, in.Note, in.RequestHash, in.Legs = string(reason), string(note), reqHash, string(legs)
		if !bytes.Equal(prevH, prev) {
			problem(in.ID, "its previous hash does not match the movement before it: the chain is broken")
		}
		var sum [32]byte
		sum, buf = chainHash(buf, prevH, &in)
		if !bytes.Equal(sum[:], hashH) {
			problem(in.ID, "its content does not match its hash: it was changed after it was written")
		}
		prev = append(prev[:0], hashH...)

		// Replay the legs: balance per variant and lot, and levels.
		clear(balance)
		n, err := replayLegs(legs, func(k levelKey, q int64) {
			balance[[2]int64{k.v, k.lot}] += q
			r.levels[k] += q
			r.sum += q
		})
		if err != nil {
			problem(in.ID, "its legs cannot be read: %v", err)
		}
		r.legs += int64(n)
		if n == 0 && in.Kind != "count" {
			problem(in.ID, "it has no legs")
		}
		for k, q := range balance {
			if q != 0 {
				problem(in.ID, "its legs for variant %d lot %d sum to %d, not zero", k[0], k[1], q)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return r, err
	}
	if expectID <= hi {
		problem(expectID, "movements %d to %d are missing", expectID, hi)
	}
	return r, nil
}

// replayLegs parses legsText output and calls fn per leg.
func replayLegs(b []byte, fn func(levelKey, int64)) (int, error) {
	n := 0
	for len(b) > 0 {
		var f [4]int64
		for i := range f {
			end := bytes.IndexByte(b, ",,,;"[i])
			if end < 0 {
				end = len(b)
			}
			v, err := strconv.ParseInt(string(b[:end]), 10, 64)
			if err != nil {
				return n, err
			}
			f[i] = v
			if end < len(b) {
				end++
			}
			b = b[end:]
		}
		fn(levelKey{f[0], f[1], f[2]}, f[3])
		n++
	}
	return n, nil
}

func checkLevels(ctx context.Context, rdb *sql.DB, replay map[levelKey]int64, rep *VerifyReport) error {
	rows, err := rdb.QueryContext(ctx, `SELECT lv.variant_id, lv.location_id, lv.lot_id, lv.on_hand, v.sku, l.code
		FROM inventory_levels lv JOIN variants v ON v.id = lv.variant_id JOIN locations l ON l.id = lv.location_id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var bad []Problem
	for rows.Next() {
		var k levelKey
		var onHand int64
		var sku, loc string
		if err := rows.Scan(&k.v, &k.loc, &k.lot, &onHand, &sku, &loc); err != nil {
			return err
		}
		rep.Levels++
		want := replay[k]
		delete(replay, k)
		if onHand != want {
			bad = append(bad, Problem{What: fmt.Sprintf("level of SKU %s at %s lot %d is %d on hand; the ledger says %d", sku, loc, k.lot, onHand, want)})
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for k, q := range replay {
		if q != 0 {
			bad = append(bad, Problem{What: fmt.Sprintf("variant %d at location %d lot %d has no level row; the ledger says %d on hand", k.v, k.loc, k.lot, q)})
		}
	}
	sort.Slice(bad, func(i, j int) bool { return bad[i].What < bad[j].What })
	rep.Problems = append(rep.Problems, bad...)
	return nil
}
