// Command testsum reads `go test -json` output on standard input and prints
// a readable report: the output of every failed test, every skipped test
// with its reason, one line per package, and a closing count line of the
// form "N passed, N failed, N skipped". It exits 1 when any test or package
// failed, so `make test` fails with it.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// event is one line of `go test -json` (see `go doc test2json`).
type event struct {
	Action string
	// Output is also set on "build-output" events, which carry compiler
	// errors since Go 1.24.
	Package string
	Test    string
	Output  string
	Elapsed float64
}

type testKey struct{ pkg, test string }

func main() {
	failed, err := summarize(os.Stdin, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testsum:", err)
		os.Exit(2)
	}
	if failed {
		os.Exit(1)
	}
}

func summarize(in io.Reader, out io.Writer) (bool, error) {
	outputs := map[testKey]*strings.Builder{}
	var passed, failedTests, skipped []testKey
	var packageLines []string
	packageFailed := false

	scanner := bufio.NewScanner(in)
	scanner.Buffer(make([]byte, 1024*1024), 16*1024*1024)
	for scanner.Scan() {
		line := scanner.Bytes()
		var ev event
		if err := json.Unmarshal(line, &ev); err != nil {
			// Build errors and other plain lines come through as they are.
			fmt.Fprintln(out, string(line))
			continue
		}

		key := testKey{ev.Package, ev.Test}
		switch ev.Action {
		case "build-output":
			fmt.Fprint(out, ev.Output)
		case "output":
			builder := outputs[key]
			if builder == nil {
				builder = &strings.Builder{}
				outputs[key] = builder
			}
			builder.WriteString(ev.Output)
		case "pass":
			if ev.Test == "" {
				packageLines = append(packageLines, fmt.Sprintf("ok    %s %.1fs", ev.Package, ev.Elapsed))
			} else {
				passed = append(passed, key)
			}
		case "fail":
			if ev.Test == "" {
				packageFailed = true
				packageLines = append(packageLines, fmt.Sprintf("FAIL  %s %.1fs", ev.Package, ev.Elapsed))
				if builder := outputs[key]; builder != nil && len(failedTests) == 0 {
					fmt.Fprint(out, builder.String())
				}
			} else {
				failedTests = append(failedTests, key)
			}
		case "skip":
			if ev.Test != "" {
				skipped = append(skipped, key)
			}
		}
	}
	if err := scanner.Err(); err != nil {
		return true, fmt.Errorf("read go test output: %w", err)
	}

	for _, key := range failedTests {
		fmt.Fprintf(out, "\n--- FAIL: %s %s\n", key.pkg, key.test)
		if builder := outputs[key]; builder != nil {
			fmt.Fprint(out, builder.String())
		}
	}

	sort.Strings(packageLines)
	fmt.Fprintln(out)
	for _, line := range packageLines {
		fmt.Fprintln(out, line)
	}

	if len(skipped) > 0 {
		fmt.Fprintln(out, "\nSkipped tests:")
		for _, key := range skipped {
			reason := skipReason(outputs[key])
			fmt.Fprintf(out, "  %s %s: %s\n", key.pkg, key.test, reason)
		}
	}

	fmt.Fprintf(out, "\n%d passed, %d failed, %d skipped\n", len(passed), len(failedTests), len(skipped))
	return packageFailed || len(failedTests) > 0, nil
}

// skipReason returns the message given to t.Skip, which go test prints on
// the lines after "--- SKIP".
func skipReason(builder *strings.Builder) string {
	if builder == nil {
		return "no reason given"
	}

	var reasons []string
	for _, line := range strings.Split(builder.String(), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "=== ") || strings.HasPrefix(line, "--- SKIP") {
			continue
		}
		reasons = append(reasons, line)
	}
	if len(reasons) == 0 {
		return "no reason given"
	}
	return strings.Join(reasons, " ")
}
