package carrier

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"depot/app"
)

func TestDepotTracking(t *testing.T) {
	// 0000000017: 7x3 + 1x1 = 22, check digit 8; 0000004271: 1x3 + 7 + 2x3 + 4 = 20, check digit 0.
	for id, want := range map[int64]string{17: "DPT00000000178", 1: "DPT00000000017", 4271: "DPT00000042710"} {
		if got := app.DepotTracking(id); got != want {
			t.Errorf("DepotTracking(%d) = %s, want %s", id, got, want)
		}
	}
}

func TestManualLabel(t *testing.T) {
	ctx := context.Background()
	s := &app.Shipment{ID: 17, Order: "SO-1001", Carrier: "dhl", Service: "express"}
	l, err := For("dhl").Label(ctx, app.LabelRequest{Shipment: s, From: []string{"Main warehouse"},
		To: AddressLines("Ana Silva,  Rua Augusta 100\n1100-053 Lisboa"), WeightMg: 1_250_000})
	if err != nil {
		t.Fatal(err)
	}
	if l.Tracking != "DPT00000000178" {
		t.Errorf("tracking %s, want depot's", l.Tracking)
	}
	z := string(l.ZPL)
	for _, want := range []string{"^FDORDER SO-1001^FS", "^FDTRACKING DPT00000000178^FS", "^FDDHL EXPRESS   1.250 kg^FS",
		"^FDAna Silva^FS", "^FD1100-053 Lisboa^FS", "^LL1219"} {
		if !strings.Contains(z, want) {
			t.Errorf("label lacks %q:\n%s", want, z)
		}
	}
	// Both numbers as Code 128 (^BC) fields.
	if strings.Count(z, "^BC") != 2 {
		t.Errorf("%d Code 128 fields, want the order's and the tracking's:\n%s", strings.Count(z, "^BC"), z)
	}
	s.Tracking = "JD014600006281"
	if l, err := (Manual{}).Label(ctx, app.LabelRequest{Shipment: s, To: []string{"Ana"}, DPI: 300}); err != nil || l.Tracking != "JD014600006281" ||
		!strings.Contains(string(l.ZPL), "^FDTRACKING JD014600006281^FS") || !strings.Contains(string(l.ZPL), "^FDMANUAL EXPRESS^FS") {
		t.Errorf("entered tracking: %+v %v", l, err)
	}
	if _, err := (Manual{}).Label(ctx, app.LabelRequest{Shipment: s}); app.ErrorField(err) != "to" {
		t.Errorf("label without a recipient: %v", err)
	}
}

func TestManualHasNoRatesOrTracking(t *testing.T) {
	ctx := context.Background()
	if _, err := (Manual{}).Rate(ctx, app.RateRequest{}); app.ErrorCode(err) != app.EUNAVAILABLE {
		t.Errorf("rate: %v", err)
	}
	if _, err := For("UPS").Track(ctx, "1Z999"); app.ErrorCode(err) != app.EUNAVAILABLE || !strings.Contains(err.Error(), "UPS") {
		t.Errorf("track: %v", err)
	}
}

func TestAddressLines(t *testing.T) {
	got := AddressLines(" Ana Silva\n\nRua Augusta 100, 1100-053 Lisboa ,")
	if want := []string{"Ana Silva", "Rua Augusta 100", "1100-053 Lisboa"}; !reflect.DeepEqual(got, want) {
		t.Errorf("AddressLines = %q, want %q", got, want)
	}
}
