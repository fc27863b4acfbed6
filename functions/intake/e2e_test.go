package main

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	miniserver "github.com/truora/minidyn/server"

	"github.com/leadrouter/leadrouter/internal/testenv"
	"github.com/leadrouter/leadrouter/shared/dynamo"
)

// TestBootstrapUnderEmulator runs the built intake bootstrap under the AWS
// Lambda Runtime Interface Emulator against a local DynamoDB and invokes it
// with the sample events of events/intake. The build uses the Lambda flags
// for this machine's architecture, and the plan is packaged as sam build does.
func TestBootstrapUnderEmulator(t *testing.T) {
	bootstrap := testenv.BuildLambda(t, "./functions/intake")
	plan, err := os.ReadFile(filepath.Join("..", "..", "examples", "plans", "two-reps.yaml"))
	if err != nil {
		t.Fatalf("read the example plan: %v", err)
	}
	// The sample form posts come from https://www.example.com, so the
	// packaged plan lists that site as the team's would.
	withSite := strings.Replace(string(plan), "\n  origins:\n", "\n  origins:\n    - https://www.example.com\n", 1)
	if withSite == string(plan) {
		t.Fatalf("the example plan has no site.origins list to add the sample events' origin to")
	}
	plan = []byte(withSite)
	// The deployment package holds bootstrap and plan.yaml side by side, and
	// the emulator runs the function in the bootstrap's folder.
	if err := os.WriteFile(filepath.Join(filepath.Dir(bootstrap), "plan.yaml"), plan, 0o644); err != nil {
		t.Fatalf("package the plan: %v", err)
	}

	// minidyn serves TransactWriteItems, so it runs the production commit.
	t.Run("minidyn transactional", func(t *testing.T) {
		server := httptest.NewServer(miniserver.NewServer())
		t.Cleanup(server.Close)
		runIntakeEvents(t, bootstrap, server.URL, true, nil)
	})

	// dynalite 4 has no TransactWriteItems, so the intake commits with
	// single-item conditional writes there.
	t.Run("dynalite sequential", func(t *testing.T) {
		runIntakeEvents(t, bootstrap, testenv.Dynalite(t), false, map[string]string{"LEADROUTER_DYNAMODB_COMMIT": "sequential"})
	})
}

