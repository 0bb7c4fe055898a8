package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"depot/app"
)

// TestReplicaRestoreMatchesAndPointInTime posts 10,000 movements through the
// API of depot serve --replica (S3 on a real server), restores the latest
// copy and one as of the middle, and compares them with the source.
func TestReplicaRestoreMatchesAndPointInTime(t *testing.T) {
	s3 := startS3(t, "")
	path, token := replicaFixture(t)
	base := movementCount(t, path)
	srv := serveReplica(t, path, s3.url("site-1"), replicaEnv())
	p := newAcker(srv.base, token, "rt")

	p.postN(t, 5000, 8)
	srv.waitCaughtUp(t, token)
	middle := time.Now().UTC()
	time.Sleep(1500 * time.Millisecond)
	wantMiddle := movementCount(t, path)
	if wantMiddle != base+5000 {
		t.Fatalf("source holds %d movements after 5,000 postings, want %d", wantMiddle, base+5000)
	}
	p.postN(t, 5000, 8)
	st := srv.waitCaughtUp(t, token)
	_, body := srv.health(t, token)
	if !strings.Contains(body, `"replica":"s3://depot/site-1?endpoint=http://127.0.0.1:`) || st.Restarts != 0 || !st.Running {
		t.Errorf("health after 10,000 postings: %s", body)
	}
	srv.stop(t)
	if !strings.Contains(srv.logs.String(), "final sync done") {
		t.Errorf("no final sync in the log:\n%s", srv.logs)
	}

	dir := t.TempDir()
	latest := filepath.Join(dir, "latest.db")
	out, errOut, code := runDepotEnv(t, replicaEnv(), "restore", "--replica", s3.url("site-1"), "--to", latest)
	if code != 0 || !strings.Contains(out, "verified") {
		t.Fatalf("restore: exit %d\n%s%s", code, out, errOut)
	}
	if got, want := movementCount(t, latest), base+10000; got != want {
		t.Errorf("restored %d movements, want %d", got, want)
	}
	if got, want := levels(t, latest), levels(t, path); got != want {
		t.Errorf("levels differ\nrestored:\n%s\nsource:\n%s", got, want)
	}
	if out, _, code := runDepot(t, "", "verify", "--db", latest); code != 0 || !strings.Contains(out, ": ok") {
		t.Errorf("verify restored: exit %d %s", code, out)
	}

	at := filepath.Join(dir, "middle.db")
	out2, errOut2, code := runDepotEnv(t, replicaEnv(), "restore", "--replica", s3.url("site-1"), "--to", at,
		"--timestamp", middle.Format(time.RFC3339Nano))
	if code != 0 {
		t.Fatalf("point-in-time restore: exit %d\n%s%s", code, out2, errOut2)
	}
	if got := movementCount(t, at); got != wantMiddle {
		t.Errorf("restore as of %s: %d movements, want %d", middle.Format(time.RFC3339Nano), got, wantMiddle)
	}

	t.Run("RefusesExisting", func(t *testing.T) {
		_, errOut, code := runDepotEnv(t, replicaEnv(), "restore", "--replica", s3.url("site-1"), "--to", latest)
		if code != 1 || !strings.Contains(errOut, "exists: restore to a new path, or add --force") {
			t.Errorf("exit %d, %q", code, errOut)
		}
	})
	t.Run("BadTimestamp", func(t *testing.T) {
		_, errOut, code := runDepotEnv(t, replicaEnv(), "restore", "--replica", s3.url("site-1"), "--to", filepath.Join(dir, "x.db"), "--timestamp", "yesterday")
		if code != 1 || !strings.Contains(errOut, `timestamp: "yesterday" is not an RFC 3339 time`) {
			t.Errorf("exit %d, %q", code, errOut)
		}
	})
	t.Run("BeforeTheFirstCopy", func(t *testing.T) {
		_, errOut, code := runDepotEnv(t, replicaEnv(), "restore", "--replica", s3.url("site-1"), "--to", filepath.Join(dir, "y.db"), "--timestamp", "2020-01-01T00:00:00Z")
		if code != 1 || !strings.Contains(errOut, "holds no copy as of 2020-01-01T00:00:00Z") {
			t.Errorf("exit %d, %q", code, errOut)
		}
	})
	t.Run("WrongSecret", func(t *testing.T) {
		env := append(replicaEnv(), "AWS_SECRET_ACCESS_KEY=not-the-secret-9f8e7d")
		_, errOut, code := runDepotEnv(t, env, "restore", "--replica", s3.url("site-1"), "--to", filepath.Join(dir, "z.db"))
		if code != 1 || strings.Contains(errOut, "not-the-secret-9f8e7d") {
			t.Errorf("exit %d, %q: want a failure that does not show the secret", code, errOut)
		}
	})
	noSecrets(t, "serve's log", srv.logs.String())
	noSecrets(t, "restore's output", out, errOut, out2, errOut2)
	noSecrets(t, "the health answer", body)
}

