package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"

	"depot/app"
	"depot/app/sqlite"
)

// depotBin is the real binary, built once for the tests that run it as a
// separate process (kill -9, the sqlite3 shell beside it).
var depotBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "depot-bin-")
	if err != nil {
		panic(err)
	}
	depotBin = filepath.Join(dir, "depot")
	out, err := exec.Command("go", "build", "-tags", "sqlite_fts5", "-ldflags", "-X main.version=test-1.2.3", "-o", depotBin, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build depot: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// runDepot runs the binary and returns stdout, stderr and the exit code.
func runDepot(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(depotBin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

func TestVersion(t *testing.T) {
	out, _, code := runDepot(t, "", "version")
	if code != 0 || out != "depot test-1.2.3\n" {
		t.Errorf("depot version = %q (exit %d), want the stamped version", out, code)
	}
}

func TestUserAddAndTokenCreate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "depot.db")
	out, errOut, code := runDepot(t, "correct horse battery\n", "user", "add", "--db", path, "--username", "ana", "--role", "clerk", "--password-stdin")
	if code != 0 || !strings.Contains(out, "user ana added with role clerk") {
		t.Fatalf("user add: exit %d, out %q, err %q", code, out, errOut)
	}
	_, errOut, code = runDepot(t, "correct horse battery\n", "user", "add", "--db", path, "--username", "bo", "--role", "boss", "--password-stdin")
	if code != 1 || !strings.Contains(errOut, `"boss" is not a role`) {
		t.Errorf("bad role: exit %d, err %q", code, errOut)
	}
	_, errOut, code = runDepot(t, "short\n", "user", "add", "--db", path, "--username", "bo", "--role", "viewer", "--password-stdin")
	if code != 1 || !strings.Contains(errOut, "password: must be at least 10 characters") {
		t.Errorf("short password: exit %d, err %q", code, errOut)
	}
	out, _, code = runDepot(t, "", "token", "create", "--db", path, "--username", "ana", "--name", "scanner-script")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	token := lines[len(lines)-1]
	if code != 0 || !strings.HasPrefix(token, "dpt_") {
		t.Fatalf("token create: exit %d, out %q", code, out)
	}
	db, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u, err := db.UserByToken(context.Background(), token)
	if err != nil || u.Username != "ana" || u.Role != app.Clerk {
		t.Errorf("token authenticates as %+v, %v; want ana, clerk", u, err)
	}
	if u, err := db.CheckPassword(context.Background(), "ana", "correct horse battery"); err != nil || u.Username != "ana" {
		t.Errorf("password check: %v", err)
	}
	if _, err := db.UserByToken(context.Background(), token+"x"); app.ErrorCode(err) != app.EUNAUTH {
		t.Errorf("wrong token: err %v, want unauthorized", err)
	}
}

// seedLedger makes a small ledger in a fresh file and closes it.
func seedLedger(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "depot.db")
	db, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.CreateProduct(ctx, app.NewProduct{Name: "Widget", Variants: []app.NewVariant{{SKU: "W-1"}}}))
	must(db.CreateLocation(ctx, app.NewLocation{Code: "A-01", Kind: app.KindBin}))
	for i := 0; i < 5; i++ {
		_, _, err := db.PostMovement(ctx, app.PostMovement{Kind: app.Receive, IdempotencyKey: fmt.Sprint("r", i),
			Lines: []app.MovementLine{{SKU: "W-1", Qty: 10, To: "A-01"}}})
		must(nil, err)
	}
	return path
}

func sqlite3Shell(t *testing.T, path, script string) (string, int) {
	t.Helper()
	out, err := exec.Command("sqlite3", path, script).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return string(out), ee.ExitCode()
	}
	if err != nil {
		t.Fatalf("sqlite3 shell: %v (make test installs it: apt-get install sqlite3)", err)
	}
	return string(out), 0
}

func TestSqliteShellCannotEditLedger(t *testing.T) {
	path := seedLedger(t)
	for _, q := range []string{
		"UPDATE movements SET note = 'oops' WHERE id = 3;",
		"DELETE FROM movements WHERE id = 3;",
		"UPDATE inventory_transactions SET qty = 1 WHERE id = 5;",
		"DELETE FROM inventory_transactions WHERE movement_id = 3;",
	} {
		out, code := sqlite3Shell(t, path, q)
		if code == 0 || !strings.Contains(out, "ledger is append-only") {
			t.Errorf("%s: exit %d, output %q; want a refusal", q, code, out)
		}
	}
	out, _, code := runDepot(t, "", "verify", "--db", path)
	if code != 0 || !strings.Contains(out, "5 movements, 10 legs") || !strings.Contains(out, ": ok") {
		t.Errorf("verify after refused edits: exit %d, %q", code, out)
	}
}

func TestVerifyNamesTamperedMovement(t *testing.T) {
	path := seedLedger(t)
	out, code := sqlite3Shell(t, path, "DROP TRIGGER movements_no_update; UPDATE movements SET note = 'edited' WHERE id = 4;")
	if code != 0 {
		t.Fatalf("tamper: %s", out)
	}
	out, _, code = runDepot(t, "", "verify", "--db", path)
	if code != 1 || !strings.Contains(out, "PROBLEM movement 4: its content does not match its hash") {
		t.Errorf("verify after tampering: exit %d, output:\n%s", code, out)
	}
	if strings.Contains(out, "movement 3:") || strings.Contains(out, "movement 5:") {
		t.Errorf("verify blames untouched movements:\n%s", out)
	}
}

func mustOpenRaw(t *testing.T, path string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite3", "file:"+path+"?_query_only=1")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}
