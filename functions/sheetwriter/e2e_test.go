package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/leadrouter/leadrouter/internal/testenv"
	"github.com/leadrouter/leadrouter/shared/dynamo"
	"github.com/leadrouter/leadrouter/shared/gsheets/fakesheets"
	"github.com/leadrouter/leadrouter/shared/lead"
	"github.com/leadrouter/leadrouter/shared/routing"
	"github.com/leadrouter/leadrouter/shared/sheet"
	"github.com/leadrouter/leadrouter/shared/store"
)

// The leads that events/sheetwriter/sqs-leads.json names, in its order.
const (
	queuedLeadA = "L-01JNQ8W3K5ZP7V2XGM4R6T9Y1B"
	queuedLeadB = "L-01JNQ8X0D2HB4C6E8G0J2K4M6P"
)

// Leads that no sample event names.
const (
	// drainedLead has no message, so only the scheduled drain writes it.
	drainedLead = "L-01JNQ8Y4F6KM8N0Q2S4U6W8Y0A"
	// rowOnlyLead already has its row, as after a crash between the append
	// and MarkWritten.
	rowOnlyLead = "L-01JNQ8Z7H9JL1M3P5R7T9V1X3C"
	// unknownLead is not in the table.
	unknownLead = "L-01JNQ900000000000000000000"
)

