package xlsx_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/leadrouter/leadrouter/shared/sheet"
	"github.com/leadrouter/leadrouter/shared/xlsx"
)

// TestKeptCellsMatchFile appends rows of every kind of value, blank rows
// included, and checks that the Book, which keeps the cells it has read
// and appended, returns what a Book that reads the saved file returns.
func TestKeptCellsMatchFile(t *testing.T) {
	ctx := context.Background()
	book := newBook(t)
	tab := sheet.Tab{Name: "Log", Headers: []string{"ID", "When", "Amount", "Note"}}
	if err := book.EnsureTabs(ctx, []sheet.Tab{tab}); err != nil {
		t.Fatalf("EnsureTabs() = %v", err)
	}
	// The first read keeps the cells of the tab before any append.
	if _, err := book.Column(ctx, "Log", "ID"); err != nil {
		t.Fatalf("Column() = %v", err)
	}

	when := time.Date(2026, 3, 2, 9, 30, 15, 0, time.UTC)
	batches := [][]sheet.Row{
		{
			{"ID": "a-1", "When": when, "Amount": 1200.5, "Note": "=1+1"},
			{"ID": "a-2", "Amount": 7},
		},
		// A row without values between two with values, and one at the end.
		{
			{"ID": "b-1", "Note": "first"},
			{"ID": nil, "Note": nil},
			{"When": when.Add(time.Hour)},
			{"Note": ""},
		},
		{
			{"ID": "c-1", "When": when.Add(48 * time.Hour), "Amount": int64(-3), "Note": "  spaced  "},
		},
	}
	for i, rows := range batches {
		if err := book.Append(ctx, "Log", rows); err != nil {
			t.Fatalf("Append(batch %d) = %v", i+1, err)
		}

		fresh, err := xlsx.Open(book.Path())
		if err != nil {
			t.Fatalf("open the saved workbook: %v", err)
		}
		for _, header := range tab.Headers {
			got, err := book.Column(ctx, "Log", header)
			if err != nil {
				t.Fatalf("Column(%q) = %v", header, err)
			}
			want, err := fresh.Column(ctx, "Log", header)
			if err != nil {
				t.Fatalf("fresh Column(%q) = %v", header, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("after batch %d: Column(%q) = %q, want %q as read from the file", i+1, header, got, want)
			}
		}
		gotRows, err := book.Rows(ctx, "Log")
		if err != nil {
			t.Fatalf("Rows() = %v", err)
		}
		wantRows, err := fresh.Rows(ctx, "Log")
		if err != nil {
			t.Fatalf("fresh Rows() = %v", err)
		}
		if !reflect.DeepEqual(gotRows, wantRows) {
			t.Errorf("after batch %d: Rows() = %v, want %v as read from the file", i+1, gotRows, wantRows)
		}
		_ = fresh.Close()
	}

	// The blank row at the end of the second batch is not kept, so the
	// third batch follows the last row with a value, as on a fresh read.
	ids, err := book.Column(ctx, "Log", "ID")
	if err != nil {
		t.Fatalf("Column() = %v", err)
	}
	want := []string{"a-1", "a-2", "b-1", "", "", "c-1"}
	if !reflect.DeepEqual(ids, want) {
		t.Errorf("ID column = %q, want %q", ids, want)
	}
}

// TestRepEditBetweenAppends checks that a change saved to the file after
// the Book has kept a tab's cells is read before the next append, so the
// Writer's Lead ID check finds the rows a rep pasted in.
func TestRepEditBetweenAppends(t *testing.T) {
	ctx := context.Background()
	book := arrangedBook{newBook(t)}
	tab := sheet.Tab{Name: "Log", Headers: []string{"ID", "Note"}}
	if err := book.EnsureTabs(ctx, []sheet.Tab{tab}); err != nil {
		t.Fatalf("EnsureTabs() = %v", err)
	}
	if err := book.Append(ctx, "Log", []sheet.Row{{"ID": "a-1"}}); err != nil {
		t.Fatalf("Append() = %v", err)
	}
	if _, err := book.Column(ctx, "Log", "ID"); err != nil {
		t.Fatalf("Column() = %v", err)
	}

	// The rep moves the columns and pastes a row by hand.
	book.SetGrid(t, "Log", [][]string{{"Note", "ID"}, {"", "a-1"}, {"pasted", "r-1"}})

	ids, err := book.Column(ctx, "Log", "ID")
	if err != nil {
		t.Fatalf("Column() after the edit = %v", err)
	}
	if want := []string{"a-1", "r-1"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("Column() after the edit = %q, want %q", ids, want)
	}

	if err := book.Append(ctx, "Log", []sheet.Row{{"ID": "a-2", "Note": "ours"}}); err != nil {
		t.Fatalf("Append() after the edit = %v", err)
	}
	grid := book.Grid(t, "Log")
	want := [][]string{{"Note", "ID"}, {"", "a-1"}, {"pasted", "r-1"}, {"ours", "a-2"}}
	if !reflect.DeepEqual(grid, want) {
		t.Errorf("file after the append = %q, want %q", grid, want)
	}
}

// BenchmarkColumnKept reads the Lead ID column of a 5,000-row Leads tab
// that the Book has read before, as the Writer does before each append.
func BenchmarkColumnKept(b *testing.B) {
	ctx := context.Background()
	book, err := xlsx.Open(b.TempDir() + "/leads.xlsx")
	if err != nil {
		b.Fatalf("Open() = %v", err)
	}
	defer book.Close()

	rows := make([]sheet.Row, 0, backlogLeads)
	for i := range backlogLeads {
		rows = append(rows, sheet.Row{sheet.HeaderLeadID: fmt.Sprintf("L-%026d", i), sheet.HeaderReceived: time.Date(2026, 3, 2, 9, 0, i%60, 0, time.UTC)})
	}
	if err := book.Append(ctx, sheet.TabLeads, rows); err != nil {
		b.Fatalf("Append() = %v", err)
	}

	for b.Loop() {
		ids, err := book.Column(ctx, sheet.TabLeads, sheet.HeaderLeadID)
		if err != nil || len(ids) != backlogLeads {
			b.Fatalf("Column() = %d ids, %v; want %d", len(ids), err, backlogLeads)
		}
	}
}
