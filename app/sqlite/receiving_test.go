package sqlite_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"depot/app"
	"depot/app/sqlite"
)

// receivingNow is the clock of the receiving tests: expiries are judged
// against it.
var receivingNow = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

// mustPurchaseOrder creates supplier ACME (once) and purchase order
// number at dock with lines of SKU and quantity, in line order, and sends
// it unless status is "draft".
func mustPurchaseOrder(tb testing.TB, db *sqlite.DB, number, status, dock string, lines ...any) {
	tb.Helper()
	ctx := context.Background()
	if _, _, err := db.CreateSupplier(ctx, app.NewSupplier{Code: "ACME", Name: "Acme Foods"}); err != nil {
		tb.Fatal(err)
	}
	o := app.NewPurchaseOrder{Number: number, Supplier: "ACME", Dock: dock}
	for i := 0; i+1 < len(lines); i += 2 {
		o.Lines = append(o.Lines, app.NewPOLine{SKU: lines[i].(string), Qty: int64(lines[i+1].(int))})
	}
	if _, _, err := db.CreatePurchaseOrder(ctx, o); err != nil {
		tb.Fatal(err)
	}
	if status == "draft" {
		return
	}
	if _, _, err := db.ActOnPurchaseOrder(ctx, number, app.POSend, 0); err != nil {
		tb.Fatal(err)
	}
}

// setSettingSQL writes a setting straight into the database file: depot
// has no settings API yet.
func setSettingSQL(tb testing.TB, db *sqlite.DB, key, value string) {
	tb.Helper()
	raw, err := sql.Open("sqlite3", "file:"+db.Path+"?_busy_timeout=5000")
	if err != nil {
		tb.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`INSERT OR REPLACE INTO settings (key, value, updated_at) VALUES (?, ?, 0)`, key, value); err != nil {
		tb.Fatal(err)
	}
}

// receivingFixture: OM-1 (oat milk) tracks lots, MUG-1 does not, SP-1 is in
// the catalog but not on the order. Site WH has dock DOCK-1, bin A-1 and,
// when quarantine, the quarantine place Q-1. PO-1 (sent, dock DOCK-1)
// orders 10 OM-1 and 20 MUG-1.
func receivingFixture(t *testing.T, quarantine bool) *sqlite.DB {
	t.Helper()
	db := MustOpen(t, sqlite.Options{Now: func() time.Time { return receivingNow }})
	ctx := context.Background()
	MustProduct(t, db, "Oat milk", true, "OM-1")
	MustProduct(t, db, "Mug", false, "MUG-1")
	MustProduct(t, db, "Spoon", false, "SP-1")
	MustLocations(t, db, "A-1")
	if _, err := db.CreateLocation(ctx, app.NewLocation{Code: "DOCK-1", Kind: app.KindDock, Parent: "WH"}); err != nil {
		t.Fatal(err)
	}
	if quarantine {
		if _, err := db.CreateLocation(ctx, app.NewLocation{Code: "Q-1", Kind: app.KindZone, Parent: "WH",
			Attributes: json.RawMessage(`{"quarantine": true}`)}); err != nil {
			t.Fatal(err)
		}
	}
	mustPurchaseOrder(t, db, "PO-1", "sent", "DOCK-1", "OM-1", 10, "MUG-1", 20)
	return db
}

var receiptSeq int

func receipt(po string, lines ...app.ReceiptLineInput) app.PostReceipt {
	receiptSeq++
	return app.PostReceipt{PO: po, IdempotencyKey: fmt.Sprintf("rcpt-%d", receiptSeq), Lines: lines}
}

