package app_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"depot/app"
)

func TestNewOrderValidate(t *testing.T) {
	line := []app.NewOrderLine{{SKU: "A", Qty: 1}}
	for _, c := range []struct {
		name  string
		o     app.NewOrder
		field string
	}{
		{"OK", app.NewOrder{Number: " SO-1 ", Lines: line, ShipBy: "2026-12-01"}, ""},
		{"NoNumber", app.NewOrder{Lines: line}, "number"},
		{"NumberWithSpace", app.NewOrder{Number: "SO 1", Lines: line}, "number"},
		{"NoLines", app.NewOrder{Number: "X"}, "lines"},
		{"EmptySKU", app.NewOrder{Number: "X", Lines: []app.NewOrderLine{{Qty: 1}}}, "lines[0].sku"},
		{"NegativeQty", app.NewOrder{Number: "X", Lines: []app.NewOrderLine{{SKU: "A", Qty: -2}}}, "lines[0].qty"},
		{"NegativePrice", app.NewOrder{Number: "X", Lines: []app.NewOrderLine{{SKU: "A", Qty: 1, UnitPriceMinor: -1}}}, "lines[0].unit_price_minor"},
		{"SameSKUAnyCase", app.NewOrder{Number: "X", Lines: []app.NewOrderLine{{SKU: "a", Qty: 1}, {SKU: "A ", Qty: 1}}}, "lines[1].sku"},
		{"BadShipBy", app.NewOrder{Number: "X", Lines: line, ShipBy: "2026-02-30"}, "ship_by"},
		{"HugePriority", app.NewOrder{Number: "X", Lines: line, Priority: 5000}, "priority"},
		{"LongCarrier", app.NewOrder{Number: "X", Lines: line, Carrier: strings.Repeat("c", 65)}, "carrier"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.o.Validate()
			if app.ErrorField(err) != c.field || (c.field != "") != (err != nil) {
				t.Fatalf("got %v, want an error on %q", err, c.field)
			}
			if err != nil && app.ErrorCode(err) != app.EINVALID {
				t.Fatalf("code %s, want invalid", app.ErrorCode(err))
			}
		})
	}
}

func TestNewCustomerValidate(t *testing.T) {
	for _, c := range []struct {
		name  string
		c     app.NewCustomer
		field string
	}{
		{"OK", app.NewCustomer{Code: "ACME", Name: "Acme", Email: "a@acme.example", MinShelfLifeDays: 30}, ""},
		{"NoName", app.NewCustomer{Code: "ACME"}, "name"},
		{"BadEmail", app.NewCustomer{Code: "ACME", Name: "A", Email: "Acme <a@acme.example>"}, "email"},
		{"ShelfLifeTooLong", app.NewCustomer{Code: "ACME", Name: "A", MinShelfLifeDays: 4000}, "min_shelf_life_days"},
		{"NegativeShelfLife", app.NewCustomer{Code: "ACME", Name: "A", MinShelfLifeDays: -1}, "min_shelf_life_days"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := c.c.Validate(); app.ErrorField(err) != c.field || (c.field != "") != (err != nil) {
				t.Fatalf("got %v, want an error on %q", err, c.field)
			}
		})
	}
}

// FuzzNewOrder: any body decodes and validates to an order or to an
// invalid-input error naming a field, and a valid order stays valid and
// unchanged when validated again.
func FuzzNewOrder(f *testing.F) {
	for _, s := range []string{
		`{"number":"SO-1","lines":[{"sku":"A","qty":1}]}`,
		`{"number":"SO-1","customer":"C","site":"WH","priority":2,"ship_by":"2026-12-01","carrier":"manual","lines":[{"sku":"A","qty":3,"unit_price_minor":250},{"sku":"b","qty":1}]}`,
		`{"number":" ","lines":[]}`,
		`{"number":"X","lines":[{"sku":"A","qty":1},{"sku":"a","qty":1}]}`,
		`{"number":"X","lines":[{"sku":"\u00e9","qty":1e3}]}`,
		`{"lines":null}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var o app.NewOrder
		err := app.DecodeJSON(body, &o)
		if err == nil {
			err = o.Validate()
		}
		if err != nil {
			var e *app.Error
			if !errors.As(err, &e) || e.Code != app.EINVALID || e.Field == "" {
				t.Fatalf("err = %#v, want *app.Error invalid with a field", err)
			}
			return
		}
		if o.UserID != 0 {
			t.Fatalf("UserID %d from the body", o.UserID)
		}
		again := o
		again.Lines = append([]app.NewOrderLine(nil), o.Lines...)
		if err := again.Validate(); err != nil || !reflect.DeepEqual(o, again) {
			t.Fatalf("validating again: %v\n%+v\n%+v", err, o, again)
		}
		if _, err := json.Marshal(o); err != nil {
			t.Fatal(err)
		}
	})
}
