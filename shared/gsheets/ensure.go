package gsheets

import (
	"context"
	"fmt"
	"strings"

	"google.golang.org/api/sheets/v4"

	"github.com/leadrouter/leadrouter/shared/sheet"
)

// minColumns is the column count Google gives a new tab.
const minColumns = 26

// EnsureTabs creates the tabs that are missing, with their header row and
// row 1 frozen, and appends missing headers after the last header of an
// existing tab. It never moves, renames or clears a cell, so a second run
// reads the spreadsheet and writes nothing.
//
// It makes at most four requests: spreadsheets.get, one values.batchGet of
// the existing tabs, one batchUpdate that adds tabs and widens
// tabs too narrow for their headers, and one values.batchUpdate that
// writes the headers.
func (b *Book) EnsureTabs(ctx context.Context, tabs []sheet.Tab) error {
	if err := checkTabs(tabs); err != nil {
		return err
	}

	existing, err := b.loadSheets(ctx)
	if err != nil {
		return err
	}

	current, err := b.readExistingTabs(ctx, tabs, existing)
	if err != nil {
		return err
	}

	// Plan the structural changes and the header writes of every tab.
	var structure []*sheets.Request
	var writes []*sheets.ValueRange
	for _, tab := range tabs {
		props, found := existing[strings.ToLower(tab.Name)]
		if !found {
			structure = append(structure, &sheets.Request{AddSheet: &sheets.AddSheetRequest{
				Properties: &sheets.SheetProperties{
					Title: tab.Name,
					GridProperties: &sheets.GridProperties{
						RowCount:       1000,
						ColumnCount:    int64(max(minColumns, len(tab.Headers))),
						FrozenRowCount: 1,
					},
				},
			}})
			writes = append(writes, headerWrite(tab.Name, 0, tab.Headers))
			continue
		}

		values := current[strings.ToLower(tab.Name)]
		missing := missingHeaders(values.headers, tab.Headers)
		if len(missing) == 0 {
			continue
		}

		// New headers go right of every used column, not only right of
		// the last header, so none lands above a rep's values.
		start := values.width()
		if need := int64(start + len(missing)); need > props.GridProperties.ColumnCount {
			structure = append(structure, &sheets.Request{AppendDimension: &sheets.AppendDimensionRequest{
				SheetId:   props.SheetId,
				Dimension: "COLUMNS",
				Length:    need - props.GridProperties.ColumnCount,
			}})
		}
		writes = append(writes, headerWrite(props.Title, start, missing))
	}

	if len(structure) > 0 {
		resp, err := b.batchUpdate(ctx, fmt.Sprintf("add %d tabs or columns", len(structure)), structure)
		if err != nil {
			return err
		}
		b.rememberAddedSheets(resp)
	}
	if len(writes) == 0 {
		return nil
	}
	return b.writeHeaders(ctx, writes)
}

// checkTabs rejects a tab list that could not be created as given: a
// blank or repeated tab name, a tab without headers, or a header listed
// twice (headers match ignoring case and surrounding spaces).
func checkTabs(tabs []sheet.Tab) error {
	seen := map[string]bool{}
	for i, tab := range tabs {
		name := strings.ToLower(tab.Name)
		switch {
		case strings.TrimSpace(tab.Name) == "":
			return fmt.Errorf("gsheets: ensure tabs: %w: tab %d of %d has no name", sheet.ErrInvalid, i+1, len(tabs))
		case seen[name]:
			return fmt.Errorf("gsheets: ensure tabs: %w: tab %q is listed twice (tab names ignore case)", sheet.ErrInvalid, tab.Name)
		case len(tab.Headers) == 0:
			return fmt.Errorf("gsheets: ensure tabs: %w: tab %q has no headers", sheet.ErrInvalid, tab.Name)
		}
		seen[name] = true

		for j, header := range tab.Headers {
			if strings.TrimSpace(header) == "" {
				return fmt.Errorf("gsheets: ensure tabs: %w: header %d of tab %q is blank", sheet.ErrInvalid, j+1, tab.Name)
			}
			for _, earlier := range tab.Headers[:j] {
				if sheet.HeaderMatches(earlier, header) {
					return fmt.Errorf("gsheets: ensure tabs: %w: tab %q lists header %q twice (headers ignore case and spaces)", sheet.ErrInvalid, tab.Name, header)
				}
			}
		}
	}
	return nil
}