// TestKillServeWithReplicaKeepsEveryAck kills depot serve with SIGKILL in
// the middle of a stream of postings: its replicator gets the parent-death
// signal and makes a final sync, after which the replica holds every
// posting that was answered 2xx.
func TestKillServeWithReplicaKeepsEveryAck(t *testing.T) {
	s3 := startS3(t, "")
	path, token := replicaFixture(t)
	srv := serveReplica(t, path, s3.url("kill"), replicaEnv())
	p := newAcker(srv.base, token, "kill")
	stop := make(chan struct{})
	wg := p.stream(stop, 8, 0)
	deadline := time.Now().Add(60 * time.Second)
	for p.nAcked.Load() < 3000 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	srv.cmd.Process.Signal(syscall.SIGKILL)
	srv.cmd.Wait()
	close(stop)
	wg.Wait()
	srv.waitClosed(t) // the replicator's final sync, then its exit
	if !strings.Contains(srv.logs.String(), "final sync done") {
		t.Fatalf("the replicator made no final sync after the kill:\n%s", srv.logs)
	}
	restored := filepath.Join(t.TempDir(), "restored.db")
	if out, errOut, code := runDepotEnv(t, replicaEnv(), "restore", "--replica", s3.url("kill"), "--to", restored); code != 0 {
		t.Fatalf("restore: exit %d\n%s%s", code, out, errOut)
	}
	if lost := p.missing(t, restored); len(lost) > 0 {
		t.Errorf("%d of %d acknowledged postings are not in the replica, e.g. %s", len(lost), p.nAcked.Load(), lost[0])
	}
	t.Logf("acknowledged %d before the kill; restored %d movements", p.nAcked.Load(), movementCount(t, restored))
}

// TestReplicaOutageCatchesUp stops the S3 server for 30 s while postings
// continue: the health shows the outage, and replication catches up after
// the server returns.
func TestReplicaOutageCatchesUp(t *testing.T) {
	s3 := startS3(t, "")
	path, token := replicaFixture(t)
	srv := serveReplica(t, path, s3.url("outage"), replicaEnv(), "--replica-lag-threshold", "10s")
	p := newAcker(srv.base, token, "out")
	stop := make(chan struct{})
	wg := p.stream(stop, 2, 10*time.Millisecond)
	defer func() {
		select {
		case <-stop:
		default:
			close(stop)
		}
		wg.Wait()
	}()
	srv.waitLag(t, token, 3)

	s3.stop()
	down, ackedBefore := time.Now(), p.nAcked.Load()
	var worst app.ReplicationStatus
	var bodies []string
	for time.Since(down) < 30*time.Second {
		time.Sleep(500 * time.Millisecond)
		st, body := srv.health(t, token)
		bodies = append(bodies, body)
		if st.LagSeconds > worst.LagSeconds {
			worst = st
		}
	}
	t.Logf("health during the outage:\n%s", strings.Join(bodies, "\n"))
	if worst.State != app.ReplicationFailing || worst.LastError == "" || worst.LagSeconds < 25 {
		t.Errorf("during a 30 s outage the health showed at worst %+v; want failing with an error and a lag near 30 s", worst)
	}
	if b := worst.Banner(); !strings.Contains(b, "failing") {
		t.Errorf("banner during the outage: %q", b)
	}
	during := p.nAcked.Load() - ackedBefore
	if during < 100 {
		t.Errorf("only %d postings answered during the outage: depot must keep taking them", during)
	}

	s3.start()
	back := time.Now()
	srv.waitLag(t, token, 3)
	t.Logf("caught up %.1fs after the server returned; %d postings during the outage", time.Since(back).Seconds(), during)
	close(stop)
	wg.Wait()
	srv.stop(t)

	restored := filepath.Join(t.TempDir(), "restored.db")
	if out, errOut, code := runDepotEnv(t, replicaEnv(), "restore", "--replica", s3.url("outage"), "--to", restored); code != 0 {
		t.Fatalf("restore: exit %d\n%s%s", code, out, errOut)
	}
	if lost := p.missing(t, restored); len(lost) > 0 {
		t.Errorf("%d acknowledged postings missing from the replica after the outage", len(lost))
	}
	if got, want := movementCount(t, restored), movementCount(t, path); got != want {
		t.Errorf("restored %d movements, the source holds %d", got, want)
	}
	noSecrets(t, "the health answers", bodies...)
	noSecrets(t, "serve's log", srv.logs.String())
}

