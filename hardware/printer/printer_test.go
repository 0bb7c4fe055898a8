package printer

import (
	"context"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"depot/app"
	"depot/hardware/label"
)

// startSim runs a simulated printer on a loopback port and returns it with
// a driver for it.
func startSim(t *testing.T) (*Sim, *Printer) {
	t.Helper()
	sim, err := NewSim(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	p, err := Open("tcp:" + sim.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	p.StatusTimeout = 300 * time.Millisecond
	return sim, p
}

func testZPL(t *testing.T) []byte {
	t.Helper()
	l, err := label.TestLabel("unit test ^ ~", 203)
	if err != nil {
		t.Fatal(err)
	}
	z, err := l.ZPL()
	if err != nil {
		t.Fatal(err)
	}
	return z
}

func readLabels(t *testing.T, sim *Sim) []string {
	t.Helper()
	paths, err := sim.Labels()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	return out
}

func mustStatus(t *testing.T, p *Printer) Status {
	t.Helper()
	st, err := p.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestPrintOverTCP(t *testing.T) {
	sim, p := startSim(t)
	ctx := context.Background()
	z := testZPL(t)
	if err := p.Print(ctx, z); err != nil {
		t.Fatal(err)
	}
	// Two labels in one job, with noise between them.
	if err := p.Print(ctx, []byte("^XA^FDone^FS^XZ\r\n^XA^FDtwo^FS^XZ\r\n")); err != nil {
		t.Fatal(err)
	}
	// Status runs on a new connection after the jobs were read.
	st := mustStatus(t, p)
	if !st.Ready() || st.LabelLengthDots != 610 {
		t.Errorf("status %+v, want ready with the test label's length 610", st)
	}
	got := readLabels(t, sim)
	want := []string{strings.TrimSuffix(string(z), "\n"), "^XA^FDone^FS^XZ", "^XA^FDtwo^FS^XZ"}
	if len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("stored labels %q\nwant %q", got, want)
	}
}

func TestPrintLabel(t *testing.T) {
	sim, p := startSim(t)
	l, _ := label.New(50, 25, 203)
	l.Add(&label.Text{X: 10, Y: 10, Height: 20, Text: "x"})
	if err := p.PrintLabel(context.Background(), l); err != nil {
		t.Fatal(err)
	}
	mustStatus(t, p) // the sim has read the job once it answers
	if got := readLabels(t, sim); len(got) != 1 || !strings.Contains(got[0], "^FDx^FS") {
		t.Errorf("labels %q", got)
	}
	bad := &label.Label{Width: 10, Height: 10, DPI: 203}
	if err := p.PrintLabel(context.Background(), bad); app.ErrorField(err) != "items" {
		t.Errorf("empty label printed: %v", err)
	}
	if err := p.Print(context.Background(), []byte("hello")); app.ErrorField(err) != "zpl" {
		t.Errorf("non-ZPL printed: %v", err)
	}
}

func TestStatusFollowsPhysicalState(t *testing.T) {
	sim, p := startSim(t)
	ctx := context.Background()
	sim.Set(func(s *SimState) { s.PaperOut = true })
	if err := p.Print(ctx, []byte("^XA^FDwaiting^FS^XZ")); err != nil {
		t.Fatal(err)
	}
	st := mustStatus(t, p)
	if !st.PaperOut || st.Ready() || st.FormatsInBuffer != 1 || st.String() != "paper out (1 labels waiting)" {
		t.Errorf("paper out: %+v %q", st, st)
	}
	if n := len(readLabels(t, sim)); n != 0 {
		t.Errorf("%d labels printed without paper", n)
	}
	sim.Set(func(s *SimState) { s.PaperOut, s.HeadOpen = false, true })
	if st := mustStatus(t, p); !st.HeadOpen || st.PaperOut || st.FormatsInBuffer != 1 {
		t.Errorf("head open: %+v", st)
	}
	sim.Set(func(s *SimState) { s.HeadOpen, s.RibbonOut = false, true })
	if st := mustStatus(t, p); !st.RibbonOut || st.HeadOpen {
		t.Errorf("ribbon out: %+v", st)
	}
	sim.Set(func(s *SimState) { s.RibbonOut, s.Paused = false, true })
	if st := mustStatus(t, p); !st.Paused || st.String() != "paused (1 labels waiting)" {
		t.Errorf("paused: %+v", st)
	}
	// ~PS from the host resumes, and the waiting label prints.
	if err := p.Print(ctx, []byte("~PS^XA^FDnext^FS^XZ")); err != nil {
		t.Fatal(err)
	}
	if st := mustStatus(t, p); !st.Ready() || st.FormatsInBuffer != 0 {
		t.Errorf("resumed: %+v", st)
	}
	if got := readLabels(t, sim); len(got) != 2 || got[0] != "^XA^FDwaiting^FS^XZ" || got[1] != "^XA^FDnext^FS^XZ" {
		t.Errorf("labels after resume %q", got)
	}
	// ~JA cancels what waits.
	sim.Set(func(s *SimState) { s.PaperOut = true })
	if err := p.Print(ctx, []byte("^XA^FDcancelled^FS^XZ~JA")); err != nil {
		t.Fatal(err)
	}
	if st := mustStatus(t, p); !st.PaperOut || st.FormatsInBuffer != 0 {
		t.Errorf("after ~JA, paper out: %+v", st)
	}
	sim.Set(func(s *SimState) { s.PaperOut = false })
	if st := mustStatus(t, p); st.FormatsInBuffer != 0 || len(readLabels(t, sim)) != 2 {
		t.Errorf("after ~JA: %+v, %d labels", st, len(readLabels(t, sim)))
	}
}

func TestSilentPrinterNeedsAttention(t *testing.T) {
	sim, p := startSim(t)
	sim.Set(func(s *SimState) { s.Silent, s.HeadOpen = true, true })
	st := mustStatus(t, p)
	if !st.NoAnswer || st.Ready() {
		t.Errorf("silent printer: %+v, want NoAnswer", st)
	}
	sim.Set(func(s *SimState) { s.HeadOpen = false })
	if st := mustStatus(t, p); !st.Ready() {
		t.Errorf("head closed: %+v", st)
	}
}

func TestUnreachablePrinter(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	p, err := Open("tcp:" + addr)
	if err != nil {
		t.Fatal(err)
	}
	err = p.Print(context.Background(), []byte("^XA^XZ"))
	if app.ErrorCode(err) != app.EUNAVAILABLE || !strings.Contains(err.Error(), "printer tcp:"+addr+": connect:") {
		t.Errorf("Print to a closed port: %v", err)
	}
	if _, err := p.Status(context.Background()); app.ErrorCode(err) != app.EUNAVAILABLE {
		t.Errorf("Status of a closed port: %v", err)
	}
}

// A printer that accepts the connection and says nothing (a dead print
// server, a printer without ~HS) reads as NoAnswer after the timeout.
func TestStatusTimeout(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { buf := make([]byte, 64); c.Read(buf); time.Sleep(time.Second); c.Close() }()
		}
	}()
	p, _ := Open("tcp:" + ln.Addr().String())
	p.StatusTimeout = 200 * time.Millisecond
	if st := mustStatus(t, p); !st.NoAnswer {
		t.Errorf("mute printer: %+v", st)
	}
	// Half an answer is an error, not silence.
	ln2, _ := net.Listen("tcp", "127.0.0.1:0")
	defer ln2.Close()
	go func() {
		c, err := ln2.Accept()
		if err == nil {
			c.Write([]byte(hsReady[:40]))
			time.Sleep(time.Second)
			c.Close()
		}
	}()
	p2, _ := Open("tcp:" + ln2.Addr().String())
	p2.StatusTimeout = 200 * time.Millisecond
	if _, err := p2.Status(context.Background()); err == nil || !strings.Contains(err.Error(), "incomplete ~HS answer") {
		t.Errorf("half answer: %v", err)
	}
}

