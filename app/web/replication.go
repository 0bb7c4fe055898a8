package web

import (
	"net/http"

	"depot/app"
)

// getReplication handles GET /api/v1/replication: the health of off-site
// replication (state "off" when none is configured). Nothing in it is
// secret: the replica URL comes without credentials.
func (s *server) getReplication(w http.ResponseWriter, r *http.Request) error {
	st := app.ReplicationStatus{State: app.ReplicationOff}
	if s.Replication != nil {
		st = s.Replication.ReplicationStatus()
	}
	s.writeJSON(w, r, http.StatusOK, st)
	return nil
}
