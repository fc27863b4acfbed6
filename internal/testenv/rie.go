package testenv

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Emulator settings. The RIE only listens for invocations once it runs, and
// starts the function itself on the first invocation, so the start timeout
// covers the emulator alone and the first Invoke pays the function's init.
const (
	rieStartTimeout = 20 * time.Second
	rieStopTimeout  = 5 * time.Second
	// rieReportTimeout bounds the wait for the REPORT line of an invocation
	// whose response has already arrived.
	rieReportTimeout = 5 * time.Second
	// rieFunctionTimeout is the AWS_LAMBDA_FUNCTION_TIMEOUT, in seconds,
	// given to the function unless the caller's env sets another.
	rieFunctionTimeout = "30"
	rieInvokePath      = "/2015-03-31/functions/function/invocations"
)

// Fake credentials and region that every emulated function gets, so an AWS
// SDK inside it signs requests for a local server and never looks for real
// ones.
const (
	FakeAccessKeyID     = "AKIDLOCALTEST"
	FakeSecretAccessKey = "local-test-secret"
	FakeRegion          = "us-east-1"
)

// Emulator is a running AWS Lambda Runtime Interface Emulator (RIE) serving
// one function. Its methods are safe for concurrent use.
type Emulator struct {
	url    string
	client *http.Client
	output *rieOutput

	// invokeMu serialises invocations, because the emulator outside a
	// container crashes when two invocations overlap.
	invokeMu sync.Mutex
}

// Report is one REPORT line that the emulator prints after an invocation.
type Report struct {
	RequestID string
	// Duration is the invoke phase, from the emulator receiving the
	// request to the function's response.
	Duration time.Duration
}

// FunctionError is returned by Invoke when the function returned an error
// or panicked. The emulator then returns the runtime's error document in
// place of a response.
type FunctionError struct {
	Type    string `json:"errorType"`
	Message string `json:"errorMessage"`
}

func (e *FunctionError) Error() string {
	return "function error " + e.Type + ": " + e.Message
}

// RIE starts the emulator on free 127.0.0.1 ports with bootstrap (an
// executable Lambda function for a custom runtime, built for this machine)
// as the function, and stops both when t ends.
//
// The function gets only this environment: PATH, a HOME folder of its own
// with no AWS configuration, fake static credentials (FakeAccessKeyID,
// FakeSecretAccessKey), AWS_REGION FakeRegion, AWS_EC2_METADATA_DISABLED=true,
// AWS_LAMBDA_FUNCTION_TIMEOUT 30 seconds, then env, which may override any of
// these. It never inherits the test process's AWS settings, so it cannot reach
// a real account or a metadata service unless env points it there.
//
// The emulator is $LEADROUTER_RIE, or else .tools/bin/aws-lambda-rie under the
// repository root; `make tools` installs it. When it is missing the test is
// skipped, unless CI=true, where it fails instead.
func RIE(t testing.TB, bootstrap string, env map[string]string) *Emulator {
	t.Helper()

	bin := rieBinary()
	if _, err := os.Stat(bin); err != nil {
		skipMissing(t, fmt.Sprintf("aws-lambda-rie not found at %s; run make tools", bin))
	}
	info, err := os.Stat(bootstrap)
	if err != nil {
		t.Fatalf("testenv: function bootstrap: %v", err)
	}
	if info.IsDir() || info.Mode()&0o111 == 0 {
		t.Fatalf("testenv: function bootstrap %s is not an executable file; build it with BuildLambda", bootstrap)
	}
	environment, err := rieEnvironment(t.TempDir(), env)
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}

	// A port chosen free may be taken before the emulator binds it, so a
	// failed start is tried again on new ports.
	var lastErr error
	for range 3 {
		emulator, err := startRIE(t, bin, bootstrap, environment)
		if err == nil {
			return emulator
		}
		lastErr = err
	}
	t.Fatalf("testenv: start %s: %v", bin, lastErr)
	return nil
}

