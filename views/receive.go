package views

import (
	"net/url"
	"strconv"

	"depot/app"
)

// ReceiveStartModel is the first step of receiving: pick or scan the
// purchase order.
type ReceiveStartModel struct {
	Orders []app.ReceivingOrder
	Form   Form
}

// ReceiveModel is the scan-to-receive screen of one purchase order.
type ReceiveModel struct {
	Order app.ReceivingOrder
	// Docks to choose from when the order names none.
	Docks []string
	Form  Form
	// Confirm is set when the last scan needs a confirmation (an expiry
	// in the past or far ahead): the question to ask.
	Confirm string
	// Last is the receipt the previous scan posted, nil before the first.
	Last *app.Receipt
	// Per is the pack size of the last scan (a case), 1 for a unit.
	Per int64
}

// ReceiveModes are the conditions a scan is received in, with their
// button labels.
var ReceiveModes = [][2]string{{"ok", "Good"}, {"damaged", "Damaged"}, {"wrong_item", "Wrong item"}}

// receiveMode is the chosen condition of the form, ok by default.
func receiveMode(f Form) string {
	if m := f.Value("condition"); m == "damaged" || m == "wrong_item" {
		return m
	}
	return "ok"
}

// receiveURL is the screen of a purchase order.
func receiveURL(po string) string { return "/floor/receive?po=" + url.QueryEscape(po) }

// lineState says where a purchase order line stands, in words.
func lineState(l app.ReceivingLine) string {
	switch {
	case l.Closed && l.Received < l.Qty:
		return "closed short"
	case l.Received > l.Qty:
		return "over by " + qty(l.Received-l.Qty)
	case l.Received == l.Qty:
		return "complete"
	case l.Closed:
		return "closed"
	case l.Received > 0:
		return "partial"
	}
	return "expected"
}

// lineClass is the CSS class of a line's row.
func lineClass(l app.ReceivingLine) string {
	switch {
	case l.Received > l.Qty:
		return "over"
	case l.Remaining() == 0:
		return "done"
	case l.Received > 0:
		return "partial"
	}
	return ""
}

// labelURL is the label preview of a received line (built by the labels
// page): its SKU, lot, expiry and units; per, the units of the case that
// was scanned, asks for one case label per case, else one lot label.
func labelURL(l app.ReceiptLine, per int64) string {
	v := url.Values{}
	v.Set("sku", l.SKU)
	v.Set("lot", l.Lot)
	v.Set("expires", l.ExpiresOn)
	v.Set("qty", strconv.FormatInt(l.Qty, 10))
	if per > 1 {
		v.Set("per", strconv.FormatInt(per, 10))
	}
	v.Set("copies", "1")
	return "/labels/receipt?" + v.Encode()
}

// stocked reports whether a receipt line put units into stock at the dock.
func stocked(l app.ReceiptLine) bool {
	return l.Condition == app.ReceiptOK || l.Condition == app.ReceiptOver
}

// anyStocked reports whether a receipt put units on the dock.
func anyStocked(r *app.Receipt) bool {
	for _, l := range r.Lines {
		if stocked(l) {
			return true
		}
	}
	return false
}

// receiptLineText says what a receipt line recorded, in words.
func receiptLineText(l app.ReceiptLine) string {
	what := l.SKU
	if what == "" {
		what = "“" + l.Scanned + "”"
	}
	s := qty(l.Qty) + " " + what
	if l.Lot != "" {
		s += " lot " + l.Lot
		if l.ExpiresOn != "" {
			s += " (expires " + l.ExpiresOn + ")"
		}
	}
	switch l.Condition {
	case app.ReceiptOK:
		s += " received into " + l.Location
	case app.ReceiptOver:
		s += " over the order, received into " + l.Location
	case app.ReceiptDamaged:
		s += " damaged, into quarantine at " + l.Location
	case app.ReceiptWrongItem:
		s += " recorded as a wrong item, not put into stock"
	case app.ReceiptShort:
		s += " never came: line closed short"
	}
	return s
}
