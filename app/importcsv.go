package app

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ImportKind is which CSV an import or export is about.
type ImportKind string

// The CSVs depot reads and writes.
const (
	ImportProducts  ImportKind = "products"  // one row per variant
	ImportLocations ImportKind = "locations" // parents before children
	ImportStock     ImportKind = "stock"     // opening stock, posted as receipts
)

// ImportColumns are the header of each CSV, in the order export writes
// them. An import needs the columns marked required in ParseImport's doc;
// others may be left out, and their order is free.
var ImportColumns = map[ImportKind][]string{
	ImportProducts: {"product", "category", "sku", "gtin", "attributes", "unit_weight_mg", "unit_cost_minor",
		"track_lots", "reorder_point", "reorder_qty", "packagings"},
	ImportLocations: {"code", "name", "kind", "parent", "walk_seq", "attributes"},
	ImportStock:     {"sku", "location", "qty", "lot", "expires_on"},
}

var requiredColumns = map[ImportKind][]string{
	ImportProducts:  {"product", "sku"},
	ImportLocations: {"code", "kind"},
	ImportStock:     {"sku", "location", "qty"},
}

// MaxImportRows bounds the rows of one import.
const MaxImportRows = 100_000

// ImportProblem is one bad row: its line in the file (the header is line
// 1), the column at fault (or ""), and why.
type ImportProblem struct {
	Line    int    `json:"line"`
	Column  string `json:"column,omitempty"`
	Message string `json:"message"`
}

// String is the problem as the import report shows it: "line 12, gtin: ...".
func (p ImportProblem) String() string {
	if p.Column == "" {
		return fmt.Sprintf("line %d: %s", p.Line, p.Message)
	}
	return fmt.Sprintf("line %d, %s: %s", p.Line, p.Column, p.Message)
}

// ImportFile is the command that imports one CSV. A dry run checks every
// row against the database as the real run would, then writes nothing.
type ImportFile struct {
	Kind   ImportKind
	DryRun bool
	Data   []byte
	// UserID is who imports (the receipts of opening stock record it).
	UserID int64
}

// ImportResult says what an import did or would do. With any problem
// nothing was written.
type ImportResult struct {
	Kind     ImportKind
	DryRun   bool
	Rows     int
	Problems []ImportProblem
	// Written counts products, locations or receipt movements written
	// (or, on a dry run, that would be).
	Written int
	// Replayed counts stock rows imported before (same line and content),
	// which are not posted again.
	Replayed int
}

// Importer reads and writes the catalog, the locations and opening stock
// as CSV.
type Importer interface {
	// Import checks every row and writes all of them or none: any
	// problem (or a dry run) rolls back the whole file. Errors: invalid
	// (the file itself: not CSV, missing columns, too many rows).
	Import(ctx context.Context, f ImportFile) (*ImportResult, error)
	// Export writes the CSV of kind to w, in the format Import reads.
	Export(ctx context.Context, kind ImportKind, w io.Writer) error
}

// ImportRow is one data row of a CSV: its line and its cells by column.
type ImportRow struct {
	Line  int
	Cells map[string]string
}

// Get returns the trimmed cell of column.
func (r ImportRow) Get(col string) string { return strings.TrimSpace(r.Cells[col]) }