func TestOpenErrors(t *testing.T) {
	for addr, want := range map[string]string{
		"":                    "printer: device address",
		"serial:/dev/ttyUSB0": "a label printer is tcp:HOST:9100, usblp:/dev/usb/lpN or sim:zebra",
		"sim:nci":             `no printer simulator "nci"`,
		"lpt:1":               `unknown scheme "lpt"`,
	} {
		_, err := Open(addr)
		if err == nil || !strings.Contains(err.Error(), want) || app.ErrorCode(err) != app.EINVALID {
			t.Errorf("Open(%q) = %v, want %q", addr, err, want)
		}
	}
	file := t.TempDir() + "/lp0"
	os.WriteFile(file, nil, 0o644)
	p, _ := Open("usblp:" + file)
	if err := p.Print(context.Background(), []byte("^XA^XZ")); err == nil || !strings.Contains(err.Error(), "printer usblp:"+file+": connect: "+file+" is not a character device") {
		t.Errorf("usblp on a plain file: %v", err)
	}
	p, _ = Open("usblp:/nonexistent/lp0")
	if err := p.Print(context.Background(), []byte("^XA^XZ")); err == nil || !strings.Contains(err.Error(), "printer usblp:/nonexistent/lp0: connect: open /nonexistent/lp0: no such file or directory") {
		t.Errorf("missing device: %v", err)
	}
}

func TestSimScheme(t *testing.T) {
	dir := t.TempDir()
	p, err := Open("sim:zebra?dir=" + dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Print(context.Background(), []byte("^XA^FDsim^FS^XZ")); err != nil {
		t.Fatal(err)
	}
	if st := mustStatus(t, p); !st.Ready() {
		t.Errorf("sim:zebra status %+v", st)
	}
	b, err := os.ReadFile(dir + "/label-000001.zpl")
	if err != nil || string(b) != "^XA^FDsim^FS^XZ" {
		t.Errorf("stored %q, %v", b, err)
	}
	sim, _ := SharedSim(dir)
	sim.Set(func(s *SimState) { s.PaperOut = true })
	if st := mustStatus(t, p); !st.PaperOut {
		t.Errorf("the shared sim is not the one printed to: %+v", st)
	}
}

func BenchmarkParseHostStatus(b *testing.B) {
	in := []byte(hsPaperOutPaused)
	for b.Loop() {
		if _, err := ParseHostStatus(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPrintAndStatus(b *testing.B) {
	sim, err := NewSim(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	if err := sim.Listen("127.0.0.1:0"); err != nil {
		b.Fatal(err)
	}
	defer sim.Close()
	p, _ := Open("tcp:" + sim.Addr().String())
	l, _ := label.TestLabel("bench", 203)
	z, _ := l.ZPL()
	ctx := context.Background()
	for b.Loop() {
		if err := p.Print(ctx, z); err != nil {
			b.Fatal(err)
		}
		if _, err := p.Status(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// A client that connects and sends nothing does not block the printer for
// good: the simulator drops it after its IdleTimeout.
func TestSimDropsIdleConnection(t *testing.T) {
	sim, err := NewSim(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	sim.IdleTimeout = 200 * time.Millisecond
	if err := sim.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	p, _ := Open("tcp:" + sim.Addr().String())
	idle, err := net.Dial("tcp", sim.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	p.StatusTimeout = 5 * time.Second
	if st := mustStatus(t, p); !st.Ready() {
		t.Errorf("status behind an idle connection: %+v", st)
	}
}
