package web

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"depot/app"
	"depot/views"
)

// transfersUIRoutes adds the transfer pages (in the Orders area, under
// views.TransfersURL) and the returns floor screen, when the services are
// there.
func (s *server) transfersUIRoutes(r chi.Router) {
	read := r.With(s.page(app.ReadStock))
	manage := r.With(s.page(app.ManageTransfers))
	if s.Transfers != nil {
		read.Get(views.TransfersURL, s.html(s.transfersPage))
		manage.Get(views.TransfersURL+"/new", s.html(s.newTransferPage))
		manage.Post(views.TransfersURL, s.html(s.createTransferForm))
		read.Get(views.TransfersURL+"/{number}", s.html(s.transferPage))
		manage.Post(views.TransfersURL+"/{number}/ship", s.html(s.shipTransferForm))
		manage.Post(views.TransfersURL+"/{number}/receive", s.html(s.receiveTransferForm))
		manage.Post(views.TransfersURL+"/{number}/cancel", s.html(s.cancelTransferForm))
	}
	if s.Returns != nil {
		manage.Get("/floor/returns", s.html(s.floorReturnsPage))
		manage.Post("/floor/returns", s.html(s.postFloorReturn))
	}
}

// transfersPage handles GET /orders/transfers?status=.
func (s *server) transfersPage(w http.ResponseWriter, r *http.Request) error {
	q, err := queryParams(r, "status")
	if err != nil {
		return err
	}
	m := views.TransfersModel{Status: q["status"], CanManage: sessionFrom(r.Context()).User.Authorize(app.ManageTransfers) == nil}
	if m.Transfers, err = s.Transfers.Transfers(r.Context(), app.TransferFilter{Status: m.Status, Limit: 200}); err != nil {
		return err
	}
	if m.InTransit, err = s.Transfers.InTransit(r.Context(), ""); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.Transfers(s.pageFor(w, r, "Transfers"), m))
}

// Line rows of the new-transfer form: rowsDefault unless ?rows= asks for
// more, up to rowsMax.
const (
	rowsDefault = 6
	rowsMax     = 50
)

func (s *server) transferFormPage(w http.ResponseWriter, r *http.Request, status int, f views.Form, rows int) error {
	sites, err := s.Transfers.Sites(r.Context())
	if err != nil {
		return err
	}
	m := views.TransferFormModel{Form: f, Sites: sites, Rows: rows}
	return s.render(w, r, status, views.TransferForm(s.pageFor(w, r, "New transfer"), m))
}

// newTransferPage handles GET /orders/transfers/new?rows=.
func (s *server) newTransferPage(w http.ResponseWriter, r *http.Request) error {
	q, err := queryParams(r, "rows")
	if err != nil {
		return err
	}
	rows, err := intParam(q, "rows", 1, rowsMax, rowsDefault, "a whole number from 1 to 50")
	if err != nil {
		return err
	}
	return s.transferFormPage(w, r, http.StatusOK, views.Form{Values: map[string]string{}}, int(rows))
}

// lineFieldRe matches the field of a command line's error: lines[3].qty.
var lineFieldRe = regexp.MustCompile(`^lines\[(\d+)\](?:\.([a-z_]+))?`)

