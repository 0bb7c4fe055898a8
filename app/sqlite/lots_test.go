package sqlite_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"depot/app"
	"depot/app/sqlite"
)

// lotsFixture: PW-1 tracks lots; L1 expires 2026-12-10 and is in two bins,
// L2 expires 2027-06-01, L3 has no expiry; CB-1 has lot K1 (2026-12-01).
func lotsFixture(t *testing.T) (*sqlite.DB, map[string]int64) {
	t.Helper()
	db := MustOpen(t, sqlite.Options{})
	MustProduct(t, db, "Pine Washer", true, "PW-1")
	MustProduct(t, db, "Cedar Bracket", true, "CB-1")
	MustLocations(t, db, "A-1", "A-2")
	MustPost(t, db, app.Receive,
		app.MovementLine{SKU: "PW-1", Qty: 10, To: "A-1", Lot: &app.LotRef{Code: "L1", ExpiresOn: "2026-12-10"}},
		app.MovementLine{SKU: "PW-1", Qty: 5, To: "A-1", Lot: &app.LotRef{Code: "L2", ExpiresOn: "2027-06-01"}},
		app.MovementLine{SKU: "PW-1", Qty: 1, To: "A-2", Lot: &app.LotRef{Code: "L3"}},
		app.MovementLine{SKU: "CB-1", Qty: 2, To: "A-2", Lot: &app.LotRef{Code: "K1", ExpiresOn: "2026-12-01"}})
	MustPost(t, db, app.Move, app.MovementLine{SKU: "PW-1", Qty: 4, From: "A-1", To: "A-2", Lot: &app.LotRef{Code: "L1"}})
	ids := map[string]int64{}
	lots, err := db.Lots(context.Background(), app.LotFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lots {
		ids[l.Code] = l.ID
	}
	return db, ids
}

func TestLots(t *testing.T) {
	db, _ := lotsFixture(t)
	today := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		f    app.LotFilter
		want string // code:on hand, in order
		code string // error code
	}{
		{"All", app.LotFilter{}, "K1:2 L1:10 L2:5 L3:1", ""},
		{"BySKU", app.LotFilter{SKU: "PW-1"}, "L1:10 L2:5 L3:1", ""},
		{"ExpiringIn14Days", app.LotFilter{ExpiringDays: 14, Today: today}, "K1:2 L1:10", ""},
		{"ExpiringIn4Days", app.LotFilter{ExpiringDays: 4, Today: today}, "K1:2", ""},
		{"ByStatus", app.LotFilter{Status: app.LotAvailable, SKU: "CB-1"}, "K1:2", ""},
		{"NoneOnHold", app.LotFilter{Status: app.LotHold}, "", ""},
		{"BadStatus", app.LotFilter{Status: "lost"}, "", app.EINVALID},
		{"UnknownSKU", app.LotFilter{SKU: "NOPE"}, "", app.ENOTFOUND},
		{"BadDays", app.LotFilter{ExpiringDays: -3}, "", app.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lots, err := db.Lots(context.Background(), tc.f)
			if app.ErrorCode(err) != tc.code && (err != nil || tc.code != "") {
				t.Fatalf("err = %v, want code %q", err, tc.code)
			}
			var got []string
			for _, l := range lots {
				got = append(got, l.Code+":"+itoa(l.OnHand))
			}
			if strings.Join(got, " ") != tc.want {
				t.Errorf("lots = %v, want %s", got, tc.want)
			}
		})
	}
}

func TestLotPageQueries(t *testing.T) {
	db, ids := lotsFixture(t)
	ctx := context.Background()
	l, err := db.Lot(ctx, ids["L1"])
	if err != nil || l.SKU != "PW-1" || l.ExpiresOn != "2026-12-10" || l.OnHand != 10 || l.Status != app.LotAvailable || l.ProductName != "Pine Washer" {
		t.Fatalf("Lot(L1) = %+v, %v", l, err)
	}
	levels, err := db.LotLevels(ctx, ids["L1"])
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, lv := range levels {
		got = append(got, lv.Location+":"+itoa(lv.OnHand))
	}
	if strings.Join(got, " ") != "A-1:6 A-2:4" {
		t.Errorf("where L1 is = %v", got)
	}
	if _, err := db.Lot(ctx, 999); app.ErrorCode(err) != app.ENOTFOUND {
		t.Errorf("unknown lot: %v", err)
	}
}

