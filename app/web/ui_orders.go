package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"depot/app"
	"depot/views"
)

// ordersUIRoutes adds the order and customer pages: reading needs
// ReadStock, changing ManageOrders. Without an order service there are
// none.
func (s *server) ordersUIRoutes(r chi.Router) {
	if s.Orders == nil {
		return
	}
	read := r.With(s.page(app.ReadStock))
	read.Get("/orders", s.html(s.ordersPage))
	read.Get("/orders/{number}", s.html(s.orderPage))
	read.Get("/customers", s.html(s.customersPage))
	read.Get("/customers/{code}", s.html(s.customerPage))
	manage := r.With(s.page(app.ManageOrders))
	manage.Get("/orders/new", s.html(s.newOrderPage))
	manage.Post("/orders/new", s.html(s.createOrderForm))
	manage.Post("/orders/backorders", s.html(s.allocateAllBackordersForm))
	manage.Post("/orders/release-open", s.html(s.releaseOpenOrdersForm))
	manage.Post("/orders/{number}/release", s.html(s.orderActionForm("release")))
	manage.Post("/orders/{number}/backorders", s.html(s.orderActionForm("backorders")))
	manage.Post("/orders/{number}/cancel", s.html(s.orderActionForm("cancel")))
	manage.Get("/customers/new", s.html(s.newCustomerPage))
	manage.Post("/customers/new", s.html(s.createCustomerForm))
	manage.Post("/customers/{code}", s.html(s.updateCustomerForm))
}

// ordersPageSize is how many orders the list shows at once.
const ordersPageSize = 100

func canManageOrders(r *http.Request) bool {
	return sessionFrom(r.Context()).User.Authorize(app.ManageOrders) == nil
}

// ordersPage handles GET /orders?status=&offset=.
func (s *server) ordersPage(w http.ResponseWriter, r *http.Request) error {
	q, err := queryParams(r, "status", "offset")
	if err != nil {
		return err
	}
	m := views.OrdersModel{CanManage: canManageOrders(r)}
	if m.Status, err = app.ParseOrderStatus("status", q["status"]); err != nil {
		return err
	}
	offset, err := intParam(q, "offset", 0, 1_000_000, 0, "a whole number from 0")
	if err != nil {
		return err
	}
	if m.Orders, err = s.Orders.Orders(r.Context(), app.OrderFilter{Status: m.Status, Limit: ordersPageSize, Offset: int(offset)}); err != nil {
		return err
	}
	if len(m.Orders) == ordersPageSize {
		m.Next = int(offset) + ordersPageSize
	}
	if m.Counts, err = s.Orders.OrderCounts(r.Context()); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.Orders(s.pageFor(w, r, "Orders"), m))
}

// orderFormRows bounds the line rows of the new-order form.
const (
	orderFormRows    = 3
	maxOrderFormRows = 50
)

// orderFormModel is the new-order form with f and the customers to offer.
func (s *server) orderFormModel(r *http.Request, f views.Form, rows int) views.OrderFormModel {
	m := views.OrderFormModel{Form: f, Rows: rows}
	// The suggestions are a convenience: without them the form still works.
	if cs, err := s.Orders.Customers(r.Context(), app.CustomerFilter{Limit: 1000}); err == nil {
		m.Customers = cs
	}
	return m
}

// newOrderPage handles GET /orders/new.
func (s *server) newOrderPage(w http.ResponseWriter, r *http.Request) error {
	f := views.Form{Values: map[string]string{}}
	return s.render(w, r, http.StatusOK, views.OrderNew(s.pageFor(w, r, "New order"), s.orderFormModel(r, f, orderFormRows)))
}

var orderHeadFields = []string{"number", "customer", "site", "priority", "ship_by", "carrier", "service", "ship_to"}

