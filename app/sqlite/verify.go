package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"unsafe"

	"github.com/mattn/go-sqlite3"
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
// equal the replay, that each level's reserved equals its open and picked
// allocations, and that the hash chain holds. It reads through the read
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
	levels          *levelSums
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
			replay.merge(r.levels)
		}
	}
	if total != 0 {
		rep.Problems = append(rep.Problems, Problem{What: fmt.Sprintf("the ledger sums to %d, not zero", total)})
	}
	if err := checkLevels(ctx, rdb, replay, rep); err != nil {
		return nil, err
	}
	if err := checkPlaceTotals(ctx, rdb, rep); err != nil {
		return nil, err
	}
	if err := checkReserved(ctx, rdb, rep); err != nil {
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

// The movements of a range and their legs, read side by side: legs come in
// (movement_id, id) order straight from legs_movement, and the legs text is
// built here as legsText does. (A correlated group_concat per movement built
// the same text in SQL at four string concatenations per leg, which was most
// of verify's time.)
const (
	// The three hashes come as one 96-byte blob (request, previous, own):
	// one value to copy instead of three.
	verifyMovementsQuery = `SELECT id, kind, idempotency_key, reference_type, reference_id, reason, note,
		reverses_id, user_id, posted_at, effective_at, CAST(request_hash || prev_hash || hash AS BLOB)
	FROM movements WHERE id BETWEEN ? AND ? ORDER BY id`
	verifyLegsQuery = `SELECT movement_id, variant_id, location_id, lot_id, qty
	FROM inventory_transactions WHERE movement_id BETWEEN ? AND ? ORDER BY movement_id, id`
)

func verifyRange(ctx context.Context, rdb *sql.DB, lo, hi int64) (partResult, error) {
	r := partResult{levels: newLevelSums()}
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
	conn, err := rdb.Conn(ctx)
	if err != nil {
		return r, err
	}
	defer conn.Close()
	// Both statements run on one connection, so they read one snapshot.
	err = conn.Raw(func(dc any) error {
		sc, ok := dc.(*sqlite3.SQLiteConn)
		if !ok {
			return fmt.Errorf("verify: driver connection is %T, not SQLite's", dc)
		}
		movs, err := queryBatch(sc, verifyMovementsQuery, "i"+"tttttt"+"iiii"+"t", lo, hi)
		if err != nil {
			return err
		}
		defer movs.Close()
		legs, err := queryBatch(sc, verifyLegsQuery, "iiiii", lo, hi)
		if err != nil {
			return err
		}
		defer legs.Close()
		return verifyMerge(ctx, movs, legs, lo, hi, prev, &r, problem)
	})
	return r, err
}

// verifyMerge walks the movements and their legs of one range.
func verifyMerge(ctx context.Context, movs, legs *rowBatch, lo, hi int64, prev []byte, r *partResult,
	problem func(int64, string, ...any)) error {
	var (
		in       chainInput
		text     []byte
		buf      []byte
		expectID = lo
		balance  []balanceSum
	)
	haveLeg, err := legs.Next()
	if err != nil {
		return err
	}
	for {
		ok, err := movs.Next()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		prevH, hashH, err := scanMovement(movs, &in)
		if err != nil {
			return err
		}
		r.movements++
		if r.movements%8192 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if in.ID != expectID {
			problem(in.ID, "movement ids jump from %d to %d: movements are missing", expectID-1, in.ID)
		}
		expectID = in.ID + 1
		if !bytes.Equal(prevH, prev) {
			problem(in.ID, "its previous hash does not match the movement before it: the chain is broken")
		}

		// Legs of movements that do not exist are not this movement's.
		for haveLeg && legs.Int(0) < in.ID {
			if haveLeg, err = legs.Next(); err != nil {
				return err
			}
		}
		// Replay the legs: balance per variant and lot, and levels.
		balance = balance[:0]
		text = text[:0]
		n := 0
		for haveLeg && legs.Int(0) == in.ID {
			k, q := levelKey{legs.Int(1), legs.Int(2), legs.Int(3)}, legs.Int(4)
			if n > 0 {
				text = append(text, ';')
			}
			text = strconv.AppendInt(text, k.v, 10)
			text = append(text, ',')
			text = strconv.AppendInt(text, k.loc, 10)
			text = append(text, ',')
			text = strconv.AppendInt(text, k.lot, 10)
			text = append(text, ',')
			text = strconv.AppendInt(text, q, 10)
			balance = addBalance(balance, k.v, k.lot, q)
			r.levels.add(k, q)
			r.sum += q
			n++
			if haveLeg, err = legs.Next(); err != nil {
				return err
			}
		}
		in.Legs = unsafe.String(unsafe.SliceData(text), len(text))
		var sum [32]byte
		sum, buf = chainHash(buf, prevH, &in)
		if !bytes.Equal(sum[:], hashH) {
			problem(in.ID, "its content does not match its hash: it was changed after it was written")
		}
		prev = append(prev[:0], hashH...)
		r.legs += int64(n)
		if n == 0 && in.Kind != "count" {
			problem(in.ID, "it has no legs")
		}
		for _, b := range balance {
			if b.q != 0 {
				problem(in.ID, "its legs for variant %d lot %d sum to %d, not zero", b.v, b.lot, b.q)
			}
		}
	}
	if expectID <= hi {
		problem(expectID, "movements %d to %d are missing", expectID, hi)
	}
	return nil
}

// scanMovement fills in from the current row of verifyMovementsQuery and
// returns the stored previous and own hashes. NULLs read as "" and 0, as
// ifnull would make them. The strings in in share the batch's memory: they
// are valid until the next row.
func scanMovement(m *rowBatch, in *chainInput) (prev, hash []byte, err error) {
	str := func(i int) string {
		b := m.Text(i)
		return unsafe.String(unsafe.SliceData(b), len(b))
	}
	in.ID = m.Int(0)
	in.Kind, in.Key, in.RefType, in.RefID, in.Reason, in.Note = str(1), str(2), str(3), str(4), str(5), str(6)
	in.Reverses, in.UserID, in.PostedAt, in.EffectiveAt = m.Int(7), m.Int(8), m.Int(9), m.Int(10)
	hashes := m.Text(11)
	if len(hashes) != 96 {
		return nil, nil, fmt.Errorf("verify: movement %d: its hashes are not 3 x 32 bytes", in.ID)
	}
	in.RequestHash = hashes[:32]
	return hashes[32:64], hashes[64:], nil
}

// integer reads an integer column where NULL means 0.
func integer(v driver.Value) (int64, bool) {
	if v == nil {
		return 0, true
	}
	n, ok := v.(int64)
	return n, ok
}

func text(v driver.Value) (string, bool) {
	switch s := v.(type) {
	case nil:
		return "", true
	case string:
		return s, true
	case []byte:
		return string(s), true
	}
	return "", false
}

func checkLevels(ctx context.Context, rdb *sql.DB, replay *levelSums, rep *VerifyReport) error {
	// Names are looked up only for the levels that are wrong.
	type wrong struct {
		k            levelKey
		onHand, want int64
	}
	var wrongs []wrong
	conn, err := rdb.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(driver.QueryerContext)
		if !ok {
			return fmt.Errorf("verify: driver connection %T cannot query", dc)
		}
		rows, err := c.QueryContext(context.Background(), `SELECT lv.variant_id, lv.location_id, lv.lot_id, lv.on_hand
			FROM inventory_levels lv JOIN variants v ON v.id = lv.variant_id JOIN locations l ON l.id = lv.location_id`, nil)
		if err != nil {
			return err
		}
		defer rows.Close()
		row := make([]driver.Value, 4)
		for n := 0; ; n++ {
			if err := rows.Next(row); err == io.EOF {
				return nil
			} else if err != nil {
				return err
			}
			if n%8192 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			var v [4]int64
			for i := range v {
				if v[i], ok = row[i].(int64); !ok {
					return fmt.Errorf("verify: level column %d is %T, not an integer", i, row[i])
				}
			}
			k := levelKey{v[0], v[1], v[2]}
			rep.Levels++
			if want := replay.take(k); v[3] != want {
				wrongs = append(wrongs, wrong{k, v[3], want})
			}
		}
	})
	if err != nil {
		return err
	}
	var bad []Problem
	for _, w := range wrongs {
		var sku, loc string
		err := rdb.QueryRowContext(ctx, `SELECT v.sku, l.code FROM variants v, locations l WHERE v.id = ? AND l.id = ?`,
			w.k.v, w.k.loc).Scan(&sku, &loc)
		if err != nil {
			return err
		}
		bad = append(bad, Problem{What: fmt.Sprintf("level of SKU %s at %s lot %d is %d on hand; the ledger says %d", sku, loc, w.k.lot, w.onHand, w.want)})
	}
	replay.each(func(k levelKey, q int64) {
		if q != 0 {
			bad = append(bad, Problem{What: fmt.Sprintf("variant %d at location %d lot %d has no level row; the ledger says %d on hand", k.v, k.loc, k.lot, q)})
		}
	})
	sort.Slice(bad, func(i, j int) bool { return bad[i].What < bad[j].What })
	rep.Problems = append(rep.Problems, bad...)
	return nil
}

