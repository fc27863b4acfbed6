package fakesheets

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
)

type gridProperties struct {
	RowCount       int `json:"rowCount,omitempty"`
	ColumnCount    int `json:"columnCount,omitempty"`
	FrozenRowCount int `json:"frozenRowCount,omitempty"`
}

type sheetProperties struct {
	SheetID        *int64          `json:"sheetId,omitempty"`
	Title          string          `json:"title,omitempty"`
	Index          *int            `json:"index,omitempty"`
	SheetType      string          `json:"sheetType,omitempty"`
	GridProperties *gridProperties `json:"gridProperties,omitempty"`
}

func (sh *sheet) properties() sheetProperties {
	id, index := sh.id, sh.index
	return sheetProperties{
		SheetID:        &id,
		Title:          sh.title,
		Index:          &index,
		SheetType:      "GRID",
		GridProperties: &gridProperties{RowCount: sh.rowCount, ColumnCount: sh.columnCount},
	}
}

// get serves spreadsheets.get: the spreadsheet's properties and each
// sheet's properties.
//
// NOTE: the fields mask and includeGridData are ignored, so the response
// never carries grid data such as hidden-column metadata.
func (b *spreadsheet) get() any {
	sheets := []any{}
	for _, sh := range b.sheets {
		sheets = append(sheets, map[string]any{"properties": sh.properties()})
	}

	return map[string]any{
		"spreadsheetId": b.id,
		"properties": map[string]any{
			"title":      b.title,
			"locale":     "en_US",
			"autoRecalc": "ON_CHANGE",
			"timeZone":   "Etc/GMT",
		},
		"sheets":         sheets,
		"spreadsheetUrl": "https://docs.google.com/spreadsheets/d/" + b.id + "/edit",
	}
}

type gridRangeJSON struct {
	SheetID          int64 `json:"sheetId"`
	StartRowIndex    *int  `json:"startRowIndex"`
	EndRowIndex      *int  `json:"endRowIndex"`
	StartColumnIndex *int  `json:"startColumnIndex"`
	EndColumnIndex   *int  `json:"endColumnIndex"`
}

type repeatCellRequest struct {
	Range gridRangeJSON `json:"range"`
	Cell  struct {
		UserEnteredFormat struct {
			NumberFormat *NumberFormat `json:"numberFormat"`
		} `json:"userEnteredFormat"`
	} `json:"cell"`
	Fields string `json:"fields"`
}

