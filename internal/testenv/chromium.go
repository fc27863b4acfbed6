package testenv

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumStartTimeout bounds the first page load, which includes starting
// the browser; a cold start of Debian's Chromium takes a few seconds.
const chromiumStartTimeout = 60 * time.Second

// ChromiumPath returns the Chromium binary the browser tests use:
// $LEADROUTER_CHROMIUM, else Debian's /usr/bin/chromium, else chromium or
// chromium-browser on PATH. It returns "" when there is none.
func ChromiumPath() string {
	if path := os.Getenv("LEADROUTER_CHROMIUM"); path != "" {
		return path
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	return ""
}

// Browser starts headless Chromium with a new profile in a temporary
// folder and returns a chromedp context for one tab. The browser stops when
// t ends. It skips the test when Chromium is missing, unless CI=true, where
// it fails instead.
//
// The flags keep the browser from reaching any host on its own (no
// component updates, sync, field trials or QUIC), so the only requests it
// makes are the pages the test opens.
func Browser(t testing.TB) context.Context {
	t.Helper()

	bin := ChromiumPath()
	if bin == "" {
		skipMissing(t, "Chromium not found at $LEADROUTER_CHROMIUM, /usr/bin/chromium or on PATH; install Debian's chromium package")
	}
	if _, err := os.Stat(bin); err != nil {
		skipMissing(t, "Chromium not found at "+bin+"; install Debian's chromium package or fix LEADROUTER_CHROMIUM")
	}

	options := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("disable-field-trial-config", true),
	}

	allocator, cancelAllocator := chromedp.NewExecAllocator(context.Background(), options...)
	ctx, cancelTab := chromedp.NewContext(allocator)
	t.Cleanup(func() {
		cancelTab()
		cancelAllocator()
	})

	// Start the browser now, so a broken install fails here with a clear
	// message rather than in the first action of the test. The first Run
	// ties the browser's life to its context, so it gets ctx itself and
	// the time-out is applied from outside.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err := <-started:
		if err != nil {
			t.Fatalf("testenv: start Chromium %s: %v", bin, err)
		}
	case <-time.After(chromiumStartTimeout):
		t.Fatalf("testenv: Chromium %s did not start within %s", bin, chromiumStartTimeout)
	}
	return ctx
}
