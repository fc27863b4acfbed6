package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/rs/zerolog"
	"google.golang.org/api/option"
	"google.golang.org/api/sheets/v4"

	"github.com/leadrouter/leadrouter/shared/bolt"
	"github.com/leadrouter/leadrouter/shared/gsheets"
	"github.com/leadrouter/leadrouter/shared/gsheets/fakesheets"
	"github.com/leadrouter/leadrouter/shared/lead"
	"github.com/leadrouter/leadrouter/shared/routing"
	"github.com/leadrouter/leadrouter/shared/sheet"
	"github.com/leadrouter/leadrouter/shared/store"
)

// Lead ids of the sample SQS event.
const (
	sampleLead1 = "L-01JNQ8W3K5ZP7V2XGM4R6T9Y1B"
	sampleLead2 = "L-01JNQ8X0D2HB4C6E8G0J2K4M6P"
)

// clock is a simulated clock: Sleep advances it at once.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return nil
}

// rig is one test's world: the embedded store, the fake Sheets API and a
// handler on both, built the way main builds it.
type rig struct {
	store *bolt.Store
	fake  *fakesheets.Server
	clock *clock
	logs  *bytes.Buffer
}

func newRig(t *testing.T) *rig {
	t.Helper()

	st, err := bolt.Open(filepath.Join(t.TempDir(), "leads.db"))
	if err != nil {
		t.Fatalf("bolt.Open: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })

	fake := fakesheets.New()
	t.Cleanup(fake.Close)

	return &rig{store: st, fake: fake, clock: &clock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}, logs: &bytes.Buffer{}}
}

// handler builds a handler whose writer uses outbox (the rig's store when
// nil) and appends batchSize leads at a time.
func (r *rig) handler(t *testing.T, outbox sheet.Outbox, batchSize int) *Handler {
	t.Helper()

	svc, err := sheets.NewService(context.Background(), option.WithEndpoint(r.fake.URL()), option.WithoutAuthentication())
	if err != nil {
		t.Fatal(err)
	}
	book, err := gsheets.New(svc, fakesheets.SpreadsheetID)
	if err != nil {
		t.Fatal(err)
	}
	if outbox == nil {
		outbox = r.store
	}

	logger := zerolog.New(r.logs)
	retries := newRetryLogger(logger)
	writer := sheet.NewWriter(outbox, book, sheet.Options{
		BatchSize: batchSize,
		Now:       r.clock.Now,
		Sleep:     r.clock.Sleep,
		OnRetry:   retries.Log,
		Retry:     sheet.RetryPolicy{Jitter: func() float64 { return 1 }},
	})

	h, err := NewHandler(r.store, writer, logger, retries)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func (r *rig) commit(t *testing.T, ids ...string) {
	t.Helper()

	for i, id := range ids {
		rec := store.Record{
			Lead: lead.Lead{
				ID:         id,
				ReceivedAt: time.Date(2026, 3, 2, 8, 0, i, 0, time.UTC),
				Email:      "ana@example.com",
				Company:    "Example Logistics",
				Source:     "inbound",
			},
			Decision: routing.Decision{Owner: "rep-a", Rule: "inbound"},
		}
		if err := r.store.Commit(context.Background(), rec); err != nil {
			t.Fatalf("Commit %s: %v", id, err)
		}
	}
}

func (r *rig) sheetIDs(t *testing.T) []string {
	t.Helper()

	var ids []string
	for i, row := range r.fake.Text(sheet.TabLeads) {
		if i > 0 && len(row) > 0 {
			ids = append(ids, row[0])
		}
	}
	return ids
}

func (r *rig) pending(t *testing.T) int {
	t.Helper()

	recs, err := r.store.Pending(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	return len(recs)
}

func readEvent(t *testing.T, name string) json.RawMessage {
	t.Helper()

	data, err := os.ReadFile(filepath.Join("..", "..", "events", "sheetwriter", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func sqsEvent(t *testing.T, bodies map[string]string) json.RawMessage {
	t.Helper()

	var event events.SQSEvent
	for _, messageID := range slices.Sorted(mapsKeys(bodies)) {
		event.Records = append(event.Records, events.SQSMessage{MessageId: messageID, Body: bodies[messageID], EventSource: "aws:sqs"})
	}
	data, err := json.Marshal(event)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func mapsKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func failedMessages(t *testing.T, out any) []string {
	t.Helper()

	resp, ok := out.(events.SQSEventResponse)
	if !ok {
		t.Fatalf("response = %T, want events.SQSEventResponse", out)
	}
	var ids []string
	for _, failure := range resp.BatchItemFailures {
		ids = append(ids, failure.ItemIdentifier)
	}
	slices.Sort(ids)
	return ids
}

func lambdaContext() context.Context {
	return lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{
		AwsRequestID:       "req-123",
		InvokedFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:sheetwriter",
	})
}

func TestHandleSampleSQSEvent(t *testing.T) {
	r := newRig(t)
	r.commit(t, sampleLead1, sampleLead2)

	out, err := r.handler(t, nil, 0).Handle(lambdaContext(), readEvent(t, "sqs-leads.json"))
	if err != nil {
		t.Fatalf("Handle: %v", err)
	}

	if got := failedMessages(t, out); len(got) != 0 {
		t.Errorf("failed messages = %v, want none", got)
	}
	if got := r.sheetIDs(t); !slices.Equal(got, []string{sampleLead1, sampleLead2}) {
		t.Errorf("sheet Lead IDs = %v, want both sample leads", got)
	}
	if got := r.pending(t); got != 0 {
		t.Errorf("pending leads = %d, want 0 after the rows were written", got)
	}
	if !bytes.Contains(r.logs.Bytes(), []byte(`"request_id":"req-123"`)) {
		t.Errorf("logs = %s, want the request id on the lines", r.logs)
	}
}

func TestHandleDuplicateMessagesOneRow(t *testing.T) {
	r := newRig(t)
	r.commit(t, "L-1")

	out, err := r.handler(t, nil, 0).Handle(lambdaContext(), sqsEvent(t, map[string]string{
		"m1": `{"lead_id":"L-1"}`,
		"m2": `{"lead_id":"L-1"}`,
	}))
	if err != nil {
		t.Fatalf("Handle: %v", err)
	}

	if got := failedMessages(t, out); len(got) != 0 {
		t.Errorf("failed messages = %v, want none", got)
	}
	if got := r.sheetIDs(t); !slices.Equal(got, []string{"L-1"}) {
		t.Errorf("sheet Lead IDs = %v, want one row", got)
	}
}

func TestHandleBadBodyFailsOnlyIt(t *testing.T) {
	r := newRig(t)
	r.commit(t, "L-1")

	out, err := r.handler(t, nil, 0).Handle(lambdaContext(), sqsEvent(t, map[string]string{
		"good":     `{"lead_id":"L-1"}`,
		"not-json": `lead L-2`,
		"no-id":    `{"lead_id":" "}`,
	}))
	if err != nil {
		t.Fatalf("Handle: %v", err)
	}

	if got := failedMessages(t, out); !slices.Equal(got, []string{"no-id", "not-json"}) {
		t.Errorf("failed messages = %v, want [no-id not-json]", got)
	}
	if got := r.sheetIDs(t); !slices.Equal(got, []string{"L-1"}) {
		t.Errorf("sheet Lead IDs = %v, want L-1", got)
	}
}

func TestHandleUnknownLeadAcknowledged(t *testing.T) {
	r := newRig(t)

	out, err := r.handler(t, nil, 0).Handle(lambdaContext(), sqsEvent(t, map[string]string{"m1": `{"lead_id":"L-gone"}`}))
	if err != nil {
		t.Fatalf("Handle: %v", err)
	}

	if got := failedMessages(t, out); len(got) != 0 {
		t.Errorf("failed messages = %v, want none, because a retry cannot find the lead either", got)
	}
	if !bytes.Contains(r.logs.Bytes(), []byte("lead not found")) {
		t.Errorf("logs = %s, want a warning for the missing lead", r.logs)
	}
}

func TestHandlePartialSheetFailure(t *testing.T) {
	r := newRig(t)
	r.commit(t, "L-1", "L-2")
	h := r.handler(t, nil, 1)
	// EnsureTabs runs before the first append, so the second append is
	// the one for L-2.
	r.fake.FailEvery(2, http.StatusForbidden, fakesheets.MethodAppend)

	out, err := h.Handle(lambdaContext(), sqsEvent(t, map[string]string{"m1": `{"lead_id":"L-1"}`, "m2": `{"lead_id":"L-2"}`}))
	if err != nil {
		t.Fatalf("Handle: %v", err)
	}

	if got := failedMessages(t, out); !slices.Equal(got, []string{"m2"}) {
		t.Errorf("failed messages = %v, want only m2", got)
	}
	if got := r.sheetIDs(t); !slices.Equal(got, []string{"L-1"}) {
		t.Errorf("sheet Lead IDs = %v, want L-1 only", got)
	}
}

func TestHandleThrottledRetries(t *testing.T) {
	r := newRig(t)
	r.commit(t, "L-1")
	h := r.handler(t, nil, 0)
	r.fake.FailEvery(1, http.StatusTooManyRequests, fakesheets.MethodAppend)

	out, err := h.Handle(lambdaContext(), sqsEvent(t, map[string]string{"m1": `{"lead_id":"L-1"}`}))
	if err != nil {
		t.Fatalf("Handle: %v", err)
	}

	if got := failedMessages(t, out); !slices.Equal(got, []string{"m1"}) {
		t.Errorf("failed messages = %v, want m1 after every retry was throttled", got)
	}
	if got := r.fake.Count(fakesheets.MethodAppend); got != sheet.DefaultRetryAttempts {
		t.Errorf("append requests = %d, want %d attempts", got, sheet.DefaultRetryAttempts)
	}
	if !bytes.Contains(r.logs.Bytes(), []byte("retrying")) {
		t.Errorf("logs = %s, want the retries logged", r.logs)
	}
}

// crashingOutbox fails MarkWritten as a process that died after the
// append would: the rows exist, the store does not know.
type crashingOutbox struct {
	*bolt.Store
}

func (crashingOutbox) MarkWritten(context.Context, []string, time.Time) error {
	return errors.New("process crashed before MarkWritten")
}

func TestHandleRedeliveryAfterCrash(t *testing.T) {
	r := newRig(t)
	r.commit(t, "L-1", "L-2")
	event := sqsEvent(t, map[string]string{"m1": `{"lead_id":"L-1"}`, "m2": `{"lead_id":"L-2"}`})

	first, err := r.handler(t, crashingOutbox{r.store}, 0).Handle(lambdaContext(), event)
	if err != nil {
		t.Fatalf("first Handle: %v", err)
	}
	second, err := r.handler(t, nil, 0).Handle(lambdaContext(), event)
	if err != nil {
		t.Fatalf("second Handle: %v", err)
	}

	if got := failedMessages(t, first); !slices.Equal(got, []string{"m1", "m2"}) {
		t.Errorf("first delivery failed messages = %v, want both", got)
	}
	if got := failedMessages(t, second); len(got) != 0 {
		t.Errorf("redelivery failed messages = %v, want none", got)
	}
	if got := r.sheetIDs(t); !slices.Equal(got, []string{"L-1", "L-2"}) {
		t.Errorf("sheet Lead IDs = %v, want each lead once", got)
	}
	if got := r.pending(t); got != 0 {
		t.Errorf("pending leads = %d, want 0 after the redelivery", got)
	}
}

func TestHandleScheduleDrains(t *testing.T) {
	r := newRig(t)
	r.commit(t, "L-1", "L-2", "L-3")

	out, err := r.handler(t, nil, 2).Handle(lambdaContext(), readEvent(t, "schedule.json"))
	if err != nil {
		t.Fatalf("Handle: %v", err)
	}

	if got, ok := out.(DrainResult); !ok || got.Written != 3 {
		t.Errorf("response = %#v, want DrainResult{Written: 3}", out)
	}
	if got := r.sheetIDs(t); !slices.Equal(got, []string{"L-1", "L-2", "L-3"}) {
		t.Errorf("sheet Lead IDs = %v, want all three", got)
	}
}

func TestHandleEmptyScheduleInput(t *testing.T) {
	r := newRig(t)
	r.commit(t, "L-1")

	out, err := r.handler(t, nil, 0).Handle(lambdaContext(), json.RawMessage(`{}`))
	if err != nil {
		t.Fatalf("Handle: %v", err)
	}

	if got, ok := out.(DrainResult); !ok || got.Written != 1 {
		t.Errorf("response = %#v, want DrainResult{Written: 1}", out)
	}
}

func TestHandleRejectsOtherEvents(t *testing.T) {
	tests := []struct {
		name    string
		payload string
	}{
		{name: "not json", payload: `lead`},
		{name: "dynamodb stream", payload: `{"Records":[{"eventSource":"aws:dynamodb"}]}`},
		{name: "array", payload: `[1,2]`},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)

			_, err := r.handler(t, nil, 0).Handle(lambdaContext(), json.RawMessage(tt.payload))

			if err == nil {
				t.Error("Handle returned no error")
			}
		})
	}
}
