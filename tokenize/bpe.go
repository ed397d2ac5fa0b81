package tokenize

import "slices"

// A merge is a learned pair of token ids.
type merge struct{ left, right int32 }

// trainWord is a distinct piece as a sequence of token ids.
type trainWord struct {
	syms  []int32
	count int64
}

// pairKey packs a pair of ids into a map key.
func pairKey(a, b int32) uint64 { return uint64(uint32(a))<<32 | uint64(uint32(b)) }

// unpair is the inverse of pairKey.
func unpair(k uint64) (int32, int32) { return int32(k >> 32), int32(uint32(k)) }

// bpe is the state of BPE training. It keeps, for every adjacent pair of
// tokens, its frequency and the words it occurs in, and a max-heap of pairs
// by frequency whose entries may be stale (too high: the frequencies of
// existing pairs only fall; new pairs are pushed when they appear). Each
// merge rewrites only the words holding the pair and updates the
// frequencies of the pairs around each occurrence.
type bpe struct {
	vocab   []string         // id -> token (byte-level)
	index   map[string]int32 // token -> id
	merges  []merge
	words   []trainWord
	counts  map[uint64]int64   // pair -> frequency
	where   map[uint64][]int32 // pair -> words holding it (may repeat or be stale)
	queue   pairHeap
	minFreq int64
	stamp   []int               // word -> last merge that rewrote it
	touched map[uint64]struct{} // pairs whose frequency rose in this merge
}

// newBPE prepares training on pieces counted in counts. The words are sorted
// so that ties, hence ids, do not depend on map order.
func newBPE(counts map[string]int64, vocabSize int, minFreq int64) *bpe {
	b := &bpe{
		vocab:   make([]string, 0, vocabSize),
		index:   make(map[string]int32, vocabSize),
		counts:  make(map[uint64]int64),
		where:   make(map[uint64][]int32),
		minFreq: minFreq,
		touched: make(map[uint64]struct{}),
	}
	for _, s := range specialTokens() {
		b.vocab = append(b.vocab, s)
	}
	for c := 0; c < 256; c++ {
		b.vocab = append(b.vocab, string(byteRune(byte(c))))
	}
	for i, s := range b.vocab {
		b.index[s] = int32(i)
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b.words = make([]trainWord, len(keys))
	b.stamp = make([]int, len(keys))
	for wi, k := range keys {
		syms := make([]int32, len(k))
		for i := 0; i < len(k); i++ {
			syms[i] = NumSpecial + int32(k[i])
		}
		b.words[wi] = trainWord{syms: syms, count: counts[k]}
		b.stamp[wi] = -1
		for i := 0; i+1 < len(syms); i++ {
			b.add(pairKey(syms[i], syms[i+1]), counts[k], int32(wi))
		}
	}
	for p, c := range b.counts {
		if c >= minFreq {
			b.queue.items = append(b.queue.items, heapItem{count: c, pair: p})
		}
	}
	b.queue.init() // the heap order is total, so map order does not matter
	return b
}

// add changes the frequency of pair p by delta, from word wi.
func (b *bpe) add(p uint64, delta int64, wi int32) {
	b.counts[p] += delta
	if delta > 0 {
		b.touched[p] = struct{}{}
		if l := b.where[p]; len(l) == 0 || l[len(l)-1] != wi {
			b.where[p] = append(l, wi)
		}
	}
}

// step learns the most frequent pair, ties going to the smaller ids, and
// returns its frequency; it reports false when no pair is frequent enough.
func (b *bpe) step() (int64, bool) {
	for len(b.queue.items) > 0 {
		top := b.queue.pop()
		cur := b.counts[top.pair]
		if cur != top.count { // stale entry
			if cur >= b.minFreq {
				b.queue.push(heapItem{count: cur, pair: top.pair})
			}
			continue
		}
		left, right := unpair(top.pair)
		text := b.vocab[left] + b.vocab[right]
		if isSpecialToken(text) {
			continue // never learn a token spelled like a special token
		}
		id, ok := b.index[text]
		if !ok { // else another pair spelled the same token: reuse its id
			id = int32(len(b.vocab))
			b.vocab = append(b.vocab, text)
			b.index[text] = id
		}
		b.merges = append(b.merges, merge{left, right})
		b.apply(top.pair, id)
		return top.count, true
	}
	return 0, false
}

// apply rewrites the words holding pair p with the token id and updates the
// pair frequencies.
func (b *bpe) apply(p uint64, id int32) {
	left, right := unpair(p)
	m := len(b.merges)
	clear(b.touched)
	for _, wi := range b.where[p] {
		if b.stamp[wi] == m {
			continue
		}
		b.stamp[wi] = m
		w := &b.words[wi]
		syms, c := w.syms, w.count
		k := 0 // syms[:k] is the rewritten prefix
		for i := 0; i < len(syms); {
			if i+1 < len(syms) && syms[i] == left && syms[i+1] == right {
				if k > 0 {
					b.add(pairKey(syms[k-1], left), -c, wi)
					b.add(pairKey(syms[k-1], id), c, wi)
				}
				if i+2 < len(syms) {
					b.add(pairKey(right, syms[i+2]), -c, wi)
					b.add(pairKey(id, syms[i+2]), c, wi)
				}
				syms[k] = id
				k++
				i += 2
				continue
			}
			syms[k] = syms[i]
			k++
			i++
		}
		w.syms = syms[:k]
	}
	delete(b.counts, p)
	delete(b.where, p)
	for q := range b.touched {
		if c := b.counts[q]; c >= b.minFreq && q != p {
			b.queue.push(heapItem{count: c, pair: q})
		}
	}
}

// isSpecialToken reports whether s is spelled like a special token.
func isSpecialToken(s string) bool {
	specials := specialTokens()
	return slices.Contains(specials[:], s)
}

// heapItem is a pair and its frequency when it was pushed.
type heapItem struct {
	count int64
	pair  uint64
}

// before orders the heap: higher frequency first, then smaller ids.
func (x heapItem) before(y heapItem) bool {
	if x.count != y.count {
		return x.count > y.count
	}
	return x.pair < y.pair
}

// pairHeap is a binary max-heap of pairs.
type pairHeap struct{ items []heapItem }

func (h *pairHeap) init() {
	for i := len(h.items)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

func (h *pairHeap) push(x heapItem) {
	h.items = append(h.items, x)
	i := len(h.items) - 1
	for i > 0 {
		parent := (i - 1) / 2
		if !h.items[i].before(h.items[parent]) {
			break
		}
		h.items[i], h.items[parent] = h.items[parent], h.items[i]
		i = parent
	}
}

func (h *pairHeap) pop() heapItem {
	top := h.items[0]
	last := len(h.items) - 1
	h.items[0] = h.items[last]
	h.items = h.items[:last]
	h.down(0)
	return top
}

func (h *pairHeap) down(i int) {
	n := len(h.items)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		best := l
		if r := l + 1; r < n && h.items[r].before(h.items[l]) {
			best = r
		}
		if !h.items[best].before(h.items[i]) {
			return
		}
		h.items[i], h.items[best] = h.items[best], h.items[i]
		i = best
	}
}