// TestReplicaWithCABundle replicates to an HTTPS server whose CA is known
// only through AWS_CA_BUNDLE, which on its own makes the AWS SDK refuse to
// start: depot trusts the bundle itself and clears the variable.
func TestReplicaWithCABundle(t *testing.T) {
	tlsDir := t.TempDir()
	s3 := startS3(t, tlsDir)
	path, token := replicaFixture(t)
	env := replicaEnv("AWS_CA_BUNDLE=" + filepath.Join(tlsDir, "ca.pem"))
	srv := serveReplica(t, path, s3.url("tls"), env)
	p := newAcker(srv.base, token, "tls")
	p.postN(t, 200, 4)
	st := srv.waitCaughtUp(t, token)
	if st.Restarts != 0 || st.LastError != "" {
		t.Errorf("health over TLS: %+v\n%s", st, srv.logs)
	}
	srv.stop(t)
	restored := filepath.Join(t.TempDir(), "restored.db")
	out, errOut, code := runDepotEnv(t, env, "restore", "--replica", s3.url("tls"), "--to", restored)
	if code != 0 {
		t.Fatalf("restore over TLS with AWS_CA_BUNDLE: exit %d\n%s%s", code, out, errOut)
	}
	if lost := p.missing(t, restored); len(lost) > 0 {
		t.Errorf("%d postings missing", len(lost))
	}
	// Without the bundle the server's certificate is not trusted.
	_, errOut, code = runDepotEnv(t, replicaEnv(), "restore", "--replica", s3.url("tls"), "--to", filepath.Join(t.TempDir(), "x.db"))
	if code != 1 || !strings.Contains(errOut, "certificate") {
		t.Errorf("restore without the CA: exit %d, %q; want a certificate error", code, errOut)
	}
}

func TestServeRefusesBadReplica(t *testing.T) {
	tests := []struct{ url, want string }{
		{"s3://KEY:hunter2-s3cr3t@bkt/x", "replica: credentials do not belong in the URL"},
		{"s3://bkt/x?endpoint=minio:9000", `replica: endpoint "minio:9000" is not an http:// or https:// URL`},
		{"s3://bkt/x?regoin=eu", `replica: unknown s3 parameter "regoin"`},
		{"/mnt/usb", `replica: "/mnt/usb" has no scheme`},
	}
	for _, tt := range tests {
		path := filepath.Join(t.TempDir(), "depot.db")
		_, errOut, code := runDepot(t, "", "serve", "--db", path, "--addr", "127.0.0.1:0", "--replica", tt.url)
		if code != 1 || !strings.Contains(errOut, tt.want) || strings.Contains(errOut, "hunter2") {
			t.Errorf("--replica %s: exit %d, %q; want %q", tt.url, code, errOut, tt.want)
		}
		if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) > 0 {
			t.Errorf("--replica %s: %d files written beside the database", tt.url, len(entries))
		}
	}
}
