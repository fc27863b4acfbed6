package logging

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"blank", "   ", ""},
		{"case and space folded", " Ada@Example.COM ", Redact("ada@example.com")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Redact(c.in); got != c.want {
				t.Errorf("Redact(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}

	got := Redact("ada@example.com")
	if strings.Contains(got, "ada") || strings.Contains(got, "example") {
		t.Errorf("Redact leaks the address: %q", got)
	}
	if len(got) != len("h:")+12 {
		t.Errorf("Redact length = %d, want %d", len(got), len("h:")+12)
	}
}

func TestNewLevelFromEnvironment(t *testing.T) {
	cases := []struct {
		name      string
		lambda    string
		local     string
		wantDebug bool
		wantInfo  bool
	}{
		{"default info", "", "", false, true},
		{"lambda debug", "DEBUG", "", true, true},
		{"lambda wins over local", "ERROR", "debug", false, false},
		{"local debug", "", "debug", true, true},
		{"invalid falls back to info", "loud", "", false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("AWS_LAMBDA_LOG_LEVEL", c.lambda)
			t.Setenv("LOG_LEVEL", c.local)

			var out bytes.Buffer
			logger := New(&out, "test")
			logger.Debug().Msg("d")
			logger.Info().Msg("i")

			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			sawDebug, sawInfo := false, false
			for _, line := range lines {
				if line == "" {
					continue
				}
				var entry map[string]any
				if err := json.Unmarshal([]byte(line), &entry); err != nil {
					t.Fatalf("log line is not JSON: %q", line)
				}
				if entry["service"] != "test" {
					t.Errorf("service field = %v, want test", entry["service"])
				}
				sawDebug = sawDebug || entry["message"] == "d"
				sawInfo = sawInfo || entry["message"] == "i"
			}
			if sawDebug != c.wantDebug {
				t.Errorf("debug logged = %v, want %v", sawDebug, c.wantDebug)
			}
			if sawInfo != c.wantInfo {
				t.Errorf("info logged = %v, want %v", sawInfo, c.wantInfo)
			}
		})
	}
}
