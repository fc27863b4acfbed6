package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/leadrouter/leadrouter/shared/routing"
	"github.com/leadrouter/leadrouter/shared/store"
)

var ownerTests = []contractTest{
	{"set owner replaces", func(t *testing.T, s store.Store) {
		mustSetOwner(t, s, "example.com", store.Owner{Rep: "rep-a", Customer: true, Since: base, Reason: "customer"})
		mustSetOwner(t, s, "example.com", store.Owner{Rep: "rep-b", Since: base.Add(time.Hour), Reason: "sheet"})

		snap := snapshot(t, s, store.Query{AccountKeys: []string{"example.com"}, Now: base})

		if got := snap.State.Owners["example.com"]; got != "rep-b" {
			t.Errorf("Owners[example.com] = %q, want rep-b", got)
		}
		if _, ok := snap.State.Customers["example.com"]; ok {
			t.Error("Customers has example.com, want it absent because the new owner is no customer")
		}
	}},

	{"set owner rejects empty values", func(t *testing.T, s store.Store) {
		cases := []struct {
			name string
			key  string
			rep  string
		}{
			{"empty key", "", "rep-a"},
			{"empty rep", "example.com", ""},
		}
		for _, c := range cases {
			err := s.SetOwner(ctx(t), c.key, store.Owner{Rep: c.rep, Since: base})

			if !errors.Is(err, store.ErrInvalid) {
				t.Errorf("%s: SetOwner error = %v, want ErrInvalid", c.name, err)
			}
		}
	}},

	{"claim takes a free account", func(t *testing.T, s store.Store) {
		claim := store.Owner{Rep: "rep-a", Since: base, Reason: "first touch"}

		got, err := s.ClaimOwner(ctx(t), "example.com", claim)

		if err != nil {
			t.Fatalf("ClaimOwner = %v, want nil", err)
		}
		if got.Rep != "rep-a" {
			t.Errorf("ClaimOwner returned rep %q, want rep-a", got.Rep)
		}
		snap := snapshot(t, s, store.Query{AccountKeys: []string{"example.com"}, Now: base})
		if owner := snap.State.Owners["example.com"]; owner != "rep-a" {
			t.Errorf("Owners[example.com] = %q, want rep-a", owner)
		}
	}},

	{"claim on owned account returns owner", func(t *testing.T, s store.Store) {
		first := store.Owner{Rep: "rep-a", Customer: true, Since: base, Reason: "customer"}
		mustSetOwner(t, s, "example.com", first)

		got, err := s.ClaimOwner(ctx(t), "example.com", store.Owner{Rep: "rep-b", Since: base.Add(time.Hour), Reason: "first touch"})

		if !errors.Is(err, store.ErrConflict) {
			t.Errorf("ClaimOwner error = %v, want ErrConflict", err)
		}
		if got.Rep != first.Rep {
			t.Errorf("Owner.Rep = %q, want %q", got.Rep, first.Rep)
		}
		if !got.Customer {
			t.Error("Owner.Customer = false, want true")
		}
		if !got.Since.Equal(first.Since) {
			t.Errorf("Owner.Since = %v, want %v", got.Since, first.Since)
		}
		if got.Since.Location() != time.UTC {
			t.Errorf("Owner.Since location = %v, want UTC", got.Since.Location())
		}
		if got.Reason != first.Reason {
			t.Errorf("Owner.Reason = %q, want %q", got.Reason, first.Reason)
		}
	}},

	{"claim rejects empty values", func(t *testing.T, s store.Store) {
		if _, err := s.ClaimOwner(ctx(t), "", store.Owner{Rep: "rep-a"}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("ClaimOwner with empty key error = %v, want ErrInvalid", err)
		}
		if _, err := s.ClaimOwner(ctx(t), "example.com", store.Owner{}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("ClaimOwner with empty rep error = %v, want ErrInvalid", err)
		}
	}},
}

