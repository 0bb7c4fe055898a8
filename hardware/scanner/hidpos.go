package scanner

import (
	"fmt"
	"time"
)

// ReportLayout says where the fields of a HID POS Scanned Data Report (usage
// page 0x8C) sit. The HID POS usage tables name the fields (Symbology
// Identifier 1-3, Decoded Data, Decode Data Continued) but each scanner's
// report descriptor places them; offsets count from the first byte that
// karalabe/hid returns, which is the report ID for numbered reports.
type ReportLayout struct {
	ReportID byte // first byte of a scanned-data report; other reports are ignored
	Size     int  // bytes in one report
	LenAt    int  // offset of the data-length byte
	AIMAt    int  // offset of the three AIM identifier bytes
	DataAt   int  // offset of the first data byte
	MaxData  int  // data bytes one report can carry
	MoreAt   int  // offset of the continuation flag: non-zero when more reports follow
}

// Honeywell is the layout of Honeywell scanners in HID POS mode (reverse
// engineered by HenkVanAsselt/python_hon_usbhid, used by
// NielsLeenheer/WebHidBarcodeScanner): report 0x02, 64 bytes, length at 1,
// AIM at 2-4, up to 56 data bytes from 5, Honeywell code ID at 61, the
// continuation flag at 63.
var Honeywell = ReportLayout{ReportID: 0x02, Size: 64, LenAt: 1, AIMAt: 2, DataAt: 5, MaxData: 56, MoreAt: 63}

// Check reports whether the layout's offsets fit inside its report size.
func (l ReportLayout) Check() error {
	switch {
	case l.Size < 1:
		return fmt.Errorf("HID report layout: size %d, want at least 1", l.Size)
	case l.LenAt < 0 || l.LenAt >= l.Size, l.MoreAt < 0 || l.MoreAt >= l.Size:
		return fmt.Errorf("HID report layout: length byte at %d or continuation flag at %d outside a %d-byte report", l.LenAt, l.MoreAt, l.Size)
	case l.AIMAt < 0 || l.AIMAt+3 > l.Size:
		return fmt.Errorf("HID report layout: AIM identifier at %d outside a %d-byte report", l.AIMAt, l.Size)
	case l.MaxData < 1 || l.DataAt < 0 || l.DataAt+l.MaxData > l.Size:
		return fmt.Errorf("HID report layout: %d data bytes at %d do not fit a %d-byte report", l.MaxData, l.DataAt, l.Size)
	}
	return nil
}

// ReportDecoder reassembles HID POS scanned-data reports into scans: a scan
// longer than one report arrives as several reports with the continuation
// flag set on all but the last. It is a Decoder; Feed takes exactly one
// report per call (hidconn.Conn returns one per Read).
type ReportDecoder struct {
	layout ReportLayout
	aim    [3]byte
	data   []byte
	open   bool // a scan is partly assembled
	drop   bool // discarding the rest of an over-long scan
}

// NewReportDecoder returns a decoder for reports in the given layout. It
// fails when the layout's offsets do not fit its size.
func NewReportDecoder(layout ReportLayout) (*ReportDecoder, error) {
	if err := layout.Check(); err != nil {
		return nil, err
	}
	return &ReportDecoder{layout: layout}, nil
}

// Reset drops a partly assembled scan.
func (d *ReportDecoder) Reset() {
	d.data = d.data[:0]
	d.open, d.drop = false, false
}

// Feed implements Decoder for one input report. Reports with another report
// ID are not scans and are skipped. A report that is too short or claims
// more data than it can carry is refused; a scan whose continuation is
// replaced by a report with another AIM identifier is refused as cut off,
// and the new report starts a new scan.
func (d *ReportDecoder) Feed(report []byte, at time.Time, emit func(Scan, error)) {
	l := d.layout
	if len(report) == 0 || report[0] != l.ReportID {
		return
	}
	if len(report) < l.Size {
		emit(Scan{}, scanErrorf(nil, "HID report of %d bytes, want %d: discarded", len(report), l.Size))
		d.Reset()
		return
	}
	n := int(report[l.LenAt])
	if n > l.MaxData {
		emit(Scan{}, scanErrorf(nil, "HID report claims %d data bytes, at most %d fit: discarded", n, l.MaxData))
		d.Reset()
		return
	}
	var aim [3]byte
	copy(aim[:], report[l.AIMAt:l.AIMAt+3])
	if d.open && aim != d.aim {
		emit(Scan{}, scanErrorf(d.data, "cut off: its last report never came (next report starts %q)", aim[:]))
		d.Reset()
	}
	if !d.open {
		d.open, d.aim = true, aim
	}
	if !d.drop {
		d.data = append(d.data, report[l.DataAt:l.DataAt+n]...)
		if len(d.data) > MaxScanLen {
			emit(Scan{}, scanErrorf(d.data, "longer than %d bytes: discarded", MaxScanLen))
			d.data, d.drop = d.data[:0], true
		}
	}
	if report[l.MoreAt] != 0 {
		return
	}
	if !d.drop {
		emit(d.scan(at))
	}
	d.Reset()
}

func (d *ReportDecoder) scan(at time.Time) (Scan, error) {
	// Identifier bytes that are not an AIM identifier (zeros when the
	// scanner's AIM prefix is off) leave the scan without one.
	a, _ := ParseAIM(string(d.aim[:]))
	return newScan(a, d.data, at)
}
