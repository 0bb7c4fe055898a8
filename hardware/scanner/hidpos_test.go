package scanner

import (
	"strings"
	"testing"
)

// honeywellREVINF is the reply of a Honeywell Voyager 1602g to the REVINF
// command in HID POS mode, as captured in HenkVanAsselt/python_hon_usbhid's
// README: six reports with AIM ]X0 (the continuation flag, byte 63, set on
// all but the last), then one ]Z6 report that repeats the command and ends
// with ACK.
var honeywellREVINF = [][]byte{
	{2, 56, 93, 88, 48, 80, 114, 111, 100, 117, 99, 116, 32, 78, 97, 109, 101, 58, 32, 86, 111, 121, 97, 103, 101, 114, 32, 49, 54, 48, 50, 103, 13, 10, 66, 111, 111, 116, 32, 82, 101, 118, 105, 115, 105, 111, 110, 58, 32, 58, 32, 56, 57, 57, 50, 13, 10, 83, 111, 102, 116, 63, 0, 1},
	{2, 56, 93, 88, 48, 119, 97, 114, 101, 32, 80, 97, 114, 116, 32, 78, 117, 109, 98, 101, 114, 58, 32, 67, 87, 48, 48, 48, 48, 56, 50, 66, 66, 65, 13, 10, 83, 111, 102, 116, 119, 97, 114, 101, 32, 82, 101, 118, 105, 115, 105, 111, 110, 58, 32, 36, 80, 114, 111, 106, 101, 63, 0, 1},
	{2, 56, 93, 88, 48, 99, 116, 82, 101, 118, 105, 115, 105, 111, 110, 58, 32, 49, 54, 51, 52, 53, 32, 13, 10, 83, 101, 114, 105, 97, 108, 32, 78, 117, 109, 98, 101, 114, 58, 32, 49, 53, 50, 51, 50, 66, 49, 70, 48, 67, 13, 10, 83, 117, 112, 112, 111, 114, 116, 101, 100, 63, 0, 1},
	{2, 56, 93, 88, 48, 32, 73, 70, 58, 32, 66, 108, 117, 101, 116, 111, 111, 116, 104, 13, 10, 80, 67, 66, 32, 65, 115, 115, 101, 109, 98, 108, 121, 32, 73, 68, 58, 32, 48, 48, 48, 48, 48, 48, 13, 10, 69, 110, 103, 105, 110, 101, 32, 70, 105, 114, 109, 119, 97, 114, 101, 63, 0, 1},
	{2, 56, 93, 88, 48, 32, 84, 121, 112, 101, 58, 32, 78, 47, 65, 32, 32, 32, 82, 101, 118, 105, 115, 105, 111, 110, 58, 32, 78, 47, 65, 32, 32, 32, 83, 101, 114, 105, 97, 108, 32, 78, 117, 109, 98, 101, 114, 58, 32, 78, 47, 65, 32, 32, 32, 67, 104, 101, 99, 107, 115, 63, 0, 1},
	{2, 9, 93, 88, 48, 117, 109, 58, 32, 78, 47, 65, 13, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 63, 0, 0},
	{2, 8, 93, 90, 54, 82, 69, 86, 73, 78, 70, 6, 46, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0},
}

// honeywellReport builds one report in Honeywell's layout. It is the test's
// own encoder, checked against the capture above by TestHoneywellEncoderMatchesCapture.
func honeywellReport(aim, data string, codeID byte, more bool) []byte {
	r := make([]byte, 64)
	r[0], r[1] = 0x02, byte(len(data))
	copy(r[2:5], aim)
	copy(r[5:], data)
	r[61] = codeID
	if more {
		r[63] = 1
	}
	return r
}

// honeywellReports splits a scan into reports of up to 56 data bytes.
func honeywellReports(aim, data string) [][]byte {
	var out [][]byte
	for {
		n := min(len(data), 56)
		out = append(out, honeywellReport(aim, data[:n], 'w', n < len(data)))
		data = data[n:]
		if len(data) == 0 {
			return out
		}
	}
}

func feedReports(t *testing.T, d *ReportDecoder, reports [][]byte) []result {
	t.Helper()
	var chunks []string
	for _, r := range reports {
		chunks = append(chunks, string(r))
	}
	return collect(d, chunks...)
}

