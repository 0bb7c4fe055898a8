package sqlite

/*
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct sqlite3 sqlite3;
typedef struct sqlite3_stmt sqlite3_stmt;
extern int sqlite3_prepare_v2(sqlite3*, const char*, int, sqlite3_stmt**, const char**);
extern int sqlite3_bind_int64(sqlite3_stmt*, int, long long);
extern int sqlite3_step(sqlite3_stmt*);
extern long long sqlite3_column_int64(sqlite3_stmt*, int);
extern int sqlite3_finalize(sqlite3_stmt*);
extern const char *sqlite3_errmsg(sqlite3*);

extern int sqlite3_column_bytes(sqlite3_stmt*, int);
extern int sqlite3_column_count(sqlite3_stmt*);
extern const void *sqlite3_column_blob(sqlite3_stmt*, int);

// depot_fill steps s and copies up to max rows into vals, two slots per
// column: an integer column's value (NULL: 0), or a text or blob column's
// offset in arena and length (NULL: empty). kinds holds 'i' or 't' per
// column. It returns the rows copied, sets *done at the end of the result,
// and returns -(result code) on an error. A row that does not fit in what
// is left of the arena stays current (*pending) for the next call.
static int depot_fill(sqlite3_stmt *s, const char *kinds, int n, int64_t *vals, int max,
		char *arena, int cap, int *pending, int *done) {
	int r = 0, used = 0;
	while (r < max) {
		if (!*pending) {
			int rc = sqlite3_step(s);
			if (rc == 101) { // SQLITE_DONE
				*done = 1;
				break;
			}
			if (rc != 100) { // SQLITE_ROW
				return -rc;
			}
		}
		*pending = 0;
		int need = 0;
		for (int i = 0; i < n; i++) {
			if (kinds[i] == 't') need += sqlite3_column_bytes(s, i);
		}
		if (used + need > cap) {
			if (r == 0) return -18; // SQLITE_TOOBIG: one row beyond the arena
			*pending = 1;
			break;
		}
		int64_t *v = vals + (int64_t)r*n*2;
		for (int i = 0; i < n; i++) {
			if (kinds[i] == 't') {
				const void *p = sqlite3_column_blob(s, i);
				int len = sqlite3_column_bytes(s, i);
				if (len > 0) memcpy(arena + used, p, len);
				v[2*i] = used;
				v[2*i+1] = len;
				used += len;
			} else {
				v[2*i] = sqlite3_column_int64(s, i);
				v[2*i+1] = 0;
			}
		}
		r++;
	}
	return r;
}
*/
import "C"

import (
	"fmt"
	"reflect"
	"strings"
	"unsafe"

	"github.com/mattn/go-sqlite3"
)

// handle returns the sqlite3* of a driver connection. The driver does not
// export it; see enableStablePlans for why reading it is worth it and what
// guards it.
func handle(c *sqlite3.SQLiteConn) (unsafe.Pointer, error) {
	f := reflect.ValueOf(c).Elem().FieldByName("db")
	if !f.IsValid() || f.Kind() != reflect.Pointer || f.IsNil() {
		return nil, fmt.Errorf("sqlite: no database handle in %T", c)
	}
	return f.UnsafePointer(), nil
}

// rowBatch reads a query in batches of rows, one cgo call per batch instead
// of several per column of every row, with no value boxed in an interface.
// Verify reads millions of movements and legs through it: through
// database/sql the driver's per-column overhead was over a third of
// verify's time.
//
// It must be used on a connection held exclusively (inside sql.Conn.Raw)
// and closed before the connection is released. Text returned by Text is
// valid until the next call of Next.
type rowBatch struct {
	db        unsafe.Pointer
	stmt      *C.sqlite3_stmt
	kinds     *C.char
	cols      int
	vals      []int64
	arena     []byte
	pos, rows int
	pending   C.int
	done      bool
	row       []int64 // the current row's slots
}

const (
	batchRows  = 4096
	batchArena = 1 << 20
)

// queryBatch prepares query on c with integer arguments. kinds has one
// letter per result column: 'i' for an integer, 't' for text or a blob.
func queryBatch(c *sqlite3.SQLiteConn, query, kinds string, args ...int64) (*rowBatch, error) {
	db, err := handle(c)
	if err != nil {
		return nil, err
	}
	cq := C.CString(query)
	defer C.free(unsafe.Pointer(cq))
	r := &rowBatch{db: db, cols: len(kinds), vals: make([]int64, batchRows*2*len(kinds))}
	if strings.Contains(kinds, "t") {
		r.arena = make([]byte, batchArena)
	} else {
		r.arena = make([]byte, 1)
	}
	if rc := C.sqlite3_prepare_v2((*C.sqlite3)(db), cq, -1, &r.stmt, nil); rc != 0 {
		return nil, fmt.Errorf("sqlite: prepare %q: %s (code %d)", query, C.GoString(C.sqlite3_errmsg((*C.sqlite3)(db))), int(rc))
	}
	r.kinds = C.CString(kinds)
	if n := int(C.sqlite3_column_count(r.stmt)); n != len(kinds) {
		r.Close()
		return nil, fmt.Errorf("sqlite: %q returns %d columns, not the %d of %q", query, n, len(kinds), kinds)
	}
	for i, a := range args {
		if rc := C.sqlite3_bind_int64(r.stmt, C.int(i+1), C.longlong(a)); rc != 0 {
			r.Close()
			return nil, fmt.Errorf("sqlite: bind argument %d of %q: code %d", i+1, query, int(rc))
		}
	}
	return r, nil
}

// Next moves to the next row and reports whether there was one.
func (r *rowBatch) Next() (bool, error) {
	if r.pos == r.rows {
		if r.done {
			return false, nil
		}
		var done C.int
		n := C.depot_fill(r.stmt, r.kinds, C.int(r.cols), (*C.int64_t)(unsafe.Pointer(&r.vals[0])), batchRows,
			(*C.char)(unsafe.Pointer(&r.arena[0])), C.int(len(r.arena)), &r.pending, &done)
		if n < 0 {
			return false, fmt.Errorf("sqlite: step: %s (code %d)", C.GoString(C.sqlite3_errmsg((*C.sqlite3)(r.db))), int(-n))
		}
		r.pos, r.rows, r.done = 0, int(n), done != 0
		if r.rows == 0 {
			return false, nil
		}
	}
	r.row = r.vals[r.pos*2*r.cols : (r.pos+1)*2*r.cols]
	r.pos++
	return true, nil
}

// Int returns integer column i of the current row.
func (r *rowBatch) Int(i int) int64 { return r.row[2*i] }

// Text returns text or blob column i of the current row; it is valid until
// the next call of Next.
func (r *rowBatch) Text(i int) []byte {
	off, n := r.row[2*i], r.row[2*i+1]
	return r.arena[off : off+n : off+n]
}

// Close finalizes the statement.
func (r *rowBatch) Close() error {
	if r.stmt != nil {
		C.sqlite3_finalize(r.stmt)
		r.stmt = nil
	}
	if r.kinds != nil {
		C.free(unsafe.Pointer(r.kinds))
		r.kinds = nil
	}
	return nil
}
