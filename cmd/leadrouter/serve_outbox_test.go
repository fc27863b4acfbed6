package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/leadrouter/leadrouter/shared/logging"
)

// outboxStep is one drain of the outbox loop: a failure with the error
// text, or a success when err is empty, after advancing the clock by wait.
type outboxStep struct {
	wait time.Duration
	err  string
}

// repeatSteps returns n failures with err, one second apart.
func repeatSteps(n int, err string) []outboxStep {
	steps := make([]outboxStep, n)
	for i := range steps {
		steps[i] = outboxStep{wait: time.Second, err: err}
	}
	return steps
}

func TestOutboxFailureLogLines(t *testing.T) {
	const missing = `sheet: column "Lead ID" not found in tab Leads`

	cases := []struct {
		name      string
		steps     []outboxStep
		failed    int
		recovered int
		// want is text the last line must contain.
		want string
	}{
		{
			name:   "same error for an hour",
			steps:  repeatSteps(3600, missing),
			failed: 12, // the first, then one every 5 minutes
			want:   `"repeats_since_last_log":299`,
		},
		{
			name:   "error text changes",
			steps:  append(repeatSteps(10, missing), repeatSteps(10, "workbook is locked")...),
			failed: 2,
			want:   `"error":"workbook is locked"`,
		},
		{
			name:      "writing recovers",
			steps:     append(repeatSteps(10, missing), outboxStep{wait: time.Second}, outboxStep{wait: time.Second}),
			failed:    1,
			recovered: 1,
			want:      `"failures_in_a_row":10`,
		},
		{
			name:      "fails again after recovering",
			steps:     append(append(repeatSteps(3, missing), outboxStep{wait: time.Second}), repeatSteps(3, missing)...),
			failed:    2,
			recovered: 1,
			want:      `"failures_in_a_row":1,`,
		},
		{
			name:  "only successes",
			steps: []outboxStep{{wait: time.Second}, {wait: time.Second}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var logs bytes.Buffer
			clock := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
			l := &outboxFailureLog{logger: logging.New(&logs, "leadrouter"), now: func() time.Time { return clock }}

			for _, step := range c.steps {
				clock = clock.Add(step.wait)
				if step.err == "" {
					l.succeeded()
				} else {
					l.failed(errors.New(step.err), 0)
				}
			}

			lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
			if logs.Len() == 0 {
				lines = nil
			}
			if got := countContaining(lines, "outbox: write failed"); got != c.failed {
				t.Errorf("failure lines = %d, want %d", got, c.failed)
			}
			if got := countContaining(lines, "outbox: writing recovered"); got != c.recovered {
				t.Errorf("recovery lines = %d, want %d", got, c.recovered)
			}
			if c.want != "" && (len(lines) == 0 || !strings.Contains(lines[len(lines)-1], c.want)) {
				t.Errorf("last line does not contain %s:\n%s", c.want, logs.String())
			}
		})
	}
}

func countContaining(lines []string, text string) int {
	n := 0
	for _, line := range lines {
		if strings.Contains(line, text) {
			n++
		}
	}
	return n
}
