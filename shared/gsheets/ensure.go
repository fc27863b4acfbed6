package gsheets

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"google.golang.org/api/sheets/v4"

	"github.com/leadrouter/leadrouter/shared/sheet"
)

// minColumns is the column count Google gives a new tab.
const minColumns = 26

// EnsureTabs creates the tabs that are missing, with their header row and
// row 1 frozen, and writes missing headers right of the used columns of an
// existing tab. It never moves, renames or clears a cell, so a second run
// reads the spreadsheet and writes nothing.
//
// It rejects, and writes nothing, when it would add the Lead ID header to a
// Leads tab that has data rows (see sheet.CheckHeadersToAdd).
//
// It makes at most three requests: spreadsheets.get, one values.batchGet
// of the existing tabs (when any of the listed tabs exists), and one
// batchUpdate that adds tabs, widens narrow ones and writes headers
// together. That one write either happens whole or not at all, so no tab
// is ever left without its headers.
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

	usedIDs := map[int64]bool{}
	for _, props := range existing {
		usedIDs[props.SheetId] = true
	}

	var requests []*sheets.Request
	for _, tab := range tabs {
		props, found := existing[strings.ToLower(tab.Name)]
		if !found {
			// The id is chosen here, so the headers can be written in
			// the same batchUpdate that adds the tab.
			id := newSheetID(usedIDs)
			requests = append(requests,
				&sheets.Request{AddSheet: &sheets.AddSheetRequest{Properties: &sheets.SheetProperties{
					SheetId:         id,
					Title:           tab.Name,
					ForceSendFields: []string{"SheetId"},
					GridProperties: &sheets.GridProperties{
						RowCount:       1000,
						ColumnCount:    int64(max(minColumns, len(tab.Headers))),
						FrozenRowCount: 1,
					},
				}}},
				headerCells(id, 0, tab.Headers))
			continue
		}

		values := current[strings.ToLower(tab.Name)]
		missing := missingHeaders(values.headers, tab.Headers)
		if len(missing) == 0 {
			continue
		}
		if err := sheet.CheckHeadersToAdd(props.Title, missing, values.dataRows()); err != nil {
			return fmt.Errorf("gsheets: ensure tabs: %w", err)
		}

		// New headers go right of every used column, not only right of
		// the last header, so none lands above a rep's values.
		start := values.width()
		if need := int64(start + len(missing)); need > props.GridProperties.ColumnCount {
			requests = append(requests, &sheets.Request{AppendDimension: &sheets.AppendDimensionRequest{
				SheetId:   props.SheetId,
				Dimension: "COLUMNS",
				Length:    need - props.GridProperties.ColumnCount,
			}})
		}
		requests = append(requests, headerCells(props.SheetId, start, missing))
	}

	if len(requests) == 0 {
		return nil
	}
	// A stored read of a tab would lack the new headers.
	for _, tab := range tabs {
		b.forgetRead(tab.Name)
	}
	resp, err := b.batchUpdate(ctx, fmt.Sprintf("create tabs and headers (%d requests)", len(requests)), requests)
	if err != nil {
		return err
	}
	b.rememberAddedSheets(resp)
	return nil
}

// newSheetID returns a random sheet id that used lacks and records it.
// Google accepts any non-negative 32-bit id that the spreadsheet does not
// use yet.
func newSheetID(used map[int64]bool) int64 {
	for {
		id := rand.Int64N(math.MaxInt32-1) + 1
		if !used[id] {
			used[id] = true
			return id
		}
	}
}

// headerCells writes headers as text on row 1 from the 0-based column
// start. updateCells with stringValue never parses the text, as RAW does.
func headerCells(sheetID int64, start int, headers []string) *sheets.Request {
	cells := make([]*sheets.CellData, len(headers))
	for i, header := range headers {
		text := header
		cells[i] = &sheets.CellData{UserEnteredValue: &sheets.ExtendedValue{StringValue: &text}}
	}

	return &sheets.Request{UpdateCells: &sheets.UpdateCellsRequest{
		Start:  &sheets.GridCoordinate{SheetId: sheetID, RowIndex: 0, ColumnIndex: int64(start), ForceSendFields: []string{"SheetId", "RowIndex", "ColumnIndex"}},
		Rows:   []*sheets.RowData{{Values: cells}},
		Fields: "userEnteredValue",
	}}
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
