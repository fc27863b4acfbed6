package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// BenchmarkServeIntake posts leads to the in-process local server over
// loopback HTTP from 1 and 8 concurrent clients, with the embedded store.
// With outbox=on the outbox loop writes the workbook every second, as in
// `make run`, and competes for the CPU; with outbox=off the rows stay
// pending. It reports throughput and per-request latency percentiles; b.N
// is the number of leads.
func BenchmarkServeIntake(b *testing.B) {
	for _, outbox := range []bool{false, true} {
		for _, clients := range []int{1, 8} {
			name := fmt.Sprintf("outbox=%s/clients=%d", map[bool]string{false: "off", true: "on"}[outbox], clients)
			b.Run(name, func(b *testing.B) {
				benchmarkIntake(b, clients, outbox)
			})
		}
	}
}

func benchmarkIntake(b *testing.B, clients int, outbox bool) {
	srv := benchServer(b, outbox)
	url := "http://" + srv.addr() + "/leads"
	transport := &http.Transport{MaxIdleConnsPerHost: clients}
	client := &http.Client{Transport: transport, Timeout: 30 * time.Second}
	defer transport.CloseIdleConnections()

	latencies := make([]time.Duration, b.N)
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	started := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					return
				}
				body := fmt.Sprintf(`{"email":"buyer%d@bench%d.example","company":"Bench %d","source":"inbound","budget":"5k"}`, i, i, i)
				begin := time.Now()
				res, err := client.Post(url, "application/json", bytes.NewBufferString(body))
				if err != nil {
					b.Errorf("post lead %d: %v", i, err)
					return
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusAccepted {
					b.Errorf("lead %d: status %d", i, res.StatusCode)
					return
				}
				latencies[i] = time.Since(begin)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(started)
	b.StopTimer()

	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "leads/s")
	b.ReportMetric(float64(percentile(latencies, 0.50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(percentile(latencies, 0.99).Microseconds())/1000, "p99-ms")
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(float64(len(sorted))*p))]
}

func benchServer(b *testing.B, outbox bool) *server {
	b.Helper()

	drainEvery := time.Second
	if !outbox {
		drainEvery = time.Hour
	}

	cfg := serveConfig{
		addr:          "127.0.0.1:0",
		planPath:      examplePlan,
		dataDir:       b.TempDir(),
		revealRouting: true,
		maxBodyBytes:  64 << 10,
		drainEvery:    drainEvery,
		drainOnStop:   false,
	}
	srv, err := startServer(b.Context(), cfg, zerolog.Nop())
	if err != nil {
		b.Fatalf("start server: %v", err)
	}
	b.Cleanup(func() { _ = srv.stop(b.Context()) })
	return srv
}
