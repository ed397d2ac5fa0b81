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
	most  int // the most floats handed out between two resets
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
		// allocates one array large enough for a whole step. The fresh
		// array holds n and a quarter of what the step has taken so
		// far: few arrays per step, and at most a quarter more than
		// the step needs, where doubling the old array could hold
		// three times the arena while the step ran.
		a.buf = make([]float32, max(n+a.total/4, 1<<16))
		a.used = 0
	}
	s := a.buf[a.used : a.used+n : a.used+n]
	a.used += n
	return s
}

// reset makes the arena available again, growing it once to what the
// previous step needed in all.
func (a *arena) reset() {
	a.most = max(a.most, a.total)
	a.reserve(a.total)
	a.used, a.total = 0, 0
}

// reserve grows the arena to hold at least n floats in one array, with an
// eighth more, so that steps that need a little more than the last (the
// batches under a token budget differ by a few percent) do not make it
// anew each time.
func (a *arena) reserve(n int) {
	if n > len(a.buf) {
		a.buf = make([]float32, n+n/8)
		a.used = 0
	}
}

// arenaStack keeps the arenas of finished work for the next. Unlike a
// sync.Pool, which drops what it holds at garbage collections, it keeps
// them: the arenas are the largest buffers of decoding, and making them
// anew after every collection (growing each from nothing) made the heap,
// and with it the process, grow with the length of a run. It holds at
// most as many arenas as were ever in use at once.
//
// It also remembers the most any use of its arenas needed, and get grows
// an arena to that before handing it out: every arena reaches the size of
// the largest batch at once, instead of each growing again when it first
// meets a batch as large, later in a run (a long run then held more than
// a short one).
type arenaStack struct {
	mu   sync.Mutex
	free []*arena
	need int // the most floats a use of an arena took
}

// get returns a free arena, or a new one, reset and able to hold in one
// array n floats (the use's own need, when known; 0 if not) and what the
// largest use so far needed.
func (s *arenaStack) get(n int) *arena {
	s.mu.Lock()
	a, need := new(arena), max(s.need, n)
	if k := len(s.free); k > 0 {
		a = s.free[k-1]
		s.free = s.free[:k-1]
	}
	s.mu.Unlock()
	a.reserve(max(need, a.total)) // at once what reset would grow it to
	a.reset()
	return a
}

// put makes a, whose slices are no longer used, available to get.
func (s *arenaStack) put(a *arena) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.need = max(s.need, a.most, a.total)
	s.free = append(s.free, a)
}
