package gsheets_test

import (
	"testing"

	"github.com/leadrouter/leadrouter/shared/gsheets"
	"github.com/leadrouter/leadrouter/shared/gsheets/fakesheets"
	"github.com/leadrouter/leadrouter/shared/sheet"
	"github.com/leadrouter/leadrouter/shared/sheet/sheettest"
)

// arrangedBook is a Book with the fake behind it, so the contract suite
// can edit the sheet as a rep would.
type arrangedBook struct {
	*gsheets.Book
	fake *fakesheets.Server
}

func (b arrangedBook) SetGrid(t *testing.T, tab string, grid [][]string) {
	t.Helper()

	rows := make([][]any, len(grid))
	for i, row := range grid {
		rows[i] = make([]any, len(row))
		for j, text := range row {
			if text != "" {
				rows[i][j] = text
			}
		}
	}
	if err := b.fake.ReplaceSheet(tab, rows); err != nil {
		t.Fatal(err)
	}
}

func (b arrangedBook) Grid(t *testing.T, tab string) [][]string {
	t.Helper()
	return b.fake.Text(tab)
}

func newArrangedBook(t *testing.T) sheet.Book {
	fake, book := newBook(t)
	return arrangedBook{Book: book, fake: fake}
}

func TestBookContract(t *testing.T) {
	sheettest.Run(t, newArrangedBook)
}

func TestWriterContract(t *testing.T) {
	sheettest.RunWriter(t, newArrangedBook)
}
