package sqlite

// newAlloc is an open allocation made for a short pick's missing units.
type newAlloc struct {
	id, location, lot, qty int64
}

// reallocate allocates up to qty more units of the order line from levels
// other than the location exclude (the bin found short), by the release's
// rules (FEFO for lots, FIFO otherwise, lots that may not be allocated left
// out): it reserves them and writes open allocation rows, and returns those
// (fewer units than asked when stock is short). It leaves the line's
// counters to the caller. nil: a short pick backorders what is missing.
var reallocate func(tx *Tx, lineID, qty, exclude int64) ([]newAlloc, error)
