package main

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestBackupLiveDatabase copies a database while depot serve writes to it:
// the copy passes verify and holds every posting answered before the copy
// began.
func TestBackupLiveDatabase(t *testing.T) {
	path, token := replicaFixture(t)
	cmd, base := startServe(t, path)
	p := newAcker(base, token, "bk")
	p.postN(t, 500, 4)
	before := p.nAcked.Load()
	stop := make(chan struct{})
	wg := p.stream(stop, 4, 0)
	time.Sleep(200 * time.Millisecond)

	copyPath := filepath.Join(t.TempDir(), "copy.db")
	out, errOut, code := runDepot(t, "", "backup", "--db", path, "--to", copyPath)
	close(stop)
	wg.Wait()
	if code != 0 || !strings.Contains(out, "verified") {
		t.Fatalf("backup: exit %d\n%s%s", code, out, errOut)
	}
	if vout, _, code := runDepot(t, "", "verify", "--db", copyPath); code != 0 || !strings.Contains(vout, ": ok") {
		t.Errorf("verify of the copy: exit %d %s", code, vout)
	}
	n := movementCount(t, copyPath)
	if n < before {
		t.Errorf("the copy holds %d movements; %d were answered before it began", n, before)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	cmd.Wait()
	if all := movementCount(t, path); n > all {
		t.Errorf("the copy holds %d movements, the database %d", n, all)
	}

	t.Run("RefusesExisting", func(t *testing.T) {
		_, errOut, code := runDepot(t, "", "backup", "--db", path, "--to", copyPath)
		if code != 1 || !strings.Contains(errOut, "exists: choose a new file") {
			t.Errorf("exit %d, %q", code, errOut)
		}
	})
	t.Run("NotADatabase", func(t *testing.T) {
		_, errOut, code := runDepot(t, "", "backup", "--db", filepath.Join(t.TempDir(), "missing.db"), "--to", filepath.Join(t.TempDir(), "x.db"))
		if code != 1 || !strings.Contains(errOut, "no such file") {
			t.Errorf("exit %d, %q", code, errOut)
		}
	})
}