// createOrderForm handles POST /orders/new: an order of the line rows that
// are not empty. "more" asks for one more row instead.
func (s *server) createOrderForm(w http.ResponseWriter, r *http.Request) error {
	rows, _ := strconv.Atoi(r.PostFormValue("rows"))
	rows = min(max(rows, 1), maxOrderFormRows)
	names := append([]string{}, orderHeadFields...)
	for i := 0; i < rows; i++ {
		names = append(names, fmt.Sprintf("l%d.sku", i), fmt.Sprintf("l%d.qty", i), fmt.Sprintf("l%d.price", i))
	}
	f := formOf(r, names...)
	p := s.pageFor(w, r, "New order")
	if r.PostFormValue("more") != "" {
		return s.render(w, r, http.StatusOK, views.OrderNew(p, s.orderFormModel(r, f, min(rows+1, maxOrderFormRows))))
	}
	page := func(f views.Form) templ.Component { return views.OrderNew(p, s.orderFormModel(r, f, rows)) }
	o, index, err := orderFromForm(f, rows)
	if err != nil {
		return s.refuse(w, r, f, err, page)
	}
	o.UserID = sessionFrom(r.Context()).User.ID
	order, replayed, err := s.Orders.CreateOrder(r.Context(), o)
	if err != nil {
		return s.refuse(w, r, f, orderRowError(err, index), page)
	}
	if replayed {
		s.setFlash(w, fmt.Sprintf("Order %s was entered before; here it is.", order.Number))
	} else {
		s.setFlash(w, fmt.Sprintf("Order %s entered; release it to reserve stock.", order.Number))
	}
	http.Redirect(w, r, string(orderURLOf(order.Number)), http.StatusSeeOther)
	return nil
}

// orderFromForm reads the order of the form; index[i] is the form row of
// line i.
func orderFromForm(f views.Form, rows int) (app.NewOrder, []int, error) {
	o := app.NewOrder{Number: f.Value("number"), Customer: f.Value("customer"), Site: f.Value("site"),
		ShipBy: f.Value("ship_by"), Carrier: f.Value("carrier"), Service: f.Value("service"), ShipTo: f.Value("ship_to")}
	if v := f.Value("priority"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return o, nil, app.FieldErrorf("priority", "%q is not a whole number", clipText(v))
		}
		o.Priority = n
	}
	var index []int
	for i := 0; i < rows; i++ {
		pre := fmt.Sprintf("l%d.", i)
		sku, qtyText, price := f.Value(pre+"sku"), f.Value(pre+"qty"), f.Value(pre+"price")
		if sku == "" && qtyText == "" && price == "" {
			continue
		}
		l := app.NewOrderLine{SKU: sku}
		var err error
		if l.Qty, err = parseWhole(pre+"qty", qtyText, app.MaxQty); err != nil {
			return o, nil, err
		}
		if l.UnitPriceMinor, err = parseDecimal(pre+"price", price, 2, "a price like 12.50"); err != nil {
			return o, nil, err
		}
		o.Lines = append(o.Lines, l)
		index = append(index, i)
	}
	if len(o.Lines) == 0 {
		return o, nil, app.FieldErrorf("l0.sku", "an order needs at least one line: give its SKU and quantity")
	}
	return o, index, nil
}

// orderRowError renames lines[i].x in err's field to the form field of
// the row it came from (l3.qty).
func orderRowError(err error, index []int) error {
	e, ok := err.(*app.Error)
	if !ok {
		return err
	}
	rest, ok := strings.CutPrefix(e.Field, "lines[")
	if !ok {
		return err
	}
	i, tail, ok := strings.Cut(rest, "]")
	n, aerr := strconv.Atoi(i)
	if !ok || aerr != nil || n >= len(index) {
		return err
	}
	name := map[string]string{".sku": "sku", ".qty": "qty", ".unit_price_minor": "price"}[tail]
	if name == "" {
		name = "sku"
	}
	c := *e
	c.Field = fmt.Sprintf("l%d.%s", index[n], name)
	return &c
}

func orderURLOf(number string) templ.SafeURL {
	return templ.SafeURL("/orders/" + url.PathEscape(number))
}

// orderModel reads the order page of the {number} path parameter.
func (s *server) orderModel(r *http.Request) (views.OrderModel, error) {
	number, err := pathParam(r, "number")
	if err != nil {
		return views.OrderModel{}, err
	}
	m := views.OrderModel{CanManage: canManageOrders(r), Action: views.Form{Values: map[string]string{}}}
	if m.Order, err = s.Orders.Order(r.Context(), number); err != nil {
		return m, err
	}
	for _, l := range m.Order.Lines {
		m.Backorders += l.BackorderedQty
	}
	return m, nil
}

