package app

import (
	"encoding/json"
	"testing"
	"time"
)

func TestPostReceiptValidate(t *testing.T) {
	today := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	line := func(l ReceiptLineInput) PostReceipt {
		return PostReceipt{PO: "PO-1", IdempotencyKey: "k", Lines: []ReceiptLineInput{l}}
	}
	for _, tc := range []struct {
		name  string
		cmd   PostReceipt
		field string // "" when valid
	}{
		{"Good", line(ReceiptLineInput{SKU: " W-1 ", Qty: 3, Lot: "L1", ExpiresOn: "2027-01-01", ManufacturedOn: "2026-01-01"}), ""},
		{"ShortWithoutQty", line(ReceiptLineInput{SKU: "W-1", Condition: ReceiptShort}), ""},
		{"WrongItemByScan", line(ReceiptLineInput{Scanned: "0123", Qty: 1, Condition: ReceiptWrongItem}), ""},
		{"NoKey", PostReceipt{PO: "PO-1", Lines: []ReceiptLineInput{{SKU: "W", Qty: 1}}}, "idempotency_key"},
		{"LongKey", PostReceipt{PO: "PO-1", IdempotencyKey: string(make([]byte, 191)), Lines: []ReceiptLineInput{{SKU: "W", Qty: 1}}}, "idempotency_key"},
		{"NoDockNoPO", PostReceipt{IdempotencyKey: "k", Lines: []ReceiptLineInput{{SKU: "W", Qty: 1}}}, "dock"},
		{"NoLines", PostReceipt{PO: "PO-1", IdempotencyKey: "k"}, "lines"},
		{"NoSKU", line(ReceiptLineInput{Qty: 1}), "lines[0].sku"},
		{"ScannedOnGoodLine", line(ReceiptLineInput{SKU: "W", Scanned: "x", Qty: 1}), "lines[0].scanned"},
		{"WrongItemNeedsSomething", line(ReceiptLineInput{Qty: 1, Condition: ReceiptWrongItem}), "lines[0].sku"},
		{"NegativeQty", line(ReceiptLineInput{SKU: "W", Qty: -1}), "lines[0].qty"},
		{"ShortWithLot", line(ReceiptLineInput{SKU: "W", Condition: ReceiptShort, Lot: "L"}), "lines[0].lot"},
		{"Over", line(ReceiptLineInput{SKU: "W", Qty: 1, Condition: ReceiptOver}), "lines[0].condition"},
		{"Unknown", line(ReceiptLineInput{SKU: "W", Qty: 1, Condition: "lost"}), "lines[0].condition"},
		{"BadExpiry", line(ReceiptLineInput{SKU: "W", Qty: 1, Lot: "L", ExpiresOn: "27-01-01"}), "lines[0].expiry"},
		{"MadeAfterExpiry", line(ReceiptLineInput{SKU: "W", Qty: 1, Lot: "L", ExpiresOn: "2026-01-01", ManufacturedOn: "2026-02-01"}), "lines[0].manufactured_on"},
		{"MadeTomorrow", line(ReceiptLineInput{SKU: "W", Qty: 1, Lot: "L", ManufacturedOn: "2026-11-28"}), "lines[0].manufactured_on"},
		{"DatesWithoutLot", line(ReceiptLineInput{SKU: "W", Qty: 1, ExpiresOn: "2027-01-01"}), "lines[0].lot"},
		{"LotWithSpace", line(ReceiptLineInput{SKU: "W", Qty: 1, Lot: "L 1"}), "lines[0].lot"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cmd.Validate(today)
			if ErrorField(err) != tc.field || (tc.field == "") != (err == nil) {
				t.Fatalf("err = %v, want field %q", err, tc.field)
			}
		})
	}
	c := line(ReceiptLineInput{SKU: " W-1 ", Qty: 1})
	if err := c.Validate(today); err != nil || c.Lines[0].SKU != "W-1" || c.Lines[0].Condition != ReceiptOK {
		t.Errorf("normalized %+v, %v", c.Lines[0], err)
	}
}

