package sheet

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/leadrouter/leadrouter/shared/store"
)

// Outbox is the part of the store that the writer drains: leads whose
// Leads row is not written yet. store.Store satisfies it.
type Outbox interface {
	// Pending returns up to limit leads whose row is not yet written,
	// oldest first.
	Pending(ctx context.Context, limit int) ([]store.Record, error)
	// MarkWritten records that the rows of these leads exist. Ids already
	// marked or unknown are ignored.
	MarkWritten(ctx context.Context, ids []string, at time.Time) error
}

// Writer appends the Leads rows of stored leads to a Book, exactly once per
// lead. The intake server's background loop calls Drain; the sheetwriter
// Lambda calls Write with the leads of one queue batch.
//
// A lead's row may already exist when the writer crashed, or the Lambda
// timed out, between the append and MarkWritten, or when an append that
// failed with ErrUnavailable took effect all the same. So before every
// append the writer reads the Lead ID column and appends only the leads
// that are not in it. It only ever appends whole new rows and never writes
// a rep-edited column. When that column is missing from a Leads tab with
// data rows, the writer appends nothing and returns the ErrInvalid error
// of CheckHeadersToAdd, and the leads wait in the outbox.
//
// A Writer runs one batch at a time. Two Writers on one sheet, such as
// concurrent Lambda invocations, can both miss a row the other is about to
// append.
//
// NOTE: the check above then fails to prevent a duplicate, so the sheet
// writer function must run with a concurrency of one.
type Writer struct {
	outbox Outbox
	book   Book
	opts   Options

	mu      sync.Mutex
	reads   *limiter
	writes  *limiter
	ensured bool
}

// NewWriter returns a Writer that drains outbox into book. Zero fields of
// opts take the defaults that Options documents.
func NewWriter(outbox Outbox, book Book, opts Options) *Writer {
	opts = opts.withDefaults()

	return &Writer{
		outbox: outbox,
		book:   book,
		opts:   opts,
		reads:  newLimiter(opts.ReadsPerMinute, opts.Now, opts.Sleep),
		writes: newLimiter(opts.WritesPerMinute, opts.Now, opts.Sleep),
	}
}

// Drain writes the rows of every pending lead of the outbox, a batch of
// Options.BatchSize at a time. For each batch it reads the pending leads,
// skips those whose Lead ID is already in the sheet, appends the rest in
// one request and marks the whole batch written.
//
// Drain stops when the outbox returns fewer leads than a batch. At the
// first error it stops and returns the error with the number of rows
// appended so far, and the leads of the failed batch stay in the outbox
// for the next Drain.
func (w *Writer) Drain(ctx context.Context) (written int, err error) {
	if w.outbox == nil || w.book == nil {
		return 0, errors.New("sheet: writer needs an outbox and a book; build it with NewWriter")
	}

	w.mu.Lock()
	defer w.mu.Unlock()

	if err := w.ensureLeadsTab(ctx); err != nil {
		return 0, err
	}

	marked := map[string]bool{}
	for {
		recs, err := w.outbox.Pending(ctx, w.opts.BatchSize)
		if err != nil {
			return written, fmt.Errorf("sheet: read up to %d pending leads from the outbox: %w", w.opts.BatchSize, err)
		}
		if len(recs) == 0 {
			return written, nil
		}

		// An outbox whose MarkWritten has no effect would return the same
		// leads forever.
		if allMarked(recs, marked) {
			return written, fmt.Errorf("sheet: the outbox returned %d leads again after they were marked written, first %q; check its MarkWritten", len(recs), recs[0].Lead.ID)
		}

		batch, err := newBatch(recs, w.opts.Location)
		if err != nil {
			return written, err
		}
		appended, err := w.writeBatch(ctx, batch)
		written += appended
		if err != nil {
			return written, err
		}

		if err := w.outbox.MarkWritten(ctx, batch.ids, w.opts.Now()); err != nil {
			return written, fmt.Errorf("sheet: mark %d leads written: %w", len(batch.ids), err)
		}
		for _, id := range batch.ids {
			marked[id] = true
		}

		if len(recs) < w.opts.BatchSize {
			return written, nil
		}
	}
}

