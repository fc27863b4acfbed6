// Package gsheets is the Google Sheets adapter: it implements sheet.Book on
// the Sheets API v4 (google.golang.org/api/sheets/v4) and builds the API
// client from a service-account key or from keyless Workload Identity
// Federation credentials.
//
// Every value goes out with valueInputOption RAW, so text stays text
// (a leading "=", "+", "-" or "@" is never read as a formula) and numbers
// stay numbers. Times are written as serial dates in columns that carry a
// DATE_TIME number format, so the sheet shows them as dates. Columns are
// found by their header text on row 1 on every call, so reps may move,
// insert and hide columns between calls.
//
// Each Book method maps API errors once to the kinds of package sheet
// (ErrThrottled, ErrUnavailable, ErrNotFound, ErrInvalid) and wraps them
// with the operation and the range. Book does not retry: the sheet
// writer's backoff decides that.
package gsheets

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"google.golang.org/api/sheets/v4"

	"github.com/leadrouter/leadrouter/shared/sheet"
)

var _ sheet.Book = (*Book)(nil)

// DefaultReadReuse is how long Append may reuse the tab read of a Column or
// Rows call on the same tab, unless WithReadReuse sets another bound.
const DefaultReadReuse = 5 * time.Second

// DefaultRequestTimeout bounds each API request of a Book unless
// WithRequestTimeout sets another bound. A request that times out is an
// ErrUnavailable error, because the sheet may yet have applied it.
const DefaultRequestTimeout = 30 * time.Second

// Book is one Google spreadsheet seen through the sheet.Book port. It is
// safe for concurrent use.
type Book struct {
	svc            *sheets.Service
	spreadsheetID  string
	requestTimeout time.Duration
	readReuse      time.Duration

	mu sync.Mutex
	// sheetIDs caches the numeric id of each tab by lower-case title,
	// because formatting a column needs it and tabs keep their id for life.
	sheetIDs map[string]int64
	// dateColumns records, by lower-case tab title and header, the columns
	// this Book gave a date-time format, so each gets it once per process.
	dateColumns map[string]bool
	// lastReads holds the latest read of each tab, by lower-case title,
	// for Append to reuse within readReuse.
	lastReads map[string]tabRead
}

// tabRead is one read of a tab and when it finished.
type tabRead struct {
	values tabValues
	at     time.Time
}

// Option configures a Book.
type Option func(*Book)

// WithRequestTimeout bounds each API request to d; zero or less keeps
// DefaultRequestTimeout.
func WithRequestTimeout(d time.Duration) Option {
	return func(b *Book) {
		if d > 0 {
			b.requestTimeout = d
		}
	}
}

// WithReadReuse sets how long Append may reuse the tab read of an earlier
// Column or Rows call on the same tab. Zero or less disables the reuse.
func WithReadReuse(d time.Duration) Option {
	return func(b *Book) {
		b.readReuse = max(d, 0)
	}
}

// New returns a Book on the spreadsheet with this id, reached through svc.
// The id is the part of the sheet's URL between "/d/" and the next "/";
// ParseSpreadsheetID takes the whole URL too.
func New(svc *sheets.Service, spreadsheetID string, opts ...Option) (*Book, error) {
	if svc == nil {
		return nil, errors.New("gsheets: no Sheets service; build one with NewService")
	}

	id, err := ParseSpreadsheetID(spreadsheetID)
	if err != nil {
		return nil, err
	}

	b := &Book{
		svc:            svc,
		spreadsheetID:  id,
		requestTimeout: DefaultRequestTimeout,
		readReuse:      DefaultReadReuse,
		sheetIDs:       map[string]int64{},
		dateColumns:    map[string]bool{},
		lastReads:      map[string]tabRead{},
	}
	for _, opt := range opts {
		opt(b)
	}
	return b, nil
}

// SpreadsheetID returns the id of the spreadsheet the Book writes to.
func (b *Book) SpreadsheetID() string { return b.spreadsheetID }

// ParseSpreadsheetID returns the spreadsheet id in text, which is either
// the id itself or the sheet's URL as a browser shows it
// ("https://docs.google.com/spreadsheets/d/ID/edit#gid=0").
func ParseSpreadsheetID(text string) (string, error) {
	text = strings.TrimSpace(text)
	if _, rest, ok := strings.Cut(text, "/spreadsheets/d/"); ok {
		text, _, _ = strings.Cut(rest, "/")
		text, _, _ = strings.Cut(text, "?")
		text, _, _ = strings.Cut(text, "#")
	}

	if text == "" {
		return "", errors.New("gsheets: empty spreadsheet id; copy it from the sheet's URL, between /d/ and /edit")
	}
	for _, ch := range text {
		valid := ch == '-' || ch == '_' || (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')
		if !valid {
			return "", fmt.Errorf("gsheets: invalid spreadsheet id %q: expected letters, digits, '-' and '_' only, as in the sheet's URL between /d/ and /edit", text)
		}
	}
	return text, nil
}

// withTimeout bounds one request.
func (b *Book) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, b.requestTimeout)
}

// a1Tab returns the A1 form of a whole tab: the title in single quotes,
// with quotes inside doubled, which the API accepts for every title.
func a1Tab(tab string) string {
	return "'" + strings.ReplaceAll(tab, "'", "''") + "'"
}

// a1Range returns tab!{from}:{to} for two cell addresses such as "A2".
func a1Range(tab, from, to string) string {
	return a1Tab(tab) + "!" + from + ":" + to
}

// columnLetter returns the A1 letters of a 0-based column: 0 is "A", 26
// is "AA".
func columnLetter(col int) string {
	var letters []byte
	for col >= 0 {
		letters = append([]byte{byte('A' + col%26)}, letters...)
		col = col/26 - 1
	}
	return string(letters)
}
