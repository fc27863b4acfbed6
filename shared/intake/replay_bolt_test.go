package intake_test

import (
	"context"
	"strings"
	"testing"
)

// TestKeyReuseOnEmbeddedStore checks the 422 for a reused key against the
// lead as the embedded store returns it, so the content hash survives a
// round trip through storage.
func TestKeyReuseOnEmbeddedStore(t *testing.T) {
	cases := []struct {
		name    string
		first   string
		second  string
		headers map[string]string
		status  int
	}{
		{"same key, same content", `{"email":"ada@example.com","budget":"1.5 mio","utm_term":"crm"}`, `{"email":"ADA@example.com","amount":"1,500,000","utm_term":"CRM"}`, map[string]string{"idempotency-key": "k-1"}, 202},
		{"same key, other content", `{"email":"ada@example.com","budget":"1.5 mio"}`, `{"email":"ada@example.com","budget":"2 mio"}`, map[string]string{"idempotency-key": "k-1"}, 422},
		{"same submission id, same content", `{"submission_id":"r-1","form":"f","company":"Acme","employees":"2 thousand"}`, `{"submission_id":"r-1","form":"f","company":"Acme","employees":"2000"}`, nil, 202},
		{"same submission id, other content", `{"submission_id":"r-1","form":"f","company":"Acme"}`, `{"submission_id":"r-1","form":"f","company":"Beta"}`, nil, 422},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, st := newBoltHandler(t, capacityPlan)
			ctx := context.Background()

			first, err := h.Handle(ctx, jsonEvent(c.first, c.headers))
			if err != nil || first.StatusCode != 202 {
				t.Fatalf("first submission: status %d, error %v; body %s", first.StatusCode, err, first.Body)
			}
			second, err := h.Handle(ctx, jsonEvent(c.second, c.headers))
			if err != nil {
				t.Fatalf("second submission: %v", err)
			}
			if second.StatusCode != c.status {
				t.Fatalf("second submission: status %d, want %d; body %s", second.StatusCode, c.status, second.Body)
			}
			if c.status == 422 && !strings.Contains(second.Body, "may only be reused for the same submission") {
				t.Errorf("422 body %s does not say a key may only be reused for the same submission", second.Body)
			}

			snap, err := st.Snapshot(ctx, storeQuery("ana", "ben"))
			if err != nil {
				t.Fatalf("snapshot: %v", err)
			}
			if total := snap.State.Active["ana"] + snap.State.Active["ben"]; total != 1 {
				t.Errorf("active leads = %d, want 1: neither a repeat nor a rejected reuse reserves capacity", total)
			}
		})
	}
}
