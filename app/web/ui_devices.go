package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/a-h/templ"

	"depot/app"
	"depot/hardware/scale"
	"depot/hardware/station"
	"depot/views"
)

// Devices is the device layer the device page shows and changes: the
// running stations, and where a station's devices are stored (the
// "station" key of its location's attributes).
type Devices struct {
	Stations *station.Manager
	Store    StationStore
}

// StationStore reads and writes the station attribute of locations
// (sqlite.DB).
type StationStore interface {
	LocationsWithAttribute(ctx context.Context, key string) ([]*app.Location, error)
	SetLocationAttribute(ctx context.Context, code, key string, value json.RawMessage) (*app.Location, error)
}

// devices returns the device layer or an unavailable error.
func (s *server) devices() (*Devices, error) {
	d := s.ui.Devices
	if d == nil || d.Stations == nil || d.Store == nil {
		return nil, app.Errorf(app.EUNAVAILABLE, "this depot runs without its device layer")
	}
	return d, nil
}

// devicesModel reads the stored stations and what the running ones see.
func (s *server) devicesModel(r *http.Request) (views.DevicesModel, error) {
	d, err := s.devices()
	if err != nil {
		return views.DevicesModel{}, err
	}
	locs, err := d.Store.LocationsWithAttribute(r.Context(), station.AttributeKey)
	if err != nil {
		return views.DevicesModel{}, err
	}
	m := views.DevicesModel{CanEdit: sessionFrom(r.Context()).User.Authorize(app.EditLocations) == nil,
		New: views.Form{Values: map[string]string{}}}
	for _, l := range locs {
		c, _, err := station.ConfigOf(l.Attributes)
		sm := views.StationModel{Code: l.Code, Name: l.Name, Config: c}
		sm.State.Scale.Address, sm.State.Scanner.Address, sm.State.Printer.Address = c.Scale, c.Scanner, c.Printer
		if err != nil {
			sm.State.Scale.LastError = err.Error()
		}
		if st, ok := d.Stations.Station(l.Code); ok {
			sm.Running, sm.State = true, st.State()
			if sim := st.ScaleSim(); sim != nil {
				v := sim.State.View()
				sm.ScaleSim = &views.ScaleSimModel{Weight: scale.FormatFixed(v.Value, v.Decimals) + " " + string(v.Unit),
					Motion: v.Status == scale.Motion, Overload: v.Status == scale.Overload, Plugged: sim.Plugged()}
			}
		}
		m.Stations = append(m.Stations, sm)
	}
	return m, nil
}

// devicesPage handles GET /devices.
func (s *server) devicesPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := queryParams(r); err != nil {
		return err
	}
	m, err := s.devicesModel(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.Devices(s.pageFor(w, r, "Devices"), m))
}

// devicesRefusal renders the device page again with a refused form: the
// new-station form when code is "", else the form of station code.
func (s *server) devicesRefusal(w http.ResponseWriter, r *http.Request, code string) func(views.Form) templ.Component {
	p := s.pageFor(w, r, "Devices")
	return func(f views.Form) templ.Component {
		m, err := s.devicesModel(r)
		if err != nil {
			return templ.ComponentFunc(func(context.Context, io.Writer) error { return err })
		}
		known := false
		for _, st := range m.Stations {
			known = known || st.Code == code
		}
		if code != "" && known {
			m.RowCode, m.Row = code, f
		} else {
			m.New = f
		}
		return views.Devices(p, m)
	}
}

// saveStation handles POST /devices/stations: code and the three device
// addresses. The addresses are checked before anything is written; empty
// addresses remove the station.
func (s *server) saveStation(w http.ResponseWriter, r *http.Request) error {
	d, err := s.devices()
	if err != nil {
		return err
	}
	f := formOf(r, "code", "scale", "scanner", "printer")
	code := f.Value("code")
	// A refusal goes back to the form it came from: a station's own, or
	// the add-a-station form (whatever code was typed there).
	page := s.devicesRefusal(w, r, code)
	if r.PostFormValue("form") == "new" {
		page = s.devicesRefusal(w, r, "")
	}
	if code == "" {
		return s.refuse(w, r, f, app.FieldErrorf("code", "is required: the location code of the packing bench"), page)
	}
	c := station.Config{Scale: f.Value("scale"), Scanner: f.Value("scanner"), Printer: f.Value("printer")}
	if err := c.Normalize(); err != nil {
		return s.refuse(w, r, f, err, page)
	}
	var value json.RawMessage
	if !c.Empty() {
		if value, err = json.Marshal(c); err != nil {
			return err
		}
	}
	l, err := d.Store.SetLocationAttribute(r.Context(), code, station.AttributeKey, value)
	if err != nil {
		return s.refuse(w, r, f, err, page)
	}
	if err := d.Stations.Set(l.Code, l.Name, c); err != nil {
		return err
	}
	user := sessionFrom(r.Context()).User.Username
	s.log.Info("station saved", "location", l.Code, "scale", c.Scale, "scanner", c.Scanner, "printer", c.Printer, "by", user)
	if c.Empty() {
		s.setFlash(w, fmt.Sprintf("%s is no longer a station.", l.Code))
	} else {
		s.setFlash(w, fmt.Sprintf("Station %s saved.", l.Code))
	}
	http.Redirect(w, r, "/devices", http.StatusSeeOther)
	return nil
}

