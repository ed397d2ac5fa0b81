//go:build !unix

package seq2seq

import "time"

// cpuTime is not measured on this system.
func cpuTime() time.Duration { return 0 }