// loadSheets reads the properties of every tab, by lower-case title, and
// refreshes the cache of sheet ids.
func (b *Book) loadSheets(ctx context.Context) (map[string]*sheets.SheetProperties, error) {
	ctx, cancel := b.withTimeout(ctx)
	defer cancel()

	resp, err := b.svc.Spreadsheets.Get(b.spreadsheetID).
		Fields("sheets.properties").
		Context(ctx).
		Do()
	if err != nil {
		return nil, wrapError(fmt.Sprintf("read the tabs of spreadsheet %q", b.spreadsheetID), err)
	}

	out := map[string]*sheets.SheetProperties{}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, sh := range resp.Sheets {
		if sh.Properties == nil {
			continue
		}
		if sh.Properties.GridProperties == nil {
			sh.Properties.GridProperties = &sheets.GridProperties{}
		}
		key := strings.ToLower(sh.Properties.Title)
		out[key] = sh.Properties
		b.sheetIDs[key] = sh.Properties.SheetId
	}
	return out, nil
}

// readExistingTabs reads every listed tab that exists, in one
// values.batchGet, by lower-case title.
func (b *Book) readExistingTabs(ctx context.Context, tabs []sheet.Tab, existing map[string]*sheets.SheetProperties) (map[string]tabValues, error) {
	var titles, ranges []string
	for _, tab := range tabs {
		if props, ok := existing[strings.ToLower(tab.Name)]; ok {
			titles = append(titles, props.Title)
			ranges = append(ranges, a1Tab(props.Title))
		}
	}

	out := map[string]tabValues{}
	if len(ranges) == 0 {
		return out, nil
	}

	ctx, cancel := b.withTimeout(ctx)
	defer cancel()
	resp, err := b.svc.Spreadsheets.Values.BatchGet(b.spreadsheetID).
		Ranges(ranges...).
		MajorDimension("ROWS").
		Context(ctx).
		Do()
	if err != nil {
		return nil, wrapError(fmt.Sprintf("read %d existing tabs", len(ranges)), err)
	}

	for i, valueRange := range resp.ValueRanges {
		if i < len(titles) {
			out[strings.ToLower(titles[i])] = newTabValues(valueRange.Values)
		}
	}
	return out, nil
}

// missingHeaders returns the headers of want that row lacks, in order.
func missingHeaders(row, want []string) []string {
	var missing []string
	for _, header := range want {
		found := false
		for _, cell := range row {
			if sheet.HeaderMatches(cell, header) {
				found = true
				break
			}
		}
		if !found {
			missing = append(missing, header)
		}
	}
	return missing
}

func headerWrite(title string, startCol int, headers []string) *sheets.ValueRange {
	values := make([]any, len(headers))
	for i, header := range headers {
		values[i] = header
	}

	start := columnLetter(startCol) + "1"
	end := columnLetter(startCol+len(headers)-1) + "1"
	return &sheets.ValueRange{Range: a1Range(title, start, end), Values: [][]any{values}}
}

func (b *Book) batchUpdate(ctx context.Context, operation string, requests []*sheets.Request) (*sheets.BatchUpdateSpreadsheetResponse, error) {
	ctx, cancel := b.withTimeout(ctx)
	defer cancel()

	resp, err := b.svc.Spreadsheets.BatchUpdate(b.spreadsheetID, &sheets.BatchUpdateSpreadsheetRequest{Requests: requests}).
		Context(ctx).
		Do()
	if err != nil {
		return nil, wrapError(operation, err)
	}
	return resp, nil
}

// rememberAddedSheets caches the ids of the tabs that a batchUpdate added.
func (b *Book) rememberAddedSheets(resp *sheets.BatchUpdateSpreadsheetResponse) {
	b.mu.Lock()
	defer b.mu.Unlock()

	for _, reply := range resp.Replies {
		if reply == nil || reply.AddSheet == nil || reply.AddSheet.Properties == nil {
			continue
		}
		props := reply.AddSheet.Properties
		b.sheetIDs[strings.ToLower(props.Title)] = props.SheetId
	}
}

func (b *Book) writeHeaders(ctx context.Context, writes []*sheets.ValueRange) error {
	ctx, cancel := b.withTimeout(ctx)
	defer cancel()

	_, err := b.svc.Spreadsheets.Values.BatchUpdate(b.spreadsheetID, &sheets.BatchUpdateValuesRequest{
		ValueInputOption: "RAW",
		Data:             writes,
	}).Context(ctx).Do()
	if err != nil {
		return wrapError(fmt.Sprintf("write the headers of %d tabs", len(writes)), err)
	}
	return nil
}
