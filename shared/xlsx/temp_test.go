package xlsx_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/leadrouter/leadrouter/shared/xlsx"
)

func TestOpenRemovesStaleTempFiles(t *testing.T) {
	for _, existing := range []bool{false, true} {
		name := "new workbook"
		if existing {
			name = "existing workbook"
		}
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "leads.xlsx")
			if existing {
				book, err := xlsx.Open(path)
				if err != nil {
					t.Fatalf("Open(%q) = %v", path, err)
				}
				if err := book.Close(); err != nil {
					t.Fatal(err)
				}
			}
			old := time.Now().Add(-10 * time.Minute)

			// A name made by os.CreateTemp as save makes it, left by a
			// save that was killed before the rename.
			killed, err := os.CreateTemp(dir, ".leads.xlsx.*.tmp")
			if err != nil {
				t.Fatal(err)
			}
			killed.Close()
			setModTime(t, killed.Name(), old)

			kept := map[string]time.Time{
				".leads.xlsx.4242.tmp":      time.Now(), // a save in progress elsewhere
				".leads.xlsx.abc.tmp":       old,
				".leads.xlsx..tmp":          old,
				".leads.xlsx.12.tmp.bak":    old,
				".other.xlsx.4242.tmp":      old,
				"leads.xlsx.4242.tmp":       old,
				".leads.xlsx.4242.tmp.xlsx": old,
			}
			for file, modTime := range kept {
				writeFile(t, filepath.Join(dir, file), modTime)
			}
			folder := filepath.Join(dir, ".leads.xlsx.777.tmp")
			if err := os.Mkdir(folder, 0o700); err != nil {
				t.Fatal(err)
			}
			setModTime(t, folder, old)

			book, err := xlsx.Open(path)
			if err != nil {
				t.Fatalf("Open(%q) = %v", path, err)
			}
			defer book.Close()

			if _, err := os.Stat(killed.Name()); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("stale temporary file %s: Stat() = %v, want it removed", filepath.Base(killed.Name()), err)
			}
			for file := range kept {
				if _, err := os.Stat(filepath.Join(dir, file)); err != nil {
					t.Errorf("%s: Stat() = %v, want it kept", file, err)
				}
			}
			if _, err := os.Stat(folder); err != nil {
				t.Errorf("folder %s: Stat() = %v, want it kept", filepath.Base(folder), err)
			}
		})
	}
}

func writeFile(t *testing.T, path string, modTime time.Time) {
	t.Helper()

	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	setModTime(t, path, modTime)
}

func setModTime(t *testing.T, path string, modTime time.Time) {
	t.Helper()

	if err := os.Chtimes(path, modTime, modTime); err != nil {
		t.Fatal(err)
	}
}
