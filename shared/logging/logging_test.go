package logging

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"strings"
	"testing"
	"time"
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

func TestConsoleWithoutTerminal(t *testing.T) {
	file, err := os.CreateTemp(t.TempDir(), "run-*.log")
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	var buffer bytes.Buffer

	writers := []struct {
		name   string
		writer io.Writer
		read   func() string
	}{
		{"file", file, func() string {
			data, err := os.ReadFile(file.Name())
			if err != nil {
				t.Fatal(err)
			}
			return string(data)
		}},
		{"buffer", &buffer, buffer.String},
	}
	for _, w := range writers {
		t.Run(w.name, func(t *testing.T) {
			logger := Console(w.writer, "test")
			logger.Warn().Str("path", "/leads").Msg("serve: request")

			got := w.read()
			if !strings.Contains(got, "serve: request") {
				t.Fatalf("log %q lacks the message", got)
			}
			if strings.Contains(got, "\x1b[") {
				t.Errorf("log %q contains ANSI escape codes", got)
			}
		})
	}
}

func TestColorTerminal(t *testing.T) {
	file, err := os.CreateTemp(t.TempDir(), "run-*.log")
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()

	if colorTerminal(file) {
		t.Errorf("colorTerminal(regular file) = true, want false")
	}
	if colorTerminal(&bytes.Buffer{}) {
		t.Errorf("colorTerminal(buffer) = true, want false")
	}
}

func TestMilliseconds(t *testing.T) {
	cases := []struct {
		in   time.Duration
		want float64
	}{
		{0, 0},
		{time.Millisecond, 1},
		{1055327 * time.Nanosecond, 1.055},
		{1055500 * time.Nanosecond, 1.056},
		{673101398 * time.Nanosecond, 673.101},
		{2 * time.Second, 2000},
		{-time.Millisecond, -1},
	}
	for _, c := range cases {
		if got := Milliseconds(c.in); got != c.want {
			t.Errorf("Milliseconds(%s) = %v, want %v", c.in, got, c.want)
		}
	}
}