// balanceSum is the sum of one movement's legs for one variant and lot.
type balanceSum struct{ v, lot, q int64 }

// addBalance adds q to the variant and lot; a movement has few of them.
func addBalance(b []balanceSum, v, lot, q int64) []balanceSum {
	for i := range b {
		if b[i].v == v && b[i].lot == lot {
			b[i].q += q
			return b
		}
	}
	return append(b, balanceSum{v, lot, q})
}

// levelSums adds up quantities per variant, location and lot. Replaying
// millions of legs is memory-bound: a Go map keyed by all three, and later
// per-variant lists, cost several cache misses per leg and were a sixth of
// verify's time. This is one open-addressed table of the keys and sums
// side by side, so a leg usually costs one miss.
type levelSums struct {
	slots []levelSlot // a power of two long; v == 0 marks an empty slot
	used  int
	odd   map[levelKey]int64 // keys with v <= 0, which real variants never have
}

type levelSlot struct{ v, loc, lot, q int64 }

func newLevelSums() *levelSums {
	return &levelSums{slots: make([]levelSlot, 1<<16), odd: map[levelKey]int64{}}
}

func (s *levelSums) slot(k levelKey) int {
	h := uint64(k.v)*0x9E3779B97F4A7C15 ^ uint64(k.loc)*0xC2B2AE3D27D4EB4F ^ uint64(k.lot)*0x165667B19E3779F9
	h ^= h >> 29
	mask := len(s.slots) - 1
	i := int(h) & mask
	for {
		e := &s.slots[i]
		if e.v == 0 || (e.v == k.v && e.loc == k.loc && e.lot == k.lot) {
			return i
		}
		i = (i + 1) & mask
	}
}

