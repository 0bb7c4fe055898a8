package main

import (
	"bufio"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// depot sim scale in one process, depot devices read in others, talking
// through the pty the first one prints.
func TestSimScaleServesDevicesRead(t *testing.T) {
	link := filepath.Join(t.TempDir(), "scale0")
	cmd := exec.Command(depotBin, "sim", "scale", "--protocol", "nci", "--weight", "1.250kg", "--link", link)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	next := func() string {
		t.Helper()
		select {
		case l := <-lines:
			return l
		case <-time.After(10 * time.Second):
			t.Fatal("sim scale printed nothing for 10 s")
		}
		return ""
	}
	say := func(command, want string) {
		t.Helper()
		io.WriteString(stdin, command+"\n")
		if got := next(); !strings.HasPrefix(got, want) {
			t.Fatalf("%q answered %q, want %q...", command, got, want)
		}
	}
	if path := next(); path != link {
		t.Fatalf("first line %q, want the link %s", path, link)
	}
	if l := next(); !strings.Contains(l, "serving nci (9600 7E1) on /dev/pts/") {
		t.Errorf("banner %q", l)
	}
	addr := "serial:" + link + "?protocol=nci"
	read := func(want string, code int) {
		t.Helper()
		out, errOut, c := runDepot(t, "", "devices", "read", "--timeout", "2s", addr)
		if c != code || (code == 0 && out != want+"\n") || (code != 0 && !strings.Contains(errOut, want)) {
			t.Fatalf("devices read: exit %d, out %q, err %q; want exit %d, %q", c, out, errOut, code, want)
		}
	}
	read("1.250 kg stable", 0)
	say("weight 2.5kg", "ok 2.500 kg stable")
	read("2.500 kg stable", 0)
	say("motion on", "ok 2.500 kg unstable")
	read("2.500 kg unstable", 0)
	say("motion off", "ok")
	say("overload on", "ok overload")
	read("overload", 0)
	say("overload off", "ok")
	say("underzero on", "ok 2.500 kg under zero")
	read("under zero", 0)
	say("underzero off", "ok")
	say("unplug", "ok unplugged")
	read("scale "+addr+": open: serial "+link, 1)
	say("replug", "ok replugged on /dev/pts/")
	read("2.500 kg stable", 0)
	say("weight heavy", "error: weight \"heavy\"")
	say("stall soon", "error: stall")
	say("fly", "error: unknown command \"fly\"")
	say("quit", "bye")
	if err := cmd.Wait(); err != nil {
		t.Errorf("sim scale exit: %v", err)
	}
}

func TestSimScaleBannerNamesUnitAndModel(t *testing.T) {
	for _, tc := range []struct{ args, want string }{
		{"--protocol toledo --weight 2.50lb", "?protocol=toledo&unit=lb'"},
		{"--protocol line --model ohaus --weight 1.5kg", "?model=ohaus&protocol=line'"},
	} {
		out, errOut, code := runDepot(t, "status\nquit\n", append([]string{"sim", "scale"}, strings.Fields(tc.args)...)...)
		if code != 0 || !strings.Contains(out, tc.want) || !strings.Contains(out, "(plugged)\nbye") {
			t.Errorf("sim scale %s: exit %d, out %q, err %q; want %q", tc.args, code, out, errOut, tc.want)
		}
	}
}

func TestSimScaleBadFlags(t *testing.T) {
	_, errOut, code := runDepot(t, "", "sim", "scale", "--protocol", "fancy")
	if code != 1 || !strings.Contains(errOut, `protocol "fancy" unknown`) {
		t.Errorf("bad protocol: exit %d, err %q", code, errOut)
	}
	_, errOut, code = runDepot(t, "", "sim", "scale", "--weight", "lots")
	if code != 1 || !strings.Contains(errOut, `weight "lots"`) {
		t.Errorf("bad weight: exit %d, err %q", code, errOut)
	}
	_, errOut, code = runDepot(t, "", "sim", "scale", "-h")
	if code != 0 || !strings.Contains(errOut, "unplug | replug") {
		t.Errorf("help: exit %d, err %q", code, errOut)
	}
}