// createTransferForm handles POST /orders/transfers: the rows that have
// anything typed in become the transfer's lines.
func (s *server) createTransferForm(w http.ResponseWriter, r *http.Request) error {
	rows, err := strconv.Atoi(r.PostFormValue("rows"))
	if err != nil || rows < 1 || rows > rowsMax {
		rows = rowsDefault
	}
	names := []string{"number", "from", "to"}
	for i := 0; i < rows; i++ {
		names = append(names, views.RowName(i, "sku"), views.RowName(i, "lot"), views.RowName(i, "qty"), views.RowName(i, "from"))
	}
	f := formOf(r, names...)
	cmd := app.NewTransfer{Number: f.Value("number"), From: f.Value("from"), To: f.Value("to"),
		UserID: sessionFrom(r.Context()).User.ID}
	var rowOf []int // line index -> form row
	err = func() error {
		for i := 0; i < rows; i++ {
			v := func(n string) string { return f.Value(views.RowName(i, n)) }
			if v("sku") == "" && v("lot") == "" && v("qty") == "" && v("from") == "" {
				continue
			}
			n, err := parseWhole(views.RowName(i, "qty"), v("qty"), app.MaxQty)
			if err != nil {
				return err
			}
			cmd.Lines = append(cmd.Lines, app.NewTransferLine{SKU: v("sku"), Lot: v("lot"), Qty: n, From: v("from")})
			rowOf = append(rowOf, i)
		}
		_, _, err := s.Transfers.CreateTransfer(r.Context(), cmd)
		return err
	}()
	if err != nil {
		return s.refuse(w, r, f, formRowField(err, rowOf), func(f views.Form) templ.Component {
			sites, err := s.Transfers.Sites(r.Context())
			if err != nil {
				return errorComponent(err)
			}
			return views.TransferForm(s.pageFor(w, r, "New transfer"), views.TransferFormModel{Form: f, Sites: sites, Rows: rows})
		})
	}
	s.setFlash(w, fmt.Sprintf("Transfer %s planned: %d lines from %s to %s. Ship it when the goods leave.", cmd.Number, len(cmd.Lines), cmd.From, cmd.To))
	http.Redirect(w, r, string(views.TransferURL(cmd.Number)), http.StatusSeeOther)
	return nil
}

// formRowField maps a command's lines[i].x error to the form row's field.
func formRowField(err error, rowOf []int) error {
	e, ok := err.(*app.Error)
	if !ok {
		return err
	}
	c := *e
	m := lineFieldRe.FindStringSubmatch(e.Field)
	switch {
	case m != nil:
		i, _ := strconv.Atoi(m[1])
		row, field := 0, m[2]
		if i < len(rowOf) {
			row = rowOf[i]
		}
		if field == "" {
			field = "sku"
		}
		c.Field = views.RowName(row, field)
	case e.Field == "lines":
		c.Field = ""
		c.Message = "give at least one line: " + e.Message
	}
	return &c
}

// transferModel reads the transfer of the URL.
func (s *server) transferModel(r *http.Request) (views.TransferModel, error) {
	number, err := pathParam(r, "number")
	if err != nil {
		return views.TransferModel{}, err
	}
	t, err := s.Transfers.Transfer(r.Context(), number)
	if err != nil {
		return views.TransferModel{}, err
	}
	m := views.TransferModel{Transfer: t, CanManage: sessionFrom(r.Context()).User.Authorize(app.ManageTransfers) == nil}
	m.Form = freshForm()
	for _, l := range t.Lines {
		if l.InTransit > 0 {
			m.Form.Values[views.ReceiveName(l.Line)] = strconv.FormatInt(l.InTransit, 10)
		}
	}
	return m, nil
}

// transferPage handles GET /orders/transfers/{number}.
func (s *server) transferPage(w http.ResponseWriter, r *http.Request) error {
	m, err := s.transferModel(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.TransferPage(s.pageFor(w, r, "Transfer "+m.Transfer.Number), m))
}

// refuseTransfer shows the transfer page again with err.
func (s *server) refuseTransfer(w http.ResponseWriter, r *http.Request, f views.Form, err error) error {
	return s.refuse(w, r, f, err, func(f views.Form) templ.Component {
		m, err := s.transferModel(r)
		if err != nil {
			return errorComponent(err)
		}
		if f.Values != nil {
			m.Form.Values, m.Form.Field = f.Values, f.Field
		}
		m.Form.Error = f.Error
		return views.TransferPage(s.pageFor(w, r, "Transfer "+m.Transfer.Number), m)
	})
}

