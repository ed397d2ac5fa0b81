package corpus

import (
	"fmt"
	"strings"
)

// Summary describes a parallel corpus: sizes, lengths in words, and what a
// Filter would keep.
type Summary struct {
	Pairs              int
	SrcWords, TgtWords int // total words per side
	SrcMax, TgtMax     int // longest sentence per side, in words
	Empty              int // pairs with an empty side
	Filter             Stats
	Skipped, Replaced  int // pairs with invalid UTF-8 skipped or repaired
}

// Summarize reads the rest of r and describes it, counting what f would keep.
func Summarize(r *PairReader, f Filter) (Summary, error) {
	var s Summary
	for r.Next() {
		p := r.Pair()
		ns, nt := Words(p.Src), Words(p.Tgt)
		s.Pairs++
		s.SrcWords += ns
		s.TgtWords += nt
		s.SrcMax, s.TgtMax = max(s.SrcMax, ns), max(s.TgtMax, nt)
		if ns == 0 || nt == 0 {
			s.Empty++
		}
		s.Filter.Add(f.Check(ns, nt))
	}
	s.Skipped, s.Replaced = r.Skipped(), r.Replaced()
	return s, r.Err()
}

// String reports the summary on a few lines.
func (s Summary) String() string {
	mean := func(n int) float64 {
		if s.Pairs == 0 {
			return 0
		}
		return float64(n) / float64(s.Pairs)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "pairs:        %d (%d with an empty side)\n", s.Pairs, s.Empty)
	fmt.Fprintf(&b, "source words: %d (mean %.1f, max %d)\n", s.SrcWords, mean(s.SrcWords), s.SrcMax)
	fmt.Fprintf(&b, "target words: %d (mean %.1f, max %d)\n", s.TgtWords, mean(s.TgtWords), s.TgtMax)
	if s.Skipped+s.Replaced > 0 {
		fmt.Fprintf(&b, "invalid UTF-8: %d pairs skipped, %d repaired\n", s.Skipped, s.Replaced)
	}
	fmt.Fprintf(&b, "filter:       %v\n", s.Filter)
	return b.String()
}

// Copy writes the pairs of src that pass f to dst and returns the counts.
// It does not commit dst.
func (f Filter) Copy(dst *PairWriter, src *PairReader) (Stats, error) {
	var st Stats
	for src.Next() {
		p := src.Pair()
		r := f.CheckPair(p)
		st.Add(r)
		if r != Keep {
			continue
		}
		if err := dst.Write(p); err != nil {
			return st, err
		}
	}
	return st, src.Err()
}

// CopyShuffled is Copy with the kept pairs written in a random order, the
// same for the same seed and input (see Shuffle). It reads all of src into
// memory first. It does not commit dst.
func (f Filter) CopyShuffled(dst *PairWriter, src *PairReader, seed uint64) (Stats, error) {
	pairs, err := ReadAll(src)
	if err != nil {
		return Stats{}, err
	}
	kept, st := f.Pairs(pairs)
	Shuffle(kept, seed)
	for _, p := range kept {
		if err := dst.Write(p); err != nil {
			return st, err
		}
	}
	return st, nil
}
