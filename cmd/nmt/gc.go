package main

import (
	"os"
	"runtime/debug"
)

// decodingGCPercent is the garbage collector's target (GOGC) while
// translating: the heap may grow to 1.5 times the memory in use instead
// of Go's default of twice. Decoding's large buffers hold no pointers, so
// collections are cheap: docs/benchmarks.md measures 1,000 lines with
// beam 5 at 241-249 MB peak against 261-273 MB with GOGC=100, in the same
// CPU time within the noise.
const decodingGCPercent = 50

// tuneGCForDecoding sets decodingGCPercent unless GOGC is set.
func tuneGCForDecoding() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(decodingGCPercent)
	}
}
