package sqlite

// newAlloc is an open allocation made for a short pick's missing units.
type newAlloc struct {
	id, location, lot, qty int64
}

// reallocate allocates up to qty more units of the order line by the
// release's rules (allocateLine: FEFO for lots, FIFO otherwise, lots that
// may not be allocated left out), from any level but those of the bin
// exclude: the bin was just found short, so what the ledger still shows
// there is not to be trusted until it is counted. It reserves what it
// takes and writes open allocation rows, and returns them (fewer units
// than asked when stock is short). The line's counters are the caller's.
func reallocate(tx *Tx, lineID, qty, exclude int64) ([]newAlloc, error) {
	var number string
	l := orderLine{id: lineID}
	if err := tx.QueryRow(`SELECT o.number, sl.variant_id, v.sku FROM sales_order_lines sl
		JOIN sales_orders o ON o.id = sl.order_id JOIN variants v ON v.id = sl.variant_id WHERE sl.id = ?`, lineID).
		Scan(&number, &l.variantID, &l.sku); err != nil {
		return nil, err
	}
	h, err := tx.orderHead(number)
	if err != nil {
		return nil, err
	}
	// Hold the short bin's available stock of the variant for the length
	// of the allocation, so that allocateLine passes it over; the hold is
	// given back before the command ends, so reserved still equals the
	// allocations.
	type held struct{ lot, qty int64 }
	var holds []held
	rows, err := tx.Query(`SELECT lot_id, on_hand - reserved FROM inventory_levels
		WHERE variant_id = ? AND location_id = ? AND on_hand > reserved`, l.variantID, exclude)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var h held
		if err := rows.Scan(&h.lot, &h.qty); err != nil {
			rows.Close()
			return nil, err
		}
		holds = append(holds, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, h := range holds {
		if err := tx.reserve(l.variantID, exclude, h.lot, h.qty); err != nil {
			return nil, err
		}
	}
	var last int64
	if err := tx.QueryRow(`SELECT ifnull(max(id), 0) FROM allocations`).Scan(&last); err != nil {
		return nil, err
	}
	if _, _, err := newAllocator(tx).allocateLine(&h, &l, qty); err != nil {
		return nil, err
	}
	for _, h := range holds {
		if err := tx.reserve(l.variantID, exclude, h.lot, -h.qty); err != nil {
			return nil, err
		}
	}
	rows, err = tx.Query(`SELECT id, location_id, lot_id, qty FROM allocations WHERE order_line_id = ? AND id > ? ORDER BY id`, lineID, last)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []newAlloc
	for rows.Next() {
		var a newAlloc
		if err := rows.Scan(&a.id, &a.location, &a.lot, &a.qty); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
