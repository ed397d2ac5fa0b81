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

// tuneGCForLoading turns the garbage collector off while the models
// load, unless GOGC is set, and returns the function to call once they
// are loaded, which sets decodingGCPercent. Loading allocates its
// weights once and little garbage (the tokenizers' JSON, the file
// header), but from the small heap a process starts with a collector at
// any target runs cycle after cycle while the heap grows:
// docs/benchmarks.md measures the CPU time of translating one sentence
// with the built-in model 14% lower with the collector off (perf stat
// task-clock 234-236 ms against 271-273), for 4 MB more of peak memory.
func tuneGCForLoading() (loaded func()) {
	if _, set := os.LookupEnv("GOGC"); set {
		return func() {}
	}
	debug.SetGCPercent(-1)
	return func() { debug.SetGCPercent(decodingGCPercent) }
}
