package search

import (
	"context"

	"github.com/attnmt/nmt/attention/linalg"
)

// greedyBatch takes the most probable token of every sentence at every step.
func greedyBatch(ctx context.Context, b *batch, out [][]Hypothesis) error {
	n := len(b.srcLen)
	rows := make([]int, n) // rows[r] is the sentence of row r
	for i := range rows {
		rows[i] = i
	}
	cum := make([]float64, n)
	toks := make([][]int, n)
	attn := make([][]float32, n) // per sentence: one row of srcLen+1 weights per step
	prev := make([]int, n)
	for i := range prev {
		prev[i] = BOSID
	}
	buf := takeFloats(n * b.v)
	defer putFloats(buf)
	logp := *buf
	at := make([]float32, n*b.s)
	keep := make([]int, 0, n)
	for t := 0; len(rows) > 0; t++ {
		R := len(rows)
		if err := b.step(ctx, t, prev[:R], logp[:R*b.v], at[:R*b.s]); err != nil {
			return err
		}
		keep = keep[:0]
		for r, i := range rows {
			lp := logp[r*b.v : (r+1)*b.v]
			tok := EOSID
			if t < b.maxLen[i] {
				tok = argmax(lp)
			}
			cum[i] += float64(lp[tok])
			if !b.opt.NoAttention {
				attn[i] = append(attn[i], at[r*b.s:r*b.s+b.srcLen[i]+1]...)
			}
			if tok == EOSID {
				out[i] = []Hypothesis{b.greedyHyp(toks[i], cum[i], attn[i], i)}
				continue
			}
			toks[i] = append(toks[i], tok)
			prev[len(keep)] = tok // len(keep) <= r: prev[r] was already consumed
			keep = append(keep, r)
		}
		if len(keep) == R {
			continue
		}
		for j, r := range keep {
			rows[j] = rows[r]
		}
		rows = rows[:len(keep)]
		if len(keep) > 0 {
			b.st = b.st.Select(keep)
		}
	}
	return nil
}

// greedyHyp builds the hypothesis of sentence i from its tokens, summed
// log-probability and flat attention rows.
func (b *batch) greedyHyp(toks []int, logProb float64, flat []float32, i int) Hypothesis {
	if toks == nil {
		toks = []int{}
	}
	h := Hypothesis{Tokens: toks, LogProb: logProb, Score: b.opt.score(logProb, len(toks)+1)}
	if !b.opt.NoAttention {
		h.Attn = splitRows(flat, b.srcLen[i]+1)
	}
	return h
}

// splitRows cuts flat into rows of w values.
func splitRows(flat []float32, w int) [][]float32 {
	rows := make([][]float32, len(flat)/w)
	for j := range rows {
		rows[j] = flat[j*w : (j+1)*w : (j+1)*w]
	}
	return rows
}

// argmax returns the most probable token of lp that may be generated
// (neither <pad> nor <s>); the lowest id wins ties. NaNs are never chosen
// (<unk> is returned if every candidate is NaN).
func argmax(lp []float32) int {
	mx := max(lp[UnkID], linalg.Max(lp[EOSID:]))
	if lp[UnkID] == mx {
		return UnkID
	}
	if i := linalg.Index(lp[EOSID:], mx); i >= 0 {
		return EOSID + i
	}
	best := -1 // a NaN somewhere: scan, skipping NaNs
	for v := UnkID; v < len(lp); v++ {
		if v == BOSID || lp[v] != lp[v] {
			continue
		}
		if best < 0 || lp[v] > lp[best] {
			best = v
		}
	}
	return max(best, UnkID)
}
