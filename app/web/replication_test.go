package web_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"depot/app"
	"depot/app/web"
)

// fixedReplication reports one status, as the supervisor would.
type fixedReplication struct{ st app.ReplicationStatus }

func (f fixedReplication) ReplicationStatus() app.ReplicationStatus { return f.st }

func TestReplicationEndpoint(t *testing.T) {
	at := time.Date(2026, 5, 1, 14, 30, 0, 0, time.UTC)
	want := app.ReplicationStatus{State: app.ReplicationFailing, Replica: "s3://bkt/depot?endpoint=http://127.0.0.1:9000",
		Running: true, LocalTXID: 42, ReplicatedTXID: 40, LastReplicatedAt: at, LagSeconds: 12.5,
		LastError: "connection refused", LastErrorAt: at.Add(time.Second), UpdatedAt: at.Add(2 * time.Second)}
	e := newEnv(t, func(s *web.Services) { s.Replication = fixedReplication{want} })
	for _, role := range []app.Role{app.Owner, app.Manager} {
		t.Run(string(role), func(t *testing.T) {
			var got app.ReplicationStatus
			e.do(role, "GET", "/api/v1/replication", "").must(t, http.StatusOK, &got)
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("status (-want +got):\n%s", d)
			}
		})
	}
	for _, role := range []app.Role{app.Clerk, app.Picker, app.Packer, app.Viewer} {
		t.Run(string(role), func(t *testing.T) {
			r := e.do(role, "GET", "/api/v1/replication", "")
			if code, _, _ := r.errorOf(t); r.Status != http.StatusForbidden || code != app.EFORBIDDEN {
				t.Errorf("%s: status %d code %q, want 403 forbidden", role, r.Status, code)
			}
		})
	}
	t.Run("NoToken", func(t *testing.T) {
		if r := e.doToken("", "GET", "/api/v1/replication", ""); r.Status != http.StatusUnauthorized {
			t.Errorf("status %d, want 401", r.Status)
		}
	})
}

func TestReplicationEndpointOff(t *testing.T) {
	e := newEnv(t, nil)
	var got app.ReplicationStatus
	e.do(app.Owner, "GET", "/api/v1/replication", "").must(t, http.StatusOK, &got)
	if got.State != app.ReplicationOff || got.Replica != "" || got.Running {
		t.Errorf("without a replica: %+v, want state off", got)
	}
}
