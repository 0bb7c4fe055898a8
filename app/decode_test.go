package app_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"depot/app"
)

func TestDecodePostMovement(t *testing.T) {
	body := `{
		"kind": "receive",
		"idempotency_key": "po-7-r1",
		"reference": {"type": "po", "id": "7"},
		"note": "first pallet",
		"effective_at": "2025-01-31T14:05:00.123+01:00",
		"lines": [
			{"sku": "W-1", "qty": 100, "to": "DOCK"},
			{"sku": "MILK", "qty": 12, "to": "DOCK", "lot": {"code": "L1", "expires_on": "2027-01-31"}, "from": null}
		]
	}`
	cmd, err := app.DecodePostMovement([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if cmd.Kind != app.Receive || cmd.IdempotencyKey != "po-7-r1" || cmd.Note != "first pallet" {
		t.Errorf("kind, key, note = %q, %q, %q", cmd.Kind, cmd.IdempotencyKey, cmd.Note)
	}
	if cmd.Reference == nil || *cmd.Reference != (app.Reference{Type: "po", ID: "7"}) {
		t.Errorf("reference = %+v, want po 7", cmd.Reference)
	}
	want := time.Date(2025, 1, 31, 13, 5, 0, 123e6, time.UTC)
	if cmd.EffectiveAt == nil || !cmd.EffectiveAt.Equal(want) {
		t.Errorf("effective_at = %v, want %v", cmd.EffectiveAt, want)
	}
	if len(cmd.Lines) != 2 {
		t.Fatalf("lines = %+v, want 2", cmd.Lines)
	}
	if l := cmd.Lines[0]; l.SKU != "W-1" || l.Qty != 100 || l.To != "DOCK" || l.From != "" || l.Lot != nil || l.Counted != nil {
		t.Errorf("lines[0] = %+v", l)
	}
	if l := cmd.Lines[1]; l.SKU != "MILK" || l.Qty != 12 || l.Lot == nil || *l.Lot != (app.LotRef{Code: "L1", ExpiresOn: "2027-01-31"}) {
		t.Errorf("lines[1] = %+v", l)
	}
	if cmd.UserID != 0 {
		t.Errorf("UserID = %d, want 0: never from the body", cmd.UserID)
	}

	count, err := app.DecodePostMovement([]byte(`{"kind":"count","idempotency_key":"c1","lines":[{"sku":"W-1","location":"A-01","counted":0}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if l := count.Lines[0]; l.Location != "A-01" || l.Counted == nil || *l.Counted != 0 {
		t.Errorf("count line = %+v, want A-01 counted 0", l)
	}
}

func TestDecodePostMovementErrors(t *testing.T) {
	for _, tc := range []struct {
		name, body, field, msg string
	}{
		{"Empty", ``, "body", "is empty"},
		{"Blank", " \n\t", "body", "is empty"},
		{"Array", `[]`, "body", "must be a JSON object, not an array"},
		{"Null", `null`, "body", "must be a JSON object, not null"},
		{"String", `"receive"`, "body", "must be a JSON object, not a string"},
		{"Truncated", `{"kind":"receive",`, "body", "ends early at line 1, column 19 (byte offset 18)"},
		{"TruncatedString", `{"kind":"rec`, "body", "ends early"},
		{"MissingColon", `{"kind" "move"}`, "body", "at line 1, column 9 (byte offset 8)"},
		{"BadLiteral", "{\n  \"kind\": \"move\",\n  \"lines\": [tru]\n}", "body", "at line 3, column 16 (byte offset 35)"},
		{"BadLastByte", `{"kind":"move"x`, "body", "at line 1, column 15 (byte offset 14): invalid character 'x'"},
		{"TrailingComma", `{"kind":"move",}`, "body", "not valid JSON"},
		{"TrailingObject", `{"kind":"move"} {"kind":"ship"}`, "body", "has more after the JSON object (line 1, column 17)"},
		{"TrailingGarbage", `{"kind":"move"} x`, "body", "not valid JSON"},
		{"UnknownTop", `{"kind":"move","kindd":"x"}`, "kindd", "is not a known field; use kind, idempotency_key,"},
		{"EmptyKey", `{"":1}`, `""`, "is not a known field"},
		{"EmptyKeyInLine", `{"lines":[{"":1}]}`, `lines[0].""`, "is not a known field"},
		{"UnknownCase", `{"Kind":"move"}`, "Kind", "is not a known field"},
		{"UserIDRefused", `{"kind":"move","UserID":1}`, "UserID", "is not a known field"},
		{"UnknownLine", `{"lines":[{"sku":"A","qty":1},{"sku":"A","quantity":1}]}`, "lines[1].quantity", "is not a known field; use sku, qty, from, to, lot, location, counted"},
		{"UnknownLot", `{"lines":[{"sku":"A","lot":{"code":"L","expiry":"x"}}]}`, "lines[0].lot.expiry", "is not a known field; use code, expires_on"},
		{"UnknownReference", `{"reference":{"type":"po","number":"7"}}`, "reference.number", "is not a known field"},
		{"DuplicateKey", `{"kind":"move","kind":"ship"}`, "kind", "appears twice"},
		{"DuplicateLineKey", `{"lines":[{"qty":1,"qty":2}]}`, "lines[0].qty", "appears twice"},
		{"QtyFraction", `{"lines":[{"sku":"A","qty":1.5}]}`, "lines[0].qty", "must be a whole number, not 1.5"},
		{"QtyString", `{"lines":[{"sku":"A","qty":"3"}]}`, "lines[0].qty", "must be a whole number, not a string"},
		{"QtyExponent", `{"lines":[{"sku":"A","qty":1e3}]}`, "lines[0].qty", "must be a whole number, not 1e3"},
		{"QtyHuge", `{"lines":[{"sku":"A","qty":99999999999999999999}]}`, "lines[0].qty", "must be a whole number; 99999999999999999999 is out of range"},
		{"QtyBool", `{"lines":[{"sku":"A","qty":true}]}`, "lines[0].qty", "must be a whole number, not true"},
		{"QtyObject", `{"lines":[{"sku":"A","qty":{}}]}`, "lines[0].qty", "must be a whole number, not an object"},
		{"CountedFraction", `{"lines":[{"sku":"A","counted":0.5}]}`, "lines[0].counted", "must be a whole number, not 0.5"},
		{"KindNumber", `{"kind":5}`, "kind", "must be a string, not the number 5"},
		{"SKUArray", `{"lines":[{"sku":["A"]}]}`, "lines[0].sku", "must be a string, not an array"},
		{"LinesObject", `{"lines":{}}`, "lines", "must be an array, not an object"},
		{"LineNumber", `{"lines":[1]}`, "lines[0]", "must be an object, not the number 1"},
		{"ReferenceString", `{"reference":"po-7"}`, "reference", "must be an object, not a string"},
		{"ReversesBool", `{"reverses":true}`, "reverses", "must be a whole number, not true"},
		{"ReversesFraction", `{"reverses":1.0}`, "reverses", "must be a whole number, not 1.0"},
		{"EffectiveAtWords", `{"effective_at":"yesterday"}`, "effective_at", `"yesterday" is not an RFC 3339 instant`},
		{"EffectiveAtNoZone", `{"effective_at":"2025-01-31T14:05:00"}`, "effective_at", "is not an RFC 3339 instant"},
		{"EffectiveAtNumber", `{"effective_at":1738332300000}`, "effective_at", "must be an RFC 3339 instant"},
		{"LotString", `{"lines":[{"sku":"A","lot":"L1"}]}`, "lines[0].lot", "must be an object, not a string"},
		{"LongKeyClipped", `{"` + strings.Repeat("k", 100) + `":1}`, strings.Repeat("k", 64) + "...", "is not a known field"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := app.DecodePostMovement([]byte(tc.body))
			var e *app.Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v (%T), want *app.Error", err, err)
			}
			if e.Code != app.EINVALID || e.Field != tc.field || !strings.Contains(e.Message, tc.msg) {
				t.Errorf("err = %s %q %q, want invalid %q with message containing %q", e.Code, e.Field, e.Message, tc.field, tc.msg)
			}
		})
	}
}

func TestDecodePostMovementTooManyLines(t *testing.T) {
	line := `{"sku":"A","qty":1}`
	body := `{"lines":[` + strings.Repeat(line+",", 10_000) + line + `]}`
	_, err := app.DecodePostMovement([]byte(body))
	if app.ErrorField(err) != "lines" || !strings.Contains(app.ErrorMessage(err), "more than 10000 items") {
		t.Errorf("err = %v, want lines: more than 10000 items", err)
	}
}

func TestDecodeJSONProduct(t *testing.T) {
	body := `{"name":"Widget","variants":[{"sku":"W-1","gtin":"4006381333931","track_lots":true,
		"attributes":{"size":"M","dims":[1, 2.5, {"deep":null}],"ok":false},
		"packagings":[{"name":"case","qty":12,"barcode":"CASE-12"}]}]}`
	var p app.NewProduct
	if err := app.DecodeJSON([]byte(body), &p); err != nil {
		t.Fatal(err)
	}
	v := p.Variants[0]
	if p.Name != "Widget" || v.SKU != "W-1" || v.GTIN != "4006381333931" || !v.TrackLots {
		t.Errorf("product = %+v", p)
	}
	if got, want := string(v.Attributes), `{"size":"M","dims":[1,2.5,{"deep":null}],"ok":false}`; got != want {
		t.Errorf("attributes = %s, want %s", got, want)
	}
	if len(v.Packagings) != 1 || v.Packagings[0] != (app.Packaging{Name: "case", Qty: 12, Barcode: "CASE-12"}) {
		t.Errorf("packagings = %+v", v.Packagings)
	}

	for _, tc := range []struct {
		name, body, field, msg string
	}{
		{"AttributesDuplicate", `{"variants":[{"attributes":{"a":1,"a":2}}]}`, "variants[0].attributes.a", "appears twice"},
		{"AttributesDeep", `{"variants":[{"attributes":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}]}`, "variants[0].attributes", "nests deeper than 64 levels"},
		{"AttributesBroken", `{"variants":[{"attributes":{"a":}}]}`, "body", "not valid JSON"},
		{"PackagingQty", `{"variants":[{"sku":"A","packagings":[{"name":"case","qty":"12"}]}]}`, "variants[0].packagings[0].qty", "must be a whole number"},
		{"TrackLotsString", `{"variants":[{"track_lots":"yes"}]}`, "variants[0].track_lots", "must be true or false, not a string"},
		{"GTINNumber", `{"variants":[{"gtin":4006381333931}]}`, "variants[0].gtin", "must be a string, not the number 4006381333931"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var p app.NewProduct
			err := app.DecodeJSON([]byte(tc.body), &p)
			if app.ErrorCode(err) != app.EINVALID || app.ErrorField(err) != tc.field || !strings.Contains(app.ErrorMessage(err), tc.msg) {
				t.Errorf("err = %v, want invalid %q containing %q", err, tc.field, tc.msg)
			}
		})
	}
}

func TestDecodeJSONNullAttributes(t *testing.T) {
	var l app.NewLocation
	if err := app.DecodeJSON([]byte(`{"code":"A-01","kind":"bin","attributes":null,"walk_seq":3}`), &l); err != nil {
		t.Fatal(err)
	}
	if l.Attributes != nil || l.WalkSeq != 3 || l.Kind != app.KindBin {
		t.Errorf("location = %+v, want no attributes, walk_seq 3, kind bin", l)
	}
}

func TestDecodeJSONCallerBugs(t *testing.T) {
	var m map[string]any
	if err := app.DecodeJSON([]byte(`{}`), &m); err == nil || app.ErrorCode(err) != app.EINTERNAL {
		t.Errorf("map target: err = %v, want a non-app error", err)
	}
	var s struct{ F float64 }
	if err := app.DecodeJSON([]byte(`{"F":1}`), &s); err == nil || app.ErrorCode(err) != app.EINTERNAL {
		t.Errorf("float field: err = %v, want a non-app error", err)
	}
}

// seedMovements are bodies the fuzzer starts from: good commands of every
// kind and the shapes of the usual mistakes.
var seedMovements = []string{
	`{"kind":"receive","idempotency_key":"k1","lines":[{"sku":"W-1","qty":100,"to":"DOCK"}]}`,
	`{"kind":"move","idempotency_key":"k2","lines":[{"sku":"W-1","qty":5,"from":"DOCK","to":"A-01"}]}`,
	`{"kind":"ship","idempotency_key":"k3","reference":{"type":"so","id":"42"},"lines":[{"sku":"W-1","qty":1,"from":"A-01"}]}`,
	`{"kind":"adjust","idempotency_key":"k4","reason":"damaged","note":"forklift","lines":[{"sku":"W-1","qty":2,"from":"A-01"}]}`,
	`{"kind":"count","idempotency_key":"k5","effective_at":"2025-01-31T14:05:00Z","lines":[{"sku":"W-1","location":"A-01","counted":7}]}`,
	`{"kind":"return","idempotency_key":"k6","lines":[{"sku":"MILK","qty":1,"to":"A-02","lot":{"code":"L1","expires_on":"2027-01-31"}}]}`,
	`{"kind":"reversal","idempotency_key":"k7","reverses":3}`,
	`{"kind":"receive","idempotency_key":"k8","lines":[{"sku":"W-1","qty":1.5,"to":"DOCK"}]}`,
	`{"kind":"receive","idempotency_key":"k9","lines":[{"sku":"W-1","qty":"3","to":"DOCK"}]}`,
	`{"kind":"receive","kind":"ship"}`,
	`{"kind":"receive","lines":[{"sku":"W-1","qty":1,"extra":{"a":[1,2]}}]}`,
	`{"kind":"receive","lines":[{"sku":"\u00e9\ud83d\ude00","qty":-0,"to":null}]}`,
	`{"kind":"receive",`,
	`[{"kind":"receive"}]`,
	`{"effective_at":"2025-13-01T00:00:00Z","reverses":9223372036854775807}`,
	"{\"note\":\"\xff\xfe\"}",
	``,
}

func FuzzDecodePostMovement(f *testing.F) {
	for _, s := range seedMovements {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		cmd, err := app.DecodePostMovement(body)
		if err != nil {
			var e *app.Error
			if !errors.As(err, &e) || e.Code != app.EINVALID || e.Field == "" {
				t.Fatalf("err = %#v, want *app.Error invalid with a field", err)
			}
			if len(e.Message) > 1000 || len(e.Field) > 200 {
				t.Fatalf("error too long: field %d bytes, message %d bytes", len(e.Field), len(e.Message))
			}
			return
		}
		if cmd.UserID != 0 {
			t.Fatalf("UserID = %d from the body", cmd.UserID)
		}
		// What decodes must survive a round trip unchanged.
		out, err := json.Marshal(cmd)
		if err != nil {
			t.Fatal(err)
		}
		again, err := app.DecodePostMovement(out)
		if err != nil {
			t.Fatalf("re-decoding %s: %v", out, err)
		}
		if out2, _ := json.Marshal(again); !bytes.Equal(out, out2) {
			t.Fatalf("round trip changed the command:\n%s\n%s", out, out2)
		}
		// Stricter than encoding/json, never looser or different.
		var std app.PostMovement
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&std); err != nil {
			t.Fatalf("encoding/json refuses what DecodePostMovement took: %v", err)
		}
		if stdOut, _ := json.Marshal(std); !bytes.Equal(out, stdOut) {
			t.Fatalf("encoding/json decodes differently:\n%s\n%s", out, stdOut)
		}
	})
}
