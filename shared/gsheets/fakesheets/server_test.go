package fakesheets_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"
	"google.golang.org/api/sheets/v4"

	"github.com/leadrouter/leadrouter/shared/gsheets/fakesheets"
)

// newClient starts a fake and returns the real Sheets client pointed at it.
func newClient(t *testing.T) (*fakesheets.Server, *sheets.Service) {
	t.Helper()

	fake := fakesheets.New()
	t.Cleanup(fake.Close)

	svc, err := sheets.NewService(context.Background(),
		option.WithEndpoint(fake.URL()), option.WithoutAuthentication())
	if err != nil {
		t.Fatalf("sheets.NewService: %v", err)
	}
	return fake, svc
}

func appendRows(t *testing.T, svc *sheets.Service, rng, input, insert string, rows [][]any) *sheets.AppendValuesResponse {
	t.Helper()

	call := svc.Spreadsheets.Values.Append(fakesheets.SpreadsheetID, rng, &sheets.ValueRange{Values: rows}).
		ValueInputOption(input)
	if insert != "" {
		call = call.InsertDataOption(insert)
	}
	resp, err := call.Do()
	if err != nil {
		t.Fatalf("append to %s: %v", rng, err)
	}
	return resp
}

func TestValuesGetShape(t *testing.T) {
	fake, svc := newClient(t)
	if err := fake.SetValues("Sheet1", "A1", [][]any{
		{"Lead ID", "Name", nil},
		{"L-1", nil, "x"},
		{},
		{"L-3"},
	}); err != nil {
		t.Fatal(err)
	}

	got, err := svc.Spreadsheets.Values.Get(fakesheets.SpreadsheetID, "Sheet1").Do()
	if err != nil {
		t.Fatalf("values.get: %v", err)
	}

	if got.Range != "Sheet1!A1:Z1000" {
		t.Errorf("range = %q, want Sheet1!A1:Z1000", got.Range)
	}
	if len(got.Values) != 4 {
		t.Fatalf("rows = %d, want 4 (blank row kept, trailing rows trimmed): %v", len(got.Values), got.Values)
	}
	if len(got.Values[0]) != 2 {
		t.Errorf("header row = %v, want trailing empty cell trimmed", got.Values[0])
	}
	if got.Values[1][1] != "" {
		t.Errorf("inner empty cell = %#v, want \"\"", got.Values[1][1])
	}
	if len(got.Values[2]) != 0 {
		t.Errorf("blank row = %v, want []", got.Values[2])
	}
}

func TestValuesGetColumns(t *testing.T) {
	fake, svc := newClient(t)
	if err := fake.SetValues("Sheet1", "A1", [][]any{{"a", "b"}, {nil, "c"}, {"d"}}); err != nil {
		t.Fatal(err)
	}

	got, err := svc.Spreadsheets.Values.Get(fakesheets.SpreadsheetID, "Sheet1!B:B").MajorDimension("COLUMNS").Do()
	if err != nil {
		t.Fatalf("values.get: %v", err)
	}

	if len(got.Values) != 1 || len(got.Values[0]) != 2 {
		t.Fatalf("values = %v, want one column of two cells", got.Values)
	}
	if got.Values[0][1] != "c" {
		t.Errorf("B2 = %v, want c", got.Values[0][1])
	}
}

func TestAppendTableDetection(t *testing.T) {
	tests := []struct {
		name        string
		cells       [][]any
		rng         string
		insert      string
		wantTable   string
		wantUpdated string
	}{
		{name: "empty sheet", rng: "Sheet1", wantTable: "", wantUpdated: "Sheet1!A1:B1"},
		{name: "contiguous table", cells: [][]any{{"h1", "h2"}, {"a", "b"}}, rng: "Sheet1", wantTable: "Sheet1!A1:B2", wantUpdated: "Sheet1!A3:B3"},
		{name: "blank row splits table", cells: [][]any{{"h1", "h2"}, {"a", "b"}, {}, {"c", "d"}}, rng: "Sheet1", wantTable: "Sheet1!A1:B2", wantUpdated: "Sheet1!A3:B3"},
		{name: "table starts in column B", cells: [][]any{{nil, "h2"}, {nil, "b"}}, rng: "Sheet1", wantTable: "Sheet1!B1:B2", wantUpdated: "Sheet1!B3:C3"},
		{name: "range below the data", cells: [][]any{{"h1", "h2"}, {"a", "b"}}, rng: "Sheet1!A3:B3", wantTable: "", wantUpdated: "Sheet1!A3:B3"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, svc := newClient(t)
			if err := fake.SetValues("Sheet1", "A1", tt.cells); err != nil {
				t.Fatal(err)
			}

			resp := appendRows(t, svc, tt.rng, "RAW", "INSERT_ROWS", [][]any{{"new1", "new2"}})

			if resp.TableRange != tt.wantTable {
				t.Errorf("tableRange = %q, want %q", resp.TableRange, tt.wantTable)
			}
			if resp.Updates.UpdatedRange != tt.wantUpdated {
				t.Errorf("updatedRange = %q, want %q", resp.Updates.UpdatedRange, tt.wantUpdated)
			}
		})
	}
}