// poState is the order's status and, per line, received/damaged/closed.
func poState(t *testing.T, db *sqlite.DB, po string) string {
	t.Helper()
	o, err := db.ReceivingOrder(context.Background(), po)
	if err != nil {
		t.Fatal(err)
	}
	parts := []string{o.Status}
	for _, l := range o.Lines {
		s := fmt.Sprintf("%s:%d/%d", l.SKU, l.Received, l.Qty)
		if l.Damaged > 0 {
			s += fmt.Sprintf("(%d damaged)", l.Damaged)
		}
		if l.Closed {
			s += "(closed)"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

func linesText(r *app.Receipt) string {
	var out []string
	for _, l := range r.Lines {
		s := fmt.Sprintf("%s %d %s", l.SKU+l.Scanned, l.Qty, l.Condition)
		if l.Lot != "" {
			s += " lot " + l.Lot
		}
		if l.Location != "" {
			s += " @" + l.Location
		}
		if l.POLine != 0 {
			s += fmt.Sprintf(" #%d", l.POLine)
		}
		out = append(out, s)
	}
	return strings.Join(out, ", ")
}

func mustVerify(t *testing.T, db *sqlite.DB) {
	t.Helper()
	rep, err := db.Verify(context.Background())
	if err != nil || len(rep.Problems) > 0 {
		t.Fatalf("verify: %v %+v", err, rep)
	}
}

// counts returns how many receipts, receipt lines, movements and lots
// the database holds.
func counts(t *testing.T, db *sqlite.DB) string {
	t.Helper()
	raw, err := sql.Open("sqlite3", "file:"+db.Path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var r, l, m, lots int
	if err := raw.QueryRow(`SELECT (SELECT count(*) FROM receipts), (SELECT count(*) FROM receipt_lines),
		(SELECT count(*) FROM movements), (SELECT count(*) FROM lots)`).Scan(&r, &l, &m, &lots); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("receipts=%d lines=%d movements=%d lots=%d", r, l, m, lots)
}

func TestPostReceipt(t *testing.T) {
	ok := func(sku string, qty int64, lot, expiry string) app.ReceiptLineInput {
		return app.ReceiptLineInput{SKU: sku, Qty: qty, Lot: lot, ExpiresOn: expiry}
	}
	for _, tc := range []struct {
		name  string
		cmd   app.PostReceipt
		lines string // the receipt's lines
		po    string // poState afterwards
		stock map[string]int64
	}{
		{"PartialGood", receipt("PO-1", ok("OM-1", 6, "L1", "2027-06-01")),
			"OM-1 6 ok lot L1 @DOCK-1 #1", "partial OM-1:6/10 MUG-1:0/20",
			map[string]int64{"OM-1@DOCK-1": 6}},
		{"OverWithinTolerance", receipt("PO-1", ok("MUG-1", 22, "", "")),
			"MUG-1 20 ok @DOCK-1 #2, MUG-1 2 over @DOCK-1 #2", "partial OM-1:0/10 MUG-1:22/20(closed)",
			map[string]int64{"MUG-1@DOCK-1": 22}},
		{"DamagedToQuarantine", receipt("PO-1", ok("OM-1", 8, "L1", "2027-06-01"),
			app.ReceiptLineInput{SKU: "OM-1", Qty: 2, Lot: "L1", Condition: app.ReceiptDamaged, Note: "crushed"}),
			"OM-1 8 ok lot L1 @DOCK-1 #1, OM-1 2 damaged lot L1 @Q-1 #1", "partial OM-1:10/10(2 damaged)(closed) MUG-1:0/20",
			map[string]int64{"OM-1@DOCK-1": 8, "OM-1@Q-1": 2}},
		{"WrongItems", receipt("PO-1", app.ReceiptLineInput{SKU: "SP-1", Qty: 3, Condition: app.ReceiptWrongItem},
			app.ReceiptLineInput{Scanned: "4006381333931", Qty: 1, Condition: app.ReceiptWrongItem}),
			"SP-1 3 wrong_item, 4006381333931 1 wrong_item", "sent OM-1:0/10 MUG-1:0/20",
			map[string]int64{"SP-1@DOCK-1": 0}},
		{"ShortCloses", receipt("PO-1", ok("MUG-1", 15, "", ""), app.ReceiptLineInput{SKU: "MUG-1", Condition: app.ReceiptShort},
			ok("OM-1", 10, "L2", "2027-01-31")),
			"MUG-1 15 ok @DOCK-1 #2, MUG-1 5 short #2, OM-1 10 ok lot L2 @DOCK-1 #1", "received OM-1:10/10(closed) MUG-1:15/20(closed)",
			map[string]int64{"MUG-1@DOCK-1": 15, "OM-1@DOCK-1": 10}},
		{"PastExpiryConfirmed", func() app.PostReceipt {
			c := receipt("PO-1", ok("OM-1", 1, "OLD", "2026-11-01"))
			c.Confirm = true
			return c
		}(), "OM-1 1 ok lot OLD @DOCK-1 #1", "partial OM-1:1/10 MUG-1:0/20", map[string]int64{"OM-1@DOCK-1": 1}},
		{"WithoutOrder", app.PostReceipt{Dock: "DOCK-1", IdempotencyKey: "no-po", Lines: []app.ReceiptLineInput{ok("SP-1", 4, "", "")}},
			"SP-1 4 ok @DOCK-1", "sent OM-1:0/10 MUG-1:0/20", map[string]int64{"SP-1@DOCK-1": 4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := receivingFixture(t, true)
			r, replayed, err := db.PostReceipt(context.Background(), tc.cmd)
			if err != nil || replayed {
				t.Fatalf("PostReceipt: %v (replayed %v)", err, replayed)
			}
			if got := linesText(r); got != tc.lines {
				t.Errorf("lines:\n got %s\nwant %s", got, tc.lines)
			}
			if got := poState(t, db, "PO-1"); got != tc.po {
				t.Errorf("order: got %q, want %q", got, tc.po)
			}
			for k, want := range tc.stock {
				sku, loc, _ := strings.Cut(k, "@")
				if got := OnHand(t, db, sku, loc); got != want {
					t.Errorf("%s on hand = %d, want %d", k, got, want)
				}
			}
			if r.Dock != "DOCK-1" || r.PO != tc.cmd.PO {
				t.Errorf("receipt header %+v", r)
			}
			mustVerify(t, db)
		})
	}
}

func TestPostReceiptLotFacts(t *testing.T) {
	db := receivingFixture(t, true)
	ctx := context.Background()
	r, _, err := db.PostReceipt(ctx, receipt("PO-1", app.ReceiptLineInput{SKU: "OM-1", Qty: 4, Lot: "L9", ExpiresOn: "2027-03-31",
		ManufacturedOn: "2026-09-30", CertificateRef: "COA-77", Serial: "SN-1", Note: "top layer"}))
	if err != nil {
		t.Fatal(err)
	}
	lots, err := db.Lots(ctx, app.LotFilter{SKU: "OM-1"})
	if err != nil || len(lots) != 1 {
		t.Fatalf("lots %+v %v", lots, err)
	}
	l := lots[0]
	if l.Code != "L9" || l.ExpiresOn != "2027-03-31" || l.ManufacturedOn != "2026-09-30" || l.CertificateRef != "COA-77" ||
		l.Supplier != "Acme Foods" || l.Status != app.LotAvailable || l.OnHand != 4 {
		t.Errorf("lot = %+v", l)
	}
	if r.Lines[0].Note != "serial SN-1; top layer" {
		t.Errorf("note = %q", r.Lines[0].Note)
	}
	m, err := db.Movement(ctx, r.MovementID)
	if err != nil || m.Kind != app.Receive || m.Reference == nil || m.Reference.Type != "receipt" || m.Reference.ID != fmt.Sprint(r.ID) {
		t.Fatalf("movement %+v %v", m, err)
	}
	// The same lot again without dates is the same lot; a different expiry is refused.
	if _, _, err := db.PostReceipt(ctx, receipt("PO-1", app.ReceiptLineInput{SKU: "OM-1", Qty: 1, Lot: "L9"})); err != nil {
		t.Fatal(err)
	}
	_, _, err = db.PostReceipt(ctx, receipt("PO-1", app.ReceiptLineInput{SKU: "OM-1", Qty: 1, Lot: "L9", ExpiresOn: "2027-04-30"}))
	if app.ErrorField(err) != "lines[0].expiry" || !strings.Contains(err.Error(), "expires on 2027-03-31, not 2027-04-30") {
		t.Errorf("other expiry: %v", err)
	}
}

func TestPostReceiptRefusals(t *testing.T) {
	for _, tc := range []struct {
		name     string
		setup    func(t *testing.T, db *sqlite.DB)
		cmd      app.PostReceipt
		code     string
		field    string
		contains string
	}{
		{"OverTolerance", nil, receipt("PO-1", app.ReceiptLineInput{SKU: "MUG-1", Qty: 23}),
			app.ECONFLICT, "lines[0].qty", "line 2 of purchase order PO-1 (SKU MUG-1) ordered 20 and has 0 received; 23 more is 3 over, beyond the 10% tolerance (at most 22"},
		{"OverToleranceSetting", func(t *testing.T, db *sqlite.DB) { setSettingSQL(t, db, app.SettingOverTolerancePct, "0") },
			receipt("PO-1", app.ReceiptLineInput{SKU: "MUG-1", Qty: 21}), app.ECONFLICT, "lines[0].qty", "beyond the 0% tolerance"},
		{"LotRequired", nil, receipt("PO-1", app.ReceiptLineInput{SKU: "OM-1", Qty: 1}),
			app.EINVALID, "lines[0].lot", "SKU OM-1 is tracked by lot: give the lot code"},
		{"LotNotTracked", nil, receipt("PO-1", app.ReceiptLineInput{SKU: "MUG-1", Qty: 1, Lot: "X"}),
			app.EINVALID, "lines[0].lot", "not tracked by lot"},
		{"ExpiredNeedsConfirm", nil, receipt("PO-1", app.ReceiptLineInput{SKU: "OM-1", Qty: 1, Lot: "L1", ExpiresOn: "2026-11-26"}),
			app.ECONFLICT, "lines[0].expiry", "lot L1 of SKU OM-1 expired on 2026-11-26: confirm to receive it anyway"},
		{"FarExpiryNeedsConfirm", nil, receipt("PO-1", app.ReceiptLineInput{SKU: "OM-1", Qty: 1, Lot: "L1", ExpiresOn: "2031-11-28"}),
			app.ECONFLICT, "lines[0].expiry", "more than 5 years from today"},
		{"NotOnOrder", nil, receipt("PO-1", app.ReceiptLineInput{SKU: "SP-1", Qty: 1}),
			app.EINVALID, "lines[0].sku", "SKU SP-1 is not on purchase order PO-1: record it as a wrong item"},
		{"UnknownSKU", nil, receipt("PO-1", app.ReceiptLineInput{SKU: "NOPE", Qty: 1}),
			app.ENOTFOUND, "lines[0].sku", `no variant has SKU "NOPE"`},
		{"UnknownOrder", nil, receipt("PO-9", app.ReceiptLineInput{SKU: "MUG-1", Qty: 1}),
			app.ENOTFOUND, "po", `no purchase order has number "PO-9"`},
		{"DraftOrder", func(t *testing.T, db *sqlite.DB) { mustPurchaseOrder(t, db, "PO-D", "draft", "DOCK-1", "MUG-1", 1) },
			receipt("PO-D", app.ReceiptLineInput{SKU: "MUG-1", Qty: 1}), app.ECONFLICT, "po", "is a draft"},
		{"NotADock", nil, app.PostReceipt{Dock: "A-1", IdempotencyKey: "k", Lines: []app.ReceiptLineInput{{SKU: "MUG-1", Qty: 1}}},
			app.EINVALID, "dock", "A-1 is a bin, not a dock"},
		{"NoDockWithoutOrder", nil, app.PostReceipt{IdempotencyKey: "k", Lines: []app.ReceiptLineInput{{SKU: "MUG-1", Qty: 1}}},
			app.EINVALID, "dock", "is required"},
		{"WrongItemWithoutOrder", nil, app.PostReceipt{Dock: "DOCK-1", IdempotencyKey: "k",
			Lines: []app.ReceiptLineInput{{Scanned: "X", Qty: 1, Condition: app.ReceiptWrongItem}}},
			app.EINVALID, "lines[0].condition", "recorded against a purchase order"},
		{"OverIsNotSent", nil, receipt("PO-1", app.ReceiptLineInput{SKU: "MUG-1", Qty: 1, Condition: app.ReceiptOver}),
			app.EINVALID, "lines[0].condition", "over is recorded by depot"},
		{"ShortWrongQty", nil, receipt("PO-1", app.ReceiptLineInput{SKU: "MUG-1", Qty: 3, Condition: app.ReceiptShort}),
			app.EINVALID, "lines[0].qty", "20 of SKU MUG-1 are still missing"},
		{"ZeroQty", nil, receipt("PO-1", app.ReceiptLineInput{SKU: "MUG-1"}), app.EINVALID, "lines[0].qty", "from 1"},
		{"FutureManufacture", nil, receipt("PO-1", app.ReceiptLineInput{SKU: "OM-1", Qty: 1, Lot: "L1", ManufacturedOn: "2026-12-01"}),
			app.EINVALID, "lines[0].manufactured_on", "in the future"},
		{"RollbackWholeOnBadLine", nil, receipt("PO-1",
			app.ReceiptLineInput{SKU: "OM-1", Qty: 5, Lot: "L1", ExpiresOn: "2027-06-01"},
			app.ReceiptLineInput{SKU: "OM-1", Qty: 1, Lot: "L1", Condition: app.ReceiptDamaged},
			app.ReceiptLineInput{SKU: "MUG-1", Qty: 30}),
			app.ECONFLICT, "lines[2].qty", "beyond the 10% tolerance"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := receivingFixture(t, true)
			if tc.setup != nil {
				tc.setup(t, db)
			}
			before := counts(t, db)
			_, _, err := db.PostReceipt(context.Background(), tc.cmd)
			if app.ErrorCode(err) != tc.code || app.ErrorField(err) != tc.field || !strings.Contains(app.ErrorMessage(err), tc.contains) {
				t.Fatalf("err = %v (code %s, field %q), want %s %s %q", err, app.ErrorCode(err), app.ErrorField(err), tc.code, tc.field, tc.contains)
			}
			if after := counts(t, db); after != before {
				t.Errorf("a refused receipt wrote: before %s, after %s", before, after)
			}
			if got := poState(t, db, "PO-1"); got != "sent OM-1:0/10 MUG-1:0/20" {
				t.Errorf("order changed: %s", got)
			}
			mustVerify(t, db)
		})
	}
}

// TestPostReceiptAfterLineComplete: a line received in full is closed, yet
// a late delivery of the same item is taken as over within the tolerance;
// a line closed short takes nothing more.
func TestPostReceiptAfterLineComplete(t *testing.T) {
	db := receivingFixture(t, true)
	ctx := context.Background()
	for _, q := range []int64{20, 2} {
		if _, _, err := db.PostReceipt(ctx, receipt("PO-1", app.ReceiptLineInput{SKU: "MUG-1", Qty: q})); err != nil {
			t.Fatalf("receive %d: %v", q, err)
		}
	}
	_, _, err := db.PostReceipt(ctx, receipt("PO-1", app.ReceiptLineInput{SKU: "MUG-1", Qty: 1}))
	if app.ErrorCode(err) != app.ECONFLICT || !strings.Contains(err.Error(), "has 22 received; 1 more is 3 over") {
		t.Errorf("past the tolerance: %v", err)
	}
	if got := poState(t, db, "PO-1"); got != "partial OM-1:0/10 MUG-1:22/20(closed)" {
		t.Errorf("order %s", got)
	}
	if _, _, err := db.PostReceipt(ctx, receipt("PO-1", app.ReceiptLineInput{SKU: "OM-1", Condition: app.ReceiptShort})); err != nil {
		t.Fatal(err)
	}
	_, _, err = db.PostReceipt(ctx, receipt("PO-1", app.ReceiptLineInput{SKU: "OM-1", Qty: 1, Lot: "L1"}))
	if app.ErrorCode(err) != app.ECONFLICT || !strings.Contains(err.Error(), "is closed short: nothing more is expected") {
		t.Errorf("after the line was closed short: %v", err)
	}
	if got := poState(t, db, "PO-1"); got != "received OM-1:0/10(closed) MUG-1:22/20(closed)" {
		t.Errorf("order %s", got)
	}
	mustVerify(t, db)
}

func TestPostReceiptExpiryLimitSetting(t *testing.T) {
	db := receivingFixture(t, true)
	setSettingSQL(t, db, app.SettingExpiryLimitYears, "10")
	if _, _, err := db.PostReceipt(context.Background(), receipt("PO-1", app.ReceiptLineInput{SKU: "OM-1", Qty: 1, Lot: "L1", ExpiresOn: "2033-01-01"})); err != nil {
		t.Fatalf("an expiry within a 10-year limit: %v", err)
	}
}

func TestPostReceiptNoQuarantinePlace(t *testing.T) {
	db := receivingFixture(t, false)
	before := counts(t, db)
	_, _, err := db.PostReceipt(context.Background(), receipt("PO-1", app.ReceiptLineInput{SKU: "MUG-1", Qty: 1},
		app.ReceiptLineInput{SKU: "MUG-1", Qty: 1, Condition: app.ReceiptDamaged}))
	if app.ErrorCode(err) != app.ECONFLICT || app.ErrorField(err) != "lines[1].condition" || !strings.Contains(err.Error(), "site WH has none") {
		t.Fatalf("err = %v", err)
	}
	if after := counts(t, db); after != before {
		t.Errorf("wrote: %s → %s", before, after)
	}
}

func TestPostReceiptIdempotent(t *testing.T) {
	db := receivingFixture(t, true)
	ctx := context.Background()
	cmd := receipt("PO-1", app.ReceiptLineInput{SKU: "MUG-1", Qty: 5}, app.ReceiptLineInput{SKU: "MUG-1", Qty: 1, Condition: app.ReceiptDamaged})
	first, replayed, err := db.PostReceipt(ctx, cmd)
	if err != nil || replayed {
		t.Fatal(err, replayed)
	}
	before := counts(t, db)
	again, replayed, err := db.PostReceipt(ctx, cmd)
	if err != nil || !replayed || again.ID != first.ID || again.MovementID != first.MovementID || linesText(again) != linesText(first) {
		t.Fatalf("replay: %+v %v %v", again, replayed, err)
	}
	if after := counts(t, db); after != before {
		t.Errorf("the replay wrote: %s → %s", before, after)
	}
	if got := poState(t, db, "PO-1"); got != "partial OM-1:0/10 MUG-1:6/20(1 damaged)" {
		t.Errorf("order after the replay: %s", got)
	}
	other := cmd
	other.Lines = []app.ReceiptLineInput{{SKU: "MUG-1", Qty: 7}}
	if _, _, err := db.PostReceipt(ctx, other); app.ErrorCode(err) != app.ECONFLICT || app.ErrorField(err) != "idempotency_key" {
		t.Errorf("same key, other receipt: %v", err)
	}
}

func TestReceiptsOfOrder(t *testing.T) {
	db := receivingFixture(t, true)
	ctx := context.Background()
	for _, q := range []int64{4, 6} {
		if _, _, err := db.PostReceipt(ctx, receipt("PO-1", app.ReceiptLineInput{SKU: "MUG-1", Qty: q})); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := db.PostReceipt(ctx, receipt("PO-1", app.ReceiptLineInput{Scanned: "ODD-BOX", Qty: 1, Condition: app.ReceiptWrongItem})); err != nil {
		t.Fatal(err)
	}
	rs, err := db.Receipts(ctx, "PO-1")
	if err != nil || len(rs) != 3 || linesText(&rs[0]) != "MUG-1 4 ok @DOCK-1 #2" || linesText(&rs[1]) != "MUG-1 6 ok @DOCK-1 #2" {
		t.Fatalf("receipts %+v %v", rs, err)
	}
	o, err := db.ReceivingOrder(ctx, "PO-1")
	if err != nil || o.Receipts != 3 || len(o.WrongItems) != 1 || o.WrongItems[0].Scanned != "ODD-BOX" || o.Supplier != "Acme Foods" || o.Dock != "DOCK-1" {
		t.Fatalf("order %+v %v", o, err)
	}
	if o.Lines[1].Remaining() != 10 {
		t.Errorf("remaining = %d", o.Lines[1].Remaining())
	}
	open, err := db.OpenReceivingOrders(ctx, 0)
	if err != nil || len(open) != 1 || open[0].Number != "PO-1" || open[0].Status != "partial" {
		t.Errorf("open orders %+v %v", open, err)
	}
	docks, err := db.Docks(ctx)
	if err != nil || strings.Join(docks, ",") != "DOCK-1" {
		t.Errorf("docks %v %v", docks, err)
	}
	if _, err := db.Receipt(ctx, 999); app.ErrorCode(err) != app.ENOTFOUND {
		t.Errorf("Receipt(999): %v", err)
	}
}

// TestPostReceiptConcurrentScans: 30 clerks scan one MUG-1 each at once
// against a line of 20 with a 10% tolerance. The writer checks and writes
// each receipt in one command, so exactly 22 are taken and 8 refused.
func TestPostReceiptConcurrentScans(t *testing.T) {
	db := receivingFixture(t, true)
	ctx := context.Background()
	errs := make(chan error, 30)
	for i := 0; i < 30; i++ {
		go func(i int) {
			_, _, err := db.PostReceipt(ctx, app.PostReceipt{PO: "PO-1", IdempotencyKey: fmt.Sprintf("clerk-%d", i),
				Lines: []app.ReceiptLineInput{{SKU: "MUG-1", Qty: 1}}})
			errs <- err
		}(i)
	}
	refused := 0
	for i := 0; i < 30; i++ {
		if err := <-errs; err != nil {
			if app.ErrorCode(err) != app.ECONFLICT || app.ErrorField(err) != "lines[0].qty" {
				t.Fatalf("unexpected error: %v", err)
			}
			refused++
		}
	}
	if refused != 8 {
		t.Errorf("%d refused, want 8", refused)
	}
	if got := poState(t, db, "PO-1"); got != "partial OM-1:0/10 MUG-1:22/20(closed)" {
		t.Errorf("order %s", got)
	}
	if got := OnHand(t, db, "MUG-1", "DOCK-1"); got != 22 {
		t.Errorf("on hand %d", got)
	}
	mustVerify(t, db)
}
