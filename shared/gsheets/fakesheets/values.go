package fakesheets

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
)

// valueRange is the ValueRange resource.
type valueRange struct {
	Range          string  `json:"range,omitempty"`
	MajorDimension string  `json:"majorDimension,omitempty"`
	Values         [][]any `json:"values,omitempty"`
}

// updateValuesResponse is the UpdateValuesResponse resource.
type updateValuesResponse struct {
	SpreadsheetID  string `json:"spreadsheetId"`
	UpdatedRange   string `json:"updatedRange"`
	UpdatedRows    int    `json:"updatedRows"`
	UpdatedColumns int    `json:"updatedColumns"`
	UpdatedCells   int    `json:"updatedCells"`
}

// appendValuesResponse is the AppendValuesResponse resource; TableRange is
// absent when no table was found.
type appendValuesResponse struct {
	SpreadsheetID string               `json:"spreadsheetId"`
	TableRange    string               `json:"tableRange,omitempty"`
	Updates       updateValuesResponse `json:"updates"`
}

// lookup parses an A1 range and finds its sheet.
func (b *spreadsheet) lookup(text string) (*sheet, gridRange, *apiError) {
	r, err := parseA1(text)
	if err != nil {
		return nil, gridRange{}, invalidArgument(err.Error())
	}

	sh := b.sheetByTitle(r.Sheet)
	if sh == nil {
		return nil, gridRange{}, invalidArgument("Unable to parse range: " + text)
	}
	return sh, r, nil
}

// valuesGet serves spreadsheets.values.get. Like Google it leaves out
// trailing empty rows and trailing empty cells of each row, keeps empty
// rows inside the data as [], and omits "values" when nothing is there.
func (b *spreadsheet) valuesGet(text string, query url.Values) (valueRange, *apiError) {
	sh, r, apiErr := b.lookup(text)
	if apiErr != nil {
		return valueRange{}, apiErr
	}

	row0, col0, row1, col1 := sh.resolve(r)
	if row1 >= sh.rowCount {
		row1 = sh.rowCount - 1
	}
	if col1 >= sh.columnCount {
		col1 = sh.columnCount - 1
	}

	render := query.Get("valueRenderOption")
	out := valueRange{Range: formatA1(sh.title, row0, col0, row1, col1), MajorDimension: "ROWS"}
	if query.Get("majorDimension") == "COLUMNS" {
		out.MajorDimension = "COLUMNS"
		out.Values = columnsOf(sh, row0, col0, row1, col1, render)
		return out, nil
	}

	last := -1
	for row := row0; row <= row1 && row < len(sh.rows); row++ {
		if !sh.rowEmpty(row, col0, col1) {
			last = row
		}
	}
	for row := row0; row <= last; row++ {
		out.Values = append(out.Values, rowOf(sh, row, col0, col1, render))
	}
	return out, nil
}

func rowOf(sh *sheet, row, col0, col1 int, render string) []any {
	end := -1
	for col := col0; col <= col1; col++ {
		if !sh.cell(row, col).Empty() {
			end = col
		}
	}

	values := []any{}
	for col := col0; col <= end; col++ {
		values = append(values, renderOrBlank(sh, row, col, render))
	}
	return values
}

func columnsOf(sh *sheet, row0, col0, row1, col1 int, render string) [][]any {
	var columns [][]any
	lastColumn := -1
	for col := col0; col <= col1; col++ {
		var values []any
		end := -1
		for row := row0; row <= row1 && row < len(sh.rows); row++ {
			if !sh.cell(row, col).Empty() {
				end = row
			}
		}
		for row := row0; row <= end; row++ {
			values = append(values, renderOrBlank(sh, row, col, render))
		}
		if values == nil {
			values = []any{}
		} else {
			lastColumn = col - col0
		}
		columns = append(columns, values)
	}
	return columns[:lastColumn+1]
}

// renderOrBlank renders a cell, with "" for an empty one in every render
// option, as the API sends it inside a row.
func renderOrBlank(sh *sheet, row, col int, render string) any {
	value := sh.render(row, col, render)
	if value == nil {
		return ""
	}
	return value
}

