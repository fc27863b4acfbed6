// Package storetest is the contract suite for store.Store. Every adapter runs
// it against a real backend, so the embedded store and DynamoDB are held to
// the same behaviour: each subtest checks one clause of the contract that
// store.go documents.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/leadrouter/leadrouter/shared/lead"
	"github.com/leadrouter/leadrouter/shared/routing"
	"github.com/leadrouter/leadrouter/shared/store"
)

// NewStore returns an empty store for one subtest. It registers any cleanup
// with t and fails t when the backend cannot be reached.
type NewStore func(t *testing.T) store.Store

// Option adjusts a run of the suite.
type Option func(*config)

type config struct {
	skips map[string]string
}

// Skip skips the clause named "Group/clause", such as
// "Outbox/mark written leaves pending", with reason. It is for a backend
// bug outside this project: reason names the backend and version, and
// another backend must still run the clause.
func Skip(name, reason string) Option {
	return func(c *config) { c.skips[name] = reason }
}

// Run runs every contract clause against stores made by newStore, each
// subtest with a store of its own.
func Run(t *testing.T, newStore NewStore, opts ...Option) {
	t.Helper()
	cfg := config{skips: map[string]string{}}
	for _, opt := range opts {
		opt(&cfg)
	}

	groups := []struct {
		name  string
		tests []contractTest
	}{
		{"Snapshot", snapshotTests},
		{"Commit", commitTests},
		{"Lead", leadTests},
		{"Outbox", outboxTests},
		{"Owner", ownerTests},
		{"Claim", claimTests},
		{"Capacity", capacityTests},
		{"Absences", absenceTests},
		{"Concurrency", concurrencyTests},
	}
	known := map[string]bool{}
	for _, group := range groups {
		for _, tc := range group.tests {
			known[group.name+"/"+tc.name] = true
		}
	}
	for name := range cfg.skips {
		if !known[name] {
			t.Errorf("storetest: Skip(%q): no such clause; use \"Group/clause\" as the subtest names show it, with spaces", name)
		}
	}

	for _, group := range groups {
		t.Run(group.name, func(t *testing.T) {
			for _, tc := range group.tests {
				t.Run(tc.name, func(t *testing.T) {
					if reason, ok := cfg.skips[group.name+"/"+tc.name]; ok {
						t.Skip(reason)
					}
					tc.run(t, newStore(t))
				})
			}
		})
	}
}

type contractTest struct {
	name string
	run  func(t *testing.T, s store.Store)
}

// base is the reception time of the first lead in most tests. It carries
// nanoseconds so that a backend that rounds times fails the round trip.
var base = time.Date(2026, 3, 2, 9, 15, 30, 123456789, time.UTC)

// newRecord returns a record with every field of the lead and the decision
// set, so that round trips check them all.
func newRecord(id string, receivedAt time.Time, keys ...string) store.Record {
	return store.Record{
		Lead: lead.Lead{
			ID:                 id,
			ReceivedAt:         receivedAt,
			SourceSubmissionID: "sub-" + id,
			Form:               "contact",
			Email:              "ana.silva@example.com",
			Phone:              "+44 20 7946 0958",
			FirstName:          "Ana",
			LastName:           "Silva",
			Company:            "Example Logistics Ltd",
			Domain:             "example.com",
			Website:            "https://www.example.com/",
			Source:             "Referral",
			Industry:           "Logistics",
			Country:            "GB",
			Region:             "EMEA",
			Employees:          120,
			Potential:          12500.5,
			Referrer:           "acme.test",
			Message:            "Please call me on Monday.\nThanks, \"Ana\" = €",
			Attributes:         map[string]string{"utm_source": "newsletter", "budget": "=1+1"},
		},
		Decision: routing.Decision{
			Owner:     "rep-a",
			CoveredBy: "rep-b",
			Rule:      "inbound-large",
			Zone:      routing.ZoneCollaborative,
			Split: &routing.Split{
				Prospector: "rep-b", Closer: "rep-a",
				ProspectorShare: 0.3, CloserShare: 0.7,
			},
			Escalation:  &routing.Escalation{To: "manager@example.com", Reason: "every rep is full"},
			Explanation: []string{"potential 12500.5 reaches 10000", "rep-a is away, rep-b covers"},
			Reservation: routing.Reservation{},
		},
		IdempotencyKeys: keys,
	}
}

