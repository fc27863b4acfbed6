package storetest

import (
	"errors"
	"fmt"
	"testing"

	"github.com/leadrouter/leadrouter/shared/store"
)

// reservations is how many Commits race for the last free place of a rep.
const reservations = 200

var concurrencyTests = []contractTest{
	{"one of 200 reservations wins the last place", func(t *testing.T, s store.Store) {
		mustSetActive(t, s, "rep-a", 14)

		errs := parallel(reservations, func(i int) error {
			id := fmt.Sprintf("L-%03d", i)
			return s.Commit(ctx(t), reserving(newRecord(id, base, "k-"+id), "rep-a", 15))
		})

		succeeded, full := 0, 0
		for i, err := range errs {
			switch {
			case err == nil:
				succeeded++
			case errors.Is(err, store.ErrFull):
				full++
			default:
				t.Errorf("Commit #%d error = %v, want nil or ErrFull", i, err)
			}
		}
		if succeeded != 1 {
			t.Errorf("%d Commits succeeded, want exactly 1", succeeded)
		}
		if full != reservations-1 {
			t.Errorf("%d Commits failed with ErrFull, want %d", full, reservations-1)
		}
		if got := active(t, s, "rep-a"); got != 15 {
			t.Errorf("Active[rep-a] = %d, want 15", got)
		}
		if got := pendingIDs(t, s, reservations); len(got) != 1 {
			t.Errorf("Pending holds %d leads, want only the winner", len(got))
		}
	}},

	{"one of concurrent duplicates is stored", func(t *testing.T, s store.Store) {
		const n = 20

		errs := parallel(n, func(i int) error {
			id := fmt.Sprintf("L-%02d", i)
			return s.Commit(ctx(t), reserving(newRecord(id, base, "k-shared", "k-"+id), "rep-a", 0))
		})

		succeeded := 0
		for i, err := range errs {
			switch {
			case err == nil:
				succeeded++
			case errors.Is(err, store.ErrConflict):
			default:
				t.Errorf("Commit #%d error = %v, want nil or ErrConflict", i, err)
			}
		}
		if succeeded != 1 {
			t.Errorf("%d Commits succeeded, want exactly 1", succeeded)
		}
		if got := active(t, s, "rep-a"); got != 1 {
			t.Errorf("Active[rep-a] = %d, want 1 because duplicates reserve nothing", got)
		}
		if got := pendingIDs(t, s, n); len(got) != 1 {
			t.Errorf("Pending holds %d leads, want only the winner", len(got))
		}
	}},

	{"one of concurrent claims wins", func(t *testing.T, s store.Store) {
		const n = 50

		owners := make([]store.Owner, n)
		errs := parallel(n, func(i int) error {
			var err error
			owners[i], err = s.ClaimOwner(ctx(t), "example.com", store.Owner{Rep: fmt.Sprintf("rep-%02d", i), Since: base})
			return err
		})

		winner := ""
		for i, err := range errs {
			switch {
			case err == nil && winner == "":
				winner = owners[i].Rep
			case err == nil:
				t.Errorf("claims by %s and %s both succeeded, want one", winner, owners[i].Rep)
			case !errors.Is(err, store.ErrConflict):
				t.Errorf("ClaimOwner #%d error = %v, want nil or ErrConflict", i, err)
			}
		}
		if winner == "" {
			t.Fatal("no claim succeeded, want one")
		}
		for i, err := range errs {
			if err != nil && owners[i].Rep != winner {
				t.Errorf("losing claim #%d returned owner %q, want the winner %q", i, owners[i].Rep, winner)
			}
		}
	}},

	{"concurrent commits claim for one rep", func(t *testing.T, s store.Store) {
		const n = 20
		reps := []string{"rep-a", "rep-b", "rep-c"}

		errs := parallel(n, func(i int) error {
			id := fmt.Sprintf("L-%02d", i)
			return s.Commit(ctx(t), claiming(newRecord(id, base, "k-"+id), reps[i%len(reps)], "domain:newco1.com"))
		})

		owner := ownerOf(t, s, "domain:newco1.com").Rep
		for i, err := range errs {
			rep := reps[i%len(reps)]
			switch {
			case err == nil && rep != owner:
				t.Errorf("Commit #%d for %s succeeded, want *OwnedError because %s owns the account", i, rep, owner)
			case err != nil && !errors.Is(err, store.ErrOwned):
				t.Errorf("Commit #%d error = %v, want nil or ErrOwned", i, err)
			case err != nil && rep == owner:
				t.Errorf("Commit #%d for the owner %s = %v, want nil", i, rep, err)
			}
		}
	}},

	{"concurrent releases stop at zero", func(t *testing.T, s store.Store) {
		mustSetActive(t, s, "rep-a", 5)

		errs := parallel(20, func(int) error { return s.Release(ctx(t), "rep-a") })

		for i, err := range errs {
			if err != nil {
				t.Errorf("Release #%d = %v, want nil", i, err)
			}
		}
		if got := active(t, s, "rep-a"); got != 0 {
			t.Errorf("Active[rep-a] = %d, want 0", got)
		}
	}},
}
