package sqlite_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"depot/app"
	"depot/app/sqlite/shiptest"
)

// BenchmarkTransferRoundTrip: plan, ship and receive a 2-line transfer
// (three writer commands, two movements), one after the other.
func BenchmarkTransferRoundTrip(b *testing.B) {
	ctx := context.Background()
	db, _ := openWithRaw(b)
	mustTwoSites(b, db)
	MustPost(b, db, app.Receive, app.MovementLine{SKU: "SKU-1", Qty: 1_000_000_000, To: "A-01"},
		app.MovementLine{SKU: "LOT-1", Qty: 1_000_000_000, To: "A-02", Lot: &app.LotRef{Code: "L1"}})
	b.ResetTimer()
	for i := range b.N {
		n := fmt.Sprint("T-", i)
		if _, _, err := db.CreateTransfer(ctx, app.NewTransfer{Number: n, From: "WH", To: "S2", Lines: []app.NewTransferLine{
			{SKU: "SKU-1", Qty: 2, From: "A-01"}, {SKU: "LOT-1", Lot: "L1", Qty: 3, From: "A-02"}}}); err != nil {
			b.Fatal(err)
		}
		if _, _, err := db.ShipTransfer(ctx, app.ShipTransfer{Number: n}); err != nil {
			b.Fatal(err)
		}
		if _, _, err := db.ReceiveTransfer(ctx, app.ReceiveTransfer{Number: n, IdempotencyKey: "r", To: "B-01"}); err != nil {
			b.Fatal(err)
		}
	}
}

// returnBench makes 50 shipped orders of 10000 units each and returns a
// function that receives return i (one unit, restocked) against shipment
// i%50, so that no shipment piles up an unrealistic number of returns.
func returnBench(b *testing.B) func(i int64) error {
	ctx := context.Background()
	db, raw := openWithRaw(b)
	mustTwoSites(b, db)
	MustPost(b, db, app.Receive, app.MovementLine{SKU: "SKU-1", Qty: 1_000_000, To: "A-01"})
	var shipments []int64
	for i := range 50 {
		shipments = append(shipments, shiptest.ShippedOrder(b, db, raw, fmt.Sprint("SO-", i), fmt.Sprint("TRK-", i), "A-01",
			shiptest.Line{SKU: "SKU-1", Qty: 10_000}))
	}
	return func(i int64) error {
		_, _, err := db.ReceiveReturn(ctx, app.NewReturn{IdempotencyKey: fmt.Sprint("rma-", i), Shipment: shipments[i%50],
			Lines: []app.NewReturnLine{{SKU: "SKU-1", Qty: 1, Disposition: app.Restock, Location: "A-02"}}})
		return err
	}
}

// BenchmarkReceiveReturn: one return after the other.
func BenchmarkReceiveReturn(b *testing.B) {
	receive := returnBench(b)
	b.ResetTimer()
	for i := range b.N {
		if err := receive(int64(i)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReceiveReturnParallel: returns from 16 clients at once, which
// the writer commits in groups.
func BenchmarkReceiveReturnParallel(b *testing.B) {
	receive := returnBench(b)
	var seq atomic.Int64
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := receive(seq.Add(1)); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkInTransitOfVariant: the variant page's in-transit section with
// 500 transfers of the SKU on their way.
func BenchmarkInTransitOfVariant(b *testing.B) {
	ctx := context.Background()
	db, _ := openWithRaw(b)
	mustTwoSites(b, db)
	MustPost(b, db, app.Receive, app.MovementLine{SKU: "LOT-1", Qty: 1000, To: "A-02", Lot: &app.LotRef{Code: "L1"}})
	for i := range 500 {
		n := fmt.Sprint("T-", i)
		if _, _, err := db.CreateTransfer(ctx, app.NewTransfer{Number: n, From: "WH", To: "S2", Lines: []app.NewTransferLine{
			{SKU: "LOT-1", Lot: "L1", Qty: 1, From: "A-02"}}}); err != nil {
			b.Fatal(err)
		}
		if _, _, err := db.ShipTransfer(ctx, app.ShipTransfer{Number: n}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for range b.N {
		its, err := db.InTransit(ctx, "LOT-1")
		if err != nil || len(its) != 500 {
			b.Fatalf("%d rows, %v", len(its), err)
		}
	}
}
