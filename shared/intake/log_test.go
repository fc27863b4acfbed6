package intake

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/leadrouter/leadrouter/shared/logging"
)

// requestIDKey matches the request_id key and not api_request_id.
var requestIDKey = regexp.MustCompile(`"request_id":`)

// TestHandleLogsAPIRequestID checks that each line the handler logs carries
// the API Gateway request id as api_request_id and leaves request_id to the
// caller's logger, so a Lambda line holds each key once.
func TestHandleLogsAPIRequestID(t *testing.T) {
	cases := []struct {
		name    string
		body    string
		failing error
		headers map[string]string
		message string
	}{
		{name: "accepted lead", body: `{"company":"Acme"}`, message: "intake: lead accepted"},
		{name: "honeypot", body: `{"company":"Acme","website_url_confirm":"x"}`, message: "intake: honeypot filled in; submission dropped"},
		{name: "forbidden origin", body: `{"company":"Acme"}`, headers: map[string]string{"Origin": "https://evil.example"}, message: "intake: origin not allowed; request rejected"},
		{name: "store outage", body: `{"company":"Acme"}`, failing: fmt.Errorf("bolt: snapshot: %w", errOutage), message: "intake: lead not accepted"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := newMemoryStore()
			st.failing = c.failing
			h := newTestHandler(t, st)

			var out bytes.Buffer
			logger := logging.New(&out, "intake").With().Str("request_id", "lambda-request").Logger()
			ctx := logging.WithContext(context.Background(), logger)
			if _, err := h.Handle(ctx, postEvent("application/json", c.body, c.headers)); err != nil {
				t.Fatalf("Handle returned an error: %v", err)
			}

			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			if len(lines) != 1 {
				t.Fatalf("logged %d lines, want 1:\n%s", len(lines), out.String())
			}
			line := lines[0]
			var fields map[string]any
			if err := json.Unmarshal([]byte(line), &fields); err != nil {
				t.Fatalf("decode log line %q: %v", line, err)
			}
			if fields["message"] != c.message {
				t.Errorf("message = %v, want %q", fields["message"], c.message)
			}
			if fields["api_request_id"] != "test-request" {
				t.Errorf("api_request_id = %v, want the event's %q", fields["api_request_id"], "test-request")
			}
			if n := len(requestIDKey.FindAllString(line, -1)); n != 1 {
				t.Errorf("line holds request_id %d times, want once (the caller's): %s", n, line)
			}
			if fields["request_id"] != "lambda-request" {
				t.Errorf("request_id = %v, want the caller's %q", fields["request_id"], "lambda-request")
			}
		})
	}
}
