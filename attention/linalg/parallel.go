package linalg

import (
	"runtime"
	"sync"
)

// Parallel calls fn on disjoint ranges [lo, hi) covering [0, n), running
// them on up to GOMAXPROCS goroutines when n*cost (an estimate of the
// work, in elementary operations) is large enough to pay for it. It
// returns when every call has returned.
func Parallel(n, cost int, fn func(lo, hi int)) {
	workers := runtime.GOMAXPROCS(0)
	const minWork = 1 << 15 // below this a goroutine costs more than it saves
	if workers > n {
		workers = n
	}
	if workers <= 1 || n*cost < 2*minWork {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	chunk := (n + workers - 1) / workers
	for lo := chunk; lo < n; lo += chunk {
		wg.Go(func() { fn(lo, min(lo+chunk, n)) })
	}
	fn(0, min(chunk, n))
	wg.Wait()
}
