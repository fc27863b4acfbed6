package xlsx_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/leadrouter/leadrouter/shared/sheet"
	"github.com/leadrouter/leadrouter/shared/sheet/sheettest"
	"github.com/leadrouter/leadrouter/shared/xlsx"
)

// arrangedBook is a workbook that the contract suite can edit as a rep
// does: through excelize on the file itself, while the Book has it open.
type arrangedBook struct {
	*xlsx.Book
}

// SetGrid replaces the content of tab in the file on disk, as a rep who
// edits and saves the workbook in an office program.
func (b arrangedBook) SetGrid(t *testing.T, tab string, grid [][]string) {
	t.Helper()

	f := openFile(t, b.Path())
	index, err := f.GetSheetIndex(tab)
	if err != nil {
		t.Fatalf("find tab %q: %v", tab, err)
	}
	if index != -1 {
		if err := f.DeleteSheet(f.GetSheetName(index)); err != nil {
			t.Fatalf("delete tab %q: %v", tab, err)
		}
	}
	if _, err := f.NewSheet(tab); err != nil {
		t.Fatalf("create tab %q: %v", tab, err)
	}

	for r, row := range grid {
		for c, value := range row {
			if value == "" {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if err := f.SetCellStr(tab, cell, value); err != nil {
				t.Fatalf("set %s of %q: %v", cell, tab, err)
			}
		}
	}
	if err := f.Save(); err != nil {
		t.Fatalf("save %q: %v", b.Path(), err)
	}
}

// Grid reads tab from the file on disk.
func (b arrangedBook) Grid(t *testing.T, tab string) [][]string {
	t.Helper()

	f := openFile(t, b.Path())
	grid, err := f.GetRows(tab)
	if err != nil {
		t.Fatalf("read tab %q of %q: %v", tab, b.Path(), err)
	}
	return grid
}

func openFile(t *testing.T, path string) *excelize.File {
	t.Helper()

	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("open %q with excelize: %v", path, err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}

// newBook opens a new workbook in a temporary folder. Open creates it with
// the product layout, which holds none of the suite's tabs.
func newBook(t *testing.T) *xlsx.Book {
	t.Helper()

	book, err := xlsx.Open(filepath.Join(t.TempDir(), "leads.xlsx"))
	if err != nil {
		t.Fatalf("Open() = %v", err)
	}
	t.Cleanup(func() { _ = book.Close() })
	return book
}

func TestBookContract(t *testing.T) {
	sheettest.Run(t, func(t *testing.T) sheet.Book {
		return arrangedBook{newBook(t)}
	})
}

func TestWriterContract(t *testing.T) {
	sheettest.RunWriter(t, func(t *testing.T) sheet.Book {
		return arrangedBook{newBook(t)}
	})
}

// TestPayloadsStoredAsStrings checks the file itself: a payload must be a
// string cell with no formula, which reading values back cannot show.
func TestPayloadsStoredAsStrings(t *testing.T) {
	book := newBook(t)
	rows := make([]sheet.Row, len(sheettest.FormulaPayloads))
	for i, payload := range sheettest.FormulaPayloads {
		rows[i] = sheet.Row{sheet.HeaderLeadID: payload}
	}
	if err := book.Append(context.Background(), sheet.TabLeads, rows); err != nil {
		t.Fatalf("Append() = %v", err)
	}

	f := openFile(t, book.Path())
	for i, payload := range sheettest.FormulaPayloads {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)

		formula, err := f.GetCellFormula(sheet.TabLeads, cell)
		if err != nil {
			t.Fatalf("GetCellFormula(%s) = %v", cell, err)
		}
		if formula != "" {
			t.Errorf("cell %s holding %q has formula %q, want none", cell, payload, formula)
		}

		kind, err := f.GetCellType(sheet.TabLeads, cell)
		if err != nil {
			t.Fatalf("GetCellType(%s) = %v", cell, err)
		}
		if kind != excelize.CellTypeSharedString {
			t.Errorf("cell %s holding %q has type %v, want a shared string", cell, payload, kind)
		}
	}
}