// runningStation returns the station named by the {code} path parameter.
func (s *server) runningStation(r *http.Request) (*station.Station, error) {
	d, err := s.devices()
	if err != nil {
		return nil, err
	}
	code, err := pathParam(r, "code")
	if err != nil {
		return nil, err
	}
	st, ok := d.Stations.Station(code)
	if !ok {
		return nil, &app.Error{Code: app.ENOTFOUND, Field: "code", Message: fmt.Sprintf("no station %q is running", clipText(code))}
	}
	return st, nil
}

// printTest handles POST /devices/{code}/print-test.
func (s *server) printTest(w http.ResponseWriter, r *http.Request) error {
	st, err := s.runningStation(r)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(r.Context(), 15*time.Second)
	defer cancel()
	if err := st.PrintTest(ctx); err != nil {
		return app.Errorf(app.EUNAVAILABLE, "%s", err.Error())
	}
	s.setFlash(w, fmt.Sprintf("Test label sent to the printer of %s.", st.Code()))
	http.Redirect(w, r, "/devices", http.StatusSeeOther)
	return nil
}

// simScale handles POST /devices/{code}/scale: the controls of a simulated
// scale. action=set puts weight on the platter and sets motion and
// overload; unplug and replug pull and reattach its cable.
func (s *server) simScale(w http.ResponseWriter, r *http.Request) error {
	st, err := s.runningStation(r)
	if err != nil {
		return err
	}
	sim := st.ScaleSim()
	if sim == nil {
		return app.Errorf(app.EINVALID, "the scale of %s is a real device; only a simulated scale (sim:) takes these controls", st.Code())
	}
	f := formOf(r, "action", "weight", "motion", "overload")
	page := s.devicesRefusal(w, r, st.Code())
	var flash string
	switch f.Value("action") {
	case "set", "":
		mg, err := parseSimWeight(f.Value("weight"))
		if err != nil {
			return s.refuse(w, r, f, err, page)
		}
		motion, overload := f.Value("motion") != "", f.Value("overload") != ""
		sim.State.SetMotion(motion)
		sim.State.SetOverload(overload)
		sim.State.SetWeight(mg)
		flash = fmt.Sprintf("The simulated scale of %s holds %s.", st.Code(), f.Value("weight"))
	case "unplug":
		sim.Unplug()
		flash = fmt.Sprintf("The simulated scale of %s is unplugged.", st.Code())
	case "replug":
		if err := sim.Replug(); err != nil {
			return app.Errorf(app.EUNAVAILABLE, "replug the simulated scale of %s: %v", st.Code(), err)
		}
		flash = fmt.Sprintf("The simulated scale of %s is plugged back in.", st.Code())
	default:
		return s.refuse(w, r, f, app.FieldErrorf("action", "%q is not a scale control: use set, unplug or replug", clipText(f.Value("action"))), page)
	}
	s.setFlash(w, flash)
	http.Redirect(w, r, "/devices", http.StatusSeeOther)
	return nil
}

// parseSimWeight reads "1.250 kg" into mg; the error names the weight field.
func parseSimWeight(text string) (int64, error) {
	v, dec, unit, err := scale.ParseWeight(text)
	if err == nil {
		var mg int64
		if mg, err = scale.ToMg(v, dec, unit); err == nil {
			if mg < -1_000_000_000 || mg > 1_000_000_000 {
				return 0, app.FieldErrorf("weight", "%q: a simulated scale takes -1000 kg to 1000 kg", text)
			}
			return mg, nil
		}
	}
	return 0, app.FieldErrorf("weight", "%v", err)
}

// simScan handles POST /devices/{code}/scan: the simulated scanner of the
// station reads data.
func (s *server) simScan(w http.ResponseWriter, r *http.Request) error {
	st, err := s.runningStation(r)
	if err != nil {
		return err
	}
	sim := st.ScannerSim()
	if sim == nil {
		return app.Errorf(app.EINVALID, "the scanner of %s is not simulated (sim:scanner)", st.Code())
	}
	f := formOf(r, "data")
	if err := sim.Scan(f.Value("data")); err != nil {
		return s.refuse(w, r, f, app.FieldErrorf("data", "%v", err), s.devicesRefusal(w, r, st.Code()))
	}
	s.setFlash(w, fmt.Sprintf("The simulated scanner of %s read %s.", st.Code(), f.Value("data")))
	http.Redirect(w, r, "/devices", http.StatusSeeOther)
	return nil
}

// deviceEvents handles GET /devices/events: a server-sent event stream
// with one event per station change, named by views.StationEventName and
// carrying the station's live fragment (weight, scan, printer status,
// errors), which htmx's sse extension swaps in. The stream starts with
// every station's current state.
func (s *server) deviceEvents(w http.ResponseWriter, r *http.Request) error {
	d, err := s.devices()
	if err != nil {
		return err
	}
	if _, err := queryParams(r); err != nil {
		return err
	}
	rc := http.NewResponseController(w)
	if err := rc.SetWriteDeadline(time.Time{}); err != nil {
		return fmt.Errorf("device events: clear write deadline: %w", err)
	}
	sub := d.Stations.Subscribe()
	defer sub.Cancel()
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 2000\n: connected\n\n")
	var buf bytes.Buffer
	send := func(states []station.State) error {
		for _, st := range states {
			buf.Reset()
			if err := views.StationLive(st).Render(r.Context(), &buf); err != nil {
				return err
			}
			fmt.Fprintf(w, "event: %s\n", views.StationEventName(st.Code))
			for _, line := range strings.Split(buf.String(), "\n") {
				fmt.Fprintf(w, "data: %s\n", line)
			}
			fmt.Fprint(w, "\n")
		}
		return rc.Flush()
	}
	if err := send(d.Stations.States()); err != nil {
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
			if err := send(sub.Take()); err != nil {
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
