// Package pty opens Linux pseudo-terminals in process, so simulators can sit
// on the device side of a real tty that drivers open with go.bug.st/serial.
//
// The master is an *os.File backed by Go's poller: Close interrupts a pending
// Read, which is how a simulator unplugs. Never call Fd() on it (that switches
// the file to blocking mode and Close can no longer interrupt a Read); the
// ioctls go through SyscallConn().Control.
package pty

import (
	"fmt"
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// PTY is one pseudo-terminal pair: the master that a simulator reads and
// writes, and the slave path (/dev/pts/N) a driver opens as a serial port.
type PTY struct {
	Master *os.File
	path   string
	hold   int // a slave descriptor kept open so the master never sees a hangup between driver opens

	once sync.Once
}

// Open creates a pty in raw mode (no echo, no CR/LF translation, 8-bit
// clean) and returns it with the slave held open.
func Open() (*PTY, error) {
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		return nil, fmt.Errorf("pty: open /dev/ptmx: %w", err)
	}
	var n uint32
	err = control(m, func(fd int) error {
		if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
			return fmt.Errorf("unlockpt: %w", err)
		}
		var err error
		if n, err = unix.IoctlGetUint32(fd, unix.TIOCGPTN); err != nil {
			return fmt.Errorf("ptsname: %w", err)
		}
		return makeRaw(fd)
	})
	if err != nil {
		m.Close()
		return nil, fmt.Errorf("pty: %w", err)
	}
	p := &PTY{Master: m, path: fmt.Sprintf("/dev/pts/%d", n), hold: -1}
	h, err := unix.Open(p.path, unix.O_RDWR|unix.O_NOCTTY|unix.O_NONBLOCK, 0)
	if err != nil {
		m.Close()
		return nil, fmt.Errorf("pty: open %s: %w", p.path, err)
	}
	p.hold = h
	return p, nil
}

// Path is the slave device, e.g. /dev/pts/3.
func (p *PTY) Path() string { return p.path }

// Exclusive reports whether the slave is in exclusive mode (TIOCEXCL set by
// the program that opened it, as go.bug.st/serial does).
func (p *PTY) Exclusive() (bool, error) {
	v, err := unix.IoctlGetUint32(p.hold, unix.TIOCGEXCL)
	if err != nil {
		return false, fmt.Errorf("pty %s: TIOCGEXCL: %w", p.path, err)
	}
	return v != 0, nil
}

// Close closes the master and the held slave: to the program that has the
// slave open this looks like an unplugged USB serial adapter (reads fail,
// writes return EIO).
func (p *PTY) Close() error {
	var err error
	p.once.Do(func() {
		err = p.Master.Close()
		if p.hold >= 0 {
			unix.Close(p.hold)
		}
	})
	return err
}

func control(f *os.File, fn func(fd int) error) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) { ferr = fn(int(fd)) }); err != nil {
		return err
	}
	return ferr
}

// makeRaw is cfmakeraw(3) on the pty's line discipline.
func makeRaw(fd int) error {
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return fmt.Errorf("tcgetattr: %w", err)
	}
	t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	t.Oflag &^= unix.OPOST
	t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	t.Cflag &^= unix.CSIZE | unix.PARENB
	t.Cflag |= unix.CS8
	t.Cc[unix.VMIN] = 1
	t.Cc[unix.VTIME] = 0
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, t); err != nil {
		return fmt.Errorf("tcsetattr: %w", err)
	}
	return nil
}
