package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// packScans handles GET /pack/{station}/scans: a server-sent event stream
// with one "scan" event per new scan of the station's own scanner (a serial,
// HID or simulated one, which types into no browser), its data the code with
// its AIM prefix as JSON: {"code":"]C1..."}. The packing screen hands each
// to its scan field as if a keyboard-wedge scanner had typed it. Scans made
// before the stream opened are not sent; two scans between two deliveries
// send the newer only (the station keeps its last scan).
func (s *server) packScans(w http.ResponseWriter, r *http.Request) error {
	d, err := s.devices()
	if err != nil {
		return err
	}
	_, st, err := s.packStationOf(r)
	if err != nil {
		return err
	}
	rc := http.NewResponseController(w)
	if err := rc.SetWriteDeadline(time.Time{}); err != nil {
		return fmt.Errorf("pack scans: clear write deadline: %w", err)
	}
	sub := d.Stations.Subscribe()
	defer sub.Cancel()
	seen := st.State().Scans
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 2000\n: connected\n\n")
	if err := rc.Flush(); err != nil {
		return nil
	}
	tick := time.NewTicker(keepAlive)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return nil
		case <-sub.Done():
			return nil
		case <-sub.Ready():
			for _, x := range sub.Take() {
				if x.Code != st.Code() || x.Scans <= seen {
					continue
				}
				seen = x.Scans
				b, _ := json.Marshal(map[string]string{"code": x.Scan.AIM + x.Scan.Data})
				fmt.Fprintf(w, "event: scan\ndata: %s\n\n", b)
			}
			if err := rc.Flush(); err != nil {
				return nil
			}
		case <-tick.C:
			fmt.Fprint(w, ": keep-alive\n\n")
			if err := rc.Flush(); err != nil {
				return nil
			}
		}
	}
}
