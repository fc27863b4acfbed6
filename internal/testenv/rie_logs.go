package testenv

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

var requestIDField = regexp.MustCompile(`"request_id":"([^"]*)"`)

// CheckInvocationLogs checks the JSON lines that service logged under the
// emulator. Every line but the one whose message is readyMessage (logged
// during init, before any invocation) must carry request_id exactly once,
// holding the Lambda request id of an invocation. At least one such line
// must exist, and no value in clearValues may appear anywhere in the output.
func (e *Emulator) CheckInvocationLogs(t testing.TB, service, readyMessage string, clearValues ...string) {
	t.Helper()

	output := e.Output()
	invocations := map[string]bool{}
	for _, report := range e.Reports() {
		invocations[report.RequestID] = true
	}

	tagged := 0
	for _, line := range strings.Split(output, "\n") {
		var fields struct {
			Service string `json:"service"`
			Message string `json:"message"`
		}
		if json.Unmarshal([]byte(line), &fields) != nil || fields.Service != service {
			continue
		}
		if fields.Message == readyMessage {
			continue
		}

		matches := requestIDField.FindAllStringSubmatch(line, -1)
		if len(matches) != 1 {
			t.Errorf("log line carries request_id %d times, want once: %s", len(matches), line)
			continue
		}
		if !invocations[matches[0][1]] {
			t.Errorf("log line's request_id %q is no Lambda request id: %s", matches[0][1], line)
			continue
		}
		tagged++
	}
	if tagged == 0 {
		t.Errorf("%s logged no line during an invocation; output:\n%s", service, output)
	}

	for _, value := range clearValues {
		if strings.Contains(output, value) {
			t.Errorf("the function's output contains %q in clear", value)
		}
	}
}