func TestAppendInsertRowsShiftsRowsBelow(t *testing.T) {
	fake, svc := newClient(t)
	if err := fake.SetValues("Sheet1", "A1", [][]any{{"h"}, {"a"}, {}, {"below"}}); err != nil {
		t.Fatal(err)
	}

	appendRows(t, svc, "Sheet1", "RAW", "INSERT_ROWS", [][]any{{"new"}})

	if got := fake.Cell("Sheet1", "A3").Value; got != "new" {
		t.Errorf("A3 = %v, want new", got)
	}
	if got := fake.Cell("Sheet1", "A5").Value; got != "below" {
		t.Errorf("A5 = %v, want below (shifted down one row)", got)
	}
}

func TestAppendOverwriteReplacesGap(t *testing.T) {
	fake, svc := newClient(t)
	if err := fake.SetValues("Sheet1", "A1", [][]any{{"h"}, {"a"}, {}, {"below"}}); err != nil {
		t.Fatal(err)
	}

	appendRows(t, svc, "Sheet1", "RAW", "", [][]any{{"new"}, {"overwrites"}})

	if got := fake.Cell("Sheet1", "A4").Value; got != "overwrites" {
		t.Errorf("A4 = %v, want the appended value written over the rep's row", got)
	}
}

func TestValueInputOptions(t *testing.T) {
	tests := []struct {
		input       string
		value       any
		wantValue   any
		wantFormula string
	}{
		{input: "RAW", value: "=1+1", wantValue: "=1+1"},
		{input: "RAW", value: "42", wantValue: "42"},
		{input: "RAW", value: 42.5, wantValue: 42.5},
		{input: "USER_ENTERED", value: "=1+1", wantFormula: "=1+1"},
		{input: "USER_ENTERED", value: "+cmd", wantFormula: "+cmd"},
		{input: "USER_ENTERED", value: "-2+3", wantFormula: "-2+3"},
		{input: "USER_ENTERED", value: "-2", wantValue: -2.0},
		{input: "USER_ENTERED", value: "plain", wantValue: "plain"},
	}

	for _, tt := range tests {
		t.Run(tt.input+" "+formatAny(tt.value), func(t *testing.T) {
			fake, svc := newClient(t)

			appendRows(t, svc, "Sheet1", tt.input, "", [][]any{{tt.value}})
			got := fake.Cell("Sheet1", "A1")

			if got.Value != tt.wantValue {
				t.Errorf("value = %#v, want %#v", got.Value, tt.wantValue)
			}
			if got.Formula != tt.wantFormula {
				t.Errorf("formula = %q, want %q", got.Formula, tt.wantFormula)
			}
			if got.InputOption != tt.input {
				t.Errorf("input option = %q, want %q", got.InputOption, tt.input)
			}
		})
	}
}

func formatAny(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return "number"
}

func TestAppendRequiresValueInputOption(t *testing.T) {
	_, svc := newClient(t)

	_, err := svc.Spreadsheets.Values.Append(fakesheets.SpreadsheetID, "Sheet1", &sheets.ValueRange{Values: [][]any{{"a"}}}).Do()

	var apiErr *googleapi.Error
	if !errors.As(err, &apiErr) || apiErr.Code != http.StatusBadRequest {
		t.Fatalf("error = %v, want a 400 *googleapi.Error", err)
	}
}

