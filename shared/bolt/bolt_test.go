package bolt_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leadrouter/leadrouter/shared/bolt"
	"github.com/leadrouter/leadrouter/shared/lead"
	"github.com/leadrouter/leadrouter/shared/routing"
	"github.com/leadrouter/leadrouter/shared/store"
	"github.com/leadrouter/leadrouter/shared/store/storetest"
)

func openTemp(t testing.TB) *bolt.Store {
	t.Helper()
	s, err := bolt.Open(filepath.Join(t.TempDir(), "leadrouter.db"))
	if err != nil {
		t.Fatalf("Open = %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close = %v", err)
		}
	})
	return s
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTemp(t) })
}

func TestOpenLockedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "leadrouter.db")
	first, err := bolt.Open(path)
	if err != nil {
		t.Fatalf("first Open = %v", err)
	}
	defer first.Close()

	second, err := bolt.Open(path)

	if err == nil {
		second.Close()
		t.Fatal("second Open = nil, want an error because the file is locked")
	}
	if !strings.Contains(err.Error(), "locked by another leadrouter process") {
		t.Errorf("second Open error = %q, want it to say the file is locked", err)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("second Open error = %q, want it to name %s", err, path)
	}
}

func TestReopenKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "leadrouter.db")
	s, err := bolt.Open(path)
	if err != nil {
		t.Fatalf("Open = %v", err)
	}
	rec := store.Record{Lead: lead.Lead{ID: "L-1", ReceivedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}}
	if err := s.Commit(t.Context(), rec); err != nil {
		t.Fatalf("Commit = %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close = %v", err)
	}

	s, err = bolt.Open(path)
	if err != nil {
		t.Fatalf("reopen = %v", err)
	}
	defer s.Close()

	if _, err := s.Lead(t.Context(), "L-1"); err != nil {
		t.Errorf("Lead(L-1) after reopen = %v, want nil", err)
	}
}

func TestOpenMissingFolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "leadrouter.db")

	_, err := bolt.Open(path)

	if err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("Open error = %v, want an error naming %s", err, path)
	}
}

func TestOversizedKeyIsInvalid(t *testing.T) {
	s := openTemp(t)
	rec := store.Record{
		Lead:            lead.Lead{ID: "L-1", ReceivedAt: time.Now()},
		IdempotencyKeys: []string{strings.Repeat("k", 40000)},
	}

	err := s.Commit(t.Context(), rec)

	if !errors.Is(err, store.ErrInvalid) {
		t.Errorf("Commit error = %v, want ErrInvalid", err)
	}
}

// BenchmarkCommit measures Commit throughput with every goroutine reserving
// capacity for one of two reps without a limit, as routed leads do.
func BenchmarkCommit(b *testing.B) {
	s := openTemp(b)
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var n atomic.Int64

	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			id := fmt.Sprintf("L-%012d", i)
			rec := store.Record{
				Lead:            lead.Lead{ID: id, ReceivedAt: at.Add(time.Duration(i)), Email: "ana@example.com", Company: "Example Ltd"},
				Decision:        routing.Decision{Owner: "rep-a", Reservation: routing.Reservation{Rep: fmt.Sprintf("rep-%d", i%2)}},
				IdempotencyKeys: []string{"sub-" + id, "hash-" + id},
			}
			if err := s.Commit(b.Context(), rec); err != nil {
				b.Fatalf("Commit = %v", err)
			}
		}
	})
}
