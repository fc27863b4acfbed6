// Package testenv starts the real servers and emulators that leadrouter's
// tests run against, each on 127.0.0.1 and stopped when its test ends. A
// test whose tool is missing is skipped with the command that installs it,
// unless CI=true, where it fails instead.
package testenv

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// dynaliteStartTimeout bounds the wait for the server to respond. Node.js
// starts dynalite in under a second on the development machine.
const dynaliteStartTimeout = 20 * time.Second

// Dynalite starts a dynalite server on a free 127.0.0.1 port and returns its
// endpoint URL. The server keeps its tables in memory and stops when t ends,
// so call Dynalite once per top-level test and give each subtest its own
// table (see DynamoTableName).
//
// The binary is $LEADROUTER_DYNALITE, or else .tools/node_modules/.bin/dynalite
// under $LEADROUTER_REPO or under the folder of go.mod above the working
// directory. `make tools` installs it there.
func Dynalite(t testing.TB) string {
	t.Helper()
	bin := dynaliteBinary()
	if _, err := os.Stat(bin); err != nil {
		skipMissing(t, fmt.Sprintf("dynalite not found at %s; run make tools", bin))
	}
	if _, err := exec.LookPath("node"); err != nil {
		skipMissing(t, "node not found on PATH, and dynalite needs it; install Node.js")
	}

	// The port is free when chosen but another process may take it before
	// dynalite binds it, so a failed start is tried again on a new port.
	var lastErr error
	for range 3 {
		endpoint, err := startDynalite(t, bin)
		if err == nil {
			return endpoint
		}
		lastErr = err
	}
	t.Fatalf("testenv: start dynalite %s: %v", bin, lastErr)
	return ""
}

func startDynalite(t testing.TB, bin string) (string, error) {
	port, err := dynaliteFreePort()
	if err != nil {
		return "", err
	}

	var output dynaliteOutput
	cmd := exec.Command(bin,
		"--host", "127.0.0.1",
		"--port", strconv.Itoa(port),
		"--createTableMs", "0",
		"--deleteTableMs", "0",
		"--updateTableMs", "0",
	)
	cmd.Stdout = &output
	cmd.Stderr = &output
	// Pdeathsig stops dynalite when the test binary dies without running
	// its cleanups.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("run %s: %w", bin, err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	stop := func() {
		_ = cmd.Process.Kill()
		<-exited
	}

	endpoint := "http://127.0.0.1:" + strconv.Itoa(port)
	if err := waitForDynalite(endpoint, exited); err != nil {
		stop()
		return "", fmt.Errorf("%w; dynalite output: %q", err, output.String())
	}
	t.Cleanup(stop)
	return endpoint, nil
}

// waitForDynalite polls endpoint until it returns any HTTP response, the
// process exits or dynaliteStartTimeout passes.
func waitForDynalite(endpoint string, exited <-chan struct{}) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(dynaliteStartTimeout)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return errors.New("dynalite exited before it answered")
		default:
		}

		resp, err := client.Get(endpoint)
		if err == nil {
			resp.Body.Close()
			return nil
		}

		select {
		case <-exited:
			return errors.New("dynalite exited before it answered")
		case <-time.After(25 * time.Millisecond):
		}
	}
	return fmt.Errorf("dynalite did not answer at %s within %s", endpoint, dynaliteStartTimeout)
}

func dynaliteFreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port on 127.0.0.1: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func dynaliteBinary() string {
	if bin := os.Getenv("LEADROUTER_DYNALITE"); bin != "" {
		return bin
	}
	return filepath.Join(repoRoot(), ".tools", "node_modules", ".bin", "dynalite")
}

// DynamoClient returns a DynamoDB client for a local server at endpoint. It
// uses fake static credentials and region us-east-1 and reads no AWS
// configuration, so it never reaches AWS or an instance metadata service.
// Retries are those of the SDK's standard retryer, without its client-side
// retry quota, which would otherwise turn bursts of throttling in
// concurrency tests into quota errors.
func DynamoClient(t testing.TB, endpoint string) *dynamodb.Client {
	t.Helper()
	return dynamodb.New(dynamodb.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDLOCALTEST", "local-test-secret", ""),
		Retryer: retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = 5
			o.RateLimiter = ratelimit.None
		}),
	})
}

var unsafeDynamoTableNameChars = regexp.MustCompile(`[^a-zA-Z0-9_.-]+`)

// DynamoTableName returns a DynamoDB table name unique to this test and run:
// "lr-", the test name cut to 180 characters with characters that table
// names do not allow replaced by "-", and 8 random hex digits.
func DynamoTableName(t testing.TB) string {
	t.Helper()
	name := unsafeDynamoTableNameChars.ReplaceAllString(t.Name(), "-")
	if len(name) > 180 {
		name = name[:180]
	}
	suffix := make([]byte, 4)
	if _, err := rand.Read(suffix); err != nil {
		t.Fatalf("testenv: random table suffix: %v", err)
	}
	return "lr-" + name + "-" + hex.EncodeToString(suffix)
}

// dynaliteOutput collects a child process's output for error messages.
type dynaliteOutput struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *dynaliteOutput) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *dynaliteOutput) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
