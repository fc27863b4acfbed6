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
	"fmt"
	"strings"
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

// CheckHeadersToAdd checks the headers that EnsureTabs is about to add to
// the existing tab named tab, which has dataRows rows with a value. Adding
// Lead ID to a Leads tab that has data rows is an ErrInvalid error: the
// new column would be blank beside every row already written, so the
// writer would no longer find those rows and could write a lead twice.
// The usual cause is a rep who renamed the header, so the error says to
// rename it back.
func CheckHeadersToAdd(tab string, missing []string, dataRows int) error {
	if dataRows == 0 || !strings.EqualFold(strings.TrimSpace(tab), TabLeads) {
		return nil
	}
	for _, header := range missing {
		if !HeaderMatches(header, HeaderLeadID) {
			continue
		}

		noun := "data rows"
		if dataRows == 1 {
			noun = "data row"
		}
		return fmt.Errorf("%w: the %q column is missing from tab %q, which has %d %s; rename its header back to %q (case and surrounding spaces do not matter). No lead row is written until then, and leads wait in the outbox", ErrInvalid, HeaderLeadID, tab, dataRows, noun, HeaderLeadID)
	}
	return nil
}

// Tab is one tab and the headers leadrouter needs on its first row.
type Tab struct {
	Name    string
	Headers []string
	// RepEdited lists the headers, among Headers, of the columns that reps
	// edit. leadrouter leaves those cells blank in the rows it appends and
	// never writes to them afterwards.
	RepEdited []string
}

// Row maps a header to the value for that column. CheckValue lists the
// value types a Book accepts and how each is written; strings are always
// written as text, never as formulas.
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
	// data row (the header row excluded) up to the last row that has a
	// value in any column, as the sheet shows them. Blank cells are "".
	// Headers are matched with HeaderMatches, the first match winning. A
	// missing tab is an ErrNotFound error, a missing header ErrInvalid.
	Column(ctx context.Context, tab, header string) ([]string, error)

	// Append writes rows below the last row of tab that has a value in any
	// column, each value under its header, so blank rows inside the table
	// stay blank and no cell with a value is overwritten. A header the tab
	// lacks or a value CheckValue rejects is an ErrInvalid error, and then
	// nothing is written. Columns the rows do not name are left empty.
	Append(ctx context.Context, tab string, rows []Row) error

	// Rows returns every data row of tab up to the last one with a value,
	// as a map from header (trimmed, as the sheet spells it) to the text
	// the sheet shows. Blank cells and columns without a header are left
	// out, so a blank row is an empty map and row numbers stay meaningful:
	// element i is sheet row i+2.
	Rows(ctx context.Context, tab string) ([]map[string]string, error)
}
