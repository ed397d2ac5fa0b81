//go:build unix

package seq2seq

import (
	"syscall"
	"time"
)

// cpuTime is the processor time (user and system) the process has used,
// which other processes' load disturbs less than wall-clock time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