// batchUpdate serves spreadsheets.batchUpdate for addSheet,
// appendDimension, updateCells (values from a start cell) and repeatCell
// (number formats only). As in Google, the requests apply all or none:
// they run against a copy of the sheet list that replaces the original
// only when every request succeeded.
func (b *spreadsheet) batchUpdate(r *http.Request) (any, *apiError) {
	var body struct {
		Requests []map[string]json.RawMessage `json:"requests"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		return nil, invalidArgument("Invalid JSON payload received. " + err.Error())
	}
	if len(body.Requests) == 0 {
		return nil, invalidArgument("Must specify at least one request.")
	}

	staged := make([]*sheet, 0, len(b.sheets))
	for _, sh := range b.sheets {
		clone := *sh
		clone.formats = maps.Clone(sh.formats)
		clone.formatStart = maps.Clone(sh.formatStart)
		clone.rows = make([][]Cell, len(sh.rows))
		for i, row := range sh.rows {
			clone.rows[i] = slices.Clone(row)
		}
		staged = append(staged, &clone)
	}
	nextID := b.nextID

	replies := []any{}
	for i, request := range body.Requests {
		if len(request) != 1 {
			return nil, invalidArgument(fmt.Sprintf("Invalid requests[%d]: exactly one kind of request must be set", i))
		}

		for kind, raw := range request {
			switch kind {
			case "addSheet":
				reply, apiErr := addSheet(&staged, &nextID, i, raw)
				if apiErr != nil {
					return nil, apiErr
				}
				replies = append(replies, reply)
			case "appendDimension":
				if apiErr := appendDimension(staged, i, raw); apiErr != nil {
					return nil, apiErr
				}
				replies = append(replies, map[string]any{})
			case "updateCells":
				if apiErr := updateCells(staged, i, raw); apiErr != nil {
					return nil, apiErr
				}
				replies = append(replies, map[string]any{})
			case "repeatCell":
				if apiErr := repeatCell(staged, i, raw); apiErr != nil {
					return nil, apiErr
				}
				replies = append(replies, map[string]any{})
			default:
				return nil, invalidArgument(fmt.Sprintf("fakesheets: requests[%d].%s is not implemented", i, kind))
			}
		}
	}

	b.sheets, b.nextID = staged, nextID
	return map[string]any{"spreadsheetId": b.id, "replies": replies}, nil
}

func addSheet(staged *[]*sheet, nextID *int64, i int, raw json.RawMessage) (any, *apiError) {
	var request struct {
		Properties sheetProperties `json:"properties"`
	}
	if err := json.Unmarshal(raw, &request); err != nil {
		return nil, invalidArgument(fmt.Sprintf("Invalid requests[%d].addSheet: %v", i, err))
	}

	props := request.Properties
	title := props.Title
	if title == "" {
		title = fmt.Sprintf("Sheet%d", len(*staged)+1)
	}
	for _, sh := range *staged {
		if strings.EqualFold(sh.title, title) {
			return nil, invalidArgument(fmt.Sprintf("Invalid requests[%d].addSheet: A sheet with the name \"%s\" already exists. Please enter another name.", i, title))
		}
	}

	id := *nextID * 1000003
	*nextID++
	if props.SheetID != nil {
		id = *props.SheetID
		for _, sh := range *staged {
			if sh.id == id {
				return nil, invalidArgument(fmt.Sprintf("Invalid requests[%d].addSheet: Sheet with id %d already exists.", i, id))
			}
		}
	}

	sh := newSheet(id, title, len(*staged))
	if props.GridProperties != nil {
		if props.GridProperties.RowCount > 0 {
			sh.rowCount = props.GridProperties.RowCount
		}
		if props.GridProperties.ColumnCount > 0 {
			sh.columnCount = props.GridProperties.ColumnCount
		}
	}
	*staged = append(*staged, sh)

	return map[string]any{"addSheet": map[string]any{"properties": sh.properties()}}, nil
}

func repeatCell(staged []*sheet, i int, raw json.RawMessage) *apiError {
	var request repeatCellRequest
	if err := json.Unmarshal(raw, &request); err != nil {
		return invalidArgument(fmt.Sprintf("Invalid requests[%d].repeatCell: %v", i, err))
	}

	format := request.Cell.UserEnteredFormat.NumberFormat
	if format == nil || !strings.Contains(request.Fields, "userEnteredFormat.numberFormat") {
		return invalidArgument(fmt.Sprintf("fakesheets: requests[%d].repeatCell supports only userEnteredFormat.numberFormat", i))
	}

	var target *sheet
	for _, sh := range staged {
		if sh.id == request.Range.SheetID {
			target = sh
		}
	}
	if target == nil {
		return invalidArgument(fmt.Sprintf("Invalid requests[%d].repeatCell: No grid with id: %d", i, request.Range.SheetID))
	}

	startRow, startCol, endCol := 0, 0, target.columnCount
	if request.Range.StartRowIndex != nil {
		startRow = *request.Range.StartRowIndex
	}
	if request.Range.StartColumnIndex != nil {
		startCol = *request.Range.StartColumnIndex
	}
	if request.Range.EndColumnIndex != nil {
		endCol = *request.Range.EndColumnIndex
	}

	// NOTE: the format covers each column from startRow down without an
	// end row, which is how the adapter formats whole columns.
	for col := startCol; col < endCol; col++ {
		target.formats[col] = *format
		target.formatStart[col] = startRow
	}
	return nil
}

func appendDimension(staged []*sheet, i int, raw json.RawMessage) *apiError {
	var request struct {
		SheetID   int64  `json:"sheetId"`
		Dimension string `json:"dimension"`
		Length    int    `json:"length"`
	}
	if err := json.Unmarshal(raw, &request); err != nil {
		return invalidArgument(fmt.Sprintf("Invalid requests[%d].appendDimension: %v", i, err))
	}
	if request.Length < 1 {
		return invalidArgument(fmt.Sprintf("Invalid requests[%d].appendDimension: length must be at least 1", i))
	}

	for _, sh := range staged {
		if sh.id != request.SheetID {
			continue
		}
		switch request.Dimension {
		case "ROWS":
			sh.rowCount += request.Length
		case "COLUMNS":
			sh.columnCount += request.Length
		default:
			return invalidArgument(fmt.Sprintf("Invalid requests[%d].appendDimension: dimension must be ROWS or COLUMNS", i))
		}
		return nil
	}
	return invalidArgument(fmt.Sprintf("Invalid requests[%d].appendDimension: No grid with id: %d", i, request.SheetID))
}

// updateCells writes userEnteredValue cells from a start cell. Like Google
// it rejects a write past the grid. A stringValue is stored as text
// whatever it starts with, and a formulaValue as a formula.
func updateCells(staged []*sheet, i int, raw json.RawMessage) *apiError {
	var request struct {
		Start *struct {
			SheetID     int64 `json:"sheetId"`
			RowIndex    int   `json:"rowIndex"`
			ColumnIndex int   `json:"columnIndex"`
		} `json:"start"`
		Rows []struct {
			Values []struct {
				UserEnteredValue *struct {
					StringValue  *string  `json:"stringValue"`
					NumberValue  *float64 `json:"numberValue"`
					BoolValue    *bool    `json:"boolValue"`
					FormulaValue *string  `json:"formulaValue"`
				} `json:"userEnteredValue"`
			} `json:"values"`
		} `json:"rows"`
		Fields string `json:"fields"`
	}
	if err := json.Unmarshal(raw, &request); err != nil {
		return invalidArgument(fmt.Sprintf("Invalid requests[%d].updateCells: %v", i, err))
	}
	if request.Start == nil || request.Fields != "userEnteredValue" {
		return invalidArgument(fmt.Sprintf("fakesheets: requests[%d].updateCells supports only a start cell and fields \"userEnteredValue\"", i))
	}

	var target *sheet
	for _, sh := range staged {
		if sh.id == request.Start.SheetID {
			target = sh
		}
	}
	if target == nil {
		return invalidArgument(fmt.Sprintf("Invalid requests[%d].updateCells: No grid with id: %d", i, request.Start.SheetID))
	}

	row0, col0 := request.Start.RowIndex, request.Start.ColumnIndex
	for r, row := range request.Rows {
		if row0+r >= target.rowCount || col0+len(row.Values) > target.columnCount {
			return invalidArgument(fmt.Sprintf("Invalid requests[%d].updateCells: Range (%s) exceeds grid limits. Max rows: %d, max columns: %d",
				i, formatA1(target.title, row0+r, col0, row0+r, col0+max(len(row.Values), 1)-1), target.rowCount, target.columnCount))
		}
		for c, value := range row.Values {
			cell := Cell{}
			if v := value.UserEnteredValue; v != nil {
				switch {
				case v.StringValue != nil && *v.StringValue != "":
					cell = Cell{Value: *v.StringValue, InputOption: "RAW"}
				case v.NumberValue != nil:
					cell = Cell{Value: *v.NumberValue, InputOption: "RAW"}
				case v.BoolValue != nil:
					cell = Cell{Value: *v.BoolValue, InputOption: "RAW"}
				case v.FormulaValue != nil:
					cell = Cell{Formula: *v.FormulaValue, InputOption: "USER_ENTERED"}
				}
			}
			target.set(row0+r, col0+c, cell)
		}
	}
	return nil
}
