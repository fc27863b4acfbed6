package xlsx_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/leadrouter/leadrouter/shared/sheet"
	"github.com/leadrouter/leadrouter/shared/xlsx"
)

func TestOpenCreatesLayout(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new", "folder", "leads.xlsx")

	book, err := xlsx.Open(path)
	if err != nil {
		t.Fatalf("Open(%q) = %v", path, err)
	}
	t.Cleanup(func() { _ = book.Close() })

	f := openFile(t, path)
	var names []string
	for _, tab := range sheet.Layout {
		names = append(names, tab.Name)
	}
	if got := f.GetSheetList(); !reflect.DeepEqual(got, names) {
		t.Errorf("tabs = %q, want %q", got, names)
	}
	for _, tab := range sheet.Layout {
		headers, err := book.Headers(context.Background(), tab.Name)
		if err != nil {
			t.Fatalf("Headers(%q) = %v", tab.Name, err)
		}
		if !reflect.DeepEqual(headers, tab.Headers) {
			t.Errorf("Headers(%q) = %q, want %q", tab.Name, headers, tab.Headers)
		}
	}

	info, err := os.Stat(path)
	if err != nil {
		t.Fatalf("stat %q: %v", path, err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("new workbook mode = %v, want -rw------- because it holds contact details", mode)
	}
}

func TestOpenRejectsBadPaths(t *testing.T) {
	dir := t.TempDir()
	notWorkbook := filepath.Join(dir, "notes.xlsx")
	if err := os.WriteFile(notWorkbook, []byte("plain text, not a zip archive"), 0o600); err != nil {
		t.Fatalf("write %q: %v", notWorkbook, err)
	}

	tests := []struct {
		name    string
		path    string
		message string
	}{
		{"empty", " ", "path is empty"},
		{"other extension", filepath.Join(dir, "leads.csv"), "must end in .xlsx"},
		{"no extension", filepath.Join(dir, "leads"), "must end in .xlsx"},
		{"not a workbook", notWorkbook, "is it an .xlsx file?"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			book, err := xlsx.Open(tc.path)
			if err == nil {
				_ = book.Close()
				t.Fatalf("Open(%q) = nil error, want one", tc.path)
			}
			if !strings.Contains(err.Error(), tc.message) {
				t.Errorf("Open(%q) = %q, want it to contain %q", tc.path, err, tc.message)
			}
		})
	}
}

func TestOpenKeepsExistingData(t *testing.T) {
	book := newBook(t)
	appendLead(t, book, "L-1")
	if err := book.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}

	again, err := xlsx.Open(book.Path())
	if err != nil {
		t.Fatalf("Open(existing) = %v", err)
	}
	t.Cleanup(func() { _ = again.Close() })

	ids, err := again.Column(context.Background(), sheet.TabLeads, sheet.HeaderLeadID)
	if err != nil {
		t.Fatalf("Column() = %v", err)
	}
	if !reflect.DeepEqual(ids, []string{"L-1"}) {
		t.Errorf("Lead IDs after reopening = %q, want [L-1]", ids)
	}
}

func TestEnsureTabsTwiceLeavesFileUntouched(t *testing.T) {
	book := newBook(t)
	if err := book.EnsureTabs(context.Background(), sheet.Layout); err != nil {
		t.Fatalf("EnsureTabs() = %v", err)
	}
	before := readFile(t, book.Path())
	infoBefore, _ := os.Stat(book.Path())

	if err := book.EnsureTabs(context.Background(), sheet.Layout); err != nil {
		t.Fatalf("second EnsureTabs() = %v", err)
	}

	if after := readFile(t, book.Path()); !bytes.Equal(before, after) {
		t.Errorf("second EnsureTabs() changed the file's bytes")
	}
	infoAfter, _ := os.Stat(book.Path())
	if !infoAfter.ModTime().Equal(infoBefore.ModTime()) {
		t.Errorf("second EnsureTabs() saved the file (modified %v, was %v)", infoAfter.ModTime(), infoBefore.ModTime())
	}
}

func TestValuesStoredAsTyped(t *testing.T) {
	book := newBook(t)
	received := time.Date(2026, 3, 2, 14, 5, 9, 0, time.UTC)
	err := book.Append(context.Background(), sheet.TabLeads, []sheet.Row{{
		sheet.HeaderLeadID:    "00123",
		sheet.HeaderReceived:  received,
		sheet.HeaderEmployees: 42,
		sheet.HeaderPotential: 12500.5,
	}})
	if err != nil {
		t.Fatalf("Append() = %v", err)
	}

	f := openFile(t, book.Path())
	tests := []struct {
		name string
		cell string
		kind excelize.CellType
		raw  string
	}{
		{"text", "A2", excelize.CellTypeSharedString, "00123"},
		{"time as serial date", "B2", excelize.CellTypeUnset, "46083.586909722"},
		{"int", "M2", excelize.CellTypeUnset, "42"},
		{"float", "N2", excelize.CellTypeUnset, "12500.5"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			kind, err := f.GetCellType(sheet.TabLeads, tc.cell)
			if err != nil {
				t.Fatalf("GetCellType(%s) = %v", tc.cell, err)
			}
			if kind != tc.kind {
				t.Errorf("cell %s type = %v, want %v (no type attribute means a number)", tc.cell, kind, tc.kind)
			}

			raw, err := f.GetCellValue(sheet.TabLeads, tc.cell, excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatalf("GetCellValue(%s) = %v", tc.cell, err)
			}
			if !strings.HasPrefix(raw, tc.raw) {
				t.Errorf("cell %s raw value = %q, want it to start with %q", tc.cell, raw, tc.raw)
			}
		})
	}

	style, err := f.GetCellStyle(sheet.TabLeads, "B2")
	if err != nil {
		t.Fatalf("GetCellStyle(B2) = %v", err)
	}
	format, err := f.GetStyle(style)
	if err != nil {
		t.Fatalf("GetStyle(%d) = %v", style, err)
	}
	if format.CustomNumFmt == nil || *format.CustomNumFmt != sheet.DateTimePattern {
		t.Errorf("Received cell number format = %v, want %q", format.CustomNumFmt, sheet.DateTimePattern)
	}
}

