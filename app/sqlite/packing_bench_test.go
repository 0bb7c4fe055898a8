package sqlite

import (
	"context"
	"fmt"
	"testing"

	"depot/app"
)

// BenchmarkPackAndShip is the station's writes for one order of two
// lines: two scans, a recorded weight check and the ship command (the
// shipment, the reservation released, the ship movement, allocations,
// lines and order), each its own writer command.
func BenchmarkPackAndShip(b *testing.B) {
	ctx := context.Background()
	db, packer, _ := packingTestDB(b)
	if _, _, err := db.PostMovement(ctx, app.PostMovement{Kind: app.Receive, IdempotencyKey: "bench-stock",
		Lines: []app.MovementLine{{SKU: "SKU-A", Qty: int64(b.N), To: "A-01"}, {SKU: "SKU-B", Qty: int64(b.N), To: "A-01"}}}); err != nil {
		b.Fatal(err)
	}
	orders := make([]string, b.N)
	for i := range orders {
		orders[i] = fmt.Sprintf("SO-B%d", i)
		packingTestOrder(b, db, orders[i], true, packingTestLine{"SKU-A", 1}, packingTestLine{"SKU-B", 1})
	}
	b.ResetTimer()
	for i := range orders {
		for _, sku := range []string{"SKU-A", "SKU-B"} {
			if _, err := db.PackItem(ctx, app.PackScan{Order: orders[i], SKU: sku, Qty: 1}); err != nil {
				b.Fatal(err)
			}
		}
		v, err := db.VerifyPackage(ctx, app.VerifyPackage{Order: orders[i], Box: "BOX-M", WeightMg: 490_000, Stable: true, Record: true, UserID: packer.ID})
		if err != nil || !v.Pass {
			b.Fatal(v, err)
		}
		if _, err := db.ShipOrder(ctx, app.ShipOrder{Order: orders[i], PackageID: v.PackageID, UserID: packer.ID}); err != nil {
			b.Fatal(err)
		}
	}
}
