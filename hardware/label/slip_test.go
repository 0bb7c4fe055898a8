package label

import (
	"fmt"
	"strings"
	"testing"

	"depot/app"
)

func TestPackingSlip(t *testing.T) {
	var lines []SlipLine
	for i := range 23 {
		lines = append(lines, SlipLine{SKU: fmt.Sprintf("SKU-%02d", i), Name: "Thing ^" + fmt.Sprint(i), Qty: int64(i + 1)})
	}
	for _, dpi := range []int{203, 300} {
		l, err := PackingSlip(Slip{Order: "SO-1", Tracking: "DPT00000000017", To: []string{"Ana Silva", "Rua Augusta 100"}, Lines: lines}, dpi)
		if err != nil {
			t.Fatal(err)
		}
		z, err := l.ZPL()
		if err != nil {
			t.Fatal(err)
		}
		text := string(z)
		for _, want := range []string{"^FDPACKING SLIP^FS", "^FDORDER SO-1^FS", "^FDTRACKING DPT00000000017^FS", "^FDAna Silva^FS",
			`^FD1 x SKU-00  Thing \5E0^FS`, `^FD20 x SKU-19  Thing \5E19^FS`,
			"^FD... and 3 more lines (66 units) not listed^FS", "^FD276 units in 23 lines^FS"} {
			if !strings.Contains(text, want) {
				t.Errorf("%d dpi: no %q in\n%s", dpi, want, text)
			}
		}
		if strings.Contains(text, "SKU-20") {
			t.Errorf("%d dpi: line 21 printed although only 20 fit", dpi)
		}
	}
	if _, err := PackingSlip(Slip{Order: "SO-1"}, 203); app.ErrorField(err) != "lines" {
		t.Errorf("empty slip: %v", err)
	}
	if _, err := PackingSlip(Slip{Lines: lines}, 203); app.ErrorField(err) != "order" {
		t.Errorf("slip without an order: %v", err)
	}
}

func TestShippingLabelTracking(t *testing.T) {
	l, err := ShippingLabel(Shipment{To: []string{"Ana"}, Order: "SO-1", Tracking: "DPT00000000017", SSCC: "106141412345678908"}, 203)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, it := range l.Items {
		if c, ok := it.(*Code128); ok {
			codes = append(codes, c.Data)
		}
	}
	if strings.Join(codes, ",") != "SO-1,DPT00000000017" {
		t.Errorf("Code 128 barcodes %v, want the order and the tracking number", codes)
	}
}
