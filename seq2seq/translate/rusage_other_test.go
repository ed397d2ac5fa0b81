//go:build !unix

package translate_test

import "time"

// processUsage reports that the process's CPU time and page faults are
// not read on this system.
func processUsage() (cpu time.Duration, faults int64, ok bool) { return 0, 0, false }
