package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// deadURL returns the URL of a port on 127.0.0.1 that nothing listens on.
func deadURL(t *testing.T) string {
	t.Helper()

	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := listener.Addr().String()
	listener.Close()
	return "http://" + addr + "/leads"
}

func TestReplayStopsOnDeadServer(t *testing.T) {
	dir := t.TempDir()
	m := writeMapping(t, dir, testMapping)
	rows := make([][]string, 20)
	for i := range rows {
		rows[i] = []string{"r", "ada@acme.example", "Acme", "Web", "", "", ""}
	}
	file := writeCSV(t, dir, testHeader, rows)
	to := deadURL(t)

	summary, err := replay(context.Background(), replayOptions{
		to: to, mapping: m, file: file, concurrency: 1, progress: io.Discard,
		client: &http.Client{Timeout: 5 * time.Second}, backoffBase: time.Millisecond, maxUnreachable: 3,
	})

	var stopped *stoppedError
	if !errors.As(err, &stopped) {
		t.Fatalf("replay() error = %v, want a stoppedError", err)
	}
	if summary.failed != 3 {
		t.Errorf("failed rows = %d, want 3", summary.failed)
	}
	for _, want := range []string{"stopped at line 4", "3 rows in a row could not reach " + to, "run the same command again"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestReplayInterruptedKeepsSummary(t *testing.T) {
	dir := t.TempDir()
	m := writeMapping(t, dir, testMapping)
	file := writeCSV(t, dir, testHeader, [][]string{{"r1", "ada@acme.example", "Acme", "Web", "", "", ""}})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	summary, err := replay(ctx, replayOptions{
		to: deadURL(t), mapping: m, file: file, concurrency: 1, progress: io.Discard,
		client: &http.Client{Timeout: 5 * time.Second},
	})

	if !errors.Is(err, context.Canceled) {
		t.Fatalf("replay() error = %v, want context.Canceled", err)
	}
	if summary == nil {
		t.Fatal("replay() returned no summary")
	}
	if summary.failed != 0 {
		t.Errorf("failed rows = %d, want 0: a row cut short by the interrupt is not done", summary.failed)
	}
}

func TestReplayWarnsAboutShortRows(t *testing.T) {
	dir := t.TempDir()
	m := writeMapping(t, dir, testMapping)
	file := writeCSV(t, dir, testHeader, [][]string{
		{"r1", "ada@acme.example", "Acme", "Web", "", "", ""},
		{"r2", "bob@beta.example", "Beta"},
		{"r3", "cy@gamma.example", "Gamma", "Web", "", "", ""},
	})
	srv := testServer(t, t.TempDir())

	s := replayOnce(t, srv, file, m, 1)

	if got := s.shortRows; len(got) != 1 || got[0] != 3 {
		t.Errorf("short rows = %v, want line 3", got)
	}
	if s.accepted != 3 {
		t.Errorf("accepted = %d, want 3: short rows are replayed", s.accepted)
	}
	var out bytes.Buffer
	s.print(&out)
	if !strings.Contains(out.String(), "Warning: 1 rows have fewer fields than the header") {
		t.Errorf("summary lacks the short-row warning:\n%s", out.String())
	}
}

func TestEscalationKinds(t *testing.T) {
	cases := []struct {
		reason string
		want   string
	}{
		{"Every rep who could take the lead is at or over capacity (ana 15/15); ana has the fewest active opportunities and takes it.", "all reps at capacity"},
		{"Nobody who could take the lead is available: ana is away. The lead stays with ana.", "nobody available"},
		{`Account acme.example is owned by "zed", who is not in the plan; assign the account to a current rep.`, "owner not in the plan"},
		{"Nobody who could take the lead is available: ana is away. Every rep who could take the lead is at or over capacity (ana 3/3).", "all reps at capacity,nobody available"},
		{"Something new.", "other"},
	}
	for _, c := range cases {
		if got := strings.Join(escalationKinds(c.reason), ","); got != c.want {
			t.Errorf("escalationKinds(%q) = %q, want %q", c.reason, got, c.want)
		}
	}
}

func TestSummaryShowsEscalations(t *testing.T) {
	s := newReplaySummary("export.csv", "http://127.0.0.1:3000/leads")
	s.add(2, rowResult{leadID: "L1", owner: "ana", zone: "primary"})
	s.add(3, rowResult{leadID: "L2", owner: "ana", zone: "primary", escalation: "Every rep who could take the lead is at or over capacity (ana 1/1)."})
	s.add(4, rowResult{leadID: "L3", owner: "ana", zone: "primary", escalation: "Every rep who could take the lead is at or over capacity (ana 2/1)."})

	var out bytes.Buffer
	s.print(&out)

	if want := "escalated: 2, for a manager to review (all reps at capacity 2)"; !strings.Contains(out.String(), want) {
		t.Errorf("summary does not contain %q:\n%s", want, out.String())
	}
}

// countingTransport counts the requests the client sends, answered or not.
type countingTransport struct {
	mu       sync.Mutex
	requests int
}

func (c *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.requests++
	c.mu.Unlock()
	return http.DefaultTransport.RoundTrip(req)
}

// closingServer accepts the first accept requests with 202 and then closes
// its listener, so that every later connection is refused.
func closingServer(t *testing.T, accept int) string {
	t.Helper()

	var (
		mu       sync.Mutex
		answered int
	)
	srv := httptest.NewUnstartedServer(nil)
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		answered++
		n := answered
		mu.Unlock()

		w.Header().Set("Connection", "close")
		w.WriteHeader(http.StatusAccepted)
		fmt.Fprintf(w, `{"lead_id":"L%d","owner":"ana","zone":"primary"}`, n)
		if n == accept {
			srv.Listener.Close()
		}
	})
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL + "/leads"
}

func TestReplayServerClosedMidRun(t *testing.T) {
	const accepted = 4

	cases := []struct {
		name        string
		concurrency int
	}{
		{"one at a time", 1},
		{"four in flight", 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			m := writeMapping(t, dir, testMapping)
			rows := make([][]string, 200)
			for i := range rows {
				rows[i] = []string{fmt.Sprint("r", i), "ada@acme.example", "Acme", "Web", "", "", ""}
			}
			file := writeCSV(t, dir, testHeader, rows)
			transport := &countingTransport{}
			var progress bytes.Buffer

			summary, err := replay(context.Background(), replayOptions{
				to: closingServer(t, accepted), mapping: m, file: file, concurrency: c.concurrency,
				progress: &progress, client: &http.Client{Transport: transport, Timeout: 5 * time.Second},
				backoffBase: time.Millisecond,
			})

			var stopped *stoppedError
			if !errors.As(err, &stopped) {
				t.Fatalf("replay() error = %v, want a stoppedError", err)
			}
			// With several requests in flight, connections accepted before
			// the listener closed may still be answered.
			if summary.accepted < accepted || summary.accepted > accepted+c.concurrency-1 {
				t.Errorf("accepted = %d, want %d to %d", summary.accepted, accepted, accepted+c.concurrency-1)
			}
			// A refused row gets 3 attempts, and every worker but the one
			// that stops the run may have one more row in progress.
			limit := summary.accepted + (maxUnreachableRows+c.concurrency-1)*3
			if transport.requests > limit {
				t.Errorf("requests = %d, want at most %d", transport.requests, limit)
			}
			if strings.Contains(progress.String(), "100%") {
				t.Errorf("progress bar shows 100%% after an early stop:\n%s", progress.String())
			}
		})
	}
}
