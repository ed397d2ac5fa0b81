package seq2seq

// arena hands out float32 scratch slices carved from one grow-only
// backing array, so that a training step allocates nothing once the
// largest batch has been seen. reset makes all slices available again;
// slices handed out before a reset must not be used after it.
type arena struct {
	buf   []float32
	used  int // offset into buf
	total int // floats handed out since the last reset
}

// take returns a zeroed slice of n floats.
func (a *arena) take(n int) []float32 {
	s := a.takeDirty(n)
	clear(s)
	return s
}

// takeDirty returns a slice of n floats with unspecified contents.
func (a *arena) takeDirty(n int) []float32 {
	a.total += n
	if a.used+n > len(a.buf) {
		// Continue in a fresh array for the rest of this step; slices
		// already handed out keep the old one alive. The next reset
		// allocates one array large enough for a whole step.
		a.buf = make([]float32, max(2*len(a.buf), n, 1<<16))
		a.used = 0
	}
	s := a.buf[a.used : a.used+n : a.used+n]
	a.used += n
	return s
}

// reset makes the arena available again, growing it once to what the
// previous step needed in all.
func (a *arena) reset() {
	if a.total > len(a.buf) {
		a.buf = make([]float32, a.total)
	}
	a.used, a.total = 0, 0
}