// TestBootstrapUnderEmulator runs the built sheetwriter bootstrap under the
// AWS Lambda Runtime Interface Emulator against dynalite and a fake Sheets
// API, both on 127.0.0.1, and invokes it with the sample events of
// events/sheetwriter and with queue batches built here.
func TestBootstrapUnderEmulator(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	bootstrap := testenv.BuildLambda(t, "./functions/sheetwriter")
	// The deployment package holds bootstrap and plan.yaml side by side, as
	// sam build makes it. The example plan's time_zone is Europe/Berlin.
	plan, err := os.ReadFile(filepath.Join("..", "..", "examples", "plans", "two-reps.yaml"))
	if err != nil {
		t.Fatalf("read the example plan: %v", err)
	}
	if err := os.WriteFile(filepath.Join(filepath.Dir(bootstrap), "plan.yaml"), plan, 0o644); err != nil {
		t.Fatalf("package the plan: %v", err)
	}
	endpoint := testenv.Dynalite(t)

	client := testenv.DynamoClient(t, endpoint)
	table := testenv.DynamoTableName(t)
	if err := dynamo.CreateTable(ctx, client, table); err != nil {
		t.Fatalf("create table %s: %v", table, err)
	}
	// dynalite 4 has no TransactWriteItems.
	st := dynamo.New(client, table, dynamo.WithCommitStrategy(dynamo.Sequential))
	received := time.Date(2026, 3, 2, 8, 59, 0, 0, time.UTC)
	for i, id := range []string{queuedLeadA, queuedLeadB, drainedLead, rowOnlyLead} {
		commitLead(ctx, t, st, id, received.Add(time.Duration(i)*time.Second))
	}

	fake := fakesheets.New()
	t.Cleanup(fake.Close)

	// The settings template.yaml gives the sheet writer, plus the test-only
	// endpoints, which send DynamoDB requests to dynalite and Sheets
	// requests, without credentials, to the fake.
	emulator := testenv.RIE(t, bootstrap, map[string]string{
		"AWS_LAMBDA_FUNCTION_NAME":      "leadrouter-sheetwriter",
		"LEADROUTER_TABLE":              table,
		"LEADROUTER_SPREADSHEET_ID":     fakesheets.SpreadsheetID,
		"LEADROUTER_GOOGLE_CREDENTIALS": "arn:aws:secretsmanager:us-east-1:123456789012:secret:leadrouter-google-AbCdEf",
		"LEADROUTER_PLAN":               "plan.yaml",
		"LEADROUTER_SHEETS_ENDPOINT":    fake.URL(),
		"LEADROUTER_DYNAMODB_ENDPOINT":  endpoint,
	})
	sample := readEvent(t, "sqs-leads.json")

	// The first batch creates the Leads tab and writes both rows with one
	// append.
	mark := len(fake.Requests())
	failures := invokeQueue(ctx, t, emulator, sample)
	requests := fake.Requests()[mark:]
	t.Logf("Sheets requests for the first batch of 2 leads: %s", describe(requests))
	if len(failures) != 0 {
		t.Errorf("first batch: batch item failures %v, want none", failures)
	}
	// The writer reads the Lead ID column, which finds no tab, so it may
	// create one. EnsureTabs reads the spreadsheet and adds the tab with its
	// headers in one batchUpdate. The writer reads the Lead ID column, and
	// the first append sets the date format of the Received column before it
	// appends.
	wantFirst := []fakesheets.Method{
		fakesheets.MethodValuesGet, fakesheets.MethodGet, fakesheets.MethodBatchUpdate, fakesheets.MethodValuesGet,
		fakesheets.MethodBatchUpdate, fakesheets.MethodAppend,
	}
	if got := methods(requests); !slices.Equal(got, wantFirst) {
		t.Errorf("first batch: Sheets requests %s, want %v", describe(requests), wantFirst)
	}
	if n := countMethod(requests, fakesheets.MethodAppend); n != 1 {
		t.Errorf("first batch: %d appends, want 1 for both rows", n)
	}
	assertRows(t, fake, map[string]int{queuedLeadA: 1, queuedLeadB: 1})
	assertWritten(ctx, t, st, queuedLeadA, queuedLeadB)
	// Received 08:59 UTC, shown in the plan's Europe/Berlin (UTC+1 in March).
	if got := cellOf(t, fake, queuedLeadA, sheet.HeaderReceived); got != "2026-03-02 09:59:00" {
		t.Errorf("Received of %s = %q, want 2026-03-02 09:59:00 in the plan's time zone", queuedLeadA, got)
	}

	// A redelivery of the batch finds both leads marked written, so it
	// sends no Sheets request at all.
	mark = len(fake.Requests())
	failures = invokeQueue(ctx, t, emulator, sample)
	requests = fake.Requests()[mark:]
	if len(failures) != 0 {
		t.Errorf("redelivery: batch item failures %v, want none", failures)
	}
	if len(requests) != 0 {
		t.Errorf("redelivery: Sheets requests %s, want none", describe(requests))
	}
	assertRows(t, fake, map[string]int{queuedLeadA: 1, queuedLeadB: 1})

	// A lead whose row exists but which is not marked written: the writer
	// reads the Lead ID column, appends nothing and marks the lead.
	appendRowByHand(t, fake, rowOnlyLead)
	mark = len(fake.Requests())
	failures = invokeQueue(ctx, t, emulator, queueEvent(queueMessage{id: "m-row-only", body: leadBody(rowOnlyLead)}))
	requests = fake.Requests()[mark:]
	if len(failures) != 0 {
		t.Errorf("row already there: batch item failures %v, want none", failures)
	}
	if got := methods(requests); !slices.Equal(got, []fakesheets.Method{fakesheets.MethodValuesGet}) {
		t.Errorf("row already there: Sheets requests %s, want one read of the Lead ID column", describe(requests))
	}
	assertRows(t, fake, map[string]int{queuedLeadA: 1, queuedLeadB: 1, rowOnlyLead: 1})
	assertWritten(ctx, t, st, rowOnlyLead)

	// A message naming a lead the table does not have is acknowledged,
	// because retrying cannot help.
	mark = len(fake.Requests())
	failures = invokeQueue(ctx, t, emulator, queueEvent(queueMessage{id: "m-unknown", body: leadBody(unknownLead)}))
	if len(failures) != 0 {
		t.Errorf("unknown lead: batch item failures %v, want none", failures)
	}
	if requests := fake.Requests()[mark:]; len(requests) != 0 {
		t.Errorf("unknown lead: Sheets requests %s, want none", describe(requests))
	}

	// Bodies that are not {"lead_id": "..."} go back to the queue, each
	// reported on its own, and the valid message of the batch is
	// acknowledged.
	failures = invokeQueue(ctx, t, emulator, queueEvent(
		queueMessage{id: "m-not-json", body: "lead L-01JNQ8Y4F6KM8N0Q2S4U6W8Y0A"},
		queueMessage{id: "m-no-id", body: `{"lead":"` + drainedLead + `"}`},
		queueMessage{id: "m-blank-id", body: `{"lead_id":"  "}`},
		queueMessage{id: "m-good", body: leadBody(queuedLeadA)},
	))
	wantFailures := []string{"m-not-json", "m-no-id", "m-blank-id"}
	if !slices.Equal(failures, wantFailures) {
		t.Errorf("malformed bodies: batch item failures %v, want %v", failures, wantFailures)
	}
	assertRows(t, fake, map[string]int{queuedLeadA: 1, queuedLeadB: 1, rowOnlyLead: 1})

	// The scheduled drain writes the one lead that never had a message:
	// one read of the Lead ID column and one append.
	mark = len(fake.Requests())
	drained := invokeSchedule(ctx, t, emulator)
	requests = fake.Requests()[mark:]
	t.Logf("Sheets requests for a drain of 1 lead: %s", describe(requests))
	if drained.Written != 1 {
		t.Errorf("scheduled drain: written %d, want 1", drained.Written)
	}
	if got := methods(requests); !slices.Equal(got, []fakesheets.Method{fakesheets.MethodValuesGet, fakesheets.MethodAppend}) {
		t.Errorf("scheduled drain: Sheets requests %s, want one read of the Lead ID column and one append", describe(requests))
	}
	assertRows(t, fake, map[string]int{queuedLeadA: 1, queuedLeadB: 1, rowOnlyLead: 1, drainedLead: 1})
	assertWritten(ctx, t, st, drainedLead)

	// A second drain finds the outbox empty.
	mark = len(fake.Requests())
	if again := invokeSchedule(ctx, t, emulator); again.Written != 0 {
		t.Errorf("second drain: written %d, want 0", again.Written)
	}
	if requests := fake.Requests()[mark:]; len(requests) != 0 {
		t.Errorf("second drain: Sheets requests %s, want none", describe(requests))
	}
	pending, err := st.Pending(ctx, 10)
	if err != nil {
		t.Fatalf("read the outbox: %v", err)
	}
	if len(pending) != 0 {
		t.Errorf("outbox holds %d leads after the drain, first %s; want none", len(pending), pending[0].Lead.ID)
	}

	t.Logf("Sheets requests in all: %d (%d writes)", fake.Count(), fake.Count(fakesheets.Writes...))
	emulator.CheckInvocationLogs(t, "sheetwriter", "sheetwriter ready", "@example-analytics.com", "7946 0958")
}

