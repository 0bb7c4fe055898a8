package app_test

import (
	"errors"
	"reflect"
	"testing"

	"depot/app"
)

// FuzzShipOrder: any shipment body decodes and validates to a command or
// to an error naming a field (invalid, or forbidden for an override the
// caller may not give), and a valid command stays valid and unchanged when
// validated again. Fields the body may not set stay unset.
func FuzzShipOrder(f *testing.F) {
	for _, s := range []string{
		`{"order":"SO-1","packages":[{"weight_mg":1000}]}`,
		`{"order":"SO-1","carrier":"DHL","service":"x","tracking":"JD01","idempotency_key":"k","packages":[{"box":"B","weight_mg":5,"length_mm":1,"width_mm":2,"height_mm":3,"items":[{"sku":"A","qty":2}]},{"weight_mg":9,"items":[{"sku":"B","qty":1}]}]}`,
		`{"order":"SO-1","override_reason":"ok","packages":[{"weight_mg":1}]}`,
		`{"order":"SO-1","tracking":"a b","packages":[{"weight_mg":1}]}`,
		`{"order":"","packages":[]}`,
		`{"order":"SO-1","packages":[{"weight_mg":-1,"items":[{"sku":"","qty":0}]}]}`,
		`{"order":"SO-1","package_id":3,"user_id":4}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var c app.ShipOrder
		err := app.DecodeJSON(body, &c)
		if err == nil {
			err = c.Validate()
		}
		if err != nil {
			var e *app.Error
			if !errors.As(err, &e) || (e.Code != app.EINVALID && e.Code != app.EFORBIDDEN) || e.Field == "" {
				t.Fatalf("err = %#v, want *app.Error invalid or forbidden with a field", err)
			}
			return
		}
		if c.UserID != 0 || c.PackageID != 0 || c.MayOverride || c.OverrideReason != "" {
			t.Fatalf("set from the body: %+v", c)
		}
		again := c
		again.Packages = append([]app.ShipPackage(nil), c.Packages...)
		if err := again.Validate(); err != nil || !reflect.DeepEqual(c, again) {
			t.Fatalf("validating again: %v\n%+v\n%+v", err, c, again)
		}
	})
}

// FuzzVerifyPackage: any weight check body decodes and validates or is
// refused naming a field; the station-only fields stay unset.
func FuzzVerifyPackage(f *testing.F) {
	for _, s := range []string{`{"order":"SO-1","box":"BOX-M","weight_mg":741000}`, `{"order":"SO-1","weight_mg":0}`,
		`{"order":" ","weight_mg":1}`, `{"order":"SO-1","weight_mg":1,"record":true,"scale":"x"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var v app.VerifyPackage
		err := app.DecodeJSON(body, &v)
		if err == nil {
			err = v.Validate()
		}
		if err != nil {
			var e *app.Error
			if !errors.As(err, &e) || e.Code != app.EINVALID || e.Field == "" {
				t.Fatalf("err = %#v, want *app.Error invalid with a field", err)
			}
			return
		}
		if v.Record || v.Stable || v.Scale != "" || v.Station != "" || v.UserID != 0 || v.WeightMg <= 0 {
			t.Fatalf("a valid body made %+v", v)
		}
	})
}
