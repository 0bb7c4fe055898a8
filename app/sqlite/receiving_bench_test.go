package sqlite_test

import (
	"context"
	"fmt"
	"testing"

	"depot/app"
	"depot/app/sqlite"
)

// BenchmarkPostReceipt posts receipts against one purchase order of 20
// lines (10 of them tracked by lot): a scan at a time (one line), and a
// whole delivery of 20 lines with one damaged, each receipt a writer
// command of its own, durable when it returns.
func BenchmarkPostReceipt(b *testing.B) {
	for _, n := range []int{1, 20} {
		b.Run(fmt.Sprintf("lines=%d", n), func(b *testing.B) {
			db := MustOpen(b, sqlite.Options{})
			ctx := context.Background()
			MustLocations(b, db, "A-1")
			for _, l := range []app.NewLocation{{Code: "DOCK-1", Kind: app.KindDock, Parent: "WH"},
				{Code: "Q-1", Kind: app.KindZone, Parent: "WH", Attributes: []byte(`{"quarantine":true}`)}} {
				if _, err := db.CreateLocation(ctx, l); err != nil {
					b.Fatal(err)
				}
			}
			var po []any
			for i := 0; i < 20; i++ {
				sku := fmt.Sprintf("S-%02d", i)
				MustProduct(b, db, "Item "+sku, i%2 == 0, sku)
				po = append(po, sku, 1_000_000_000)
			}
			mustPurchaseOrder(b, db, "PO-B", "sent", "DOCK-1", po...)
			lines := make([]app.ReceiptLineInput, n)
			for i := range lines {
				lines[i] = app.ReceiptLineInput{SKU: fmt.Sprintf("S-%02d", i), Qty: 5}
				if i%2 == 0 {
					lines[i].Lot, lines[i].ExpiresOn = "L-1", "2027-06-30"
				}
			}
			if n > 1 {
				lines[1].Condition = app.ReceiptDamaged
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				_, _, err := db.PostReceipt(ctx, app.PostReceipt{PO: "PO-B", IdempotencyKey: fmt.Sprintf("b-%d", i), Lines: lines})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "lines/s")
		})
	}
}