// reserving returns rec with a reservation for rep under limit.
func reserving(rec store.Record, rep string, limit int) store.Record {
	rec.Decision.Reservation = routing.Reservation{Rep: rep, Limit: limit}
	return rec
}

func ctx(t *testing.T) context.Context {
	return t.Context()
}

func mustCommit(t *testing.T, s store.Store, rec store.Record) {
	t.Helper()
	if err := s.Commit(ctx(t), rec); err != nil {
		t.Fatalf("Commit(%q) = %v, want nil", rec.Lead.ID, err)
	}
}

func mustSetActive(t *testing.T, s store.Store, rep string, n int) {
	t.Helper()
	if err := s.SetActive(ctx(t), rep, n); err != nil {
		t.Fatalf("SetActive(%q, %d) = %v, want nil", rep, n, err)
	}
}

func mustSetOwner(t *testing.T, s store.Store, key string, o store.Owner) {
	t.Helper()
	if err := s.SetOwner(ctx(t), key, o); err != nil {
		t.Fatalf("SetOwner(%q) = %v, want nil", key, err)
	}
}

func snapshot(t *testing.T, s store.Store, q store.Query) store.Snapshot {
	t.Helper()
	snap, err := s.Snapshot(ctx(t), q)
	if err != nil {
		t.Fatalf("Snapshot(%+v) = %v, want nil", q, err)
	}
	return snap
}

// active returns the active count of rep as Snapshot reports it; an absent
// rep counts as zero.
func active(t *testing.T, s store.Store, rep string) int {
	t.Helper()
	return snapshot(t, s, store.Query{Reps: []string{rep}, Now: base}).State.Active[rep]
}

// duplicateID returns the id of the lead that holds one of keys at now, or ""
// when none does.
func duplicateID(t *testing.T, s store.Store, now time.Time, keys ...string) string {
	t.Helper()
	snap := snapshot(t, s, store.Query{IdempotencyKeys: keys, Now: now})
	if snap.Duplicate == nil {
		return ""
	}
	return snap.Duplicate.Lead.ID
}

func assertNotStored(t *testing.T, s store.Store, id string) {
	t.Helper()
	_, err := s.Lead(ctx(t), id)
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Lead(%q) error = %v, want ErrNotFound because nothing may be written", id, err)
	}
}

func pendingIDs(t *testing.T, s store.Store, limit int) []string {
	t.Helper()
	recs, err := s.Pending(ctx(t), limit)
	if err != nil {
		t.Fatalf("Pending(%d) = %v, want nil", limit, err)
	}
	ids := make([]string, 0, len(recs))
	for _, r := range recs {
		ids = append(ids, r.Lead.ID)
	}
	return ids
}

// normalize makes nil and empty maps and slices compare equal and puts
// times in UTC, so that recordDiff reports only differences a caller sees.
func normalize(r store.Record) store.Record {
	r.Lead.ReceivedAt = r.Lead.ReceivedAt.UTC()
	r.SheetWrittenAt = r.SheetWrittenAt.UTC()
	if len(r.Lead.Attributes) == 0 {
		r.Lead.Attributes = nil
	}
	if len(r.Decision.Explanation) == 0 {
		r.Decision.Explanation = nil
	}
	if len(r.IdempotencyKeys) == 0 {
		r.IdempotencyKeys = nil
	} else {
		keys := append([]string(nil), r.IdempotencyKeys...)
		sort.Strings(keys)
		r.IdempotencyKeys = keys
	}
	return r
}

// recordDiff names the first differing part of two records, or returns "".
func recordDiff(want, got store.Record) string {
	w, g := normalize(want), normalize(got)
	parts := []struct {
		name      string
		want, got any
	}{
		{"Lead", w.Lead, g.Lead},
		{"Decision", w.Decision, g.Decision},
		{"IdempotencyKeys", w.IdempotencyKeys, g.IdempotencyKeys},
		{"SheetWrittenAt", w.SheetWrittenAt, g.SheetWrittenAt},
	}
	for _, p := range parts {
		if !reflect.DeepEqual(p.want, p.got) {
			return fmt.Sprintf("%s differs:\n got  %+v\n want %+v", p.name, p.got, p.want)
		}
	}
	return ""
}

// parallel runs f n times at once and returns the errors in call order.
func parallel(n int, f func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = f(i)
		}()
	}
	close(start)
	wg.Wait()
	return errs
}
