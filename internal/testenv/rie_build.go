package testenv

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// BuildLambda builds the Go package at pkg (a path relative to the
// repository root, such as "./functions/intake") as a Lambda bootstrap for
// this machine's own OS and architecture, the way `make build` builds it for
// Lambda otherwise: CGO_ENABLED=0, -tags lambda.norpc, -trimpath. It returns
// the path of the executable, named bootstrap, in a temporary folder that is
// removed when t ends.
func BuildLambda(t testing.TB, pkg string) string {
	t.Helper()

	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("testenv: build %s: go not found on PATH: %v", pkg, err)
	}

	bootstrap := filepath.Join(t.TempDir(), "bootstrap")
	cmd := exec.Command(goTool, "build", "-tags", "lambda.norpc", "-trimpath", "-o", bootstrap, pkg)
	cmd.Dir = repoRoot()
	// GOOS and GOARCH are those of the test binary, whatever the
	// environment sets, so the emulator on this machine can run the result.
	cmd.Env = append(cmd.Environ(), "CGO_ENABLED=0", "GOOS="+runtime.GOOS, "GOARCH="+runtime.GOARCH)
	if output, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("testenv: go build %s in %s: %v\n%s", pkg, cmd.Dir, err, strings.TrimSpace(string(output)))
	}
	return bootstrap
}
