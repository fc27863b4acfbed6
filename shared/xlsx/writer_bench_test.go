package xlsx_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/leadrouter/leadrouter/shared/lead"
	"github.com/leadrouter/leadrouter/shared/routing"
	"github.com/leadrouter/leadrouter/shared/sheet"
	"github.com/leadrouter/leadrouter/shared/store"
	"github.com/leadrouter/leadrouter/shared/xlsx"
)

// BenchmarkDrainBurst drains a burst of 1,000 leads into a workbook with
// the default batch size and rate limits. It reports the Book calls per
// burst, and the simulated time the drain took when every third call is
// throttled and each retry waits its full backoff ceiling.
func BenchmarkDrainBurst(b *testing.B) {
	for _, throttle := range []bool{false, true} {
		name := "clean"
		if throttle {
			name = "every_third_call_throttled"
		}

		b.Run(name, func(b *testing.B) {
			var calls int
			var simulated time.Duration

			for b.Loop() {
				b.StopTimer()
				book, err := xlsx.Open(filepath.Join(b.TempDir(), "leads.xlsx"))
				if err != nil {
					b.Fatalf("Open() = %v", err)
				}
				counted := &countingBook{Book: book, throttle: throttle}
				outbox := newBurst(1000)
				start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
				now := start
				writer := sheet.NewWriter(outbox, counted, sheet.Options{
					Now: func() time.Time { return now },
					Sleep: func(_ context.Context, d time.Duration) error {
						now = now.Add(d)
						return nil
					},
					Retry: sheet.RetryPolicy{Jitter: func() float64 { return 1 }},
				})
				b.StartTimer()

				written, err := writer.Drain(context.Background())
				if err != nil {
					b.Fatalf("Drain() = %v", err)
				}
				if written != 1000 {
					b.Fatalf("Drain() wrote %d rows, want 1000", written)
				}

				b.StopTimer()
				calls, simulated = counted.calls, now.Sub(start)
				_ = book.Close()
				b.StartTimer()
			}

			b.ReportMetric(float64(calls), "calls/burst")
			b.ReportMetric(simulated.Seconds(), "simulated-s/burst")
		})
	}
}

// countingBook counts the Book calls that reach the workbook and, when
// throttle is set, fails every third one with sheet.ErrThrottled before
// it reaches the workbook.
type countingBook struct {
	*xlsx.Book
	throttle bool
	calls    int
}

func (c *countingBook) tick() error {
	c.calls++
	if c.throttle && c.calls%3 == 0 {
		return fmt.Errorf("HTTP 429: %w", sheet.ErrThrottled)
	}
	return nil
}

func (c *countingBook) EnsureTabs(ctx context.Context, tabs []sheet.Tab) error {
	if err := c.tick(); err != nil {
		return err
	}
	return c.Book.EnsureTabs(ctx, tabs)
}

func (c *countingBook) Column(ctx context.Context, tab, header string) ([]string, error) {
	if err := c.tick(); err != nil {
		return nil, err
	}
	return c.Book.Column(ctx, tab, header)
}

func (c *countingBook) Append(ctx context.Context, tab string, rows []sheet.Row) error {
	if err := c.tick(); err != nil {
		return err
	}
	return c.Book.Append(ctx, tab, rows)
}

// burst is an in-memory outbox of leads received in one minute.
type burst struct {
	recs []store.Record
}

func newBurst(n int) *burst {
	o := &burst{}
	for i := range n {
		o.recs = append(o.recs, store.Record{
			Lead: lead.Lead{
				ID:         fmt.Sprintf("L-%026d", i),
				ReceivedAt: time.Date(2026, 3, 2, 9, 0, i%60, 0, time.UTC),
				Company:    fmt.Sprintf("Company %d", i),
				Email:      fmt.Sprintf("contact%d@example.com", i),
				Source:     "inbound",
				Employees:  50 + i,
			},
			Decision: routing.Decision{Owner: "ana", Zone: routing.ZonePrimary, Rule: "inbound", Explanation: []string{"Source is inbound."}},
		})
	}
	return o
}

func (o *burst) Pending(_ context.Context, limit int) ([]store.Record, error) {
	var pending []store.Record
	for _, rec := range o.recs {
		if rec.SheetWrittenAt.IsZero() && len(pending) < limit {
			pending = append(pending, rec)
		}
	}
	return pending, nil
}

func (o *burst) MarkWritten(_ context.Context, ids []string, at time.Time) error {
	marked := make(map[string]bool, len(ids))
	for _, id := range ids {
		marked[id] = true
	}
	for i := range o.recs {
		if marked[o.recs[i].Lead.ID] {
			o.recs[i].SheetWrittenAt = at
		}
	}
	return nil
}