func TestUpdateBeyondGridRejected(t *testing.T) {
	_, svc := newClient(t)

	_, err := svc.Spreadsheets.Values.Update(fakesheets.SpreadsheetID, "Sheet1!A1001", &sheets.ValueRange{Values: [][]any{{"a"}}}).
		ValueInputOption("RAW").Do()

	var apiErr *googleapi.Error
	if !errors.As(err, &apiErr) || apiErr.Code != http.StatusBadRequest {
		t.Fatalf("error = %v, want a 400 *googleapi.Error", err)
	}
}

func TestAddSheetAtomic(t *testing.T) {
	fake, svc := newClient(t)

	_, err := svc.Spreadsheets.BatchUpdate(fakesheets.SpreadsheetID, &sheets.BatchUpdateSpreadsheetRequest{
		Requests: []*sheets.Request{
			{AddSheet: &sheets.AddSheetRequest{Properties: &sheets.SheetProperties{Title: "Leads"}}},
			{AddSheet: &sheets.AddSheetRequest{Properties: &sheets.SheetProperties{Title: "Sheet1"}}},
		},
	}).Do()

	var apiErr *googleapi.Error
	if !errors.As(err, &apiErr) || apiErr.Code != http.StatusBadRequest {
		t.Fatalf("error = %v, want a 400 for the duplicate title", err)
	}
	if got := fake.Sheets(); len(got) != 1 {
		t.Errorf("sheets = %v, want only Sheet1 because the batch failed", got)
	}
}

func TestAddSheetQuotedName(t *testing.T) {
	fake, svc := newClient(t)

	resp, err := svc.Spreadsheets.BatchUpdate(fakesheets.SpreadsheetID, &sheets.BatchUpdateSpreadsheetRequest{
		Requests: []*sheets.Request{{AddSheet: &sheets.AddSheetRequest{Properties: &sheets.SheetProperties{Title: "Target Accounts"}}}},
	}).Do()
	if err != nil {
		t.Fatalf("addSheet: %v", err)
	}
	if resp.Replies[0].AddSheet.Properties.Title != "Target Accounts" {
		t.Errorf("reply = %+v, want the new sheet's properties", resp.Replies[0].AddSheet.Properties)
	}

	appendRows(t, svc, "'Target Accounts'!A1", "RAW", "INSERT_ROWS", [][]any{{"Company"}})
	if got := fake.Cell("Target Accounts", "A1").Value; got != "Company" {
		t.Errorf("A1 = %v, want Company", got)
	}
}

func TestThrottledBodyNotRetried(t *testing.T) {
	fake, svc := newClient(t)
	fake.FailEvery(1, http.StatusTooManyRequests, fakesheets.MethodAppend)

	_, err := svc.Spreadsheets.Values.Append(fakesheets.SpreadsheetID, "Sheet1", &sheets.ValueRange{Values: [][]any{{"a"}}}).
		ValueInputOption("RAW").Do()

	var apiErr *googleapi.Error
	if !errors.As(err, &apiErr) {
		t.Fatalf("error = %v, want *googleapi.Error", err)
	}
	if apiErr.Code != http.StatusTooManyRequests {
		t.Errorf("code = %d, want 429", apiErr.Code)
	}
	if len(apiErr.Details) != 2 {
		t.Errorf("details = %v, want ErrorInfo and Help", apiErr.Details)
	}
	if got := fake.Count(fakesheets.MethodAppend); got != 1 {
		t.Errorf("append requests = %d, want 1 because the client does not retry", got)
	}
	if got := fake.Cell("Sheet1", "A1"); !got.Empty() {
		t.Errorf("A1 = %+v, want empty after a rejected write", got)
	}
}

func TestFailAfterApplyWrites(t *testing.T) {
	fake, svc := newClient(t)
	fake.FailAfterApplyEvery(1, http.StatusInternalServerError, fakesheets.MethodAppend)

	_, err := svc.Spreadsheets.Values.Append(fakesheets.SpreadsheetID, "Sheet1", &sheets.ValueRange{Values: [][]any{{"a"}}}).
		ValueInputOption("RAW").Do()

	var apiErr *googleapi.Error
	if !errors.As(err, &apiErr) || apiErr.Code != http.StatusInternalServerError {
		t.Fatalf("error = %v, want a 500 *googleapi.Error", err)
	}
	if got := fake.Cell("Sheet1", "A1").Value; got != "a" {
		t.Errorf("A1 = %v, want the value written although the client saw a failure", got)
	}
}

