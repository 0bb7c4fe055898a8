package main

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// simProcess is `depot sim printer` running as its own process.
type simProcess struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	lines chan string
	addr  string
}

func startSimPrinter(t *testing.T, dir string, extra ...string) *simProcess {
	t.Helper()
	cmd := exec.Command(depotBin, append([]string{"sim", "printer", "--addr", "127.0.0.1:0", "--dir", dir}, extra...)...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &simProcess{cmd: cmd, stdin: stdin, lines: make(chan string, 100)}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			s.lines <- sc.Text()
		}
		close(s.lines)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	first := s.waitLine(t, "listening on ")
	s.addr = strings.Fields(strings.SplitN(first, "listening on ", 2)[1])[0]
	s.addr = strings.TrimSuffix(s.addr, ",")
	return s
}

// waitLine returns the next output line containing want, failing after 10 s.
func (s *simProcess) waitLine(t *testing.T, want string) string {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case l, ok := <-s.lines:
			if !ok {
				t.Fatalf("sim printer exited before printing %q", want)
			}
			if strings.Contains(l, want) {
				return l
			}
		case <-timeout:
			t.Fatalf("sim printer did not print %q", want)
		}
	}
}

func (s *simProcess) send(t *testing.T, cmd, ack string) {
	t.Helper()
	if _, err := io.WriteString(s.stdin, cmd+"\n"); err != nil {
		t.Fatal(err)
	}
	s.waitLine(t, ack)
}

func TestPrintTestAgainstSimPrinter(t *testing.T) {
	dir := t.TempDir()
	sim := startSimPrinter(t, dir)
	addr := "tcp:" + sim.addr

	out, errOut, code := runDepot(t, "", "devices", "print-test", addr)
	if code != 0 || !strings.Contains(out, "printed test label (") || !strings.HasSuffix(out, "printer status: ready\n") {
		t.Fatalf("print-test: exit %d\n%s%s", code, out, errOut)
	}
	sim.waitLine(t, "printed "+filepath.Join(dir, "label-000001.zpl"))
	b, err := os.ReadFile(filepath.Join(dir, "label-000001.zpl"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"^XA", "^FDdepot test label^FS", "^BCN", ">;>8010950600013435217261231", "^BQN,2,4^FH\\^FDMA,depot print test^FS", "^XZ"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("stored label lacks %q:\n%s", want, b)
		}
	}

	// Paper out: the label waits in the printer and print-test says why.
	sim.send(t, "paper-out", "state: paper out; 0 waiting, 1 printed")
	out, _, code = runDepot(t, "", "devices", "print-test", addr, "--dpi", "300")
	if code != 1 || !strings.Contains(out, "at 300 dpi") || !strings.HasSuffix(out, "printer status: paper out (1 labels waiting)\n") {
		t.Errorf("paper out: exit %d\n%s", code, out)
	}
	sim.send(t, "paper-in", "printed "+filepath.Join(dir, "label-000002.zpl"))

	// Head open on a printer that keeps quiet then: no answer in time.
	sim.send(t, "silent", "state: silent when faulted")
	sim.send(t, "head-open", "state: head open, silent when faulted")
	out, _, code = runDepot(t, "", "devices", "print-test", "--timeout", "300ms", addr)
	if code != 1 || !strings.HasSuffix(out, "printer status: no answer (check paper, ribbon and head)\n") {
		t.Errorf("head open, silent: exit %d\n%s", code, out)
	}

	// SIGTERM stops the simulator cleanly.
	sim.cmd.Process.Signal(syscall.SIGTERM)
	sim.waitLine(t, "simulated printer stopped")
	if err := sim.cmd.Wait(); err != nil {
		t.Errorf("sim printer exit: %v", err)
	}
}

func TestPrintTestErrors(t *testing.T) {
	_, errOut, code := runDepot(t, "", "devices", "print-test")
	if code != 2 || !strings.Contains(errOut, "usage: depot devices print-test ADDR") {
		t.Errorf("no address: exit %d, %q", code, errOut)
	}
	_, errOut, code = runDepot(t, "", "devices", "print-test", "lpt:1")
	if code != 1 || !strings.Contains(errOut, `depot devices print-test: printer: device address "lpt:1": unknown scheme "lpt"`) {
		t.Errorf("bad address: exit %d, %q", code, errOut)
	}
	_, errOut, code = runDepot(t, "", "devices", "print-test", "tcp:127.0.0.1:1")
	if code != 1 || !strings.Contains(errOut, "depot devices print-test: printer tcp:127.0.0.1:1: connect:") {
		t.Errorf("nothing listening: exit %d, %q", code, errOut)
	}
	_, errOut, code = runDepot(t, "", "devices", "print-test", "sim:zebra", "--dpi", "600")
	if code != 1 || !strings.Contains(errOut, "600 dpi is not a label printer resolution") {
		t.Errorf("600 dpi: exit %d, %q", code, errOut)
	}
	_, errOut, code = runDepot(t, "", "sim", "printer", "--addr", "127.0.0.1:0")
	if code != 2 || !strings.Contains(errOut, "--dir is required") {
		t.Errorf("sim without dir: exit %d, %q", code, errOut)
	}
}

func TestPrintTestInProcessSim(t *testing.T) {
	dir := t.TempDir()
	out, errOut, code := runDepot(t, "", "devices", "print-test", "sim:zebra?dir="+dir)
	if code != 0 || !strings.HasSuffix(out, "printer status: ready\n") || !strings.Contains(out, "stores its labels in "+dir+"\n") {
		t.Fatalf("sim:zebra: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "label-000001.zpl")); err != nil {
		t.Errorf("sim:zebra stored no label: %v", err)
	}
}
