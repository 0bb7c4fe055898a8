package web_test

import (
	"bufio"
	"context"
	"database/sql"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"depot/app"
	"depot/app/sqlite"
	"depot/app/web"
	"depot/hardware/station"
)

// packEnv is the back office with packing on and the packing place PACK
// running a simulated scale and printer.
type packEnv struct {
	*uiEnv
	mgr    *station.Manager
	labels string
}

func newPackEnv(t *testing.T) *packEnv {
	t.Helper()
	return newPackEnvPrinter(t, "")
}

// newPackEnvPrinter is newPackEnv with the station's printer at printer
// ("": a simulated one storing labels in d.labels).
func newPackEnvPrinter(t *testing.T, printer string) *packEnv {
	t.Helper()
	d := &packEnv{mgr: station.NewManager(station.Options{PrinterPoll: time.Hour, ScaleInterval: 50 * time.Millisecond,
		Log: slog.New(slog.DiscardHandler)}), labels: t.TempDir()}
	t.Cleanup(func() { d.mgr.Close() })
	d.uiEnv = newUIEnvWith(t, false, func(s *web.Services) { s.Packing = s.Ledger.(*sqlite.DB) }, func(u *web.UI, db *sqlite.DB) {
		u.Devices = &web.Devices{Stations: d.mgr, Store: db}
	})
	packingTestWarehouse(t, d.db, d.raw)
	ctx := context.Background()
	if _, err := d.db.CreateProduct(ctx, app.NewProduct{Name: "Other", Variants: []app.NewVariant{{SKU: "SKU-C", UnitWeightMg: 10_000}}}); err != nil {
		t.Fatal(err)
	}
	if printer == "" {
		printer = "sim:zebra?dir=" + d.labels
	}
	cfg := `{"scale":"sim:nci?weight=0.000kg","scanner":"sim:scanner","printer":"` + printer + `"}`
	l, err := d.db.SetLocationAttribute(ctx, "PACK", station.AttributeKey, []byte(cfg))
	if err != nil {
		t.Fatal(err)
	}
	if err := d.mgr.Load([]*app.Location{l}); err != nil {
		t.Fatal(err)
	}
	return d
}