// commitLead stores a routed lead through the real dynamo store, so it
// waits in the outbox as one the intake stored.
func commitLead(ctx context.Context, t *testing.T, st *dynamo.Store, id string, received time.Time) {
	t.Helper()

	suffix := strings.ToLower(id[len(id)-4:])
	rec := store.Record{
		Lead: lead.Lead{
			ID:         id,
			ReceivedAt: received,
			FirstName:  "Ada",
			LastName:   "Lovelace",
			Email:      "ada-" + suffix + "@example-analytics.com",
			Phone:      "+44 20 7946 0958",
			Company:    "Example Analytics " + suffix,
			Source:     "inbound",
		},
		Decision: routing.Decision{
			Owner:       "ana",
			Rule:        "inbound",
			Zone:        routing.ZonePrimary,
			Explanation: []string{"source inbound matches rule inbound"},
		},
	}
	if err := st.Commit(ctx, rec); err != nil {
		t.Fatalf("commit lead %s: %v", id, err)
	}
}

// queueMessage is one SQS message of a batch that queueEvent builds.
type queueMessage struct {
	id, body string
}

func leadBody(id string) string {
	return `{"lead_id":"` + id + `"}`
}

// queueEvent returns an SQS event with the messages, shaped as the sample
// event's records.
func queueEvent(messages ...queueMessage) []byte {
	event := events.SQSEvent{}
	for _, m := range messages {
		event.Records = append(event.Records, events.SQSMessage{
			MessageId:      m.id,
			ReceiptHandle:  "receipt-" + m.id,
			Body:           m.body,
			Attributes:     map[string]string{"ApproximateReceiveCount": "1"},
			EventSource:    "aws:sqs",
			EventSourceARN: "arn:aws:sqs:us-east-1:123456789012:leadrouter-sheet-rows",
			AWSRegion:      "us-east-1",
		})
	}
	payload, _ := json.Marshal(event)
	return payload
}

// invokeQueue sends an SQS event and returns the message ids the function
// reported as batch item failures, in order.
func invokeQueue(ctx context.Context, t *testing.T, emulator *testenv.Emulator, payload []byte) []string {
	t.Helper()

	body, err := emulator.Invoke(ctx, payload)
	if err != nil {
		t.Fatalf("invoke with an SQS event: %v", err)
	}
	var res events.SQSEventResponse
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatalf("decode the SQS response %s: %v", body, err)
	}

	ids := []string{}
	for _, failure := range res.BatchItemFailures {
		ids = append(ids, failure.ItemIdentifier)
	}
	return ids
}

