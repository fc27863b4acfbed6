package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/leadrouter/leadrouter/shared/plan"
	"github.com/leadrouter/leadrouter/shared/routing"
)

// runPlan dispatches the plan subcommands; "check" is the only one.
func runPlan(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		planUsage(stderr)
		return 2
	}

	switch args[0] {
	case "check":
		return runPlanCheck(args[1:], stdout, stderr)
	case "-h", "--help", "help":
		planUsage(stdout)
		return 0
	default:
		fmt.Fprintf(stderr, "leadrouter plan: unknown subcommand %q\n\n", args[0])
		planUsage(stderr)
		return 2
	}
}

func planUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: leadrouter plan check PLAN.yaml [PLAN.yaml ...]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Checks territory plan files. Prints \"ok\" and a summary for a valid plan;")
	fmt.Fprintln(w, "otherwise prints every problem as FILE:LINE:COLUMN: PATH: MESSAGE; fix: FIX.")
	fmt.Fprintln(w, "Exits 0 when every plan is valid, 1 when a plan is invalid or unreadable,")
	fmt.Fprintln(w, "2 on a usage error.")
}

// runPlanCheck validates each plan file and prints its problems.
func runPlanCheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("leadrouter plan check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { planUsage(stderr) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "leadrouter plan check: missing plan file")
		planUsage(stderr)
		return 2
	}

	code := 0
	for _, path := range fs.Args() {
		if !checkPlanFile(path, stdout, stderr) {
			code = 1
		}
	}
	return code
}

// checkPlanFile reports on one plan file and returns whether it is valid.
func checkPlanFile(path string, stdout, stderr io.Writer) bool {
	p, err := plan.Load(path)
	var invalid *plan.ValidationError
	switch {
	case errors.As(err, &invalid):
		for _, problem := range invalid.Problems {
			fmt.Fprintln(stdout, invalid.Line(problem))
		}
		fmt.Fprintf(stdout, "%s: invalid, %s\n", path, countNoun(len(invalid.Problems), "problem", "problems"))
		return false
	case err != nil:
		fmt.Fprintf(stderr, "leadrouter plan check: %v\n", err)
		return false
	}

	if _, err := routing.New(p); err != nil {
		fmt.Fprintf(stderr, "leadrouter plan check: %s: %v\n", path, err)
		return false
	}

	fmt.Fprintf(stdout, "%s: ok (%s, %s, %s; fallback %s)\n", path,
		countNoun(len(p.Reps), "rep", "reps"),
		countNoun(len(p.Rules), "rule", "rules"),
		countNoun(len(p.Collaborative), "collaborative zone", "collaborative zones"),
		p.Fallback)
	return true
}

func countNoun(n int, singular, plural string) string {
	if n == 1 {
		return "1 " + singular
	}
	return fmt.Sprintf("%d %s", n, plural)
}

// quoteList writes ids for messages: "ana", "ben".
func quoteList(ids []string) string {
	quoted := make([]string, len(ids))
	for i, id := range ids {
		quoted[i] = fmt.Sprintf("%q", id)
	}
	return strings.Join(quoted, ", ")
}
