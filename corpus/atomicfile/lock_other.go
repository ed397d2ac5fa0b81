//go:build !unix

package atomicfile

import (
	"os"
	"time"
)

// lockOwned reports that the new temporary file f is the writer's: this
// system has no flock.
func lockOwned(*os.File) bool { return true }

// isStale reports whether the temporary file f was last modified more than
// staleAgeUnlocked ago.
func isStale(f *os.File) (bool, error) {
	st, err := f.Stat()
	if err != nil {
		return false, err
	}
	return time.Since(st.ModTime()) > staleAgeUnlocked, nil
}