// orderPage handles GET /orders/{number}.
func (s *server) orderPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := queryParams(r); err != nil {
		return err
	}
	m, err := s.orderModel(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.OrderPage(s.pageFor(w, r, "Order "+m.Order.Number), m))
}

// orderActionForm handles POST /orders/{number}/release, /backorders and
// /cancel: the flash says what was reserved or released; a refusal shows
// on the order page.
func (s *server) orderActionForm(action string) htmlFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		m, err := s.orderModel(r)
		if err != nil {
			return err
		}
		number := m.Order.Number
		var msg string
		switch action {
		case "release", "backorders":
			var rel *app.Release
			if action == "release" {
				rel, err = s.Orders.ReleaseOrder(r.Context(), number)
			} else {
				rel, err = s.Orders.AllocateBackorders(r.Context(), number)
			}
			if err == nil {
				msg = releaseText(rel)
			}
		case "cancel":
			if _, err = s.Orders.CancelOrder(r.Context(), number); err == nil {
				msg = fmt.Sprintf("%s cancelled; its stock is available again.", number)
			}
		}
		if err != nil {
			return s.refuse(w, r, views.Form{Values: map[string]string{}}, err, func(f views.Form) templ.Component {
				m.Action = f
				return views.OrderPage(s.pageFor(w, r, "Order "+number), m)
			})
		}
		s.log.Info("order "+action, "order", number, "by", sessionFrom(r.Context()).User.Username)
		s.setFlash(w, msg)
		http.Redirect(w, r, string(orderURLOf(number)), http.StatusSeeOther)
		return nil
	}
}

// releaseText says what a release reserved and backordered.
func releaseText(rel *app.Release) string {
	var units, back int64
	for _, a := range rel.Allocations {
		units += a.Qty
	}
	for _, b := range rel.Backorders {
		back += b.Qty
	}
	// A flash is at most 64 characters.
	if back > 0 {
		return fmt.Sprintf("%s: %d units reserved, %d backordered.", rel.Order, units, back)
	}
	return fmt.Sprintf("%s: %d units reserved, none backordered.", rel.Order, units)
}

// allocateAllBackordersForm handles POST /orders/backorders.
func (s *server) allocateAllBackordersForm(w http.ResponseWriter, r *http.Request) error {
	run, err := s.Orders.AllocateAllBackorders(r.Context())
	if err != nil {
		return err
	}
	s.setFlash(w, fmt.Sprintf("Backorders of %d orders: %d units allocated, %d still open.", run.Orders, run.Allocated, run.Remaining))
	http.Redirect(w, r, "/orders?status=released", http.StatusSeeOther)
	return nil
}

// releaseOpenOrdersForm handles POST /orders/release-open: every open
// order, highest priority first, then oldest.
func (s *server) releaseOpenOrdersForm(w http.ResponseWriter, r *http.Request) error {
	var numbers []string
	for offset := 0; ; offset += 1000 {
		page, err := s.Orders.Orders(r.Context(), app.OrderFilter{Status: app.OrderOpen, Limit: 1000, Offset: offset})
		if err != nil {
			return err
		}
		for _, o := range page {
			numbers = append(numbers, o.Number)
		}
		if len(page) < 1000 {
			break
		}
	}
	var released, failed int
	var back int64
	for _, o := range s.Orders.ReleaseOrders(r.Context(), numbers) {
		if o.Err != nil {
			failed++
			continue
		}
		released++
		for _, b := range o.Release.Backorders {
			back += b.Qty
		}
	}
	s.log.Info("open orders released", "orders", released, "failed", failed, "by", sessionFrom(r.Context()).User.Username)
	msg := fmt.Sprintf("%d orders released; %d units backordered.", released, back)
	if failed > 0 {
		msg = fmt.Sprintf("%d orders released, %d refused; %d units backordered.", released, failed, back)
	}
	s.setFlash(w, msg)
	http.Redirect(w, r, "/orders?status=released", http.StatusSeeOther)
	return nil
}

