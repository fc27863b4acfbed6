package main

import (
	"context"
	"fmt"
	"io"
)

// TODO: placeholder until the replay command lands.
func runReplay(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "leadrouter replay: not available in this build")
	return 2
}
