package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"depot/hardware/scale"
)

func init() {
	commands["devices read"] = command{"read one weight from a scale: depot devices read ADDR", runDevicesRead}
}

func runDevicesRead(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "devices read")
	timeout := fs.Duration("timeout", 5*time.Second, "give up after `d`")
	stable := fs.Bool("stable", false, "wait for a stable weight (the same weight for 500 ms) instead of taking the first reading")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: depot devices read [flags] ADDR

Prints one reading from the scale at ADDR, e.g. "1.250 kg stable", "1.248 kg
unstable", "unstable", "overload", "under zero", "fault"; exits 1 when the
scale cannot be read. Addresses:
  serial:/dev/serial/by-id/usb-...?protocol=nci&baud=9600&format=7E1
  tcp:10.0.0.7:4001?protocol=sics
  sim:nci?weight=1.250kg   (an in-process simulator on a pty)
Protocols: nci, toledo (&unit=lb|kg|g), sics, hid-report, line (&model=tiger|and|ohaus|adam).

flags:
`)
		fs.PrintDefaults()
	}
	// The address may come before or after the flags.
	var addr string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		addr, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		if err.Error() == "flag: help requested" {
			return 0
		}
		return 2
	}
	if addr == "" && fs.NArg() > 0 {
		addr = fs.Arg(0)
		if fs.NArg() > 1 {
			fmt.Fprintf(e.stderr, "depot devices read: unexpected argument %q\n", fs.Arg(1))
			return 2
		}
	} else if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "depot devices read: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if addr == "" {
		fs.Usage()
		return 2
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	s, err := scale.Open(ctx, addr)
	if err != nil {
		return fail(e, "devices read", err)
	}
	defer s.Close()
	var r scale.Reading
	if *stable {
		r, err = s.StableWeight(ctx)
		if err != nil && ctx.Err() != nil {
			err = fmt.Errorf("scale %s: no stable weight in %v (last: %v)", addr, *timeout, s.State().Last)
		}
	} else {
		r, err = s.Read(ctx)
	}
	if err != nil {
		return fail(e, "devices read", err)
	}
	fmt.Fprintln(e.stdout, r)
	return 0
}
