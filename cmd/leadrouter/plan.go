package main

import (
	"context"
	"fmt"
	"io"
)

// TODO: placeholder until the plan command lands.
func runPlan(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "leadrouter plan: not available in this build")
	return 2
}
