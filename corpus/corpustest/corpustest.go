// Package corpustest helps tests find the project's read-only data
// directory, "shared", which sits next to the repository root (the
// directory holding go.mod): from /work/main/corpus it is ../../shared.
//
// Only tests should import it.
package corpustest

import (
	"os"
	"path/filepath"
	"testing"
)

// SharedDir returns the path of elem under the shared data directory (the
// directory itself without elem; for example SharedDir(tb, "data",
// "multi30k")), found by walking up from the working directory to the one
// holding go.mod. It skips the test, saying why, when go.mod or the path
// is absent.
func SharedDir(tb testing.TB, elem ...string) string {
	tb.Helper()
	p, err := sharedPath(elem...)
	if err != nil {
		tb.Skipf("shared data not available: %v", err)
	}
	return p
}

// sharedPath does the work of SharedDir, reporting why the path is absent.
func sharedPath(elem ...string) (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	root, err := moduleRoot(wd)
	if err != nil {
		return "", err
	}
	p := filepath.Join(append([]string{root, "..", "shared"}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		return "", err
	}
	return p, nil
}

// moduleRoot returns the first directory at or above dir holding go.mod.
func moduleRoot(dir string) (string, error) {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", &os.PathError{Op: "find go.mod above", Path: dir, Err: os.ErrNotExist}
		}
	}
}
