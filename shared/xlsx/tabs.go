package xlsx

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/leadrouter/leadrouter/shared/sheet"
)

// EnsureTabs creates the missing tabs with their header rows, and appends
// missing headers to the first row of existing tabs, right of every column
// in use, so no cell with a value moves or changes. It saves the workbook
// only when something changed, so running it twice leaves the file as it
// was. It rejects, and changes nothing, when it would add the Lead ID
// header to a Leads tab that has data rows (see sheet.CheckHeadersToAdd).
func (b *Book) EnsureTabs(ctx context.Context, tabs []sheet.Tab) error {
	for _, tab := range tabs {
		if err := checkTab(tab); err != nil {
			return fmt.Errorf("xlsx: ensure tabs: %w", err)
		}
	}

	b.mu.Lock()
	defer b.mu.Unlock()

	if err := b.refresh(ctx); err != nil {
		return err
	}

	// Every tab is checked before any is changed, so a rejected call
	// leaves the workbook as it was.
	for _, tab := range tabs {
		if _, err := b.headersToAdd(tab); err != nil {
			return fmt.Errorf("xlsx: ensure tabs in %q: %w", b.path, err)
		}
	}

	changed := false
	for _, tab := range tabs {
		tabChanged, err := b.ensureTab(tab)
		if tabChanged {
			changed = true
		}
		if err != nil {
			b.forgetIf(changed)
			return fmt.Errorf("xlsx: ensure tabs in %q: %w", b.path, err)
		}
	}
	if !changed {
		return nil
	}
	b.dropGrids()

	if err := b.checkNotOpenElsewhere(); err != nil {
		b.forget()
		return fmt.Errorf("xlsx: ensure tabs: %w", err)
	}
	if err := b.save(); err != nil {
		b.forget()
		return fmt.Errorf("xlsx: ensure tabs in %q: %w", b.path, err)
	}
	return nil
}

// Headers returns the header row of tab as the sheet spells it, trimmed,
// with "" for blank header cells between headers. A missing tab is a
// sheet.ErrNotFound error.
func (b *Book) Headers(ctx context.Context, tab string) ([]string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()

	if err := b.refresh(ctx); err != nil {
		return nil, err
	}
	grid, err := b.grid(tab)
	if err != nil {
		return nil, err
	}

	if len(grid) == 0 {
		return []string{}, nil
	}
	headers := make([]string, len(grid[0]))
	for i, cell := range grid[0] {
		headers[i] = strings.TrimSpace(cell)
	}
	return headers, nil
}

// ensureTab creates tab or completes its header row in memory and reports
// whether it changed anything.
func (b *Book) ensureTab(tab sheet.Tab) (bool, error) {
	index, err := b.file.GetSheetIndex(tab.Name)
	if err != nil {
		return false, fmt.Errorf("tab name %q: %w: %w", tab.Name, sheet.ErrInvalid, err)
	}

	if index == -1 {
		if _, err := b.file.NewSheet(tab.Name); err != nil {
			return true, fmt.Errorf("create tab %q: %w", tab.Name, err)
		}
		if err := b.writeHeaders(tab.Name, 1, tab.Headers); err != nil {
			return true, err
		}
		if err := b.file.SetPanes(tab.Name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return true, fmt.Errorf("freeze header row of tab %q: %w", tab.Name, err)
		}
		return true, nil
	}

	add, err := b.headersToAdd(tab)
	if err != nil || len(add.missing) == 0 {
		return false, err
	}

	// New headers go right of every column that holds a value in any row,
	// so that no rep data ends up under a header it does not belong to.
	width := 0
	for _, row := range add.grid {
		width = max(width, len(row))
	}
	return true, b.writeHeaders(add.name, width+1, add.missing)
}

// headerAddition is what ensureTab would add to an existing tab.
type headerAddition struct {
	// name is the tab's name as the workbook spells it.
	name    string
	grid    [][]string
	missing []string
}

// headersToAdd returns the headers of tab that its existing tab lacks, or
// no headers when the tab does not exist yet. Adding them must pass
// sheet.CheckHeadersToAdd: a Leads tab with data rows but no Lead ID
// header is an ErrInvalid error.
func (b *Book) headersToAdd(tab sheet.Tab) (headerAddition, error) {
	index, err := b.file.GetSheetIndex(tab.Name)
	if err != nil {
		return headerAddition{}, fmt.Errorf("tab name %q: %w: %w", tab.Name, sheet.ErrInvalid, err)
	}
	if index == -1 {
		return headerAddition{}, nil
	}

	name := b.file.GetSheetName(index)
	grid, err := b.file.GetRows(name)
	if err != nil {
		return headerAddition{}, fmt.Errorf("read tab %q: %w", name, err)
	}
	var present []string
	if len(grid) > 0 {
		present = grid[0]
	}

	add := headerAddition{name: name, grid: grid}
	for _, header := range tab.Headers {
		if headerIndex(present, header) == -1 {
			add.missing = append(add.missing, header)
		}
	}
	if len(add.missing) == 0 {
		return add, nil
	}
	if err := sheet.CheckHeadersToAdd(name, add.missing, dataRows(grid)); err != nil {
		return headerAddition{}, err
	}
	return add, nil
}

// dataRows returns the number of rows below the header row with a value
// in any cell, as the Google Sheets adapter counts them.
func dataRows(grid [][]string) int {
	count := 0
	for _, row := range grid[min(1, len(grid)):] {
		for _, cell := range row {
			if cell != "" {
				count++
				break
			}
		}
	}
	return count
}

func (b *Book) writeHeaders(tab string, firstColumn int, headers []string) error {
	for i, header := range headers {
		cell, err := excelize.CoordinatesToCellName(firstColumn+i, 1)
		if err != nil {
			return fmt.Errorf("header %q of tab %q: %w: %w", header, tab, sheet.ErrInvalid, err)
		}
		if err := b.file.SetCellStr(tab, cell, header); err != nil {
			return fmt.Errorf("write header %q to %s of tab %q: %w", header, cell, tab, err)
		}
	}
	return nil
}

// forgetIf drops the in-memory workbook after a failed change, so the next
// call reloads the file as it is on disk.
func (b *Book) forgetIf(changed bool) {
	if changed {
		b.forget()
	}
}

// checkTab rejects a tab that no workbook could hold, before anything is
// changed.
func checkTab(tab sheet.Tab) error {
	if strings.TrimSpace(tab.Name) == "" {
		return fmt.Errorf("%w: a tab has no name", sheet.ErrInvalid)
	}
	if len(tab.Headers) == 0 {
		return fmt.Errorf("%w: tab %q has no headers", sheet.ErrInvalid, tab.Name)
	}

	for i, header := range tab.Headers {
		if strings.TrimSpace(header) == "" {
			return fmt.Errorf("%w: header %d of tab %q is blank", sheet.ErrInvalid, i+1, tab.Name)
		}
		for _, earlier := range tab.Headers[:i] {
			if sheet.HeaderMatches(earlier, header) {
				return fmt.Errorf("%w: tab %q names header %q twice", sheet.ErrInvalid, tab.Name, header)
			}
		}
	}
	return nil
}

// headerIndex returns the 0-based column of the first header cell that
// matches header, or -1.
func headerIndex(headerRow []string, header string) int {
	for i, cell := range headerRow {
		if sheet.HeaderMatches(cell, header) {
			return i
		}
	}
	return -1
}

var errNoHeaders = errors.New("has no header row")
