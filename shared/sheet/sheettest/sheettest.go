// Package sheettest is the contract suite for sheet.Book and for the outbox
// writer on top of it. Every Book adapter runs Run, so the local workbook
// and the Google Sheets adapter behave alike: columns found by header
// text, appends below the last row with a value, values stored as text,
// numbers and dates and never as formulas. RunWriter runs the writer's
// exactly-once, retry and rate-limit checks against a Book.
package sheettest

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/leadrouter/leadrouter/shared/sheet"
)

// NewBook returns a book of its own for one subtest, with no data rows. It
// may already hold the tabs of sheet.Layout with their headers, as a new
// local workbook does. It registers any cleanup with t, fails t when the
// backend cannot be reached, and returns a book that implements Arranger.
type NewBook func(t *testing.T) sheet.Book

// Arranger reads and sets a tab the way a rep does by hand, which the Book
// port cannot: the suite uses it to move columns, leave blank rows and
// check that nothing else changed. Test code implements it next to the
// adapter, for example on a wrapper around the adapter's Book.
type Arranger interface {
	// SetGrid replaces the content of tab with grid, creating the tab when
	// it is missing. grid[0] is the header row, every value is written as
	// text and "" leaves a cell blank.
	SetGrid(t *testing.T, tab string, grid [][]string)
	// Grid returns the cells of tab as text, row 1 first, without the
	// blank cells at the end of each row and the blank rows at the end.
	Grid(t *testing.T, tab string) [][]string
}

// Run runs every clause of the Book contract against books made by
// newBook, each subtest with a book of its own.
func Run(t *testing.T, newBook NewBook) {
	t.Helper()

	groups := []struct {
		name  string
		tests []bookTest
	}{
		{"EnsureTabs", ensureTabsTests},
		{"Append", appendTests},
		{"Values", valueTests},
		{"Read", readTests},
	}
	for _, group := range groups {
		t.Run(group.name, func(t *testing.T) {
			for _, tc := range group.tests {
				t.Run(tc.name, func(t *testing.T) {
					tc.run(t, arranged(t, newBook(t)))
				})
			}
		})
	}
}

type bookTest struct {
	name string
	run  func(t *testing.T, b book)
}

// book is a Book with its Arranger, as every clause needs both.
type book interface {
	sheet.Book
	Arranger
}

func arranged(t *testing.T, b sheet.Book) book {
	t.Helper()

	withArranger, ok := b.(book)
	if !ok {
		t.Fatalf("the book from NewBook (%T) does not implement sheettest.Arranger; wrap it in a type with SetGrid and Grid", b)
	}
	return withArranger
}

// trimGrid drops the blank cells at the end of each row and the blank rows
// at the end, the form Grid returns.
func trimGrid(grid [][]string) [][]string {
	trimmed := make([][]string, 0, len(grid))
	for _, row := range grid {
		end := len(row)
		for end > 0 && row[end-1] == "" {
			end--
		}
		trimmed = append(trimmed, append([]string{}, row[:end]...))
	}

	end := len(trimmed)
	for end > 0 && len(trimmed[end-1]) == 0 {
		end--
	}
	return trimmed[:end]
}

func checkGrid(t *testing.T, b book, tab string, want [][]string) {
	t.Helper()

	got := trimGrid(b.Grid(t, tab))
	want = trimGrid(want)
	if reflect.DeepEqual(got, want) {
		return
	}

	t.Errorf("tab %q has %d rows, want %d", tab, len(got), len(want))
	for i := 0; i < max(len(got), len(want)); i++ {
		var gotRow, wantRow []string
		if i < len(got) {
			gotRow = got[i]
		}
		if i < len(want) {
			wantRow = want[i]
		}
		if !reflect.DeepEqual(gotRow, wantRow) {
			t.Errorf("tab %q row %d = %q, want %q", tab, i+1, gotRow, wantRow)
		}
	}
}

func checkKind(t *testing.T, err, kind error, call string) {
	t.Helper()

	if !errors.Is(err, kind) {
		t.Errorf("%s = %v, want an error matching %v", call, err, kind)
	}
}

func mustEnsure(t *testing.T, b sheet.Book, tabs ...sheet.Tab) {
	t.Helper()

	if err := b.EnsureTabs(context.Background(), tabs); err != nil {
		t.Fatalf("EnsureTabs() = %v", err)
	}
}

func mustAppend(t *testing.T, b sheet.Book, tab string, rows ...sheet.Row) {
	t.Helper()

	if err := b.Append(context.Background(), tab, rows); err != nil {
		t.Fatalf("Append(%q, %d rows) = %v", tab, len(rows), err)
	}
}

func mustColumn(t *testing.T, b sheet.Book, tab, header string) []string {
	t.Helper()

	values, err := b.Column(context.Background(), tab, header)
	if err != nil {
		t.Fatalf("Column(%q, %q) = %v", tab, header, err)
	}
	return values
}

func mustRows(t *testing.T, b sheet.Book, tab string) []map[string]string {
	t.Helper()

	rows, err := b.Rows(context.Background(), tab)
	if err != nil {
		t.Fatalf("Rows(%q) = %v", tab, err)
	}
	return rows
}
