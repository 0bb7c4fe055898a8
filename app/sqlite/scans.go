package sqlite

import (
	"context"
	"database/sql"

	"depot/app"
)

// ResolveScan says what a parsed scan names; see app.ScanResolver.
func (db *DB) ResolveScan(ctx context.Context, s app.Scan) (*app.ScanMatch, error) {
	out := &app.ScanMatch{Scan: s}
	var cm *app.CodeMatch
	var err error
	switch {
	case s.IsGS1() && s.GTIN != "":
		cm, err = db.resolveGTIN(ctx, s.GTIN)
		if app.ErrorCode(err) == app.ENOTFOUND {
			return nil, &app.Error{Code: app.ENOTFOUND, Field: "code", Message: "the GTIN of " + s.HRI + " is not the GTIN of a variant or the barcode of a case in depot"}
		}
	case s.SSCC != "":
		out.Kind = app.CodeShippingUnit
		return out, nil
	case s.IsGS1() && s.Lot != "":
		cm, err = db.ResolveCode(ctx, s.Lot)
		if err == nil && cm.Kind != app.CodeLot {
			err = app.NotFoundScan(s.Lot)
		}
		if app.ErrorCode(err) == app.ENOTFOUND {
			return nil, &app.Error{Code: app.ENOTFOUND, Field: "code", Message: "the GS1 barcode " + s.HRI + " has no GTIN (01), and lot " + quote(s.Lot) + " is not in depot"}
		}
	case s.IsGS1():
		return nil, &app.Error{Code: app.ENOTFOUND, Field: "code", Message: "the GS1 barcode " + s.HRI + " has no GTIN (01/02), SSCC (00) or lot (10): it names nothing depot keeps"}
	default:
		// A plain code is whatever has it, a bin with a numeric code too;
		// an EAN/UPC may name a case whose barcode is stored as GTIN-14.
		cm, err = db.ResolveCode(ctx, s.Data)
		if app.ErrorCode(err) == app.ENOTFOUND && s.GTIN != "" {
			cm, err = db.resolveGTIN(ctx, s.GTIN)
		}
		if app.ErrorCode(err) == app.ENOTFOUND {
			return nil, app.NotFoundScan(s.Data)
		}
	}
	if err != nil {
		return nil, err
	}
	out.Kind, out.Location = cm.Kind, cm.Location
	if cm.Kind == app.CodeLocation {
		return out, nil
	}
	out.Variant = &app.ScanVariant{SKU: cm.SKU}
	if err := db.read.QueryRowContext(ctx, `SELECT p.name FROM variants v JOIN products p ON p.id = v.product_id WHERE v.sku = ?`,
		cm.SKU).Scan(&out.Variant.Name); err != nil {
		return nil, err
	}
	if cm.Kind == app.CodePackaging {
		out.Packaging = &app.ScanPackaging{Name: cm.Packaging, Qty: cm.Qty}
	}
	out.Lot = s.Lot
	if cm.Kind == app.CodeLot {
		out.Lot = cm.Lot
	}
	if out.Lot != "" {
		var exp sql.NullString
		err := db.read.QueryRowContext(ctx, `SELECT status, expires_on FROM lots
			WHERE variant_id = (SELECT id FROM variants WHERE sku = ?) AND code = ? ORDER BY id LIMIT 1`,
			cm.SKU, out.Lot).Scan(&out.LotStatus, &exp)
		switch {
		case err == nil:
			out.LotKnown, out.LotExpiresOn = true, exp.String
		case err != sql.ErrNoRows:
			return nil, err
		}
	}
	if cm.Kind != app.CodeLot {
		out.Qty = cm.Qty
		if s.Count > 0 {
			if cm.Qty > 0 && s.Count > app.MaxQty/cm.Qty {
				return nil, app.FieldErrorf("code", "%d packs of %d is more than depot counts in one scan", s.Count, cm.Qty)
			}
			out.Qty = s.Count * cm.Qty
		}
	}
	return out, nil
}

// resolveGTIN finds a variant by GTIN or a packaging whose barcode is the
// GTIN-14, or the same GTIN written with fewer digits (GTIN-13, -12, -8
// stored without their leading zeros).
func (db *DB) resolveGTIN(ctx context.Context, gtin string) (*app.CodeMatch, error) {
	cm, err := db.ResolveCode(ctx, gtin)
	for _, n := range []int{13, 12, 8} {
		if app.ErrorCode(err) != app.ENOTFOUND || len(gtin) <= n || !allZeros(gtin[:len(gtin)-n]) {
			break
		}
		cm, err = db.ResolveCode(ctx, gtin[len(gtin)-n:])
	}
	if err == nil && cm.Kind != app.CodeVariant && cm.Kind != app.CodePackaging {
		// A location or lot whose code happens to be these digits is not
		// what a GTIN names.
		return nil, app.NotFoundScan(gtin)
	}
	return cm, err
}

func allZeros(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '0' {
			return false
		}
	}
	return true
}
