package intake_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/leadrouter/leadrouter/shared/bolt"
	"github.com/leadrouter/leadrouter/shared/intake"
	"github.com/leadrouter/leadrouter/shared/plan"
	"github.com/leadrouter/leadrouter/shared/routing"
	"github.com/leadrouter/leadrouter/shared/store"
)

// newWrappedBoltHandler returns a handler on the embedded store, seen
// through wrap, and the real routing engine.
func newWrappedBoltHandler(t *testing.T, planText string, wrap func(store.Store) store.Store) (*intake.Handler, *bolt.Store) {
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

	h, err := intake.New(intake.Deps{Router: engine, Store: wrap(st), Plan: p, RevealRouting: true})
	if err != nil {
		t.Fatalf("intake.New: %v", err)
	}
	return h, st
}

// anonymousOwner is a store whose Commit returns an *store.OwnedError
// without the owner, as the DynamoDB adapter does on dynalite 4, which
// ignores ReturnValuesOnConditionCheckFailure. Intake then reads the
// account again.
type anonymousOwner struct {
	store.Store
}

func (s anonymousOwner) Commit(ctx context.Context, rec store.Record) error {
	err := s.Store.Commit(ctx, rec)
	var owned *store.OwnedError
	if errors.As(err, &owned) {
		return &store.OwnedError{Key: owned.Key}
	}
	return err
}

// In capacityPlan inbound leads go to ana and every other lead to ben, so
// concurrent leads from one new company with both sources race to claim it
// for different reps.
func TestConcurrentLeadsOneNewCompany(t *testing.T) {
	cases := []struct {
		name string
		wrap func(store.Store) store.Store
	}{
		{"store names the owner", func(s store.Store) store.Store { return s }},
		{"store hides the owner", func(s store.Store) store.Store { return anonymousOwner{s} }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, st := newWrappedBoltHandler(t, capacityPlan, c.wrap)
			sources := []string{"inbound", "outbound", "event", "partner"}

			const leads = 20
			statuses := make([]int, leads)
			bodies := make([]string, leads)
			var wg sync.WaitGroup
			for i := range leads {
				wg.Go(func() {
					body := fmt.Sprintf(`{"email":"p%d@newco1.com","source":%q}`, i+1, sources[i%len(sources)])
					res, err := h.Handle(t.Context(), jsonEvent(body, nil))
					if err != nil {
						t.Errorf("lead %d: Handle: %v", i+1, err)
						return
					}
					statuses[i], bodies[i] = res.StatusCode, res.Body
				})
			}
			wg.Wait()

			snap, err := st.Snapshot(t.Context(), store.Query{AccountKeys: []string{"domain:newco1.com"}})
			if err != nil {
				t.Fatalf("Snapshot: %v", err)
			}
			owner := snap.State.Owners["domain:newco1.com"]
			if owner == "" {
				t.Fatalf("Owners = %v, want domain:newco1.com claimed", snap.State.Owners)
			}
			for i := range leads {
				if statuses[i] != 202 {
					t.Errorf("lead %d: status %d, want 202; body %s", i+1, statuses[i], bodies[i])
				}
			}
			pending, err := st.Pending(t.Context(), 2*leads)
			if err != nil {
				t.Fatalf("Pending: %v", err)
			}
			if len(pending) != leads {
				t.Errorf("%d leads stored, want %d", len(pending), leads)
			}
			for _, rec := range pending {
				if rec.Decision.Owner != owner {
					t.Errorf("lead %s from %s routed to %s by %s (%v), want the account owner %s",
						rec.Lead.ID, rec.Lead.Source, rec.Decision.Owner, rec.Decision.Zone, rec.Decision.Explanation, owner)
				}
			}
		})
	}
}