func (s *levelSums) add(k levelKey, q int64) {
	if k.v <= 0 {
		s.odd[k] += q
		return
	}
	i := s.slot(k)
	if s.slots[i].v == 0 {
		if (s.used+1)*2 > len(s.slots) {
			s.grow()
			i = s.slot(k)
		}
		s.slots[i] = levelSlot{k.v, k.loc, k.lot, 0}
		s.used++
	}
	s.slots[i].q += q
}

func (s *levelSums) grow() {
	old := s.slots
	s.slots = make([]levelSlot, 2*len(old))
	for _, e := range old {
		if e.v != 0 {
			s.slots[s.slot(levelKey{e.v, e.loc, e.lot})] = e
		}
	}
}

// merge adds o into s.
func (s *levelSums) merge(o *levelSums) {
	o.each(s.add)
}

// take returns the sum for k and forgets it: the slot keeps its key with a
// zero sum, which each skips.
func (s *levelSums) take(k levelKey) int64 {
	if k.v <= 0 {
		q := s.odd[k]
		delete(s.odd, k)
		return q
	}
	e := &s.slots[s.slot(k)]
	q := e.q
	e.q = 0
	return q
}

// each calls fn for every non-zero sum s holds.
func (s *levelSums) each(fn func(levelKey, int64)) {
	for _, e := range s.slots {
		if e.v != 0 && e.q != 0 {
			fn(levelKey{e.v, e.loc, e.lot}, e.q)
		}
	}
	for k, q := range s.odd {
		if q != 0 {
			fn(k, q)
		}
	}
}
