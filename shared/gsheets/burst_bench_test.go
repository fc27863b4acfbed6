package gsheets_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/leadrouter/leadrouter/shared/gsheets/fakesheets"
	"github.com/leadrouter/leadrouter/shared/sheet"
	"github.com/leadrouter/leadrouter/shared/store"
)

// The benchmarks below write a burst of 1,000 leads to a fresh sheet
// through the real client and the fake Sheets API. They report the Sheets
// requests the burst takes (requests/burst, write-requests/burst) and the
// time that quota waits and backoff add (sim-seconds/burst), counted on a
// simulated clock. Wall-clock ns/op covers only this process and the local
// fake, not Google's latency.

const burstSize = 1000

// reportBurst records the request counts and simulated time of one burst.
func reportBurst(b *testing.B, requests, writes int, simSeconds float64) {
	b.ReportMetric(float64(requests), "requests/burst")
	b.ReportMetric(float64(writes), "write-requests/burst")
	b.ReportMetric(simSeconds, "sim-seconds/burst")
}

// BenchmarkBurstDrain drains 1,000 pending leads with the default batch
// size, as the scheduled safety net or the local server does.
func BenchmarkBurstDrain(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		burst := newBurst(b, burstSize, sheet.Options{})
		b.StartTimer()

		if _, err := burst.writer.Drain(context.Background()); err != nil {
			b.Fatalf("Drain: %v", err)
		}

		b.StopTimer()
		if got := len(burst.leadIDs()); got != burstSize {
			b.Fatalf("sheet has %d rows, want %d", got, burstSize)
		}
		reportBurst(b, burst.fake.Count(), burst.fake.Count(fakesheets.Writes...), burst.clock.Now().Sub(burst.start).Seconds())
		b.StartTimer()
	}
}

// BenchmarkBurstQueueBatches writes 1,000 leads through Writer.Write in
// queue batches of the given size, as the sheetwriter function receives
// them from SQS.
func BenchmarkBurstQueueBatches(b *testing.B) {
	for _, size := range []int{10, 100, 200} {
		b.Run(batchName(size), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				burst := newBurst(b, burstSize, sheet.Options{})
				recs := pendingRecords(b, burst)
				b.StartTimer()

				for start := 0; start < len(recs); start += size {
					chunk := recs[start:min(start+size, len(recs))]
					if failed, err := burst.writer.Write(context.Background(), chunk); err != nil {
						b.Fatalf("Write: %d failed: %v", len(failed), err)
					}
				}

				b.StopTimer()
				reportBurst(b, burst.fake.Count(), burst.fake.Count(fakesheets.Writes...), burst.clock.Now().Sub(burst.start).Seconds())
				b.StartTimer()
			}
		})
	}
}

// BenchmarkBurstDrainThrottled drains 1,000 leads while every third
// request fails with 429, to show what the backoff costs.
func BenchmarkBurstDrainThrottled(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		burst := newBurst(b, burstSize, sheet.Options{})
		burst.fake.FailEvery(3, http.StatusTooManyRequests)
		b.StartTimer()

		burst.drainAll(b)

		b.StopTimer()
		reportBurst(b, burst.fake.Count(), burst.fake.Count(fakesheets.Writes...), burst.clock.Now().Sub(burst.start).Seconds())
		b.StartTimer()
	}
}

func pendingRecords(b *testing.B, burst *burst) []store.Record {
	b.Helper()

	recs, err := burst.store.Pending(context.Background(), burstSize)
	if err != nil {
		b.Fatal(err)
	}
	return recs
}

func batchName(size int) string {
	switch size {
	case 10:
		return "batch=10"
	case 100:
		return "batch=100"
	default:
		return "batch=200"
	}
}