// Write writes the rows of recs, Options.BatchSize leads per append, with
// the same check for rows already in the sheet, and marks them written in
// the outbox. Leads whose SheetWrittenAt is set are skipped, and leads
// without an id are left out and counted in the error. It returns
// the ids of the leads whose rows may be missing or whose MarkWritten
// failed, each once, so that the sheetwriter Lambda reports only those as
// failed queue items, and an error that joins every failure.
//
// After a batch fails with ErrInvalid the next batches are still tried,
// because the cause may lie in one batch's values. After any other error
// the remaining batches are not tried and their ids are returned as
// failed, because the sheet or the context is unlikely to recover soon.
func (w *Writer) Write(ctx context.Context, recs []store.Record) (failed []string, err error) {
	if w.outbox == nil || w.book == nil {
		return leadIDs(recs), errors.New("sheet: writer needs an outbox and a book; build it with NewWriter")
	}

	// A lead without an id cannot be reported as failed, so it is only
	// named in the error.
	var errs []error
	recs, err = uniqueUnwritten(recs)
	if err != nil {
		errs = append(errs, err)
	}
	if len(recs) == 0 {
		return nil, errors.Join(errs...)
	}

	w.mu.Lock()
	defer w.mu.Unlock()

	if err := w.ensureLeadsTab(ctx); err != nil {
		return leadIDs(recs), errors.Join(append(errs, err)...)
	}

	for start := 0; start < len(recs); start += w.opts.BatchSize {
		chunk := recs[start:min(start+w.opts.BatchSize, len(recs))]

		batch, err := newBatch(chunk, w.opts.Location)
		if err == nil {
			_, err = w.writeBatch(ctx, batch)
		}
		if err != nil {
			failed = append(failed, leadIDs(chunk)...)
			errs = append(errs, err)
			if errors.Is(err, ErrInvalid) {
				continue
			}
			failed = append(failed, leadIDs(recs[start+len(chunk):])...)
			break
		}

		if err := w.outbox.MarkWritten(ctx, batch.ids, w.opts.Now()); err != nil {
			failed = append(failed, batch.ids...)
			errs = append(errs, fmt.Errorf("sheet: mark %d leads written: %w", len(batch.ids), err))
		}
	}
	return failed, errors.Join(errs...)
}

// batch is the rows of one append, in outbox order, with their lead ids.
type batch struct {
	ids  []string
	rows []Row
}

// newBatch builds the rows of recs, each lead once. A lead without an id
// is an ErrInvalid error, because its row could never be found again.
func newBatch(recs []store.Record, loc *time.Location) (batch, error) {
	b := batch{ids: make([]string, 0, len(recs)), rows: make([]Row, 0, len(recs))}
	seen := make(map[string]bool, len(recs))

	for i, rec := range recs {
		if strings.TrimSpace(rec.Lead.ID) == "" {
			return batch{}, fmt.Errorf("sheet: %w: lead %d of %d in the batch has no id", ErrInvalid, i+1, len(recs))
		}
		if seen[rec.Lead.ID] {
			continue
		}
		seen[rec.Lead.ID] = true

		b.ids = append(b.ids, rec.Lead.ID)
		b.rows = append(b.rows, LeadRow(rec, loc))
	}
	return b, nil
}

// writeBatch appends the rows of b whose Lead ID is not yet in the sheet
// and returns how many it appended.
func (w *Writer) writeBatch(ctx context.Context, b batch) (int, error) {
	var existing map[string]bool
	for attempt := 0; ; attempt++ {
		// After ErrUnavailable the append may have taken effect, so the
		// column is read again; after ErrThrottled it was rejected.
		if existing == nil {
			var err error
			if existing, err = w.sheetLeadIDs(ctx); err != nil {
				return 0, err
			}
		}

		rows := make([]Row, 0, len(b.rows))
		for _, row := range b.rows {
			if !existing[normalID(row[HeaderLeadID])] {
				rows = append(rows, row)
			}
		}
		if len(rows) == 0 {
			return 0, nil
		}

		if err := w.writes.wait(ctx); err != nil {
			return 0, fmt.Errorf("sheet: wait to append %d rows to %q: %w", len(rows), TabLeads, err)
		}
		err := w.book.Append(ctx, TabLeads, rows)
		if err == nil {
			return len(rows), nil
		}

		operation := fmt.Sprintf("append %d rows to %q", len(rows), TabLeads)
		if err := w.backOff(ctx, operation, err, attempt); err != nil {
			return 0, err
		}
		if errors.Is(err, ErrUnavailable) {
			existing = nil
		}
	}
}

// sheetLeadIDs reads the Lead ID column once, retrying throttled and
// unavailable reads. When the column has gone since the writer checked
// the tab, the writer checks it again at the next batch.
func (w *Writer) sheetLeadIDs(ctx context.Context) (map[string]bool, error) {
	var values []string
	err := w.read(ctx, fmt.Sprintf("read column %q of %q", HeaderLeadID, TabLeads), func() error {
		var err error
		values, err = w.book.Column(ctx, TabLeads, HeaderLeadID)
		return err
	})
	if errors.Is(err, ErrInvalid) {
		w.ensured = false
		if missing := w.checkLeadIDColumn(ctx); missing != nil {
			return nil, missing
		}
	}
	if err != nil {
		return nil, err
	}

	ids := make(map[string]bool, len(values))
	for _, value := range values {
		ids[normalID(value)] = true
	}
	return ids, nil
}

// ensureLeadsTab creates the Leads tab or its missing headers once per
// Writer, because a missing column would otherwise stop every append until
// someone runs `leadrouter sheet init`. It first checks the Lead ID
// column, because adding that column to a tab with data rows would hide
// every row already written.
func (w *Writer) ensureLeadsTab(ctx context.Context) error {
	if w.ensured {
		return nil
	}
	if err := w.checkLeadIDColumn(ctx); err != nil {
		return err
	}
	operation := fmt.Sprintf("ensure tab %q and its headers", TabLeads)

	for attempt := 0; ; attempt++ {
		if err := w.reads.wait(ctx); err != nil {
			return fmt.Errorf("sheet: wait to %s: %w", operation, err)
		}
		if err := w.writes.wait(ctx); err != nil {
			return fmt.Errorf("sheet: wait to %s: %w", operation, err)
		}
		err := w.book.EnsureTabs(ctx, []Tab{Leads})
		if err == nil {
			w.ensured = true
			return nil
		}

		if err := w.backOff(ctx, operation, err, attempt); err != nil {
			return err
		}
	}
}

