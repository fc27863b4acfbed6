package sheettest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leadrouter/leadrouter/shared/lead"
	"github.com/leadrouter/leadrouter/shared/routing"
	"github.com/leadrouter/leadrouter/shared/sheet"
	"github.com/leadrouter/leadrouter/shared/store"
)

// RunWriter runs the outbox writer against books made by newBook, with
// faults injected between the writer and the book: throttling, outages,
// appends that take effect but report an error, and crashes between the
// append and MarkWritten. Time is simulated, so no test sleeps.
func RunWriter(t *testing.T, newBook NewBook) {
	t.Helper()

	for _, tc := range writerTests {
		t.Run(tc.name, func(t *testing.T) {
			tc.run(t, newWriterRig(t, newBook))
		})
	}
}

type writerTest struct {
	name string
	run  func(t *testing.T, rig *writerRig)
}

// writerRig is one writer test's world: a book behind a fault injector, an
// in-memory outbox and a simulated clock.
type writerRig struct {
	book   book
	faults *faultBook
	outbox *memoryOutbox
	clock  *clock
}

func newWriterRig(t *testing.T, newBook NewBook) *writerRig {
	t.Helper()

	b := arranged(t, newBook(t))
	c := &clock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	return &writerRig{
		book:   b,
		faults: &faultBook{Book: b, clock: c},
		outbox: &memoryOutbox{},
		clock:  c,
	}
}

// writer returns a Writer on the rig with the simulated clock, a jitter of
// exactly one (so each delay is its ceiling) and opts' other fields.
func (r *writerRig) writer(opts sheet.Options) *sheet.Writer {
	opts.Now = r.clock.Now
	opts.Sleep = r.clock.Sleep
	if opts.Retry.Jitter == nil {
		opts.Retry.Jitter = func() float64 { return 1 }
	}
	return sheet.NewWriter(r.outbox, r.faults, opts)
}

// sheetIDs returns the Lead ID column of the Leads tab.
func (r *writerRig) sheetIDs(t *testing.T) []string {
	t.Helper()

	return mustColumn(t, r.book, sheet.TabLeads, sheet.HeaderLeadID)
}

func checkIDs(t *testing.T, got, want []string) {
	t.Helper()

	if len(got) != len(want) {
		t.Errorf("sheet has %d Lead IDs, want %d", len(got), len(want))
	}
	seen := map[string]int{}
	for _, id := range got {
		seen[id]++
		if seen[id] == 2 {
			t.Errorf("Lead ID %q appears more than once in the sheet", id)
		}
	}
	if !reflect.DeepEqual(got, want) && len(got) <= 20 {
		t.Errorf("sheet Lead IDs = %q, want %q", got, want)
	}
}