// ParseImport reads a CSV of kind: a header naming its columns (required:
// products product and sku; locations code and kind; stock sku, location
// and qty), then one row per line. It refuses files that are not CSV,
// unknown or missing columns and more than MaxImportRows rows.
func ParseImport(kind ImportKind, data []byte) ([]ImportRow, error) {
	cols, ok := ImportColumns[kind]
	if !ok {
		return nil, FieldErrorf("kind", "%q is not an import: use products, locations or stock", kind)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a BOM from spreadsheets
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	head, err := r.Read()
	if err == io.EOF {
		return nil, FieldErrorf("file", "is empty: the first line names the columns (%s)", strings.Join(cols, ","))
	}
	if err != nil {
		return nil, FieldErrorf("file", "line 1: %s", csvReason(err))
	}
	seen := map[string]bool{}
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(h))
		head[i] = h
		if !contains(cols, h) {
			return nil, FieldErrorf("file", "line 1: column %q is not one of %s", h, strings.Join(cols, ", "))
		}
		if seen[h] {
			return nil, FieldErrorf("file", "line 1: column %q appears twice", h)
		}
		seen[h] = true
	}
	for _, c := range requiredColumns[kind] {
		if !seen[c] {
			return nil, FieldErrorf("file", "line 1: the %s CSV needs a column %q", kind, c)
		}
	}
	var rows []ImportRow
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, FieldErrorf("file", "line %d: %s", pe.StartLine, csvReason(err))
		} else if err != nil {
			return nil, err
		}
		line, _ := r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		if len(rec) != len(head) {
			return nil, FieldErrorf("file", "line %d has %d cells; the header has %d", line, len(rec), len(head))
		}
		if len(rows) == MaxImportRows {
			return nil, FieldErrorf("file", "has more than %d rows; split it", MaxImportRows)
		}
		row := ImportRow{Line: line, Cells: make(map[string]string, len(rec))}
		for i, v := range rec {
			row.Cells[head[i]] = v
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, FieldErrorf("file", "has a header but no rows")
	}
	return rows, nil
}

func csvReason(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// Int reads the cell of col as a whole number from 0 to max ("" is 0).
func (r ImportRow) Int(col string, max int64) (int64, *ImportProblem) {
	s := r.Get(col)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > max {
		return 0, &ImportProblem{Line: r.Line, Column: col, Message: fmt.Sprintf("%q is not a whole number from 0 to %d", clip(s), max)}
	}
	return n, nil
}

// Bool reads the cell of col: yes/no, true/false, 1/0 or empty (false).
func (r ImportRow) Bool(col string) (bool, *ImportProblem) {
	switch strings.ToLower(r.Get(col)) {
	case "", "0", "no", "false", "n":
		return false, nil
	case "1", "yes", "true", "y":
		return true, nil
	}
	return false, &ImportProblem{Line: r.Line, Column: col, Message: fmt.Sprintf("%q is not yes or no", clip(r.Get(col)))}
}

// Problem turns an *Error about the row into a problem; field names the
// column when the error names none.
func (r ImportRow) Problem(err error, col string) ImportProblem {
	if f := ErrorField(err); f != "" && !strings.Contains(f, "[") {
		col = f
	}
	return ImportProblem{Line: r.Line, Column: col, Message: ErrorMessage(err)}
}

// ParsePackagings reads "case of 12:12:CASE-BARCODE; pallet:480" into
// packagings (name, qty, optional barcode).
func ParsePackagings(s string) ([]Packaging, error) {
	var out []Packaging
	for _, part := range strings.Split(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		f := strings.Split(part, ":")
		if len(f) < 2 || len(f) > 3 {
			return nil, Errorf(EINVALID, "%q is not name:qty or name:qty:barcode", clip(part))
		}
		q, err := strconv.ParseInt(strings.TrimSpace(f[1]), 10, 64)
		if err != nil {
			return nil, Errorf(EINVALID, "%q: the quantity %q is not a whole number", clip(part), clip(f[1]))
		}
		pk := Packaging{Name: strings.TrimSpace(f[0]), Qty: q}
		if len(f) == 3 {
			pk.Barcode = strings.TrimSpace(f[2])
		}
		out = append(out, pk)
	}
	return out, nil
}

// FormatPackagings is the inverse of ParsePackagings.
func FormatPackagings(ps []Packaging) string {
	var parts []string
	for _, p := range ps {
		s := p.Name + ":" + strconv.FormatInt(p.Qty, 10)
		if p.Barcode != "" {
			s += ":" + p.Barcode
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// Attributes reads the cell of col as a JSON object ("" is none).
func (r ImportRow) Attributes(col string) json.RawMessage {
	if s := r.Get(col); s != "" {
		return json.RawMessage(s)
	}
	return nil
}
