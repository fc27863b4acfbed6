package main

import (
	"context"
	"fmt"
	"io"
)

// TODO: placeholder until the serve command lands.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "leadrouter serve: not available in this build")
	return 2
}
