package intake

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

var testNow = time.Date(2026, 12, 4, 9, 15, 0, 0, time.UTC)

func newTestHandler(t testing.TB, st Store, change ...func(*Deps)) *Handler {
	t.Helper()

	var n atomic.Int64
	deps := Deps{
		Router:      twoReps{},
		Store:       st,
		Reps:        []string{"rep-a", "rep-b"},
		ThankYouURL: "https://www.example.com/thanks",
		Origins:     []string{"https://www.example.com"},
		Now:         func() time.Time { return testNow },
		NewID: func(time.Time) (string, error) {
			return fmt.Sprintf("L-%026d", n.Add(1)), nil
		},
		IsFreeMail: func(domain string) bool { return domain == "gmail.com" },
	}
	for _, f := range change {
		f(&deps)
	}

	h, err := New(deps)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return h
}

// postEvent builds an event as API Gateway does: header names lower-cased
// and form bodies base64-encoded.
func postEvent(contentType, body string, headers map[string]string) events.APIGatewayV2HTTPRequest {
	event := events.APIGatewayV2HTTPRequest{
		Version:  "2.0",
		RouteKey: "POST /leads",
		RawPath:  "/leads",
		Headers:  map[string]string{},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RequestID: "test-request",
			HTTP:      events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "POST", Path: "/leads", SourceIP: "127.0.0.1"},
		},
		Body: body,
	}
	if contentType != "" {
		event.Headers["content-type"] = contentType
	}
	for name, value := range headers {
		event.Headers[strings.ToLower(name)] = value
	}
	if !strings.HasPrefix(contentType, "application/json") {
		event.Body = base64.StdEncoding.EncodeToString([]byte(body))
		event.IsBase64Encoded = true
	}
	return event
}

func handle(t *testing.T, h *Handler, event events.APIGatewayV2HTTPRequest) events.APIGatewayV2HTTPResponse {
	t.Helper()

	res, err := h.Handle(context.Background(), event)
	if err != nil {
		t.Fatalf("Handle returned an error: %v", err)
	}
	return res
}

func decodeAccepted(t *testing.T, res events.APIGatewayV2HTTPResponse) Accepted {
	t.Helper()

	if res.StatusCode != 202 {
		t.Fatalf("status = %d, want 202; body %s", res.StatusCode, res.Body)
	}
	var body Accepted
	if err := json.Unmarshal([]byte(res.Body), &body); err != nil {
		t.Fatalf("decode 202 body %q: %v", res.Body, err)
	}
	return body
}

func decodeError(t *testing.T, res events.APIGatewayV2HTTPResponse) errorBody {
	t.Helper()

	var body errorBody
	if err := json.Unmarshal([]byte(res.Body), &body); err != nil {
		t.Fatalf("decode error body %q: %v", res.Body, err)
	}
	return body
}

func loadEvent(t *testing.T, name string) events.APIGatewayV2HTTPRequest {
	t.Helper()

	data, err := os.ReadFile(filepath.Join("..", "..", "events", "intake", name))
	if err != nil {
		t.Fatalf("read sample event: %v", err)
	}
	var event events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(data, &event); err != nil {
		t.Fatalf("decode sample event %s: %v", name, err)
	}
	return event
}

func TestSampleEventJSONBody(t *testing.T) {
	st := newMemoryStore()
	h := newTestHandler(t, st)

	res := handle(t, h, loadEvent(t, "json-body.json"))
	body := decodeAccepted(t, res)

	rec, err := st.Lead(context.Background(), body.LeadID)
	if err != nil {
		t.Fatalf("lead %s not stored: %v", body.LeadID, err)
	}
	l := rec.Lead
	checks := []struct{ field, got, want string }{
		{"Email", l.Email, "ada@example-analytics.com"},
		{"FirstName", l.FirstName, "Ada"},
		{"LastName", l.LastName, "Lovelace"},
		{"Company", l.Company, "Example Analytics Ltd"},
		{"Domain", l.Domain, "example-analytics.com"},
		{"Phone", l.Phone, "+44 20 7946 0958"},
		{"Country", l.Country, "United Kingdom"},
		{"Source", l.Source, "inbound"},
		{"Attributes[utm_campaign]", l.Attributes["utm_campaign"], "winter-webinar"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.field, c.got, c.want)
		}
	}
	if l.Employees != 51 {
		t.Errorf("Employees = %d, want 51 (lower bound of 51-200)", l.Employees)
	}
	if l.Potential != 12500 {
		t.Errorf("Potential = %v, want 12500", l.Potential)
	}
	if !l.ReceivedAt.Equal(testNow) {
		t.Errorf("ReceivedAt = %v, want %v", l.ReceivedAt, testNow)
	}
	if len(rec.IdempotencyKeys) != 1 || rec.IdempotencyKeys[0] != "hdr:3f0c9a52-6d1e-4b7a-9a51-0d2c3e4f5a6b" {
		t.Errorf("IdempotencyKeys = %q, want the header key only", rec.IdempotencyKeys)
	}
	if body.Owner != "" {
		t.Errorf("owner %q revealed although RevealRouting is off", body.Owner)
	}
}