var writerTests = []writerTest{
	{"drain writes each lead once", func(t *testing.T, r *writerRig) {
		ids := r.outbox.add(5)
		w := r.writer(sheet.Options{})

		written, err := w.Drain(context.Background())
		if err != nil {
			t.Fatalf("Drain() = %v", err)
		}
		if written != 5 {
			t.Errorf("Drain() wrote %d rows, want 5", written)
		}
		checkIDs(t, r.sheetIDs(t), ids)
		if pending := r.outbox.pending(); len(pending) != 0 {
			t.Errorf("outbox still has %q pending", pending)
		}

		again, err := w.Drain(context.Background())
		if err != nil {
			t.Fatalf("second Drain() = %v", err)
		}
		if again != 0 {
			t.Errorf("second Drain() wrote %d rows, want 0", again)
		}
		checkIDs(t, r.sheetIDs(t), ids)
	}},

	{"rows hold the lead under its headers", func(t *testing.T, r *writerRig) {
		headers := slices.Clone(sheet.Leads.Headers)
		slices.Reverse(headers)
		r.book.SetGrid(t, sheet.TabLeads, [][]string{headers, {"a rep's note"}})
		r.outbox.add(1)

		if _, err := r.writer(sheet.Options{}).Drain(context.Background()); err != nil {
			t.Fatalf("Drain() = %v", err)
		}

		rows := mustRows(t, r.book, sheet.TabLeads)
		if len(rows) != 2 {
			t.Fatalf("Leads has %d data rows, want 2", len(rows))
		}
		if want := map[string]string{headers[0]: "a rep's note"}; !reflect.DeepEqual(rows[0], want) {
			t.Errorf("rep's row = %q, want it unchanged as %q", rows[0], want)
		}
		want := map[string]string{
			sheet.HeaderLeadID:       "L-0001",
			sheet.HeaderReceived:     "2026-03-02 08:01:00",
			sheet.HeaderCompany:      "=HYPERLINK(\"http://x\",\"Company 1\")",
			sheet.HeaderEmployees:    "11",
			sheet.HeaderOwner:        "ana",
			sheet.HeaderZone:         "primary",
			sheet.HeaderMessage:      "How can we help?\n=SUM(1)",
			sheet.HeaderDetails:      "Budget: -5k\nutm_source: ads",
			sheet.HeaderSubmissionID: "001",
		}
		for header, value := range want {
			if rows[1][header] != value {
				t.Errorf("new row %q = %q, want %q", header, rows[1][header], value)
			}
		}
		for _, header := range sheet.Leads.RepEdited {
			if value, ok := rows[1][header]; ok {
				t.Errorf("new row has %q = %q in a rep-edited column, want it blank", header, value)
			}
		}
	}},

	{"drain adds Lead ID to a tab without data", func(t *testing.T, r *writerRig) {
		r.book.SetGrid(t, sheet.TabLeads, [][]string{{"Notes"}})
		ids := r.outbox.add(2)

		if _, err := r.writer(sheet.Options{}).Drain(context.Background()); err != nil {
			t.Fatalf("Drain() = %v", err)
		}

		checkIDs(t, r.sheetIDs(t), ids)
	}},

	{"drain rejects data without Lead ID", func(t *testing.T, r *writerRig) {
		renamed := [][]string{{"Lead", "Notes"}, {"L-0001", "kept"}, {}, {"L-0002"}}
		r.book.SetGrid(t, sheet.TabLeads, renamed)
		ids := r.outbox.add(2)
		w := r.writer(sheet.Options{})

		_, err := w.Drain(context.Background())

		checkKind(t, err, sheet.ErrInvalid, "Drain(Lead ID header renamed)")
		checkMissingLeadID(t, err, 2)
		checkGrid(t, r.book, sheet.TabLeads, renamed)
		if pending := r.outbox.pending(); !reflect.DeepEqual(pending, ids) {
			t.Errorf("outbox pending = %q, want %q kept for the next run", pending, ids)
		}
		if r.faults.appendCalls != 0 {
			t.Errorf("Drain() appended %d times, want none", r.faults.appendCalls)
		}

		// Once a rep renames the header back, the same writer writes the
		// leads, and the rows already there keep it from repeating them.
		renamed[0][0] = sheet.HeaderLeadID
		r.book.SetGrid(t, sheet.TabLeads, renamed)
		written, err := w.Drain(context.Background())
		if err != nil {
			t.Fatalf("Drain() after the rename back = %v", err)
		}
		if written != 0 {
			t.Errorf("Drain() after the rename back wrote %d rows, want 0: both leads have rows", written)
		}
		if pending := r.outbox.pending(); len(pending) != 0 {
			t.Errorf("outbox still has %q pending after the rename back", pending)
		}
	}},

	{"write rejects Lead ID renamed mid-run", func(t *testing.T, r *writerRig) {
		first := r.outbox.add(1)
		w := r.writer(sheet.Options{})
		if failed, err := w.Write(context.Background(), r.outbox.records()); err != nil {
			t.Fatalf("first Write() = %q, %v", failed, err)
		}
		grid := r.book.Grid(t, sheet.TabLeads)
		for i, header := range grid[0] {
			if header == sheet.HeaderLeadID {
				grid[0][i] = "ID"
			}
		}
		r.book.SetGrid(t, sheet.TabLeads, grid)
		next := r.outbox.add(1)

		failed, err := w.Write(context.Background(), r.outbox.records()[len(first):])

		checkKind(t, err, sheet.ErrInvalid, "Write(Lead ID header renamed)")
		checkMissingLeadID(t, err, 1)
		if !reflect.DeepEqual(failed, next) {
			t.Errorf("Write() failed = %q, want %q", failed, next)
		}
		checkGrid(t, r.book, sheet.TabLeads, grid)
		if pending := r.outbox.pending(); !reflect.DeepEqual(pending, next) {
			t.Errorf("outbox pending = %q, want %q", pending, next)
		}
	}},

	{"crash before MarkWritten gives no duplicate", func(t *testing.T, r *writerRig) {
		ids := r.outbox.add(5)
		r.outbox.markFailures = 1

		_, err := r.writer(sheet.Options{}).Drain(context.Background())
		if err == nil {
			t.Fatalf("Drain() with a failing MarkWritten = nil, want an error")
		}

		// A new writer, as after a restart, finds the leads still pending.
		written, err := r.writer(sheet.Options{}).Drain(context.Background())
		if err != nil {
			t.Fatalf("Drain() after the crash = %v", err)
		}
		if written != 0 {
			t.Errorf("Drain() after the crash wrote %d rows, want 0", written)
		}
		checkIDs(t, r.sheetIDs(t), ids)
		if pending := r.outbox.pending(); len(pending) != 0 {
			t.Errorf("outbox still has %q pending", pending)
		}
	}},

	{"append that landed but failed is not repeated", func(t *testing.T, r *writerRig) {
		ids := r.outbox.add(3)
		r.faults.fault = func(call faultCall) (before, after error) {
			if call.op == "append" && call.opCall == 1 {
				return nil, fmt.Errorf("read response: timed out: %w", sheet.ErrUnavailable)
			}
			return nil, nil
		}

		written, err := r.writer(sheet.Options{}).Drain(context.Background())
		if err != nil {
			t.Fatalf("Drain() = %v", err)
		}

		checkIDs(t, r.sheetIDs(t), ids)
		if written != 0 {
			t.Errorf("Drain() reported %d rows, want 0, because the first append reported failure", written)
		}
		if r.faults.columnCalls != 3 {
			t.Errorf("Lead ID column read %d times, want 3 (the check of the tab, before the append and again after the unavailable one)", r.faults.columnCalls)
		}
	}},

	{"burst with every third call throttled", func(t *testing.T, r *writerRig) {
		ids := r.outbox.add(1000)
		r.faults.fault = func(call faultCall) (before, after error) {
			if call.n%3 == 0 {
				return throttled(), nil
			}
			return nil, nil
		}

		written, err := r.writer(sheet.Options{}).Drain(context.Background())
		if err != nil {
			t.Fatalf("Drain() = %v", err)
		}

		if written != 1000 {
			t.Errorf("Drain() wrote %d rows, want 1000", written)
		}
		checkIDs(t, r.sheetIDs(t), ids)
		if pending := r.outbox.pending(); len(pending) != 0 {
			t.Errorf("outbox still has %d leads pending", len(pending))
		}
		if requests := r.faults.appendCalls + r.faults.columnCalls; requests > 20 {
			t.Errorf("burst took %d appends and column reads, want at most 20", requests)
		}
		if len(r.clock.sleeps) == 0 {
			t.Errorf("writer never waited after a throttled call")
		}
	}},

	{"throttling backs off then gives up", func(t *testing.T, r *writerRig) {
		r.outbox.add(2)
		r.faults.fault = func(call faultCall) (before, after error) {
			if call.op == "append" {
				return throttled(), nil
			}
			return nil, nil
		}
		retry := sheet.RetryPolicy{Attempts: 5, Base: time.Second, Max: 5 * time.Second}

		_, err := r.writer(sheet.Options{Retry: retry}).Drain(context.Background())

		checkKind(t, err, sheet.ErrThrottled, "Drain() against a throttled book")
		if r.faults.appendCalls != 5 {
			t.Errorf("append tried %d times, want 5", r.faults.appendCalls)
		}
		want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second}
		if !reflect.DeepEqual(r.clock.sleeps, want) {
			t.Errorf("waits = %v, want %v (exponential, capped at 5s)", r.clock.sleeps, want)
		}
		if pending := r.outbox.pending(); len(pending) != 2 {
			t.Errorf("outbox has %d leads pending, want both", len(pending))
		}
	}},

	{"jitter scales each wait", func(t *testing.T, r *writerRig) {
		r.outbox.add(1)
		r.faults.fault = func(call faultCall) (before, after error) {
			if call.op == "append" && call.opCall <= 2 {
				return fmt.Errorf("HTTP 503: %w", sheet.ErrUnavailable), nil
			}
			return nil, nil
		}
		retry := sheet.RetryPolicy{Base: 10 * time.Second, Jitter: func() float64 { return 0.25 }}

		if _, err := r.writer(sheet.Options{Retry: retry}).Drain(context.Background()); err != nil {
			t.Fatalf("Drain() = %v", err)
		}

		want := []time.Duration{2500 * time.Millisecond, 5 * time.Second}
		if !reflect.DeepEqual(r.clock.sleeps, want) {
			t.Errorf("waits = %v, want %v (a quarter of 10s and of 20s)", r.clock.sleeps, want)
		}
	}},

	{"invalid request is not retried", func(t *testing.T, r *writerRig) {
		r.outbox.add(1)
		r.faults.fault = func(call faultCall) (before, after error) {
			if call.op == "append" {
				return fmt.Errorf("permission denied: %w", sheet.ErrInvalid), nil
			}
			return nil, nil
		}

		_, err := r.writer(sheet.Options{}).Drain(context.Background())

		checkKind(t, err, sheet.ErrInvalid, "Drain() against a book that rejects the append")
		if r.faults.appendCalls != 1 {
			t.Errorf("append tried %d times, want 1", r.faults.appendCalls)
		}
		if len(r.clock.sleeps) != 0 {
			t.Errorf("writer waited %v, want no wait", r.clock.sleeps)
		}
	}},

	{"cancelled context stops the wait", func(t *testing.T, r *writerRig) {
		r.outbox.add(1)
		ctx, cancel := context.WithCancel(context.Background())
		r.faults.fault = func(call faultCall) (before, after error) {
			if call.op == "append" {
				cancel()
				return throttled(), nil
			}
			return nil, nil
		}

		_, err := r.writer(sheet.Options{}).Drain(ctx)

		checkKind(t, err, context.Canceled, "Drain() cancelled during a retry wait")
		checkKind(t, err, sheet.ErrThrottled, "Drain() cancelled during a retry wait")
	}},

	{"rate limit holds in every minute", func(t *testing.T, r *writerRig) {
		r.outbox.add(60)

		w := r.writer(sheet.Options{BatchSize: 1, WritesPerMinute: 10, ReadsPerMinute: 10})
		if _, err := w.Drain(context.Background()); err != nil {
			t.Fatalf("Drain() = %v", err)
		}

		if r.faults.appendCalls != 60 {
			t.Fatalf("append called %d times, want 60", r.faults.appendCalls)
		}
		checkPerMinute(t, "appends", r.faults.appendTimes, 10)
		checkPerMinute(t, "column reads", r.faults.columnTimes, 10)
		if took := r.faults.appendTimes[59].Sub(r.faults.appendTimes[0]); took < 5*time.Minute {
			t.Errorf("60 appends at 10 a minute took %v, want at least 5m", took)
		}
	}},

	{"outbox that never marks stops", func(t *testing.T, r *writerRig) {
		r.outbox.add(2)
		r.outbox.ignoreMarks = true

		_, err := r.writer(sheet.Options{BatchSize: 2}).Drain(context.Background())

		if err == nil {
			t.Fatalf("Drain() with an outbox that ignores MarkWritten = nil, want an error")
		}
		checkIDs(t, r.sheetIDs(t), []string{"L-0001", "L-0002"})
	}},

	{"write reports only the failed batch", func(t *testing.T, r *writerRig) {
		r.outbox.add(6)
		r.faults.fault = func(call faultCall) (before, after error) {
			if call.op == "append" && slices.Contains(call.ids, "L-0003") {
				return fmt.Errorf("bad value: %w", sheet.ErrInvalid), nil
			}
			return nil, nil
		}

		failed, err := r.writer(sheet.Options{BatchSize: 2}).Write(context.Background(), r.outbox.records())

		checkKind(t, err, sheet.ErrInvalid, "Write() with one bad batch")
		if want := []string{"L-0003", "L-0004"}; !reflect.DeepEqual(failed, want) {
			t.Errorf("Write() failed = %q, want %q", failed, want)
		}
		checkIDs(t, r.sheetIDs(t), []string{"L-0001", "L-0002", "L-0005", "L-0006"})
		if pending := r.outbox.pending(); !reflect.DeepEqual(pending, []string{"L-0003", "L-0004"}) {
			t.Errorf("outbox pending = %q, want the failed batch", pending)
		}
	}},

	{"write stops after a lasting outage", func(t *testing.T, r *writerRig) {
		r.outbox.add(6)
		r.faults.fault = func(call faultCall) (before, after error) {
			if call.op == "append" && slices.Contains(call.ids, "L-0003") {
				return fmt.Errorf("HTTP 500: %w", sheet.ErrUnavailable), nil
			}
			return nil, nil
		}

		failed, err := r.writer(sheet.Options{BatchSize: 2, Retry: sheet.RetryPolicy{Attempts: 3}}).Write(context.Background(), r.outbox.records())

		checkKind(t, err, sheet.ErrUnavailable, "Write() during an outage")
		if want := []string{"L-0003", "L-0004", "L-0005", "L-0006"}; !reflect.DeepEqual(failed, want) {
			t.Errorf("Write() failed = %q, want %q", failed, want)
		}
		checkIDs(t, r.sheetIDs(t), []string{"L-0001", "L-0002"})
	}},

	{"write of a redelivered batch adds nothing", func(t *testing.T, r *writerRig) {
		ids := r.outbox.add(3)
		r.outbox.markFailures = 1
		w := r.writer(sheet.Options{})

		failed, err := w.Write(context.Background(), r.outbox.records())
		if err == nil {
			t.Errorf("Write() with a failing MarkWritten = nil error, want one")
		}
		if !reflect.DeepEqual(failed, ids) {
			t.Errorf("Write() failed = %q, want %q, so the queue delivers them again", failed, ids)
		}

		failed, err = w.Write(context.Background(), r.outbox.records())
		if err != nil {
			t.Fatalf("Write() of the redelivered batch = %v", err)
		}
		if len(failed) != 0 {
			t.Errorf("Write() of the redelivered batch failed %q, want none", failed)
		}
		checkIDs(t, r.sheetIDs(t), ids)
		if pending := r.outbox.pending(); len(pending) != 0 {
			t.Errorf("outbox still has %q pending", pending)
		}
	}},

	{"write skips repeated and written leads", func(t *testing.T, r *writerRig) {
		r.outbox.add(3)
		recs := r.outbox.records()
		recs[1].SheetWrittenAt = r.clock.Now()
		recs = append(recs, recs[0])

		failed, err := r.writer(sheet.Options{}).Write(context.Background(), recs)
		if err != nil {
			t.Fatalf("Write() = %v", err)
		}

		if len(failed) != 0 {
			t.Errorf("Write() failed %q, want none", failed)
		}
		checkIDs(t, r.sheetIDs(t), []string{"L-0001", "L-0003"})
	}},

	{"write of written leads sends nothing", func(t *testing.T, r *writerRig) {
		r.outbox.add(2)
		recs := r.outbox.records()
		for i := range recs {
			recs[i].SheetWrittenAt = r.clock.Now()
		}

		failed, err := r.writer(sheet.Options{}).Write(context.Background(), recs)

		if err != nil || len(failed) != 0 {
			t.Errorf("Write(written leads) = %q, %v, want nothing failed", failed, err)
		}
		if calls := r.faults.appendCalls + r.faults.columnCalls; calls != 0 {
			t.Errorf("Write(written leads) made %d book calls, want 0", calls)
		}
	}},

	{"write names a lead without id", func(t *testing.T, r *writerRig) {
		r.outbox.add(2)
		recs := append(r.outbox.records(), store.Record{})

		failed, err := r.writer(sheet.Options{}).Write(context.Background(), recs)

		checkKind(t, err, sheet.ErrInvalid, "Write(lead without id)")
		if len(failed) != 0 {
			t.Errorf("Write() failed %q, want none: the leads with ids were written", failed)
		}
		checkIDs(t, r.sheetIDs(t), []string{"L-0001", "L-0002"})
	}},
}

