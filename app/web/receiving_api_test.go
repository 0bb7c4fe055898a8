package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"depot/app"
	"depot/app/sqlite"
	"depot/app/web"
)

// newReceivingEnv is the API with receiving over: OM-1 (tracks lots) and
// MUG-1, site WH with DOCK-1 and the quarantine place Q-1, and PO-1 (sent)
// for 10 OM-1 and 20 MUG-1.
func newReceivingEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t, func(s *web.Services) { s.Receiving = e0(s) })
	ctx := context.Background()
	for _, p := range []app.NewProduct{
		{Name: "Oat milk", Variants: []app.NewVariant{{SKU: "OM-1", TrackLots: true}}},
		{Name: "Mug", Variants: []app.NewVariant{{SKU: "MUG-1"}}},
	} {
		if _, err := e.db.CreateProduct(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range []app.NewLocation{
		{Code: "WH", Kind: app.KindSite},
		{Code: "DOCK-1", Kind: app.KindDock, Parent: "WH"},
		{Code: "Q-1", Kind: app.KindZone, Parent: "WH", Attributes: json.RawMessage(`{"quarantine":true}`)},
	} {
		if _, err := e.db.CreateLocation(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	mustSentPO(t, e.db, "PO-1", "", "OM-1", 10, "MUG-1", 20)
	return e
}

// e0 returns the receiving service of the env's database: the database
// itself, which the wrap function cannot reach yet when it runs.
func e0(s *web.Services) app.ReceivingService { return s.Ledger.(app.ReceivingService) }

// mustSentPO creates supplier ACME (once) and sends purchase order number
// at DOCK-1, expected on expected, with lines of SKU and quantity.
func mustSentPO(t *testing.T, db *sqlite.DB, number, expected string, lines ...any) {
	t.Helper()
	ctx := context.Background()
	if _, _, err := db.CreateSupplier(ctx, app.NewSupplier{Code: "ACME", Name: "Acme Foods"}); err != nil {
		t.Fatal(err)
	}
	o := app.NewPurchaseOrder{Number: number, Supplier: "ACME", Dock: "DOCK-1", ExpectedOn: expected}
	for i := 0; i+1 < len(lines); i += 2 {
		o.Lines = append(o.Lines, app.NewPOLine{SKU: lines[i].(string), Qty: int64(lines[i+1].(int))})
	}
	if _, _, err := db.CreatePurchaseOrder(ctx, o); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.ActOnPurchaseOrder(ctx, number, app.POSend, 0); err != nil {
		t.Fatal(err)
	}
}

func TestReceiptsAPI(t *testing.T) {
	e := newReceivingEnv(t)
	body := `{"po":"PO-1","idempotency_key":"r-1","lines":[
		{"sku":"OM-1","qty":8,"lot":"L1","expiry":"2099-01-01","manufactured_on":"2026-10-01"},
		{"sku":"OM-1","qty":1,"lot":"L1","condition":"damaged","note":"dented"},
		{"sku":"MUG-1","qty":21},
		{"sku":"MUG-1","qty":2,"condition":"wrong_item","note":"blue, not red"}]}`
	// 2099 is past the five-year limit: the API asks for confirmation.
	before := e.counts()
	code, msg, field := e.do(app.Clerk, "POST", "/api/v1/receipts", body).must(t, 409, nil).errorOf(t)
	if code != app.ECONFLICT || field != "lines[0].expiry" || !strings.Contains(msg, "confirm to receive it anyway") {
		t.Errorf("far expiry: %s %s %q", code, field, msg)
	}
	if after := e.counts(); !reflect.DeepEqual(before, after) {
		t.Errorf("a refused receipt wrote: %v → %v", before, after)
	}
	body = strings.Replace(body, `"idempotency_key":"r-1"`, `"idempotency_key":"r-1","confirm":true`, 1)
	var got struct{ Receipt app.Receipt }
	res := e.do(app.Clerk, "POST", "/api/v1/receipts", body).must(t, 201, &got)
	r := got.Receipt
	var lines []string
	for _, l := range r.Lines {
		lines = append(lines, fmt.Sprintf("%s %d %s %s %s", l.SKU, l.Qty, l.Condition, l.Lot, l.Location))
	}
	want := "OM-1 8 ok L1 DOCK-1|OM-1 1 damaged L1 Q-1|MUG-1 20 ok  DOCK-1|MUG-1 1 over  DOCK-1|MUG-1 2 wrong_item  "
	if strings.Join(lines, "|") != want || r.PO != "PO-1" || r.Dock != "DOCK-1" || r.User != "clerk" || r.POStatus != "partial" || r.MovementID == 0 {
		t.Errorf("receipt %+v\nlines %q\nwant  %q", r, strings.Join(lines, "|"), want)
	}
	if loc := res.Header.Get("Location"); loc != fmt.Sprintf("/api/v1/receipts/%d", r.ID) {
		t.Errorf("Location %q", loc)
	}
	// The same request again: 200, the same receipt, nothing written.
	before = e.counts()
	again := e.do(app.Clerk, "POST", "/api/v1/receipts", body).must(t, 200, nil)
	if again.Header.Get("Idempotent-Replayed") != "true" || string(again.Body) != string(res.Body) {
		t.Errorf("replay: %s\nfirst: %s", again.Body, res.Body)
	}
	if after := e.counts(); !reflect.DeepEqual(before, after) {
		t.Errorf("the replay wrote: %v → %v", before, after)
	}
	var one struct{ Receipt app.Receipt }
	e.do(app.Viewer, "GET", fmt.Sprintf("/api/v1/receipts/%d", r.ID), "").must(t, 200, &one)
	if !reflect.DeepEqual(one.Receipt, r) {
		t.Errorf("GET receipt %+v, want %+v", one.Receipt, r)
	}
	var list struct{ Receipts []app.Receipt }
	e.do(app.Viewer, "GET", "/api/v1/receipts?po=PO-1", "").must(t, 200, &list)
	if len(list.Receipts) != 1 || list.Receipts[0].ID != r.ID {
		t.Errorf("receipts of PO-1: %+v", list.Receipts)
	}
	var levels struct{ Levels []app.Level }
	e.do(app.Viewer, "GET", "/api/v1/stock?location=Q-1", "").must(t, 200, &levels)
	if len(levels.Levels) != 1 || levels.Levels[0].OnHand != 1 || levels.Levels[0].SKU != "OM-1" {
		t.Errorf("quarantine stock: %+v", levels.Levels)
	}
}

func TestReceiptsAPIRefusals(t *testing.T) {
	e := newReceivingEnv(t)
	for _, tc := range []struct {
		name          string
		role          app.Role
		method, path  string
		body          string
		status        int
		code, field   string
		messageSubstr string
	}{
		{"OverTolerance", app.Clerk, "POST", "/api/v1/receipts", `{"po":"PO-1","idempotency_key":"x1","lines":[{"sku":"MUG-1","qty":5},{"sku":"MUG-1","qty":19}]}`,
			409, app.ECONFLICT, "lines[1].qty", "line 2 of purchase order PO-1 (SKU MUG-1)"},
		{"LotMissing", app.Clerk, "POST", "/api/v1/receipts", `{"po":"PO-1","idempotency_key":"x2","lines":[{"sku":"OM-1","qty":1}]}`,
			400, app.EINVALID, "lines[0].lot", "tracked by lot"},
		{"UnknownField", app.Clerk, "POST", "/api/v1/receipts", `{"po":"PO-1","idempotency_key":"x3","lines":[{"sku":"MUG-1","qty":1,"colour":"red"}]}`,
			400, app.EINVALID, "lines[0].colour", ""},
		{"BadCondition", app.Clerk, "POST", "/api/v1/receipts", `{"po":"PO-1","idempotency_key":"x4","lines":[{"sku":"MUG-1","qty":1,"condition":"broken"}]}`,
			400, app.EINVALID, "lines[0].condition", "use ok, damaged, wrong_item or short"},
		{"NoKey", app.Clerk, "POST", "/api/v1/receipts", `{"po":"PO-1","lines":[{"sku":"MUG-1","qty":1}]}`,
			400, app.EINVALID, "idempotency_key", "required"},
		{"ViewerMayNotReceive", app.Viewer, "POST", "/api/v1/receipts", `{"po":"PO-1","idempotency_key":"x5","lines":[{"sku":"MUG-1","qty":1}]}`,
			403, app.EFORBIDDEN, "", ""},
		{"PickerMayNotReceive", app.Picker, "POST", "/api/v1/receipts", `{"po":"PO-1","idempotency_key":"x6","lines":[{"sku":"MUG-1","qty":1}]}`,
			403, app.EFORBIDDEN, "", ""},
		{"NoToken", "", "GET", "/api/v1/receipts/1", "", 401, app.EUNAUTH, "", ""},
		{"MissingReceipt", app.Viewer, "GET", "/api/v1/receipts/77", "", 404, app.ENOTFOUND, "", "receipt 77 does not exist"},
		{"BadID", app.Viewer, "GET", "/api/v1/receipts/abc", "", 400, app.EINVALID, "id", "receipt id"},
		{"ListWithoutPO", app.Viewer, "GET", "/api/v1/receipts", "", 400, app.EINVALID, "po", "required"},
		{"ListUnknownPO", app.Viewer, "GET", "/api/v1/receipts?po=PO-404", "", 404, app.ENOTFOUND, "po", "PO-404"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := e.counts()
			code, msg, field := e.do(tc.role, tc.method, tc.path, tc.body).must(t, tc.status, nil).errorOf(t)
			if code != tc.code || field != tc.field || !strings.Contains(msg, tc.messageSubstr) {
				t.Errorf("got %s %q %q, want %s %q %q", code, field, msg, tc.code, tc.field, tc.messageSubstr)
			}
			if after := e.counts(); !reflect.DeepEqual(before, after) {
				t.Errorf("a refused request wrote: %v → %v", before, after)
			}
		})
	}
}
