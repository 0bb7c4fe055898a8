package web

import (
	"net/http"

	"depot/app"
	"depot/views"
)

// replicationPage shows the off-site replication health to those allowed to
// see it (managers and owners).
func (s *server) replicationPage(w http.ResponseWriter, r *http.Request) error {
	st := app.ReplicationStatus{State: app.ReplicationOff}
	if s.Replication != nil {
		st = s.Replication.ReplicationStatus()
	}
	return s.render(w, r, http.StatusOK, views.Replication(s.pageFor(w, r, "Replication"), st))
}
