package scanner

import (
	"fmt"
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// ptyPair is an in-process pseudo terminal: the test writes the scanner's
// bytes to master, the code under test opens slave with go.bug.st/serial.
// Closing master is an unplug. (A minimal copy of what hardware/pty offers;
// hardware.md §7.1.)
type ptyPair struct {
	master *os.File
	slave  string
}

// openPTY opens /dev/ptmx, unlocks it and names its slave. It never calls
// master.Fd(), which would make the file blocking so that Close could no
// longer interrupt a Read.
func openPTY(t testing.TB) *ptyPair {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("open /dev/ptmx: %v", err)
	}
	rc, err := m.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var n int
	var ioErr error
	err = rc.Control(func(fd uintptr) {
		if ioErr = unix.IoctlSetPointerInt(int(fd), unix.TIOCSPTLCK, 0); ioErr != nil {
			return
		}
		if n, ioErr = unix.IoctlGetInt(int(fd), unix.TIOCGPTN); ioErr != nil {
			return
		}
		var tio *unix.Termios
		if tio, ioErr = unix.IoctlGetTermios(int(fd), unix.TCGETS); ioErr != nil {
			return
		}
		// cfmakeraw
		tio.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
		tio.Oflag &^= unix.OPOST
		tio.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
		tio.Cflag &^= unix.CSIZE | unix.PARENB
		tio.Cflag |= unix.CS8
		ioErr = unix.IoctlSetTermios(int(fd), unix.TCSETS, tio)
	})
	if err == nil {
		err = ioErr
	}
	if err != nil {
		m.Close()
		t.Fatalf("set up pty: %v", err)
	}
	p := &ptyPair{master: m, slave: fmt.Sprintf("/dev/pts/%d", n)}
	t.Cleanup(func() { p.master.Close() })
	return p
}

// send writes s to the scanner side of the pty.
func (p *ptyPair) send(t testing.TB, s string) {
	t.Helper()
	if _, err := p.master.Write([]byte(s)); err != nil {
		t.Fatalf("pty write: %v", err)
	}
}
