package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"time"
)

// A temporary file is ".DEST.tmp-DIGITS" in the directory of its
// destination DEST. Its writer holds an exclusive lock on it (flock) from
// its creation until it is renamed or removed, and the kernel drops the
// lock when the writer dies, whatever kills it. So a temporary file that
// can be locked belongs to no live process: it is stale, and removing it
// loses nothing. A writer running at the same time in the same directory
// (two runs writing to one directory, two outputs with the same name)
// holds its lock, so its file is left alone. Creating a file and locking
// it are two steps; a writer whose new file was removed in between sees
// it (the file has no links left) and creates another.
//
// Where the system has no flock (Windows, Plan 9), a temporary file counts
// as stale when it was last modified more than staleAgeUnlocked ago.
//
// Files of other names are never touched: the name must be exactly
// "." + DEST + ".tmp-" + digits, and DEST must be one the caller names.

// tempPattern matches the name of a temporary file; group 1 is the name of
// its destination.
var tempPattern = regexp.MustCompile(`^\.(.+)\.tmp-[0-9]+$`)

// staleAgeUnlocked is the age after which a temporary file is stale on a
// system without file locks.
const staleAgeUnlocked = 24 * time.Hour

// createTemp creates and locks a new temporary file for the destination
// base in dir, with mode 0666 less the umask.
func createTemp(dir, base string) (*os.File, error) {
	for range 10000 {
		name := filepath.Join(dir, "."+base+".tmp-"+strconv.FormatUint(uint64(rand.Uint32()), 10))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if lockOwned(f) {
			return f, nil
		}
		f.Close() // removed by a cleanup before we locked it: try another name
	}
	return nil, fmt.Errorf("no free temporary file name in %s", dir)
}

// RemoveStale removes the stale temporary files in dir whose destination
// name (the base name of the file they were to replace) satisfies dest,
// and returns the paths removed. A file it cannot remove is reported in
// the error; the others are still removed.
func RemoveStale(dir string, dest func(name string) bool) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("remove stale temporary files in %s: %w", dir, err)
	}
	var removed []string
	var errs error
	for _, e := range entries {
		m := tempPattern.FindStringSubmatch(e.Name())
		if m == nil || !e.Type().IsRegular() || !dest(m[1]) {
			continue
		}
		path := filepath.Join(dir, e.Name())
		switch ok, err := removeIfStale(path); {
		case err != nil:
			errs = errors.Join(errs, fmt.Errorf("remove stale temporary file %s: %w", path, err))
		case ok:
			removed = append(removed, path)
		}
	}
	return removed, errs
}

// removeStale is RemoveStale as a best effort, with a log line for each
// file removed or failing.
func removeStale(dir string, dest func(name string) bool) {
	removed, err := RemoveStale(dir, dest)
	if errors.Is(err, fs.ErrNotExist) {
		return // no directory: Create says so
	}
	for _, p := range removed {
		slog.Info("removed a stale temporary file", "path", p)
	}
	if err != nil {
		slog.Warn("stale temporary files", "err", err)
	}
}

// removeIfStale removes the temporary file at path if no live process
// holds it, reporting whether it did.
func removeIfStale(path string) (bool, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil // committed or removed meanwhile
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	stale, err := isStale(f)
	if err != nil || !stale {
		return false, err
	}
	// The lock is ours until f is closed: no writer can take the file now.
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	return true, nil
}