// customersPage handles GET /customers?q=.
func (s *server) customersPage(w http.ResponseWriter, r *http.Request) error {
	q, err := queryParams(r, "q")
	if err != nil {
		return err
	}
	m := views.CustomersModel{Query: q["q"], CanManage: canManageOrders(r)}
	if m.Customers, err = s.Orders.Customers(r.Context(), app.CustomerFilter{Q: q["q"], Limit: 500}); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.Customers(s.pageFor(w, r, "Customers"), m))
}

var customerFormFields = []string{"code", "name", "email", "phone", "address", "min_shelf_life_days"}

// customerFromForm reads the customer form.
func customerFromForm(f views.Form) (app.NewCustomer, error) {
	c := app.NewCustomer{Code: f.Value("code"), Name: f.Value("name"), Email: f.Value("email"), Phone: f.Value("phone"),
		Address: f.Value("address")}
	var err error
	c.MinShelfLifeDays, err = parseWhole("min_shelf_life_days", f.Value("min_shelf_life_days"), app.MaxShelfLifeDays)
	return c, err
}

// newCustomerPage handles GET /customers/new.
func (s *server) newCustomerPage(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, views.CustomerNew(s.pageFor(w, r, "New customer"), views.Form{Values: map[string]string{}}))
}

// createCustomerForm handles POST /customers/new.
func (s *server) createCustomerForm(w http.ResponseWriter, r *http.Request) error {
	f := formOf(r, customerFormFields...)
	page := func(f views.Form) templ.Component { return views.CustomerNew(s.pageFor(w, r, "New customer"), f) }
	c, err := customerFromForm(f)
	if err != nil {
		return s.refuse(w, r, f, err, page)
	}
	cust, _, err := s.Orders.CreateCustomer(r.Context(), c)
	if err != nil {
		return s.refuse(w, r, f, err, page)
	}
	s.setFlash(w, fmt.Sprintf("Customer %s created.", cust.Code))
	http.Redirect(w, r, "/customers/"+url.PathEscape(cust.Code), http.StatusSeeOther)
	return nil
}

// customerModel reads the customer page of the {code} path parameter.
func (s *server) customerModel(r *http.Request) (views.CustomerModel, error) {
	code, err := pathParam(r, "code")
	if err != nil {
		return views.CustomerModel{}, err
	}
	m := views.CustomerModel{CanManage: canManageOrders(r)}
	if m.Customer, err = s.Orders.Customer(r.Context(), code); err != nil {
		return m, err
	}
	c := m.Customer
	m.Form = views.Form{Values: map[string]string{"name": c.Name, "email": c.Email, "phone": c.Phone, "address": c.Address,
		"min_shelf_life_days": strconv.FormatInt(c.MinShelfLifeDays, 10)}}
	m.Orders, err = s.Orders.Orders(r.Context(), app.OrderFilter{Customer: c.Code, Limit: 200})
	return m, err
}

// customerPage handles GET /customers/{code}.
func (s *server) customerPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := queryParams(r); err != nil {
		return err
	}
	m, err := s.customerModel(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.CustomerPage(s.pageFor(w, r, "Customer "+m.Customer.Code), m))
}

// updateCustomerForm handles POST /customers/{code}: new details.
func (s *server) updateCustomerForm(w http.ResponseWriter, r *http.Request) error {
	m, err := s.customerModel(r)
	if err != nil {
		return err
	}
	f := formOf(r, customerFormFields[1:]...)
	page := func(f views.Form) templ.Component {
		m.Form = f
		return views.CustomerPage(s.pageFor(w, r, "Customer "+m.Customer.Code), m)
	}
	c, err := customerFromForm(f)
	if err == nil {
		_, err = s.Orders.UpdateCustomer(r.Context(), m.Customer.Code, c)
	}
	if err != nil {
		return s.refuse(w, r, f, err, page)
	}
	s.setFlash(w, fmt.Sprintf("Customer %s saved.", m.Customer.Code))
	http.Redirect(w, r, "/customers/"+url.PathEscape(m.Customer.Code), http.StatusSeeOther)
	return nil
}