// runIntakeEvents creates a table at endpoint and starts the emulator with
// the settings template.yaml gives the intake (copied here, except that
// routing is revealed) plus extra. It checks the response to each sample
// event and what the table contains afterwards. The function reaches the
// table through a proxy that counts its requests; a transactional commit
// must route a new lead in two requests.
func runIntakeEvents(t *testing.T, bootstrap, endpoint string, transactional bool, extra map[string]string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	client := testenv.DynamoClient(t, endpoint)
	table := testenv.DynamoTableName(t)
	if err := dynamo.CreateTable(ctx, client, table); err != nil {
		t.Fatalf("create table %s: %v", table, err)
	}
	st := dynamo.New(client, table)
	counter, proxyURL := startRequestCounter(t, endpoint)

	env := map[string]string{
		"AWS_LAMBDA_FUNCTION_NAME":     "leadrouter-intake",
		"LEADROUTER_TABLE":             table,
		"LEADROUTER_PLAN":              "plan.yaml",
		"LEADROUTER_MAX_BODY_BYTES":    "65536",
		"LEADROUTER_REVEAL_ROUTING":    "true",
		"LEADROUTER_DYNAMODB_COMMIT":   "transactional",
		"LEADROUTER_DYNAMODB_ENDPOINT": proxyURL,
	}
	for name, value := range extra {
		env[name] = value
	}
	emulator := testenv.RIE(t, bootstrap, env)

	// JSON body with an Idempotency-Key header: 202 with the routing.
	mark := counter.mark()
	first := invokeEvent(ctx, t, emulator, "json-body.json")
	newLead := counter.since(mark)
	if first.StatusCode != 202 {
		t.Fatalf("json-body.json: status %d, want 202; body %s", first.StatusCode, first.Body)
	}
	accepted := decodeAccepted(t, first)
	if !strings.HasPrefix(accepted.LeadID, "L-") {
		t.Errorf("json-body.json: lead id %q, want an L- id", accepted.LeadID)
	}
	if accepted.Owner == "" {
		t.Errorf("json-body.json: no owner in %s, though routing is revealed", first.Body)
	}
	rec, err := st.Lead(ctx, accepted.LeadID)
	if err != nil {
		t.Fatalf("json-body.json: read lead %s from the table: %v", accepted.LeadID, err)
	}
	if rec.Lead.Email != "ada@example-analytics.com" {
		t.Errorf("stored email = %q, want ada@example-analytics.com", rec.Lead.Email)
	}
	if rec.Decision.Owner != accepted.Owner {
		t.Errorf("stored owner = %q, want %q as in the response", rec.Decision.Owner, accepted.Owner)
	}
	if !rec.SheetWrittenAt.IsZero() {
		t.Errorf("stored lead is marked written at %s, want it in the outbox", rec.SheetWrittenAt)
	}

	initDuration, ok := emulator.InitDuration()
	if !ok {
		t.Errorf("the emulator reported no init duration; output:\n%s", emulator.Output())
	}
	t.Logf("intake bootstrap init duration under aws-lambda-rie: %s", initDuration)

	t.Logf("DynamoDB requests for a new lead: %s", summarize(newLead))
	if got := strings.Join(operations(newLead), " "); transactional && got != "BatchGetItem TransactWriteItems" {
		t.Errorf("a new lead took %s; want one BatchGetItem (Snapshot) and one TransactWriteItems (Commit)", summarize(newLead))
	}

	// The same submission again: the original lead, marked duplicate.
	mark = counter.mark()
	again := invokeEvent(ctx, t, emulator, "json-body.json")
	t.Logf("DynamoDB requests for a repeated submission: %s", summarize(counter.since(mark)))
	if again.StatusCode != 202 {
		t.Fatalf("json-body.json again: status %d, want 202; body %s", again.StatusCode, again.Body)
	}
	repeated := decodeAccepted(t, again)
	if !repeated.Duplicate {
		t.Errorf("json-body.json again: duplicate = false, want true")
	}
	if repeated.LeadID != accepted.LeadID {
		t.Errorf("json-body.json again: lead id %q, want the original %q", repeated.LeadID, accepted.LeadID)
	}

	// Browser form posts: 303 to the plan's thank-you page, lead stored.
	for _, name := range []string{"form-urlencoded-base64.json", "multipart-base64.json"} {
		res := invokeEvent(ctx, t, emulator, name)
		if res.StatusCode != 303 {
			t.Errorf("%s: status %d, want 303; body %s", name, res.StatusCode, res.Body)
			continue
		}
		location, err := url.Parse(res.Headers["Location"])
		if err != nil {
			t.Errorf("%s: Location %q: %v", name, res.Headers["Location"], err)
			continue
		}
		id := location.Query().Get("lead")
		if !strings.HasSuffix(location.Path, "/thanks") || !strings.HasPrefix(id, "L-") {
			t.Errorf("%s: Location %q, want the plan's thank-you page with the lead id", name, location)
			continue
		}
		if _, err := st.Lead(ctx, id); err != nil {
			t.Errorf("%s: read lead %s from the table: %v", name, id, err)
		}
	}

	// Invalid fields: 400 naming each field.
	invalid := invokeEvent(ctx, t, emulator, "invalid-fields.json")
	if invalid.StatusCode != 400 {
		t.Errorf("invalid-fields.json: status %d, want 400; body %s", invalid.StatusCode, invalid.Body)
	}
	for _, field := range []string{`"email"`, `"phone"`, `"website"`} {
		if !strings.Contains(invalid.Body, field) {
			t.Errorf("invalid-fields.json: body %s does not name the field %s", invalid.Body, field)
		}
	}

	// The JSON sample's Idempotency-Key with other content: 422, the
	// stored lead read back from the table to compare.
	reused := invokeChanged(ctx, t, emulator, "json-body.json", func(e *events.APIGatewayV2HTTPRequest) {
		e.Body = strings.Replace(e.Body, "Example Analytics Ltd", "Another Company Ltd", 1)
	})
	if reused.StatusCode != 422 || !strings.Contains(reused.Body, "Idempotency-Key") {
		t.Errorf("json-body.json with other content: status %d, want 422 naming Idempotency-Key; body %s", reused.StatusCode, reused.Body)
	}

	// A browser form post from a site the plan does not list: 403, with
	// a page for the visitor; the advice on site.origins is in the log.
	foreign := invokeChanged(ctx, t, emulator, "form-urlencoded-base64.json", func(e *events.APIGatewayV2HTTPRequest) {
		e.Headers["origin"] = "https://elsewhere.example"
	})
	if foreign.StatusCode != 403 || !strings.Contains(foreign.Body, "cannot be sent from this website") {
		t.Errorf("form post from another site: status %d, want 403 with the visitor's message; body %s", foreign.StatusCode, foreign.Body)
	}

	// The thank-you page that the relative thank-you URL points to.
	thanks := invokeChanged(ctx, t, emulator, "json-body.json", func(e *events.APIGatewayV2HTTPRequest) {
		e.RouteKey, e.RawPath, e.Body = "GET /thanks", "/thanks", ""
		e.RequestContext.HTTP.Method, e.RequestContext.HTTP.Path = "GET", "/thanks"
		e.QueryStringParameters = map[string]string{"lead": accepted.LeadID}
	})
	if thanks.StatusCode != 200 || !strings.Contains(thanks.Body, accepted.LeadID) {
		t.Errorf("GET /thanks: status %d, want 200 showing %s; body %s", thanks.StatusCode, accepted.LeadID, thanks.Body)
	}

	// Three leads, one per accepted submission, wait in the outbox.
	pending, err := st.Pending(ctx, 10)
	if err != nil {
		t.Fatalf("read the outbox: %v", err)
	}
	if len(pending) != 3 {
		t.Errorf("outbox holds %d leads, want 3 (the duplicate and the invalid submission add none)", len(pending))
	}

	emulator.CheckInvocationLogs(t, "intake", "intake ready", "ada@example-analytics.com", "7946 0958")
}