var capacityTests = []contractTest{
	{"reservation below limit increments", func(t *testing.T, s store.Store) {
		mustSetActive(t, s, "rep-a", 14)

		mustCommit(t, s, reserving(newRecord("L-1", base), "rep-a", 15))

		if got := active(t, s, "rep-a"); got != 15 {
			t.Errorf("Active[rep-a] = %d, want 15", got)
		}
	}},

	{"reservation at limit is full", func(t *testing.T, s store.Store) {
		mustSetActive(t, s, "rep-a", 15)

		err := s.Commit(ctx(t), reserving(newRecord("L-1", base, "k1"), "rep-a", 15))

		if !errors.Is(err, store.ErrFull) {
			t.Errorf("Commit error = %v, want ErrFull", err)
		}
		assertNotStored(t, s, "L-1")
		if got := duplicateID(t, s, base, "k1"); got != "" {
			t.Errorf("k1 held by %q, want free because the commit failed", got)
		}
		if got := active(t, s, "rep-a"); got != 15 {
			t.Errorf("Active[rep-a] = %d, want 15", got)
		}
		if got := pendingIDs(t, s, 10); len(got) != 0 {
			t.Errorf("Pending(10) = %v, want none", got)
		}
	}},

	{"reservation over limit is full", func(t *testing.T, s store.Store) {
		mustSetActive(t, s, "rep-a", 20)

		err := s.Commit(ctx(t), reserving(newRecord("L-1", base), "rep-a", 15))

		if !errors.Is(err, store.ErrFull) {
			t.Errorf("Commit error = %v, want ErrFull", err)
		}
	}},

	{"limit zero increments unconditionally", func(t *testing.T, s store.Store) {
		mustSetActive(t, s, "rep-a", 20)

		mustCommit(t, s, reserving(newRecord("L-1", base), "rep-a", 0))

		if got := active(t, s, "rep-a"); got != 21 {
			t.Errorf("Active[rep-a] = %d, want 21", got)
		}
	}},

	{"unknown rep starts at zero", func(t *testing.T, s store.Store) {
		mustCommit(t, s, reserving(newRecord("L-1", base), "rep-new", 1))

		if got := active(t, s, "rep-new"); got != 1 {
			t.Errorf("Active[rep-new] = %d, want 1", got)
		}
		err := s.Commit(ctx(t), reserving(newRecord("L-2", base), "rep-new", 1))
		if !errors.Is(err, store.ErrFull) {
			t.Errorf("second Commit error = %v, want ErrFull because limit 1 is reached", err)
		}
	}},

	{"no reservation leaves counts alone", func(t *testing.T, s store.Store) {
		mustSetActive(t, s, "rep-a", 3)

		mustCommit(t, s, newRecord("L-1", base))

		if got := active(t, s, "rep-a"); got != 3 {
			t.Errorf("Active[rep-a] = %d, want 3", got)
		}
	}},

	{"release decrements", func(t *testing.T, s store.Store) {
		mustSetActive(t, s, "rep-a", 3)

		if err := s.Release(ctx(t), "rep-a"); err != nil {
			t.Fatalf("Release = %v, want nil", err)
		}

		if got := active(t, s, "rep-a"); got != 2 {
			t.Errorf("Active[rep-a] = %d, want 2", got)
		}
	}},

	{"release stops at zero", func(t *testing.T, s store.Store) {
		mustSetActive(t, s, "rep-a", 1)

		for i := range 3 {
			if err := s.Release(ctx(t), "rep-a"); err != nil {
				t.Fatalf("Release #%d = %v, want nil", i+1, err)
			}
		}

		if got := active(t, s, "rep-a"); got != 0 {
			t.Errorf("Active[rep-a] = %d, want 0", got)
		}
	}},

	{"release of unknown rep", func(t *testing.T, s store.Store) {
		if err := s.Release(ctx(t), "rep-x"); err != nil {
			t.Fatalf("Release(rep-x) = %v, want nil", err)
		}

		if got := active(t, s, "rep-x"); got != 0 {
			t.Errorf("Active[rep-x] = %d, want 0", got)
		}
	}},

	{"set active replaces", func(t *testing.T, s store.Store) {
		mustSetActive(t, s, "rep-a", 9)
		mustSetActive(t, s, "rep-a", 4)

		if got := active(t, s, "rep-a"); got != 4 {
			t.Errorf("Active[rep-a] = %d, want 4", got)
		}
		mustSetActive(t, s, "rep-a", 0)
		if got := active(t, s, "rep-a"); got != 0 {
			t.Errorf("Active[rep-a] = %d after SetActive 0, want 0", got)
		}
	}},

	{"set active keeps absences", func(t *testing.T, s store.Store) {
		away := []routing.Absence{{From: base, Until: base.Add(24 * time.Hour)}}
		if err := s.SetAbsences(ctx(t), "rep-a", away); err != nil {
			t.Fatalf("SetAbsences = %v", err)
		}

		mustSetActive(t, s, "rep-a", 2)

		snap := snapshot(t, s, store.Query{Reps: []string{"rep-a"}, Now: base})
		if got := snap.State.Absences["rep-a"]; !absencesEqual(got, away) {
			t.Errorf("Absences[rep-a] = %v, want %v", got, away)
		}
	}},

	{"rejects invalid rep values", func(t *testing.T, s store.Store) {
		if err := s.SetActive(ctx(t), "rep-a", -1); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("SetActive(-1) error = %v, want ErrInvalid", err)
		}
		if err := s.SetActive(ctx(t), "", 1); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("SetActive with empty rep error = %v, want ErrInvalid", err)
		}
		if err := s.Release(ctx(t), ""); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("Release with empty rep error = %v, want ErrInvalid", err)
		}
	}},
}

