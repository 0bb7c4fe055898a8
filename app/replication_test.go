package app

import (
	"strings"
	"testing"
	"time"
)

func TestReplicationClassifyAndBanner(t *testing.T) {
	tests := []struct {
		name   string
		st     ReplicationStatus
		state  string
		banner string
	}{
		{"Off", ReplicationStatus{}, ReplicationOff, ""},
		{"OK", ReplicationStatus{Replica: "s3://b/p", Running: true, LagSeconds: 1.2}, ReplicationOK, ""},
		{"Lagging", ReplicationStatus{Replica: "s3://b/p", Running: true, LagSeconds: 95}, ReplicationLagging, "Off-site replication is 1m35s behind."},
		{"Failing", ReplicationStatus{Replica: "s3://b/p", Running: true, LagSeconds: 40, LastError: "connection refused"},
			ReplicationFailing, "Off-site replication is failing (connection refused): changes from the last 40s are only on this box."},
		{"Down", ReplicationStatus{Replica: "s3://b/p", LastError: "exited"}, ReplicationDown, "not running"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.st.Classify(30 * time.Second)
			if tt.st.State != tt.state {
				t.Errorf("state %q, want %q", tt.st.State, tt.state)
			}
			if b := tt.st.Banner(); (tt.banner == "") != (b == "") || !strings.Contains(b, tt.banner) {
				t.Errorf("banner %q, want %q", b, tt.banner)
			}
		})
	}
	st := ReplicationStatus{Replica: "s3://b/p", Running: true, LagSeconds: 31}
	st.Classify(0)
	if st.State != ReplicationLagging {
		t.Errorf("default threshold: state %q at 31s, want lagging", st.State)
	}
}