// invokeEvent sends one sample event from events/intake to the function.
func invokeEvent(ctx context.Context, t *testing.T, emulator *testenv.Emulator, name string) events.APIGatewayV2HTTPResponse {
	t.Helper()
	payload, err := os.ReadFile(filepath.Join("..", "..", "events", "intake", name))
	if err != nil {
		t.Fatalf("read sample event: %v", err)
	}
	body, err := emulator.Invoke(ctx, payload)
	if err != nil {
		t.Fatalf("%s: invoke: %v", name, err)
	}

	var res events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatalf("%s: decode the response %s: %v", name, body, err)
	}
	return res
}

// invokeChanged invokes the function with a sample event after change has
// edited it.
func invokeChanged(ctx context.Context, t *testing.T, emulator *testenv.Emulator, name string, change func(*events.APIGatewayV2HTTPRequest)) events.APIGatewayV2HTTPResponse {
	t.Helper()
	payload, err := os.ReadFile(filepath.Join("..", "..", "events", "intake", name))
	if err != nil {
		t.Fatalf("read sample event: %v", err)
	}
	var event events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(payload, &event); err != nil {
		t.Fatalf("%s: decode the sample event: %v", name, err)
	}
	change(&event)
	if payload, err = json.Marshal(event); err != nil {
		t.Fatalf("%s: encode the changed event: %v", name, err)
	}

	body, err := emulator.Invoke(ctx, payload)
	if err != nil {
		t.Fatalf("%s: invoke: %v", name, err)
	}
	var res events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatalf("%s: decode the response %s: %v", name, body, err)
	}
	return res
}

// acceptedBody is the 202 response body of the intake.
type acceptedBody struct {
	LeadID    string `json:"lead_id"`
	Duplicate bool   `json:"duplicate"`
	Owner     string `json:"owner"`
}

func decodeAccepted(t *testing.T, res events.APIGatewayV2HTTPResponse) acceptedBody {
	t.Helper()
	var body acceptedBody
	if err := json.Unmarshal([]byte(res.Body), &body); err != nil {
		t.Fatalf("decode the 202 body %q: %v", res.Body, err)
	}
	return body
}