// checkPerMinute fails t when more than limit of times fall in any window
// of one minute; times are in call order.
func checkPerMinute(t *testing.T, what string, times []time.Time, limit int) {
	t.Helper()

	for i := limit; i < len(times); i++ {
		if gap := times[i].Sub(times[i-limit]); gap < time.Minute {
			t.Errorf("%s %d and %d are %v apart, so %d started within one minute, want at most %d", what, i-limit+1, i+1, gap, limit+1, limit)
			return
		}
	}
}

// checkMissingLeadID checks that err tells the rep which column is missing,
// how many rows it affects and how to fix it.
func checkMissingLeadID(t *testing.T, err error, dataRows int) {
	t.Helper()

	if err == nil {
		return
	}
	for _, want := range []string{`"Lead ID" column is missing`, fmt.Sprintf("%d data row", dataRows), `rename its header back to "Lead ID"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error = %q, want it to contain %q", err, want)
		}
	}
}

func throttled() error {
	return fmt.Errorf("HTTP 429 RESOURCE_EXHAUSTED: %w", sheet.ErrThrottled)
}

// clock is simulated time: Sleep advances it at once and records the wait.
type clock struct {
	now    time.Time
	sleeps []time.Duration
}

func (c *clock) Now() time.Time { return c.now }

func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	return nil
}

// faultCall describes one Append or Column call that reached faultBook: n
// counts both kinds from 1, opCall counts calls of op alone.
type faultCall struct {
	op     string
	n      int
	opCall int
	ids    []string
}

// faultBook passes calls to Book, failing them as fault decides: before is
// returned without calling Book, after is returned once Book succeeded,
// as when a response is lost after the change took effect.
type faultBook struct {
	sheet.Book
	clock *clock
	fault func(call faultCall) (before, after error)

	calls       int
	appendCalls int
	columnCalls int
	appendTimes []time.Time
	columnTimes []time.Time
}

func (f *faultBook) Append(ctx context.Context, tab string, rows []sheet.Row) error {
	f.calls++
	f.appendCalls++
	f.appendTimes = append(f.appendTimes, f.clock.Now())

	ids := make([]string, 0, len(rows))
	for _, row := range rows {
		id, _ := row[sheet.HeaderLeadID].(string)
		ids = append(ids, id)
	}
	return f.call(faultCall{op: "append", n: f.calls, opCall: f.appendCalls, ids: ids}, func() error {
		return f.Book.Append(ctx, tab, rows)
	})
}

func (f *faultBook) Column(ctx context.Context, tab, header string) ([]string, error) {
	f.calls++
	f.columnCalls++
	f.columnTimes = append(f.columnTimes, f.clock.Now())

	var values []string
	err := f.call(faultCall{op: "column", n: f.calls, opCall: f.columnCalls}, func() error {
		var err error
		values, err = f.Book.Column(ctx, tab, header)
		return err
	})
	return values, err
}

func (f *faultBook) call(call faultCall, run func() error) error {
	var before, after error
	if f.fault != nil {
		before, after = f.fault(call)
	}
	if before != nil {
		return before
	}
	if err := run(); err != nil {
		return err
	}
	return after
}

// memoryOutbox is an in-memory sheet.Outbox that can fail or ignore
// MarkWritten, for the crash cases.
type memoryOutbox struct {
	recs []store.Record
	// markFailures is the number of next MarkWritten calls that fail
	// without marking anything.
	markFailures int
	// ignoreMarks makes MarkWritten succeed without marking anything.
	ignoreMarks bool
}

var errMarkFailed = errors.New("simulated crash before MarkWritten")

// add stores n new leads, "L-0001" onwards, received a minute apart, and
// returns their ids.
func (o *memoryOutbox) add(n int) []string {
	ids := make([]string, 0, n)
	for range n {
		number := len(o.recs) + 1
		id := fmt.Sprintf("L-%04d", number)
		ids = append(ids, id)

		o.recs = append(o.recs, store.Record{
			Lead: lead.Lead{
				ID:                 id,
				ReceivedAt:         time.Date(2026, 3, 2, 8, number, 0, 0, time.UTC),
				Company:            fmt.Sprintf("=HYPERLINK(\"http://x\",\"Company %d\")", number),
				Email:              fmt.Sprintf("contact%d@example.com", number),
				Employees:          10 + number,
				Message:            fmt.Sprintf("How can we help?\n=SUM(%d)", number),
				Attributes:         map[string]string{"utm_source": "ads", "Budget": "-5k"},
				SourceSubmissionID: fmt.Sprintf("00%d", number),
			},
			Decision: routing.Decision{Owner: "ana", Zone: routing.ZonePrimary, Rule: "inbound", Explanation: []string{"Source is inbound."}},
		})
	}
	return ids
}

func (o *memoryOutbox) records() []store.Record {
	return slices.Clone(o.recs)
}

func (o *memoryOutbox) pending() []string {
	var ids []string
	for _, rec := range o.recs {
		if rec.SheetWrittenAt.IsZero() {
			ids = append(ids, rec.Lead.ID)
		}
	}
	return ids
}

func (o *memoryOutbox) Pending(ctx context.Context, limit int) ([]store.Record, error) {
	var recs []store.Record
	for _, rec := range o.recs {
		if rec.SheetWrittenAt.IsZero() && len(recs) < limit {
			recs = append(recs, rec)
		}
	}
	return recs, ctx.Err()
}

func (o *memoryOutbox) MarkWritten(ctx context.Context, ids []string, at time.Time) error {
	if o.markFailures > 0 {
		o.markFailures--
		return errMarkFailed
	}
	if o.ignoreMarks {
		return nil
	}

	for i := range o.recs {
		if slices.Contains(ids, o.recs[i].Lead.ID) && o.recs[i].SheetWrittenAt.IsZero() {
			o.recs[i].SheetWrittenAt = at
		}
	}
	return ctx.Err()
}
