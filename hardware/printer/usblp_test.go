package printer

import (
	"context"
	"testing"
	"time"

	"depot/hardware/pty"
)

// TestUSBLP drives the printer through a character device, as on
// /dev/usb/lp0: the simulator serves the master side of a pty and the
// driver opens the slave path with the usblp scheme.
func TestUSBLP(t *testing.T) {
	p0, err := pty.Open() // holds a slave descriptor, so the master sees no hang-up between the driver's opens
	if err != nil {
		t.Fatal(err)
	}
	master, path := p0.Master, p0.Path()
	sim, err := NewSim(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		sim.Serve(master)
	}()
	t.Cleanup(func() {
		p0.Close()
		<-done
	})
	p, err := Open("usblp:" + path)
	if err != nil {
		t.Fatal(err)
	}
	p.StatusTimeout = 500 * time.Millisecond
	ctx := context.Background()
	z := testZPL(t)
	if err := p.Print(ctx, z); err != nil {
		t.Fatal(err)
	}
	st := mustStatus(t, p)
	if !st.Ready() || st.LabelLengthDots != 610 {
		t.Errorf("status over usblp: %+v", st)
	}
	if got := readLabels(t, sim); len(got) != 1 || got[0]+"\n" != string(z) {
		t.Errorf("labels over usblp: %q", got)
	}
	sim.Set(func(s *SimState) { s.HeadOpen = true })
	if st := mustStatus(t, p); !st.HeadOpen {
		t.Errorf("head open over usblp: %+v", st)
	}
	sim.Set(func(s *SimState) { s.Silent = true })
	if st := mustStatus(t, p); !st.NoAnswer {
		t.Errorf("silent over usblp: %+v", st)
	}
}
