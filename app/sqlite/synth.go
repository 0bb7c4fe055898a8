package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/mattn/go-sqlite3"

	"depot/app"
)

// SynthOptions sizes the synthetic warehouse that BuildSynthetic makes. Zero
// fields take the seed's top scale: 50,000 SKUs, 1,000 bins, 5.5 million legs.
type SynthOptions struct {
	SKUs int   // variants, about two per product
	Bins int   // bins under one site, in zones and aisles
	Legs int64 // legs of the ledger; even, since every line has two
	// Seed makes the warehouse; the same seed and sizes give the same
	// catalog and the same movements.
	Seed uint64
	// End is when the synthetic year of movements ends; now by default.
	End time.Time
	// Progress receives a line now and then; nil for silence.
	Progress io.Writer
}

// SynthReport says what BuildSynthetic made.
type SynthReport struct {
	Products, SKUs, Lots, Locations int64
	Movements, Legs, Levels         int64
	Took                            time.Duration
}

// Top scale of the synthetic warehouse.
const (
	SynthSKUs = 50_000
	SynthBins = 1_000
	SynthLegs = 5_500_000
)

// IsEmpty reports whether the file at path is missing, has no bytes, or is a
// depot database with no catalog and no movements: one BuildSynthetic may
// fill.
func IsEmpty(ctx context.Context, path string) (bool, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	if fi.Size() == 0 {
		return true, nil
	}
	rdb, err := sql.Open(driverName, dsn(path, true))
	if err != nil {
		return false, err
	}
	defer rdb.Close()
	var v int
	if err := rdb.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
		return false, fmt.Errorf("%s: %w", path, err)
	}
	if v == 0 {
		return false, fmt.Errorf("%s: not a depot database (no schema version)", path)
	}
	var n int64
	err = rdb.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM movements) + (SELECT count(*) FROM variants)
		+ (SELECT count(*) FROM locations WHERE kind <> 'virtual')`).Scan(&n)
	return n == 0, err
}

// BuildSynthetic makes a synthetic warehouse in the empty (or missing)
// database file at path: products and SKUs (some tracked by lot), a site with
// zones, aisles and bins, and a year of receipts, moves, shipments,
// adjustments, counts and returns whose legs, levels and hash chain are what
// the writer would have written, so that Verify passes.
//
// It bypasses the writer for speed: it builds the file beside path with the
// real schema and the same hash functions, in large transactions on one
// connection, and renames it into place when done. The file must not be open
// elsewhere while this runs.
//
// Movements carry no user; a movement's request hash covers its key and legs
// rather than a client's JSON command.
func BuildSynthetic(ctx context.Context, path string, o SynthOptions) (*SynthReport, error) {
	start := time.Now()
	if o.SKUs == 0 {
		o.SKUs = SynthSKUs
	}
	if o.Bins == 0 {
		o.Bins = SynthBins
	}
	if o.Legs == 0 {
		o.Legs = SynthLegs
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.End.IsZero() {
		o.End = time.Now()
	}
	switch {
	case o.SKUs < 1 || o.SKUs > 10_000_000:
		return nil, app.FieldErrorf("skus", "must be between 1 and 10000000")
	case o.Bins < 2 || o.Bins > 1_000_000:
		return nil, app.FieldErrorf("bins", "must be between 2 and 1000000")
	case o.Legs < 2 || o.Legs%2 != 0:
		return nil, app.FieldErrorf("legs", "must be a positive even number: every line has two legs")
	}
	empty, err := IsEmpty(ctx, path)
	if err != nil {
		return nil, err
	}
	if !empty {
		return nil, app.Errorf(app.ECONFLICT, "%s already holds a catalog or movements; the synthetic warehouse needs an empty file", path)
	}
	tmp := path + ".synth"
	for _, f := range []string{tmp, tmp + "-wal", tmp + "-shm", tmp + "-journal"} {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
	}
	s := &synth{o: o, rng: rand.New(rand.NewPCG(o.Seed, 0x5eed)), levels: map[levelKey]int64{}}
	if err := s.build(ctx, tmp); err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("synthetic warehouse %s: %w", path, err)
	}
	// The empty file being replaced may have left a WAL; it must not be
	// replayed onto the new file.
	for _, f := range []string{path + "-wal", path + "-shm"} {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
	}
	// Written without syncs; on disk before it takes the name.
	s.progress("syncing the file")
	if err := syncFile(tmp); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, path); err != nil {
		return nil, err
	}
	if err := syncFile(filepath.Dir(path)); err != nil {
		return nil, err
	}
	s.rep.Took = time.Since(start)
	return &s.rep, nil
}

// syncFile fsyncs the file or directory at path.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// synth holds the state of one build: the catalog it made and the stock the
// simulated year leaves where.
type synth struct {
	o   SynthOptions
	rng *rand.Rand
	rep SynthReport

	conn    *sqlite3.SQLiteConn
	virtual map[string]int64
	bins    []int64
	vars    []synthVariant
	levels  map[levelKey]int64
	nextLot int64
	started time.Time
}

type synthVariant struct {
	id            int64
	pick, reserve int64    // the bin it is picked from and the bin it is stored in
	stock         [2]int64 // on hand at pick and reserve, when not lot-tracked
	lots          []synthLot
	lotted        bool
}

type synthLot struct {
	id    int64
	stock [2]int64
}

func (s *synth) progress(format string, args ...any) {
	if s.o.Progress != nil {
		fmt.Fprintf(s.o.Progress, "synth %5.1fs: %s\n", time.Since(s.started).Seconds(), fmt.Sprintf(format, args...))
	}
}

// bulkDSN is a connection for building a file nobody else has open: no
// journal and no syncs (a failed build is thrown away), no foreign key checks
// (the builder makes only valid references; the tests check them) and a large
// page cache for the index builds.
func bulkDSN(path string) string {
	q := url.Values{}
	q.Set("_journal_mode", "OFF")
	q.Set("_sync", "OFF")
	q.Set("_fk", "0")
	q.Set("_locking_mode", "EXCLUSIVE")
	q.Set("_cache_size", "-262144") // 256 MB
	return "file:" + path + "?" + q.Encode()
}

func (s *synth) build(ctx context.Context, path string) error {
	s.started = time.Now()
	if err := initFile(path); err != nil {
		return err
	}
	sdb, err := sql.Open(driverName, bulkDSN(path))
	if err != nil {
		return err
	}
	defer sdb.Close()
	sdb.SetMaxOpenConns(1)
	if err := migrate(ctx, sdb); err != nil {
		return err
	}
	conn, err := sdb.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		s.conn = dc.(*sqlite3.SQLiteConn)
		for _, q := range []string{`PRAGMA temp_store = MEMORY`} {
			if _, err := s.conn.Exec(q, nil); err != nil {
				return err
			}
		}
		if err := s.loadVirtual(); err != nil {
			return err
		}
		// Secondary indexes of the big tables are built once at the end
		// from their own definitions: one sort instead of millions of
		// random inserts.
		idx, err := s.dropIndexes()
		if err != nil {
			return err
		}
		if err := s.catalog(); err != nil {
			return err
		}
		if err := s.ledger(ctx); err != nil {
			return err
		}
		if err := s.writeLevels(); err != nil {
			return err
		}
		s.progress("building %d indexes", len(idx))
		for _, q := range idx {
			if _, err := s.conn.Exec(q, nil); err != nil {
				return fmt.Errorf("%s: %w", q, err)
			}
		}
		// The file leaves in the mode production opens it in.
		if _, err := s.conn.Exec(`PRAGMA journal_mode = WAL`, nil); err != nil {
			return err
		}
		s.progress("done: %d movements, %d legs, %d levels", s.rep.Movements, s.rep.Legs, s.rep.Levels)
		return nil
	})
}

func (s *synth) loadVirtual() error {
	s.virtual = map[string]int64{}
	rows, err := s.conn.Query(`SELECT code, id FROM locations WHERE kind = 'virtual'`, nil)
	if err != nil {
		return err
	}
	defer rows.Close()
	dest := make([]driver.Value, 2)
	for rows.Next(dest) == nil {
		s.virtual[dest[0].(string)] = dest[1].(int64)
	}
	for _, c := range []string{app.LocVendor, app.LocCustomer, app.LocAdjustment, app.LocCount} {
		if s.virtual[c] == 0 {
			return fmt.Errorf("virtual location %s is missing", c)
		}
	}
	return nil
}

func (s *synth) dropIndexes() ([]string, error) {
	rows, err := s.conn.Query(`SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL
		AND tbl_name IN ('inventory_transactions', 'inventory_levels') ORDER BY name`, nil)
	if err != nil {
		return nil, err
	}
	var names, defs []string
	dest := make([]driver.Value, 2)
	for rows.Next(dest) == nil {
		names, defs = append(names, dest[0].(string)), append(defs, dest[1].(string))
	}
	rows.Close()
	for _, n := range names {
		if _, err := s.conn.Exec(`DROP INDEX `+n, nil); err != nil {
			return nil, err
		}
	}
	return defs, nil
}

// bulkStmt is a prepared statement on the bulk connection.
type bulkStmt struct {
	st   driver.Stmt
	args []driver.NamedValue
}

func (s *synth) prepare(q string) (*bulkStmt, error) {
	st, err := s.conn.Prepare(q)
	if err != nil {
		return nil, fmt.Errorf("prepare %q: %w", q, err)
	}
	return &bulkStmt{st: st}, nil
}

func (b *bulkStmt) exec(vals ...driver.Value) error {
	_, err := b.run(vals...)
	return err
}

func (b *bulkStmt) run(vals ...driver.Value) (driver.Result, error) {
	b.args = b.args[:0]
	for i, v := range vals {
		b.args = append(b.args, driver.NamedValue{Ordinal: i + 1, Value: v})
	}
	return b.st.(driver.StmtExecContext).ExecContext(context.Background(), b.args)
}

func (b *bulkStmt) close() { b.st.Close() }

var (
	synthWords = []string{"Steel", "Brass", "Oak", "Linen", "Cotton", "Copper", "Nylon", "Maple", "Canvas", "Ceramic",
		"Glass", "Rubber", "Bamboo", "Cedar", "Wool", "Pine", "Silver", "Carbon", "Walnut", "Marble"}
	synthNouns = []string{"Bolt", "Hinge", "Bracket", "Washer", "Clamp", "Valve", "Hook", "Spring", "Gasket", "Pulley",
		"Knob", "Latch", "Rivet", "Screw", "Anchor", "Coupling", "Fitting", "Sleeve", "Bearing", "Handle"}
	synthCategories = []string{"Fasteners", "Hardware", "Plumbing", "Electrical", "Garden", "Tools", "Paint",
		"Kitchen", "Lighting", "Storage", "Safety", "Adhesives", "Cleaning", "Outdoor", "Automotive", "Food"}
	synthSizes = []string{"S", "M", "L"}
)

// catalog makes the categories, products, variants and locations.
func (s *synth) catalog() error {
	created := ms(s.o.End.AddDate(-1, 0, -7))
	if _, err := s.conn.Exec(`BEGIN`, nil); err != nil {
		return err
	}
	cat, err := s.prepare(`INSERT INTO categories (id, name) VALUES (?, ?)`)
	if err != nil {
		return err
	}
	defer cat.close()
	for i, c := range synthCategories {
		if err := cat.exec(int64(i+1), c); err != nil {
			return err
		}
	}
	prod, err := s.prepare(`INSERT INTO products (id, name, category_id, created_at) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer prod.close()
	vari, err := s.prepare(`INSERT INTO variants (id, product_id, sku, gtin, attributes, unit_weight_mg, unit_cost_minor,
		track_lots, reorder_point, reorder_qty, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer vari.close()

	if err := s.locations(created); err != nil {
		return err
	}
	s.vars = make([]synthVariant, 0, s.o.SKUs)
	var pid int64
	for len(s.vars) < s.o.SKUs {
		pid++
		n := min(1+s.rng.IntN(3), s.o.SKUs-len(s.vars))
		lotted := s.rng.IntN(10) == 0
		name := synthWords[s.rng.IntN(len(synthWords))] + " " + synthNouns[s.rng.IntN(len(synthNouns))] + " " + strconv.FormatInt(pid, 10)
		if err := prod.exec(pid, name, int64(1+s.rng.IntN(len(synthCategories))), created); err != nil {
			return err
		}
		for j := 0; j < n; j++ {
			id := int64(len(s.vars) + 1)
			sku := fmt.Sprintf("SKU-%06d", id)
			data := fmt.Sprintf("20%010d", id)
			gtin := "0" + data + string(app.GS1CheckDigit(data))
			attrs := `{}`
			if n > 1 {
				attrs = `{"size":"` + synthSizes[j] + `"}`
			}
			if err := vari.exec(id, pid, sku, gtin, attrs, int64(1000+s.rng.IntN(5_000_000)), int64(50+s.rng.IntN(50_000)),
				int64(boolInt(lotted)), int64(10), int64(50), created); err != nil {
				return err
			}
			v := synthVariant{id: id, lotted: lotted}
			v.pick = s.bins[s.rng.IntN(len(s.bins))]
			for v.reserve = v.pick; v.reserve == v.pick; {
				v.reserve = s.bins[s.rng.IntN(len(s.bins))]
			}
			s.vars = append(s.vars, v)
		}
	}
	s.rep.Products, s.rep.SKUs = pid, int64(len(s.vars))
	if _, err := s.conn.Exec(`COMMIT`, nil); err != nil {
		return err
	}
	s.progress("catalog: %d products, %d SKUs, %d bins", pid, len(s.vars), len(s.bins))
	return nil
}

// locations makes one site with zones of ten aisles of 25 bins, plus a dock.
func (s *synth) locations(created int64) error {
	loc, err := s.prepare(`INSERT INTO locations (code, name, kind, parent_id, walk_seq, attributes, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer loc.close()
	add := func(code, name string, kind app.LocationKind, parent any, seq int64, attrs string) (int64, error) {
		res, err := loc.run(code, name, string(kind), parent, seq, attrs, created)
		if err != nil {
			return 0, err
		}
		s.rep.Locations++
		return res.LastInsertId()
	}
	site, err := add("WH", "Main warehouse", app.KindSite, nil, 0, `{}`)
	if err != nil {
		return err
	}
	if _, err := add("DOCK-1", "Receiving dock", app.KindDock, site, 0, `{}`); err != nil {
		return err
	}
	const perAisle, perZone = 25, 10
	var zone, aisle int64
	var zoneCode, aisleCode string
	for i := 0; i < s.o.Bins; i++ {
		if i%(perAisle*perZone) == 0 {
			z := i / (perAisle * perZone)
			zoneCode = zoneName(z)
			temp := []string{"ambient", "ambient", "chilled", "ambient"}[z%4]
			if zone, err = add(zoneCode, "Zone "+zoneCode, app.KindZone, site, int64(z), `{"temperature":"`+temp+`"}`); err != nil {
				return err
			}
		}
		if i%perAisle == 0 {
			aisleCode = fmt.Sprintf("%s-%02d", zoneCode, i/perAisle%perZone+1)
			if aisle, err = add(aisleCode, "Aisle "+aisleCode, app.KindAisle, zone, int64(i/perAisle), `{}`); err != nil {
				return err
			}
		}
		code := fmt.Sprintf("%s-%03d", aisleCode, i%perAisle+1)
		id, err := add(code, "", app.KindBin, aisle, int64(i), `{"max_weight_mg":500000000}`)
		if err != nil {
			return err
		}
		s.bins = append(s.bins, id)
	}
	return nil
}

// zoneName is A, B, ..., Z, AA, AB, ...
func zoneName(i int) string {
	if i < 26 {
		return string(rune('A' + i))
	}
	return zoneName(i/26-1) + string(rune('A'+i%26))
}

// A synthetic movement and its legs, ready to insert.
type synthMovement struct {
	id          int64
	kind        app.MovementKind
	key         string
	refType     string
	refID       string
	reason      string
	at          int64 // effective_at
	posted      int64
	prev, hash  [32]byte
	reqHash     [32]byte
	first, legs int // its legs in the chunk's legs
}

type synthLeg struct {
	variant, location, lot, qty int64
}

type synthNewLot struct {
	id, variant int64
	code        string
	expires     string
	created     int64
}

type synthChunk struct {
	moves []synthMovement
	legs  []synthLeg
	lots  []synthNewLot
}

// chunkMovements is how many movements go in one transaction.
const chunkMovements = 50_000

// ledger simulates the year and writes it: one goroutine makes the
// movements and their hashes while this one inserts the previous chunk.
func (s *synth) ledger(ctx context.Context) error {
	chunks := make(chan *synthChunk, 2)
	free := make(chan *synthChunk, 3)
	for i := 0; i < 3; i++ {
		free <- &synthChunk{}
	}
	genCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(chunks)
		s.simulate(genCtx, free, chunks)
	}()

	mov, err := s.prepare(`INSERT INTO movements (id, kind, idempotency_key, request_hash, reference_type, reference_id,
		reason, note, reverses_id, user_id, posted_at, effective_at, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer mov.close()
	const legsPerInsert = 64
	legs1, err := s.prepare(`INSERT INTO inventory_transactions (movement_id, variant_id, location_id, lot_id, qty) VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer legs1.close()
	legsN, err := s.prepare(`INSERT INTO inventory_transactions (movement_id, variant_id, location_id, lot_id, qty) VALUES ` +
		repeatJoin("(?, ?, ?, ?, ?)", ", ", legsPerInsert))
	if err != nil {
		return err
	}
	defer legsN.close()
	lot, err := s.prepare(`INSERT INTO lots (id, variant_id, code, expires_on, created_at) VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer lot.close()

	legVals := make([]driver.Value, 0, 5*legsPerInsert)
	var lastReport time.Time
	for c := range chunks {
		if err := ctx.Err(); err != nil {
			return err
		}
		if _, err := s.conn.Exec(`BEGIN`, nil); err != nil {
			return err
		}
		for _, l := range c.lots {
			if err := lot.exec(l.id, l.variant, l.code, l.expires, l.created); err != nil {
				return err
			}
		}
		for i := range c.moves {
			m := &c.moves[i]
			if err := mov.exec(m.id, string(m.kind), m.key, m.reqHash[:], null(m.refType), null(m.refID), null(m.reason),
				m.posted, m.at, m.prev[:], m.hash[:]); err != nil {
				return err
			}
		}
		// Legs go in movement order, many rows per statement.
		legMovement := make([]int64, 0, len(c.legs))
		for i := range c.moves {
			for j := 0; j < c.moves[i].legs; j++ {
				legMovement = append(legMovement, c.moves[i].id)
			}
		}
		for i := 0; i < len(c.legs); {
			n := min(legsPerInsert, len(c.legs)-i)
			st := legsN
			if n < legsPerInsert {
				st, n = legs1, 1
			}
			legVals = legVals[:0]
			for _, l := range c.legs[i : i+n] {
				legVals = append(legVals, legMovement[i], l.variant, l.location, nullID(l.lot), l.qty)
				i++
			}
			if err := st.exec(legVals...); err != nil {
				return err
			}
		}
		if _, err := s.conn.Exec(`COMMIT`, nil); err != nil {
			return err
		}
		s.rep.Movements += int64(len(c.moves))
		s.rep.Legs += int64(len(c.legs))
		s.rep.Lots += int64(len(c.lots))
		if time.Since(lastReport) > 2*time.Second || s.rep.Legs == s.o.Legs {
			lastReport = time.Now()
			s.progress("%d of %d legs (%d%%), %d movements", s.rep.Legs, s.o.Legs, s.rep.Legs*100/s.o.Legs, s.rep.Movements)
		}
		free <- c
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.rep.Legs != s.o.Legs {
		return fmt.Errorf("made %d legs, want %d", s.rep.Legs, s.o.Legs)
	}
	return nil
}

func repeatJoin(s, sep string, n int) string {
	b := make([]byte, 0, n*(len(s)+len(sep)))
	for i := 0; i < n; i++ {
		if i > 0 {
			b = append(b, sep...)
		}
		b = append(b, s...)
	}
	return string(b)
}

// simulate runs the year: each step picks a SKU (a fifth of them get four
// fifths of the traffic) and does what its stock allows: ship from the pick
// bin, replenish it from the reserve bin, receive into the reserve bin, and
// now and then an adjustment, a count or a return.
func (s *synth) simulate(ctx context.Context, free <-chan *synthChunk, out chan<- *synthChunk) {
	var (
		prev     [32]byte
		id       int64
		legsLeft = s.o.Legs
		end      = ms(s.o.End)
		begin    = ms(s.o.End.AddDate(-1, 0, 0))
		// Movements expected in the year: about 2.2 legs each.
		step    = max(1, (end-begin)/max(1, s.o.Legs*10/22))
		posted  = begin
		legs    []app.Leg
		buf     []byte
		po, so  int64
		lineVar []int
	)
	c := <-free
	c.moves, c.legs, c.lots = c.moves[:0], c.legs[:0], c.lots[:0]
	for legsLeft > 0 {
		if ctx.Err() != nil {
			return
		}
		id++
		posted = min(end, posted+1+s.rng.Int64N(2*step))
		m := synthMovement{id: id, posted: posted, at: posted, first: len(c.legs), key: fmt.Sprintf("synth-%09d", id)}
		maxLines := int(min(legsLeft/2, 4))
		lineVar = lineVar[:0]
		v := s.pickVariant()
		lineVar = append(lineVar, v)
		sv := &s.vars[v]
		r := s.rng.Float64()
		pickStock, reserveStock := sv.onHand(0), sv.onHand(1)
		switch {
		case r < 0.015 && pickStock > 0:
			m.kind, m.reason = app.Adjust, []string{"damaged", "lost", "expired"}[s.rng.IntN(3)]
			s.addLine(c, sv, 0, s.virtual[app.LocAdjustment], 1)
		case r < 0.02 && (!sv.lotted || len(sv.lots) > 0):
			m.kind, m.reason = app.Adjust, "found"
			s.addLine(c, sv, 0, s.virtual[app.LocAdjustment], -1)
		case r < 0.035 && pickStock > 2:
			// A count found a difference at the pick bin, entered a day late.
			m.kind = app.Count
			m.at -= 86_400_000
			diff := int64(1 + s.rng.IntN(2))
			if s.rng.IntN(2) == 0 {
				diff = -diff
			}
			s.countLine(c, sv, diff)
		case r < 0.05 && (!sv.lotted || len(sv.lots) > 0):
			m.kind, m.refType, m.refID = app.Return, "rma", "RMA-"+strconv.FormatInt(id, 10)
			s.addLine(c, sv, 1, s.virtual[app.LocCustomer], -int64(1+s.rng.IntN(3)))
		case r < 0.5 && pickStock > 0:
			so++
			m.kind, m.refType, m.refID = app.Ship, "sales_order", fmt.Sprintf("SO-%07d", so)
			s.addLine(c, sv, 0, s.virtual[app.LocCustomer], min(pickStock, int64(1+s.rng.IntN(6))))
			for n := s.extraLines(maxLines); n > 0; n-- {
				w := s.pickVariant()
				if slices.Contains(lineVar, w) || s.vars[w].onHand(0) == 0 {
					continue
				}
				lineVar = append(lineVar, w)
				s.addLine(c, &s.vars[w], 0, s.virtual[app.LocCustomer], min(s.vars[w].onHand(0), int64(1+s.rng.IntN(6))))
			}
		case reserveStock > 0 && (pickStock < 10 || r < 0.7):
			m.kind = app.Move
			s.moveLine(c, sv, min(reserveStock, int64(12+s.rng.IntN(48))))
		default:
			po++
			m.kind, m.refType, m.refID = app.Receive, "purchase_order", fmt.Sprintf("PO-%07d", po)
			s.receiveLine(c, sv, posted)
			for n := s.extraLines(maxLines); n > 0; n-- {
				w := s.pickVariant()
				if slices.Contains(lineVar, w) {
					continue
				}
				lineVar = append(lineVar, w)
				s.receiveLine(c, &s.vars[w], posted)
			}
		}
		m.legs = len(c.legs) - m.first
		legsLeft -= int64(m.legs)

		legs = legs[:0]
		for _, l := range c.legs[m.first:] {
			legs = append(legs, app.Leg{VariantID: l.variant, LocationID: l.location, LotID: l.lot, Qty: l.qty})
		}
		text := legsText(legs)
		m.reqHash = sha256.Sum256([]byte(m.key + "\x00" + text))
		in := chainInput{ID: m.id, Kind: string(m.kind), Key: m.key, RequestHash: m.reqHash[:], RefType: m.refType,
			RefID: m.refID, Reason: m.reason, PostedAt: m.posted, EffectiveAt: m.at, Legs: text}
		m.prev = prev
		m.hash, buf = chainHash(buf, prev[:], &in)
		prev = m.hash
		c.moves = append(c.moves, m)

		if len(c.moves) == chunkMovements || legsLeft == 0 {
			select {
			case out <- c:
			case <-ctx.Done():
				return
			}
			if legsLeft > 0 {
				select {
				case c = <-free:
				case <-ctx.Done():
					return
				}
				c.moves, c.legs, c.lots = c.moves[:0], c.legs[:0], c.lots[:0]
			}
		}
	}
}

// pickVariant returns an index into s.vars: a fifth of the SKUs take four
// fifths of the picks.
func (s *synth) pickVariant() int {
	n := len(s.vars)
	hot := max(1, n/5)
	if s.rng.IntN(5) < 4 || hot == n {
		return s.rng.IntN(hot)
	}
	return hot + s.rng.IntN(n-hot)
}

// extraLines is how many more lines an order gets: mostly none.
func (s *synth) extraLines(maxLines int) int {
	n := 0
	if s.rng.IntN(4) == 0 {
		n = 1 + s.rng.IntN(3)
	}
	return min(n, maxLines-1)
}

// onHand is the variant's stock at its pick (0) or reserve (1) bin.
func (v *synthVariant) onHand(at int) int64 {
	if !v.lotted {
		return v.stock[at]
	}
	var n int64
	for _, l := range v.lots {
		n += l.stock[at]
	}
	return n
}

func (s *synth) binOf(v *synthVariant, at int) int64 {
	if at == 0 {
		return v.pick
	}
	return v.reserve
}

// leg appends one leg and keeps the levels.
func (s *synth) leg(c *synthChunk, v *synthVariant, loc, lot, qty int64) {
	c.legs = append(c.legs, synthLeg{variant: v.id, location: loc, lot: lot, qty: qty})
	s.levels[levelKey{v.id, loc, lot}] += qty
}

// addLine moves qty from the variant's bin (at) to the virtual location, or
// for a negative qty from the virtual location into the bin. Out of a bin it
// takes the oldest lot with stock, and no more than that lot has.
func (s *synth) addLine(c *synthChunk, v *synthVariant, at int, virtual, qty int64) {
	bin := s.binOf(v, at)
	var lot int64
	if v.lotted {
		var l *synthLot
		if qty > 0 {
			l = v.oldestLot(at)
			qty = min(qty, l.stock[at])
		} else {
			l = &v.lots[len(v.lots)-1]
		}
		lot = l.id
		l.stock[at] -= qty
	} else {
		v.stock[at] -= qty
	}
	if qty < 0 {
		s.leg(c, v, virtual, lot, qty)
		s.leg(c, v, bin, lot, -qty)
		return
	}
	s.leg(c, v, bin, lot, -qty)
	s.leg(c, v, virtual, lot, qty)
}

// oldestLot is the first lot with stock at the bin.
func (v *synthVariant) oldestLot(at int) *synthLot {
	for i := range v.lots {
		if v.lots[i].stock[at] > 0 {
			return &v.lots[i]
		}
	}
	panic("synth: no lot has stock")
}

// countLine posts a count difference at the pick bin: the count leg first.
func (s *synth) countLine(c *synthChunk, v *synthVariant, diff int64) {
	var lot int64
	if v.lotted {
		l := v.oldestLot(0)
		diff = max(diff, -l.stock[0])
		l.stock[0] += diff
		lot = l.id
	} else {
		v.stock[0] += diff
	}
	s.leg(c, v, s.virtual[app.LocCount], lot, -diff)
	s.leg(c, v, v.pick, lot, diff)
}

// moveLine replenishes the pick bin from the reserve bin.
func (s *synth) moveLine(c *synthChunk, v *synthVariant, qty int64) {
	if !v.lotted {
		v.stock[1] -= qty
		v.stock[0] += qty
		s.leg(c, v, v.reserve, 0, -qty)
		s.leg(c, v, v.pick, 0, qty)
		return
	}
	// One lot per line: move what the oldest lot in reserve has, up to qty.
	for i := range v.lots {
		l := &v.lots[i]
		if l.stock[1] == 0 {
			continue
		}
		q := min(qty, l.stock[1])
		l.stock[1] -= q
		l.stock[0] += q
		s.leg(c, v, v.reserve, l.id, -q)
		s.leg(c, v, v.pick, l.id, q)
		return
	}
	panic("synth: no lot in reserve")
}

// receiveLine receives a case quantity into the reserve bin; lot-tracked
// SKUs get a new lot now and then.
func (s *synth) receiveLine(c *synthChunk, v *synthVariant, at int64) {
	qty := int64(12 * (2 + s.rng.IntN(20)))
	var lot int64
	if v.lotted {
		if len(v.lots) == 0 || (len(v.lots) < 12 && s.rng.IntN(3) == 0) {
			s.nextLot++
			n := len(v.lots) + 1
			day := fromMs(at)
			c.lots = append(c.lots, synthNewLot{id: s.nextLot, variant: v.id, code: fmt.Sprintf("L%s-%02d", day.Format("060102"), n),
				expires: day.AddDate(0, 6+s.rng.IntN(18), 0).Format(time.DateOnly), created: at})
			v.lots = append(v.lots, synthLot{id: s.nextLot})
		}
		l := &v.lots[len(v.lots)-1]
		l.stock[1] += qty
		lot = l.id
	} else {
		v.stock[1] += qty
	}
	s.leg(c, v, s.virtual[app.LocVendor], lot, -qty)
	s.leg(c, v, v.reserve, lot, qty)
}

// writeLevels inserts the levels the year left, in key order.
func (s *synth) writeLevels() error {
	keys := make([]levelKey, 0, len(s.levels))
	for k := range s.levels {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b levelKey) int {
		if a.v != b.v {
			return cmpInt(a.v, b.v)
		}
		if a.loc != b.loc {
			return cmpInt(a.loc, b.loc)
		}
		return cmpInt(a.lot, b.lot)
	})
	physical := map[int64]bool{}
	for _, id := range s.virtual {
		physical[id] = false
	}
	st, err := s.prepare(`INSERT INTO inventory_levels (variant_id, location_id, lot_id, physical, on_hand) VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer st.close()
	if _, err := s.conn.Exec(`BEGIN`, nil); err != nil {
		return err
	}
	for _, k := range keys {
		_, virtual := physical[k.loc]
		if err := st.exec(k.v, k.loc, k.lot, int64(boolInt(!virtual)), s.levels[k]); err != nil {
			return fmt.Errorf("level of variant %d at %d lot %d: %w", k.v, k.loc, k.lot, err)
		}
	}
	s.rep.Levels = int64(len(keys))
	_, err = s.conn.Exec(`COMMIT`, nil)
	return err
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// StockedPair is a SKU without lots that has OnHand or more in each of two
// bins: a move of a few units between them cannot run short.
type StockedPair struct {
	SKU      string
	From, To string
	OnHand   int64 // the smaller of the two levels
}

// StockedPairs returns up to n stocked pairs in no particular order, one per
// SKU, each with at least min on hand in both bins. Load generators (depot
// bench) post moves between them.
func (db *DB) StockedPairs(ctx context.Context, n int, min int64) ([]StockedPair, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT v.sku, la.code, lb.code, min(a.on_hand, b.on_hand)
		FROM inventory_levels a
		JOIN inventory_levels b ON b.variant_id = a.variant_id AND b.lot_id = 0 AND b.physical = 1
			AND b.location_id > a.location_id AND b.on_hand >= ?1
		JOIN variants v ON v.id = a.variant_id AND v.track_lots = 0 AND v.archived = 0
		JOIN locations la ON la.id = a.location_id AND la.kind = 'bin' AND la.archived = 0
		JOIN locations lb ON lb.id = b.location_id AND lb.kind = 'bin' AND lb.archived = 0
		WHERE a.lot_id = 0 AND a.physical = 1 AND a.on_hand >= ?1
		GROUP BY a.variant_id
		ORDER BY (a.variant_id * 2654435761) % 4294967296
		LIMIT ?2`, min, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StockedPair
	for rows.Next() {
		var p StockedPair
		if err := rows.Scan(&p.SKU, &p.From, &p.To, &p.OnHand); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
