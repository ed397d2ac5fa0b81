package search

import "sync"

// The log-probability buffers of a batch ([R, V], megabytes for a beam)
// are reused across batches instead of being allocated for each, so that
// translating a file of any length runs in the memory of a few batches.
var floatBufs sync.Pool // of *[]float32

// takeFloats returns a buffer of n floats with unspecified contents.
func takeFloats(n int) *[]float32 {
	p, _ := floatBufs.Get().(*[]float32)
	if p == nil {
		p = new([]float32)
	}
	if cap(*p) < n {
		*p = make([]float32, n)
	}
	*p = (*p)[:n]
	return p
}

// putFloats makes a buffer of takeFloats available again.
func putFloats(p *[]float32) { floatBufs.Put(p) }

// releaser is implemented by states that hold memory worth reusing once
// search is done with them (see State).
type releaser interface{ Release() }

// release hands the batch's state back to its decoder, when it takes it.
func (b *batch) release() {
	if r, ok := b.st.(releaser); ok {
		r.Release()
	}
	b.st = nil
}
