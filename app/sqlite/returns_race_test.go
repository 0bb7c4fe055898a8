package sqlite_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"depot/app"
	"depot/app/sqlite/shiptest"
)

// TestReturnsAndReceiptsRace: many clerks at once take back units of one
// shipment and receive units of one transfer; exactly what was shipped comes
// back and exactly what is in transit is received.
func TestReturnsAndReceiptsRace(t *testing.T) {
	ctx := context.Background()
	db, raw := openWithRaw(t)
	mustTwoSites(t, db)
	shipment := shiptest.ShippedOrder(t, db, raw, "SO-1", "TRK-1", "A-01", shiptest.Line{SKU: "SKU-1", Qty: 3})
	if _, _, err := db.CreateTransfer(ctx, app.NewTransfer{Number: "T-1", From: "WH", To: "S2",
		Lines: []app.NewTransferLine{{SKU: "SKU-1", Qty: 5, From: "A-01"}}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.ShipTransfer(ctx, app.ShipTransfer{Number: "T-1"}); err != nil {
		t.Fatal(err)
	}
	const clerks = 12
	var wg sync.WaitGroup
	var mu sync.Mutex
	returned, received := 0, 0
	for i := range clerks {
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, _, err := db.ReceiveReturn(ctx, app.NewReturn{IdempotencyKey: fmt.Sprint("rma-", i), Shipment: shipment,
				Lines: []app.NewReturnLine{{SKU: "SKU-1", Qty: 1, Disposition: app.Restock, Location: "A-02"}}})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				returned++
			case app.ErrorField(err) != "lines[0].qty":
				t.Errorf("return %d: %v", i, err)
			}
		}()
		go func() {
			defer wg.Done()
			_, _, err := db.ReceiveTransfer(ctx, app.ReceiveTransfer{Number: "T-1", IdempotencyKey: fmt.Sprint("r-", i),
				Lines: []app.ReceiveTransferLine{{Line: 1, Qty: 1, To: "B-01"}}})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				received++
			case app.ErrorField(err) != "lines[0].qty" && app.ErrorCode(err) != app.ECONFLICT:
				t.Errorf("receipt %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	if returned != 3 || OnHand(t, db, "SKU-1", "A-02") != 3 {
		t.Errorf("%d returns succeeded, A-02 holds %d; want 3 and 3", returned, OnHand(t, db, "SKU-1", "A-02"))
	}
	tr, err := db.Transfer(ctx, "T-1")
	if err != nil || received != 5 || tr.Status != app.TransferReceived || OnHand(t, db, "SKU-1", "B-01") != 5 {
		t.Errorf("%d receipts succeeded, transfer %s, B-01 holds %d; want 5, received, 5 (%v)", received, tr.Status, OnHand(t, db, "SKU-1", "B-01"), err)
	}
}
