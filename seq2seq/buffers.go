package seq2seq

import "sync"

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

// arenaStack keeps the arenas of finished work for the next. Unlike a
// sync.Pool, which drops what it holds at garbage collections, it keeps
// them: the arenas are the largest buffers of decoding, and making them
// anew after every collection (growing each from nothing) made the heap,
// and with it the process, grow with the length of a run. It holds at
// most as many arenas as were ever in use at once.
type arenaStack struct {
	mu   sync.Mutex
	free []*arena
}

// get returns a free arena, or a new one.
func (s *arenaStack) get() *arena {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n := len(s.free); n > 0 {
		a := s.free[n-1]
		s.free = s.free[:n-1]
		return a
	}
	return new(arena)
}

// put makes a, whose slices are no longer used, available to get.
func (s *arenaStack) put(a *arena) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.free = append(s.free, a)
}