// rieEnvironment returns the emulator's environment as KEY=value lines,
// sorted by key. home is an empty folder used as HOME.
func rieEnvironment(home string, env map[string]string) ([]string, error) {
	values := map[string]string{
		"PATH":                        os.Getenv("PATH"),
		"HOME":                        home,
		"AWS_ACCESS_KEY_ID":           FakeAccessKeyID,
		"AWS_SECRET_ACCESS_KEY":       FakeSecretAccessKey,
		"AWS_REGION":                  FakeRegion,
		"AWS_DEFAULT_REGION":          FakeRegion,
		"AWS_EC2_METADATA_DISABLED":   "true",
		"AWS_LAMBDA_FUNCTION_TIMEOUT": rieFunctionTimeout,
	}
	for key, value := range env {
		if key == "" || strings.ContainsAny(key, "=\x00") {
			return nil, fmt.Errorf("invalid environment variable name %q: it must be non-empty without '=' or NUL", key)
		}
		if strings.ContainsRune(value, 0) {
			return nil, fmt.Errorf("invalid value for environment variable %s: it contains NUL", key)
		}
		values[key] = value
	}
	if _, err := strconv.Atoi(values["AWS_LAMBDA_FUNCTION_TIMEOUT"]); err != nil {
		// The emulator panics on the first invocation when the timeout is
		// not a whole number of seconds.
		return nil, fmt.Errorf("invalid AWS_LAMBDA_FUNCTION_TIMEOUT %q: want whole seconds, such as 30", values["AWS_LAMBDA_FUNCTION_TIMEOUT"])
	}

	keys := make([]string, 0, len(values))
	for key := range values {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	lines := make([]string, 0, len(keys))
	for _, key := range keys {
		lines = append(lines, key+"="+values[key])
	}
	return lines, nil
}

func startRIE(t testing.TB, bin, bootstrap string, environment []string) (*Emulator, error) {
	invokeAddress, err := rieFreeAddress()
	if err != nil {
		return nil, err
	}
	runtimeAddress, err := rieFreeAddress()
	if err != nil {
		return nil, err
	}

	// Both addresses are explicit: the emulator listens on 0.0.0.0:8080 and
	// serves the Runtime API on 127.0.0.1:9001 by default, so parallel
	// emulators would collide and the invoke port would be open to the
	// network.
	output := &rieOutput{}
	cmd := exec.Command(bin,
		"--runtime-interface-emulator-address", invokeAddress,
		"--runtime-api-address", runtimeAddress,
		"--log-level", "info",
		bootstrap,
	)
	cmd.Dir = filepath.Dir(bootstrap)
	cmd.Env = environment
	cmd.Stdout = output
	cmd.Stderr = output
	// The emulator and the function it starts share a new process group,
	// so stopping the group stops both; Pdeathsig stops the emulator when
	// the test binary dies without running its cleanups.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("run %s: %w", bin, err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	stop := func() { stopProcessGroup(cmd.Process.Pid, exited) }

	if err := waitForListener(invokeAddress, exited, rieStartTimeout); err != nil {
		stop()
		return nil, fmt.Errorf("%w; emulator output: %q", err, output.String())
	}

	t.Cleanup(func() {
		stop()
		if t.Failed() {
			t.Logf("aws-lambda-rie output:\n%s", output.String())
		}
	})
	return &Emulator{
		url: "http://" + invokeAddress + rieInvokePath,
		// The function's own timeout bounds an invocation, and this one
		// only catches an emulator that stopped responding.
		client: &http.Client{Timeout: 2 * time.Minute},
		output: output,
	}, nil
}

// stopProcessGroup sends SIGTERM to the process group pgid, which lets the
// emulator stop its function, and SIGKILL when the leader has not exited
// within rieStopTimeout.
func stopProcessGroup(pgid int, exited <-chan struct{}) {
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(rieStopTimeout):
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	<-exited
}

// waitForListener polls address until it accepts a TCP connection, the
// process exits or timeout passes.
func waitForListener(address string, exited <-chan struct{}, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		conn, err := net.DialTimeout("tcp", address, time.Second)
		if err == nil {
			conn.Close()
			return nil
		}

		select {
		case <-exited:
			return fmt.Errorf("exited before it listened on %s", address)
		case <-time.After(25 * time.Millisecond):
		}
	}
	return fmt.Errorf("did not listen on %s within %s", address, timeout)
}

func rieFreeAddress() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port on 127.0.0.1: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func rieBinary() string {
	if bin := os.Getenv("LEADROUTER_RIE"); bin != "" {
		return bin
	}
	return filepath.Join(repoRoot(), ".tools", "bin", "aws-lambda-rie")
}

