package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// checkTransit adds a problem for every variant and lot whose balance at
// the transit location differs from what shipped transfers still have on
// the way (their lines' qty less received). The transfer commands change
// both in one writer command, so a difference is stock in transit that no
// transfer explains (a transfer movement posted by hand) or a bug. Files
// from before schema v4, which have no transfers, are skipped.
func checkTransit(ctx context.Context, rdb *sql.DB, rep *VerifyReport) error {
	var has int
	if err := rdb.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'transfer_lines'`).Scan(&has); err != nil {
		return err
	}
	if has == 0 {
		return nil
	}
	rows, err := rdb.QueryContext(ctx, `WITH d AS (
			SELECT l.variant_id, ifnull(l.lot_id, 0) AS lot_id, sum(l.qty - l.received_qty) AS qty
			FROM transfers t JOIN transfer_lines l ON l.transfer_id = t.id
			WHERE t.status = 'shipped' GROUP BY l.variant_id, ifnull(l.lot_id, 0)),
		g AS (SELECT il.variant_id, il.lot_id, il.on_hand AS qty FROM inventory_levels il
			JOIN locations x ON x.id = il.location_id AND x.code = 'transit' WHERE il.on_hand <> 0),
		k AS (SELECT variant_id, lot_id FROM d UNION SELECT variant_id, lot_id FROM g)
		SELECT v.sku, ifnull(o.code, ''), ifnull(g.qty, 0), ifnull(d.qty, 0)
		FROM k JOIN variants v ON v.id = k.variant_id LEFT JOIN lots o ON o.id = k.lot_id AND k.lot_id <> 0
		LEFT JOIN d ON d.variant_id = k.variant_id AND d.lot_id = k.lot_id
		LEFT JOIN g ON g.variant_id = k.variant_id AND g.lot_id = k.lot_id
		WHERE ifnull(g.qty, 0) <> ifnull(d.qty, 0)
		ORDER BY v.sku, o.code LIMIT ?`, maxProblems+1)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var sku, lot string
		var ledger, docs int64
		if err := rows.Scan(&sku, &lot, &ledger, &docs); err != nil {
			return err
		}
		what := "SKU " + sku
		if lot != "" {
			what += " lot " + lot
		}
		rep.Problems = append(rep.Problems, Problem{What: fmt.Sprintf(
			"%s has %d in transit in the ledger; shipped transfers have %d on the way", what, ledger, docs)})
	}
	return rows.Err()
}
