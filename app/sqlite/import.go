package sqlite

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/mattn/go-sqlite3"

	"depot/app"
)

// Import checks and writes a CSV in one writer command: every row runs in a
// savepoint of its own so that each bad row is reported, and any problem
// (or a dry run) rolls the whole file back. Opening stock rows are posted as
// one receive movement each, with an idempotency key from the row's line and
// content, so importing the same file twice posts it once.
func (db *DB) Import(ctx context.Context, f app.ImportFile) (*app.ImportResult, error) {
	rows, err := app.ParseImport(f.Kind, f.Data)
	if err != nil {
		return nil, err
	}
	res := &app.ImportResult{Kind: f.Kind, DryRun: f.DryRun, Rows: len(rows)}
	var run func(tx *Tx) error
	switch f.Kind {
	case app.ImportProducts:
		run = func(tx *Tx) error { return tx.importProducts(rows, res) }
	case app.ImportLocations:
		run = func(tx *Tx) error { return tx.importLocations(rows, res) }
	case app.ImportStock:
		run = func(tx *Tx) error { return tx.importStock(db, rows, f.UserID, res) }
	}
	_, err = db.w.Do(ctx, func(tx *Tx) (any, error) {
		res.Problems, res.Written, res.Replayed = nil, 0, 0
		if err := run(tx); err != nil {
			return nil, err
		}
		if len(res.Problems) > 0 || f.DryRun {
			return nil, errRollback
		}
		return nil, nil
	})
	if err != nil && err != errRollback {
		return nil, err
	}
	return res, nil
}

// errRollback undoes a dry run or a file with problems: the writer rolls
// back a command that returns an *app.Error.
var errRollback = &app.Error{Code: app.EINVALID, Message: "import rolled back"}

// attempt runs fn in a savepoint: a failed row leaves nothing behind, and
// the rows after it still run. The error of fn is returned; an error of
// the savepoint itself is internal.
func (tx *Tx) attempt(fn func() error) (rowErr, err error) {
	if err := tx.w.control("SAVEPOINT import_row"); err != nil {
		return nil, err
	}
	hash, id := tx.w.lastHash, tx.w.nextID
	rowErr = fn()
	if rowErr != nil {
		tx.w.lastHash, tx.w.nextID = hash, id
		tx.w.lookups.clear()
		if err := tx.w.control("ROLLBACK TO import_row"); err != nil {
			return nil, err
		}
		if app.ErrorCode(rowErr) == app.EINTERNAL {
			return nil, rowErr
		}
	}
	return rowErr, tx.w.control("RELEASE import_row")
}

