package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"depot/app"
	"depot/app/sqlite"
	"depot/app/web"
)

// newPickingEnv is the API with orders and picking over a site WH with a
// staging place PACK and an aisle A1 of bins: TEE (GTIN, case of 6) in
// A1-02, MILK (lots L1 expiring first, L2) in A1-05, CAP in A1-07.
func newPickingEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t, func(s *web.Services) {
		db := s.Ledger.(*sqlite.DB)
		s.Orders, s.Picking, s.Edit = db, db, db
	})
	ctx := context.Background()
	for _, p := range []app.NewProduct{
		{Name: "T-shirt", Variants: []app.NewVariant{{SKU: "TEE", GTIN: "09506000134352",
			Packagings: []app.Packaging{{Name: "case of 6", Qty: 6, Barcode: "CASE-TEE"}}}}},
		{Name: "Milk", Variants: []app.NewVariant{{SKU: "MILK", GTIN: "09506000134369", TrackLots: true}}},
		{Name: "Cap", Variants: []app.NewVariant{{SKU: "CAP"}}},
	} {
		if _, err := e.db.CreateProduct(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	locs := []app.NewLocation{{Code: "WH", Kind: app.KindSite}, {Code: "PACK", Kind: app.KindStaging, Parent: "WH"},
		{Code: "A1", Kind: app.KindAisle, Parent: "WH"}}
	for b := 1; b <= 8; b++ {
		locs = append(locs, app.NewLocation{Code: fmt.Sprintf("A1-%02d", b), Kind: app.KindBin, Parent: "A1"})
	}
	for _, l := range locs {
		if _, err := e.db.CreateLocation(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	for i, l := range []app.MovementLine{{SKU: "TEE", Qty: 20, To: "A1-02"},
		{SKU: "MILK", Qty: 10, To: "A1-05", Lot: &app.LotRef{Code: "L1", ExpiresOn: "2027-01-31"}},
		{SKU: "MILK", Qty: 10, To: "A1-05", Lot: &app.LotRef{Code: "L2", ExpiresOn: "2027-06-30"}},
		{SKU: "CAP", Qty: 3, To: "A1-07"}} {
		if _, _, err := e.db.PostMovement(ctx, app.PostMovement{Kind: app.Receive, IdempotencyKey: fmt.Sprint("r", i),
			Lines: []app.MovementLine{l}}); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// orderAndRelease enters and releases an order through the orders API.
func (e *env) orderAndRelease(number, lines string) {
	e.t.Helper()
	e.do(app.Clerk, "POST", "/api/v1/orders", `{"number":"`+number+`","lines":`+lines+`}`).must(e.t, http.StatusCreated, nil)
	e.do(app.Clerk, "POST", "/api/v1/orders/"+number+"/release", "").must(e.t, http.StatusOK, nil)
}

func TestPickingAPI(t *testing.T) {
	e := newPickingEnv(t)
	e.orderAndRelease("SO-1", `[{"sku":"TEE","qty":8},{"sku":"MILK","qty":2}]`)

	res := e.do(app.Picker, "POST", "/api/v1/pick-lists", `{"kind":"single","orders":["SO-1"]}`)
	if code, _, _ := res.errorOf(t); res.Status != http.StatusForbidden || code != app.EFORBIDDEN {
		t.Fatalf("picker builds a list: %d %s", res.Status, res.Body)
	}
	res = e.do(app.Manager, "POST", "/api/v1/pick-lists", `{"kind":"wave","group_by":"aisle"}`)
	if code, _, field := res.errorOf(t); res.Status != http.StatusBadRequest || code != app.EINVALID || field != "group_by" {
		t.Fatalf("bad grouping: %d %s", res.Status, res.Body)
	}
	var built struct {
		PickLists []app.PickList `json:"pick_lists"`
	}
	e.do(app.Manager, "POST", "/api/v1/pick-lists", `{"kind":"single","orders":["SO-1"]}`).must(t, http.StatusCreated, &built)
	if len(built.PickLists) != 1 || built.PickLists[0].Tasks != 2 || built.PickLists[0].Status != app.ListOpen {
		t.Fatalf("built %+v", built)
	}
	var open struct {
		PickLists []app.PickList `json:"pick_lists"`
	}
	e.do(app.Picker, "GET", "/api/v1/pick-lists?status=open", "").must(t, http.StatusOK, &open)
	if len(open.PickLists) != 1 {
		t.Fatalf("open lists %+v", open)
	}
	e.do(app.Viewer, "GET", "/api/v1/pick-lists", "").must(t, http.StatusForbidden, nil)

	// Confirming before claiming is refused.
	var got struct {
		PickList app.PickList `json:"pick_list"`
	}
	e.do(app.Picker, "GET", fmt.Sprintf("/api/v1/pick-lists/%d", built.PickLists[0].ID), "").must(t, http.StatusOK, &got)
	tee, milk := got.PickList.Stops[0], got.PickList.Stops[1]
	confirm := func(role app.Role, task int64, body string) *response {
		return e.do(role, "POST", fmt.Sprintf("/api/v1/pick-tasks/%d/confirm", task), body)
	}
	res = confirm(app.Picker, tee.ID, `{"bin":"A1-02","item":"TEE"}`)
	if code, msg, _ := res.errorOf(t); res.Status != http.StatusConflict || code != app.ECONFLICT || !strings.Contains(msg, "claim it") {
		t.Fatalf("confirm before claiming: %d %s", res.Status, res.Body)
	}
	e.do(app.Picker, "POST", "/api/v1/pick-lists/claim", "").must(t, http.StatusOK, &got)
	if got.PickList.ClaimedBy != "picker" || got.PickList.ClaimExpiresAt == nil {
		t.Fatalf("claimed %+v", got.PickList)
	}
	res = e.do(app.Clerk, "POST", fmt.Sprintf("/api/v1/pick-lists/%d/claim", got.PickList.ID), "")
	if code, msg, _ := res.errorOf(t); res.Status != http.StatusConflict || code != app.ECONFLICT || !strings.Contains(msg, "claimed by picker") {
		t.Fatalf("clerk claims picker's list: %d %s", res.Status, res.Body)
	}

	before := e.counts()
	for _, bad := range []struct {
		body, field, msg string
	}{
		{`{"bin":"A1-03","item":"TEE"}`, "bin", "this stop is bin A1-02"},
		{`{"bin":"A1-02","item":"CAP"}`, "item", "this stop is TEE"},
		{`{"bin":"A1-02","item":"NOPE"}`, "item", "is not a SKU, GTIN or case barcode"},
		{`{"bin":"A1-02","item":"CASE-TEE","qty":2}`, "qty", "12 is more than the 8 left"},
		{`{"bin":"A1-02","item":"TEE","qty":0}`, "qty", "from 1"},
		{`{"bin":"A1-02","item":"TEE","extra":1}`, "extra", ""},
	} {
		res := confirm(app.Picker, tee.ID, bad.body)
		code, msg, field := res.errorOf(t)
		if res.Status != http.StatusBadRequest || code != app.EINVALID || field != bad.field || !strings.Contains(msg, bad.msg) {
			t.Errorf("%s: %d %s, want field %s: %s", bad.body, res.Status, res.Body, bad.field, bad.msg)
		}
	}
	for _, bad := range []struct {
		body, msg string
	}{
		{`{"bin":"A1-05","item":"MILK"}`, "scan lot L1"},
		{`{"bin":"A1-05","item":"MILK","lot":"L2"}`, "take lot L1"},
		{`{"bin":"A1-05","item":"(01)09506000134369(10)L1(17)270228"}`, "expires 2027-02-28, but lot L1 expires 2027-01-31"},
		{`{"bin":"A1-05","item":"(01)09506000134369(10)L1","lot":"L2"}`, "does not match lot L1"},
	} {
		res := confirm(app.Picker, milk.ID, bad.body)
		code, msg, field := res.errorOf(t)
		if res.Status != http.StatusBadRequest || code != app.EINVALID || field != "lot" || !strings.Contains(msg, bad.msg) {
			t.Errorf("%s: %d %s, want lot: %s", bad.body, res.Status, res.Body, bad.msg)
		}
	}
	if after := e.counts(); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("refused confirmations wrote rows: %v -> %v", before, after)
	}

	// A case barcode counts its 6, then 2 singles by GTIN.
	var r app.PickResult
	confirm(app.Picker, tee.ID, `{"bin":"a1-02","item":"CASE-TEE"}`).must(t, http.StatusOK, &r)
	if r.Task.PickedQty != 6 || r.Task.Status != app.TaskOpen || r.Movement == 0 {
		t.Fatalf("case: %+v", r)
	}
	confirm(app.Picker, tee.ID, `{"bin":"A1-02","item":"09506000134352","qty":2}`).must(t, http.StatusOK, &r)
	if r.Task.Status != app.TaskPicked {
		t.Fatalf("singles: %+v", r)
	}
	// The GS1 barcode brings lot and expiry.
	confirm(app.Picker, milk.ID, `{"bin":"A1-05","item":"(01)09506000134369(17)270131(10)L1","qty":2}`).must(t, http.StatusOK, &r)
	if !r.OrderPicked || !r.ListDone || r.Task.Lot != "L1" {
		t.Fatalf("milk: %+v", r)
	}
	var order struct{ Order app.Order }
	e.do(app.Viewer, "GET", "/api/v1/orders/SO-1", "").must(t, http.StatusOK, &order)
	if order.Order.Status != app.OrderPicked {
		t.Fatalf("SO-1 is %s", order.Order.Status)
	}
	var stock struct{ Levels []app.Level }
	e.do(app.Viewer, "GET", "/api/v1/stock?location=PACK", "").must(t, http.StatusOK, &stock)
	var atPack, reserved int64
	for _, l := range stock.Levels {
		atPack += l.OnHand
		reserved += l.Reserved
	}
	if atPack != 10 || reserved != 10 {
		t.Fatalf("PACK holds %d, %d reserved; want 10 and 10: %s", atPack, reserved, fmt.Sprint(stock.Levels))
	}
}

func TestPickingAPIShortAndRelease(t *testing.T) {
	e := newPickingEnv(t)
	e.orderAndRelease("SO-2", `[{"sku":"CAP","qty":3}]`)
	var built struct {
		PickLists []app.PickList `json:"pick_lists"`
	}
	e.do(app.Clerk, "POST", "/api/v1/pick-lists", `{"kind":"batch"}`).must(t, http.StatusCreated, &built)
	id := built.PickLists[0].ID
	var got struct {
		PickList app.PickList `json:"pick_list"`
	}
	e.do(app.Picker, "POST", fmt.Sprintf("/api/v1/pick-lists/%d/claim", id), "").must(t, http.StatusOK, &got)
	task := got.PickList.Stops[0]
	// The picker gives it back, a manager may too.
	e.do(app.Picker, "POST", fmt.Sprintf("/api/v1/pick-lists/%d/release", id), "").must(t, http.StatusOK, &got)
	if got.PickList.Status != app.ListOpen {
		t.Fatalf("released %+v", got.PickList)
	}
	e.do(app.Picker, "POST", "/api/v1/pick-lists/claim", "").must(t, http.StatusOK, &got)
	short := fmt.Sprintf("/api/v1/pick-tasks/%d/short", task.ID)
	res := e.do(app.Picker, "POST", short, `{}`)
	if _, _, field := res.errorOf(t); res.Status != http.StatusBadRequest || field != "found" {
		t.Fatalf("short without found: %d %s", res.Status, res.Body)
	}
	var r app.PickResult
	e.do(app.Picker, "POST", short, `{"found":1}`).must(t, http.StatusOK, &r)
	if r.Task.Status != app.TaskShort || r.Task.PickedQty != 1 || r.Backordered != 2 || r.CountRequest == 0 || !r.OrderPicked {
		t.Fatalf("short: %+v", r)
	}
	res = e.do(app.Picker, "POST", "/api/v1/pick-lists/claim", "")
	if code, _, _ := res.errorOf(t); res.Status != http.StatusNotFound || code != app.ENOTFOUND {
		t.Fatalf("claim with nothing waiting: %d %s", res.Status, res.Body)
	}
	e.do(app.Picker, "GET", "/api/v1/pick-lists/x", "").must(t, http.StatusBadRequest, nil)
	e.do(app.Picker, "GET", "/api/v1/pick-lists/999", "").must(t, http.StatusNotFound, nil)
}

// TestPickingAPIClaimRace: 20 pickers, each with a token, ask for the next
// list at the same instant over HTTP; 12 lists wait. Every list goes to one
// picker, and the 8 left over are told none is waiting.
func TestPickingAPIClaimRace(t *testing.T) {
	e := newPickingEnv(t)
	ctx := context.Background()
	for i := range 12 {
		e.orderAndRelease(fmt.Sprintf("SO-%d", i), `[{"sku":"TEE","qty":1}]`)
		e.do(app.Manager, "POST", "/api/v1/pick-lists", `{"kind":"single"}`).must(t, http.StatusCreated, nil)
	}
	tokens := make([]string, 20)
	for i := range tokens {
		name := fmt.Sprintf("picker%d", i+1)
		if _, err := e.db.AddUser(ctx, name, app.Picker, "password-"+name); err != nil {
			t.Fatal(err)
		}
		var err error
		if tokens[i], err = e.db.CreateToken(ctx, name, "race"); err != nil {
			t.Fatal(err)
		}
	}
	start := make(chan struct{})
	type got struct {
		status int
		list   app.PickList
	}
	results := make([]got, len(tokens))
	errs := make(chan error, len(tokens))
	done := make(chan struct{})
	for i, tok := range tokens {
		go func() {
			defer func() { done <- struct{}{} }()
			<-start
			r, err := e.send(tok, "POST", "/api/v1/pick-lists/claim", "")
			if err != nil {
				errs <- err
				return
			}
			results[i].status = r.Status
			if r.Status == http.StatusOK {
				var b struct {
					PickList app.PickList `json:"pick_list"`
				}
				if err := json.Unmarshal(r.Body, &b); err != nil {
					errs <- err
				}
				results[i].list = b.PickList
			}
		}()
	}
	close(start)
	for range tokens {
		<-done
	}
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	owner := map[int64]string{}
	var none int
	for i, r := range results {
		name := fmt.Sprintf("picker%d", i+1)
		switch r.status {
		case http.StatusOK:
			if prev, dup := owner[r.list.ID]; dup {
				t.Fatalf("list %d given to %s and %s", r.list.ID, prev, name)
			}
			if r.list.ClaimedBy != name {
				t.Fatalf("%s got list %d claimed by %s", name, r.list.ID, r.list.ClaimedBy)
			}
			owner[r.list.ID] = name
		case http.StatusNotFound:
			none++
		default:
			t.Fatalf("%s: status %d", name, r.status)
		}
	}
	if len(owner) != 12 || none != 8 {
		t.Fatalf("%d lists given, %d pickers told none waits; want 12 and 8", len(owner), none)
	}
}
