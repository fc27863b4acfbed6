package storetest

import (
	"testing"
	"time"

	"github.com/leadrouter/leadrouter/shared/routing"
	"github.com/leadrouter/leadrouter/shared/store"
)

var snapshotTests = []contractTest{
	{"empty store has non-nil maps", func(t *testing.T, s store.Store) {
		snap := snapshot(t, s, store.Query{
			IdempotencyKeys: []string{"k1"},
			AccountKeys:     []string{"example.com"},
			Reps:            []string{"rep-a"},
			Now:             base,
		})

		if snap.Duplicate != nil {
			t.Errorf("Duplicate = %+v, want nil", snap.Duplicate)
		}
		if snap.State.Active == nil {
			t.Error("State.Active is nil, want an empty map")
		}
		if snap.State.Owners == nil {
			t.Error("State.Owners is nil, want an empty map")
		}
		if snap.State.Customers == nil {
			t.Error("State.Customers is nil, want an empty map")
		}
		if snap.State.Absences == nil {
			t.Error("State.Absences is nil, want an empty map")
		}
	}},

	{"empty query has non-nil maps", func(t *testing.T, s store.Store) {
		snap := snapshot(t, s, store.Query{Now: base})

		if snap.State.Active == nil || snap.State.Owners == nil ||
			snap.State.Customers == nil || snap.State.Absences == nil {
			t.Errorf("State = %+v, want four non-nil maps", snap.State)
		}
	}},

	{"owners and customers of known keys", func(t *testing.T, s store.Store) {
		mustSetOwner(t, s, "example.com", store.Owner{Rep: "rep-a", Since: base, Reason: "first touch"})
		mustSetOwner(t, s, "acme.test", store.Owner{Rep: "rep-b", Customer: true, Since: base, Reason: "customer"})

		snap := snapshot(t, s, store.Query{
			AccountKeys: []string{"example.com", "acme.test", "unknown.test"},
			Now:         base,
		})

		if got := snap.State.Owners["example.com"]; got != "rep-a" {
			t.Errorf("Owners[example.com] = %q, want rep-a", got)
		}
		if got := snap.State.Owners["acme.test"]; got != "rep-b" {
			t.Errorf("Owners[acme.test] = %q, want rep-b because a customer is owned too", got)
		}
		if got := snap.State.Customers["acme.test"]; got != "rep-b" {
			t.Errorf("Customers[acme.test] = %q, want rep-b", got)
		}
		if _, ok := snap.State.Customers["example.com"]; ok {
			t.Error("Customers has example.com, want it absent because it is no customer")
		}
		if _, ok := snap.State.Owners["unknown.test"]; ok {
			t.Error("Owners has unknown.test, want unknown keys absent")
		}
	}},

	{"unqueried keys and reps are absent", func(t *testing.T, s store.Store) {
		mustSetOwner(t, s, "example.com", store.Owner{Rep: "rep-a", Since: base})
		mustSetActive(t, s, "rep-a", 4)

		snap := snapshot(t, s, store.Query{AccountKeys: []string{"other.test"}, Reps: []string{"rep-b"}, Now: base})

		if len(snap.State.Owners) != 0 {
			t.Errorf("Owners = %v, want empty because example.com was not queried", snap.State.Owners)
		}
		if len(snap.State.Active) != 0 {
			t.Errorf("Active = %v, want empty because rep-a was not queried", snap.State.Active)
		}
	}},

	{"active counts and absences of reps", func(t *testing.T, s store.Store) {
		mustSetActive(t, s, "rep-a", 3)
		away := []routing.Absence{{From: base, Until: base.Add(48 * time.Hour)}}
		if err := s.SetAbsences(ctx(t), "rep-b", away); err != nil {
			t.Fatalf("SetAbsences = %v", err)
		}

		snap := snapshot(t, s, store.Query{Reps: []string{"rep-a", "rep-b", "rep-x"}, Now: base})

		if got := snap.State.Active["rep-a"]; got != 3 {
			t.Errorf("Active[rep-a] = %d, want 3", got)
		}
		if got := snap.State.Active["rep-b"]; got != 0 {
			t.Errorf("Active[rep-b] = %d, want 0", got)
		}
		if _, ok := snap.State.Active["rep-x"]; ok {
			t.Error("Active has rep-x, want unknown reps absent")
		}
		if got := snap.State.Absences["rep-b"]; !absencesEqual(got, away) {
			t.Errorf("Absences[rep-b] = %v, want %v", got, away)
		}
		if _, ok := snap.State.Absences["rep-a"]; ok {
			t.Error("Absences has rep-a, want reps without time off absent")
		}
	}},

	{"repeated query keys", func(t *testing.T, s store.Store) {
		mustSetOwner(t, s, "example.com", store.Owner{Rep: "rep-a", Since: base})
		mustSetActive(t, s, "rep-a", 2)
		mustCommit(t, s, newRecord("L-1", base, "k1"))

		snap := snapshot(t, s, store.Query{
			IdempotencyKeys: []string{"k1", "k1"},
			AccountKeys:     []string{"example.com", "example.com"},
			Reps:            []string{"rep-a", "rep-a"},
			Now:             base,
		})

		if snap.Duplicate == nil || snap.Duplicate.Lead.ID != "L-1" {
			t.Errorf("Duplicate = %+v, want L-1", snap.Duplicate)
		}
		if got := snap.State.Owners["example.com"]; got != "rep-a" {
			t.Errorf("Owners[example.com] = %q, want rep-a", got)
		}
		if got := snap.State.Active["rep-a"]; got != 2 {
			t.Errorf("Active[rep-a] = %d, want 2", got)
		}
	}},

	{"duplicate is the whole record", func(t *testing.T, s store.Store) {
		rec := newRecord("L-1", base, "k1", "k2")
		mustCommit(t, s, rec)

		snap := snapshot(t, s, store.Query{IdempotencyKeys: []string{"other", "k2"}, Now: base.Add(time.Hour)})

		if snap.Duplicate == nil {
			t.Fatal("Duplicate = nil, want L-1 because it holds k2")
		}
		if diff := recordDiff(rec, *snap.Duplicate); diff != "" {
			t.Error(diff)
		}
	}},

	{"key held until TTL ends", func(t *testing.T, s store.Store) {
		mustCommit(t, s, newRecord("L-1", base, "k1"))

		cases := []struct {
			name string
			now  time.Time
			want string
		}{
			{"at reception", base, "L-1"},
			{"one hour later", base.Add(time.Hour), "L-1"},
			{"1ns before TTL", base.Add(store.IdempotencyTTL - time.Nanosecond), "L-1"},
			{"at TTL", base.Add(store.IdempotencyTTL), ""},
			{"a week later", base.Add(7 * 24 * time.Hour), ""},
		}
		for _, c := range cases {
			if got := duplicateID(t, s, c.now, "k1"); got != c.want {
				t.Errorf("%s: duplicate = %q, want %q", c.name, got, c.want)
			}
		}
	}},

	{"zero Now means current time", func(t *testing.T, s store.Store) {
		old := time.Now().UTC().Add(-store.IdempotencyTTL - time.Hour)
		mustCommit(t, s, newRecord("L-old", old, "k-old"))
		recent := time.Now().UTC().Add(-time.Hour)
		mustCommit(t, s, newRecord("L-new", recent, "k-new"))

		if got := duplicateID(t, s, time.Time{}, "k-old"); got != "" {
			t.Errorf("duplicate for k-old = %q, want none because it expired an hour ago", got)
		}
		if got := duplicateID(t, s, time.Time{}, "k-new"); got != "L-new" {
			t.Errorf("duplicate for k-new = %q, want L-new", got)
		}
	}},
}

func absencesEqual(a, b []routing.Absence) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].From.Equal(b[i].From) || !a[i].Until.Equal(b[i].Until) {
			return false
		}
	}
	return true
}
