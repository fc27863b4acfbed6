package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/leadrouter/leadrouter/shared/store"
)

var commitTests = []contractTest{
	{"stores the record", func(t *testing.T, s store.Store) {
		rec := newRecord("L-1", base, "k1", "k2")
		mustCommit(t, s, rec)

		got, err := s.Lead(ctx(t), "L-1")
		if err != nil {
			t.Fatalf("Lead(L-1) = %v, want nil", err)
		}
		if diff := recordDiff(rec, got); diff != "" {
			t.Error(diff)
		}
	}},

	{"rejects invalid records", func(t *testing.T, s store.Store) {
		cases := []struct {
			name   string
			mutate func(*store.Record)
		}{
			{"empty lead id", func(r *store.Record) { r.Lead.ID = "" }},
			{"zero received time", func(r *store.Record) { r.Lead.ReceivedAt = time.Time{} }},
			{"empty idempotency key", func(r *store.Record) { r.IdempotencyKeys = []string{"k1", ""} }},
			{"negative limit", func(r *store.Record) { r.Decision.Reservation.Rep = "rep-a"; r.Decision.Reservation.Limit = -1 }},
			{"limit without rep", func(r *store.Record) { r.Decision.Reservation.Limit = 15 }},
		}
		for _, c := range cases {
			rec := newRecord("L-bad", base, "k1")
			c.mutate(&rec)

			err := s.Commit(ctx(t), rec)

			if !errors.Is(err, store.ErrInvalid) {
				t.Errorf("%s: Commit error = %v, want ErrInvalid", c.name, err)
			}
		}
		if got := duplicateID(t, s, base, "k1"); got != "" {
			t.Errorf("k1 held by %q after rejected commits, want free", got)
		}
	}},

	{"existing lead id is a conflict", func(t *testing.T, s store.Store) {
		first := newRecord("L-1", base, "k1")
		mustCommit(t, s, first)
		second := reserving(newRecord("L-1", base.Add(time.Minute), "k2"), "rep-a", 0)
		second.Lead.Company = "Other Ltd"

		err := s.Commit(ctx(t), second)

		if !errors.Is(err, store.ErrConflict) {
			t.Errorf("Commit error = %v, want ErrConflict", err)
		}
		var dup *store.DuplicateError
		if errors.As(err, &dup) {
			t.Errorf("Commit error = %v, want a conflict that is no DuplicateError because no key is shared", err)
		}
		got, err := s.Lead(ctx(t), "L-1")
		if err != nil {
			t.Fatalf("Lead(L-1) = %v", err)
		}
		if got.Lead.Company != first.Lead.Company {
			t.Errorf("Company = %q, want the first commit's %q", got.Lead.Company, first.Lead.Company)
		}
		if got := duplicateID(t, s, base, "k2"); got != "" {
			t.Errorf("k2 held by %q, want free because the commit failed", got)
		}
		if got := active(t, s, "rep-a"); got != 0 {
			t.Errorf("Active[rep-a] = %d, want 0 because the commit failed", got)
		}
	}},

	{"duplicate key writes nothing", func(t *testing.T, s store.Store) {
		mustCommit(t, s, newRecord("L-1", base, "k1", "k2"))
		mustSetActive(t, s, "rep-a", 5)
		second := reserving(newRecord("L-2", base.Add(time.Minute), "k3", "k2"), "rep-a", 15)

		err := s.Commit(ctx(t), second)

		var dup *store.DuplicateError
		if !errors.As(err, &dup) {
			t.Fatalf("Commit error = %v, want *DuplicateError", err)
		}
		if dup.Key != "k2" {
			t.Errorf("DuplicateError.Key = %q, want k2", dup.Key)
		}
		if dup.LeadID != "L-1" {
			t.Errorf("DuplicateError.LeadID = %q, want L-1", dup.LeadID)
		}
		if !errors.Is(err, store.ErrConflict) {
			t.Errorf("errors.Is(%v, ErrConflict) = false, want true", err)
		}
		assertNotStored(t, s, "L-2")
		if got := duplicateID(t, s, base.Add(time.Minute), "k3"); got != "" {
			t.Errorf("k3 held by %q, want free because the commit failed", got)
		}
		if got := active(t, s, "rep-a"); got != 5 {
			t.Errorf("Active[rep-a] = %d, want 5 because a duplicate reserves nothing", got)
		}
	}},

	{"retried commit names itself", func(t *testing.T, s store.Store) {
		rec := reserving(newRecord("L-1", base, "k1"), "rep-a", 15)
		mustCommit(t, s, rec)

		err := s.Commit(ctx(t), rec)

		var dup *store.DuplicateError
		if !errors.As(err, &dup) {
			t.Fatalf("second Commit error = %v, want *DuplicateError", err)
		}
		if dup.LeadID != "L-1" {
			t.Errorf("DuplicateError.LeadID = %q, want L-1 so a retry can tell it succeeded", dup.LeadID)
		}
		if got := active(t, s, "rep-a"); got != 1 {
			t.Errorf("Active[rep-a] = %d, want 1 because the retry reserves nothing", got)
		}
	}},

	{"expired key is taken over", func(t *testing.T, s store.Store) {
		mustCommit(t, s, newRecord("L-1", base, "k1"))

		err := s.Commit(ctx(t), newRecord("L-2", base.Add(store.IdempotencyTTL), "k1"))

		if err != nil {
			t.Fatalf("Commit at TTL = %v, want nil because k1 expired", err)
		}
		if got := duplicateID(t, s, base.Add(store.IdempotencyTTL), "k1"); got != "L-2" {
			t.Errorf("k1 held by %q, want L-2", got)
		}
		if _, err := s.Lead(ctx(t), "L-1"); err != nil {
			t.Errorf("Lead(L-1) = %v, want the earlier lead kept", err)
		}
	}},

	{"key held just before TTL", func(t *testing.T, s store.Store) {
		mustCommit(t, s, newRecord("L-1", base, "k1"))

		err := s.Commit(ctx(t), newRecord("L-2", base.Add(store.IdempotencyTTL-time.Second), "k1"))

		var dup *store.DuplicateError
		if !errors.As(err, &dup) || dup.LeadID != "L-1" {
			t.Errorf("Commit error = %v, want *DuplicateError for L-1", err)
		}
	}},

	{"repeated key in one record", func(t *testing.T, s store.Store) {
		err := s.Commit(ctx(t), newRecord("L-1", base, "k1", "k1"))

		if err != nil {
			t.Fatalf("Commit = %v, want nil", err)
		}
		if got := duplicateID(t, s, base, "k1"); got != "L-1" {
			t.Errorf("k1 held by %q, want L-1", got)
		}
	}},

	{"record without keys", func(t *testing.T, s store.Store) {
		mustCommit(t, s, newRecord("L-1", base))

		if _, err := s.Lead(ctx(t), "L-1"); err != nil {
			t.Errorf("Lead(L-1) = %v, want nil", err)
		}
	}},

	{"non-UTC times come back in UTC", func(t *testing.T, s store.Store) {
		zone := time.FixedZone("UTC-5", -5*60*60)
		rec := newRecord("L-1", base.In(zone), "k1")
		rec.SheetWrittenAt = base.Add(time.Minute).In(zone)
		mustCommit(t, s, rec)

		got, err := s.Lead(ctx(t), "L-1")
		if err != nil {
			t.Fatalf("Lead(L-1) = %v", err)
		}

		if got.Lead.ReceivedAt.Location() != time.UTC {
			t.Errorf("ReceivedAt location = %v, want UTC", got.Lead.ReceivedAt.Location())
		}
		if !got.Lead.ReceivedAt.Equal(base) {
			t.Errorf("ReceivedAt = %v, want %v", got.Lead.ReceivedAt, base)
		}
		if got.SheetWrittenAt.Location() != time.UTC {
			t.Errorf("SheetWrittenAt location = %v, want UTC", got.SheetWrittenAt.Location())
		}
	}},
}

