package sheet

import (
	"context"
	"time"
)

// limiter lets at most limit requests start in any window of one minute,
// which is how the Sheets API counts its per-minute quotas.
//
// It is a sliding-window log rather than a token bucket, because a bucket
// of capacity B refilled at R a minute lets B+R requests through in one
// minute, and the quota allows no such burst. It reads time from now and
// waits with sleep, so tests drive it with a simulated clock. It is not
// safe for concurrent use; the Writer calls it under its mutex.
type limiter struct {
	limit  int
	window time.Duration
	now    func() time.Time
	sleep  func(ctx context.Context, d time.Duration) error

	// starts holds the start times of the last limit requests as a ring;
	// next is the index of the oldest once the ring is full.
	starts []time.Time
	next   int
}

func newLimiter(limit int, now func() time.Time, sleep func(context.Context, time.Duration) error) *limiter {
	return &limiter{
		limit:  limit,
		window: time.Minute,
		now:    now,
		sleep:  sleep,
		starts: make([]time.Time, 0, limit),
	}
}

// wait blocks until one more request may start without exceeding the
// limit, and records its start. It returns the context's error when ctx
// ends first.
func (l *limiter) wait(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}

	if len(l.starts) < l.limit {
		l.starts = append(l.starts, l.now())
		return nil
	}

	// The oldest of the last limit requests must leave the window first.
	oldest := l.starts[l.next]
	if delay := oldest.Add(l.window).Sub(l.now()); delay > 0 {
		if err := l.sleep(ctx, delay); err != nil {
			return err
		}
	}

	l.starts[l.next] = l.now()
	l.next = (l.next + 1) % l.limit
	return nil
}
