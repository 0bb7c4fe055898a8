package station

import (
	"fmt"
	"sync"

	"depot/hardware/pty"
)

// SimScannerName is the target of the simulated scanner's address, sim:scanner.
const SimScannerName = "scanner"

// MaxSimScan caps what one simulated scan may carry.
const MaxSimScan = 200

// ScannerSim is a serial bar code scanner on the device side of a pty: each
// Scan goes out as "data CR", as a USB-CDC scanner in its factory setting
// sends it (with the AIM identifier first when the data starts with one).
// The station reads it through go.bug.st/serial like a real scanner.
type ScannerSim struct {
	mu sync.Mutex
	p  *pty.PTY
}

// StartScannerSim opens the simulator's pty.
func StartScannerSim() (*ScannerSim, error) {
	p, err := pty.Open()
	if err != nil {
		return nil, fmt.Errorf("simulated scanner: %w", err)
	}
	return &ScannerSim{p: p}, nil
}

// Path is the tty a driver opens.
func (s *ScannerSim) Path() string { return s.p.Path() }

// Scan sends one scan. data is what the symbol holds, optionally led by an
// AIM identifier ("]C1" for GS1-128); it must be printable text without
// line breaks, at most MaxSimScan bytes. The error names the scan.
func (s *ScannerSim) Scan(data string) error {
	if data == "" {
		return fmt.Errorf("scan: nothing to send")
	}
	if len(data) > MaxSimScan {
		return fmt.Errorf("scan: %d bytes; a simulated scan holds at most %d", len(data), MaxSimScan)
	}
	for i := 0; i < len(data); i++ {
		if c := data[i]; (c < ' ' && c != 0x1D) || c == 0x7F {
			return fmt.Errorf("scan %q: byte %d is a control character (only GS, 0x1D, may appear inside a scan)", data, i+1)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.p.Master.Write([]byte(data + "\r")); err != nil {
		return fmt.Errorf("simulated scanner: %w", err)
	}
	return nil
}

// Close closes the pty: the reader sees an unplugged scanner.
func (s *ScannerSim) Close() error { return s.p.Close() }
