package web

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"depot/app"
	"depot/views"
)

// receivingUIRoutes adds the scan-to-receive floor screen to r, inside the
// session group.
func (s *server) receivingUIRoutes(r chi.Router) {
	rc := r.With(s.page(app.ReceiveGoods))
	rc.Get("/floor/receive", s.html(s.receivePage))
	rc.Get("/floor/receive/lines", s.html(s.receiveLines))
	rc.Post("/floor/receive", s.html(s.postReceive))
}

// receiveModel builds the screen of purchase order po around form f.
func (s *server) receiveModel(ctx context.Context, po string, f views.Form) (views.ReceiveModel, error) {
	m := views.ReceiveModel{Form: f}
	o, err := s.Receiving.ReceivingOrder(ctx, po)
	if err != nil {
		return m, err
	}
	m.Order = *o
	if o.Dock == "" {
		if m.Docks, err = s.Receiving.Docks(ctx); err != nil {
			return m, err
		}
	}
	return m, nil
}

// receivePage handles GET /floor/receive: without po the orders waiting to
// be received and a field to scan one; with po that order's screen. last
// is the receipt the previous scan posted (per: its pack size), dock the
// dock chosen for an order that names none.
func (s *server) receivePage(w http.ResponseWriter, r *http.Request) error {
	if err := s.noReceiving(); err != nil {
		return err
	}
	q, err := queryParams(r, "po", "last", "per", "dock")
	if err != nil {
		return err
	}
	if q["po"] == "" {
		return s.receiveStart(w, r, views.Form{Values: map[string]string{}}, http.StatusOK)
	}
	m, err := s.receiveModel(r.Context(), q["po"], freshForm("dock", q["dock"]))
	if app.ErrorCode(err) == app.ENOTFOUND {
		f := views.Form{Values: map[string]string{"po": q["po"]}, Field: "po", Error: app.ErrorMessage(err)}
		return s.receiveStart(w, r, f, http.StatusNotFound)
	}
	if err != nil {
		return err
	}
	if q["last"] != "" {
		id, err := intParam(q, "last", 1, 1<<62, 0, "a receipt id")
		if err != nil {
			return err
		}
		if m.Last, err = s.Receiving.Receipt(r.Context(), id); err != nil {
			return err
		}
		if m.Last.PO != m.Order.Number {
			return app.FieldErrorf("last", "receipt %d is not one of %s", id, m.Order.Number)
		}
		if m.Per, err = intParam(q, "per", 1, app.MaxQty, 1, "a pack size"); err != nil {
			return err
		}
	}
	return s.render(w, r, http.StatusOK, views.Receive(s.pageFor(w, r, "Receive "+m.Order.Number), m))
}

func (s *server) receiveStart(w http.ResponseWriter, r *http.Request, f views.Form, status int) error {
	orders, err := s.Receiving.OpenReceivingOrders(r.Context(), 50)
	if err != nil {
		return err
	}
	return s.render(w, r, status, views.ReceiveStart(s.pageFor(w, r, "Receive"), views.ReceiveStartModel{Orders: orders, Form: f}))
}

// receiveLines handles GET /floor/receive/lines?po=: the order's lines,
// refetched live when movements commit.
func (s *server) receiveLines(w http.ResponseWriter, r *http.Request) error {
	if err := s.noReceiving(); err != nil {
		return err
	}
	q, err := queryParams(r, "po")
	if err != nil {
		return err
	}
	m, err := s.receiveModel(r.Context(), q["po"], freshForm())
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.ReceiveLines(s.pageFor(w, r, ""), m))
}

// receiveFields maps a receipt line's fields to the screen's inputs.
var receiveFields = map[string]string{"sku": "item", "scanned": "item", "qty": "qty", "lot": "lot", "expiry": "expiry",
	"manufactured_on": "item", "serial": "item", "certificate_ref": "item", "condition": "condition", "note": "item", "dock": "dock"}