// weigh puts mg on the simulated platter and waits until the station
// reads it.
func (d *packEnv) weigh(mg int64) {
	d.t.Helper()
	st, _ := d.mgr.Station("PACK")
	st.ScaleSim().State.SetWeight(mg)
	deadline := time.Now().Add(10 * time.Second)
	for st.State().Reading.WeightMg != mg {
		if time.Now().After(deadline) {
			d.t.Fatalf("the scale never read %d mg: %+v", mg, st.State().Scale)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// labelFiles returns the ZPL the simulated printer stored, in order.
func (d *packEnv) labelFiles() []string {
	d.t.Helper()
	files, _ := filepath.Glob(filepath.Join(d.labels, "label-*.zpl"))
	var out []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			d.t.Fatal(err)
		}
		out = append(out, string(b))
	}
	return out
}

// TestPackStationScreen drives the station's screen as a packer: the
// order opened by its number, wrong, unknown and extra items refused, the
// scale's weight checked (a light parcel blocked with its cause, a manager
// signing the override on the packer's screen), and a right parcel shipped
// with its label and slip on the station's printer.
func TestPackStationScreen(t *testing.T) {
	d := newPackEnv(t)
	packingTestPickedOrder(t, d.db, d.raw, "SO-1", true, map[string]int64{"SKU-A": 3, "SKU-B": 1})
	packingTestPickedOrder(t, d.db, d.raw, "SO-2", true, map[string]int64{"SKU-A": 1})
	if _, err := d.db.AddUser(context.Background(), "mia", app.Manager, "manager password"); err != nil {
		t.Fatal(err)
	}
	b := d.signIn("pat", app.Packer)

	b.get("/pack").has(t, 200, `href="/pack/PACK"`)
	b.get("/floor").has(t, 200, `href="/pack"`) // the packer's way in: the floor hub's Pack tile
	r := b.get("/pack/PACK?order=SO-404")
	r.has(t, 404, `no order or tote &#34;SO-404&#34;`, `id="f-order-error"`)
	r = b.get("/pack/PACK?order=SO-1")
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/pack/PACK/orders/SO-1" {
		t.Fatalf("open SO-1: %d %s", r.Status, r.Header.Get("Location"))
	}
	b.get("/pack/NOPE").has(t, 404, `no station &#34;NOPE&#34; is running`)
	const screen = "/pack/PACK/orders/SO-1"
	b.get(screen).has(t, 200, `data-sku="SKU-A"`, `<strong>0</strong> of 3`, `id="pack-expected" data-items="840000">990 g</dd>`,
		`value="BOX-M" checked`, `sse-connect="/devices/events"`, `id="pack-auto"`, `/static/pack.js`)

	scan := func(code string) *response {
		t.Helper()
		return b.post(screen, screen+"/scan", url.Values{"code": {code}, "box": {"BOX-M"}})
	}
	scan("SKU-C").has(t, 409, `id="pack-alert"`, "WRONG ITEM: SKU-C is not on order SO-1; put it aside", `value="SKU-C"`)
	scan("NOPE-42").has(t, 404, `is not a SKU, GTIN, case barcode, location or lot`)
	for _, code := range []string{"SKU-A", "SKU-A", "SKU-B", "SKU-A"} {
		if r := scan(code); r.Status != http.StatusSeeOther || r.Header.Get("Location") != screen+"?box=BOX-M" {
			t.Fatalf("scan %s: %d %s", code, r.Status, r.Body)
		}
	}
	b.get(screen+"?box=BOX-M").has(t, 200, "Packed 1 x SKU-A: 3 of 3.")
	scan("SKU-B").has(t, 409, "EXTRA ITEM: all 1 x SKU-B of order SO-1 are already packed")
	b.get(screen+"?box=BOX-M").has(t, 200, "Every item is in", `<strong>3</strong> of 3`)

	// One SKU-A did not make it into the box: 741 g of 990 g.
	d.weigh(741_000)
	r = b.post(screen, screen+"/verify", url.Values{"box": {"BOX-M"}})
	r.has(t, 409, "Weight check failed", `<dd data-expected>990 g</dd>`, `<dd data-measured>741 g</dd>`, `<dd data-diff>-249 g</dd>`,
		`<p class="pack-cause" data-cause>1 x SKU-A (250 g) missing</p>`, `id="f-manager"`)
	if n := d.count("packages"); n != 1 {
		t.Errorf("%d packages after the failed check, want it recorded", n)
	}
	var pkg string
	d.raw.QueryRow(`SELECT id FROM packages`).Scan(&pkg)
	override := func(form url.Values) *response {
		t.Helper()
		form.Set("package", pkg)
		form.Set("box", "BOX-M")
		return b.post(screen, screen+"/override", form)
	}
	override(url.Values{"manager": {"mia"}, "password": {"wrong"}, "reason": {"scale drift"}}).has(t, 401, "wrong manager name or password", "Weight check failed")
	override(url.Values{"manager": {"pat"}, "password": {"password of pat"}, "reason": {"x"}}).has(t, 403, "pat is a packer; only a manager")
	override(url.Values{"manager": {"mia"}, "password": {"manager password"}}).has(t, 400, "Reason: is required")
	if n := d.count("shipments WHERE status = 'shipped'"); n != 0 {
		t.Fatalf("refused overrides shipped %d", n)
	}
	r = override(url.Values{"manager": {"mia"}, "password": {"manager password"}, "reason": {"customer asked for two; the third follows"}})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/pack/PACK/shipments/") {
		t.Fatalf("override: %d %s", r.Status, r.Body)
	}
	var by, reason, tracking string
	d.raw.QueryRow(`SELECT u.username, p.override_reason, s.tracking FROM packages p JOIN users u ON u.id = p.override_by
		JOIN shipments s ON s.id = p.shipment_id`).Scan(&by, &reason, &tracking)
	if by != "mia" || reason != "customer asked for two; the third follows" || !strings.HasPrefix(tracking, "DPT") {
		t.Errorf("override on the package: by %q reason %q tracking %q", by, reason, tracking)
	}
	b.get(r.Header.Get("Location")).has(t, 200, "Shipped SO-1: label and slip printed.", `<dd data-tracking>`+tracking+`</dd>`)
	labels := d.labelFiles()
	if len(labels) != 2 || !strings.Contains(labels[0], "^FDTRACKING "+tracking+"^FS") || !strings.Contains(labels[0], "^FD>:SO-1^FS") ||
		!strings.Contains(labels[1], "^FDPACKING SLIP^FS") || !strings.Contains(labels[1], "^FD3 x SKU-A  Things^FS") {
		t.Errorf("printed: %q", labels)
	}

	// The right weight ships at once.
	const screen2 = "/pack/PACK/orders/SO-2"
	if r := b.post(screen2, screen2+"/scan", url.Values{"code": {"sku-a"}, "box": {"BOX-M"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("scan: %d %s", r.Status, r.Body)
	}
	d.weigh(405_000)
	r = b.post(screen2, screen2+"/verify", url.Values{"box": {"BOX-M"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("verify SO-2: %d %s", r.Status, r.Body)
	}
	b.get(r.Header.Get("Location")).has(t, 200, "Shipped SO-2: label and slip printed.")
	if n := len(d.labelFiles()); n != 4 {
		t.Errorf("%d labels stored, want 4", n)
	}
	var onHand, reserved int64
	d.raw.QueryRow(`SELECT sum(on_hand), sum(reserved) FROM inventory_levels WHERE location_id = (SELECT id FROM locations WHERE code = 'PACK')`).Scan(&onHand, &reserved)
	if onHand != 0 || reserved != 0 {
		t.Errorf("PACK after shipping both: on hand %d reserved %d", onHand, reserved)
	}
	// A shipped order takes no more scans and no weighing.
	b.post(screen2, screen2+"/scan", url.Values{"code": {"SKU-A"}}).has(t, 409, "order SO-2 is shipped")

	picker := d.signIn("pia", app.Picker)
	picker.get("/pack").has(t, 403)
}

// TestPackVerifyNeedsAParcel: an empty platter is refused without a
// record.
func TestPackVerifyNeedsAParcel(t *testing.T) {
	d := newPackEnv(t)
	packingTestPickedOrder(t, d.db, d.raw, "SO-3", true, map[string]int64{"SKU-B": 1})
	b := d.signIn("mia", app.Manager)
	const screen = "/pack/PACK/orders/SO-3"
	b.post(screen, screen+"/verify", url.Values{"box": {"BOX-M"}}).has(t, 409, "scan the rest into the parcel first: 1 x SKU-B")
	if r := b.post(screen, screen+"/scan", url.Values{"code": {"SKU-B"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("scan: %d", r.Status)
	}
	// Start over: the scans are forgotten, and counted again.
	if r := b.post(screen, screen+"/reset", url.Values{"box": {"BOX-M"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("reset: %d %s", r.Status, r.Body)
	}
	b.get(screen).has(t, 200, "Order SO-3 starts over", `<strong>0</strong> of 1`)
	if r := b.post(screen, screen+"/scan", url.Values{"code": {"SKU-B"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("scan again: %d", r.Status)
	}
	d.weigh(0)
	b.post(screen, screen+"/verify", url.Values{"box": {"BOX-M"}}).has(t, 400, "the scale reads 0.000 kg: put the parcel on the scale")
	if n := d.count("packages"); n != 0 {
		t.Errorf("%d packages recorded", n)
	}
	// A manager's own failed parcel offers the override without a password.
	d.weigh(500_000)
	b.post(screen, screen+"/verify", url.Values{"box": {"BOX-M"}}).has(t, 409, "Weight check failed", `id="f-reason"`)
	if r := b.get(screen); strings.Contains(string(r.Body), `id="f-manager"`) {
		t.Error("a manager is asked for a manager's password")
	}
}

// TestBoxesPage: a manager adds and changes boxes and the tolerance; bad
// numbers are refused naming the field, with the input kept.
func TestBoxesPage(t *testing.T) {
	d := newPackEnv(t)
	b := d.signIn("mia", app.Manager)
	b.get("/boxes").has(t, 200, "BOX-M", "150 g", `value="20"`, `value="1"`)
	b.post("/boxes", "/boxes", url.Values{"code": {"BOX-L"}, "name": {"Large"}, "tare_g": {"-3"}}).has(t, 400, `id="f-tare_g-error"`, `value="BOX-L"`)
	b.post("/boxes", "/boxes", url.Values{"code": {"BOX L"}, "name": {"Large"}, "tare_g": {"320"}}).has(t, 400, `id="f-code-error"`)
	if r := b.post("/boxes", "/boxes", url.Values{"code": {"BOX-L"}, "name": {"Large"}, "tare_g": {"320.5"}, "length_mm": {"450"},
		"width_mm": {"350"}, "height_mm": {"250"}, "max_kg": {"30"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("save box: %d %s", r.Status, r.Body)
	}
	b.get("/boxes").has(t, 200, "Box BOX-L saved: tare 320.5 g.", "450 × 350 × 250", "30.000 kg")
	b.post("/boxes", "/boxes/tolerance", url.Values{"abs_g": {"15"}, "pct": {"150"}}).has(t, 400, `id="f-pct-error"`)
	if r := b.post("/boxes", "/boxes/tolerance", url.Values{"abs_g": {"15"}, "pct": {"1.5"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("save tolerance: %d %s", r.Status, r.Body)
	}
	b.get("/boxes").has(t, 200, "Packing tolerance saved: 15 g or 1.5 %", `value="15"`, `value="1.5"`)
	// A variant's own tolerance: an unknown SKU and a bad number are
	// refused by field; saved, it is listed; both parts empty remove it.
	b.post("/boxes", "/boxes/variants", url.Values{"sku": {"SKU-Z"}, "v_abs_g": {"60"}}).has(t, 404, `id="f-sku-error"`, `value="60"`)
	b.post("/boxes", "/boxes/variants", url.Values{"sku": {"SKU-A"}, "v_pct": {"x"}}).has(t, 400, `id="f-v_pct-error"`)
	if r := b.post("/boxes", "/boxes/variants", url.Values{"sku": {"SKU-A"}, "v_abs_g": {"60"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("save variant tolerance: %d %s", r.Status, r.Body)
	}
	b.get("/boxes").has(t, 200, "Tolerance of SKU-A saved.", `<td class="sku">SKU-A</td><td class="num">60 g</td><td class="num">site&#39;s</td>`)
	var abs sql.NullInt64
	var pct sql.NullInt64
	d.raw.QueryRow(`SELECT abs_mg, pct_bp FROM weight_tolerances`).Scan(&abs, &pct)
	if abs.Int64 != 60_000 || pct.Valid {
		t.Errorf("stored override abs %v pct %v", abs, pct)
	}
	if r := b.post("/boxes", "/boxes/variants", url.Values{"sku": {"SKU-A"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("remove variant tolerance: %d", r.Status)
	}
	if n := d.count("weight_tolerances"); n != 0 {
		t.Errorf("%d overrides after removing", n)
	}
	d.signIn("pat", app.Packer).get("/boxes").has(t, 403)
}

// TestPackPrintFailure: a printer that cannot be reached does not undo
// the shipment: the screen says the label did not print, with the
// printer's error, and offers to print it again.
func TestPackPrintFailure(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nobody listens there now
	d := newPackEnvPrinter(t, "tcp:"+addr)
	packingTestPickedOrder(t, d.db, d.raw, "SO-5", true, map[string]int64{"SKU-B": 1})
	b := d.signIn("pat", app.Packer)
	const screen = "/pack/PACK/orders/SO-5"
	if r := b.post(screen, screen+"/scan", url.Values{"code": {"SKU-B"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("scan: %d", r.Status)
	}
	d.weigh(240_000)
	r := b.post(screen, screen+"/verify", url.Values{"box": {"BOX-M"}})
	if r.Status != http.StatusSeeOther || !strings.HasSuffix(r.Header.Get("Location"), "?print=failed") {
		t.Fatalf("verify: %d %s", r.Status, r.Header.Get("Location"))
	}
	b.get(r.Header.Get("Location")).has(t, 200, "Shipped SO-5, but the label did not print.", `id="print-error"`, addr, `id="reprint"`)
	if n := d.count("shipments WHERE status = 'shipped'"); n != 1 {
		t.Errorf("%d shipped", n)
	}
	var id string
	d.raw.QueryRow(`SELECT id FROM shipments`).Scan(&id)
	shipped := "/pack/PACK/shipments/" + id
	b.post(shipped, shipped+"/print", url.Values{}).has(t, 503, "The label did not print", addr)
}

// TestPackWithoutABox: "No box" weighs the parcel without a tare, and a
// box that is not on the list is refused naming it.
func TestPackWithoutABox(t *testing.T) {
	d := newPackEnv(t)
	packingTestPickedOrder(t, d.db, d.raw, "SO-6", true, map[string]int64{"SKU-A": 1})
	b := d.signIn("pat", app.Packer)
	const screen = "/pack/PACK/orders/SO-6"
	b.get(screen+"?box=-").has(t, 200, `value="-" checked`, `data-items="250000">250 g</dd>`)
	if r := b.post(screen, screen+"/scan", url.Values{"code": {"SKU-A"}, "box": {"-"}}); r.Status != http.StatusSeeOther || r.Header.Get("Location") != screen+"?box=-" {
		t.Fatalf("scan: %d %s", r.Status, r.Header.Get("Location"))
	}
	d.weigh(251_000)
	b.post(screen, screen+"/verify", url.Values{"box": {"CRATE"}}).has(t, 404, `no box &#34;CRATE&#34;`)
	if r := b.post(screen, screen+"/verify", url.Values{"box": {"-"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("verify without a box: %d %s", r.Status, r.Body)
	}
	var box sql.NullInt64
	var expected int64
	d.raw.QueryRow(`SELECT box_id, expected_mg FROM packages`).Scan(&box, &expected)
	if box.Valid || expected != 250_000 {
		t.Errorf("package box %v expected %d, want no box and 250 g", box, expected)
	}
}

// TestPackStationScanner: a scan of the station's own scanner (here the
// simulated serial one) reaches the packing screen's event stream with its
// AIM prefix; scans from before the stream opened do not.
func TestPackStationScanner(t *testing.T) {
	d := newPackEnv(t)
	b := d.signIn("pat", app.Packer)
	st, _ := d.mgr.Station("PACK")
	if err := st.ScannerSim().Scan("OLD-SCAN"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for st.State().Scans != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the station never read the first scan")
		}
		time.Sleep(20 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", d.srv.URL+"/pack/PACK/scans", nil)
	res, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	rd := bufio.NewReader(res.Body)
	readUntil := func(prefix string) string {
		t.Helper()
		for {
			line, err := rd.ReadString('\n')
			if err != nil {
				t.Fatalf("reading the stream for %q: %v", prefix, err)
			}
			if strings.HasPrefix(line, prefix) {
				return strings.TrimSpace(line)
			}
		}
	}
	readUntil(": connected")
	if err := st.ScannerSim().Scan("]C1010950600013435210LOT7"); err != nil {
		t.Fatal(err)
	}
	readUntil("event: scan")
	if got := readUntil("data: "); got != `data: {"code":"]C1010950600013435210LOT7"}` {
		t.Errorf("scan event %s", got)
	}
	b.get("/pack/B9/scans").has(t, 404, "no station")
}
