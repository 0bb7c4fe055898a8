package scanner

import (
	"os"
	"testing"

	"depot/hardware/pty"
)

// ptyPair is an in-process pseudo terminal from hardware/pty: the test
// writes the scanner's bytes to master, the code under test opens slave
// with go.bug.st/serial. unplug closes it, as pulling the cable does.
type ptyPair struct {
	p      *pty.PTY
	master *os.File
	slave  string
}

func openPTY(t testing.TB) *ptyPair {
	t.Helper()
	p, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return &ptyPair{p: p, master: p.Master, slave: p.Path()}
}

// unplug closes the pty: the reader's reads fail.
func (p *ptyPair) unplug() { p.p.Close() }

// send writes s to the scanner side of the pty.
func (p *ptyPair) send(t testing.TB, s string) {
	t.Helper()
	if _, err := p.master.Write([]byte(s)); err != nil {
		t.Fatalf("pty write: %v", err)
	}
}