func TestChangeLotStatus(t *testing.T) {
	db, ids := lotsFixture(t)
	ctx := context.Background()
	u, err := db.AddUser(ctx, "maria", app.Manager, "maria's password")
	if err != nil {
		t.Fatal(err)
	}
	change := func(action app.LotAction, reason string) error {
		_, err := db.ChangeLotStatus(ctx, app.LotStatusChange{LotID: ids["L1"], Action: action, Reason: reason, UserID: u.ID})
		return err
	}
	if err := change(app.LotActionHold, "  supplier called: label misprint "); err != nil {
		t.Fatal(err)
	}
	// A held lot cannot be shipped: the ledger reads the status.
	if _, err := Post(db, app.Ship, app.MovementLine{SKU: "PW-1", Qty: 1, From: "A-1", Lot: &app.LotRef{Code: "L1"}}); app.ErrorCode(err) != app.ECONFLICT {
		t.Errorf("ship from held lot: %v", err)
	}
	for _, tc := range []struct {
		name   string
		action app.LotAction
		reason string
		code   string
		field  string
	}{
		{"NoReason", app.LotActionRelease, "  ", app.EINVALID, "reason"},
		{"UnknownAction", "destroy", "why not", app.EINVALID, "action"},
		{"AlreadyOnHold", app.LotActionHold, "again", app.ECONFLICT, ""},
		{"LongReason", app.LotActionRelease, strings.Repeat("x", 501), app.EINVALID, "reason"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := change(tc.action, tc.reason)
			if app.ErrorCode(err) != tc.code || app.ErrorField(err) != tc.field {
				t.Errorf("err = %v, want %s on %q", err, tc.code, tc.field)
			}
		})
	}
	if err := change(app.LotActionRelease, "checked: labels fine"); err != nil {
		t.Fatal(err)
	}
	if err := change(app.LotActionRecall, "recall notice 44"); err != nil {
		t.Fatal(err)
	}
	if err := change(app.LotActionRelease, "oops"); app.ErrorCode(err) != app.ECONFLICT {
		t.Errorf("release after recall: %v", err)
	}
	hist, err := db.LotHistory(ctx, ids["L1"])
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range hist {
		got = append(got, string(e.From)+">"+string(e.To)+" "+e.User+" "+e.Reason)
	}
	want := []string{"available>recalled maria recall notice 44", "hold>available maria checked: labels fine",
		"available>hold maria supplier called: label misprint"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("history:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	l, _ := db.Lot(ctx, ids["L1"])
	if l.Status != app.LotRecalled {
		t.Errorf("status %s", l.Status)
	}
	if _, err := db.ChangeLotStatus(ctx, app.LotStatusChange{LotID: 999, Action: app.LotActionHold, Reason: "x"}); app.ErrorCode(err) != app.ENOTFOUND {
		t.Errorf("unknown lot: %v", err)
	}
}

func TestSetLotDetails(t *testing.T) {
	db, ids := lotsFixture(t)
	ctx := context.Background()
	l, err := db.SetLotDetails(ctx, ids["L2"], app.LotDetails{ManufacturedOn: " 2026-01-15 ", CertificateRef: " COA-9 "})
	if err != nil || l.ManufacturedOn != "2026-01-15" || l.CertificateRef != "COA-9" {
		t.Fatalf("SetLotDetails = %+v, %v", l, err)
	}
	for _, tc := range []struct {
		name  string
		d     app.LotDetails
		field string
	}{
		{"NotADate", app.LotDetails{ManufacturedOn: "15/01/2026"}, "manufactured_on"},
		{"Future", app.LotDetails{ManufacturedOn: "2999-01-01"}, "manufactured_on"},
		{"LongCertificate", app.LotDetails{CertificateRef: strings.Repeat("c", 201)}, "certificate_ref"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := db.SetLotDetails(ctx, ids["L2"], tc.d)
			if app.ErrorCode(err) != app.EINVALID || app.ErrorField(err) != tc.field {
				t.Errorf("err = %v, want invalid %s", err, tc.field)
			}
			if l, _ := db.Lot(ctx, ids["L2"]); l.ManufacturedOn != "2026-01-15" || l.CertificateRef != "COA-9" {
				t.Errorf("refused details wrote: %+v", l)
			}
		})
	}
	if _, err := db.SetLotDetails(ctx, 999, app.LotDetails{}); app.ErrorCode(err) != app.ENOTFOUND {
		t.Errorf("unknown lot: %v", err)
	}
	if l, _ := db.SetLotDetails(ctx, ids["L2"], app.LotDetails{}); l.ManufacturedOn != "" || l.CertificateRef != "" {
		t.Errorf("clearing left %+v", l)
	}
}
