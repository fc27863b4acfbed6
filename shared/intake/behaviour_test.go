package intake

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/leadrouter/leadrouter/shared/lead"
	"github.com/leadrouter/leadrouter/shared/routing"
	"github.com/leadrouter/leadrouter/shared/store"
)

func TestRepeatedSubmission(t *testing.T) {
	cases := []struct {
		name          string
		first, second string
		headers       [2]map[string]string
	}{
		{
			name:    "same Idempotency-Key, same content differently spelled",
			first:   `{"company":"Acme"}`,
			second:  `{"organization":" ACME "}`,
			headers: [2]map[string]string{{"Idempotency-Key": "k-1"}, {"Idempotency-Key": "k-1"}},
		},
		{
			name:   "same submission id and form",
			first:  `{"submission_id":"resp-9","form":"tally","company":"Acme"}`,
			second: `{"submission_id":"resp-9","form":"tally","company":"Acme"}`,
		},
		{
			name:   "same content differently spelled",
			first:  `{"email":"Ada@Example.com","phone":"+44 20 7946 0958","company":"Acme  Ltd"}`,
			second: `{"e-mail":"ada@example.com","tel":"+44 (20) 7946-0958","organization":"acme ltd"}`,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := newMemoryStore()
			h := newTestHandler(t, st, func(d *Deps) { d.RevealRouting = true })

			first := handle(t, h, postEvent("application/json", c.first, c.headers[0]))
			original := decodeAccepted(t, first)
			second := handle(t, h, postEvent("application/json", c.second, c.headers[1]))
			repeat := decodeAccepted(t, second)

			if repeat.LeadID != original.LeadID {
				t.Errorf("repeat lead id = %s, want the original %s", repeat.LeadID, original.LeadID)
			}
			if !repeat.Duplicate {
				t.Errorf("repeat not marked duplicate: %+v", repeat)
			}
			if repeat.Owner != original.Owner {
				t.Errorf("repeat owner = %q, want the original %q", repeat.Owner, original.Owner)
			}
			if second.Headers["Idempotent-Replayed"] != "true" {
				t.Errorf("Idempotent-Replayed header = %q, want true", second.Headers["Idempotent-Replayed"])
			}
			if st.commits != 1 {
				t.Errorf("commits = %d, want 1", st.commits)
			}
			if st.active["rep-a"] != 1 {
				t.Errorf("rep-a active = %d, want 1: a repeat must not reserve capacity", st.active["rep-a"])
			}
		})
	}
}

