package search

import (
	"context"
	"math"
	"slices"

	"github.com/attnmt/nmt/attention/linalg"
)

// node is one token of a hypothesis, linked to the token before it. The
// hypotheses of a batch form a tree of nodes.
type node struct {
	parent int32 // index in beam.nodes of the token before, -1 for the first
	tok    int32
	attn   int // offset of the step's attention row in beam.store, -1 without
}

// ended is a hypothesis closed by </s>.
type ended struct {
	node    int // its </s> node
	logProb float64
	score   float64
}

// cand is a continuation of a live row by one token.
type cand struct {
	total float64 // the row's LogProb plus lp
	lp    float32
	row   int32
	tok   int32
}

// better reports whether a ranks before c: higher total, then higher lp
// (so that one row ranks its tokens exactly as greedy search does), then
// lower row, then lower token.
func (a cand) better(c cand) bool {
	if a.total != c.total {
		return a.total > c.total
	}
	if a.lp != c.lp {
		return a.lp > c.lp
	}
	if a.row != c.row {
		return a.row < c.row
	}
	return a.tok < c.tok
}

// beam is the state of beam search over one batch. Live rows are grouped
// by sentence, in sentence order.
type beam struct {
	*batch
	k     int
	nodes []node
	store []float32 // attention rows of all steps, S values each
	fin   [][]ended // per sentence

	sent []int     // per row: its sentence
	cum  []float64 // per row: LogProb so far
	last []int32   // per row: its last node, -1 before the first token
	prev []int     // per row: the token to feed

	// The rows of the next step, built by advance.
	nsent []int
	ncum  []float64
	nlast []int32
	nprev []int
	sel   []int // per next row: the current row it continues

	logp, at []float32
	cands    []cand
	scratch  []float64
}

// beamBatch runs beam search on one batch.
func beamBatch(ctx context.Context, b *batch, out [][]Hypothesis) error {
	n, k := len(b.srcLen), b.opt.Beam
	logp := takeFloats(n * k * b.v)
	defer putFloats(logp)
	s := &beam{batch: b, k: k, fin: make([][]ended, n),
		sent: make([]int, n), cum: make([]float64, n), last: make([]int32, n), prev: make([]int, n),
		logp: *logp, at: make([]float32, n*k*b.s)}
	for i := range n {
		s.sent[i], s.last[i], s.prev[i] = i, -1, BOSID
	}
	for t := 0; len(s.sent) > 0; t++ {
		R := len(s.sent)
		if err := b.step(ctx, t, s.prev, s.logp[:R*b.v], s.at[:R*b.s]); err != nil {
			return err
		}
		base := -1
		if !b.opt.NoAttention {
			base = len(s.store)
			s.store = append(s.store, s.at[:R*b.s]...)
		}
		s.advance(t, base)
		if len(s.nsent) > 0 {
			b.st = b.st.Select(s.sel)
		}
		s.sent, s.nsent = s.nsent, s.sent
		s.cum, s.ncum = s.ncum, s.cum
		s.last, s.nlast = s.nlast, s.last
		s.prev, s.nprev = s.nprev, s.prev
	}
	for i := range out {
		out[i] = s.best(i)
	}
	return nil
}

// advance ranks the continuations of the rows of step t, whose attention
// rows start at offset base of the store, and sets up the next rows.
func (s *beam) advance(t, base int) {
	s.nsent, s.ncum, s.nlast, s.nprev, s.sel = s.nsent[:0], s.ncum[:0], s.nlast[:0], s.nprev[:0], s.sel[:0]
	for lo := 0; lo < len(s.sent); {
		hi := lo + 1
		for hi < len(s.sent) && s.sent[hi] == s.sent[lo] {
			hi++
		}
		s.expand(s.sent[lo], lo, hi, t, base)
		lo = hi
	}
}

// expand continues sentence i, whose live rows are lo to hi-1.
func (s *beam) expand(i, lo, hi, t, base int) {
	if t >= s.maxLen[i] { // only </s> is left
		for q := lo; q < hi; q++ {
			s.end(i, cand{total: s.cum[q] + float64(s.logp[q*s.v+EOSID]), row: int32(q), tok: EOSID}, base)
		}
		return
	}
	mark := len(s.sel)
	live := 0
	for rank, c := range s.top(lo, hi, 2*s.k) {
		if c.tok == EOSID {
			if rank < s.k {
				s.end(i, c, base)
			}
			continue
		}
		if live == s.k {
			break
		}
		if live == 0 && s.hopeless(i, c.total) {
			break
		}
		s.sel = append(s.sel, int(c.row))
		s.nsent = append(s.nsent, i)
		s.ncum = append(s.ncum, c.total)
		s.nlast = append(s.nlast, s.add(c, base))
		s.nprev = append(s.nprev, int(c.tok))
		live++
	}
	if len(s.fin[i]) >= s.k {
		s.sel, s.nsent, s.ncum, s.nlast, s.nprev = s.sel[:mark], s.nsent[:mark], s.ncum[:mark], s.nlast[:mark], s.nprev[:mark]
	}
}