func TestAppendRefusedWhileOpenElsewhere(t *testing.T) {
	for _, lock := range []string{".~lock.leads.xlsx#", "~$leads.xlsx", "~$ads.xlsx"} {
		t.Run(lock, func(t *testing.T) {
			book := newBook(t)
			lockPath := filepath.Join(filepath.Dir(book.Path()), lock)
			if err := os.WriteFile(lockPath, []byte("owner"), 0o600); err != nil {
				t.Fatalf("write lock file: %v", err)
			}

			err := book.Append(context.Background(), sheet.TabLeads, []sheet.Row{{sheet.HeaderLeadID: "L-1"}})

			if !errors.Is(err, sheet.ErrUnavailable) {
				t.Fatalf("Append() with lock file %q = %v, want ErrUnavailable", lock, err)
			}
			if !strings.Contains(err.Error(), lockPath) {
				t.Errorf("error %q does not name the lock file %q", err, lockPath)
			}
			ids, err := book.Column(context.Background(), sheet.TabLeads, sheet.HeaderLeadID)
			if err != nil {
				t.Fatalf("Column() while locked = %v, want reads to work", err)
			}
			if len(ids) != 0 {
				t.Errorf("Lead IDs = %q, want none written", ids)
			}
		})
	}
}

func TestMissingWorkbookNotFound(t *testing.T) {
	book := newBook(t)
	if err := os.Remove(book.Path()); err != nil {
		t.Fatalf("remove workbook: %v", err)
	}

	_, err := book.Column(context.Background(), sheet.TabLeads, sheet.HeaderLeadID)

	if !errors.Is(err, sheet.ErrNotFound) {
		t.Errorf("Column() on a deleted workbook = %v, want ErrNotFound", err)
	}
}

func TestSaveLeavesNoTemporaryFiles(t *testing.T) {
	book := newBook(t)
	for i := range 3 {
		appendLead(t, book, fmt.Sprintf("L-%d", i))
	}

	entries, err := os.ReadDir(filepath.Dir(book.Path()))
	if err != nil {
		t.Fatalf("read folder: %v", err)
	}
	var names []string
	for _, entry := range entries {
		names = append(names, entry.Name())
	}
	if !reflect.DeepEqual(names, []string{"leads.xlsx"}) {
		t.Errorf("folder holds %q, want only leads.xlsx", names)
	}
}

func TestClosedBookFails(t *testing.T) {
	book := newBook(t)
	if err := book.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}

	_, err := book.Rows(context.Background(), sheet.TabLeads)

	if err == nil || !strings.Contains(err.Error(), "is closed") {
		t.Errorf("Rows() after Close() = %v, want an error saying the workbook is closed", err)
	}
}

func TestCancelledContextFails(t *testing.T) {
	book := newBook(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	err := book.Append(ctx, sheet.TabLeads, []sheet.Row{{sheet.HeaderLeadID: "L-1"}})

	if !errors.Is(err, context.Canceled) {
		t.Errorf("Append() with a cancelled context = %v, want context.Canceled", err)
	}
}

func BenchmarkAppend1000Rows(b *testing.B) {
	rows := make([]sheet.Row, 1000)
	for i := range rows {
		rows[i] = sheet.Row{
			sheet.HeaderLeadID:        fmt.Sprintf("L-%026d", i),
			sheet.HeaderReceived:      time.Date(2026, 3, 2, 9, 0, i%60, 0, time.UTC),
			sheet.HeaderFirstName:     "Ana",
			sheet.HeaderLastName:      "Ruiz",
			sheet.HeaderEmail:         fmt.Sprintf("contact%d@example.com", i),
			sheet.HeaderCompany:       fmt.Sprintf("Company %d", i),
			sheet.HeaderDomain:        fmt.Sprintf("company%d.example", i),
			sheet.HeaderSource:        "inbound",
			sheet.HeaderEmployees:     50 + i,
			sheet.HeaderPotential:     12500.5,
			sheet.HeaderOwner:         "ana",
			sheet.HeaderZone:          "primary",
			sheet.HeaderRule:          "inbound",
			sheet.HeaderRoutingReason: "Source is inbound; Ana holds 3 of 15.",
		}
	}

	for b.Loop() {
		b.StopTimer()
		book, err := xlsx.Open(filepath.Join(b.TempDir(), "leads.xlsx"))
		if err != nil {
			b.Fatalf("Open() = %v", err)
		}
		b.StartTimer()

		for start := 0; start < len(rows); start += 200 {
			if err := book.Append(context.Background(), sheet.TabLeads, rows[start:start+200]); err != nil {
				b.Fatalf("Append() = %v", err)
			}
		}

		b.StopTimer()
		_ = book.Close()
		b.StartTimer()
	}
}

func appendLead(t *testing.T, book *xlsx.Book, id string) {
	t.Helper()

	if err := book.Append(context.Background(), sheet.TabLeads, []sheet.Row{{sheet.HeaderLeadID: id}}); err != nil {
		t.Fatalf("Append(%q) = %v", id, err)
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %q: %v", path, err)
	}
	return data
}
