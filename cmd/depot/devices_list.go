package main

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"depot/hardware/discover"
)

func init() {
	commands["devices list"] = command{"list serial ports, USB printers and HID devices with their addresses", runDevicesList}
}

func runDevicesList(_ context.Context, e *env, args []string) int {
	fs := newFlags(e, "devices list")
	asJSON := fs.Bool("json", false, "print a JSON array instead of a table")
	root := fs.String("root", "/", "read /dev and /sys under `dir` (for tests; any other root than / skips the live serial probe and the HID listing, which only see this machine)")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	l := discover.System()
	if *root != "/" {
		l = &discover.Lister{Root: *root}
	}
	devs, err := l.List()
	if *asJSON {
		if devs == nil {
			devs = []discover.Device{}
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(devs); err != nil {
			return fail(e, "devices list", err)
		}
	} else {
		printDevices(e, devs)
	}
	if err != nil {
		return fail(e, "devices list", err)
	}
	return 0
}

func printDevices(e *env, devs []discover.Device) {
	if len(devs) == 0 {
		fmt.Fprintln(e.stdout, "no devices found (serial ports, /dev/usb/lp*, HID).")
		fmt.Fprintln(e.stdout, "A device the depot user may not open is not listed: see docs/devices.md for the udev rules.")
		return
	}
	w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "KIND\tADDRESS\tVID:PID\tSERIAL\tDEVICE\tPRODUCT")
	for _, d := range devs {
		id := "-"
		if d.VID != "" {
			id = d.VID + ":" + d.PID
		}
		product := d.Manufacturer
		if d.Product != "" {
			if product != "" {
				product += " "
			}
			product += d.Product
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", d.Kind, d.Address, id, dash(d.Serial), d.Path, dash(product))
	}
	w.Flush()
	if len(devs) == 1 {
		fmt.Fprintln(e.stdout, "1 device")
	} else {
		fmt.Fprintf(e.stdout, "%d devices\n", len(devs))
	}
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