// shipTransferForm handles POST /orders/transfers/{number}/ship.
func (s *server) shipTransferForm(w http.ResponseWriter, r *http.Request) error {
	number, err := pathParam(r, "number")
	if err != nil {
		return err
	}
	f := formOf(r, "carrier", "service", "tracking")
	t, replayed, err := s.Transfers.ShipTransfer(r.Context(), app.ShipTransfer{Number: number, Carrier: f.Value("carrier"),
		Service: f.Value("service"), Tracking: f.Value("tracking"), UserID: sessionFrom(r.Context()).User.ID})
	if err != nil {
		if f := app.ErrorField(err); f == "carrier" || f == "service" || f == "tracking" {
			return s.refuseTransfer(w, r, formOf(r, "carrier", "service", "tracking"), err)
		}
		return s.refuseTransfer(w, r, views.Form{}, lineErrorAsForm(err))
	}
	_, _, inTransit := t.Units()
	msg := fmt.Sprintf("Transfer %s shipped: %d units in transit to %s (movement %d).", t.Number, inTransit, t.To, t.ShipMovement)
	if replayed {
		msg = fmt.Sprintf("Transfer %s was already shipped; nothing moved twice.", t.Number)
	}
	s.setFlash(w, msg)
	http.Redirect(w, r, string(views.TransferURL(t.Number)), http.StatusSeeOther)
	return nil
}

// lineErrorAsForm turns a field the page has no input for into a message
// about the whole form.
func lineErrorAsForm(err error) error {
	e, ok := err.(*app.Error)
	if !ok || e.Field == "" {
		return err
	}
	c := *e
	c.Message, c.Field = e.Field+": "+e.Message, ""
	return &c
}

// receiveTransferForm handles POST /orders/transfers/{number}/receive: the
// quantities typed per line, into the place scanned.
func (s *server) receiveTransferForm(w http.ResponseWriter, r *http.Request) error {
	number, err := pathParam(r, "number")
	if err != nil {
		return err
	}
	t, err := s.Transfers.Transfer(r.Context(), number)
	if err != nil {
		return err
	}
	names := []string{"key", "to"}
	for _, l := range t.Lines {
		names = append(names, views.ReceiveName(l.Line))
	}
	f := formOf(r, names...)
	cmd := app.ReceiveTransfer{Number: t.Number, IdempotencyKey: f.Value("key"), To: f.Value("to"), UserID: sessionFrom(r.Context()).User.ID}
	var lineOf []int64
	err = func() error {
		for _, l := range t.Lines {
			name := views.ReceiveName(l.Line)
			n, err := parseWhole(name, f.Value(name), app.MaxQty)
			if err != nil || n == 0 {
				continue
			}
			cmd.Lines = append(cmd.Lines, app.ReceiveTransferLine{Line: l.Line, Qty: n})
			lineOf = append(lineOf, l.Line)
		}
		if len(cmd.Lines) == 0 {
			return app.Errorf(app.EINVALID, "give a quantity to receive for at least one line")
		}
		if cmd.To == "" {
			return app.FieldErrorf("to", "is required: scan the bin or dock at %s that receives the goods", t.To)
		}
		_, _, err := s.Transfers.ReceiveTransfer(r.Context(), cmd)
		return err
	}()
	if err != nil {
		if e, ok := err.(*app.Error); ok {
			if m := lineFieldRe.FindStringSubmatch(e.Field); m != nil {
				c := *e
				i, _ := strconv.Atoi(m[1])
				c.Field = "to"
				if m[2] == "qty" && i < len(lineOf) {
					c.Field = views.ReceiveName(lineOf[i])
				}
				err = &c
			}
		}
		return s.refuseTransfer(w, r, f, err)
	}
	var units int64
	for _, l := range cmd.Lines {
		units += l.Qty
	}
	s.setFlash(w, fmt.Sprintf("Received %d units of transfer %s into %s.", units, t.Number, cmd.To))
	http.Redirect(w, r, string(views.TransferURL(t.Number)), http.StatusSeeOther)
	return nil
}

// cancelTransferForm handles POST /orders/transfers/{number}/cancel.
func (s *server) cancelTransferForm(w http.ResponseWriter, r *http.Request) error {
	number, err := pathParam(r, "number")
	if err != nil {
		return err
	}
	t, err := s.Transfers.CancelTransfer(r.Context(), number, sessionFrom(r.Context()).User.ID)
	if err != nil {
		return s.refuseTransfer(w, r, views.Form{}, err)
	}
	s.setFlash(w, "Transfer "+t.Number+" cancelled.")
	http.Redirect(w, r, string(views.TransferURL(t.Number)), http.StatusSeeOther)
	return nil
}
