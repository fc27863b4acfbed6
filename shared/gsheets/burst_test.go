package gsheets_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/leadrouter/leadrouter/shared/bolt"
	"github.com/leadrouter/leadrouter/shared/gsheets"
	"github.com/leadrouter/leadrouter/shared/gsheets/fakesheets"
	"github.com/leadrouter/leadrouter/shared/lead"
	"github.com/leadrouter/leadrouter/shared/routing"
	"github.com/leadrouter/leadrouter/shared/sheet"
	"github.com/leadrouter/leadrouter/shared/store"
)

// simClock is a simulated clock for the writer: Sleep advances it at once,
// so quota waits and backoff cost no real time.
type simClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *simClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *simClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return nil
}

// burst is a store holding n pending leads, a fake sheet, and a writer
// between them on a simulated clock.
type burst struct {
	store  *bolt.Store
	fake   *fakesheets.Server
	clock  *simClock
	writer *sheet.Writer
	start  time.Time
}

func newBurst(tb testing.TB, n int, opts sheet.Options) *burst {
	tb.Helper()

	st, err := bolt.Open(filepath.Join(tb.TempDir(), "leads.db"))
	if err != nil {
		tb.Fatalf("bolt.Open: %v", err)
	}
	tb.Cleanup(func() { _ = st.Close() })

	received := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	for i := range n {
		rec := store.Record{
			Lead: lead.Lead{
				ID:         fmt.Sprintf("L-%05d", i),
				ReceivedAt: received.Add(time.Duration(i) * time.Second),
				Company:    fmt.Sprintf("Company %d", i),
				Source:     "inbound",
				Potential:  float64(1000 + i),
			},
			Decision: routing.Decision{Owner: "rep-a", Rule: "inbound"},
		}
		if err := st.Commit(context.Background(), rec); err != nil {
			tb.Fatalf("Commit: %v", err)
		}
	}

	fake, book := newBook(tb)
	clock := &simClock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	opts.Now, opts.Sleep = clock.Now, clock.Sleep
	opts.Retry.Jitter = func() float64 { return 1 }

	return &burst{
		store:  st,
		fake:   fake,
		clock:  clock,
		writer: sheet.NewWriter(st, book, opts),
		start:  clock.Now(),
	}
}

// leadIDs returns the Lead ID column as the fake stores it.
func (b *burst) leadIDs() []string {
	var ids []string
	for i, row := range b.fake.Text(sheet.TabLeads) {
		if i > 0 && len(row) > 0 {
			ids = append(ids, row[0])
		}
	}
	return ids
}

func (b *burst) pending(tb testing.TB) int {
	tb.Helper()

	recs, err := b.store.Pending(context.Background(), 10000)
	if err != nil {
		tb.Fatal(err)
	}
	return len(recs)
}

// drainAll calls Drain until the outbox is empty, at most ten times.
func (b *burst) drainAll(tb testing.TB) {
	tb.Helper()

	for range 10 {
		if _, err := b.writer.Drain(context.Background()); err != nil {
			tb.Logf("Drain: %v", err)
		}
		if b.pending(tb) == 0 {
			return
		}
	}
	tb.Fatalf("%d leads still pending after ten drains", b.pending(tb))
}

func checkExactlyOnce(t *testing.T, ids []string, n int) {
	t.Helper()

	if len(ids) != n {
		t.Errorf("sheet has %d lead rows, want %d", len(ids), n)
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Errorf("lead %s has more than one row", id)
		}
		seen[id] = true
	}
	for i := range n {
		if id := fmt.Sprintf("L-%05d", i); !seen[id] {
			t.Errorf("lead %s has no row", id)
		}
	}
}

func TestBurstThrottledEveryThirdCall(t *testing.T) {
	b := newBurst(t, 1000, sheet.Options{})
	b.fake.FailEvery(3, http.StatusTooManyRequests)

	b.drainAll(t)

	checkExactlyOnce(t, b.leadIDs(), 1000)
	if got := b.pending(t); got != 0 {
		t.Errorf("pending leads = %d, want 0", got)
	}
}

func TestBurstServerErrorsAfterWrite(t *testing.T) {
	b := newBurst(t, 1000, sheet.Options{})
	// The append takes effect, then the client sees a 500: the writer must
	// find the rows on its next read and not append them again.
	b.fake.FailAfterApplyEvery(2, http.StatusInternalServerError, fakesheets.MethodAppend)

	b.drainAll(t)

	checkExactlyOnce(t, b.leadIDs(), 1000)
}

func TestBurstSlowAnswersWithinTimeout(t *testing.T) {
	b := newBurst(t, 50, sheet.Options{BatchSize: 25})
	b.fake.SetDelay(20 * time.Millisecond)

	b.drainAll(t)

	checkExactlyOnce(t, b.leadIDs(), 50)
}

func TestBurstTimeoutKeepsLeadsPending(t *testing.T) {
	b := newBurst(t, 5, sheet.Options{})
	b.fake.SetDelay(5 * time.Second)
	book := bookOn(t, b.fake, gsheets.WithRequestTimeout(50*time.Millisecond))
	writer := sheet.NewWriter(b.store, book, sheet.Options{
		Now:   b.clock.Now,
		Sleep: b.clock.Sleep,
		Retry: sheet.RetryPolicy{Attempts: 2, Jitter: func() float64 { return 1 }},
	})

	_, err := writer.Drain(context.Background())

	if !errors.Is(err, sheet.ErrUnavailable) {
		t.Errorf("Drain error = %v, want ErrUnavailable", err)
	}
	if got := b.pending(t); got != 5 {
		t.Errorf("pending leads = %d, want all 5 kept for the next drain", got)
	}
}