var absenceTests = []contractTest{
	{"set absences replaces", func(t *testing.T, s store.Store) {
		two := []routing.Absence{
			{From: base, Until: base.Add(24 * time.Hour)},
			{From: base.Add(72 * time.Hour), Until: base.Add(96 * time.Hour)},
		}
		one := []routing.Absence{{From: base.Add(240 * time.Hour), Until: base.Add(264 * time.Hour)}}
		if err := s.SetAbsences(ctx(t), "rep-a", two); err != nil {
			t.Fatalf("SetAbsences(two) = %v", err)
		}

		if err := s.SetAbsences(ctx(t), "rep-a", one); err != nil {
			t.Fatalf("SetAbsences(one) = %v", err)
		}

		snap := snapshot(t, s, store.Query{Reps: []string{"rep-a"}, Now: base})
		if got := snap.State.Absences["rep-a"]; !absencesEqual(got, one) {
			t.Errorf("Absences[rep-a] = %v, want %v", got, one)
		}
	}},

	{"set absences nil clears", func(t *testing.T, s store.Store) {
		away := []routing.Absence{{From: base, Until: base.Add(24 * time.Hour)}}
		if err := s.SetAbsences(ctx(t), "rep-a", away); err != nil {
			t.Fatalf("SetAbsences = %v", err)
		}

		if err := s.SetAbsences(ctx(t), "rep-a", nil); err != nil {
			t.Fatalf("SetAbsences(nil) = %v", err)
		}

		snap := snapshot(t, s, store.Query{Reps: []string{"rep-a"}, Now: base})
		if got := snap.State.Absences["rep-a"]; len(got) != 0 {
			t.Errorf("Absences[rep-a] = %v, want none", got)
		}
	}},

	{"set absences keeps active count", func(t *testing.T, s store.Store) {
		mustSetActive(t, s, "rep-a", 7)

		if err := s.SetAbsences(ctx(t), "rep-a", []routing.Absence{{From: base, Until: base.Add(time.Hour)}}); err != nil {
			t.Fatalf("SetAbsences = %v", err)
		}

		if got := active(t, s, "rep-a"); got != 7 {
			t.Errorf("Active[rep-a] = %d, want 7", got)
		}
	}},

	{"absences come back in UTC", func(t *testing.T, s store.Store) {
		zone := time.FixedZone("UTC+2", 2*60*60)
		away := []routing.Absence{{From: base.In(zone), Until: base.Add(24 * time.Hour).In(zone)}}
		if err := s.SetAbsences(ctx(t), "rep-a", away); err != nil {
			t.Fatalf("SetAbsences = %v", err)
		}

		got := snapshot(t, s, store.Query{Reps: []string{"rep-a"}, Now: base}).State.Absences["rep-a"]

		if len(got) != 1 {
			t.Fatalf("Absences[rep-a] = %v, want one period", got)
		}
		if got[0].From.Location() != time.UTC || got[0].Until.Location() != time.UTC {
			t.Errorf("Absence = %v, want both times in UTC", got[0])
		}
		if !absencesEqual(got, away) {
			t.Errorf("Absences[rep-a] = %v, want %v", got, away)
		}
	}},

	{"set absences rejects bad periods", func(t *testing.T, s store.Store) {
		cases := []struct {
			name    string
			rep     string
			absence routing.Absence
		}{
			{"until before from", "rep-a", routing.Absence{From: base, Until: base.Add(-time.Hour)}},
			{"until equal to from", "rep-a", routing.Absence{From: base, Until: base}},
			{"zero from", "rep-a", routing.Absence{Until: base}},
			{"empty rep", "", routing.Absence{From: base, Until: base.Add(time.Hour)}},
		}
		for _, c := range cases {
			err := s.SetAbsences(ctx(t), c.rep, []routing.Absence{c.absence})

			if !errors.Is(err, store.ErrInvalid) {
				t.Errorf("%s: SetAbsences error = %v, want ErrInvalid", c.name, err)
			}
		}
	}},
}
