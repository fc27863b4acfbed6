// Package sheet defines the team's spreadsheet as leadrouter sees it: the
// tabs and their header rows, how a stored lead becomes a Leads row, and the
// Book port that the local workbook and the Google Sheets adapter implement.
//
// Columns are found by header text, never by position, so reps may reorder,
// insert and hide columns. Rows of the Leads tab are identified by the
// "Lead ID" column.
package sheet

import (
	"context"
	"errors"
)

// Tab names.
const (
	TabLeads     = "Leads"
	TabResearch  = "Research"
	TabTeam      = "Team"
	TabTargets   = "Target Accounts"
	TabConflicts = "Conflicts"
	TabSummary   = "Summary"
)

// HeaderLeadID is the header of the column that identifies a lead's row.
const HeaderLeadID = "Lead ID"

// Tab is one tab and the headers leadrouter needs on its first row.
type Tab struct {
	Name    string
	Headers []string
}

// Row maps a header to the value for that column. A value is a string, a
// float64, an int or a time.Time; strings are always written as text,
// never as formulas.
type Row map[string]any

// Error kinds. Adapters map their backend's errors to these once; the
// writer branches on them with errors.Is.
var (
	// ErrThrottled: the backend asked to slow down (HTTP 429); retry later.
	ErrThrottled = errors.New("throttled")
	// ErrUnavailable: a transient backend failure (HTTP 5xx, a time-out).
	ErrUnavailable = errors.New("unavailable")
	// ErrNotFound: the spreadsheet or tab does not exist.
	ErrNotFound = errors.New("not found")
	// ErrInvalid: the request cannot succeed as made (a missing header,
	// permission denied); retrying will not help.
	ErrInvalid = errors.New("invalid request")
)

// Book is the port for one spreadsheet.
type Book interface {
	// EnsureTabs creates missing tabs and appends missing headers to the
	// first row of existing ones. It never moves, renames or clears
	// anything, so running it twice changes nothing.
	EnsureTabs(ctx context.Context, tabs []Tab) error

	// Column returns the values of the column under header on tab, one per
	// data row (the header row excluded), as text. Blank cells are "".
	Column(ctx context.Context, tab, header string) ([]string, error)

	// Append writes rows below the last non-empty row of tab, each value
	// under its header. A header the tab lacks is an ErrInvalid error;
	// columns the rows do not name are left empty.
	Append(ctx context.Context, tab string, rows []Row) error

	// Rows returns every data row of tab as header to text, blank rows
	// included as empty maps so that row numbers stay meaningful.
	Rows(ctx context.Context, tab string) ([]map[string]string, error)
}
