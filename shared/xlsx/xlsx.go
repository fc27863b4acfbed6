// Package xlsx implements the sheet.Book port on a local .xlsx workbook, the
// stand-in for the team's Google Sheet when leadrouter runs on one machine.
// Reps may open the file in Excel or LibreOffice between writes: the Book
// reloads it when it changed on disk, finds columns by header text on every
// call, and refuses to write while an office program holds it open.
//
// Every change is saved atomically: the workbook is written to a temporary
// file in the same folder, synced and renamed over the old one, so a crash
// leaves either the old or the new workbook, never a torn one.
package xlsx

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/leadrouter/leadrouter/shared/sheet"
)

var _ sheet.Book = (*Book)(nil)

// Book is one .xlsx workbook on disk. It is safe for concurrent use within
// one process.
//
// NOTE: two processes writing one workbook can lose each other's rows,
// because each saves the whole file; run one leadrouter per workbook.
type Book struct {
	path string

	mu     sync.Mutex
	file   *excelize.File
	loaded os.FileInfo // the file as it was when last loaded or saved
	closed bool

	// dateStyle is the id of the DateTimePattern style in file, 0 until
	// the first time value is written after a load.
	dateStyle int
	// grids holds the cells of the tabs read since the last load, by the
	// tab's name as the workbook spells it (see grid).
	grids map[string][][]string
}

// Open opens the workbook at path, which must end in .xlsx. When the file
// does not exist it creates it, and any missing parent folders, with every
// tab of sheet.Layout and its header row. It first removes the temporary
// files of this workbook that an interrupted save left behind.
func Open(path string) (*Book, error) {
	if strings.TrimSpace(path) == "" {
		return nil, errors.New("xlsx: workbook path is empty; pass a file name ending in .xlsx")
	}
	if !strings.EqualFold(filepath.Ext(path), ".xlsx") {
		return nil, fmt.Errorf("xlsx: workbook path %q must end in .xlsx", path)
	}

	b := &Book{path: path}
	removeStaleTemps(path, time.Now())
	_, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := b.create(); err != nil {
			return nil, err
		}
		return b, nil
	case err != nil:
		return nil, fmt.Errorf("xlsx: open workbook %q: %w", path, err)
	}

	if err := b.reload(); err != nil {
		return nil, err
	}
	return b, nil
}

// Path returns the file name of the workbook.
func (b *Book) Path() string { return b.path }

// Close releases the workbook. Changes are already saved, so Close writes
// nothing; later calls on b fail.
func (b *Book) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()

	if b.closed {
		return nil
	}
	b.closed = true
	if err := b.file.Close(); err != nil {
		return fmt.Errorf("xlsx: close workbook %q: %w", b.path, err)
	}
	return nil
}

// create writes a new workbook with the layout. The first tab replaces the
// "Sheet1" that every new excelize workbook starts with.
func (b *Book) create() error {
	if err := os.MkdirAll(filepath.Dir(b.path), 0o750); err != nil {
		return fmt.Errorf("xlsx: create folder for workbook %q: %w", b.path, err)
	}

	b.file = excelize.NewFile()
	b.dropGrids()
	if err := b.file.SetSheetName("Sheet1", sheet.Layout[0].Name); err != nil {
		return fmt.Errorf("xlsx: create workbook %q: name first tab: %w", b.path, err)
	}
	for _, tab := range sheet.Layout {
		if _, err := b.ensureTab(tab); err != nil {
			return fmt.Errorf("xlsx: create workbook %q: %w", b.path, err)
		}
	}

	if err := b.save(); err != nil {
		return fmt.Errorf("xlsx: create workbook %q: %w", b.path, err)
	}
	return nil
}

// refresh makes b.file match the file on disk, reloading it when a rep or
// another program changed it since it was last loaded or saved.
func (b *Book) refresh(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if b.closed {
		return fmt.Errorf("xlsx: workbook %q is closed", b.path)
	}

	info, err := os.Stat(b.path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("xlsx: workbook %q is missing; it was moved or deleted, so run leadrouter sheet init --workbook %s: %w", b.path, b.path, sheet.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("xlsx: read workbook %q: %w", b.path, err)
	}

	if b.loaded != nil && os.SameFile(b.loaded, info) && b.loaded.ModTime().Equal(info.ModTime()) && b.loaded.Size() == info.Size() {
		return nil
	}
	return b.reload()
}

func (b *Book) reload() error {
	file, err := excelize.OpenFile(b.path)
	if err != nil {
		return fmt.Errorf("xlsx: open workbook %q: %w; is it an .xlsx file?", b.path, err)
	}
	info, err := os.Stat(b.path)
	if err != nil {
		_ = file.Close()
		return fmt.Errorf("xlsx: read workbook %q: %w", b.path, err)
	}

	if b.file != nil {
		_ = b.file.Close()
	}
	b.file, b.loaded, b.dateStyle = file, info, 0
	b.dropGrids()
	return nil
}

// forget makes the next call reload the workbook from disk, after a change
// in memory could not be saved.
func (b *Book) forget() {
	b.loaded = nil
	b.dropGrids()
}
