package main

import (
	"bufio"
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"depot/hardware"
	"depot/hardware/scale"
)

func init() {
	commands["sim scale"] = command{"simulate a scale on a pty: depot sim scale --protocol nci --weight 1.250kg", runSimScale}
}

const simScaleHelp = `usage: depot sim scale --protocol nci|toledo|sics|hid-report|line [flags]

Opens a pty, prints its path, and serves the protocol there as a scale with
the given weight, until stdin says quit or the process is interrupted. Point
a driver at it: depot devices read 'serial:PATH?protocol=nci'.

Commands on stdin, one per line (each is answered with one line):
  weight 1.250kg     put this (gross) weight on the platter; "2lb", "-0.1kg", "500g"
  motion on|off      the weight moves / settles
  overload on|off    force an overload
  underzero on|off   force under zero
  fault on|off       report an internal error
  zero | tare | cleartare   press the scale's keys
  unplug | replug    pull the cable / plug it back (a new /dev/pts, same link)
  split on|off       send frames one byte per write
  garbage TEXT       send TEXT before the next frame
  stall 2s           hold the next frame back
  status             print what the scale displays
  quit

flags:
`

func runSimScale(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "sim scale")
	proto := fs.String("protocol", "nci", "protocol: nci, toledo, sics, hid-report or line")
	weight := fs.String("weight", "0.000kg", "weight on the platter, with its unit and the decimals to show")
	capacity := fs.String("capacity", "30kg", "capacity; more reads as overload")
	model := fs.String("model", "tiger", "line model (protocol line only)")
	link := fs.String("link", "", "also make a symlink at `path` that follows the pty across replugs")
	fs.Usage = func() { fmt.Fprint(fs.Output(), simScaleHelp); fs.PrintDefaults() }
	if code, ok := parse(fs, args); !ok {
		return code
	}
	q := url.Values{"weight": {*weight}, "capacity": {*capacity}}
	if *proto == "line" {
		q.Set("model", *model)
	}
	sim, err := scale.StartSim(hardware.Address{Scheme: hardware.SchemeSim, Target: *proto, Params: q})
	if err != nil {
		return fail(e, "sim scale", err)
	}
	defer sim.Close()
	path := sim.Path()
	if *link != "" {
		os.Remove(*link)
		if err := os.Symlink(sim.Path(), *link); err != nil {
			return fail(e, "sim scale", err)
		}
		defer os.Remove(*link)
		path = *link
	}
	m := sim.Protocol().Mode()
	try := url.Values{"protocol": {sim.Protocol().Name()}}
	switch p := sim.Protocol().(type) {
	case scale.Toledo:
		try.Set("unit", string(p.Unit)) // the 8213 frame carries no unit
	case scale.Line:
		try.Set("model", p.Model.Name)
	}
	fmt.Fprintf(e.stdout, "%s\n", path)
	fmt.Fprintf(e.stdout, "serving %s (%s) on %s, showing %s; try: depot devices read 'serial:%s?%s'\n",
		sim.Protocol().Name(), m, sim.PTY().Path(), viewString(sim.State.View()), path, try.Encode())

	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(e.stdin)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	for {
		select {
		case <-ctx.Done():
			return 0
		case line, ok := <-lines:
			if !ok {
				lines = nil // stdin closed: serve until interrupted
				continue
			}
			out, quit := simCommand(sim, line)
			if out != "" {
				fmt.Fprintln(e.stdout, out)
			}
			if quit {
				return 0
			}
		}
	}
}

func viewString(v scale.View) string {
	r := scale.Reading{HasWeight: v.Status != scale.Overload && v.Status != scale.Fault, Value: v.Value, Decimals: v.Decimals, Unit: v.Unit, Status: v.Status}
	return r.String()
}

// simCommand runs one stdin command and returns its answer.
func simCommand(sim *scale.SimServer, line string) (string, bool) {
	f := strings.Fields(line)
	if len(f) == 0 {
		return "", false
	}
	st := sim.State
	arg := strings.Join(f[1:], " ")
	onOff := func(set func(bool)) string {
		switch arg {
		case "on":
			set(true)
		case "off":
			set(false)
		default:
			return fmt.Sprintf("error: %s: want on or off, got %q", f[0], arg)
		}
		return "ok " + viewString(st.View())
	}
	switch f[0] {
	case "weight":
		v, d, u, err := scale.ParseWeight(arg)
		if err != nil {
			return "error: " + err.Error(), false
		}
		mg, err := scale.ToMg(v, d, u)
		if err != nil {
			return "error: " + err.Error(), false
		}
		st.SetWeight(mg)
		return "ok " + viewString(st.View()), false
	case "motion":
		return onOff(st.SetMotion), false
	case "overload":
		return onOff(st.SetOverload), false
	case "underzero":
		return onOff(st.SetUnderZero), false
	case "fault":
		return onOff(st.SetFault), false
	case "split":
		return onOff(sim.SplitWrites), false
	case "zero", "tare":
		op := st.Zero
		if f[0] == "tare" {
			op = st.Tare
		}
		if err := op(); err != nil {
			return "error: " + err.Error(), false
		}
		return "ok " + viewString(st.View()), false
	case "cleartare":
		st.ClearTare()
		return "ok " + viewString(st.View()), false
	case "unplug":
		sim.Unplug()
		return "ok unplugged", false
	case "replug":
		if err := sim.Replug(); err != nil {
			return "error: " + err.Error(), false
		}
		return "ok replugged on " + sim.PTY().Path(), false
	case "garbage":
		sim.Garbage([]byte(arg))
		return "ok", false
	case "stall":
		d, err := time.ParseDuration(arg)
		if err != nil || d < 0 {
			return fmt.Sprintf("error: stall: want a duration like 2s, got %q", arg), false
		}
		sim.Stall(d)
		return "ok", false
	case "status":
		plug := "plugged"
		if !sim.Plugged() {
			plug = "unplugged"
		}
		return viewString(st.View()) + " (" + plug + ")", false
	case "quit", "exit":
		return "bye", true
	}
	return fmt.Sprintf("error: unknown command %q (see depot sim scale -h)", f[0]), false
}
