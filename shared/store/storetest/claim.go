package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/leadrouter/leadrouter/shared/store"
)

// claiming returns rec with its decision's owner set to rep and the account
// keys it claims.
func claiming(rec store.Record, rep string, accounts ...string) store.Record {
	rec.Decision.Owner = rep
	rec.ClaimAccounts = accounts
	return rec
}

// ownerOf returns the stored owner of key, read back through ClaimOwner,
// which returns the existing owner with ErrConflict, or fails t when key has
// no owner.
func ownerOf(t *testing.T, s store.Store, key string) store.Owner {
	t.Helper()
	probe := store.Owner{Rep: "rep-probe", Since: base, Reason: "probe"}
	got, err := s.ClaimOwner(ctx(t), key, probe)
	if err == nil {
		t.Fatalf("account %q had no owner; ClaimOwner took it for %s", key, probe.Rep)
	}
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("ClaimOwner(%q) = %v, want ErrConflict with the stored owner", key, err)
	}
	return got
}

var claimTests = []contractTest{
	{"claims free accounts", func(t *testing.T, s store.Store) {
		rec := claiming(newRecord("L-1", base, "k1"), "rep-a", "domain:globex.io", "company:globex")

		mustCommit(t, s, rec)

		snap := snapshot(t, s, store.Query{AccountKeys: []string{"domain:globex.io", "company:globex"}, Now: base})
		for _, key := range rec.ClaimAccounts {
			if got := snap.State.Owners[key]; got != "rep-a" {
				t.Errorf("Owners[%s] = %q, want rep-a", key, got)
			}
			if _, ok := snap.State.Customers[key]; ok {
				t.Errorf("Customers has %s, want it absent because a claim is no customer", key)
			}
		}
		got := ownerOf(t, s, "domain:globex.io")
		if got.Reason != store.ClaimReason {
			t.Errorf("Owner.Reason = %q, want %q", got.Reason, store.ClaimReason)
		}
		if !got.Since.Equal(base) {
			t.Errorf("Owner.Since = %v, want the lead's reception %v", got.Since, base)
		}
		if got.Since.Location() != time.UTC {
			t.Errorf("Owner.Since location = %v, want UTC", got.Since.Location())
		}
	}},

	{"claim of owned account fails", func(t *testing.T, s store.Store) {
		since := base.Add(-time.Hour)
		mustSetOwner(t, s, "domain:globex.io", store.Owner{Rep: "rep-b", Since: since})
		mustSetActive(t, s, "rep-a", 3)
		rec := reserving(claiming(newRecord("L-1", base, "k1"), "rep-a", "company:globex", "domain:globex.io"), "rep-a", 15)

		err := s.Commit(ctx(t), rec)

		var owned *store.OwnedError
		if !errors.As(err, &owned) {
			t.Fatalf("Commit error = %v, want *OwnedError", err)
		}
		if !errors.Is(err, store.ErrOwned) {
			t.Errorf("Commit error = %v, want it to match ErrOwned", err)
		}
		if owned.Key != "domain:globex.io" {
			t.Errorf("OwnedError.Key = %q, want domain:globex.io", owned.Key)
		}
		if owned.Owner != "" && owned.Owner != "rep-b" {
			t.Errorf("OwnedError.Owner = %q, want rep-b or empty", owned.Owner)
		}
		assertNotStored(t, s, "L-1")
		if got := duplicateID(t, s, base, "k1"); got != "" {
			t.Errorf("k1 held by %q, want it free because the commit failed", got)
		}
		if got := active(t, s, "rep-a"); got != 3 {
			t.Errorf("Active[rep-a] = %d, want 3 because nothing was reserved", got)
		}
		if got := pendingIDs(t, s, 10); len(got) != 0 {
			t.Errorf("Pending = %v, want none", got)
		}
		snap := snapshot(t, s, store.Query{AccountKeys: []string{"company:globex"}, Now: base})
		if got, ok := snap.State.Owners["company:globex"]; ok {
			t.Errorf("Owners[company:globex] = %q, want none because the commit failed", got)
		}
		got := ownerOf(t, s, "domain:globex.io")
		if got.Rep != "rep-b" {
			t.Errorf("Owner.Rep = %q, want rep-b", got.Rep)
		}
		if got.Reason != "" {
			t.Errorf("Owner.Reason = %q, want the empty reason SetOwner gave", got.Reason)
		}
		if !got.Since.Equal(since) {
			t.Errorf("Owner.Since = %v, want %v", got.Since, since)
		}
	}},

	{"claim of customer account fails", func(t *testing.T, s store.Store) {
		mustSetOwner(t, s, "domain:globex.io", store.Owner{Rep: "rep-b", Customer: true, Since: base, Reason: "customer"})

		err := s.Commit(ctx(t), claiming(newRecord("L-1", base, "k1"), "rep-a", "domain:globex.io"))

		if !errors.Is(err, store.ErrOwned) {
			t.Fatalf("Commit error = %v, want ErrOwned", err)
		}
		assertNotStored(t, s, "L-1")
		snap := snapshot(t, s, store.Query{AccountKeys: []string{"domain:globex.io"}, Now: base})
		if got := snap.State.Customers["domain:globex.io"]; got != "rep-b" {
			t.Errorf("Customers[domain:globex.io] = %q, want rep-b", got)
		}
		if got := ownerOf(t, s, "domain:globex.io").Reason; got != "customer" {
			t.Errorf("Owner.Reason = %q, want customer", got)
		}
	}},

	{"claim by same owner stores the lead", func(t *testing.T, s store.Store) {
		since := base.Add(-time.Hour)
		mustSetOwner(t, s, "domain:globex.io", store.Owner{Rep: "rep-a", Customer: true, Since: since, Reason: "sheet"})
		mustSetActive(t, s, "rep-a", 3)
		rec := reserving(claiming(newRecord("L-1", base, "k1"), "rep-a", "domain:globex.io", "company:globex"), "rep-a", 15)

		mustCommit(t, s, rec)

		got, err := s.Lead(ctx(t), "L-1")
		if err != nil {
			t.Fatalf("Lead(L-1) = %v, want the lead stored", err)
		}
		if diff := recordDiff(rec, got); diff != "" {
			t.Error(diff)
		}
		if got := duplicateID(t, s, base, "k1"); got != "L-1" {
			t.Errorf("k1 held by %q, want L-1", got)
		}
		if got := active(t, s, "rep-a"); got != 4 {
			t.Errorf("Active[rep-a] = %d, want 4", got)
		}
		owner := ownerOf(t, s, "domain:globex.io")
		if owner.Reason != "sheet" {
			t.Errorf("Owner.Reason of domain:globex.io = %q, want sheet kept", owner.Reason)
		}
		if !owner.Customer {
			t.Error("Owner.Customer of domain:globex.io = false, want true kept")
		}
		if !owner.Since.Equal(since) {
			t.Errorf("Owner.Since of domain:globex.io = %v, want %v kept", owner.Since, since)
		}
		if got := ownerOf(t, s, "company:globex").Rep; got != "rep-a" {
			t.Errorf("Owner.Rep of company:globex = %q, want rep-a because it was free", got)
		}
	}},

	{"duplicate precedes owned account", func(t *testing.T, s store.Store) {
		mustCommit(t, s, newRecord("L-1", base, "k1"))
		mustSetOwner(t, s, "domain:globex.io", store.Owner{Rep: "rep-b", Since: base})

		err := s.Commit(ctx(t), claiming(newRecord("L-2", base.Add(time.Minute), "k1"), "rep-a", "domain:globex.io"))

		var dup *store.DuplicateError
		if !errors.As(err, &dup) {
			t.Fatalf("Commit error = %v, want *DuplicateError", err)
		}
		if dup.LeadID != "L-1" {
			t.Errorf("DuplicateError.LeadID = %q, want L-1", dup.LeadID)
		}
	}},

	{"repeated claim key", func(t *testing.T, s store.Store) {
		mustCommit(t, s, claiming(newRecord("L-1", base, "k1"), "rep-a", "domain:globex.io", "domain:globex.io"))

		if got := ownerOf(t, s, "domain:globex.io").Rep; got != "rep-a" {
			t.Errorf("Owner.Rep = %q, want rep-a", got)
		}
	}},

	{"duplicate claims nothing", func(t *testing.T, s store.Store) {
		mustCommit(t, s, newRecord("L-1", base, "k1"))

		err := s.Commit(ctx(t), claiming(newRecord("L-2", base.Add(time.Minute), "k1"), "rep-a", "domain:globex.io"))

		var dup *store.DuplicateError
		if !errors.As(err, &dup) {
			t.Fatalf("Commit error = %v, want *DuplicateError", err)
		}
		snap := snapshot(t, s, store.Query{AccountKeys: []string{"domain:globex.io"}, Now: base})
		if got, ok := snap.State.Owners["domain:globex.io"]; ok {
			t.Errorf("Owners[domain:globex.io] = %q, want none because the commit failed", got)
		}
	}},

	{"full reservation claims nothing", func(t *testing.T, s store.Store) {
		mustSetActive(t, s, "rep-a", 15)

		err := s.Commit(ctx(t), reserving(claiming(newRecord("L-1", base, "k1"), "rep-a", "domain:globex.io"), "rep-a", 15))

		if !errors.Is(err, store.ErrFull) {
			t.Fatalf("Commit error = %v, want ErrFull", err)
		}
		snap := snapshot(t, s, store.Query{AccountKeys: []string{"domain:globex.io"}, Now: base})
		if got, ok := snap.State.Owners["domain:globex.io"]; ok {
			t.Errorf("Owners[domain:globex.io] = %q, want none because the commit failed", got)
		}
	}},

	{"rejects invalid claims", func(t *testing.T, s store.Store) {
		cases := []struct {
			name string
			rec  store.Record
		}{
			{"empty account key", claiming(newRecord("L-bad", base, "k1"), "rep-a", "domain:globex.io", "")},
			{"claim without owner", claiming(newRecord("L-bad", base, "k1"), "", "domain:globex.io")},
		}
		for _, c := range cases {
			err := s.Commit(ctx(t), c.rec)

			if !errors.Is(err, store.ErrInvalid) {
				t.Errorf("%s: Commit error = %v, want ErrInvalid", c.name, err)
			}
		}
		assertNotStored(t, s, "L-bad")
	}},
}
