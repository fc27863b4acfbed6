package xlsx

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

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

	tmp, err := os.CreateTemp(dir, "."+filepath.Base(b.path)+".*.tmp")
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
