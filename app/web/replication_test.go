package web_test

import (
	"net/http"
	"strings"
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

// TestReplicationPageAndBanner: managers and owners see the health page and,
// on every page, a banner while replication is down, failing or behind;
// other roles see neither, and nothing secret is shown.
func TestReplicationPageAndBanner(t *testing.T) {
	st := app.ReplicationStatus{Replica: "s3://bkt/depot?endpoint=http://127.0.0.1:9000", Running: true,
		LocalTXID: 90, ReplicatedTXID: 41, LagSeconds: 75, LastError: "connection refused"}
	st.Classify(0)
	e := newUIEnvWith(t, false, func(s *web.Services) { s.Replication = fixedReplication{st} })
	owner := e.owner()
	owner.get("/").has(t, http.StatusOK, "Off-site replication is failing (connection refused)", `href="/replication"`)
	owner.get("/replication").has(t, http.StatusOK, "failing", "s3://bkt/depot?endpoint=http://127.0.0.1:9000",
		"1m15s behind", "transaction 41 of 90", "connection refused")
	manager := e.signIn("mona", app.Manager)
	manager.get("/").has(t, http.StatusOK, "Off-site replication is failing")
	clerk := e.signIn("carl", app.Clerk)
	r := clerk.get("/")
	r.has(t, http.StatusOK)
	if strings.Contains(string(r.Body), "Off-site replication") || strings.Contains(string(r.Body), `href="/replication"`) {
		t.Errorf("a clerk sees the replication banner or its link:\n%s", r.Body)
	}
	clerk.get("/replication").has(t, http.StatusForbidden)

	t.Run("Healthy", func(t *testing.T) {
		ok := app.ReplicationStatus{Replica: "file:///mnt/usb/depot", Running: true, LocalTXID: 5, ReplicatedTXID: 5}
		ok.Classify(0)
		e := newUIEnvWith(t, false, func(s *web.Services) { s.Replication = fixedReplication{ok} })
		r := e.owner().get("/")
		r.has(t, http.StatusOK)
		if strings.Contains(string(r.Body), `class="banner"`) {
			t.Errorf("a banner while replication is healthy:\n%s", r.Body)
		}
	})
	t.Run("Off", func(t *testing.T) {
		e := newUIEnv(t, false)
		e.owner().get("/replication").has(t, http.StatusOK, "No replica is configured")
	})
}
