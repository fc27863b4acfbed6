package gsheets

import (
	"context"
	"fmt"
	"strings"

	"google.golang.org/api/sheets/v4"

	"github.com/leadrouter/leadrouter/shared/sheet"
)

// Append writes rows below the last row that has data anywhere on tab,
// each value under the column whose row-1 header matches its key. Columns
// the rows do not name are sent as JSON null, which the API leaves
// untouched. A key that row 1 lacks, or a value that sheet.NewCell
// rejects, is an ErrInvalid error, and nothing is written then.
//
// Append does not trust values.append to find the end of the data. The
// API appends after "the table" it finds from the given range, and a
// blank row inside the data ends that table, so rows would land in the
// gap, and a table whose first column is blank shifts every value right.
// So Append reads the tab first (one values.get, which also gives the
// headers), computes the first free row, and appends at exactly that row
// with INSERT_ROWS. The range then holds no data, so the API writes at its
// top-left cell, and INSERT_ROWS adds grid rows there, which never
// overwrites a cell even when a rep typed into that row a moment before.
//
// When a Column or Rows call read the same tab within the reuse window
// (DefaultReadReuse), Append uses that read instead. The sheet writer
// reads the Lead ID column right before each append, so this saves one
// request per batch.
//
// Times go out as serial dates. The first time this Book writes a time
// under a header, it gives that column a DATE_TIME number format from
// row 2 down (one batchUpdate), so the sheet shows the numbers as dates.
//
// NOTE: a rep typing into the first free row between the read and the
// append makes the API find a table there. When the rows then land in
// another column than A, Append returns an ErrInvalid error naming the
// range, because the values sit under the wrong headers.
func (b *Book) Append(ctx context.Context, tab string, rows []sheet.Row) error {
	if len(rows) == 0 {
		return nil
	}

	values, recent := b.takeRecentRead(tab)
	if !recent {
		var err error
		if values, err = b.readTab(ctx, tab); err != nil {
			return err
		}
		b.forgetRead(tab)
	}

	grid, dateHeaders, err := layOut(tab, values, rows)
	if err != nil {
		return err
	}

	if err := b.formatDateColumns(ctx, tab, values, dateHeaders); err != nil {
		return err
	}

	// Row 1 is the header row, so data starts on row 2 at the earliest.
	firstFree := max(len(values.rows)+2, 2)
	width := len(grid[0])
	target := a1Range(tab, fmt.Sprintf("A%d", firstFree), fmt.Sprintf("%s%d", columnLetter(width-1), firstFree))
	operation := fmt.Sprintf("append %d rows to tab %q at %s", len(rows), tab, target)

	ctx, cancel := b.withTimeout(ctx)
	defer cancel()
	resp, err := b.svc.Spreadsheets.Values.Append(b.spreadsheetID, target, &sheets.ValueRange{
		MajorDimension: "ROWS",
		Values:         grid,
	}).
		ValueInputOption("RAW").
		InsertDataOption("INSERT_ROWS").
		Context(ctx).
		Do()
	if err != nil {
		return wrapError(operation, err)
	}

	if resp.Updates != nil && !startsInColumnA(resp.Updates.UpdatedRange) {
		return fmt.Errorf("gsheets: %s: %w: the API wrote the rows at %s, not in column A, because a rep typed into the rows below at the same time; move them under their headers by hand",
			operation, sheet.ErrInvalid, resp.Updates.UpdatedRange)
	}
	return nil
}