func TestDistinctSubmissionsNotMerged(t *testing.T) {
	cases := []struct {
		name          string
		first, second string
	}{
		{"different submission ids, same content", `{"submission_id":"1","company":"Acme"}`, `{"submission_id":"2","company":"Acme"}`},
		{"same submission id, different forms", `{"submission_id":"1","form":"a","company":"Acme"}`, `{"submission_id":"1","form":"b","company":"Acme"}`},
		{"different content", `{"company":"Acme"}`, `{"company":"Acme","phone":"+1 555 0100 123"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := newMemoryStore()
			h := newTestHandler(t, st)

			a := decodeAccepted(t, handle(t, h, postEvent("application/json", c.first, nil)))
			b := decodeAccepted(t, handle(t, h, postEvent("application/json", c.second, nil)))
			if a.LeadID == b.LeadID {
				t.Errorf("both submissions got lead %s", a.LeadID)
			}
			if b.Duplicate {
				t.Errorf("second submission marked duplicate")
			}
		})
	}
}

func TestRepeatAfterTTLIsNewLead(t *testing.T) {
	st := newMemoryStore()
	now := testNow
	h := newTestHandler(t, st, func(d *Deps) { d.Now = func() time.Time { return now } })

	a := decodeAccepted(t, handle(t, h, postEvent("application/json", `{"company":"Acme"}`, nil)))
	now = now.Add(store.IdempotencyTTL + time.Minute)
	b := decodeAccepted(t, handle(t, h, postEvent("application/json", `{"company":"Acme"}`, nil)))

	if a.LeadID == b.LeadID || b.Duplicate {
		t.Errorf("submission 24h later answered as a repeat of %s: %+v", a.LeadID, b)
	}
}

func TestRepeatFormPostRedirectsToOriginal(t *testing.T) {
	st := newMemoryStore()
	h := newTestHandler(t, st)

	form := "email=ada%40example.com&company=Acme"
	first := handle(t, h, postEvent("application/x-www-form-urlencoded", form, nil))
	second := handle(t, h, postEvent("application/x-www-form-urlencoded", form, nil))

	if first.StatusCode != 303 || second.StatusCode != 303 {
		t.Fatalf("statuses = %d, %d; want 303 twice", first.StatusCode, second.StatusCode)
	}
	if first.Headers["Location"] != second.Headers["Location"] {
		t.Errorf("Location %q then %q; want the original lead both times", first.Headers["Location"], second.Headers["Location"])
	}
}

// racingStore lets a second submission with the same key commit between
// the first one's snapshot and commit, as two Lambda instances can.
type racingStore struct {
	*memoryStore
	raced bool
}

func (r *racingStore) Commit(ctx context.Context, rec store.Record) error {
	if !r.raced {
		r.raced = true
		other := rec
		other.Lead.ID = "L-OTHER"
		if err := r.memoryStore.Commit(ctx, other); err != nil {
			return err
		}
	}
	return r.memoryStore.Commit(ctx, rec)
}

func TestDuplicateFoundAtCommit(t *testing.T) {
	st := &racingStore{memoryStore: newMemoryStore()}
	h := newTestHandler(t, st)

	body := decodeAccepted(t, handle(t, h, postEvent("application/json", `{"company":"Acme"}`, map[string]string{"Idempotency-Key": "k"})))
	if body.LeadID != "L-OTHER" || !body.Duplicate {
		t.Errorf("answer = %+v, want the lead that won the race, marked duplicate", body)
	}
}

func TestHoneypotDropsSilently(t *testing.T) {
	st := newMemoryStore()
	h := newTestHandler(t, st)

	form := handle(t, h, postEvent("application/x-www-form-urlencoded", "email=bot%40example.com&website_url_confirm=http%3A%2F%2Fspam.example", nil))
	if form.StatusCode != 303 || !strings.Contains(form.Headers["Location"], "lead=L-") {
		t.Errorf("form post: status %d, Location %q; want a 303 like a real lead", form.StatusCode, form.Headers["Location"])
	}
	script := handle(t, h, postEvent("application/json", `{"email":"bot@example.com","website_url_confirm":"x"}`, nil))
	if script.StatusCode != 202 {
		t.Errorf("script post: status %d, want 202", script.StatusCode)
	}
	if st.commits != 0 {
		t.Errorf("stored %d leads from bots", st.commits)
	}
}

func TestEmptyHoneypotAccepted(t *testing.T) {
	st := newMemoryStore()
	h := newTestHandler(t, st)

	handle(t, h, postEvent("application/x-www-form-urlencoded", "email=ada%40example.com&website_url_confirm=", nil))
	if st.commits != 1 {
		t.Errorf("commits = %d, want 1 when the honeypot is empty", st.commits)
	}
}

func TestStoreOutageIs503(t *testing.T) {
	st := newMemoryStore()
	st.failing = fmt.Errorf("bolt: snapshot: %w", errOutage)
	h := newTestHandler(t, st)

	res := handle(t, h, postEvent("application/json", `{"company":"Acme"}`, nil))
	if res.StatusCode != 503 {
		t.Fatalf("status = %d, want 503", res.StatusCode)
	}
	if res.Headers["Retry-After"] == "" {
		t.Errorf("no Retry-After header")
	}
	if strings.Contains(res.Body, "connection refused") || strings.Contains(res.Body, "bolt") {
		t.Errorf("body leaks internal detail: %s", res.Body)
	}
}

// fullAtCommit reports rep-a full at commit although the snapshot said 0,
// as when other leads filled the rep between snapshot and commit.
type fullAtCommit struct{ *memoryStore }

func (f fullAtCommit) Snapshot(ctx context.Context, q store.Query) (store.Snapshot, error) {
	snap, err := f.memoryStore.Snapshot(ctx, q)
	snap.State.Active["rep-a"] = 0
	return snap, err
}

func TestFullAtCommitRoutesAgain(t *testing.T) {
	st := fullAtCommit{newMemoryStore()}
	st.active["rep-a"] = 15
	h := newTestHandler(t, st, func(d *Deps) { d.RevealRouting = true })

	body := decodeAccepted(t, handle(t, h, postEvent("application/json", `{"company":"Acme"}`, nil)))
	if body.Owner != "rep-b" || body.Zone != string(routing.ZoneOverflow) {
		t.Errorf("owner %q zone %q, want rep-b by overflow", body.Owner, body.Zone)
	}
}

// alwaysFull keeps choosing a full rep.
type alwaysFull struct{}

func (alwaysFull) Route(*lead.Lead, *routing.State, time.Time) routing.Decision {
	return routing.Decision{Owner: "rep-a", Reservation: routing.Reservation{Rep: "rep-a", Limit: 1}}
}

func TestRoutingLoopBounded(t *testing.T) {
	st := newMemoryStore()
	st.active["rep-a"] = 1
	h := newTestHandler(t, st, func(d *Deps) { d.Router = alwaysFull{} })

	res := handle(t, h, postEvent("application/json", `{"company":"Acme"}`, nil))
	if res.StatusCode != 503 {
		t.Errorf("status = %d, want 503 when routing never finds room", res.StatusCode)
	}
}

func TestCORS(t *testing.T) {
	h := newTestHandler(t, newMemoryStore())

	preflight := postEvent("", "", map[string]string{"Origin": "https://WWW.example.com", "Access-Control-Request-Method": "POST"})
	preflight.RequestContext.HTTP.Method = "OPTIONS"
	res := handle(t, h, preflight)
	if res.StatusCode != 204 {
		t.Errorf("preflight status = %d, want 204", res.StatusCode)
	}
	if got := res.Headers["Access-Control-Allow-Origin"]; got != "https://www.example.com" {
		t.Errorf("Allow-Origin = %q", got)
	}
	if !strings.Contains(res.Headers["Access-Control-Allow-Headers"], "Idempotency-Key") {
		t.Errorf("Allow-Headers = %q, want Idempotency-Key listed", res.Headers["Access-Control-Allow-Headers"])
	}

	preflight.Headers["origin"] = "https://evil.example"
	res = handle(t, h, preflight)
	if res.StatusCode != 403 {
		t.Errorf("preflight from another origin: status %d, want 403", res.StatusCode)
	}
	if _, ok := res.Headers["Access-Control-Allow-Origin"]; ok {
		t.Errorf("another origin got Access-Control-Allow-Origin")
	}

	post := handle(t, h, postEvent("application/json", `{"company":"Acme"}`, map[string]string{"Origin": "https://evil.example"}))
	if post.StatusCode != 403 {
		t.Errorf("POST from another origin: status %d, want 403", post.StatusCode)
	}
	if _, ok := post.Headers["Access-Control-Allow-Origin"]; ok {
		t.Errorf("POST from another origin got Access-Control-Allow-Origin")
	}
	if post.Headers["Vary"] != "Origin" {
		t.Errorf("Vary = %q, want Origin", post.Headers["Vary"])
	}
}

func TestAcceptJSONFormPost(t *testing.T) {
	h := newTestHandler(t, newMemoryStore())

	res := handle(t, h, postEvent("application/x-www-form-urlencoded", "company=Acme", map[string]string{"Accept": "application/json"}))
	decodeAccepted(t, res)
}

func TestCurlJSONWithFormType(t *testing.T) {
	st := newMemoryStore()
	h := newTestHandler(t, st)

	res := handle(t, h, postEvent("application/x-www-form-urlencoded", `{"company":"Acme","email":"ada@example.com"}`, nil))
	body := decodeAccepted(t, res)
	rec, _ := st.Lead(context.Background(), body.LeadID)
	if rec.Lead.Company != "Acme" {
		t.Errorf("Company = %q, want Acme", rec.Lead.Company)
	}
}

func TestLatin1Form(t *testing.T) {
	st := newMemoryStore()
	h := newTestHandler(t, st, func(d *Deps) {})

	// "Société" in ISO-8859-1, percent-encoded as an old form would send it.
	res := handle(t, h, postEvent("application/x-www-form-urlencoded; charset=ISO-8859-1", "company=Soci%E9t%E9", map[string]string{"Accept": "application/json"}))
	body := decodeAccepted(t, res)
	rec, _ := st.Lead(context.Background(), body.LeadID)
	if rec.Lead.Company != "Société" {
		t.Errorf("Company = %q, want Société", rec.Lead.Company)
	}
}

func TestDomainFromEmail(t *testing.T) {
	cases := []struct{ body, domain string }{
		{`{"email":"ada@Example.COM"}`, "example.com"},
		{`{"email":"ada@gmail.com"}`, ""},
		{`{"email":"ada@gmail.com","website":"https://www.acme.io/about"}`, "acme.io"},
	}
	for _, c := range cases {
		st := newMemoryStore()
		h := newTestHandler(t, st)
		body := decodeAccepted(t, handle(t, h, postEvent("application/json", c.body, nil)))
		rec, _ := st.Lead(context.Background(), body.LeadID)
		if rec.Lead.Domain != c.domain {
			t.Errorf("%s: Domain = %q, want %q", c.body, rec.Lead.Domain, c.domain)
		}
	}
}

func TestNewRejectsBadDeps(t *testing.T) {
	cases := []struct {
		name   string
		change func(*Deps)
		want   string
	}{
		{"no store", func(d *Deps) { d.Store = nil }, "Store"},
		{"no reps", func(d *Deps) { d.Reps = nil }, "Reps"},
		{"no thank-you URL", func(d *Deps) { d.ThankYouURL = "" }, "ThankYouURL"},
		{"body limit too small", func(d *Deps) { d.MaxBodyBytes = 10 }, "MaxBodyBytes"},
		{"body limit too large", func(d *Deps) { d.MaxBodyBytes = 7 << 20 }, "MaxBodyBytes"},
	}
	for _, c := range cases {
		deps := Deps{Router: twoReps{}, Store: newMemoryStore(), Reps: []string{"a"}, ThankYouURL: "/thanks"}
		c.change(&deps)
		_, err := New(deps)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: New error = %v, want one naming %s", c.name, err, c.want)
		}
	}
}

func TestLeadIDsOrderedAndUnique(t *testing.T) {
	next := newULID()
	seen := map[string]bool{}
	previous := ""
	for i := 0; i < 1000; i++ {
		id, err := next(testNow)
		if err != nil {
			t.Fatal(err)
		}
		if len(id) != 28 || !strings.HasPrefix(id, "L-") {
			t.Fatalf("id %q is not L- and 26 characters", id)
		}
		if seen[id] || id <= previous {
			t.Fatalf("id %q repeats or sorts before %q", id, previous)
		}
		seen[id], previous = true, id
	}
}

// escalating routes every lead to rep-a with an escalation.
type escalating struct{}

func (escalating) Route(*lead.Lead, *routing.State, time.Time) routing.Decision {
	return routing.Decision{
		Owner:       "rep-a",
		Escalation:  &routing.Escalation{To: "manager@example.com", Reason: "Nobody who could take the lead is available."},
		Reservation: routing.Reservation{Rep: "rep-a"},
	}
}

func TestAcceptedEscalation(t *testing.T) {
	cases := []struct {
		name   string
		router Router
		reveal bool
		want   string
	}{
		{"revealed", escalating{}, true, "Nobody who could take the lead is available."},
		{"hidden without RevealRouting", escalating{}, false, ""},
		{"absent when not escalated", alwaysFull{}, true, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newTestHandler(t, newMemoryStore(), func(d *Deps) {
				d.Router = c.router
				d.RevealRouting = c.reveal
			})

			body := decodeAccepted(t, handle(t, h, postEvent("application/json", `{"company":"Acme"}`, nil)))

			if body.Escalation != c.want {
				t.Errorf("escalation = %q, want %q", body.Escalation, c.want)
			}
		})
	}
}
