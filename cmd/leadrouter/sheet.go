package main

import (
	"context"
	"fmt"
	"io"
)

// TODO: placeholder until the sheet command lands.
func runSheet(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "leadrouter sheet: not available in this build")
	return 2
}