func TestSampleEventURLEncodedBase64(t *testing.T) {
	st := newMemoryStore()
	h := newTestHandler(t, st)

	res := handle(t, h, loadEvent(t, "form-urlencoded-base64.json"))
	if res.StatusCode != 303 {
		t.Fatalf("status = %d, want 303 for a browser form post; body %s", res.StatusCode, res.Body)
	}
	location := res.Headers["Location"]
	prefix := "https://www.example.com/thanks?lead=L-"
	if !strings.HasPrefix(location, prefix) {
		t.Fatalf("Location = %q, want prefix %q", location, prefix)
	}
	if got := res.Headers["Access-Control-Allow-Origin"]; got != "https://www.example.com" {
		t.Errorf("Access-Control-Allow-Origin = %q, want the plan's origin", got)
	}

	id := strings.TrimPrefix(location, "https://www.example.com/thanks?lead=")
	rec, err := st.Lead(context.Background(), id)
	if err != nil {
		t.Fatalf("lead %s not stored: %v", id, err)
	}
	l := rec.Lead
	checks := []struct{ field, got, want string }{
		{"Email", l.Email, "grace@example-logistics.io"},
		{"FirstName", l.FirstName, "Grace Brewster"},
		{"LastName", l.LastName, "Hopper"},
		{"Company", l.Company, "Example Logistics"},
		{"Source", l.Source, "Referral"},
		{"Referrer", l.Referrer, "Example Analytics Ltd"},
		{"Message", l.Message, "Saw your talk – please call."},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.field, c.got, c.want)
		}
	}
	if l.Employees != 11 {
		t.Errorf("Employees = %d, want 11", l.Employees)
	}
	if l.Potential != 8000 {
		t.Errorf("Potential = %v, want 8000", l.Potential)
	}
	if len(rec.IdempotencyKeys) != 1 || !strings.HasPrefix(rec.IdempotencyKeys[0], "sha:") {
		t.Errorf("IdempotencyKeys = %q, want one content hash", rec.IdempotencyKeys)
	}
}

func TestSampleEventMultipart(t *testing.T) {
	st := newMemoryStore()
	h := newTestHandler(t, st)

	event := loadEvent(t, "multipart-base64.json")
	event.Headers["accept"] = "application/json"
	body := decodeAccepted(t, handle(t, h, event))

	rec, err := st.Lead(context.Background(), body.LeadID)
	if err != nil {
		t.Fatalf("lead %s not stored: %v", body.LeadID, err)
	}
	if rec.Lead.Employees != 1200 {
		t.Errorf("Employees = %d, want 1200", rec.Lead.Employees)
	}
	if rec.Lead.Message != "Met you at the expo.\r\nCall after 3pm." {
		t.Errorf("Message = %q, want both lines", rec.Lead.Message)
	}
	if len(body.Notes) != 1 || !strings.Contains(body.Notes[0], `"attachment"`) {
		t.Errorf("Notes = %q, want one note about the ignored file", body.Notes)
	}
	if _, ok := rec.Lead.Attributes["attachment"]; ok {
		t.Errorf("file content kept as an attribute")
	}
}

func TestSampleEventInvalid(t *testing.T) {
	st := newMemoryStore()
	h := newTestHandler(t, st)

	res := handle(t, h, loadEvent(t, "invalid-fields.json"))
	if res.StatusCode != 400 {
		t.Fatalf("status = %d, want 400; body %s", res.StatusCode, res.Body)
	}
	body := decodeError(t, res)

	got := map[string]bool{}
	for _, f := range body.Fields {
		got[f.Field] = true
		if f.Problem == "" || f.Accepted == "" {
			t.Errorf("field %q: problem %q, accepted %q; want both set", f.Field, f.Problem, f.Accepted)
		}
	}
	for _, want := range []string{"email", "phone", "employees", "budget", "website"} {
		if !got[want] {
			t.Errorf("no problem reported for %q; got %+v", want, body.Fields)
		}
	}
	if st.commits != 0 {
		t.Errorf("%d leads stored from an invalid submission", st.commits)
	}
}