// checkLeadIDColumn returns an ErrInvalid error when the Leads tab has
// data rows but no Lead ID column, as after a rep renamed its header. A
// new Lead ID column would be blank beside every existing row, so the
// writer would check new leads only against the rows it appended since,
// and repeat a row whose append it retries. So the writer writes nothing
// until the header is back. A missing tab, or a tab without data rows,
// passes: EnsureTabs then adds the column safely.
func (w *Writer) checkLeadIDColumn(ctx context.Context) error {
	err := w.read(ctx, fmt.Sprintf("read column %q of %q", HeaderLeadID, TabLeads), func() error {
		_, err := w.book.Column(ctx, TabLeads, HeaderLeadID)
		return err
	})
	switch {
	case err == nil, errors.Is(err, ErrNotFound):
		return nil
	case !errors.Is(err, ErrInvalid):
		return err
	}

	// Column reports a missing header as ErrInvalid, but also other
	// invalid requests, so the rows tell whether the column is missing
	// and whether data would be hidden.
	var rows []map[string]string
	readErr := w.read(ctx, fmt.Sprintf("read the rows of %q", TabLeads), func() error {
		var err error
		rows, err = w.book.Rows(ctx, TabLeads)
		return err
	})
	if readErr != nil {
		return errors.Join(err, readErr)
	}

	dataRows := 0
	for _, row := range rows {
		for header := range row {
			if HeaderMatches(header, HeaderLeadID) {
				return err
			}
		}
		if len(row) > 0 {
			dataRows++
		}
	}
	if err := CheckHeadersToAdd(TabLeads, []string{HeaderLeadID}, dataRows); err != nil {
		return fmt.Errorf("sheet: %w", err)
	}
	return nil
}

// read runs one read of the sheet under the read rate limit, retrying it
// when it is throttled or unavailable.
func (w *Writer) read(ctx context.Context, operation string, call func() error) error {
	for attempt := 0; ; attempt++ {
		if err := w.reads.wait(ctx); err != nil {
			return fmt.Errorf("sheet: wait to %s: %w", operation, err)
		}
		err := call()
		if err == nil {
			return nil
		}

		if err := w.backOff(ctx, operation, err, attempt); err != nil {
			return err
		}
	}
}

// backOff decides what follows failed attempt n (from 0) of operation. It
// returns nil after waiting when a retry is due, and otherwise the error
// to return, wrapped with the operation.
func (w *Writer) backOff(ctx context.Context, operation string, err error, attempt int) error {
	if !errors.Is(err, ErrThrottled) && !errors.Is(err, ErrUnavailable) {
		return fmt.Errorf("sheet: %s: %w", operation, err)
	}
	if attempt+1 >= w.opts.Retry.Attempts {
		return fmt.Errorf("sheet: %s: failed %d times, last: %w", operation, attempt+1, err)
	}

	delay := w.opts.Retry.delay(attempt)
	if w.opts.OnRetry != nil {
		w.opts.OnRetry(operation, err, attempt+1, delay)
	}
	if sleepErr := w.opts.Sleep(ctx, delay); sleepErr != nil {
		return fmt.Errorf("sheet: %s: %w; stopped waiting to retry: %w", operation, err, sleepErr)
	}
	return nil
}

// normalID returns a Lead ID cell as the writer compares it: a rep may
// have added spaces around the id by hand.
func normalID(value any) string {
	text, _ := value.(string)
	return strings.TrimSpace(text)
}

// uniqueUnwritten returns recs without leads already marked written, without
// repeats and without leads that have no id, which it counts in an
// ErrInvalid error.
func uniqueUnwritten(recs []store.Record) ([]store.Record, error) {
	kept := make([]store.Record, 0, len(recs))
	seen := make(map[string]bool, len(recs))
	missing := 0

	for _, rec := range recs {
		switch {
		case strings.TrimSpace(rec.Lead.ID) == "":
			missing++
		case seen[rec.Lead.ID] || !rec.SheetWrittenAt.IsZero():
		default:
			seen[rec.Lead.ID] = true
			kept = append(kept, rec)
		}
	}

	if missing > 0 {
		return kept, fmt.Errorf("sheet: %w: %d of %d leads have no id; every stored lead needs one", ErrInvalid, missing, len(recs))
	}
	return kept, nil
}

func allMarked(recs []store.Record, marked map[string]bool) bool {
	for _, rec := range recs {
		if !marked[rec.Lead.ID] {
			return false
		}
	}
	return true
}

func leadIDs(recs []store.Record) []string {
	ids := make([]string, 0, len(recs))
	for _, rec := range recs {
		if rec.Lead.ID != "" {
			ids = append(ids, rec.Lead.ID)
		}
	}
	return ids
}
