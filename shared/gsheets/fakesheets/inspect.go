package fakesheets

import (
	"fmt"
	"slices"
)

// Sheets returns the titles of the sheets of SpreadsheetID in order.
func (s *Server) Sheets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()

	var titles []string
	for _, sh := range s.spreadsheets[SpreadsheetID].sheets {
		titles = append(titles, sh.title)
	}
	return titles
}

// Cells returns a copy of the cells of a sheet of SpreadsheetID, row by
// row from row 1, with trailing empty rows left out. It returns nil for a
// missing sheet.
func (s *Server) Cells(title string) [][]Cell {
	s.mu.Lock()
	defer s.mu.Unlock()

	sh := s.spreadsheets[SpreadsheetID].sheetByTitle(title)
	if sh == nil {
		return nil
	}

	last := sh.lastRow()
	out := make([][]Cell, last+1)
	for row := 0; row <= last; row++ {
		out[row] = slices.Clone(sh.rows[row])
	}
	return out
}

// Cell returns one cell of a sheet of SpreadsheetID by its A1 address
// ("C7"); an empty Cell when the sheet or cell does not exist.
func (s *Server) Cell(title, address string) Cell {
	col, row, err := parseCell(address)
	if err != nil || col < 0 || row < 0 {
		return Cell{}
	}

	s.mu.Lock()
	defer s.mu.Unlock()

	sh := s.spreadsheets[SpreadsheetID].sheetByTitle(title)
	if sh == nil {
		return Cell{}
	}
	return sh.cell(row, col)
}

// ColumnFormat returns the number format set on a 0-based column, if any.
func (s *Server) ColumnFormat(title string, col int) (NumberFormat, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()

	sh := s.spreadsheets[SpreadsheetID].sheetByTitle(title)
	if sh == nil {
		return NumberFormat{}, false
	}
	format, ok := sh.formats[col]
	return format, ok
}

// AddSheet adds an empty sheet to SpreadsheetID, as a rep would.
func (s *Server) AddSheet(title string) {
	s.mu.Lock()
	defer s.mu.Unlock()

	book := s.spreadsheets[SpreadsheetID]
	book.sheets = append(book.sheets, newSheet(book.nextID*1000003, title, len(book.sheets)))
	book.nextID++
}

// SetValues writes rows of values (nil, string, float64, int or bool) with
// their top-left cell at address, as a rep typing plain values would. A
// nil clears a cell, and the grid grows as needed.
func (s *Server) SetValues(title, address string, rows [][]any) error {
	col, row, err := parseCell(address)
	if err != nil || col < 0 || row < 0 {
		return fmt.Errorf("fakesheets: invalid cell address %q, expected a cell such as \"A1\"", address)
	}

	s.mu.Lock()
	defer s.mu.Unlock()

	sh := s.spreadsheets[SpreadsheetID].sheetByTitle(title)
	if sh == nil {
		return fmt.Errorf("fakesheets: sheet %q not found", title)
	}

	for i, values := range rows {
		for j, value := range values {
			if n, ok := value.(int); ok {
				value = float64(n)
			}
			sh.set(row+i, col+j, parseInput(value, ""))
		}
	}
	return nil
}

// InsertRows inserts n empty rows before the 1-based row number, shifting
// the rows below down, as a rep inserting blank rows does.
func (s *Server) InsertRows(title string, before, n int) error {
	s.mu.Lock()
	defer s.mu.Unlock()

	sh := s.spreadsheets[SpreadsheetID].sheetByTitle(title)
	if sh == nil {
		return fmt.Errorf("fakesheets: sheet %q not found", title)
	}
	if before < 1 || n < 1 {
		return fmt.Errorf("fakesheets: invalid insert of %d rows before row %d", n, before)
	}

	sh.insertRows(before-1, n)
	return nil
}

// MoveColumn moves the 0-based column from to position to, shifting the
// columns in between, as a rep dragging a column does. Number formats move
// with their column.
func (s *Server) MoveColumn(title string, from, to int) error {
	s.mu.Lock()
	defer s.mu.Unlock()

	sh := s.spreadsheets[SpreadsheetID].sheetByTitle(title)
	if sh == nil {
		return fmt.Errorf("fakesheets: sheet %q not found", title)
	}
	if from < 0 || to < 0 || from >= sh.columnCount || to >= sh.columnCount {
		return fmt.Errorf("fakesheets: invalid column move from %d to %d on a %d-column sheet", from, to, sh.columnCount)
	}

	width := sh.columnCount
	for i := range sh.rows {
		row := make([]Cell, width)
		copy(row, sh.rows[i])
		moved := row[from]
		row = slices.Delete(row, from, from+1)
		row = slices.Insert(row, to, moved)
		sh.rows[i] = row
	}

	order := make([]int, width)
	for i := range order {
		order[i] = i
	}
	order = slices.Delete(order, from, from+1)
	order = slices.Insert(order, to, from)

	formats, starts := map[int]NumberFormat{}, map[int]int{}
	for newCol, oldCol := range order {
		if format, ok := sh.formats[oldCol]; ok {
			formats[newCol] = format
			starts[newCol] = sh.formatStart[oldCol]
		}
	}
	sh.formats, sh.formatStart = formats, starts
	return nil
}

// ReplaceSheet clears a sheet of SpreadsheetID, creating it when missing,
// and writes rows from A1 as SetValues does, as a rep who retypes a tab.
func (s *Server) ReplaceSheet(title string, rows [][]any) error {
	s.mu.Lock()
	book := s.spreadsheets[SpreadsheetID]
	sh := book.sheetByTitle(title)
	if sh == nil {
		sh = newSheet(book.nextID*1000003, title, len(book.sheets))
		book.nextID++
		book.sheets = append(book.sheets, sh)
	}
	sh.rows = nil
	s.mu.Unlock()

	return s.SetValues(title, "A1", rows)
}

// Text returns the cells of a sheet of SpreadsheetID as the sheet shows
// them (FORMATTED_VALUE), row 1 first, without trailing blank cells and
// trailing blank rows. It returns nil for a missing sheet.
func (s *Server) Text(title string) [][]string {
	s.mu.Lock()
	defer s.mu.Unlock()

	sh := s.spreadsheets[SpreadsheetID].sheetByTitle(title)
	if sh == nil {
		return nil
	}

	last := sh.lastRow()
	out := make([][]string, last+1)
	for row := 0; row <= last; row++ {
		for _, value := range rowOf(sh, row, 0, sh.columnCount-1, "FORMATTED_VALUE") {
			out[row] = append(out[row], fmt.Sprint(value))
		}
	}
	return out
}
