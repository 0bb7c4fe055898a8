package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"depot/app"
	"depot/app/sqlite"
	"depot/app/sqlite/shiptest"
	"depot/app/web"
)

// newTransferEnv is the API env with the transfer and return services, over
// two sites: WH (bin A-01, quarantine place Q-1) and S2 (bin B-01, dock
// D-2), with 10 of SKU-1 at A-01.
func newTransferEnv(t testing.TB) *env {
	t.Helper()
	e := newEnv(t, nil)
	e.srv.Close()
	e.srv = httptest.NewServer(web.NewHandler(web.Services{Ledger: e.db, Catalog: e.db, Auth: e.db,
		Transfers: e.db, Returns: e.db}, nil))
	t.Cleanup(e.srv.Close)
	mustSites(t, e.db)
	return e
}

// mustSites makes the places, SKU-1 and its stock of newTransferEnv.
func mustSites(t testing.TB, db *sqlite.DB) {
	t.Helper()
	ctx := context.Background()
	for _, l := range []app.NewLocation{
		{Code: "WH", Kind: app.KindSite}, {Code: "A-01", Kind: app.KindBin, Parent: "WH"},
		{Code: "Q-1", Kind: app.KindBin, Parent: "WH", Attributes: json.RawMessage(`{"quarantine":true}`)},
		{Code: "S2", Kind: app.KindSite}, {Code: "B-01", Kind: app.KindBin, Parent: "S2"}, {Code: "D-2", Kind: app.KindDock, Parent: "S2"},
	} {
		if _, err := db.CreateLocation(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.CreateProduct(ctx, app.NewProduct{Name: "Widget", Variants: []app.NewVariant{{SKU: "SKU-1"}}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.PostMovement(ctx, app.PostMovement{Kind: app.Receive, IdempotencyKey: "seed",
		Lines: []app.MovementLine{{SKU: "SKU-1", Qty: 10, To: "A-01"}}}); err != nil {
		t.Fatal(err)
	}
}

func (e *env) rows(table string) int {
	e.t.Helper()
	var n int
	if err := e.raw.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func TestTransfersAPI(t *testing.T) {
	e := newTransferEnv(t)
	create := `{"number":"T-1","from":"WH","to":"S2","lines":[{"sku":"SKU-1","qty":4,"from":"A-01"}]}`
	var got struct{ Transfer app.Transfer }
	r := e.do(app.Clerk, "POST", "/api/v1/transfers", create).must(t, http.StatusCreated, &got)
	if r.Header.Get("Location") != "/api/v1/transfers/T-1" || got.Transfer.Status != "open" || len(got.Transfer.Lines) != 1 {
		t.Fatalf("create: %s %s", r.Header.Get("Location"), r.Body)
	}
	if r := e.do(app.Clerk, "POST", "/api/v1/transfers", create).must(t, http.StatusOK, nil); r.Header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("create again: no replay header")
	}
	for _, role := range []app.Role{app.Viewer, app.Packer, app.Picker} {
		if r := e.do(role, "POST", "/api/v1/transfers/T-1/ship", ""); r.Status != http.StatusForbidden {
			t.Errorf("%s ships: %d %s", role, r.Status, r.Body)
		}
	}
	// A clerk may not post a bare transfer_out: transit holds transfers only.
	if r := e.do(app.Clerk, "POST", "/api/v1/movements", `{"kind":"transfer_out","idempotency_key":"x","lines":[{"sku":"SKU-1","qty":1,"from":"A-01"}]}`); r.Status != http.StatusForbidden {
		t.Errorf("clerk posts transfer_out: %d %s", r.Status, r.Body)
	}

	before := e.rows("transfers")
	for _, tc := range []struct {
		name, body, field string
		status            int
	}{
		{"BinAtOtherSite", `{"number":"T-2","from":"WH","to":"S2","lines":[{"sku":"SKU-1","qty":4,"from":"B-01"}]}`, "lines[0].from", 400},
		{"NotASite", `{"number":"T-2","from":"WH","to":"B-01","lines":[{"sku":"SKU-1","qty":4,"from":"A-01"}]}`, "to", 400},
		{"UnknownKey", `{"number":"T-2","from":"WH","to":"S2","when":"now","lines":[]}`, "when", 400},
		{"QtyText", `{"number":"T-2","from":"WH","to":"S2","lines":[{"sku":"SKU-1","qty":"4","from":"A-01"}]}`, "lines[0].qty", 400},
		{"NumberTaken", `{"number":"t-1","from":"WH","to":"S2","lines":[{"sku":"SKU-1","qty":5,"from":"A-01"}]}`, "number", 409},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do(app.Clerk, "POST", "/api/v1/transfers", tc.body)
			if r.Status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.Status, tc.status, r.Body)
			}
			if _, _, field := r.errorOf(t); field != tc.field {
				t.Errorf("field %q, want %q: %s", field, tc.field, r.Body)
			}
		})
	}
	if e.rows("transfers") != before {
		t.Fatal("a refused transfer was written")
	}

	r = e.do(app.Clerk, "POST", "/api/v1/transfers/T-1/ship", `{"tracking":"VAN-1"}`)
	if _, _, field := r.errorOf(t); r.Status != 400 || field != "carrier" {
		t.Fatalf("tracking without a carrier: %d %s", r.Status, r.Body)
	}
	e.do(app.Clerk, "POST", "/api/v1/transfers/T-1/ship", `{"carrier":"own van","tracking":"VAN-1"}`).must(t, http.StatusOK, &got)
	if got.Transfer.Status != "shipped" || got.Transfer.ShipMovement == 0 || got.Transfer.Lines[0].InTransit != 4 || got.Transfer.Tracking != "VAN-1" {
		t.Fatalf("ship: %+v", got.Transfer)
	}
	if r := e.do(app.Clerk, "POST", "/api/v1/transfers/T-1/ship", "").must(t, http.StatusOK, nil); r.Header.Get("Idempotent-Replayed") != "true" {
		t.Error("shipping again: no replay header")
	}
	var transit struct {
		InTransit []app.InTransit `json:"in_transit"`
	}
	e.do(app.Viewer, "GET", "/api/v1/in-transit?sku=SKU-1", "").must(t, http.StatusOK, &transit)
	if len(transit.InTransit) != 1 || transit.InTransit[0].Transfer != "T-1" || transit.InTransit[0].Qty != 4 || transit.InTransit[0].To != "S2" {
		t.Fatalf("in transit: %+v", transit)
	}

	part := `{"idempotency_key":"k1","lines":[{"line":1,"qty":1,"to":"B-01"}]}`
	e.do(app.Clerk, "POST", "/api/v1/transfers/T-1/receive", part).must(t, http.StatusOK, &got)
	if got.Transfer.Status != "shipped" || got.Transfer.Lines[0].Received != 1 || got.Transfer.Lines[0].InTransit != 3 {
		t.Fatalf("part receipt: %+v", got.Transfer)
	}
	if r := e.do(app.Clerk, "POST", "/api/v1/transfers/T-1/receive", part).must(t, http.StatusOK, &got); r.Header.Get("Idempotent-Replayed") != "true" || got.Transfer.Lines[0].Received != 1 {
		t.Errorf("the same receipt again: %s", r.Body)
	}
	r = e.do(app.Clerk, "POST", "/api/v1/transfers/T-1/receive", `{"idempotency_key":"k2","to":"D-2","lines":[{"line":1,"qty":9}]}`)
	if _, msg, field := r.errorOf(t); r.Status != 400 || field != "lines[0].qty" || !strings.Contains(msg, "has 3 in transit") {
		t.Errorf("over-receipt: %d %s", r.Status, r.Body)
	}
	r = e.do(app.Clerk, "POST", "/api/v1/transfers/T-1/receive", `{"idempotency_key":"k3","to":"A-01"}`)
	if _, _, field := r.errorOf(t); r.Status != 400 || field != "to" {
		t.Errorf("receipt at the source site: %d %s", r.Status, r.Body)
	}
	var list struct{ Transfers []app.TransferSummary }
	e.do(app.Viewer, "GET", "/api/v1/transfers?status=shipped", "").must(t, http.StatusOK, &list)
	if len(list.Transfers) != 1 || list.Transfers[0].InTransit != 3 {
		t.Errorf("list: %+v", list)
	}
	if r := e.do(app.Viewer, "GET", "/api/v1/transfers?status=lost", ""); r.Status != 400 {
		t.Errorf("bad status filter: %d", r.Status)
	}
	e.do(app.Clerk, "POST", "/api/v1/transfers/T-1/receive", `{"idempotency_key":"k4","to":"D-2"}`).must(t, http.StatusOK, &got)
	if got.Transfer.Status != "received" || len(got.Transfer.ReceiveMovements) != 2 {
		t.Fatalf("receiving the rest: %+v", got.Transfer)
	}
	e.do(app.Viewer, "GET", "/api/v1/transfers/t-1", "").must(t, http.StatusOK, &got)
	if got.Transfer.Lines[0].To != "D-2" || got.Transfer.Lines[0].Received != 4 {
		t.Errorf("get: %+v", got.Transfer)
	}
	if r := e.do(app.Viewer, "GET", "/api/v1/transfers/NOPE", ""); r.Status != 404 {
		t.Errorf("unknown transfer: %d", r.Status)
	}
}