// layOut places each row's values in the tab's columns. It returns the
// grid of values to send, all rows of one width, and the headers that
// received a time.
func layOut(tab string, values tabValues, rows []sheet.Row) ([][]any, []string, error) {
	type placed struct {
		col  int
		cell sheet.Cell
	}

	width := 0
	dates := map[string]bool{}
	var dateHeaders []string
	laidOut := make([][]placed, len(rows))

	for i, row := range rows {
		for header, value := range row {
			col := values.column(header)
			if col < 0 {
				return nil, nil, fmt.Errorf("gsheets: append to tab %q: %w: row %d names header %q, which row 1 lacks (headers: %s); run `leadrouter sheet init` or restore the header",
					tab, sheet.ErrInvalid, i+1, header, values.headerList())
			}

			cell, err := sheet.NewCell(header, value)
			if err != nil {
				return nil, nil, fmt.Errorf("gsheets: append to tab %q: row %d: %w", tab, i+1, err)
			}
			if cell.Kind == sheet.DateTime && !dates[strings.ToLower(header)] {
				dates[strings.ToLower(header)] = true
				dateHeaders = append(dateHeaders, header)
			}

			laidOut[i] = append(laidOut[i], placed{col: col, cell: cell})
			width = max(width, col+1)
		}
	}
	if width == 0 {
		return nil, nil, fmt.Errorf("gsheets: append %d rows to tab %q: %w: every row is empty", len(rows), tab, sheet.ErrInvalid)
	}

	grid := make([][]any, len(rows))
	for i, cells := range laidOut {
		grid[i] = make([]any, width)
		for _, p := range cells {
			grid[i][p.col] = cellValue(p.cell)
		}
	}
	return grid, dateHeaders, nil
}

// cellValue returns the JSON value of a cell for a RAW write: text as a
// string, numbers and serial dates as numbers, and nil (JSON null, which
// leaves the cell untouched) for a blank value.
func cellValue(cell sheet.Cell) any {
	switch cell.Kind {
	case sheet.Text:
		return cell.Text
	case sheet.Number, sheet.DateTime:
		return cell.Number
	default:
		return nil
	}
}

// formatDateColumns gives each date header's column a DATE_TIME number
// format from row 2 down, once per Book and header.
//
// NOTE: the format covers the grid rows that exist when it is set. That
// rows which INSERT_ROWS adds later take the format from the row above is
// how the Sheets UI behaves; it is not checked against the live API, and
// the fake assumes it.
func (b *Book) formatDateColumns(ctx context.Context, tab string, values tabValues, headers []string) error {
	var pending []string
	b.mu.Lock()
	for _, header := range headers {
		if !b.dateColumns[dateKey(tab, header)] {
			pending = append(pending, header)
		}
	}
	sheetID, known := b.sheetIDs[strings.ToLower(tab)]
	b.mu.Unlock()

	if len(pending) == 0 {
		return nil
	}

	if !known {
		existing, err := b.loadSheets(ctx)
		if err != nil {
			return err
		}
		props, ok := existing[strings.ToLower(tab)]
		if !ok {
			return fmt.Errorf("gsheets: format date columns of tab %q: %w: the tab is gone", tab, sheet.ErrNotFound)
		}
		sheetID = props.SheetId
	}

	var requests []*sheets.Request
	for _, header := range pending {
		col := int64(values.column(header))
		requests = append(requests, &sheets.Request{RepeatCell: &sheets.RepeatCellRequest{
			Range: &sheets.GridRange{
				SheetId:          sheetID,
				StartRowIndex:    1,
				StartColumnIndex: col,
				EndColumnIndex:   col + 1,
			},
			Cell: &sheets.CellData{UserEnteredFormat: &sheets.CellFormat{
				NumberFormat: &sheets.NumberFormat{Type: "DATE_TIME", Pattern: sheet.DateTimePattern},
			}},
			Fields: "userEnteredFormat.numberFormat",
		}})
	}

	operation := fmt.Sprintf("format %d date columns of tab %q", len(pending), tab)
	if _, err := b.batchUpdate(ctx, operation, requests); err != nil {
		return err
	}

	b.mu.Lock()
	defer b.mu.Unlock()
	for _, header := range pending {
		b.dateColumns[dateKey(tab, header)] = true
	}
	return nil
}

func dateKey(tab, header string) string {
	return strings.ToLower(tab) + "\x00" + strings.ToLower(strings.TrimSpace(header))
}

// startsInColumnA reports whether an A1 range such as "Leads!A7:Y9" or
// "'Target Accounts'!A2:D2" starts in column A.
func startsInColumnA(a1 string) bool {
	i := strings.LastIndex(a1, "!")
	if i < 0 {
		return true
	}
	cells := a1[i+1:]
	return strings.HasPrefix(cells, "A") && len(cells) > 1 && cells[1] >= '0' && cells[1] <= '9'
}
