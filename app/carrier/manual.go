// Package carrier holds depot's carriers. Manual is the carrier of every
// shipment until real carrier integrations exist: the tracking number is
// entered or scanned (or made by depot, app.DepotTracking), and the label
// is depot's own 4x6 ZPL label with the order and tracking numbers as
// Code 128 barcodes.
package carrier

import (
	"context"
	"strings"

	"depot/app"
	"depot/hardware/label"
)

// Manual is a carrier without an API. CarrierName is the carrier printed on
// the label (the order's carrier, e.g. "DHL"); "" prints "manual".
type Manual struct {
	CarrierName string
}

var _ app.Carrier = Manual{}

// For returns the carrier of a shipment's carrier name: the manual carrier
// under that name, since no carrier has an integration yet.
func For(name string) app.Carrier { return Manual{CarrierName: name} }

// Name is the carrier's name.
func (m Manual) Name() string {
	if m.CarrierName == "" {
		return "manual"
	}
	return m.CarrierName
}

// Rate is unavailable: a manual carrier's price is agreed outside depot.
func (m Manual) Rate(context.Context, app.RateRequest) ([]app.Rate, error) {
	return nil, app.Errorf(app.EUNAVAILABLE, "carrier %s has no integration in depot: it quotes no rates", m.Name())
}

// Track is unavailable: nobody tells depot where a manual parcel is.
func (m Manual) Track(_ context.Context, tracking string) (*app.TrackStatus, error) {
	return nil, app.Errorf(app.EUNAVAILABLE, "carrier %s has no integration in depot: parcel %s cannot be tracked from here", m.Name(), tracking)
}

// Label lays out depot's own 4x6 shipping label for the shipment: sender,
// recipient, carrier and weight, the order number and the tracking number
// (the shipment's, made by depot when none was entered) as Code 128.
// Errors: invalid (no recipient, a shipment without an order, text the
// label cannot print).
func (m Manual) Label(_ context.Context, r app.LabelRequest) (*app.CarrierLabel, error) {
	s := r.Shipment
	if s == nil {
		return nil, app.FieldErrorf("shipment", "is required")
	}
	tracking := s.Tracking
	if tracking == "" {
		tracking = app.DepotTracking(s.ID)
	}
	dpi := r.DPI
	if dpi == 0 {
		dpi = 203
	}
	carrier := m.Name()
	if s.Service != "" {
		carrier += " " + s.Service
	}
	l, err := label.ShippingLabel(label.Shipment{From: r.From, To: r.To, Order: s.Order, Tracking: tracking,
		WeightMg: r.WeightMg, Carrier: strings.ToUpper(carrier)}, dpi)
	if err != nil {
		return nil, err
	}
	zpl, err := l.ZPL()
	if err != nil {
		return nil, err
	}
	return &app.CarrierLabel{Tracking: tracking, ZPL: zpl}, nil
}

// AddressLines splits an address kept as text (lines separated by new
// lines or commas) into label lines, dropping empty ones.
func AddressLines(text string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == ',' }) {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}