// add appends the node of continuation c and returns its index.
func (s *beam) add(c cand, base int) int32 {
	at := -1
	if base >= 0 {
		at = base + int(c.row)*s.s
	}
	s.nodes = append(s.nodes, node{parent: s.last[c.row], tok: c.tok, attn: at})
	return int32(len(s.nodes) - 1)
}

// end closes a hypothesis of sentence i with the </s> continuation c.
func (s *beam) end(i int, c cand, base int) {
	nd := s.add(c, base)
	n := 1 // scored tokens: </s> and the tokens before it
	for p := s.nodes[nd].parent; p >= 0; p = s.nodes[p].parent {
		n++
	}
	s.fin[i] = append(s.fin[i], ended{node: int(nd), logProb: c.total, score: s.opt.score(c.total, n)})
}

// hopeless reports whether no continuation of a live hypothesis of
// sentence i with LogProb at most best can enter its NBest ended ones:
// log-probabilities being at most 0, its score can only reach
// best / penalty(maxLen+1).
func (s *beam) hopeless(i int, best float64) bool {
	fin := s.fin[i]
	if len(fin) < s.opt.NBest || best > 0 {
		return false
	}
	s.scratch = s.scratch[:0]
	for _, e := range fin {
		s.scratch = append(s.scratch, e.score)
	}
	slices.Sort(s.scratch)
	nth := s.scratch[len(s.scratch)-s.opt.NBest]
	return nth >= best/s.opt.penalty(s.maxLen[i]+1)
}

// top returns the m best continuations of rows lo to hi-1, best first.
func (s *beam) top(lo, hi, m int) []cand {
	c := s.cands[:0]
	for q := lo; q < hi; q++ {
		lp := s.logp[q*s.v : (q+1)*s.v]
		c = s.scan(c, m, lp, q, UnkID, BOSID) // skips <pad> (0) and <s> (2)
		c = s.scan(c, m, lp, q, EOSID, s.v)
	}
	s.cands = c
	return c
}

// scan adds tokens from to to-1 of row q to the sorted list c of at most
// m continuations.
func (s *beam) scan(c []cand, m int, lp []float32, q, from, to int) []cand {
	cum := s.cum[q]
	thr := float32(math.Inf(-1)) // x < thr cannot enter c
	if len(c) == m {
		thr = threshold(c[m-1].total, cum)
	}
	for v := from; v < to; v++ {
		// Skip, many at a time, what cannot enter c.
		i := linalg.IndexAtLeast(lp[v:to], thr)
		if i < 0 {
			break
		}
		v += i
		x := lp[v]
		cd := cand{total: cum + float64(x), lp: x, row: int32(q), tok: int32(v)}
		if len(c) == m {
			if !cd.better(c[m-1]) {
				continue
			}
			c = c[:m-1]
		}
		j := len(c)
		c = append(c, cd)
		for j > 0 && cd.better(c[j-1]) {
			c[j] = c[j-1]
			j--
		}
		c[j] = cd
		if len(c) == m {
			thr = threshold(c[m-1].total, cum)
		}
	}
	return c
}

// threshold returns a float32 below which a log-probability added to cum
// stays below worst: one float32 step under worst-cum, to be safe from
// rounding.
func threshold(worst, cum float64) float32 {
	return math.Nextafter32(float32(worst-cum), float32(math.Inf(-1)))
}

// best returns the NBest ended hypotheses of sentence i, best first.
func (s *beam) best(i int) []Hypothesis {
	fin := s.fin[i]
	slices.SortStableFunc(fin, func(a, b ended) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return 0
	})
	hyps := make([]Hypothesis, 0, min(len(fin), s.opt.NBest))
	for _, e := range fin[:min(len(fin), s.opt.NBest)] {
		hyps = append(hyps, s.hypothesis(i, e))
	}
	return hyps
}

// hypothesis follows an ended hypothesis of sentence i back to its start.
func (s *beam) hypothesis(i int, e ended) Hypothesis {
	n := 0
	for p := int32(e.node); p >= 0; p = s.nodes[p].parent {
		n++
	}
	h := Hypothesis{Tokens: make([]int, n-1), LogProb: e.logProb, Score: e.score}
	w := s.srcLen[i] + 1
	var flat []float32
	if !s.opt.NoAttention {
		flat = make([]float32, n*w)
	}
	j := n - 1
	for p := int32(e.node); p >= 0; p = s.nodes[p].parent {
		nd := s.nodes[p]
		if j < n-1 {
			h.Tokens[j] = int(nd.tok)
		}
		if flat != nil {
			copy(flat[j*w:(j+1)*w], s.store[nd.attn:nd.attn+w])
		}
		j--
	}
	if flat != nil {
		h.Attn = splitRows(flat, w)
	}
	return h
}
