package sqlite

import (
	"context"
	"sync"
	"sync/atomic"
)

// commitHooks are the functions told of each group commit that appended
// movements. The writer calls fire after COMMIT, on its own goroutine.
type commitHooks struct {
	mu   sync.RWMutex
	fns  map[int]func(first, next int64)
	n    int
	some atomic.Bool
}

// OnCommit registers fn to be called after every commit that appended
// movements, with the range of their ids: first up to (not including) next.
// fn runs on the writer's goroutine, so it must return at once (record the
// range and signal, never query or block). The returned function
// unregisters fn.
func (db *DB) OnCommit(fn func(first, next int64)) (cancel func()) {
	h := &db.w.hooks
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.fns == nil {
		h.fns = map[int]func(first, next int64){}
	}
	h.n++
	id := h.n
	h.fns[id] = fn
	h.some.Store(true)
	return func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.fns, id)
		h.some.Store(len(h.fns) > 0)
	}
}

func (h *commitHooks) fire(first, next int64) {
	if first >= next || !h.some.Load() {
		return
	}
	h.mu.RLock()
	defer h.mu.RUnlock()
	for _, fn := range h.fns {
		fn(first, next)
	}
}

// MovedVariants returns the ids of the variants that movements first up to
// (not including) next have legs of, in id order.
func (db *DB) MovedVariants(ctx context.Context, first, next int64) ([]int64, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT variant_id FROM inventory_transactions
		WHERE movement_id >= ? AND movement_id < ? ORDER BY variant_id`, first, next)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