// Invoke sends payload to the function as one synchronous invocation and
// returns the function's response. It waits while another invocation of the
// same emulator runs. A function that returns an error or panics gives a
// *FunctionError, and a non-2xx status from the emulator gives an error with
// the status and body.
func (e *Emulator) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	e.invokeMu.Lock()
	defer e.invokeMu.Unlock()

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.url, bytes.NewReader(payload))
	if err != nil {
		return nil, fmt.Errorf("rie: invoke: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	requestID, err := newRequestID()
	if err != nil {
		return nil, fmt.Errorf("rie: invoke: %w", err)
	}
	// The emulator takes the request id from this header, so the REPORT
	// line of this invocation can be found by it.
	req.Header.Set("X-Amzn-RequestId", requestID)
	resp, err := e.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("rie: invoke %s: %w", e.url, err)
	}
	defer resp.Body.Close()

	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("rie: read the response of %s: %w", e.url, err)
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("rie: invoke %s: status %d: %s", e.url, resp.StatusCode, body)
	}

	// The emulator prints the REPORT line before it responds, but the line
	// reaches the output buffer through a pipe, so wait for it: Reports
	// then includes this invocation when Invoke returns.
	reported := func(output string) bool { return strings.Contains(output, "REPORT RequestId: "+requestID+"\t") }
	if !e.output.waitFor(reported, rieReportTimeout) {
		return nil, fmt.Errorf("rie: invoke %s: no REPORT line for request %s within %s", e.url, requestID, rieReportTimeout)
	}

	if functionErr := parseFunctionError(body); functionErr != nil {
		return nil, functionErr
	}
	return body, nil
}

// newRequestID returns a random request id in the form of a UUID, as Lambda
// assigns them.
func newRequestID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random request id: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}

// parseFunctionError returns the error document in body, or nil when body is
// a function response. A response is taken for an error document only when
// it is a JSON object whose only keys are errorMessage and errorType, with
// stackTrace optional, as the Go runtime client writes it.
func parseFunctionError(body []byte) *FunctionError {
	var fields map[string]any
	if err := json.Unmarshal(body, &fields); err != nil {
		return nil
	}
	message, hasMessage := fields["errorMessage"].(string)
	errorType, hasType := fields["errorType"].(string)
	if !hasMessage || !hasType {
		return nil
	}
	for key := range fields {
		if key != "errorMessage" && key != "errorType" && key != "stackTrace" {
			return nil
		}
	}
	return &FunctionError{Type: errorType, Message: message}
}

// Output returns everything the emulator and the function printed so far.
func (e *Emulator) Output() string {
	return e.output.String()
}

// Reports returns the REPORT lines of the invocations so far, in order.
func (e *Emulator) Reports() []Report {
	return parseReports(e.output.String())
}

// InitDuration returns the duration of the function's init phase, from
// starting the bootstrap to its first request for work, or false before the
// first invocation. It is the figure of the emulator's "INIT REPORT" log
// line. The "Init Duration" in its REPORT line is not used, because the
// emulator (version pinned in scripts/install-tools) measures there only the
// call that starts the init, which returns before the function has run.
func (e *Emulator) InitDuration() (time.Duration, bool) {
	match := rieInitReportLine.FindStringSubmatch(e.output.String())
	if match == nil {
		return 0, false
	}
	return milliseconds(match[1]), true
}

// rieReportLine matches the emulator's REPORT line, such as
// "REPORT RequestId: 5f1…\tInit Duration: 0.03 ms\tDuration: 0.93 ms\t…".
var rieReportLine = regexp.MustCompile(`(?m)^REPORT RequestId: (\S+)\t(?:Init Duration: [0-9.]+ ms\t)?Duration: ([0-9.]+) ms`)

// rieInitReportLine matches the emulator's log line at the end of the init
// phase, such as "... [INFO] (rapid) INIT REPORT(durationMs: 5.559000)".
var rieInitReportLine = regexp.MustCompile(`\(rapid\) INIT REPORT\(durationMs: ([0-9.]+)\)`)

func parseReports(output string) []Report {
	var reports []Report
	for _, match := range rieReportLine.FindAllStringSubmatch(output, -1) {
		reports = append(reports, Report{RequestID: match[1], Duration: milliseconds(match[2])})
	}
	return reports
}

// milliseconds converts a decimal number of milliseconds that a regular
// expression has already matched.
func milliseconds(text string) time.Duration {
	value, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return 0
	}
	return time.Duration(value * float64(time.Millisecond))
}

// rieOutput collects a child process's output and lets a reader wait for
// text that has not arrived yet.
type rieOutput struct {
	mu  sync.Mutex
	buf bytes.Buffer
	// changed is closed, and replaced, on every write.
	changed chan struct{}
}

func (o *rieOutput) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.changed != nil {
		close(o.changed)
		o.changed = nil
	}
	return o.buf.Write(p)
}

func (o *rieOutput) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// waitFor waits until done returns true for the output, or timeout passes,
// and reports whether done returned true.
func (o *rieOutput) waitFor(done func(output string) bool, timeout time.Duration) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		o.mu.Lock()
		if done(o.buf.String()) {
			o.mu.Unlock()
			return true
		}
		if o.changed == nil {
			o.changed = make(chan struct{})
		}
		changed := o.changed
		o.mu.Unlock()

		select {
		case <-changed:
		case <-deadline.C:
			return false
		}
	}
}
