package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"depot/app"
	"depot/app/carrier"
	"depot/hardware/label"
	"depot/hardware/station"
	"depot/views"
)

// stableWait is how long Verify waits for the scale to settle.
const stableWait = 5 * time.Second

// packUIRoutes adds the packing station's screens and the boxes page.
func (s *server) packUIRoutes(r chi.Router) {
	pack := r.With(s.page(app.PackOrders))
	pack.Get("/pack", s.html(s.packStationsPage))
	pack.Get("/pack/{station}", s.html(s.packStartPage))
	pack.Get("/pack/{station}/scans", s.html(s.packScans))
	pack.Get("/pack/{station}/orders/{order}", s.html(s.packPage))
	pack.Post("/pack/{station}/orders/{order}/scan", s.html(s.packScan))
	pack.Post("/pack/{station}/orders/{order}/verify", s.html(s.packVerify))
	pack.Post("/pack/{station}/orders/{order}/override", s.html(s.packOverride))
	pack.Post("/pack/{station}/orders/{order}/reset", s.html(s.packReset))
	pack.Get("/pack/{station}/shipments/{id}", s.html(s.packShippedPage))
	pack.Post("/pack/{station}/shipments/{id}/print", s.html(s.packReprint))
	boxes := r.With(s.page(app.ManageOrders))
	boxes.Get("/boxes", s.html(s.boxesPage))
	boxes.Post("/boxes", s.html(s.saveBox))
	boxes.Post("/boxes/tolerance", s.html(s.saveTolerance))
	boxes.Post("/boxes/variants", s.html(s.saveVariantTolerance))
}

// packStationOf returns the running station named by the {station} path
// parameter.
func (s *server) packStationOf(r *http.Request) (views.PackStation, *station.Station, error) {
	d, err := s.devices()
	if err != nil {
		return views.PackStation{}, nil, err
	}
	code, err := pathParam(r, "station")
	if err != nil {
		return views.PackStation{}, nil, err
	}
	st, ok := d.Stations.Station(code)
	if !ok {
		return views.PackStation{}, nil, &app.Error{Code: app.ENOTFOUND, Field: "station",
			Message: fmt.Sprintf("no station %q is running: check its devices on the Devices page", clipText(code))}
	}
	return packStationView(st.State(), st), st, nil
}

func packStationView(state station.State, st *station.Station) views.PackStation {
	v := views.PackStation{Code: state.Code, Name: state.Name, Running: st != nil}
	if st != nil {
		v.HasScale, v.HasPrinter = st.Scale() != nil, st.Config().Printer != ""
	}
	return v
}

// packStationsPage handles GET /pack: the stations to choose from.
func (s *server) packStationsPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.devices()
	if err != nil {
		return err
	}
	locs, err := d.Store.LocationsWithAttribute(r.Context(), station.AttributeKey)
	if err != nil {
		return err
	}
	var m views.PackStationsModel
	for _, l := range locs {
		st, _ := d.Stations.Station(l.Code)
		state := station.State{Code: l.Code, Name: l.Name}
		m.Stations = append(m.Stations, packStationView(state, st))
	}
	return s.render(w, r, http.StatusOK, views.PackStations(s.pageFor(w, r, "Pack"), m))
}

// packStartPage handles GET /pack/{station}?order=: scan an order or a
// tote; a known one opens its packing screen.
func (s *server) packStartPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.packing()
	if err != nil {
		return err
	}
	ps, st, err := s.packStationOf(r)
	if err != nil {
		return err
	}
	q, err := queryParams(r, "order")
	if err != nil {
		return err
	}
	f := views.Form{Values: map[string]string{"order": q["order"]}}
	page := views.PackStart(s.pageFor(w, r, "Pack at "+ps.Code), views.PackStartModel{Station: ps, Live: st.State(), Form: f})
	if q["order"] == "" {
		return s.render(w, r, http.StatusOK, page)
	}
	sc, err := app.ParseScan(q["order"], s.now())
	var o *app.PackOrder
	if err == nil {
		o, err = p.PackOrder(r.Context(), sc.Data)
	}
	err = app.OnField(err, "order")
	if err != nil {
		return s.refuse(w, r, f, err, func(f views.Form) templ.Component {
			return views.PackStart(s.pageFor(w, r, "Pack at "+ps.Code), views.PackStartModel{Station: ps, Live: st.State(), Form: f})
		})
	}
	http.Redirect(w, r, string(views.PackOrderURL(ps.Code, o.Number, "")), http.StatusSeeOther)
	return nil
}

