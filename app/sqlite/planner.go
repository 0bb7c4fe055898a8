package sqlite

/*
typedef struct sqlite3 sqlite3;
extern int sqlite3_db_config(sqlite3*, int op, ...);

// SQLITE_DBCONFIG_ENABLE_QPSG, from sqlite3.h.
#define DEPOT_DBCONFIG_ENABLE_QPSG 1007

static int depot_enable_qpsg(void *db) {
	int on = 0;
	int rc = sqlite3_db_config((sqlite3*)db, DEPOT_DBCONFIG_ENABLE_QPSG, 1, &on);
	return rc != 0 ? rc : (on ? 0 : -1);
}
*/
import "C"

import (
	"fmt"

	"github.com/mattn/go-sqlite3"
)

// enableStablePlans turns on SQLite's query planner stability guarantee
// (SQLITE_DBCONFIG_ENABLE_QPSG) for the connection: the planner no longer
// looks at the values bound to parameters.
//
// Why: without it SQLite marks a statement that joins tables and compares a
// column with a parameter ("WHERE l.code = ?") to be re-prepared whenever its
// bindings are cleared, and mattn/go-sqlite3 clears them every time it
// reuses a statement. Every lookup of stock, of a token and of a movement's
// legs was parsed and planned afresh: 40% of a stock lookup's time.
// depot's queries do not depend on plans chosen for particular values (no
// LIKE on parameters, no STAT4).
//
// The driver does not expose sqlite3_db_config, so the handle is read from
// its connection. If a driver version renames it, the connect hook goes on
// without (slower, not wrong) and TestStablePlans fails.
func enableStablePlans(c *sqlite3.SQLiteConn) error {
	db, err := handle(c)
	if err != nil {
		return err
	}
	if rc := C.depot_enable_qpsg(db); rc != 0 {
		return fmt.Errorf("sqlite: enable query planner stability: code %d", int(rc))
	}
	return nil
}
