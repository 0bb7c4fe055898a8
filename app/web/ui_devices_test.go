package web_test

import (
	"bufio"
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"depot/app"
	"depot/app/sqlite"
	"depot/app/web"
	"depot/hardware/station"
)

// devicesEnv is the back office with a device layer and a packing bench
// PACK running a simulated station.
type devicesEnv struct {
	*uiEnv
	mgr    *station.Manager
	labels string
}

func newDevicesEnv(t testing.TB) *devicesEnv {
	t.Helper()
	d := &devicesEnv{mgr: station.NewManager(station.Options{PrinterPoll: 200 * time.Millisecond, Log: slog.New(slog.DiscardHandler)}), labels: t.TempDir()}
	t.Cleanup(func() { d.mgr.Close() })
	d.uiEnv = newUIEnv(t, false, func(u *web.UI, db *sqlite.DB) {
		u.Devices = &web.Devices{Stations: d.mgr, Store: db}
	})
	ctx := context.Background()
	for _, l := range []app.NewLocation{{Code: "WH", Kind: app.KindSite}, {Code: "PACK", Name: "Packing area", Kind: app.KindStaging, Parent: "WH"},
		{Code: "B2", Name: "Bench 2", Kind: app.KindStaging, Parent: "WH"}} {
		if _, err := d.db.CreateLocation(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	cfg := `{"scale":"sim:nci?weight=1.250kg","scanner":"sim:scanner","printer":"sim:zebra?dir=` + d.labels + `"}`
	if _, err := d.db.SetLocationAttribute(ctx, "PACK", station.AttributeKey, []byte(cfg)); err != nil {
		t.Fatal(err)
	}
	locs, err := d.db.LocationsWithAttribute(ctx, station.AttributeKey)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.mgr.Load(locs); err != nil {
		t.Fatal(err)
	}
	return d
}

// waitStation waits until station code's state satisfies ok.
func (d *devicesEnv) waitStation(code, what string, ok func(station.State) bool) station.State {
	d.t.Helper()
	sub := d.mgr.Subscribe()
	defer sub.Cancel()
	deadline := time.NewTimer(15 * time.Second)
	defer deadline.Stop()
	for {
		if st, found := d.mgr.Station(code); found && ok(st.State()) {
			return st.State()
		}
		select {
		case <-sub.Ready():
			sub.Take()
		case <-deadline.C:
			st, _ := d.mgr.Station(code)
			var last station.State
			if st != nil {
				last = st.State()
			}
			d.t.Fatalf("station %s never %s: %+v", code, what, last)
		}
	}
}

func (d *devicesEnv) attrs(code string) string {
	d.t.Helper()
	l, err := d.db.Location(context.Background(), code)
	if err != nil {
		d.t.Fatal(err)
	}
	return string(l.Attributes)
}

func TestDevicesPageShowsStations(t *testing.T) {
	d := newDevicesEnv(t)
	d.owner()
	d.waitStation("PACK", "weighing", func(s station.State) bool { return s.Scale.Last == "1.250 kg stable" && s.Printer.Connected })
	viewer := d.signIn("vera", app.Viewer)
	r := viewer.get("/devices")
	if r.Status != http.StatusOK {
		t.Fatalf("viewer GET /devices: %d %s", r.Status, r.Body)
	}
	body := string(r.Body)
	for _, want := range []string{"PACK", "Packing area", "1.250 kg stable", "sim:nci?weight=1.250kg", "sim:scanner", "ready",
		`sse-connect="/devices/events"`, `sse-swap="` + "station-" + "5041434b" + `"`} {
		if !strings.Contains(body, want) {
			t.Errorf("device page lacks %q", want)
		}
	}
	// A viewer sees no forms that change anything.
	for _, not := range []string{`action="/devices/stations"`, "Print test label", "Set scale"} {
		if strings.Contains(body, not) {
			t.Errorf("viewer's page has %q", not)
		}
	}
	m := d.signIn("mona", app.Manager)
	body = string(m.get("/devices").Body)
	for _, want := range []string{`action="/devices/stations"`, "Print test label", "Set scale", "Unplug", `action="/devices/PACK/scan"`} {
		if !strings.Contains(body, want) {
			t.Errorf("manager's page lacks %q", want)
		}
	}
	if r := d.browser().get("/devices"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Errorf("signed out: %d %s", r.Status, r.Header.Get("Location"))
	}
}

func TestDevicesRolesAndCSRF(t *testing.T) {
	d := newDevicesEnv(t)
	d.owner()
	before := d.attrs("PACK")
	good := url.Values{"code": {"PACK"}, "scale": {"sim:sics"}, "scanner": {""}, "printer": {""}}
	for _, role := range []app.Role{app.Viewer, app.Clerk, app.Packer, app.Picker} {
		b := d.signIn("u-"+string(role), role)
		for _, path := range []string{"/devices/stations", "/devices/PACK/scale", "/devices/PACK/print-test", "/devices/PACK/scan"} {
			if r := b.post("/devices", path, good); r.Status != http.StatusForbidden {
				t.Errorf("%s POST %s: %d, want 403", role, path, r.Status)
			}
		}
	}
	m := d.signIn("mona", app.Manager)
	// Without the CSRF token nothing happens.
	if r := m.send("POST", "/devices/stations", good, nil); r.Status != http.StatusForbidden {
		t.Errorf("POST without csrf: %d", r.Status)
	}
	if r := m.send("POST", "/devices/PACK/scale", url.Values{"weight": {"9 kg"}, "action": {"set"}}, nil); r.Status != http.StatusForbidden {
		t.Errorf("sim control without csrf: %d", r.Status)
	}
	if got := d.attrs("PACK"); got != before {
		t.Errorf("attributes changed by refused posts: %s", got)
	}
	if st, _ := d.mgr.Station("PACK"); st.ScaleSim() == nil || st.Config().Scale != "sim:nci?weight=1.250kg" {
		t.Errorf("station changed by refused posts: %+v", st.Config())
	}
}

func TestDevicesSaveStation(t *testing.T) {
	d := newDevicesEnv(t)
	d.owner()
	m := d.signIn("mona", app.Manager)
	before := d.attrs("B2")
	for _, tc := range []struct {
		form         url.Values
		status       int
		field, words string
	}{
		{url.Values{"code": {"B2"}, "scale": {"serial:/dev/ttyUSB0"}}, 400, "scale", "protocol=nci"},
		{url.Values{"code": {"B2"}, "scale": {"sim:nci"}, "scanner": {"scanner"}}, 400, "scanner", "want scheme:target"},
		{url.Values{"code": {"B2"}, "printer": {"serial:/dev/ttyS0"}}, 400, "printer", "not serial:"},
		{url.Values{"code": {"NOPE"}, "scale": {"sim:nci"}}, 404, "code", "no location has code"},
		{url.Values{"code": {""}, "scale": {"sim:nci"}}, 400, "code", "required"},
		{url.Values{"code": {"vendor"}, "scale": {"sim:nci"}}, 400, "code", "virtual"},
	} {
		r := m.post("/devices", "/devices/stations", tc.form)
		body := string(r.Body)
		if r.Status != tc.status || !strings.Contains(body, tc.field+": ") || !strings.Contains(body, tc.words) {
			t.Errorf("%v: %d, want %d naming %s with %q:\n%s", tc.form, r.Status, tc.status, tc.field, tc.words, errorLines(body))
		}
		// What was typed comes back.
		for _, k := range []string{"scale", "scanner", "printer"} {
			if v := tc.form.Get(k); v != "" && !strings.Contains(body, `value="`+v+`"`) {
				t.Errorf("%v: the refused form lost %s=%q", tc.form, k, v)
			}
		}
	}
	if got := d.attrs("B2"); got != before {
		t.Errorf("refused forms wrote %s", got)
	}
	// A refusal from the add form comes back in the add form, even for a
	// station that exists.
	r := m.post("/devices", "/devices/stations", url.Values{"form": {"new"}, "code": {"PACK"}, "scale": {"bogus"}})
	if body := string(r.Body); r.Status != 400 || !strings.Contains(body, `id="dev-6e6577-scale" name="scale" type="text" value="bogus"`) {
		t.Errorf("add form refusal: %d %s", r.Status, errorLines(body))
	}
	if _, ok := d.mgr.Station("B2"); ok {
		t.Error("a refused form started a station")
	}

	// A good form stores the station and starts it.
	r = m.post("/devices", "/devices/stations", url.Values{"code": {"B2"}, "scale": {" sim:sics?weight=0.300kg "}, "scanner": {""}, "printer": {""}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.Status, errorLines(string(r.Body)))
	}
	if got := d.attrs("B2"); got != `{"station":{"scale":"sim:sics?weight=0.300kg","scanner":"","printer":""}}` {
		t.Errorf("stored %s", got)
	}
	d.waitStation("B2", "weighing", func(s station.State) bool { return s.Scale.Last == "0.300 kg stable" })
	if !strings.Contains(string(m.get("/devices").Body), "Station B2 saved.") {
		t.Error("no flash after saving")
	}
	// Empty addresses make it a plain location again.
	if r := m.post("/devices", "/devices/stations", url.Values{"code": {"B2"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("remove: %d", r.Status)
	}
	if got := d.attrs("B2"); got != `{}` {
		t.Errorf("after removing: %s", got)
	}
	if _, ok := d.mgr.Station("B2"); ok {
		t.Error("removed station still runs")
	}
}

func TestDevicesSimulatorControls(t *testing.T) {
	d := newDevicesEnv(t)
	o := d.owner()
	d.waitStation("PACK", "weighing", func(s station.State) bool { return s.Scale.Last == "1.250 kg stable" })

	r := o.post("/devices", "/devices/PACK/scale", url.Values{"action": {"set"}, "weight": {"2.5 kg"}, "motion": {"on"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("set weight: %d %s", r.Status, errorLines(string(r.Body)))
	}
	d.waitStation("PACK", "moving", func(s station.State) bool { return s.Scale.Last == "2.500 kg unstable" })
	o.post("/devices", "/devices/PACK/scale", url.Values{"action": {"set"}, "weight": {"2.5 kg"}, "overload": {"on"}})
	d.waitStation("PACK", "overloaded", func(s station.State) bool { return s.Scale.Last == "overload" })

	for _, tc := range []struct{ weight, words string }{{"heavy", "want a number"}, {"2.5", "unit"}, {"5000 kg", "1000 kg"}} {
		r := o.post("/devices", "/devices/PACK/scale", url.Values{"action": {"set"}, "weight": {tc.weight}})
		if body := string(r.Body); r.Status != 400 || !strings.Contains(body, "weight: ") || !strings.Contains(body, tc.words) ||
			!strings.Contains(body, `value="`+tc.weight+`"`) {
			t.Errorf("weight %q: %d %s", tc.weight, r.Status, errorLines(body))
		}
	}
	if r := o.post("/devices", "/devices/PACK/scale", url.Values{"action": {"explode"}}); r.Status != 400 {
		t.Errorf("unknown action: %d", r.Status)
	}
	if r := o.post("/devices", "/devices/NOPE/scale", url.Values{"action": {"unplug"}}); r.Status != 404 {
		t.Errorf("unknown station: %d", r.Status)
	}

	o.post("/devices", "/devices/PACK/scale", url.Values{"action": {"unplug"}})
	d.waitStation("PACK", "unplugged", func(s station.State) bool { return !s.Scale.Connected && s.Scale.LastError != "" })
	if body := string(o.get("/devices").Body); !strings.Contains(body, "Plug back in") || !strings.Contains(body, "Last error at") {
		t.Errorf("unplugged page: %s", errorLines(body))
	}
	o.post("/devices", "/devices/PACK/scale", url.Values{"action": {"replug"}})
	o.post("/devices", "/devices/PACK/scale", url.Values{"action": {"set"}, "weight": {"0.400 kg"}})
	d.waitStation("PACK", "back", func(s station.State) bool { return s.Scale.Connected && s.Scale.Last == "0.400 kg stable" })

	// The simulated scanner and the printer.
	if r := o.post("/devices", "/devices/PACK/scan", url.Values{"data": {"]E09506000134352"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("scan: %d", r.Status)
	}
	d.waitStation("PACK", "scanned", func(s station.State) bool { return s.Scan.Data == "9506000134352" })
	if r := o.post("/devices", "/devices/PACK/scan", url.Values{"data": {""}}); r.Status != 400 || !strings.Contains(string(r.Body), "data: ") {
		t.Errorf("empty scan: %d %s", r.Status, errorLines(string(r.Body)))
	}
	if r := o.post("/devices", "/devices/PACK/print-test", url.Values{}); r.Status != http.StatusSeeOther {
		t.Fatalf("print test: %d %s", r.Status, errorLines(string(r.Body)))
	}
	d.waitStation("PACK", "printed", func(s station.State) bool { return s.Printed == 1 })
	if files, err := os.ReadDir(d.labels); err != nil || len(files) != 1 {
		t.Errorf("labels: %v %v", files, err)
	}
}

func TestDeviceEventsStream(t *testing.T) {
	d := newDevicesEnv(t)
	o := d.owner()
	d.waitStation("PACK", "weighing", func(s station.State) bool { return s.Scale.Last == "1.250 kg stable" })
	if r := d.browser().send("GET", "/devices/events", nil, map[string]string{"HX-Request": "true"}); r.Status != http.StatusUnauthorized {
		t.Errorf("events without a session: %d", r.Status)
	}
	req, _ := http.NewRequest("GET", d.srv.URL+"/devices/events", nil)
	res, err := o.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); res.StatusCode != 200 || ct != "text/event-stream" {
		t.Fatalf("events: %d %s", res.StatusCode, ct)
	}
	events := make(chan string, 64)
	go func() {
		defer close(events)
		sc := bufio.NewScanner(res.Body)
		var ev strings.Builder
		for sc.Scan() {
			if sc.Text() == "" {
				events <- ev.String()
				ev.Reset()
				continue
			}
			ev.WriteString(sc.Text() + "\n")
		}
	}()
	next := func(want string) {
		t.Helper()
		deadline := time.After(15 * time.Second)
		for {
			select {
			case ev, ok := <-events:
				if !ok {
					t.Fatalf("stream ended before %q", want)
				}
				if strings.Contains(ev, "event: station-5041434b\n") && strings.Contains(ev, want) {
					return
				}
			case <-deadline:
				t.Fatalf("no event with %q", want)
			}
		}
	}
	next("1.250 kg stable") // the state at connect
	st, _ := d.mgr.Station("PACK")
	st.ScaleSim().State.SetWeight(3_000_000)
	next("3.000 kg stable")
	// Closing the device layer ends the stream.
	d.mgr.Close()
	for range events {
	}
}

// errorLines picks the error messages out of a page, for test failures.
func errorLines(body string) string {
	var out []string
	for _, l := range strings.Split(body, "\n") {
		if strings.Contains(l, `class="error`) {
			out = append(out, strings.TrimSpace(l))
		}
	}
	if len(out) == 0 {
		return "(no error on the page)"
	}
	return strings.Join(out, "\n")
}