func TestReturnsAPI(t *testing.T) {
	e := newTransferEnv(t)
	shiptest.ShippedOrder(t, e.db, e.raw, "SO-1", "TRK-1", "A-01", shiptest.Line{SKU: "SKU-1", Qty: 3})
	body := `{"idempotency_key":"rma-1","tracking":"TRK-1","lines":[{"sku":"SKU-1","qty":2,"disposition":"restock","location":"A-01"},{"sku":"SKU-1","qty":1,"disposition":"scrap"}]}`
	if r := e.do(app.Viewer, "POST", "/api/v1/returns", body); r.Status != http.StatusForbidden {
		t.Fatalf("viewer receives a return: %d", r.Status)
	}
	var got struct{ Return app.CustomerReturn }
	r := e.do(app.Clerk, "POST", "/api/v1/returns", body).must(t, http.StatusCreated, &got)
	if got.Return.Order != "SO-1" || len(got.Return.Lines) != 2 || got.Return.Lines[1].Location != "adjustment" || got.Return.User != "clerk" {
		t.Fatalf("return: %s", r.Body)
	}
	loc := r.Header.Get("Location")
	if r := e.do(app.Clerk, "POST", "/api/v1/returns", body).must(t, http.StatusOK, nil); r.Header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("the same return again: no replay header")
	}
	movements := e.rows("movements")
	r = e.do(app.Clerk, "POST", "/api/v1/returns", `{"idempotency_key":"rma-2","order":"SO-1","lines":[{"sku":"SKU-1","qty":1,"disposition":"quarantine"}]}`)
	if _, msg, field := r.errorOf(t); r.Status != 400 || field != "lines[0].qty" || !strings.Contains(msg, "3 came back before") {
		t.Errorf("over-return: %d %s", r.Status, r.Body)
	}
	r = e.do(app.Clerk, "POST", "/api/v1/returns", `{"idempotency_key":"rma-3","order":"SO-1","tracking":"TRK-1","lines":[{"sku":"SKU-1","qty":1,"disposition":"scrap"}]}`)
	if _, _, field := r.errorOf(t); r.Status != 400 || field != "shipment" {
		t.Errorf("two sources: %d %s", r.Status, r.Body)
	}
	if e.rows("movements") != movements || e.rows("returns") != 1 {
		t.Fatal("a refused return wrote something")
	}
	e.do(app.Viewer, "GET", loc, "").must(t, http.StatusOK, &got)
	if got.Return.Lines[0].Qty != 2 || got.Return.Lines[0].Location != "A-01" || got.Return.Movement == 0 {
		t.Errorf("get %s: %+v", loc, got.Return)
	}
	var rt struct{ Returnable app.Returnable }
	e.do(app.Viewer, "GET", "/api/v1/returnable?scan=TRK-1", "").must(t, http.StatusOK, &rt)
	if rt.Returnable.Order != "SO-1" || len(rt.Returnable.Lines) != 1 || rt.Returnable.Lines[0].Shipped != 3 || rt.Returnable.Lines[0].Returned != 3 {
		t.Errorf("returnable: %+v", rt)
	}
	if r := e.do(app.Viewer, "GET", "/api/v1/returnable?scan=", ""); r.Status != 400 {
		t.Errorf("returnable without a scan: %d", r.Status)
	}
	if r := e.do(app.Viewer, "GET", "/api/v1/returns/abc", ""); r.Status != 400 {
		t.Errorf("bad id: %d", r.Status)
	}
	if r := e.do(app.Viewer, "GET", "/api/v1/returns/99", ""); r.Status != 404 {
		t.Errorf("unknown id: %d", r.Status)
	}
}
