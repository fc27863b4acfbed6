package gsheets

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/leadrouter/leadrouter/shared/sheet"
)

// tabValues is one read of a whole tab: row 1 and the data rows below, as
// the sheet shows them (FORMATTED_VALUE), with trailing empty rows and
// trailing empty cells of each row left out by the API.
type tabValues struct {
	headers []string
	// rows are the data rows, row 2 first; a blank row is an empty slice.
	rows [][]string
}

// readTab reads every value of tab in one values.get.
//
// NOTE: the whole tab travels on every call, a few megabytes for tens of
// thousands of rows. One request is the cost that matters under a quota
// of 60 reads a minute, but a very large Leads tab slows every append.
func (b *Book) readTab(ctx context.Context, tab string) (tabValues, error) {
	ctx, cancel := b.withTimeout(ctx)
	defer cancel()

	resp, err := b.svc.Spreadsheets.Values.Get(b.spreadsheetID, a1Tab(tab)).
		MajorDimension("ROWS").
		ValueRenderOption("FORMATTED_VALUE").
		Context(ctx).
		Do()
	if err != nil {
		return tabValues{}, wrapError(fmt.Sprintf("read tab %q", tab), err)
	}

	values := newTabValues(resp.Values)
	b.mu.Lock()
	b.lastReads[strings.ToLower(tab)] = tabRead{values: values, at: time.Now()}
	b.mu.Unlock()
	return values, nil
}

// takeRecentRead returns the read of tab made within the reuse window and
// removes it, or reports false. A read is used once, because the append
// that uses it changes the tab.
func (b *Book) takeRecentRead(tab string) (tabValues, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()

	key := strings.ToLower(tab)
	read, ok := b.lastReads[key]
	delete(b.lastReads, key)
	if !ok || b.readReuse <= 0 || time.Since(read.at) > b.readReuse {
		return tabValues{}, false
	}
	return read.values, true
}

// forgetRead drops the stored read of tab.
func (b *Book) forgetRead(tab string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.lastReads, strings.ToLower(tab))
}

// newTabValues splits the rows of a values.get into headers and data rows.
func newTabValues(values [][]any) tabValues {
	var out tabValues
	for i, row := range values {
		texts := make([]string, len(row))
		for j, value := range row {
			texts[j] = fmt.Sprint(value)
		}
		if i == 0 {
			out.headers = texts
			continue
		}
		out.rows = append(out.rows, texts)
	}
	return out
}

// width returns the number of columns up to the last one with a value in
// any row, the header row included.
func (v tabValues) width() int {
	width := len(v.headers)
	for _, row := range v.rows {
		width = max(width, len(row))
	}
	return width
}

// dataRows returns the number of data rows with a value in any cell.
func (v tabValues) dataRows() int {
	count := 0
	for _, row := range v.rows {
		for _, cell := range row {
			if cell != "" {
				count++
				break
			}
		}
	}
	return count
}

// column returns the 0-based index of the first column whose header
// matches header, or -1.
func (v tabValues) column(header string) int {
	for i, cell := range v.headers {
		if sheet.HeaderMatches(cell, header) {
			return i
		}
	}
	return -1
}

// headerList returns the non-empty headers for an error message.
func (v tabValues) headerList() string {
	var names []string
	for _, cell := range v.headers {
		if strings.TrimSpace(cell) != "" {
			names = append(names, fmt.Sprintf("%q", strings.TrimSpace(cell)))
		}
	}
	if len(names) == 0 {
		return "none; run `leadrouter sheet init` to write them"
	}
	return strings.Join(names, ", ")
}

// Column returns the text of every data row under header on tab, "" for
// blank cells, through the last row with data anywhere on the tab. A tab
// that does not exist is an ErrNotFound error and a header that row 1
// lacks an ErrInvalid error.
func (b *Book) Column(ctx context.Context, tab, header string) ([]string, error) {
	values, err := b.readTab(ctx, tab)
	if err != nil {
		return nil, err
	}

	col := values.column(header)
	if col < 0 {
		return nil, fmt.Errorf("gsheets: read column %q of tab %q: %w: no such header on row 1 (headers: %s)",
			header, tab, sheet.ErrInvalid, values.headerList())
	}

	out := make([]string, len(values.rows))
	for i, row := range values.rows {
		if col < len(row) {
			out[i] = row[col]
		}
	}
	return out, nil
}

// Rows returns every data row of tab as a map from the header text on row 1
// (trimmed) to the cell's text. Blank cells and columns without a header
// are left out, so a blank row is an empty map. When two columns share a
// header, the first one wins.
func (b *Book) Rows(ctx context.Context, tab string) ([]map[string]string, error) {
	values, err := b.readTab(ctx, tab)
	if err != nil {
		return nil, err
	}

	out := make([]map[string]string, len(values.rows))
	for i, row := range values.rows {
		out[i] = map[string]string{}
		for col, text := range row {
			if col >= len(values.headers) || text == "" {
				continue
			}

			// Skip unnamed columns and all but the first of a repeated header.
			header := strings.TrimSpace(values.headers[col])
			if header == "" || values.column(header) != col {
				continue
			}
			out[i][header] = text
		}
	}
	return out, nil
}
