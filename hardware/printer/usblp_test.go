package printer

import (
	"context"
	"fmt"
	"os"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal in raw mode and returns the master side
// and the path of the slave side. A test keeps one slave descriptor open
// (returned too), so the master sees no hang-up between the driver's opens.
func openPTY(t *testing.T) (master *os.File, slavePath string, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("open /dev/ptmx: %v", err)
	}
	// SyscallConn, not Fd: Fd would switch the file to blocking mode.
	rc, err := m.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var n int
	var cerr error
	if err := rc.Control(func(fd uintptr) {
		if cerr = unix.IoctlSetPointerInt(int(fd), unix.TIOCSPTLCK, 0); cerr == nil {
			n, cerr = unix.IoctlGetInt(int(fd), unix.TIOCGPTN)
		}
	}); err != nil || cerr != nil {
		t.Fatalf("unlock pty: %v %v", err, cerr)
	}
	slavePath = fmt.Sprintf("/dev/pts/%d", n)
	s, err := os.OpenFile(slavePath, os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	src, _ := s.SyscallConn()
	if err := src.Control(func(fd uintptr) {
		tio, err := unix.IoctlGetTermios(int(fd), unix.TCGETS)
		if err != nil {
			cerr = err
			return
		}
		tio.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
		tio.Oflag &^= unix.OPOST
		tio.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
		tio.Cflag &^= unix.CSIZE | unix.PARENB
		tio.Cflag |= unix.CS8
		tio.Cc[unix.VMIN], tio.Cc[unix.VTIME] = 1, 0
		cerr = unix.IoctlSetTermios(int(fd), unix.TCSETS, tio)
	}); err != nil || cerr != nil {
		t.Fatalf("raw mode: %v %v", err, cerr)
	}
	return m, slavePath, s
}

// TestUSBLP drives the printer through a character device, as on
// /dev/usb/lp0: the simulator serves the master side of a pty and the
// driver opens the slave path with the usblp scheme.
func TestUSBLP(t *testing.T) {
	master, path, slave := openPTY(t)
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
		slave.Close()
		master.Close()
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
