package main

import (
	"context"
	"fmt"
	"io"
)

// TODO: placeholder until the route command lands.
func runRoute(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "leadrouter route: not available in this build")
	return 2
}
