package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestServeThanksURLFlag(t *testing.T) {
	cases := []struct {
		value string
		valid bool
	}{
		{"", true},
		{"/thanks", true},
		{"/thanks?from=form", true},
		{"https://www.example.com/thanks", true},
		{"http://127.0.0.1:3000/thanks", true},
		{"javascript:alert(1)", false},
		{"JavaScript:alert(1)", false},
		{"data:text/html,<script>alert(1)</script>", false},
		{"//evil.example/thanks", false},
		{"/\\evil.example", false},
		{"/thank you", false},
		{"thanks", false},
		{"https:///thanks", false},
		{"ftp://www.example.com/thanks", false},
	}
	for _, c := range cases {
		t.Run(c.value, func(t *testing.T) {
			var stderr bytes.Buffer
			args := []string{"--plan", "plan.yaml", "--thanks-url", c.value}

			_, code := parseServeFlags(args, &stderr)

			if c.valid && code != 0 {
				t.Errorf("--thanks-url %q: exit code %d, want 0; output: %s", c.value, code, stderr.String())
			}
			if !c.valid && code != 2 {
				t.Errorf("--thanks-url %q: exit code %d, want 2", c.value, code)
			}
			if !c.valid && !strings.Contains(stderr.String(), "--thanks-url") {
				t.Errorf("--thanks-url %q: output %q does not name the flag", c.value, stderr.String())
			}
		})
	}
}
