package station

import (
	"bytes"
	"context"
	"fmt"

	"depot/hardware/label"
)

// HasPrinter reports whether the station has a label printer configured.
func (s *Station) HasPrinter() bool { return s.printer != nil }

// PrintLabels prints the labels, in order, as one job on the station's
// printer and then refreshes the printer's status. Nothing is sent when a
// label does not render (its error names the item); a printer that cannot
// be reached is an app.EUNAVAILABLE error naming it.
func (s *Station) PrintLabels(ctx context.Context, labels ...*label.Label) error {
	if s.printer == nil {
		return fmt.Errorf("station %s has no printer", s.code)
	}
	var job bytes.Buffer
	for _, l := range labels {
		z, err := l.ZPL()
		if err != nil {
			return err
		}
		job.Write(z)
	}
	return s.Print(ctx, job.Bytes())
}

// Print sends ZPL (one or more ^XA…^XZ formats: a shipping label, a
// packing slip) to the station's printer and refreshes its status, as
// PrintTest does. The error names the printer; a station without one is an
// error too.
func (s *Station) Print(ctx context.Context, zpl []byte) error {
	if s.printer == nil {
		return fmt.Errorf("station %s has no printer", s.code)
	}
	s.prLock.Lock()
	err := s.printer.Print(ctx, zpl)
	s.prLock.Unlock()
	if err != nil {
		at := s.m.opt.Now()
		s.update(func(x *State) { x.Printer.Connected = false; failed(&x.Printer, err, at) })
		return err
	}
	s.checkPrinter(ctx)
	return nil
}
