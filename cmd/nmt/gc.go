package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"sync"

	"github.com/attnmt/nmt/seq2seq/translate"
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

// boundMemoryAfterFirstChunk returns progress (which may be nil) wrapped
// so that, once a first full chunk (chunkSize lines) is translated, the
// memory the Go runtime holds then becomes its soft limit
// (debug.SetMemoryLimit), unless GOMEMLIMIT is set. (Input that comes
// slowly is cut into short chunks, which need less: no limit is set on
// them.) The memory in use does not grow with the input (the
// batches are bounded by tokens, the scratch is reused), but the memory
// the process holds did: freed pages went back to the system slowly while
// new batches took fresh ones, so that 100,000 lines peaked 22% above
// 1,000 (docs/benchmarks.md, "Fifth round": 186 against 152 MB; the
// release with the limit 149-153 against 140-143). The limit makes the
// runtime return them. It is soft: a later chunk that needs more gets it,
// at the price of more frequent collections.
func boundMemoryAfterFirstChunk(progress func(translate.Stats), chunkSize int) func(translate.Stats) {
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		return progress
	}
	var once sync.Once
	return func(st translate.Stats) {
		if progress != nil {
			progress(st)
		}
		if st.Lines < chunkSize {
			return
		}
		once.Do(func() {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			debug.SetMemoryLimit(int64(ms.Sys - ms.HeapReleased))
		})
	}
}
