// Command depot is the inventory and warehouse appliance: one binary with
// subcommands for serving, checking and measuring a depot database.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"sort"
	"syscall"
)

// version is stamped at build time with -ldflags "-X main.version=...".
var version = "dev"

// env is what a subcommand may touch besides its arguments.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

type command struct {
	summary string
	run     func(ctx context.Context, e *env, args []string) int
}

var commands = map[string]command{
	"version": {"print the version", func(_ context.Context, e *env, _ []string) int {
		fmt.Fprintln(e.stdout, "depot", version)
		return 0
	}},
}

func main() {
	// The live heap is small (a few MB) while postings allocate fast, so the
	// default GOGC=100 collects thousands of times a second under load; each
	// collection adds to the tail of every request. Four times the live heap
	// is still tiny. GOGC in the environment wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}, os.Args[1:]))
}

func run(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(e.stderr)
		return 2
	}
	// Two-word commands: "user add", "token create".
	name := args[0]
	if len(args) > 1 {
		if _, ok := commands[args[0]+" "+args[1]]; ok {
			name, args = args[0]+" "+args[1], args[1:]
		}
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(e.stderr, "depot: unknown command %q\n\n", args[0])
		usage(e.stderr)
		return 2
	}
	return c.run(ctx, e, args[1:])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: depot <command> [flags]\n\ncommands:")
	var names []string
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-14s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'depot <command> -h' for a command's flags.")
}

// newFlags returns a flag set that reports errors to e.stderr.
func newFlags(e *env, name string) *flag.FlagSet {
	fs := flag.NewFlagSet("depot "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}

// parse parses args and returns the exit code to use when it failed.
func parse(fs *flag.FlagSet, args []string) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0, false
		}
		return 2, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "%s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return 2, false
	}
	return 0, true
}

// fail prints err for the person at the console and returns exit code 1.
func fail(e *env, cmd string, err error) int {
	fmt.Fprintf(e.stderr, "depot %s: %v\n", cmd, err)
	return 1
}
