// Package station runs packing stations: a station is a location (a packing
// bench) whose attributes bind a scale, a scanner and a label printer by
// address. A Manager opens every station's devices with the real drivers,
// keeps what each device last said (connected, last reading, scan or
// printer status, last error and when), reconnects them, and tells
// subscribers (the device page's event stream) about every change.
package station

import (
	"encoding/json"
	"fmt"
	"strings"

	"depot/app"
	"depot/hardware"
	"depot/hardware/scale"
	"depot/hardware/scanner"
)

// AttributeKey is the key of a location's attributes that holds its
// station: {"station": {"scale": ADDR, "scanner": ADDR, "printer": ADDR}}.
const AttributeKey = "station"

// Config is the devices of one station by address; any may be empty.
type Config struct {
	Scale   string `json:"scale"`
	Scanner string `json:"scanner"`
	Printer string `json:"printer"`
}

// Empty reports whether the station has no device.
func (c Config) Empty() bool { return c.Scale == "" && c.Scanner == "" && c.Printer == "" }

// ConfigOf reads the station out of a location's attributes. ok is false
// when the location is not a station.
func ConfigOf(attrs json.RawMessage) (c Config, ok bool, err error) {
	if len(attrs) == 0 {
		return Config{}, false, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(attrs, &m); err != nil {
		return Config{}, false, fmt.Errorf("attributes: %v", err)
	}
	raw, ok := m[AttributeKey]
	if !ok || string(raw) == "null" {
		return Config{}, false, nil
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return Config{}, false, fmt.Errorf("attributes: station: want {\"scale\": ADDR, \"scanner\": ADDR, \"printer\": ADDR}: %v", err)
	}
	return c, true, nil
}

// Normalize trims the addresses and checks that each names a device of
// its kind. The error is an invalid-input *app.Error naming the field
// (scale, scanner or printer) and what is wrong.
func (c *Config) Normalize() error {
	c.Scale = strings.TrimSpace(c.Scale)
	c.Scanner = strings.TrimSpace(c.Scanner)
	c.Printer = strings.TrimSpace(c.Printer)
	if err := checkScale(c.Scale); err != nil {
		return app.FieldErrorf("scale", "%s", err)
	}
	if err := checkScanner(c.Scanner); err != nil {
		return app.FieldErrorf("scanner", "%s", err)
	}
	if err := checkPrinter(c.Printer); err != nil {
		return app.FieldErrorf("printer", "%s", err)
	}
	return nil
}

// maxAddress caps an address; real ones are well below it.
const maxAddress = 512

func parse(s string) (hardware.Address, error) {
	if len(s) > maxAddress {
		return hardware.Address{}, fmt.Errorf("device address is %d bytes long; at most %d", len(s), maxAddress)
	}
	return hardware.ParseAddress(s)
}

func checkScale(s string) error {
	if s == "" {
		return nil
	}
	a, err := parse(s)
	if err != nil {
		return err
	}
	name := a.Params.Get("protocol")
	switch a.Scheme {
	case hardware.SchemeSim:
		name = a.Target
	case hardware.SchemeHID:
		if name == "" {
			name = "hid-report"
		}
	case hardware.SchemeSerial, hardware.SchemeTCP:
		if name == "" {
			return fmt.Errorf("scale %q: add ?protocol=nci, toledo, sics, hid-report or line", s)
		}
	default:
		return fmt.Errorf("scale %q: a scale is reached by serial:, tcp:, hid: or sim:, not %s:", s, a.Scheme)
	}
	if _, err := scale.Lookup(name, a.Params); err != nil {
		return fmt.Errorf("scale %q: %v", s, err)
	}
	return nil
}

func checkScanner(s string) error {
	if s == "" {
		return nil
	}
	a, err := parse(s)
	if err != nil {
		return err
	}
	switch a.Scheme {
	case hardware.SchemeSim:
		if a.Target != SimScannerName {
			return fmt.Errorf("scanner %q: the simulated scanner is sim:%s", s, SimScannerName)
		}
	case hardware.SchemeSerial, hardware.SchemeTCP, hardware.SchemeHID:
	default:
		return fmt.Errorf("scanner %q: a scanner is reached by serial:, tcp:, hid: or sim:, not %s:", s, a.Scheme)
	}
	if _, err := scanner.NewDecoder(a); err != nil {
		return fmt.Errorf("%s", app.ErrorMessage(err))
	}
	if a.Scheme == hardware.SchemeSerial || a.Scheme == hardware.SchemeTCP {
		if _, err := scannerMode.WithParams(a); err != nil {
			return fmt.Errorf("scanner %q: %v", s, err)
		}
	}
	return nil
}

func checkPrinter(s string) error {
	if s == "" {
		return nil
	}
	a, err := parse(s)
	if err != nil {
		return err
	}
	switch a.Scheme {
	case hardware.SchemeTCP, hardware.SchemeUSBLP:
	case hardware.SchemeSim:
		if a.Target != "zebra" {
			return fmt.Errorf("printer %q: the simulated printer is sim:zebra", s)
		}
	default:
		return fmt.Errorf("printer %q: a label printer is reached by tcp:, usblp: or sim:, not %s:", s, a.Scheme)
	}
	return nil
}
