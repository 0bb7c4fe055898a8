package scanner

import (
	"fmt"
	"strconv"
	"time"

	"depot/app"
)

// MaxScanLen caps one scan in bytes. The densest symbols a warehouse meets
// stay well below it (a full Data Matrix holds 3116 digits, a QR Code 2953
// bytes), so anything longer is a missing suffix or line noise.
const MaxScanLen = 4096

// GS is the group separator that stands for FNC1 inside GS1 data.
const GS = 0x1D

// Scan is one bar code read by a scanner.
type Scan struct {
	Data      string    // the decoded data without AIM prefix or suffix; GS (0x1D) kept as is
	Symbology Symbology // from the AIM identifier; SymUnknown without one
	AIM       string    // the AIM identifier as sent, e.g. "]C1"; "" when the scanner sends none
	GS1       bool      // Data is a GS1 element string: AIs such as (01)(17)(10), GS between fields
	At        time.Time // when the last byte of the scan arrived
}

// Decode turns one framed scan (prefix and suffix already removed) into a
// Scan. A leading AIM identifier is split off and decoded unless noAIM is
// set (for scanners configured without AIM prefixes whose data may start
// with ']'). Errors are *app.Error with code invalid and say which scan was
// refused and why: empty data, data longer than MaxScanLen, or GS1 data that does not start with an
// Application Identifier.
func Decode(frame []byte, at time.Time, noAIM bool) (Scan, error) {
	if noAIM {
		return newScan(AIM{}, frame, at)
	}
	a, data, _ := SplitAIM(frame)
	return newScan(a, data, at)
}

func newScan(a AIM, data []byte, at time.Time) (Scan, error) {
	if a.GS1 && len(data) > 0 && data[0] == GS {
		// Some scanners send the leading FNC1 as GS although the AIM
		// identifier already says FNC1 in first position.
		data = data[1:]
	}
	if len(data) == 0 {
		if a.ID != "" {
			return Scan{}, scanErrorf(nil, "scan with AIM %s carries no data", a.ID)
		}
		return Scan{}, scanErrorf(nil, "empty scan")
	}
	if len(data) > MaxScanLen {
		return Scan{}, scanErrorf(data, "longer than %d bytes: discarded", MaxScanLen)
	}
	if a.GS1 && !(len(data) >= 2 && isDigit(data[0]) && isDigit(data[1])) {
		return Scan{}, scanErrorf(data, "AIM %s says GS1 but the data does not start with an Application Identifier (two digits)", a.ID)
	}
	return Scan{Data: string(data), Symbology: a.Symbology, AIM: a.ID, GS1: a.GS1, At: at}, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// scanErrorf returns an invalid-input error quoting the refused bytes.
func scanErrorf(data []byte, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if data != nil {
		msg = "scan " + quote(data) + ": " + msg
	}
	return app.Errorf(app.EINVALID, "%s", msg)
}

// quote renders bytes for an error message, clipped so a run of line noise
// does not flood the log.
func quote(b []byte) string {
	const max = 64
	if len(b) > max {
		return strconv.Quote(string(b[:max])) + fmt.Sprintf("… (%d bytes)", len(b))
	}
	return strconv.Quote(string(b))
}
