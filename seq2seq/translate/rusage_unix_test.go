//go:build unix

package translate_test

import (
	"syscall"
	"time"
)

// processUsage returns the CPU time (user and system) and the minor page
// faults of the process so far, and whether it could read them.
func processUsage() (cpu time.Duration, faults int64, ok bool) {
	var r syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &r); err != nil {
		return 0, 0, false
	}
	return time.Duration(r.Utime.Nano() + r.Stime.Nano()), int64(r.Minflt), true
}
