package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"depot/hardware"
	"depot/hardware/label"
	"depot/hardware/printer"
)

func init() {
	commands["devices print-test"] = command{"print a test label (GS1-128 and QR) and report the printer's status", runPrintTest}
	commands["sim printer"] = command{"run a simulated ZPL printer that stores labels and answers ~HS", runSimPrinter}
}

// splitAddr takes the device address from args, before or after the flags.
func splitAddr(args []string) (addr string, rest []string) {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return args[0], args[1:]
	}
	return "", args
}

func runPrintTest(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "devices print-test")
	dpi := fs.Int("dpi", 203, "printer resolution: 203 or 300")
	timeout := fs.Duration("timeout", printer.DefaultStatusTimeout, "how long to wait for the ~HS status answer")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: depot devices print-test ADDR [flags]   (ADDR: tcp:HOST:9100, usblp:/dev/usb/lp0, sim:zebra)")
		fs.PrintDefaults()
	}
	addr, rest := splitAddr(args)
	if err := fs.Parse(rest); err != nil {
		return 2
	}
	if addr == "" && fs.NArg() > 0 {
		addr, rest = fs.Arg(0), fs.Args()[1:]
		if err := fs.Parse(rest); err != nil {
			return 2
		}
	}
	if addr == "" || fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	p, err := printer.Open(addr)
	if err != nil {
		return fail(e, "devices print-test", err)
	}
	p.StatusTimeout = *timeout
	l, err := label.TestLabel(fmt.Sprintf("%s  %s", addr, time.Now().UTC().Format("2006-01-02 15:04 UTC")), *dpi)
	if err != nil {
		return fail(e, "devices print-test", err)
	}
	zpl, err := l.ZPL()
	if err != nil {
		return fail(e, "devices print-test", err)
	}
	if err := p.Print(ctx, zpl); err != nil {
		return fail(e, "devices print-test", err)
	}
	fmt.Fprintf(e.stdout, "printed test label (%d bytes of ZPL, %dx%d dots at %d dpi) to %s\n", len(zpl), l.Width, l.Height, l.DPI, p.Addr())
	if a := p.Addr(); a.Scheme == hardware.SchemeSim {
		if sim, err := printer.SharedSim(a.Params.Get("dir")); err == nil {
			fmt.Fprintf(e.stdout, "the simulated printer stores its labels in %s\n", sim.Dir())
		}
	}
	st, err := p.Status(ctx)
	if err != nil {
		return fail(e, "devices print-test", err)
	}
	fmt.Fprintf(e.stdout, "printer status: %s\n", st)
	if !st.Ready() {
		return 1
	}
	return 0
}

// simCommands change the simulated printer's physical state from stdin.
var simCommands = map[string]func(*printer.SimState){
	"paper-out":  func(s *printer.SimState) { s.PaperOut = true },
	"paper-in":   func(s *printer.SimState) { s.PaperOut = false },
	"head-open":  func(s *printer.SimState) { s.HeadOpen = true },
	"head-close": func(s *printer.SimState) { s.HeadOpen = false },
	"ribbon-out": func(s *printer.SimState) { s.RibbonOut = true },
	"ribbon-in":  func(s *printer.SimState) { s.RibbonOut = false },
	"pause":      func(s *printer.SimState) { s.Paused = true },
	"resume":     func(s *printer.SimState) { s.Paused = false },
	"silent":     func(s *printer.SimState) { s.Silent = true },
	"talkative":  func(s *printer.SimState) { s.Silent = false },
	"status":     func(*printer.SimState) {},
}

func runSimPrinter(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "sim printer")
	addr := fs.String("addr", "127.0.0.1:9100", "`host:port` to accept ZPL on (port 0 picks a free one)")
	dir := fs.String("dir", "", "`directory` to store each label in, as label-NNNNNN.zpl")
	silent := fs.Bool("silent", false, "do not answer ~HS while paper or ribbon is out or the head is open, as Zebra documents")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *dir == "" {
		fmt.Fprintln(e.stderr, "depot sim printer: --dir is required")
		return 2
	}
	sim, err := printer.NewSim(*dir)
	if err != nil {
		return fail(e, "sim printer", err)
	}
	var outMu sync.Mutex
	say := func(format string, a ...any) {
		outMu.Lock()
		defer outMu.Unlock()
		fmt.Fprintf(e.stdout, format+"\n", a...)
	}
	sim.OnPrint = func(path string) { say("printed %s", path) }
	sim.Set(func(s *printer.SimState) { s.Silent = *silent })
	if err := sim.Listen(*addr); err != nil {
		return fail(e, "sim printer", err)
	}
	defer sim.Close()
	say("simulated ZPL printer listening on %s, labels in %s", sim.Addr(), sim.Dir())
	say("stdin commands: paper-out paper-in head-open head-close ribbon-out ribbon-in pause resume silent talkative status quit")

	quit := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(e.stdin)
		for sc.Scan() {
			cmd := strings.TrimSpace(sc.Text())
			if cmd == "" {
				continue
			}
			if cmd == "quit" {
				close(quit)
				return
			}
			f, ok := simCommands[cmd]
			if !ok {
				say("unknown command %q", cmd)
				continue
			}
			sim.Set(f)
			st, waiting, printed := sim.State()
			say("state: %s; %d waiting, %d printed", describeSim(st), waiting, printed)
		}
		// stdin closed: keep serving until a signal.
	}()
	select {
	case <-ctx.Done():
	case <-quit:
	}
	if err := sim.Err(); err != nil {
		return fail(e, "sim printer", err)
	}
	say("simulated printer stopped")
	return 0
}

func describeSim(s printer.SimState) string {
	var p []string
	for _, c := range []struct {
		on   bool
		what string
	}{{s.PaperOut, "paper out"}, {s.HeadOpen, "head open"}, {s.RibbonOut, "ribbon out"}, {s.Paused, "paused"}, {s.Silent, "silent when faulted"}} {
		if c.on {
			p = append(p, c.what)
		}
	}
	if len(p) == 0 {
		return "ready"
	}
	return strings.Join(p, ", ")
}
