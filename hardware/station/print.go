package station

import (
	"context"
	"fmt"
)

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
