package sqlite

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"depot/app"
)

// benchWarehouse adds two zones of 6 aisles of 40 bins (480 bins) to the
// fixture, with 100 SKUs each stocked in 3 bins.
func benchWarehouse(b *testing.B, f *pickFixture) {
	b.Helper()
	var locs []app.NewLocation
	var bins []string
	for _, z := range []string{"C", "D"} {
		locs = append(locs, app.NewLocation{Code: "Z-" + z, Kind: app.KindZone, Parent: "WH"})
		for a := 1; a <= 6; a++ {
			aisle := fmt.Sprintf("%s%d", z, a)
			locs = append(locs, app.NewLocation{Code: aisle, Kind: app.KindAisle, Parent: "Z-" + z})
			for n := 1; n <= 40; n++ {
				code := fmt.Sprintf("%s-%02d", aisle, n)
				bins = append(bins, code)
				locs = append(locs, app.NewLocation{Code: code, Kind: app.KindBin, Parent: aisle})
			}
		}
	}
	for _, l := range locs {
		if _, err := f.db.CreateLocation(f.ctx, l); err != nil {
			b.Fatal(err)
		}
	}
	p := app.NewProduct{Name: "Bench"}
	for i := range 100 {
		p.Variants = append(p.Variants, app.NewVariant{SKU: fmt.Sprintf("B-%03d", i)})
	}
	if _, err := f.db.CreateProduct(f.ctx, p); err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 3))
	var lines []app.MovementLine
	for i := range 100 {
		sku := fmt.Sprintf("B-%03d", i)
		for range 3 {
			bin := bins[rng.IntN(len(bins))]
			lines = append(lines, app.MovementLine{SKU: sku, Qty: 1_000_000, To: bin})
		}
	}
	if _, _, err := f.db.PostMovement(f.ctx, app.PostMovement{Kind: app.Receive, IdempotencyKey: "bench-stock", Lines: lines}); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkBuildWave builds a wave of 500 released orders of 3 lines (1500
// stops) grouped by zone: the target is under a second.
func BenchmarkBuildWave(b *testing.B) {
	f := newPickFixture(b)
	benchWarehouse(b, f)
	rng := rand.New(rand.NewPCG(5, 5))
	order := 0
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		// 500 orders of 3 lines entered and released, as setup.
		var numbers []string
		for range 500 {
			order++
			o := app.NewOrder{Number: fmt.Sprintf("BW-%d", order), Carrier: []string{"UPS", "DHL"}[order%2]}
			for _, n := range rng.Perm(100)[:3] {
				o.Lines = append(o.Lines, app.NewOrderLine{SKU: fmt.Sprintf("B-%03d", n), Qty: int64(1 + rng.IntN(3))})
			}
			if _, _, err := f.db.CreateOrder(f.ctx, o); err != nil {
				b.Fatal(err)
			}
			numbers = append(numbers, o.Number)
		}
		for _, out := range f.db.ReleaseOrders(f.ctx, numbers) {
			if out.Err != nil {
				b.Fatal(out.Err)
			}
		}
		b.StartTimer()
		lists, err := f.db.CreatePickLists(f.ctx, app.NewPickLists{Kind: app.PickWave, GroupBy: app.GroupZone, Limit: 500})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		var orders, tasks int64
		for _, l := range lists {
			tasks += l.Tasks
		}
		f.db.read.QueryRowContext(f.ctx, `SELECT count(DISTINCT order_id) FROM pick_tasks WHERE pick_list_id >= ?`, lists[0].ID).Scan(&orders)
		if orders != 500 || tasks != 1500 {
			b.Fatalf("wave of %d orders and %d stops, want 500 and 1500", orders, tasks)
		}
		b.StartTimer()
	}
	b.ReportMetric(500, "orders/wave")
}
