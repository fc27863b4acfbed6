package intake_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/leadrouter/leadrouter/shared/bolt"
	"github.com/leadrouter/leadrouter/shared/intake"
	"github.com/leadrouter/leadrouter/shared/plan"
	"github.com/leadrouter/leadrouter/shared/routing"
	"github.com/leadrouter/leadrouter/shared/store"
)

// capacityPlan sends inbound leads to ana until she holds 15, then to ben,
// who has room for every lead of the test.
const capacityPlan = `
name: Capacity test
time_zone: UTC
reps:
  - id: ana
    email: ana@example.com
    capacity: 15
    overflow: ben
  - id: ben
    email: ben@example.com
    capacity: 1000
leadership: [founder@example.com]
escalation: founder@example.com
site:
  thank_you_url: /thanks
rules:
  - id: inbound
    when:
      source: [inbound]
    to: ana
fallback: [ben]
`

// newBoltHandler returns a handler on the embedded store and the real
// routing engine.
func newBoltHandler(t *testing.T, planText string) (*intake.Handler, *bolt.Store) {
	t.Helper()

	p, err := plan.Parse([]byte(planText), "test-plan.yaml")
	if err != nil {
		t.Fatalf("parse plan: %v", err)
	}
	engine, err := routing.New(p)
	if err != nil {
		t.Fatalf("routing.New: %v", err)
	}
	st, err := bolt.Open(filepath.Join(t.TempDir(), "leadrouter.db"))
	if err != nil {
		t.Fatalf("bolt.Open: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })

	h, err := intake.New(intake.Deps{Router: engine, Store: st, Plan: p, RevealRouting: true})
	if err != nil {
		t.Fatalf("intake.New: %v", err)
	}
	return h, st
}

func jsonEvent(body string, headers map[string]string) events.APIGatewayV2HTTPRequest {
	all := map[string]string{"content-type": "application/json"}
	for k, v := range headers {
		all[k] = v
	}
	return events.APIGatewayV2HTTPRequest{
		Version: "2.0",
		RawPath: "/leads",
		Headers: all,
		Body:    body,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "POST", Path: "/leads"},
		},
	}
}

func TestConcurrentSubmissionsAtCapacity(t *testing.T) {
	h, st := newBoltHandler(t, capacityPlan)
	ctx := context.Background()
	if err := st.SetActive(ctx, "ana", 14); err != nil {
		t.Fatal(err)
	}

	const submissions = 100
	answers := make([]intake.Accepted, submissions)
	statuses := make([]int, submissions)
	var wg sync.WaitGroup
	for i := range submissions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := fmt.Sprintf(`{"email":"buyer%d@company%d.example","source":"inbound"}`, i, i)
			res, err := h.Handle(ctx, jsonEvent(body, nil))
			if err != nil {
				t.Errorf("Handle: %v", err)
				return
			}
			statuses[i] = res.StatusCode
			_ = json.Unmarshal([]byte(res.Body), &answers[i])
		}()
	}
	wg.Wait()

	owners := map[string]int{}
	zones := map[string]int{}
	for i, a := range answers {
		if statuses[i] != 202 {
			t.Errorf("submission %d: status %d, want 202", i, statuses[i])
			continue
		}
		owners[a.Owner]++
		zones[a.Zone]++
	}
	if owners["ana"] != 1 {
		t.Errorf("ana got %d leads, want exactly 1 (she was at 14 of 15)", owners["ana"])
	}
	if owners["ben"] != submissions-1 {
		t.Errorf("ben got %d leads, want %d by overflow", owners["ben"], submissions-1)
	}
	if zones[string(routing.ZoneOverflow)] != submissions-1 {
		t.Errorf("zones = %v, want %d overflow", zones, submissions-1)
	}

	snap, err := st.Snapshot(ctx, storeQuery("ana", "ben"))
	if err != nil {
		t.Fatal(err)
	}
	if got := snap.State.Active["ana"]; got != 15 {
		t.Errorf("ana's active count = %d, want 15", got)
	}
	if got := snap.State.Active["ben"]; got != submissions-1 {
		t.Errorf("ben's active count = %d, want %d", got, submissions-1)
	}
}

func TestRepeatDoesNotReserveTwice(t *testing.T) {
	h, st := newBoltHandler(t, capacityPlan)
	ctx := context.Background()

	body := `{"email":"ada@acme.example","source":"inbound"}`
	var first intake.Accepted
	for i := range 3 {
		res, _ := h.Handle(ctx, jsonEvent(body, map[string]string{"idempotency-key": "once"}))
		var a intake.Accepted
		if err := json.Unmarshal([]byte(res.Body), &a); err != nil {
			t.Fatalf("attempt %d: decode %q: %v", i, res.Body, err)
		}
		if i == 0 {
			first = a
			continue
		}
		if a.LeadID != first.LeadID || !a.Duplicate {
			t.Errorf("attempt %d: %+v, want the original %s marked duplicate", i, a, first.LeadID)
		}
	}

	snap, err := st.Snapshot(ctx, storeQuery("ana"))
	if err != nil {
		t.Fatal(err)
	}
	if got := snap.State.Active["ana"]; got != 1 {
		t.Errorf("ana's active count = %d after one lead sent three times, want 1", got)
	}
	pending, err := st.Pending(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 1 {
		t.Errorf("%d leads pending for the sheet, want 1", len(pending))
	}
}

func TestLeadStoredBeforeAnswer(t *testing.T) {
	h, st := newBoltHandler(t, capacityPlan)
	ctx := context.Background()

	res, _ := h.Handle(ctx, jsonEvent(`{"company":"Acme","phone":"+1 202 555 0143","source":"inbound","message":"call me"}`, nil))
	var a intake.Accepted
	if err := json.Unmarshal([]byte(res.Body), &a); err != nil {
		t.Fatalf("decode %q: %v", res.Body, err)
	}

	rec, err := st.Lead(ctx, a.LeadID)
	if err != nil {
		t.Fatalf("lead %s not in the store after the 202: %v", a.LeadID, err)
	}
	if rec.Decision.Owner != "ana" {
		t.Errorf("stored owner = %q, want ana", rec.Decision.Owner)
	}
	if !rec.SheetWrittenAt.IsZero() {
		t.Errorf("SheetWrittenAt = %v, want zero: the row is written later from the outbox", rec.SheetWrittenAt)
	}
	if rec.Lead.ReceivedAt.After(time.Now()) || rec.Lead.ReceivedAt.Location() != time.UTC {
		t.Errorf("ReceivedAt = %v, want a past UTC time", rec.Lead.ReceivedAt)
	}
}

func storeQuery(reps ...string) store.Query {
	return store.Query{Reps: reps, Now: time.Now()}
}
