package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestSummarySeparatesRepeats(t *testing.T) {
	const capacity = "Every rep who could take the lead is at or over capacity (ana 1/1)."

	s := newReplaySummary("export.csv", "http://127.0.0.1:3000/leads")
	s.add(2, rowResult{leadID: "L1", owner: "ana", zone: "primary", duplicate: true, escalation: capacity})
	s.add(3, rowResult{leadID: "L2", owner: "ana", zone: "primary", duplicate: true})
	s.add(4, rowResult{leadID: "L3", owner: "ana", zone: "primary", escalation: capacity})
	s.add(5, rowResult{leadID: "L4", owner: "bob", zone: "backup"})

	var out bytes.Buffer
	s.print(&out)

	cases := []struct {
		name string
		want string
	}{
		{"accepted", "Accepted: 4 (2 of them repeats of an earlier submission, given the original lead)"},
		{"by rep", "by rep:  ana 3 (2 of them repeats), bob 1\n"},
		{"by zone", "by zone: primary 3 (2 of them repeats), backup 1\n"},
		{"escalated", "escalated: 2 (1 of them repeats), for a manager to review (all reps at capacity 2 (1 of them repeats))"},
	}
	for _, c := range cases {
		if !strings.Contains(out.String(), c.want) {
			t.Errorf("%s: summary does not contain %q:\n%s", c.name, c.want, out.String())
		}
	}
}