// importProducts groups rows by product name into products with their
// variants.
func (tx *Tx) importProducts(rows []app.ImportRow, res *app.ImportResult) error {
	type group struct {
		p     app.NewProduct
		rows  []app.ImportRow
		point []int64
		qty   []int64
	}
	var order []string
	groups := map[string]*group{}
	for _, r := range rows {
		v := app.NewVariant{SKU: r.Get("sku"), GTIN: r.Get("gtin"), Attributes: r.Attributes("attributes")}
		var probs []*app.ImportProblem
		var p1, p2, p3, p4, p5 *app.ImportProblem
		v.UnitWeightMg, p1 = r.Int("unit_weight_mg", 10_000_000_000)
		v.UnitCostMinor, p2 = r.Int("unit_cost_minor", app.MaxQty)
		v.TrackLots, p3 = r.Bool("track_lots")
		point, p4 := r.Int("reorder_point", app.MaxQty)
		qty, p5 := r.Int("reorder_qty", app.MaxQty)
		probs = append(probs, p1, p2, p3, p4, p5)
		pks, err := app.ParsePackagings(r.Get("packagings"))
		if err != nil {
			probs = append(probs, &app.ImportProblem{Line: r.Line, Column: "packagings", Message: app.ErrorMessage(err)})
		}
		v.Packagings = pks
		bad := false
		for _, p := range probs {
			if p != nil {
				res.Problems = append(res.Problems, *p)
				bad = true
			}
		}
		if bad {
			continue
		}
		name := r.Get("product")
		g := groups[name]
		if g == nil {
			g = &group{p: app.NewProduct{Name: name, Category: r.Get("category")}}
			groups[name] = g
			order = append(order, name)
		} else if r.Get("category") != g.p.Category {
			res.Problems = append(res.Problems, app.ImportProblem{Line: r.Line, Column: "category",
				Message: fmt.Sprintf("product %q has category %q on line %d", name, g.p.Category, g.rows[0].Line)})
			continue
		}
		g.p.Variants = append(g.p.Variants, v)
		g.rows, g.point, g.qty = append(g.rows, r), append(g.point, point), append(g.qty, qty)
	}
	for _, name := range order {
		g := groups[name]
		rowErr, err := tx.attempt(func() error {
			if err := g.p.Validate(); err != nil {
				return err
			}
			if _, err := tx.createProduct(&g.p); err != nil {
				return err
			}
			for i, v := range g.p.Variants {
				if g.point[i] != 0 || g.qty[i] != 0 {
					if _, err := tx.Exec(`UPDATE variants SET reorder_point = ?, reorder_qty = ? WHERE sku = ?`, g.point[i], g.qty[i], v.SKU); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		if rowErr != nil {
			res.Problems = append(res.Problems, productProblem(rowErr, g.rows))
			continue
		}
		res.Written++
	}
	return nil
}

// productProblem places an error of a product on the row of the variant it
// names (variants[i]...), or on the product's first row.
func productProblem(err error, rows []app.ImportRow) app.ImportProblem {
	field := app.ErrorField(err)
	row, col := rows[0], "product"
	if rest, ok := strings.CutPrefix(field, "variants["); ok {
		i, tail, _ := strings.Cut(rest, "]")
		if n, e := strconv.Atoi(i); e == nil && n < len(rows) {
			row = rows[n]
		}
		col = strings.TrimPrefix(tail, ".")
		if strings.HasPrefix(col, "packagings") {
			col = "packagings"
		}
		if col == "" {
			col = "sku"
		}
	} else if field == "category" {
		col = "category"
	}
	return app.ImportProblem{Line: row.Line, Column: col, Message: app.ErrorMessage(err)}
}

// importLocations creates the locations in file order: a parent comes on
// an earlier line than its children (or exists already).
func (tx *Tx) importLocations(rows []app.ImportRow, res *app.ImportResult) error {
	for _, r := range rows {
		l := app.NewLocation{Code: r.Get("code"), Name: r.Get("name"), Kind: app.LocationKind(strings.ToLower(r.Get("kind"))),
			Parent: r.Get("parent"), Attributes: r.Attributes("attributes")}
		seq, p := r.Int("walk_seq", 1_000_000_000)
		if p != nil {
			res.Problems = append(res.Problems, *p)
			continue
		}
		l.WalkSeq = seq
		rowErr, err := tx.attempt(func() error {
			if err := l.Validate(); err != nil {
				return err
			}
			return tx.importLocation(&l)
		})
		if err != nil {
			return err
		}
		if rowErr != nil {
			res.Problems = append(res.Problems, r.Problem(rowErr, "code"))
			continue
		}
		res.Written++
	}
	return nil
}

// importLocation inserts one location under its parent. It is
// CreateLocation's insert, inside the import's transaction.
func (tx *Tx) importLocation(l *app.NewLocation) error {
	var parent any
	if l.Parent != "" {
		p, err := tx.place("parent", l.Parent)
		if err != nil {
			return err
		}
		if !p.Physical {
			return app.FieldErrorf("parent", "%s is a virtual location and holds no sub-locations", p.Code)
		}
		parent = p.ID
	}
	_, err := tx.Exec(`INSERT INTO locations (code, name, kind, parent_id, walk_seq, attributes, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, l.Code, l.Name, string(l.Kind), parent, l.WalkSeq, string(l.Attributes), ms(tx.Now))
	if isConstraint(err, sqlite3.ErrConstraintUnique) {
		return &app.Error{Code: app.ECONFLICT, Field: "code", Message: "location code " + l.Code + " is already in use"}
	}
	return err
}

// importStock posts each row as a receipt into its location.
func (tx *Tx) importStock(db *DB, rows []app.ImportRow, userID int64, res *app.ImportResult) error {
	for _, r := range rows {
		qty, p := r.Int("qty", app.MaxQty)
		if p == nil && qty == 0 {
			p = &app.ImportProblem{Line: r.Line, Column: "qty", Message: "is required: a whole number from 1"}
		}
		if p != nil {
			res.Problems = append(res.Problems, *p)
			continue
		}
		line := app.MovementLine{SKU: r.Get("sku"), Qty: qty, To: r.Get("location")}
		if lot := r.Get("lot"); lot != "" || r.Get("expires_on") != "" {
			line.Lot = &app.LotRef{Code: lot, ExpiresOn: r.Get("expires_on")}
		}
		sum := sha256.Sum256([]byte(fmt.Sprintf("%d\x00%s\x00%s\x00%d\x00%s\x00%s", r.Line, line.SKU, line.To, qty, r.Get("lot"), r.Get("expires_on"))))
		cmd := app.PostMovement{Kind: app.Receive, IdempotencyKey: "import-stock-" + hex.EncodeToString(sum[:12]),
			Reference: &app.Reference{Type: "import", ID: "opening stock"}, Lines: []app.MovementLine{line}, UserID: userID}
		var replay bool
		rowErr, err := tx.attempt(func() error {
			if err := cmd.Validate(db.now()); err != nil {
				return err
			}
			if err := cmd.FillSides(); err != nil {
				return err
			}
			h, err := requestHash(&cmd)
			if err != nil {
				return err
			}
			v, err := tx.postMovement(&cmd, h)
			_, replay = v.(replayed)
			return err
		})
		if err != nil {
			return err
		}
		if rowErr != nil {
			res.Problems = append(res.Problems, stockProblem(r, rowErr))
			continue
		}
		if replay {
			res.Replayed++
		} else {
			res.Written++
		}
	}
	return nil
}

// stockProblem names the stock CSV's column of a movement's error.
func stockProblem(r app.ImportRow, err error) app.ImportProblem {
	f := strings.TrimPrefix(app.ErrorField(err), "lines[0].")
	col := map[string]string{"sku": "sku", "to": "location", "qty": "qty", "lot": "lot", "lot.code": "lot",
		"lot.expires_on": "expires_on", "idempotency_key": "sku"}[f]
	return app.ImportProblem{Line: r.Line, Column: col, Message: app.ErrorMessage(err)}
}
