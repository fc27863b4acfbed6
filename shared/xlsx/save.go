package xlsx

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/leadrouter/leadrouter/shared/sheet"
)

// newFileMode is the mode of a workbook leadrouter creates: it holds
// contact details, so only its owner may read it.
const newFileMode fs.FileMode = 0o600

// save writes the workbook to a temporary file in its folder, syncs it and
// renames it over the old file, then syncs the folder so that the rename
// itself survives a power loss. An existing file keeps its mode.
func (b *Book) save() (err error) {
	dir := filepath.Dir(b.path)
	mode := newFileMode
	if info, statErr := os.Stat(b.path); statErr == nil {
		mode = info.Mode().Perm()
	}

	tmp, err := os.CreateTemp(dir, tempPrefix(b.path)+"*"+tempSuffix)
	if err != nil {
		return fmt.Errorf("save: create temporary file in %q: %w", dir, err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()

	if _, err := b.file.WriteTo(tmp); err != nil {
		return fmt.Errorf("save: write %q: %w", tmp.Name(), err)
	}
	if err := tmp.Chmod(mode); err != nil {
		return fmt.Errorf("save: set mode of %q: %w", tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("save: sync %q: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save: close %q: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), b.path); err != nil {
		return fmt.Errorf("save: rename %q to %q: %w", tmp.Name(), b.path, err)
	}
	if err := syncFolder(dir); err != nil {
		return fmt.Errorf("save: %w", err)
	}

	info, err := os.Stat(b.path)
	if err != nil {
		return fmt.Errorf("save: read %q after saving: %w", b.path, err)
	}
	b.loaded = info
	return nil
}

// Temporary files of save are named tempPrefix, the random decimal digits
// of os.CreateTemp, and tempSuffix: ".leads.xlsx.123456.tmp".
const tempSuffix = ".tmp"

func tempPrefix(path string) string { return "." + filepath.Base(path) + "." }

// staleTempAge is the age after which removeStaleTemps treats a temporary
// file as left behind. A save writes, syncs and renames its file within
// seconds, so a younger file may belong to a save still in progress in
// another process.
const staleTempAge = time.Minute

// removeStaleTemps removes the temporary files of the workbook at path that
// a save interrupted by a crash or SIGKILL left behind: regular files named
// as save names them and last modified more than staleTempAge before now.
// It touches no other file. Failures are ignored, because a leftover file
// is harmless and must not keep the workbook from opening.
func removeStaleTemps(path string, now time.Time) {
	dir := filepath.Dir(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}

	prefix := tempPrefix(path)
	for _, entry := range entries {
		if !entry.Type().IsRegular() || !isTempName(entry.Name(), prefix) {
			continue
		}
		info, err := entry.Info()
		if err != nil || now.Sub(info.ModTime()) < staleTempAge {
			continue
		}
		_ = os.Remove(filepath.Join(dir, entry.Name()))
	}
}

// isTempName reports whether name is prefix, one or more decimal digits
// and tempSuffix.
func isTempName(name, prefix string) bool {
	digits, ok := strings.CutPrefix(name, prefix)
	if !ok {
		return false
	}
	digits, ok = strings.CutSuffix(digits, tempSuffix)
	if !ok || digits == "" {
		return false
	}
	for _, r := range digits {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func syncFolder(dir string) error {
	folder, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open folder %q to sync it: %w", dir, err)
	}
	defer folder.Close()

	if err := folder.Sync(); err != nil {
		return fmt.Errorf("sync folder %q: %w", dir, err)
	}
	return nil
}

// checkNotOpenElsewhere returns a sheet.ErrUnavailable error while Excel
// or LibreOffice has the workbook open. Such a program saves the copy it
// loaded, so it would drop every row written in the meantime, and a lead
// already marked written would be lost from the sheet.
func (b *Book) checkNotOpenElsewhere() error {
	dir, name := filepath.Split(b.path)

	// LibreOffice writes ".~lock.NAME#". Excel's owner file is "~$"
	// followed by NAME or by NAME without its first two characters, so
	// both forms are checked.
	locks := []string{".~lock." + name + "#", "~$" + name}
	if len([]rune(name)) > 2 {
		locks = append(locks, "~$"+string([]rune(name)[2:]))
	}

	for _, lock := range locks {
		lockPath := filepath.Join(dir, lock)
		if _, err := os.Stat(lockPath); err == nil {
			return fmt.Errorf("workbook %q is open in an office program (lock file %q); close it there, or delete the lock file if no program has it open: %w", b.path, lockPath, sheet.ErrUnavailable)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("check lock file %q: %w", lockPath, err)
		}
	}
	return nil
}
