package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leadrouter/leadrouter/shared/logging"
)

// lockedBuffer is a bytes.Buffer that the server's goroutines and the test
// may use at once.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// requestIDKey matches the request_id key and not api_request_id.
var requestIDKey = regexp.MustCompile(`"request_id":`)

// TestServeLogsRequestID checks that every line the local server logs for
// a request carries one request_id, that each request gets its own, and
// that the intake handler's api_request_id on the same line is that id.
func TestServeLogsRequestID(t *testing.T) {
	var logs lockedBuffer
	cfg := serveConfig{
		addr:          "127.0.0.1:0",
		planPath:      examplePlan,
		dataDir:       t.TempDir(),
		revealRouting: true,
		maxBodyBytes:  64 << 10,
	}
	srv, err := startServer(context.Background(), cfg, logging.New(&logs, "leadrouter"))
	if err != nil {
		t.Fatalf("start server: %v", err)
	}
	t.Cleanup(func() { _ = srv.stop(context.Background()) })

	requests := []struct {
		body   string
		status int
	}{
		{`{"email":"ada@log.example","company":"Log Co","source":"inbound"}`, http.StatusAccepted},
		{`{"company":"Honeypot Co","website_url_confirm":"x"}`, http.StatusAccepted},
		{`{"email":"not an address"}`, http.StatusBadRequest},
	}
	for _, r := range requests {
		if status, body := postJSON(t, srv, r.body); status != r.status {
			t.Fatalf("POST %s: status %d, want %d; body %v", r.body, status, r.status, body)
		}
	}

	// The server logs its request line after it has sent the response.
	waitFor(t, "a request line per request", 5*time.Second, func() bool {
		return strings.Count(logs.String(), `"message":"serve: request"`) == len(requests)
	})

	requestIDs := map[string]bool{}
	handlerLines := 0
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var fields map[string]any
		if err := json.Unmarshal([]byte(line), &fields); err != nil {
			t.Fatalf("decode log line %q: %v", line, err)
		}
		message, _ := fields["message"].(string)
		if !strings.HasPrefix(message, "serve: request") && !strings.HasPrefix(message, "intake:") {
			continue
		}

		if n := len(requestIDKey.FindAllString(line, -1)); n != 1 {
			t.Errorf("line holds request_id %d times, want once: %s", n, line)
		}
		requestID, _ := fields["request_id"].(string)
		if requestID == "" {
			t.Errorf("line has no request_id: %s", line)
			continue
		}
		if strings.HasPrefix(message, "intake:") {
			handlerLines++
			if fields["api_request_id"] != requestID {
				t.Errorf("api_request_id = %v, want the request's %q: %s", fields["api_request_id"], requestID, line)
			}
			continue
		}
		requestIDs[requestID] = true
		if took, ok := fields["took_ms"].(float64); !ok || took < 0 {
			t.Errorf("request line has took_ms %v, want milliseconds: %s", fields["took_ms"], line)
		}
	}
	if len(requestIDs) != len(requests) {
		t.Errorf("request lines carry %d distinct request ids, want %d", len(requestIDs), len(requests))
	}
	if handlerLines != 2 {
		t.Errorf("handler logged %d lines, want 2 (accepted and honeypot); logs:\n%s", handlerLines, logs.String())
	}
}