func newHoneywell(t *testing.T) *ReportDecoder {
	t.Helper()
	d, err := NewReportDecoder(Honeywell)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestReportDecoderHoneywellCapture(t *testing.T) {
	const revinf = "Product Name: Voyager 1602g\r\nBoot Revision: : 8992\r\nSoftware Part Number: CW000082BBA\r\n" +
		"Software Revision: $ProjectRevision: 16345 \r\nSerial Number: 15232B1F0C\r\nSupported IF: Bluetooth\r\n" +
		"PCB Assembly ID: 000000\r\nEngine Firmware Type: N/A   Revision: N/A   Serial Number: N/A   Checksum: N/A\r\n"
	got := feedReports(t, newHoneywell(t), honeywellREVINF)
	checkResults(t, got, []result{{data: revinf, aim: "]X0"}, {data: "REVINF\x06.", aim: "]Z6"}})
	if len(got[0].data) != 5*56+9 {
		t.Errorf("reassembled %d bytes, want %d", len(got[0].data), 5*56+9)
	}
}

func TestHoneywellEncoderMatchesCapture(t *testing.T) {
	last := honeywellREVINF[5]
	if got := honeywellReport("]X0", string(last[5:5+9]), '?', false); string(got) != string(last) {
		t.Errorf("test encoder gives\n%v\ncapture is\n%v", got, last)
	}
}

func TestReportDecoder(t *testing.T) {
	gs1 := "0109501101530003" + "17261231" + "10" + strings.Repeat("L", 20) + "\x1d" + "21" + strings.Repeat("S", 40)
	ok := func(aim, data string) result { return result{data: data, aim: aim} }
	bad := func(msg string) result { return result{err: msg} }
	short := honeywellReport("]C0", "A1", 'j', false)[:40]
	tooMuch := honeywellReport("]C0", "A1", 'j', false)
	tooMuch[1] = 57
	otherID := honeywellReport("]C0", "A1", 'j', false)
	otherID[0] = 0x04
	for _, tc := range []struct {
		name    string
		reports [][]byte
		want    []result
	}{
		{"OneReport", [][]byte{honeywellReport("]C0", "BIN-A-01", 'j', false)}, []result{ok("]C0", "BIN-A-01")}},
		{"GS1DataMatrixTwoReports", honeywellReports("]d2", gs1), []result{ok("]d2", gs1)}},
		{"ExactlyOneFullReport", honeywellReports("]C0", strings.Repeat("9", 56)), []result{ok("]C0", strings.Repeat("9", 56))}},
		{"NoAIMBytes", [][]byte{honeywellReport("\x00\x00\x00", "PLAIN", 0, false)}, []result{ok("", "PLAIN")}},
		{"OtherReportIgnored", [][]byte{otherID, honeywellReport("]C0", "A2", 'j', false)}, []result{ok("]C0", "A2")}},
		{"CutOff", [][]byte{honeywellReports("]d2", gs1)[0], honeywellReport("]C0", "A2", 'j', false)},
			[]result{bad("cut off: its last report never came"), ok("]C0", "A2")}},
		{"ShortReport", [][]byte{short, honeywellReport("]C0", "A2", 'j', false)}, []result{bad("HID report of 40 bytes, want 64"), ok("]C0", "A2")}},
		{"LengthTooLarge", [][]byte{tooMuch, honeywellReport("]C0", "A2", 'j', false)}, []result{bad("claims 57 data bytes, at most 56"), ok("]C0", "A2")}},
		{"BadGS1", [][]byte{honeywellReport("]C1", "LOT", 'I', false)}, []result{bad("says GS1")}},
		{"Empty", [][]byte{honeywellReport("]C0", "", 'j', false)}, []result{bad("carries no data")}},
		{"Overlong", append(honeywellReports("]Q1", strings.Repeat("x", MaxScanLen+100)), honeywellReport("]C0", "A2", 'j', false)),
			[]result{bad("longer than 4096 bytes"), ok("]C0", "A2")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkResults(t, feedReports(t, newHoneywell(t), tc.reports), tc.want)
		})
	}
}

func TestReportLayoutCheck(t *testing.T) {
	for _, l := range []ReportLayout{
		{},
		{ReportID: 2, Size: 64, LenAt: 1, AIMAt: 62, DataAt: 5, MaxData: 56, MoreAt: 63},
		{ReportID: 2, Size: 64, LenAt: 1, AIMAt: 2, DataAt: 5, MaxData: 60, MoreAt: 63},
		{ReportID: 2, Size: 64, LenAt: 64, AIMAt: 2, DataAt: 5, MaxData: 56, MoreAt: 63},
	} {
		if _, err := NewReportDecoder(l); err == nil {
			t.Errorf("layout %+v accepted", l)
		}
	}
}
