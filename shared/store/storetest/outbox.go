package storetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/leadrouter/leadrouter/shared/store"
)

var outboxTests = []contractTest{
	{"pending is oldest first", func(t *testing.T, s store.Store) {
		mustCommit(t, s, newRecord("L-b", base.Add(2*time.Minute)))
		mustCommit(t, s, newRecord("L-c", base.Add(3*time.Minute)))
		mustCommit(t, s, newRecord("L-a", base.Add(time.Minute)))

		got := pendingIDs(t, s, 10)

		if want := []string{"L-a", "L-b", "L-c"}; !slices.Equal(got, want) {
			t.Errorf("Pending(10) = %v, want %v", got, want)
		}
	}},

	{"pending orders equal times by id", func(t *testing.T, s store.Store) {
		mustCommit(t, s, newRecord("L-2", base))
		mustCommit(t, s, newRecord("L-1", base))

		got := pendingIDs(t, s, 10)

		if want := []string{"L-1", "L-2"}; !slices.Equal(got, want) {
			t.Errorf("Pending(10) = %v, want %v", got, want)
		}
	}},

	{"pending orders by instant not text", func(t *testing.T, s store.Store) {
		// 09:15:30.5 sorts after 09:15:30.123456789 as an instant, but
		// before it as RFC 3339 text with trimmed zeros.
		mustCommit(t, s, newRecord("L-later", base.Truncate(time.Second).Add(500*time.Millisecond)))
		mustCommit(t, s, newRecord("L-earlier", base))

		got := pendingIDs(t, s, 10)

		if want := []string{"L-earlier", "L-later"}; !slices.Equal(got, want) {
			t.Errorf("Pending(10) = %v, want %v", got, want)
		}
	}},

	{"pending respects the limit", func(t *testing.T, s store.Store) {
		for i, id := range []string{"L-1", "L-2", "L-3", "L-4"} {
			mustCommit(t, s, newRecord(id, base.Add(time.Duration(i)*time.Minute)))
		}

		got := pendingIDs(t, s, 2)

		if want := []string{"L-1", "L-2"}; !slices.Equal(got, want) {
			t.Errorf("Pending(2) = %v, want %v", got, want)
		}
	}},

	{"pending returns whole records", func(t *testing.T, s store.Store) {
		rec := newRecord("L-1", base, "k1")
		mustCommit(t, s, rec)

		got, err := s.Pending(ctx(t), 1)
		if err != nil {
			t.Fatalf("Pending(1) = %v", err)
		}
		if len(got) != 1 {
			t.Fatalf("Pending(1) returned %d records, want 1", len(got))
		}
		if diff := recordDiff(rec, got[0]); diff != "" {
			t.Error(diff)
		}
	}},

	{"pending rejects a limit below one", func(t *testing.T, s store.Store) {
		for _, limit := range []int{0, -1} {
			_, err := s.Pending(ctx(t), limit)

			if !errors.Is(err, store.ErrInvalid) {
				t.Errorf("Pending(%d) error = %v, want ErrInvalid", limit, err)
			}
		}
	}},

	{"written lead is not pending", func(t *testing.T, s store.Store) {
		rec := newRecord("L-1", base)
		rec.SheetWrittenAt = base.Add(time.Second)
		mustCommit(t, s, rec)

		if got := pendingIDs(t, s, 10); len(got) != 0 {
			t.Errorf("Pending(10) = %v, want none because L-1 was committed as written", got)
		}
	}},

	{"mark written leaves pending", func(t *testing.T, s store.Store) {
		mustCommit(t, s, newRecord("L-1", base))
		mustCommit(t, s, newRecord("L-2", base.Add(time.Minute)))
		at := base.Add(5 * time.Minute)

		if err := s.MarkWritten(ctx(t), []string{"L-1"}, at); err != nil {
			t.Fatalf("MarkWritten = %v, want nil", err)
		}

		if got, want := pendingIDs(t, s, 10), []string{"L-2"}; !slices.Equal(got, want) {
			t.Errorf("Pending(10) = %v, want %v", got, want)
		}
		got, err := s.Lead(ctx(t), "L-1")
		if err != nil {
			t.Fatalf("Lead(L-1) = %v", err)
		}
		if !got.SheetWrittenAt.Equal(at) {
			t.Errorf("SheetWrittenAt = %v, want %v", got.SheetWrittenAt, at)
		}
	}},

	{"mark written ignores unknown ids", func(t *testing.T, s store.Store) {
		mustCommit(t, s, newRecord("L-1", base))

		err := s.MarkWritten(ctx(t), []string{"L-missing", "L-1"}, base.Add(time.Minute))

		if err != nil {
			t.Fatalf("MarkWritten = %v, want nil", err)
		}
		assertNotStored(t, s, "L-missing")
		if got := pendingIDs(t, s, 10); len(got) != 0 {
			t.Errorf("Pending(10) = %v, want none because L-1 is marked", got)
		}
	}},

	{"mark written keeps the first time", func(t *testing.T, s store.Store) {
		mustCommit(t, s, newRecord("L-1", base))
		first := base.Add(time.Minute)
		if err := s.MarkWritten(ctx(t), []string{"L-1"}, first); err != nil {
			t.Fatalf("MarkWritten = %v", err)
		}

		if err := s.MarkWritten(ctx(t), []string{"L-1"}, first.Add(time.Hour)); err != nil {
			t.Fatalf("second MarkWritten = %v, want nil", err)
		}

		got, err := s.Lead(ctx(t), "L-1")
		if err != nil {
			t.Fatalf("Lead(L-1) = %v", err)
		}
		if !got.SheetWrittenAt.Equal(first) {
			t.Errorf("SheetWrittenAt = %v, want the first mark %v", got.SheetWrittenAt, first)
		}
	}},

	{"mark written with no ids", func(t *testing.T, s store.Store) {
		if err := s.MarkWritten(ctx(t), nil, base); err != nil {
			t.Errorf("MarkWritten(nil) = %v, want nil", err)
		}
	}},

	{"mark written rejects zero time", func(t *testing.T, s store.Store) {
		mustCommit(t, s, newRecord("L-1", base))

		err := s.MarkWritten(ctx(t), []string{"L-1"}, time.Time{})

		if !errors.Is(err, store.ErrInvalid) {
			t.Errorf("MarkWritten error = %v, want ErrInvalid", err)
		}
		if got := pendingIDs(t, s, 10); len(got) != 1 {
			t.Errorf("Pending(10) = %v, want L-1 still pending", got)
		}
	}},
}
