package replica

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"depot/app"
)

// script writes an executable shell script standing in for depot: the
// supervisor runs it as "<script> replicate --db ...".
func script(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "depot")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func newTestSupervisor(t *testing.T, exe string) *Supervisor {
	t.Helper()
	target, err := ParseURL("file:///var/backups/depot")
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSupervisor(SupervisorConfig{Exe: exe, DB: "depot.db", Target: target,
		MinBackoff: 20 * time.Millisecond, MaxBackoff: 80 * time.Millisecond, StopTimeout: 2 * time.Second,
		Stderr: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestSupervisorRestartsADyingChild(t *testing.T) {
	// Each run reports once, then dies.
	s := newTestSupervisor(t, script(t, `echo '{"local_txid":7,"replicated_txid":7,"last_replicated_at":"2026-05-01T14:30:00Z","updated_at":"2026-05-01T14:30:00Z"}'
exit 3
`))
	s.Start()
	defer s.Stop()
	var st app.ReplicationStatus
	waitFor(t, "three restarts, between two runs", func() bool {
		st = s.ReplicationStatus()
		return st.Restarts >= 3 && !st.Running
	})
	if st.State != app.ReplicationDown || !strings.Contains(st.LastError, "replicator exited: exit status 3") {
		t.Errorf("between runs: state %q, error %q; want down with the exit status", st.State, st.LastError)
	}
	if st.ReplicatedTXID != 7 || !st.LastReplicatedAt.Equal(time.Date(2026, 5, 1, 14, 30, 0, 0, time.UTC)) {
		t.Errorf("status lost the child's report: %+v", st)
	}
	if st.Replica != "file:///var/backups/depot" {
		t.Errorf("replica %q", st.Replica)
	}
	if want := time.Since(st.LastReplicatedAt).Seconds(); st.LagSeconds < want-1 {
		t.Errorf("lag %.1fs, want about %.1fs: from the last replicated instant", st.LagSeconds, want)
	}
}

func TestSupervisorStopWaitsForTheFinalSync(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "final")
	s := newTestSupervisor(t, script(t, `trap 'echo done > `+marker+`; exit 0' TERM
echo '{"local_txid":1,"replicated_txid":1,"last_replicated_at":"2026-05-01T14:30:00Z","updated_at":"2026-05-01T14:30:00Z"}'
while :; do sleep 0.05; done
`))
	s.Start()
	waitFor(t, "the child's report", func() bool { return s.ReplicationStatus().Running && s.ReplicationStatus().LocalTXID == 1 })
	if st := s.ReplicationStatus(); st.State != app.ReplicationLagging && st.State != app.ReplicationOK {
		t.Errorf("running child: state %q", st.State)
	}
	if err := s.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if b, err := os.ReadFile(marker); err != nil || string(b) != "done\n" {
		t.Errorf("the child did not get SIGTERM before Stop returned: %q %v", b, err)
	}
	if st := s.ReplicationStatus(); st.Running || st.State != app.ReplicationDown || st.Restarts != 0 {
		t.Errorf("after Stop: %+v, want down without restarts", st)
	}
}

func TestSupervisorKillsAChildThatIgnoresStop(t *testing.T) {
	// The child reports only once its trap is set: a SIGTERM sent before
	// that would end it and the test would see no timeout.
	s := newTestSupervisor(t, script(t, `trap '' TERM
echo '{"local_txid":7}'
while :; do sleep 0.05; done
`))
	s.Start()
	waitFor(t, "the child's trap", func() bool { st := s.ReplicationStatus(); return st.Running && st.LocalTXID == 7 })
	if err := s.Stop(); err == nil || !strings.Contains(err.Error(), "no final sync within 2s") {
		t.Errorf("Stop = %v, want a kill after the timeout", err)
	}
}

func TestSupervisorStopBeforeStart(t *testing.T) {
	var nilSup *Supervisor
	if err := nilSup.Stop(); err != nil {
		t.Error(err)
	}
	if err := newTestSupervisor(t, "/bin/false").Stop(); err != nil {
		t.Error(err)
	}
}
