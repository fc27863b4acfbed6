// Command leadrouter runs leadrouter on one machine and operates a
// deployment: it checks territory plans, routes single leads, serves the
// intake functions locally, replays CSV exports, prepares the sheet and
// imports or shows the team state in the store.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// command is one subcommand. run returns the process exit code: 0 on
// success, 1 when the work found problems, 2 on a usage error.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

var commands = map[string]command{
	"plan":   {"check a territory plan file (plan check PLAN.yaml)", runPlan},
	"route":  {"route one lead with a plan and print the decision as JSON", runRoute},
	"serve":  {"serve the intake functions and a lead form on a local port", runServe},
	"replay": {"post every row of a CSV export of leads to a running intake", runReplay},
	"sheet":  {"prepare the team's Google Sheet or local workbook (sheet init)", runSheet},
	"state":  {"import a team-state file into the store, or show its counters", runState},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		return 0
	}

	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "leadrouter: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	return cmd.run(ctx, args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: leadrouter COMMAND [ARGUMENTS]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")

	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(w, "  %-8s %s\n", name, commands[name].summary)
	}

	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'leadrouter COMMAND -h' for the flags of one command.")
}
