package xlsx

import (
	"fmt"

	"github.com/xuri/excelize/v2"

	"github.com/leadrouter/leadrouter/shared/sheet"
)

// Reading a tab with GetRows serialises the whole worksheet to XML and
// parses it again, formatting every date cell on the way, so it costs time
// in proportion to the tab's rows. The Book therefore keeps the cells of
// each tab it has read since the workbook was last loaded, and extends
// them by the rows it appends. Any reload drops them, so the edits a rep
// saves between writes are still read.

// grid returns the cells of tab as the sheet shows them, up to the last
// row and column with a value. A missing tab is a sheet.ErrNotFound error.
// Callers must not change the returned rows, because later calls return
// the same ones.
func (b *Book) grid(tab string) ([][]string, error) {
	index, err := b.file.GetSheetIndex(tab)
	if err != nil {
		return nil, fmt.Errorf("xlsx: tab name %q: %w: %w", tab, sheet.ErrInvalid, err)
	}
	if index == -1 {
		return nil, fmt.Errorf("xlsx: tab %q not found in %q; run leadrouter sheet init: %w", tab, b.path, sheet.ErrNotFound)
	}

	name := b.file.GetSheetName(index)
	if grid, ok := b.grids[name]; ok {
		return grid, nil
	}

	grid, err := b.file.GetRows(name)
	if err != nil {
		return nil, fmt.Errorf("xlsx: read tab %q of %q: %w", tab, b.path, err)
	}
	if b.grids == nil {
		b.grids = map[string][][]string{}
	}
	b.grids[name] = grid
	return grid, nil
}

// extendGrid adds the rows that Append just wrote at row number first (from
// 1) to the cells kept for tab name, reading each value back as GetRows
// would show it. When a value cannot be read it drops the tab's cells, so
// the next call reads the tab again.
func (b *Book) extendGrid(name string, grid [][]string, first, rows int, cells []placedCell) {
	widths := make([]int, rows)
	for _, cell := range cells {
		widths[cell.row] = max(widths[cell.row], cell.column+1)
	}

	added := make([][]string, rows)
	for _, cell := range cells {
		if added[cell.row] == nil {
			added[cell.row] = make([]string, widths[cell.row])
		}
		address, err := excelize.CoordinatesToCellName(cell.column+1, first+cell.row)
		if err == nil {
			added[cell.row][cell.column], err = b.file.GetCellValue(name, address)
		}
		if err != nil {
			delete(b.grids, name)
			return
		}
	}

	// GetRows ends each row at its last value that does not show as "",
	// and leaves out the trailing rows without one.
	last := 0
	for i, row := range added {
		for len(row) > 0 && row[len(row)-1] == "" {
			row = row[:len(row)-1]
		}
		if len(row) == 0 {
			row = nil
		} else {
			last = i + 1
		}
		added[i] = row
	}

	b.grids[name] = append(grid, added[:last]...)
}

// dropGrids clears the cells kept for every tab.
func (b *Book) dropGrids() {
	b.grids = nil
}