var leadTests = []contractTest{
	{"unknown id is not found", func(t *testing.T, s store.Store) {
		_, err := s.Lead(ctx(t), "L-missing")

		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Lead(L-missing) error = %v, want ErrNotFound", err)
		}
	}},

	{"minimal record round-trips", func(t *testing.T, s store.Store) {
		rec := store.Record{}
		rec.Lead.ID = "L-min"
		rec.Lead.ReceivedAt = base
		mustCommit(t, s, rec)

		got, err := s.Lead(ctx(t), "L-min")
		if err != nil {
			t.Fatalf("Lead(L-min) = %v", err)
		}
		if diff := recordDiff(rec, got); diff != "" {
			t.Error(diff)
		}
		if got.Decision.Split != nil {
			t.Errorf("Split = %+v, want nil", got.Decision.Split)
		}
		if got.Decision.Escalation != nil {
			t.Errorf("Escalation = %+v, want nil", got.Decision.Escalation)
		}
	}},

	{"reservation round-trips", func(t *testing.T, s store.Store) {
		rec := reserving(newRecord("L-1", base, "k1"), "rep-a", 15)
		mustCommit(t, s, rec)

		got, err := s.Lead(ctx(t), "L-1")
		if err != nil {
			t.Fatalf("Lead(L-1) = %v", err)
		}
		if got.Decision.Reservation != rec.Decision.Reservation {
			t.Errorf("Reservation = %+v, want %+v", got.Decision.Reservation, rec.Decision.Reservation)
		}
	}},
}