// batchGet serves spreadsheets.values.batchGet.
func (b *spreadsheet) batchGet(query url.Values) (any, *apiError) {
	ranges := []valueRange{}
	for _, text := range query["ranges"] {
		one, apiErr := b.valuesGet(text, query)
		if apiErr != nil {
			return nil, apiErr
		}
		ranges = append(ranges, one)
	}
	return map[string]any{"spreadsheetId": b.id, "valueRanges": ranges}, nil
}

// readWriteBody decodes the ValueRange of a write and checks
// valueInputOption, which Google requires on every write.
func readWriteBody(query url.Values, r *http.Request) (valueRange, string, *apiError) {
	option := query.Get("valueInputOption")
	switch option {
	case "RAW", "USER_ENTERED":
	case "":
		return valueRange{}, "", invalidArgument("'valueInputOption' is required but not specified")
	default:
		return valueRange{}, "", invalidArgument(fmt.Sprintf("Invalid value at 'value_input_option' (type.googleapis.com/google.apps.sheets.v4.ValueInputOption), %q", option))
	}

	var body valueRange
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		return valueRange{}, "", invalidArgument("Invalid JSON payload received. " + err.Error())
	}
	if body.MajorDimension == "COLUMNS" {
		return valueRange{}, "", invalidArgument("fakesheets: majorDimension COLUMNS is not supported on writes")
	}
	return body, option, nil
}

// write stores values with their top-left cell at (row0, col0). A JSON
// null leaves its cell unchanged, as Google documents.
func write(sh *sheet, row0, col0 int, values [][]any, option string) (rows, cols, cells int) {
	for i, row := range values {
		for j, value := range row {
			if value == nil {
				continue
			}
			sh.set(row0+i, col0+j, parseInput(value, option))
			cells++
		}
		cols = max(cols, len(row))
	}
	return len(values), cols, cells
}

// valuesUpdate serves spreadsheets.values.update. Unlike append it never
// grows the grid: a write past the last row or column is rejected with
// Google's "exceeds grid limits" error.
func (b *spreadsheet) valuesUpdate(text string, query url.Values, r *http.Request) (any, *apiError) {
	sh, rng, apiErr := b.lookup(text)
	if apiErr != nil {
		return nil, apiErr
	}
	body, option, apiErr := readWriteBody(query, r)
	if apiErr != nil {
		return nil, apiErr
	}

	row0, col0, _, _ := sh.resolve(rng)
	width := 0
	for _, row := range body.Values {
		width = max(width, len(row))
	}
	if len(body.Values) > 0 && (row0+len(body.Values) > sh.rowCount || col0+width > sh.columnCount) {
		return nil, invalidArgument(fmt.Sprintf("Range (%s) exceeds grid limits. Max rows: %d, max columns: %d",
			formatA1(sh.title, row0, col0, row0+len(body.Values)-1, col0+max(width, 1)-1), sh.rowCount, sh.columnCount))
	}

	rows, cols, cells := write(sh, row0, col0, body.Values, option)
	return updateValuesResponse{
		SpreadsheetID:  b.id,
		UpdatedRange:   formatA1(sh.title, row0, col0, row0+max(rows, 1)-1, col0+max(cols, 1)-1),
		UpdatedRows:    rows,
		UpdatedColumns: cols,
		UpdatedCells:   cells,
	}, nil
}

