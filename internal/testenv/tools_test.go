package testenv

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestFindRepoRoot(t *testing.T) {
	module := t.TempDir()
	if err := os.WriteFile(filepath.Join(module, "go.mod"), []byte("module example.test\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	nested := filepath.Join(module, "a", "b")
	if err := os.MkdirAll(nested, 0o755); err != nil {
		t.Fatal(err)
	}
	outside := t.TempDir()

	cases := []struct {
		name     string
		override string
		dir      string
		want     string
	}{
		{name: "override wins", override: "/elsewhere", dir: nested, want: "/elsewhere"},
		{name: "module folder itself", dir: module, want: module},
		{name: "nested folder", dir: nested, want: module},
		{name: "no go.mod above", dir: outside, want: "."},
		{name: "no working directory", dir: "", want: "."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := findRepoRoot(c.override, c.dir); got != c.want {
				t.Errorf("findRepoRoot(%q, %q) = %q, want %q", c.override, c.dir, got, c.want)
			}
		})
	}
}

// outcomeTB records the first Skip or Fatal and ends the goroutine, as
// testing.T does.
type outcomeTB struct {
	testing.TB
	skipped, failed string
}

func (o *outcomeTB) Helper() {}

func (o *outcomeTB) Skip(args ...any) {
	o.skipped = fmt.Sprint(args...)
	runtime.Goexit()
}

func (o *outcomeTB) Fatal(args ...any) {
	o.failed = fmt.Sprint(args...)
	runtime.Goexit()
}

func TestSkipMissing(t *testing.T) {
	const reason = "tool not found at /nowhere; run make tools"
	cases := []struct {
		name        string
		ci          string
		wantSkipped string
		wantFailed  string
	}{
		{name: "local run skips", ci: "", wantSkipped: reason},
		{name: "CI=false skips", ci: "false", wantSkipped: reason},
		{name: "CI=true fails", ci: "true", wantFailed: reason + " (CI=true, so a missing tool fails the test)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("CI", c.ci)

			outcome := &outcomeTB{}
			done := make(chan struct{})
			go func() {
				defer close(done)
				skipMissing(outcome, reason)
			}()
			<-done

			if outcome.skipped != c.wantSkipped {
				t.Errorf("skip reason = %q, want %q", outcome.skipped, c.wantSkipped)
			}
			if outcome.failed != c.wantFailed {
				t.Errorf("failure = %q, want %q", outcome.failed, c.wantFailed)
			}
		})
	}
}