func TestFailEveryThirdRequest(t *testing.T) {
	fake, svc := newClient(t)
	fake.FailEvery(3, http.StatusInternalServerError)

	var failed []int
	for i := 1; i <= 6; i++ {
		if _, err := svc.Spreadsheets.Get(fakesheets.SpreadsheetID).Do(); err != nil {
			failed = append(failed, i)
		}
	}

	if len(failed) != 2 || failed[0] != 3 || failed[1] != 6 {
		t.Errorf("failed requests = %v, want [3 6]", failed)
	}
}

func TestDelayTimesOut(t *testing.T) {
	fake, svc := newClient(t)
	fake.SetDelay(5 * time.Second)

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := svc.Spreadsheets.Get(fakesheets.SpreadsheetID).Context(ctx).Do()

	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error = %v, want context.DeadlineExceeded", err)
	}
}

func TestUnknownSpreadsheetNotFound(t *testing.T) {
	_, svc := newClient(t)

	_, err := svc.Spreadsheets.Get("missing").Do()

	var apiErr *googleapi.Error
	if !errors.As(err, &apiErr) || apiErr.Code != http.StatusNotFound {
		t.Errorf("error = %v, want a 404 *googleapi.Error", err)
	}
}

func TestBatchGetRanges(t *testing.T) {
	fake, svc := newClient(t)
	if err := fake.SetValues("Sheet1", "A1", [][]any{{"a", "b"}, {"c", "d"}}); err != nil {
		t.Fatal(err)
	}

	resp, err := svc.Spreadsheets.Values.BatchGet(fakesheets.SpreadsheetID).Ranges("Sheet1!1:1", "Sheet1!B:B").Do()
	if err != nil {
		t.Fatalf("batchGet: %v", err)
	}

	if len(resp.ValueRanges) != 2 {
		t.Fatalf("value ranges = %d, want 2", len(resp.ValueRanges))
	}
	if got := resp.ValueRanges[0].Values; len(got) != 1 || len(got[0]) != 2 {
		t.Errorf("row 1 = %v, want [[a b]]", got)
	}
	if got := resp.ValueRanges[1].Values; len(got) != 2 || got[1][0] != "d" {
		t.Errorf("column B = %v, want [[b] [d]]", got)
	}
}

func TestRepeatCellDateFormat(t *testing.T) {
	_, svc := newClient(t)

	_, err := svc.Spreadsheets.BatchUpdate(fakesheets.SpreadsheetID, &sheets.BatchUpdateSpreadsheetRequest{
		Requests: []*sheets.Request{{RepeatCell: &sheets.RepeatCellRequest{
			Range:  &sheets.GridRange{SheetId: 0, StartRowIndex: 1, StartColumnIndex: 1, EndColumnIndex: 2},
			Cell:   &sheets.CellData{UserEnteredFormat: &sheets.CellFormat{NumberFormat: &sheets.NumberFormat{Type: "DATE_TIME", Pattern: "yyyy-mm-dd hh:mm:ss"}}},
			Fields: "userEnteredFormat.numberFormat",
		}}},
	}).Do()
	if err != nil {
		t.Fatalf("repeatCell: %v", err)
	}
	appendRows(t, svc, "Sheet1!A2", "RAW", "", [][]any{{"x", 46000.5}})

	got, err := svc.Spreadsheets.Values.Get(fakesheets.SpreadsheetID, "Sheet1!B2").Do()
	if err != nil {
		t.Fatalf("values.get: %v", err)
	}
	if got.Values[0][0] != "2025-12-09 12:00:00" {
		t.Errorf("B2 = %v, want the serial number shown as a date", got.Values[0][0])
	}
}

func TestMoveColumn(t *testing.T) {
	fake, _ := newClient(t)
	if err := fake.SetValues("Sheet1", "A1", [][]any{{"a", "b", "c"}}); err != nil {
		t.Fatal(err)
	}

	if err := fake.MoveColumn("Sheet1", 0, 2); err != nil {
		t.Fatal(err)
	}

	if got := fake.Cell("Sheet1", "A1").Value; got != "b" {
		t.Errorf("A1 = %v, want b", got)
	}
	if got := fake.Cell("Sheet1", "C1").Value; got != "a" {
		t.Errorf("C1 = %v, want a", got)
	}
}
