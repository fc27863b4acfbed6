package testenv

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// repoRoot returns $LEADROUTER_REPO, or else the nearest folder at or above
// the working directory that has a go.mod, or "." when there is none. The
// harnesses look for the tools of `make tools` and build packages there.
var repoRoot = sync.OnceValue(func() string {
	// On error wd is "", which findRepoRoot turns into ".".
	wd, _ := os.Getwd()
	return findRepoRoot(os.Getenv("LEADROUTER_REPO"), wd)
})

// findRepoRoot returns override when it is set, else the nearest folder at
// or above dir that has a go.mod, else ".".
func findRepoRoot(override, dir string) string {
	if override != "" {
		return override
	}
	if dir == "" {
		return "."
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "."
		}
		dir = parent
	}
}

// skipMissing skips t for a missing tool with reason, which should name
// where the tool was looked for and how to install it. When CI=true it fails
// t instead, because CI must run every test.
func skipMissing(t testing.TB, reason string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(reason + " (CI=true, so a missing tool fails the test)")
	}
	t.Skip(reason)
}