// noBox is the box field's value for a parcel without a box (tare 0); an
// empty field means none was chosen yet, and the first box is offered.
const noBox = "-"

// packModel builds the packing screen of the {order} parameter with the
// box chosen (the first box when none is).
func (s *server) packModel(r *http.Request, box string) (views.PackModel, error) {
	p, err := s.packing()
	if err != nil {
		return views.PackModel{}, err
	}
	ps, st, err := s.packStationOf(r)
	if err != nil {
		return views.PackModel{}, err
	}
	number, err := pathParam(r, "order")
	if err != nil {
		return views.PackModel{}, err
	}
	o, err := p.PackOrder(r.Context(), number)
	if err != nil {
		return views.PackModel{}, err
	}
	boxes, err := p.Boxes(r.Context(), false)
	if err != nil {
		return views.PackModel{}, err
	}
	if box == "" && len(boxes) > 0 {
		box = boxes[0].Code
	}
	m := views.PackModel{Station: ps, Live: st.State(), Order: o, Boxes: boxes, Box: box, NoBox: noBox,
		CanOverride: sessionFrom(r.Context()).User.Role.Can(app.OverrideWeight), Form: views.Form{Values: map[string]string{}}}
	for _, b := range boxes {
		if strings.EqualFold(b.Code, box) {
			m.Box, m.BoxTareMg = b.Code, b.TareMg
		}
	}
	for _, l := range o.Lines {
		m.ExpectedMg += l.UnitWeightMg * l.Qty
	}
	m.ExpectedMg += m.BoxTareMg
	return m, nil
}

// packPage handles GET /pack/{station}/orders/{order}?box=.
func (s *server) packPage(w http.ResponseWriter, r *http.Request) error {
	q, err := queryParams(r, "box")
	if err != nil {
		return err
	}
	m, err := s.packModel(r, q["box"])
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.Pack(s.pageFor(w, r, "Pack "+m.Order.Number), m))
}

