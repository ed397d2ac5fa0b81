//go:build unix

package atomicfile

import (
	"os"
	"syscall"
)

// lockOwned takes the writer's lock on the new temporary file f and
// reports whether f is still linked in its directory (a cleanup may have
// removed it between its creation and the lock).
func lockOwned(f *os.File) bool {
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return false
	}
	st, err := f.Stat()
	if err != nil {
		return false
	}
	sys, ok := st.Sys().(*syscall.Stat_t)
	return !ok || sys.Nlink > 0
}

// isStale reports whether the temporary file f belongs to no live writer:
// whether its lock can be taken. Once taken, the lock is held until f is
// closed.
func isStale(f *os.File) (bool, error) {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	switch err {
	case nil:
		return true, nil
	case syscall.EWOULDBLOCK:
		return false, nil
	}
	return false, err
}
