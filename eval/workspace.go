package eval

// wordWorkspace turns the token sequences of one segment into dense ids,
// so that word n-grams become exact fixed-size keys. It keeps its buffers
// from segment to segment.
type wordWorkspace struct {
	tok  tokenizer13a
	toks []string
	ids  map[string]uint32
	seqs [][]uint32
}

// begin forgets the previous segment.
func (w *wordWorkspace) begin() {
	if w.ids == nil || len(w.ids) > 1<<12 {
		w.ids = make(map[string]uint32, 64)
	} else {
		clear(w.ids)
	}
	w.seqs = w.seqs[:0]
}

// addSeq adds the id sequence of toks and returns its index in w.seqs.
func (w *wordWorkspace) addSeq(toks []string) int {
	i := len(w.seqs)
	if i < cap(w.seqs) {
		w.seqs = w.seqs[:i+1]
	} else {
		w.seqs = append(w.seqs, nil)
	}
	seq := w.seqs[i][:0]
	for _, t := range toks {
		id, ok := w.ids[t]
		if !ok {
			id = uint32(len(w.ids))
			w.ids[t] = id
		}
		seq = append(seq, id)
	}
	w.seqs[i] = seq
	return i
}

// wordKey returns the key of the n-gram seq[i:i+n], n at most 4.
func wordKey(seq []uint32, i, n int) ngramKey {
	w := seq[i : i+n]
	k := ngramKey{hi: uint64(w[0])}
	if n > 1 {
		k.hi |= uint64(w[1]) << 32
	}
	if n > 2 {
		k.lo = uint64(w[2])
	}
	if n > 3 {
		k.lo |= uint64(w[3]) << 32
	}
	return k
}

// extendCharKey returns k with character r put in slot j (0 to 5).
func extendCharKey(k ngramKey, r rune, j int) ngramKey {
	if j < 3 {
		k.hi |= uint64(r) << (21 * j)
	} else {
		k.lo |= uint64(r) << (21 * (j - 3))
	}
	return k
}

// resetKeys returns (*buf)[:n] zeroed, growing *buf as needed.
func resetKeys(buf *[]ngramKey, n int) []ngramKey {
	if cap(*buf) < n {
		*buf = make([]ngramKey, n)
	}
	k := (*buf)[:n]
	clear(k)
	return k
}