// invokeSchedule sends the sample EventBridge Scheduler event.
func invokeSchedule(ctx context.Context, t *testing.T, emulator *testenv.Emulator) DrainResult {
	t.Helper()

	body, err := emulator.Invoke(ctx, readEvent(t, "schedule.json"))
	if err != nil {
		t.Fatalf("invoke with schedule.json: %v", err)
	}
	var res DrainResult
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatalf("decode the drain response %s: %v", body, err)
	}
	return res
}

// leadIDColumn returns the index of the Lead ID header in the Leads tab.
func leadIDColumn(t *testing.T, rows [][]string) int {
	t.Helper()

	if len(rows) == 0 {
		t.Fatalf("the Leads tab is missing or empty")
	}
	column := slices.Index(rows[0], sheet.HeaderLeadID)
	if column < 0 {
		t.Fatalf("the Leads tab has no %q header: %q", sheet.HeaderLeadID, rows[0])
	}
	return column
}

// assertRows checks that the Leads tab holds exactly the wanted number of
// rows of each lead and rows of no other lead.
func assertRows(t *testing.T, fake *fakesheets.Server, want map[string]int) {
	t.Helper()

	rows := fake.Text(sheet.TabLeads)
	column := leadIDColumn(t, rows)
	got := map[string]int{}
	for _, row := range rows[1:] {
		if column < len(row) {
			got[row[column]]++
		}
	}

	for id, n := range want {
		if got[id] != n {
			t.Errorf("Leads tab has %d rows of %s, want %d", got[id], id, n)
		}
	}
	for id, n := range got {
		if _, ok := want[id]; !ok {
			t.Errorf("Leads tab has %d rows of unexpected lead %q", n, id)
		}
	}
}

// cellOf returns the text under header in the Leads row of lead id.
func cellOf(t *testing.T, fake *fakesheets.Server, id, header string) string {
	t.Helper()

	rows := fake.Text(sheet.TabLeads)
	idColumn := leadIDColumn(t, rows)
	column := slices.IndexFunc(rows[0], func(cell string) bool { return sheet.HeaderMatches(cell, header) })
	if column < 0 {
		t.Fatalf("Leads tab has no %q header: %q", header, rows[0])
	}
	for _, row := range rows[1:] {
		if idColumn < len(row) && row[idColumn] == id {
			if column < len(row) {
				return row[column]
			}
			return ""
		}
	}
	t.Fatalf("Leads tab has no row of %s", id)
	return ""
}

// assertWritten checks that the store has marked each lead written.
func assertWritten(ctx context.Context, t *testing.T, st *dynamo.Store, ids ...string) {
	t.Helper()

	for _, id := range ids {
		rec, err := st.Lead(ctx, id)
		if err != nil {
			t.Errorf("read lead %s: %v", id, err)
			continue
		}
		if rec.SheetWrittenAt.IsZero() {
			t.Errorf("lead %s is not marked written", id)
		}
	}
}

// appendRowByHand adds a Leads row with only a Lead ID below the last row,
// as a writer that crashed before MarkWritten leaves it.
func appendRowByHand(t *testing.T, fake *fakesheets.Server, id string) {
	t.Helper()

	rows := fake.Text(sheet.TabLeads)
	column := leadIDColumn(t, rows)
	address := fmt.Sprintf("%s%d", fakesheets.ColumnLetter(column), len(rows)+1)
	if err := fake.SetValues(sheet.TabLeads, address, [][]any{{id}}); err != nil {
		t.Fatalf("write %s at %s: %v", id, address, err)
	}
}

func methods(requests []fakesheets.Request) []fakesheets.Method {
	names := make([]fakesheets.Method, 0, len(requests))
	for _, r := range requests {
		names = append(names, r.Method)
	}
	return names
}

func countMethod(requests []fakesheets.Request, method fakesheets.Method) int {
	n := 0
	for _, r := range requests {
		if r.Method == method {
			n++
		}
	}
	return n
}

// describe lists requests in one line, such as
// "2 requests: spreadsheets.values.get 'Leads' (200), ...".
func describe(requests []fakesheets.Request) string {
	parts := make([]string, 0, len(requests))
	for _, r := range requests {
		part := string(r.Method)
		if r.Range != "" {
			part += " " + r.Range
		}
		parts = append(parts, fmt.Sprintf("%s (%d)", part, r.Status))
	}
	return fmt.Sprintf("%d requests: %s", len(requests), strings.Join(parts, ", "))
}
