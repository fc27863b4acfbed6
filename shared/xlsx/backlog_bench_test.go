package xlsx_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/leadrouter/leadrouter/shared/bolt"
	"github.com/leadrouter/leadrouter/shared/lead"
	"github.com/leadrouter/leadrouter/shared/routing"
	"github.com/leadrouter/leadrouter/shared/sheet"
	"github.com/leadrouter/leadrouter/shared/store"
	"github.com/leadrouter/leadrouter/shared/xlsx"
)

// backlogLeads is the size of the backlog BenchmarkDrainBacklog drains.
const backlogLeads = 5000

// BenchmarkDrainBacklog drains 5,000 pending leads from a bolt store into
// a new workbook, as the local server's outbox loop does after a CSV
// replay, with the writer's default rate limits. It reports the rows
// written per second and the CPU seconds the process used per drain, which
// other load on the machine changes less than the wall time. Each
// iteration starts from a copy of the same store file, so only the drain
// is timed.
func BenchmarkDrainBacklog(b *testing.B) {
	for _, batchSize := range []int{sheet.DefaultBatchSize, sheet.MaxBatchSize} {
		b.Run(fmt.Sprintf("batch=%d", batchSize), func(b *testing.B) {
			template := filepath.Join(b.TempDir(), "backlog.db")
			writeBacklog(b, template, backlogLeads)
			var cpu time.Duration

			for b.Loop() {
				b.StopTimer()
				dir := b.TempDir()
				copyFile(b, template, filepath.Join(dir, "leadrouter.db"))
				st, err := bolt.Open(filepath.Join(dir, "leadrouter.db"))
				if err != nil {
					b.Fatalf("open the store copy: %v", err)
				}
				book, err := xlsx.Open(filepath.Join(dir, "leads.xlsx"))
				if err != nil {
					b.Fatalf("open a new workbook: %v", err)
				}
				writer := sheet.NewWriter(st, book, sheet.Options{BatchSize: batchSize})
				cpuBefore := processCPU(b)
				b.StartTimer()

				written, err := writer.Drain(context.Background())
				if err != nil {
					b.Fatalf("Drain() = %v", err)
				}

				b.StopTimer()
				cpu += processCPU(b) - cpuBefore
				if written != backlogLeads {
					b.Fatalf("Drain() wrote %d rows, want %d", written, backlogLeads)
				}
				_ = book.Close()
				_ = st.Close()
				b.StartTimer()
			}

			b.ReportMetric(float64(backlogLeads)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
		})
	}
}

// writeBacklog commits n routed leads to a new bolt store at path, all
// pending.
func writeBacklog(b *testing.B, path string, n int) {
	b.Helper()

	st, err := bolt.Open(path)
	if err != nil {
		b.Fatalf("create the store: %v", err)
	}
	defer st.Close()

	received := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for i := range n {
		rec := store.Record{
			Lead: lead.Lead{
				ID:         fmt.Sprintf("L-%026d", i),
				ReceivedAt: received.Add(time.Duration(i) * time.Second),
				FirstName:  "Ada",
				LastName:   fmt.Sprintf("Lovelace %d", i),
				Email:      fmt.Sprintf("contact%d@example.com", i),
				Phone:      "+44 20 7946 0958",
				Company:    fmt.Sprintf("Company %d", i),
				Domain:     fmt.Sprintf("company%d.example", i),
				Source:     "inbound",
				Industry:   "Education",
				Country:    "India",
				Employees:  50 + i,
				Potential:  5000,
			},
			Decision: routing.Decision{
				Owner:       "ana",
				Zone:        routing.ZonePrimary,
				Rule:        "inbound",
				Explanation: []string{"Source is inbound, so rule inbound sends the lead to ana."},
			},
		}
		if err := st.Commit(context.Background(), rec); err != nil {
			b.Fatalf("commit lead %d: %v", i, err)
		}
	}
}

// processCPU returns the user and system CPU time the process has used.
func processCPU(b *testing.B) time.Duration {
	b.Helper()

	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		b.Fatalf("read the CPU time: %v", err)
	}
	return time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
}

func copyFile(b *testing.B, from, to string) {
	b.Helper()

	source, err := os.Open(from)
	if err != nil {
		b.Fatal(err)
	}
	defer source.Close()
	target, err := os.Create(to)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(target, source); err != nil {
		b.Fatal(err)
	}
	if err := target.Close(); err != nil {
		b.Fatal(err)
	}
}
