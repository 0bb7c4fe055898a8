package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"depot/app"
	"depot/app/sqlite"
	"depot/app/web"
)

// scanEnv is the API with scan lookups over a catalog with Bolt B-M5 (GTIN
// 09506000134352, a case of 12 whose barcode is the case GTIN
// 10095060001347), bin A-1 and 5 of B-M5 in lot LOT42 (expires
// 2026-12-31) there.
func scanEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t, func(s *web.Services) { s.Scans = s.Catalog.(*sqlite.DB) })
	ctx := context.Background()
	if _, err := e.db.CreateProduct(ctx, app.NewProduct{Name: "Bolt M5", Variants: []app.NewVariant{{SKU: "B-M5", GTIN: "09506000134352", TrackLots: true,
		Packagings: []app.Packaging{{Name: "case", Qty: 12, Barcode: "10095060001347"}}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.CreateLocation(ctx, app.NewLocation{Code: "A-1", Kind: app.KindBin}); err != nil {
		t.Fatal(err)
	}
	e.post(app.Clerk, http.StatusCreated, `{"kind":"receive","idempotency_key":"r1","lines":[{"sku":"B-M5","qty":5,"to":"A-1","lot":{"code":"LOT42","expires_on":"2026-12-31"}}]}`)
	return e
}

func TestScanParseAPI(t *testing.T) {
	e := scanEnv(t)
	tests := []struct {
		name string
		code string
		want string // the exact JSON answer
	}{
		{"GS1DataMatrix", "]d2\u001d01095060001343521726123110LOT42\u001d21SER001",
			`{"code":"]d2\u001d01095060001343521726123110LOT42\u001d21SER001","aim":"]d2","symbology":"GS1 DataMatrix",` +
				`"data":"\u001d01095060001343521726123110LOT42\u001d21SER001",` +
				`"gs1":[{"ai":"01","title":"GTIN","value":"09506000134352"},{"ai":"17","title":"USE BY or EXPIRY","value":"261231"},` +
				`{"ai":"10","title":"BATCH/LOT","value":"LOT42"},{"ai":"21","title":"SERIAL","value":"SER001"}],` +
				`"hri":"(01)09506000134352(17)261231(10)LOT42(21)SER001","gtin":"09506000134352","lot":"LOT42","expires_on":"2026-12-31",` +
				`"serial":"SER001","kind":"variant","variant":{"sku":"B-M5","name":"Bolt M5"},"qty":1,` +
				`"lot_known":true,"lot_status":"available","lot_expires_on":"2026-12-31"}`},
		{"CaseWithCountAndWeight", "(01)10095060001347(11)260900(3103)014400(37)2",
			`{"code":"(01)10095060001347(11)260900(3103)014400(37)2","data":"(01)10095060001347(11)260900(3103)014400(37)2",` +
				`"gs1":[{"ai":"01","title":"GTIN","value":"10095060001347"},{"ai":"11","title":"PROD DATE","value":"260900"},` +
				`{"ai":"3103","title":"NET WEIGHT (kg)","value":"014400"},{"ai":"37","title":"COUNT","value":"2"}],` +
				`"hri":"(01)10095060001347(11)260900(3103)014400(37)2","gtin":"10095060001347","produced_on":"2026-09-30",` +
				`"count":2,"net_weight_mg":14400000,"kind":"packaging","variant":{"sku":"B-M5","name":"Bolt M5"},` +
				`"packaging":{"name":"case","qty":12},"qty":24}`},
		{"Bin", "]C0A-1", `{"code":"]C0A-1","aim":"]C0","symbology":"Code 128","data":"A-1","kind":"location","location":"A-1"}`},
		{"LotCode", "LOT42", `{"code":"LOT42","data":"LOT42","lot":"LOT42","kind":"lot","variant":{"sku":"B-M5","name":"Bolt M5"},` +
			`"lot_known":true,"lot_status":"available","lot_expires_on":"2026-12-31"}`},
		{"SSCC", "(00)106141412345678908", `{"code":"(00)106141412345678908","data":"(00)106141412345678908",` +
			`"gs1":[{"ai":"00","title":"SSCC","value":"106141412345678908"}],"hri":"(00)106141412345678908",` +
			`"sscc":"106141412345678908","kind":"shipping_unit"}`},
	}
	for _, role := range []app.Role{app.Viewer, app.Clerk, app.Picker, app.Packer} {
		for _, tt := range tests {
			t.Run(string(role)+"/"+tt.name, func(t *testing.T) {
				body, _ := json.Marshal(map[string]string{"code": tt.code})
				r := e.do(role, "POST", "/api/v1/scans/parse", string(body)).must(t, http.StatusOK, nil)
				var got, want any
				if err := json.Unmarshal(r.Body, &got); err != nil {
					t.Fatal(err)
				}
				if err := json.Unmarshal([]byte(tt.want), &want); err != nil {
					t.Fatal(err)
				}
				if d := cmp.Diff(want, got); d != "" {
					t.Errorf("POST /api/v1/scans/parse %q (-want +got):\n%s", tt.code, d)
				}
			})
		}
	}
}

func TestScanParseAPIErrors(t *testing.T) {
	e := scanEnv(t)
	before := e.counts()
	for _, tt := range []struct {
		name, token, body string
		status            int
		code, field, msg  string
	}{
		{"BadCheckDigit", "clerk", `{"code":"]C10109506000134353"}`, 400, "invalid", "code",
			`GS1 element (01) at position 19: check digit is 3, should be 2 (scan "]C10109506000134353")`},
		{"BadSSCCCheckDigit", "clerk", `{"code":"(00)106141412345678907"}`, 400, "invalid", "code",
			`GS1 element (00) at position 22: check digit is 7, should be 8 (scan "(00)106141412345678907")`},
		{"UnknownAI", "clerk", `{"code":"(23)123"}`, 400, "invalid", "code",
			`GS1 element string at position 2: unknown application identifier "23" (scan "(23)123")`},
		{"BadDate", "clerk", `{"code":"(01)09506000134352(17)260230"}`, 400, "invalid", "code",
			`GS1 element (17) at position 23: day 30 in date 260230 does not exist (scan "(01)09506000134352(17)260230")`},
		{"NotFound", "viewer", `{"code":"NOPE-1"}`, 404, "not_found", "code", `"NOPE-1" is not a SKU, GTIN, case barcode, location or lot`},
		{"UnknownEAN", "viewer", `{"code":"]E04006381333931"}`, 404, "not_found", "code",
			`"4006381333931" is not a SKU, GTIN, case barcode, location or lot`},
		{"UnknownGTIN", "viewer", `{"code":"(01)04006381333931(10)A"}`, 404, "not_found", "code",
			`the GTIN of (01)04006381333931(10)A is not the GTIN of a variant or the barcode of a case in depot`},
		{"Empty", "clerk", `{"code":"  "}`, 400, "invalid", "code", "is empty: scan or type a code"},
		{"Missing", "clerk", `{}`, 400, "invalid", "code", "is required: the scanned or typed code"},
		{"NotAString", "clerk", `{"code":42}`, 400, "invalid", "code", ""},
		{"UnknownField", "clerk", `{"code":"A-1","bin":"x"}`, 400, "invalid", "bin", ""},
		{"NoToken", "", `{"code":"A-1"}`, 401, "unauthorized", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := e.doToken(e.tokens[app.Role(tt.token)], "POST", "/api/v1/scans/parse", tt.body)
			if r.Status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.Status, tt.status, r.Body)
			}
			code, msg, field := r.errorOf(t)
			if code != tt.code || field != tt.field || (tt.msg != "" && msg != tt.msg) {
				t.Errorf("error {%s %s %q}, want {%s %s %q}", code, field, msg, tt.code, tt.field, tt.msg)
			}
		})
	}
	if d := cmp.Diff(before, e.counts()); d != "" {
		t.Errorf("a scan changed tables: %s", d)
	}
}