// postReceive handles POST /floor/receive: one scan received as a receipt
// of its own (or, with action=short, a line closed short), then back to the
// screen showing what was received. An expiry to confirm comes back with
// the question and a button that sends the same scan with confirm=1.
func (s *server) postReceive(w http.ResponseWriter, r *http.Request) error {
	if err := s.noReceiving(); err != nil {
		return err
	}
	f := formOf(r, "key", "po", "dock", "condition", "item", "qty", "lot", "expiry", "action", "sku", "confirm")
	po := f.Value("po")
	if po == "" {
		return app.FieldErrorf("po", "is required: open the purchase order first")
	}
	var confirm string
	page := func(f views.Form) templ.Component {
		m, err := s.receiveModel(r.Context(), po, f)
		if err != nil {
			return templ.ComponentFunc(func(context.Context, io.Writer) error { return err })
		}
		m.Confirm = confirm
		return views.Receive(s.pageFor(w, r, "Receive "+po), m)
	}
	line, per, err := s.receiveLine(r.Context(), f)
	if err != nil {
		return s.refuse(w, r, f, err, page)
	}
	cmd := app.PostReceipt{PO: po, Dock: f.Value("dock"), IdempotencyKey: f.Value("key"), Confirm: f.Value("confirm") == "1",
		Lines: []app.ReceiptLineInput{line}, UserID: sessionFrom(r.Context()).User.ID}
	rc, _, err := s.Receiving.PostReceipt(r.Context(), cmd)
	if err != nil {
		if app.ErrorCode(err) == app.ECONFLICT && app.ErrorField(err) == "lines[0].expiry" {
			confirm = app.ErrorMessage(err)
			confirm = strings.TrimSuffix(confirm, ": confirm to receive it anyway") + ". Receive it anyway?"
		}
		// Show what the scan brought, so the clerk sees what is refused.
		if f.Value("lot") == "" {
			f.Values["lot"] = line.Lot
		}
		if f.Value("expiry") == "" {
			f.Values["expiry"] = line.ExpiresOn
		}
		return s.refuse(w, r, f, lineField(err, receiveFields), page)
	}
	to := url.Values{"po": {po}, "last": {strconv.FormatInt(rc.ID, 10)}, "per": {strconv.FormatInt(per, 10)}}
	if f.Value("dock") != "" {
		to.Set("dock", f.Value("dock"))
	}
	http.Redirect(w, r, "/floor/receive?"+to.Encode(), http.StatusSeeOther)
	return nil
}

// receiveLine turns the screen's form into a receipt line, and the pack
// size of what was scanned.
func (s *server) receiveLine(ctx context.Context, f views.Form) (app.ReceiptLineInput, int64, error) {
	if f.Value("action") == "short" {
		if f.Value("sku") == "" {
			return app.ReceiptLineInput{}, 1, app.FieldErrorf("sku", "is required: the line to close short")
		}
		return app.ReceiptLineInput{SKU: f.Value("sku"), Condition: app.ReceiptShort}, 1, nil
	} else if f.Value("action") != "" {
		return app.ReceiptLineInput{}, 1, app.FieldErrorf("action", "%q is not an action here", clipText(f.Value("action")))
	}
	cond := app.ReceiptCondition(f.Value("condition"))
	switch cond {
	case "":
		cond = app.ReceiptOK
	case app.ReceiptOK, app.ReceiptDamaged, app.ReceiptWrongItem:
	default:
		return app.ReceiptLineInput{}, 1, app.FieldErrorf("condition", "%q is not a condition: choose good, damaged or wrong item", clipText(string(cond)))
	}
	if f.Value("item") == "" {
		return app.ReceiptLineInput{}, 1, app.FieldErrorf("item", "is empty: scan the item")
	}
	sc, err := s.receiveScan(ctx, f.Value("item"), cond == app.ReceiptWrongItem)
	if err != nil {
		return app.ReceiptLineInput{}, 1, err
	}
	l := app.ReceiptLineInput{SKU: sc.SKU, Scanned: sc.Scanned, Lot: sc.Lot, ExpiresOn: sc.ExpiresOn,
		ManufacturedOn: sc.MadeOn, Serial: sc.Serial, Condition: cond, Note: sc.Note}
	for _, in := range []struct {
		field string
		dst   *string
	}{{"lot", &l.Lot}, {"expiry", &l.ExpiresOn}} {
		typed := f.Value(in.field)
		if typed == "" {
			continue
		}
		if *in.dst != "" && *in.dst != typed {
			return l, sc.Per, app.FieldErrorf(in.field, "%s does not match %s in the item's GS1 barcode", typed, *in.dst)
		}
		*in.dst = typed
	}
	switch {
	case f.Value("qty") != "":
		l.Qty, err = floorQty(f, sc.Per)
	case sc.Count > 0:
		l.Qty = sc.Count * sc.Per
	default:
		l.Qty = sc.Per
	}
	return l, sc.Per, err
}
