package sheet

import (
	"context"
	"math/rand/v2"
	"time"
)

// Writer defaults. The Sheets API allows 60 read and 60 write requests a
// minute per user (developers.google.com/sheets/api/limits), and the
// service account is one user. Staying at 50 leaves room for the sheet
// sync and for a person running `leadrouter sheet init`.
const (
	DefaultBatchSize       = 200
	MaxBatchSize           = 1000
	DefaultWritesPerMinute = 50
	DefaultReadsPerMinute  = 50
)

// Retry defaults: eight attempts with exponential backoff from one second,
// each delay capped at one minute. The seven delay ceilings sum to 123
// seconds, so the expected total wait (half of that, because of full
// jitter) about covers the minute after which Google refills a quota.
const (
	DefaultRetryAttempts = 8
	DefaultRetryBase     = time.Second
	DefaultRetryMax      = time.Minute
)

// Options configures a Writer. A zero or negative field takes its default.
type Options struct {
	// BatchSize is the number of leads per append, DefaultBatchSize by
	// default. Values above MaxBatchSize are lowered to it, because Google
	// recommends request bodies of at most 2 MB and a Leads row of long
	// text comes close to 2 KB.
	BatchSize int
	// Location is the team's time zone, in which Received is written. UTC
	// by default.
	Location *time.Location
	// Now returns the current time; time.Now by default. It stamps
	// MarkWritten and drives the rate limits.
	Now func() time.Time
	// Sleep waits for d or until ctx ends, returning ctx.Err() then. The
	// default uses a timer; tests pass one that advances a simulated clock.
	Sleep func(ctx context.Context, d time.Duration) error
	// WritesPerMinute caps the appends (and EnsureTabs calls) that start
	// in any one minute; DefaultWritesPerMinute by default.
	WritesPerMinute int
	// ReadsPerMinute caps the Lead ID column reads (and EnsureTabs calls)
	// that start in any one minute; DefaultReadsPerMinute by default.
	//
	// NOTE: both caps count Book calls. An adapter that makes more than
	// one API request per call, as an Append that reads the tab first
	// does, spends more of Google's quota than the caps show.
	ReadsPerMinute int
	// Retry sets how throttled and unavailable requests are retried.
	Retry RetryPolicy
	// OnRetry, when set, is called before each wait for a retry with the
	// failed operation, the error, the attempt that failed (1 for the
	// first) and the delay. The writer logs nothing itself, so this is
	// where a caller logs retries.
	OnRetry func(operation string, err error, attempt int, delay time.Duration)
}

// RetryPolicy is exponential backoff with full jitter: after failed
// attempt n (from 0) the writer waits a uniformly random time between 0
// and min(Max, Base·2^n). Only ErrThrottled and ErrUnavailable are
// retried; ErrInvalid, ErrNotFound and any other error fail at once.
type RetryPolicy struct {
	// Attempts is the number of tries, the first included;
	// DefaultRetryAttempts by default. 1 means no retry.
	Attempts int
	// Base is the delay cap after the first failed attempt;
	// DefaultRetryBase by default.
	Base time.Duration
	// Max caps every delay; DefaultRetryMax by default.
	Max time.Duration
	// Jitter returns a number in [0, 1) that scales each delay;
	// math/rand/v2's Float64 by default.
	Jitter func() float64
}

// withDefaults returns o with every unset field at its default.
func (o Options) withDefaults() Options {
	if o.BatchSize <= 0 {
		o.BatchSize = DefaultBatchSize
	}
	o.BatchSize = min(o.BatchSize, MaxBatchSize)
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = sleepContext
	}
	if o.WritesPerMinute <= 0 {
		o.WritesPerMinute = DefaultWritesPerMinute
	}
	if o.ReadsPerMinute <= 0 {
		o.ReadsPerMinute = DefaultReadsPerMinute
	}

	if o.Retry.Attempts <= 0 {
		o.Retry.Attempts = DefaultRetryAttempts
	}
	if o.Retry.Base <= 0 {
		o.Retry.Base = DefaultRetryBase
	}
	if o.Retry.Max <= 0 {
		o.Retry.Max = DefaultRetryMax
	}
	if o.Retry.Jitter == nil {
		o.Retry.Jitter = rand.Float64
	}
	return o
}

// delay returns the wait after failed attempt n, counted from 0.
func (p RetryPolicy) delay(n int) time.Duration {
	ceiling := p.Max
	if n < 32 && p.Base<<n > 0 && p.Base<<n < p.Max {
		ceiling = p.Base << n
	}
	return time.Duration(p.Jitter() * float64(ceiling))
}

func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}

	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
