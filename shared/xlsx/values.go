package xlsx

import (
	"context"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/leadrouter/leadrouter/shared/sheet"
)

// Column returns the text of every data row under header on tab, as
// sheet.Book documents.
func (b *Book) Column(ctx context.Context, tab, header string) ([]string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()

	if err := b.refresh(ctx); err != nil {
		return nil, err
	}
	grid, err := b.grid(tab)
	if err != nil {
		return nil, err
	}

	column, err := findHeader(grid, tab, header)
	if err != nil {
		return nil, fmt.Errorf("xlsx: read column: %w", err)
	}

	values := make([]string, 0, max(len(grid)-1, 0))
	for _, row := range grid[1:] {
		value := ""
		if column < len(row) {
			value = row[column]
		}
		values = append(values, value)
	}
	return values, nil
}

// Rows returns every data row of tab, as sheet.Book documents.
func (b *Book) Rows(ctx context.Context, tab string) ([]map[string]string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()

	if err := b.refresh(ctx); err != nil {
		return nil, err
	}
	grid, err := b.grid(tab)
	if err != nil {
		return nil, err
	}
	if len(grid) < 2 {
		return []map[string]string{}, nil
	}

	headers := grid[0]
	rows := make([]map[string]string, 0, len(grid)-1)
	for _, cells := range grid[1:] {
		row := map[string]string{}
		for i, value := range cells {
			if i >= len(headers) || value == "" {
				continue
			}
			header := strings.TrimSpace(headers[i])
			if _, taken := row[header]; header == "" || taken {
				continue
			}
			row[header] = value
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// Append writes rows below the last row of tab with a value, as sheet.Book
// documents, and saves the workbook once.
func (b *Book) Append(ctx context.Context, tab string, rows []sheet.Row) error {
	if len(rows) == 0 {
		return ctx.Err()
	}

	b.mu.Lock()
	defer b.mu.Unlock()

	if err := b.refresh(ctx); err != nil {
		return err
	}
	grid, err := b.grid(tab)
	if err != nil {
		return err
	}

	// Every row is checked before the first cell changes, so a bad value
	// leaves the workbook as it was.
	cells, err := placeRows(grid, tab, rows)
	if err != nil {
		return fmt.Errorf("xlsx: append %d rows to %q: %w", len(rows), tab, err)
	}
	if err := b.checkNotOpenElsewhere(); err != nil {
		return fmt.Errorf("xlsx: append %d rows to %q: %w", len(rows), tab, err)
	}

	name := b.sheetName(tab)
	first := len(grid) + 1
	for _, cell := range cells {
		if err := b.setCell(name, cell.column+1, first+cell.row, cell.value); err != nil {
			b.forget()
			return fmt.Errorf("xlsx: append %d rows to %q: %w", len(rows), tab, err)
		}
	}

	b.extendGrid(name, grid, first, len(rows), cells)

	if err := b.save(); err != nil {
		b.forget()
		return fmt.Errorf("xlsx: append %d rows to %q of %q: %w", len(rows), tab, b.path, err)
	}
	return nil
}

// placedCell is one value of an append: row counts from 0 for the first
// appended row, column from 0 for column A.
type placedCell struct {
	row, column int
	value       sheet.Cell
}

// placeRows finds the column of every value and converts it, or returns a
// sheet.ErrInvalid error naming the row and header at fault.
func placeRows(grid [][]string, tab string, rows []sheet.Row) ([]placedCell, error) {
	var cells []placedCell
	columns := map[string]int{}

	for i, row := range rows {
		used := map[int]string{}
		for header, value := range row {
			column, ok := columns[header]
			if !ok {
				var err error
				if column, err = findHeader(grid, tab, header); err != nil {
					return nil, fmt.Errorf("row %d: %w", i+1, err)
				}
				columns[header] = column
			}
			if other, clash := used[column]; clash {
				return nil, fmt.Errorf("row %d: %w: headers %q and %q name the same column", i+1, sheet.ErrInvalid, other, header)
			}
			used[column] = header

			cell, err := sheet.NewCell(header, value)
			if err != nil {
				return nil, fmt.Errorf("row %d: %w", i+1, err)
			}
			// An empty text shows as a blank cell, so it is not written
			// either. Written, it would leave a row that holds cells but no
			// value, and excelize (v2.11.1) puts a later value for that row
			// in the wrong column once a save has dropped the empty cells.
			if cell.Kind == sheet.Blank || (cell.Kind == sheet.Text && cell.Text == "") {
				continue
			}
			cells = append(cells, placedCell{row: i, column: column, value: cell})
		}
	}
	return cells, nil
}

// findHeader returns the 0-based column of header in the first row of
// grid, or a sheet.ErrInvalid error that explains how to add the header.
func findHeader(grid [][]string, tab, header string) (int, error) {
	if strings.TrimSpace(header) == "" {
		return 0, fmt.Errorf("%w: blank header on tab %q", sheet.ErrInvalid, tab)
	}
	if len(grid) == 0 {
		return 0, fmt.Errorf("%w: tab %q %v; run leadrouter sheet init to write it", sheet.ErrInvalid, tab, errNoHeaders)
	}

	column := headerIndex(grid[0], header)
	if column == -1 {
		return 0, fmt.Errorf("%w: tab %q has no column %q in its header row; add the header or run leadrouter sheet init", sheet.ErrInvalid, tab, header)
	}
	return column, nil
}

// setCell writes one value: text with SetCellStr, so it is never read as a
// formula, and a time as a serial number with the date-time format.
func (b *Book) setCell(tab string, column, row int, cell sheet.Cell) error {
	name, err := excelize.CoordinatesToCellName(column, row)
	if err != nil {
		return fmt.Errorf("%w: cell at column %d, row %d: %w", sheet.ErrInvalid, column, row, err)
	}

	switch cell.Kind {
	case sheet.Text:
		err = b.file.SetCellStr(tab, name, cell.Text)
	case sheet.Number:
		err = b.file.SetCellFloat(tab, name, cell.Number, -1, 64)
	case sheet.DateTime:
		err = b.setDateTime(tab, name, cell.Number)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

func (b *Book) setDateTime(tab, name string, serial float64) error {
	if b.dateStyle == 0 {
		pattern := sheet.DateTimePattern
		style, err := b.file.NewStyle(&excelize.Style{CustomNumFmt: &pattern})
		if err != nil {
			return fmt.Errorf("create date-time style: %w", err)
		}
		b.dateStyle = style
	}

	if err := b.file.SetCellFloat(tab, name, serial, -1, 64); err != nil {
		return err
	}
	return b.file.SetCellStyle(tab, name, name, b.dateStyle)
}

// sheetName returns the tab's name as the workbook spells it, because tab
// names match without regard to case.
func (b *Book) sheetName(tab string) string {
	index, err := b.file.GetSheetIndex(tab)
	if err != nil || index == -1 {
		return tab
	}
	return b.file.GetSheetName(index)
}
