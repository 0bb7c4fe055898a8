package app

import (
	"fmt"
	"time"
)

// ViewReplication is the action of reading the replication health.
const ViewReplication Action = "view_replication"

// ReplicationService reports the health of off-site replication. It never
// fails: what went wrong is part of the status.
type ReplicationService interface {
	ReplicationStatus() ReplicationStatus
}

// Replication states, from good to bad.
const (
	ReplicationOff     = "off"     // no replica configured
	ReplicationOK      = "ok"      // caught up, or behind by less than the lag threshold
	ReplicationLagging = "lagging" // behind by more than the threshold, no error
	ReplicationFailing = "failing" // the last attempt to reach the replica failed
	ReplicationDown    = "down"    // the replicator process is not running
)

// DefaultReplicationLagThreshold is the lag past which replication is
// "lagging" and managers see a banner.
const DefaultReplicationLagThreshold = 30 * time.Second

// ReplicationStatus is the replication health as the UI and the API show it.
// It holds nothing secret: Replica is the replica URL with credentials and
// secret query values removed.
type ReplicationStatus struct {
	State   string `json:"state"`   // one of the Replication* states
	Replica string `json:"replica"` // the replica URL without secrets; "" when off
	// Running is true while the replicator process is up.
	Running bool `json:"running"`
	// LocalTXID is the last transaction the replicator has read from the
	// database; ReplicatedTXID the last one stored in the replica.
	LocalTXID      uint64 `json:"local_txid"`
	ReplicatedTXID uint64 `json:"replicated_txid"`
	// LastReplicatedAt is when the replica last held everything committed
	// up to that instant.
	LastReplicatedAt time.Time `json:"last_replicated_at,omitzero"`
	// LagSeconds bounds the age of the oldest commit not yet in the replica:
	// 0 when nothing is waiting.
	LagSeconds float64 `json:"lag_seconds"`
	// LastError is the last failure (reaching the replica, or the process
	// dying), cleared by the next success.
	LastError   string    `json:"last_error,omitempty"`
	LastErrorAt time.Time `json:"last_error_at,omitzero"`
	// Restarts counts how often the supervisor restarted the replicator.
	Restarts  int       `json:"restarts"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// Classify sets State from the other fields: down when the process is not
// running, failing with an error, lagging past threshold (0 means
// DefaultReplicationLagThreshold), ok otherwise. A status with no replica
// stays off.
func (s *ReplicationStatus) Classify(threshold time.Duration) {
	if threshold <= 0 {
		threshold = DefaultReplicationLagThreshold
	}
	switch {
	case s.Replica == "":
		s.State = ReplicationOff
	case !s.Running:
		s.State = ReplicationDown
	case s.LastError != "":
		s.State = ReplicationFailing
	case s.LagSeconds > threshold.Seconds():
		s.State = ReplicationLagging
	default:
		s.State = ReplicationOK
	}
}

// Banner returns the warning a manager should see on every page, or "" when
// replication is off or healthy.
func (s ReplicationStatus) Banner() string {
	switch s.State {
	case ReplicationDown:
		return "Off-site replication is not running: recent changes are only on this box."
	case ReplicationFailing:
		return fmt.Sprintf("Off-site replication is failing (%s): changes from the last %s are only on this box.",
			s.LastError, roundLag(s.LagSeconds))
	case ReplicationLagging:
		return fmt.Sprintf("Off-site replication is %s behind.", roundLag(s.LagSeconds))
	}
	return ""
}

func roundLag(s float64) time.Duration {
	return time.Duration(s * float64(time.Second)).Round(time.Second)
}