// packBack redirects to the packing screen with the box kept.
func packBack(w http.ResponseWriter, r *http.Request, m views.PackModel) {
	to := string(views.PackOrderURL(m.Station.Code, m.Order.Number, ""))
	if m.Box != "" {
		to += "?box=" + url.QueryEscape(m.Box)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// packRefuse renders the packing screen with a loud alert, keeping the
// scan field, with the status of err's code.
func (s *server) packRefuse(w http.ResponseWriter, r *http.Request, m views.PackModel, f views.Form, err error) error {
	if app.ErrorCode(err) == app.EINTERNAL {
		return err
	}
	m.Form = f
	m.Alert = app.ErrorMessage(err)
	info := infoFrom(r.Context())
	info.code, info.field = app.ErrorCode(err), app.ErrorField(err)
	return s.render(w, r, statusOf[app.ErrorCode(err)], views.Pack(s.pageFor(w, r, "Pack "+m.Order.Number), m))
}

// packScan handles POST .../scan: an item counted into the parcel, or a
// box's barcode choosing the box. A wrong or extra item is refused loudly
// and nothing is counted.
func (s *server) packScan(w http.ResponseWriter, r *http.Request) error {
	f := formOf(r, "code", "box")
	m, err := s.packModel(r, f.Value("box"))
	if err != nil {
		return err
	}
	code := f.Value("code")
	if code == "" {
		return s.packRefuse(w, r, m, f, app.FieldErrorf("code", "is empty: scan an item of the order"))
	}
	for _, b := range m.Boxes {
		if strings.EqualFold(b.Code, code) {
			m.Box = b.Code
			s.setFlash(w, fmt.Sprintf("Box %s chosen (%s).", b.Code, b.Name))
			packBack(w, r, m)
			return nil
		}
	}
	it, err := s.resolveItem(r.Context(), "code", code)
	if err != nil {
		return s.packRefuse(w, r, m, f, err)
	}
	o, err := s.Packing.PackItem(r.Context(), app.PackScan{Order: m.Order.Number, SKU: it.SKU, Qty: it.Per})
	if err != nil {
		return s.packRefuse(w, r, m, f, err)
	}
	var packed, qty int64
	for _, l := range o.Lines {
		if strings.EqualFold(l.SKU, it.SKU) {
			packed, qty = packed+l.Packed, qty+l.Qty
		}
	}
	msg := fmt.Sprintf("Packed %d x %s: %d of %d.", it.Per, it.SKU, packed, qty)
	s.setFlash(w, msg)
	packBack(w, r, m)
	return nil
}

// packReset handles POST .../reset: the order's scans start over.
func (s *server) packReset(w http.ResponseWriter, r *http.Request) error {
	f := formOf(r, "box")
	m, err := s.packModel(r, f.Value("box"))
	if err != nil {
		return err
	}
	if _, err := s.Packing.ResetPacking(r.Context(), m.Order.Number); err != nil {
		return s.packRefuse(w, r, m, f, err)
	}
	s.setFlash(w, fmt.Sprintf("Order %s starts over: scan its items again.", m.Order.Number))
	packBack(w, r, m)
	return nil
}

// packVerify handles POST .../verify: the scale's stable weight is checked
// against the order and recorded as a package; a pass ships the order and
// prints its label and slip, a failure shows expected, measured, the
// difference and the cause, with the manager's override.
func (s *server) packVerify(w http.ResponseWriter, r *http.Request) error {
	f := formOf(r, "box")
	m, err := s.packModel(r, f.Value("box"))
	if err != nil {
		return err
	}
	_, st, err := s.packStationOf(r)
	if err != nil {
		return err
	}
	if rest := m.Order.Unpacked(); len(rest) > 0 && (m.Order.Status == "picked" || m.Order.Status == "packed") {
		return s.packRefuse(w, r, m, f, app.Errorf(app.ECONFLICT, "scan the rest into the parcel first: %s", strings.Join(rest, ", ")))
	}
	sc := st.Scale()
	if sc == nil {
		return s.packRefuse(w, r, m, f, app.Errorf(app.EUNAVAILABLE, "station %s has no scale: add one on the Devices page", st.Code()))
	}
	ctx, cancel := context.WithTimeout(r.Context(), stableWait)
	reading, err := sc.StableWeight(ctx)
	cancel()
	if err != nil {
		last := st.State().Scale.Last
		return s.packRefuse(w, r, m, f, app.Errorf(app.EUNAVAILABLE, "the scale did not settle within %s (it shows %s): keep the parcel still and verify again",
			stableWait, dashIfEmpty(last)))
	}
	if reading.WeightMg <= 0 {
		return s.packRefuse(w, r, m, f, app.Errorf(app.EINVALID, "the scale reads %s: put the parcel on the scale", reading.Display()))
	}
	u := sessionFrom(r.Context()).User
	v, err := s.Packing.VerifyPackage(r.Context(), app.VerifyPackage{Order: m.Order.Number, Box: boxCode(m.Box), WeightMg: reading.WeightMg,
		Stable: true, Record: true, Station: st.Code(), Scale: st.Config().Scale, UserID: u.ID})
	if err != nil {
		return s.packRefuse(w, r, m, f, err)
	}
	s.log.Info("parcel weighed", "order", m.Order.Number, "station", st.Code(), "pass", v.Pass, "expected_mg", v.ExpectedMg,
		"measured_mg", v.MeasuredMg, "cause", v.Cause, "by", u.Username)
	if !v.Pass {
		m.Result = v
		info := infoFrom(r.Context())
		info.code = app.ECONFLICT
		return s.render(w, r, http.StatusConflict, views.Pack(s.pageFor(w, r, "Pack "+m.Order.Number), m))
	}
	return s.packShip(w, r, m, st, v.PackageID)
}

// boxCode is the box field's code for the store: "" for no box.
func boxCode(field string) string {
	if field == noBox {
		return ""
	}
	return field
}

func dashIfEmpty(s string) string {
	if s == "" {
		return "nothing"
	}
	return s
}

// packOverride handles POST .../override: a manager (signed in, or giving
// their name and password on the packer's screen) passes the failed
// parcel with a reason, and it ships.
func (s *server) packOverride(w http.ResponseWriter, r *http.Request) error {
	f := formOf(r, "package", "box", "reason", "manager", "password")
	m, err := s.packModel(r, f.Value("box"))
	if err != nil {
		return err
	}
	_, st, err := s.packStationOf(r)
	if err != nil {
		return err
	}
	pkg, err := strconv.ParseInt(f.Value("package"), 10, 64)
	if err != nil || pkg < 1 {
		return s.packRefuse(w, r, m, f, app.FieldErrorf("package", "is not a package: weigh the parcel again"))
	}
	// A refusal keeps the failed result on the screen with the form.
	if sh, err := s.Packing.Shipments(r.Context(), m.Order.Number); err == nil {
		for _, x := range sh {
			for _, p := range x.Packages {
				if p.ID == pkg {
					m.Result = &app.Verification{PackageID: p.ID, ShipmentID: x.ID}
					m.Result.ExpectedMg, m.Result.MeasuredMg, m.Result.ToleranceMg = p.ExpectedMg, p.MeasuredMg, p.ToleranceMg
					m.Result.DiffMg, m.Result.Cause = p.MeasuredMg-p.ExpectedMg, p.Cause
				}
			}
		}
	}
	refuse := func(err error) error {
		m.Form = f
		m.Form.Values["password"] = ""
		m.Form.Field, m.Form.Error = app.ErrorField(err), app.ErrorMessage(err)
		if app.ErrorCode(err) == app.EINTERNAL {
			return err
		}
		info := infoFrom(r.Context())
		info.code, info.field = app.ErrorCode(err), m.Form.Field
		return s.render(w, r, statusOf[app.ErrorCode(err)], views.Pack(s.pageFor(w, r, "Pack "+m.Order.Number), m))
	}
	if f.Value("reason") == "" {
		return refuse(app.FieldErrorf("reason", "is required: say why the parcel ships despite its weight"))
	}
	manager := sessionFrom(r.Context()).User
	if !manager.Role.Can(app.OverrideWeight) {
		if manager, err = s.managerSignOff(r, f.Value("manager"), f.Value("password")); err != nil {
			return refuse(err)
		}
	}
	if _, err := s.Packing.OverridePackage(r.Context(), pkg, manager.ID, f.Value("reason")); err != nil {
		return refuse(err)
	}
	s.log.Info("weight check overridden", "order", m.Order.Number, "package", pkg, "manager", manager.Username, "reason", f.Value("reason"))
	return s.packShip(w, r, m, st, pkg)
}

// managerSignOff checks a manager's name and password given on another
// user's screen, with the sign-in's lock-out: failures count against the
// name and the address as failed sign-ins do.
func (s *server) managerSignOff(r *http.Request, username, password string) (*app.User, error) {
	if username == "" {
		return nil, app.FieldErrorf("manager", "is required: a manager signs the override with their name and password")
	}
	client := clientAddr(r)
	byUser, byClient, _, err := s.Sessions.SignInFailures(r.Context(), username, client, s.ui.Now().Add(-lockWindow))
	if err != nil {
		return nil, err
	}
	if byUser >= lockUser || byClient >= lockClient {
		return nil, &app.Error{Code: app.EFORBIDDEN, Field: "manager", Message: "too many failed sign-ins; try again later"}
	}
	u, err := s.Accounts.CheckPassword(r.Context(), username, password)
	if app.ErrorCode(err) == app.EUNAUTH {
		if err := s.Sessions.RecordSignInFailure(r.Context(), username, client); err != nil {
			return nil, err
		}
		return nil, &app.Error{Code: app.EUNAUTH, Field: "password", Message: "wrong manager name or password"}
	}
	if err != nil {
		return nil, err
	}
	if !u.Role.Can(app.OverrideWeight) {
		return nil, &app.Error{Code: app.EFORBIDDEN, Field: "manager", Message: fmt.Sprintf("%s is a %s; only a manager may override a failed weight check", u.Username, u.Role)}
	}
	return u, nil
}

// packShip ships the order with its accepted package, prints the label
// and the slip, and shows the shipped screen (with the print error, if
// any: the shipment stands and the label can be printed again).
func (s *server) packShip(w http.ResponseWriter, r *http.Request, m views.PackModel, st *station.Station, packageID int64) error {
	u := sessionFrom(r.Context()).User
	sh, err := s.Packing.ShipOrder(r.Context(), app.ShipOrder{Order: m.Order.Number, PackageID: packageID, UserID: u.ID})
	if err != nil {
		return s.packRefuse(w, r, m, views.Form{Values: map[string]string{}}, err)
	}
	s.log.Info("order shipped", "order", sh.Order, "shipment", sh.ID, "tracking", sh.Tracking, "station", st.Code(), "by", u.Username)
	var lines []label.SlipLine
	for _, l := range m.Order.Lines {
		if l.Packed > 0 {
			lines = append(lines, label.SlipLine{SKU: l.SKU, Name: l.Name, Qty: l.Packed})
		}
	}
	to := string(views.PackShipmentURL(st.Code(), sh.ID))
	if err := s.printShipment(r, st, sh, lines); err != nil {
		s.log.Warn("label not printed", "shipment", sh.ID, "station", st.Code(), "err", err)
		s.setFlash(w, fmt.Sprintf("Shipped %s, but the label did not print.", sh.Order))
		to += "?print=failed"
	} else {
		s.setFlash(w, fmt.Sprintf("Shipped %s: label and slip printed.", sh.Order))
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// printShipment prints the shipment's label and a packing slip of lines
// on the station's printer.
func (s *server) printShipment(r *http.Request, st *station.Station, sh *app.Shipment, lines []label.SlipLine) error {
	if st.Config().Printer == "" {
		return app.Errorf(app.EUNAVAILABLE, "station %s has no printer", st.Code())
	}
	l, err := shippingLabel(r, s.Packing, sh, 203)
	if err != nil {
		return err
	}
	sl, err := label.PackingSlip(label.Slip{Order: sh.Order, Tracking: sh.Tracking, To: labelTo(sh), Lines: lines}, 203)
	if err != nil {
		return err
	}
	z, err := sl.ZPL()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(r.Context(), 15*time.Second)
	defer cancel()
	if err := st.Print(ctx, append(append([]byte{}, l.ZPL...), z...)); err != nil {
		return app.Errorf(app.EUNAVAILABLE, "%s", err.Error())
	}
	return nil
}

// packShippedPage handles GET /pack/{station}/shipments/{id}.
func (s *server) packShippedPage(w http.ResponseWriter, r *http.Request) error {
	q, err := queryParams(r, "print")
	if err != nil {
		return err
	}
	ps, _, err := s.packStationOf(r)
	if err != nil {
		return err
	}
	sh, err := s.shipmentOf(r)
	if err != nil {
		return err
	}
	m := views.PackShippedModel{Station: ps, Shipment: sh, Form: views.Form{Values: map[string]string{}}}
	if q["print"] == "failed" {
		m.PrintError = "check the printer"
		if _, st, err := s.packStationOf(r); err == nil && st.State().Printer.LastError != "" {
			m.PrintError = st.State().Printer.LastError
		}
	}
	return s.render(w, r, http.StatusOK, views.PackShipped(s.pageFor(w, r, "Shipped "+sh.Order), m))
}

// packReprint handles POST /pack/{station}/shipments/{id}/print.
func (s *server) packReprint(w http.ResponseWriter, r *http.Request) error {
	ps, st, err := s.packStationOf(r)
	if err != nil {
		return err
	}
	sh, err := s.shipmentOf(r)
	if err != nil {
		return err
	}
	o, err := s.Packing.PackOrder(r.Context(), sh.Order)
	if err != nil {
		return err
	}
	// The slip lists what left with the order.
	var lines []label.SlipLine
	for _, l := range o.Lines {
		if l.Shipped > 0 {
			lines = append(lines, label.SlipLine{SKU: l.SKU, Name: l.Name, Qty: l.Shipped})
		}
	}
	if err := s.printShipment(r, st, sh, lines); err != nil {
		return s.render(w, r, statusOf[app.ErrorCode(err)], views.PackShipped(s.pageFor(w, r, "Shipped "+sh.Order),
			views.PackShippedModel{Station: ps, Shipment: sh, PrintError: app.ErrorMessage(err), Form: views.Form{Values: map[string]string{}}}))
	}
	s.setFlash(w, fmt.Sprintf("Label and slip of %s printed again.", sh.Order))
	http.Redirect(w, r, string(views.PackShipmentURL(ps.Code, sh.ID)), http.StatusSeeOther)
	return nil
}

// labelTo is the recipient's lines: the customer and the address.
func labelTo(sh *app.Shipment) []string {
	to := carrier.AddressLines(sh.ShipTo)
	if sh.Customer != "" && (len(to) == 0 || to[0] != sh.Customer) {
		to = append([]string{sh.Customer}, to...)
	}
	return to
}
