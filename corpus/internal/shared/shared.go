// Package shared locates the project's read-only data directory, ../shared
// next to the repository root, for tests that use it.
package shared

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the path of a directory under ../shared (for example
// Dir(t, "data", "multi30k")), found by walking up from the working
// directory to the one holding go.mod. It skips the test when the
// directory is absent.
func Dir(tb testing.TB, elem ...string) string {
	tb.Helper()
	wd, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			p := filepath.Join(append([]string{dir, "..", "shared"}, elem...)...)
			if _, err := os.Stat(p); err != nil {
				tb.Skipf("shared data %s not available: %v", p, err)
			}
			return p
		}
		if filepath.Dir(dir) == dir {
			tb.Skipf("no go.mod above %s: shared data not available", wd)
			return ""
		}
	}
}