func TestExpiryNeedsConfirm(t *testing.T) {
	today := time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)
	for expires, want := range map[string]string{
		"2026-11-27": "",
		"2026-11-26": "expired on 2026-11-26",
		"2031-11-27": "",
		"2031-11-28": "expires on 2031-11-28, more than 5 years from today",
		"":           "",
	} {
		if got := ExpiryNeedsConfirm(expires, today, 5); got != want {
			t.Errorf("%q: %q, want %q", expires, got, want)
		}
	}
}

func TestOverToleranceOK(t *testing.T) {
	for _, tc := range []struct {
		ordered, received int64
		pct               int
		want              bool
	}{{20, 22, 10, true}, {20, 23, 10, false}, {24, 26, 10, true}, {24, 27, 10, false}, {10, 10, 0, true}, {10, 11, 0, false}} {
		if got := OverToleranceOK(tc.ordered, tc.received, tc.pct); got != tc.want {
			t.Errorf("%d of %d at %d%%: %v", tc.received, tc.ordered, tc.pct, got)
		}
	}
}

func TestIsQuarantinePlace(t *testing.T) {
	for raw, want := range map[string]bool{`{"quarantine":true}`: true, `{"quarantine":false}`: false, `{}`: false,
		`{"quarantine":"yes"}`: false, `not json`: false} {
		if got := IsQuarantinePlace(json.RawMessage(raw)); got != want {
			t.Errorf("%s: %v", raw, got)
		}
	}
}

// FuzzDecodePostReceipt feeds arbitrary bodies of POST /api/v1/receipts
// through the strict decoder and Validate: an error is an invalid-input
// error naming a field; what passes is normalized (stable under a second
// Validate) and keeps every line within the rules.
func FuzzDecodePostReceipt(f *testing.F) {
	for _, s := range []string{
		`{"po":"PO-1","idempotency_key":"k","lines":[{"sku":"W-1","qty":3,"lot":"L1","expiry":"2027-01-01"}]}`,
		`{"dock":"DOCK-1","idempotency_key":"k","confirm":true,"lines":[{"sku":"W","qty":1,"condition":"damaged","note":" x "}]}`,
		`{"po":"PO-1","idempotency_key":"k","lines":[{"scanned":"0123\u001d","qty":1,"condition":"wrong_item"},{"sku":"W","condition":"short"}]}`,
		`{"po":"PO-1","idempotency_key":"k","lines":[{"sku":"W","qty":1,"manufactured_on":"2026-02-30","lot":"L"}]}`,
		`{"po":"","lines":[]}`, `{"lines":[{"qty":-1}]}`, `[]`, ``,
	} {
		f.Add([]byte(s))
	}
	today := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		var cmd PostReceipt
		err := DecodeJSON(body, &cmd)
		if err == nil {
			err = cmd.Validate(today)
		}
		if err != nil {
			if ErrorCode(err) != EINVALID || ErrorField(err) == "" {
				t.Fatalf("err = %#v, want invalid with a field", err)
			}
			return
		}
		if cmd.UserID != 0 {
			t.Fatalf("UserID %d from the body", cmd.UserID)
		}
		before, _ := json.Marshal(cmd)
		if err := cmd.Validate(today); err != nil {
			t.Fatalf("a valid command fails a second Validate: %v", err)
		}
		if after, _ := json.Marshal(cmd); string(after) != string(before) {
			t.Fatalf("Validate is not stable:\n%s\n%s", before, after)
		}
		if cmd.IdempotencyKey == "" || len(cmd.Lines) == 0 || (cmd.PO == "" && cmd.Dock == "") {
			t.Fatalf("valid without key, lines or place: %s", before)
		}
		for i, l := range cmd.Lines {
			switch l.Condition {
			case ReceiptOK, ReceiptDamaged:
				if l.Qty < 1 || l.Qty > MaxQty || l.SKU == "" {
					t.Fatalf("line %d: %+v", i, l)
				}
			case ReceiptWrongItem:
				if l.Qty < 1 || (l.SKU == "" && l.Scanned == "") || cmd.PO == "" {
					t.Fatalf("line %d: %+v", i, l)
				}
			case ReceiptShort:
				if l.Qty < 0 || l.Lot != "" || cmd.PO == "" {
					t.Fatalf("line %d: %+v", i, l)
				}
			default:
				t.Fatalf("line %d: condition %q passed", i, l.Condition)
			}
		}
	})
}
