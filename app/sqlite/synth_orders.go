package sqlite

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"

	"depot/app"
)

// SynthOrderOptions sizes a day of synthetic sales orders (SynthOrders).
type SynthOrderOptions struct {
	Orders    int    // orders to enter (default 5,000)
	Lines     int    // lines per order (default 3)
	Customers int    // customers to spread them over (default 200)
	Prefix    string // of order numbers and customer codes (default "SYN")
	Seed      uint64 // the same seed on the same stock gives the same orders
}

// SynthOrders enters a day of open sales orders for SKUs that have stock
// available at bins, the way BuildSynthetic's year trades: a fifth of the
// SKUs take four fifths of the lines, each line asks 1 to 6 units, and one
// customer in ten wants 30 to 90 days of shelf life. Orders go through
// CreateOrder, many at once (so the writer groups them), and their
// numbers are returned in the order they were made up.
func (db *DB) SynthOrders(ctx context.Context, o SynthOrderOptions) ([]string, error) {
	if o.Orders == 0 {
		o.Orders = 5000
	}
	if o.Lines == 0 {
		o.Lines = 3
	}
	if o.Customers == 0 {
		o.Customers = 200
	}
	if o.Prefix == "" {
		o.Prefix = "SYN"
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	skus, err := db.stockedSKUs(ctx)
	if err != nil {
		return nil, err
	}
	if len(skus) < o.Lines {
		return nil, app.Errorf(app.ECONFLICT, "only %d SKUs have stock available; %d lines per order need more", len(skus), o.Lines)
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x0de75))
	customers := make([]string, o.Customers)
	for i := range customers {
		c := app.NewCustomer{Code: fmt.Sprintf("%s-C%04d", o.Prefix, i+1), Name: fmt.Sprintf("Customer %d", i+1),
			Address: fmt.Sprintf("%d Synthetic Street", i+1)}
		if rng.IntN(10) == 0 {
			c.MinShelfLifeDays = int64(30 + rng.IntN(61))
		}
		if _, _, err := db.CreateCustomer(ctx, c); err != nil {
			return nil, err
		}
		customers[i] = c.Code
	}
	hot := max(1, len(skus)/5)
	pick := func() string {
		if rng.IntN(5) < 4 {
			return skus[rng.IntN(hot)]
		}
		return skus[hot+rng.IntN(max(1, len(skus)-hot))%len(skus)]
	}
	orders := make([]app.NewOrder, o.Orders)
	for i := range orders {
		no := app.NewOrder{Number: fmt.Sprintf("%s-%06d", o.Prefix, i+1), Customer: customers[rng.IntN(len(customers))],
			Carrier: "manual", Priority: int64(rng.IntN(3))}
		seen := map[string]bool{}
		for len(no.Lines) < o.Lines {
			sku := pick()
			if seen[sku] {
				continue
			}
			seen[sku] = true
			no.Lines = append(no.Lines, app.NewOrderLine{SKU: sku, Qty: int64(1 + rng.IntN(6)), UnitPriceMinor: int64(100 + rng.IntN(10_000))})
		}
		orders[i] = no
	}
	numbers := make([]string, len(orders))
	errs := make([]error, len(orders))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < 64; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				_, _, errs[i] = db.CreateOrder(ctx, orders[i])
				numbers[i] = orders[i].Number
			}
		}()
	}
	for i := range orders {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("order %s: %w", numbers[i], err)
		}
	}
	return numbers, nil
}

// stockedSKUs returns the SKUs with stock available at bins, by variant id.
func (db *DB) stockedSKUs(ctx context.Context) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT v.sku FROM variants v
		WHERE v.archived = 0 AND EXISTS (SELECT 1 FROM inventory_levels lv JOIN locations l ON l.id = lv.location_id
			WHERE lv.variant_id = v.id AND lv.physical = 1 AND lv.on_hand > lv.reserved AND l.kind = 'bin')
		ORDER BY v.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