// valuesAppend serves spreadsheets.values.append with Google's table
// detection: starting at the top of the given range, the first row with
// data inside the range's columns opens the table, and the table runs
// down to the row before the first empty one. Values go to the row after
// the table, starting at the table's first non-empty column. With no data
// in the range they go to the range's top-left cell. So a blank row inside
// the data ends the table there, and rows are appended into the gap.
//
// INSERT_ROWS first shifts the rows from the write row down; OVERWRITE
// (the default) writes over whatever is there. Both grow the grid.
func (b *spreadsheet) valuesAppend(text string, query url.Values, r *http.Request) (any, *apiError) {
	sh, rng, apiErr := b.lookup(text)
	if apiErr != nil {
		return nil, apiErr
	}
	body, option, apiErr := readWriteBody(query, r)
	if apiErr != nil {
		return nil, apiErr
	}

	insert := query.Get("insertDataOption")
	if insert != "" && insert != "INSERT_ROWS" && insert != "OVERWRITE" {
		return nil, invalidArgument(fmt.Sprintf("Invalid value at 'insert_data_option' (type.googleapis.com/google.apps.sheets.v4.InsertDataOption), %q", insert))
	}

	row0, col0, row1, col1 := sh.resolve(rng)
	writeRow, writeCol := row0, col0
	tableRange := ""

	start := -1
	for row := row0; row <= row1 && row < len(sh.rows); row++ {
		if !sh.rowEmpty(row, col0, col1) {
			start = row
			break
		}
	}
	if start >= 0 {
		end := start
		for end+1 <= row1 && !sh.rowEmpty(end+1, col0, col1) {
			end++
		}

		first, last := sh.usedColumns(start, end, col0, col1)
		tableRange = formatA1(sh.title, start, first, end, last)
		writeRow, writeCol = end+1, first
	}

	if insert == "INSERT_ROWS" && len(body.Values) > 0 {
		sh.insertRows(writeRow, len(body.Values))
	}
	rows, cols, cells := write(sh, writeRow, writeCol, body.Values, option)

	return appendValuesResponse{
		SpreadsheetID: b.id,
		TableRange:    tableRange,
		Updates: updateValuesResponse{
			SpreadsheetID:  b.id,
			UpdatedRange:   formatA1(sh.title, writeRow, writeCol, writeRow+max(rows, 1)-1, writeCol+max(cols, 1)-1),
			UpdatedRows:    rows,
			UpdatedColumns: cols,
			UpdatedCells:   cells,
		},
	}, nil
}

// valuesBatchUpdate serves spreadsheets.values.batchUpdate: several
// values.update writes in one request, all or none.
func (b *spreadsheet) valuesBatchUpdate(r *http.Request) (any, *apiError) {
	var body struct {
		ValueInputOption string       `json:"valueInputOption"`
		Data             []valueRange `json:"data"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		return nil, invalidArgument("Invalid JSON payload received. " + err.Error())
	}
	if body.ValueInputOption != "RAW" && body.ValueInputOption != "USER_ENTERED" {
		return nil, invalidArgument(fmt.Sprintf("Invalid valueInputOption %q: expected RAW or USER_ENTERED", body.ValueInputOption))
	}

	// Check every range first, so that a bad one writes nothing.
	type target struct {
		sh         *sheet
		row0, col0 int
		values     [][]any
	}
	var targets []target
	for _, data := range body.Data {
		sh, rng, apiErr := b.lookup(data.Range)
		if apiErr != nil {
			return nil, apiErr
		}

		row0, col0, _, _ := sh.resolve(rng)
		width := 0
		for _, row := range data.Values {
			width = max(width, len(row))
		}
		if row0+len(data.Values) > sh.rowCount || col0+width > sh.columnCount {
			return nil, invalidArgument(fmt.Sprintf("Range (%s) exceeds grid limits. Max rows: %d, max columns: %d",
				formatA1(sh.title, row0, col0, row0+max(len(data.Values), 1)-1, col0+max(width, 1)-1), sh.rowCount, sh.columnCount))
		}
		targets = append(targets, target{sh: sh, row0: row0, col0: col0, values: data.Values})
	}

	responses := []updateValuesResponse{}
	totalCells := 0
	for _, t := range targets {
		rows, cols, cells := write(t.sh, t.row0, t.col0, t.values, body.ValueInputOption)
		totalCells += cells
		responses = append(responses, updateValuesResponse{
			SpreadsheetID:  b.id,
			UpdatedRange:   formatA1(t.sh.title, t.row0, t.col0, t.row0+max(rows, 1)-1, t.col0+max(cols, 1)-1),
			UpdatedRows:    rows,
			UpdatedColumns: cols,
			UpdatedCells:   cells,
		})
	}

	return map[string]any{
		"spreadsheetId":     b.id,
		"totalUpdatedCells": totalCells,
		"responses":         responses,
	}, nil
}
