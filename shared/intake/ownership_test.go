package intake_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/leadrouter/leadrouter/shared/intake"
	"github.com/leadrouter/leadrouter/shared/store"
)

// submit posts one JSON lead and returns the 202 body.
func submit(t *testing.T, h *intake.Handler, body string) intake.Accepted {
	t.Helper()
	res, err := h.Handle(t.Context(), jsonEvent(body, nil))
	if err != nil {
		t.Fatalf("Handle(%s): %v", body, err)
	}
	if res.StatusCode != 202 {
		t.Fatalf("Handle(%s): status %d, want 202; body %s", body, res.StatusCode, res.Body)
	}
	var a intake.Accepted
	if err := json.Unmarshal([]byte(res.Body), &a); err != nil {
		t.Fatalf("decode %s: %v", res.Body, err)
	}
	return a
}

// In capacityPlan inbound leads go to ana and every other lead to ben, so a
// second, outbound lead reaches ana only through ownership.
func TestFirstTouchOwnership(t *testing.T) {
	cases := []struct {
		name      string
		first     string
		second    string
		wantOwner string
		wantZone  string
	}{
		{"same company domain", `{"email":"jane@globex.io","source":"inbound"}`,
			`{"email":"bob@globex.io","source":"outbound"}`, "ana", "ownership"},
		{"same website domain", `{"email":"jane@globex.io","website":"https://www.globex.io/","source":"inbound"}`,
			`{"email":"bob@gmail.com","website":"globex.io","source":"outbound"}`, "ana", "ownership"},
		{"same company name on free mail", `{"email":"jane@gmail.com","company":"Globex Inc","source":"inbound"}`,
			`{"email":"bob@yahoo.com","company":"GLOBEX, Inc.","source":"outbound"}`, "ana", "ownership"},
		{"free-mail domain is never claimed", `{"email":"jane@gmail.com","source":"inbound"}`,
			`{"email":"bob@gmail.com","source":"outbound"}`, "ben", "fallback"},
		{"referrer is never claimed", `{"email":"kim@hooli.com","referrer":"initech.com","source":"inbound"}`,
			`{"email":"bob@initech.com","source":"outbound"}`, "ben", "fallback"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, _ := newBoltHandler(t, capacityPlan)
			if got := submit(t, h, c.first).Owner; got != "ana" {
				t.Fatalf("first lead owner = %q, want ana by the inbound rule", got)
			}

			second := submit(t, h, c.second)

			if second.Owner != c.wantOwner {
				t.Errorf("second lead owner = %q, want %q", second.Owner, c.wantOwner)
			}
			if second.Zone != c.wantZone {
				t.Errorf("second lead zone = %q, want %q", second.Zone, c.wantZone)
			}
		})
	}
}

func TestClaimIsAnOpenOpportunity(t *testing.T) {
	h, st := newBoltHandler(t, capacityPlan)
	submit(t, h, `{"email":"jane@globex.io","source":"inbound"}`)

	got, err := st.ClaimOwner(t.Context(), "domain:globex.io", store.Owner{Rep: "ben", Since: time.Now()})

	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("ClaimOwner error = %v, want ErrConflict because intake claimed the account", err)
	}
	if got.Rep != "ana" {
		t.Errorf("Owner.Rep = %q, want ana", got.Rep)
	}
	if got.Customer {
		t.Error("Owner.Customer = true, want false for a lead")
	}
	if got.Reason != store.ClaimReason {
		t.Errorf("Owner.Reason = %q, want %q", got.Reason, store.ClaimReason)
	}
}

func TestOwnedAccountKeepsOwner(t *testing.T) {
	h, st := newBoltHandler(t, capacityPlan)
	if err := st.SetOwner(t.Context(), "domain:globex.io", store.Owner{Rep: "ben", Customer: true, Since: time.Now(), Reason: "customer"}); err != nil {
		t.Fatalf("SetOwner: %v", err)
	}

	first := submit(t, h, `{"email":"jane@globex.io","company":"Globex","source":"inbound"}`)

	if first.Owner != "ben" || first.Zone != "ownership" {
		t.Errorf("lead = %s in %s, want ben by ownership", first.Owner, first.Zone)
	}
	snap, err := st.Snapshot(t.Context(), store.Query{AccountKeys: []string{"domain:globex.io", "company:globex"}})
	if err != nil {
		t.Fatalf("Snapshot: %v", err)
	}
	if got := snap.State.Customers["domain:globex.io"]; got != "ben" {
		t.Errorf("Customers[domain:globex.io] = %q, want ben kept", got)
	}
	if got := snap.State.Owners["company:globex"]; got != "ben" {
		t.Errorf("Owners[company:globex] = %q, want ben, the decision's owner", got)
	}
}
