package seq2seq

import (
	"github.com/attnmt/nmt/attention"
	"github.com/attnmt/nmt/attention/linalg"
)

// softBaselineChunk bounds the rows projected onto the vocabulary at
// once by softLikelihoods ([chunk, V] logits).
const softBaselineChunk = 256

// softLikelihoods returns hard attention's "soft" baseline material
// (Deng et al. 2018): for every drawn row (picks >= 0, time-major
// t*B+b), or with all every target row (the sentence reward sums the
// rest of the sentence, drawn or not), the log-likelihood of its reference word when the decoder
// reads the expected context sum_j alpha_tj mem_j instead of the drawn
// state, with the row's decoder state s_t and distribution alpha_t from
// this forward pass, through the same output layer and vocabulary
// projection, without dropout. Other rows get 0. The value depends on
// the parameters and on earlier draws (through s_t) but not on the
// row's own draw, so subtracting it keeps REINFORCE unbiased; it carries
// no gradient. [T*B]
func (ru *run) softLikelihoods(all bool) []float64 {
	m, bt, ar, cfg, h := ru.m, ru.bt, ru.ar, ru.m.cfg, ru.hard
	S, B, T := bt.S, bt.B, bt.T
	D, O, V, M := cfg.DecoderHidden, cfg.Output, cfg.TgtVocab, 2*cfg.EncoderHidden
	C := D + M
	var rows []int
	for i, k := range h.picks {
		if k >= 0 || all && i/B < bt.tgtLens[i%B] {
			rows = append(rows, i)
		}
	}
	ll := make([]float64, T*B)
	if len(rows) == 0 {
		return ll
	}
	ctx := ar.takeDirty(B * M)                    // [B, M] expected contexts of one step
	cat := ar.takeDirty(softBaselineChunk * C)    // [n, D+M] [s_t; expected context]
	o := ar.takeDirty(softBaselineChunk * O)      // [n, O]
	logits := ar.takeDirty(softBaselineChunk * V) // [n, V]
	for first := 0; first < len(rows); first += softBaselineChunk {
		chunk := rows[first:min(first+softBaselineChunk, len(rows))]
		n, step := len(chunk), -1
		for i, row := range chunk {
			if t := row / B; t != step {
				step = t
				attention.Context(h.alpha[t*B*S:(t+1)*B*S], ru.mem, S, B, M, bt.srcLens, ctx)
			}
			b := row % B
			copy(cat[i*C:i*C+D], ru.cat[row*C:row*C+D])
			copy(cat[i*C+D:(i+1)*C], ctx[b*M:(b+1)*M])
		}
		linalg.GemmBias(false, true, n, O, C, 1, cat[:n*C], C, m.outW.Value, C, m.outB.Value, o[:n*O], O)
		linalg.TanhSlice(o[:n*O])
		linalg.GemmBias(false, true, n, V, O, 1, o[:n*O], O, m.projW.Value, O, m.projB.Value, logits[:n*V], V)
		linalg.Parallel(n, 3*V, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				nll, _ := crossEntropyRow(logits[i*V:(i+1)*V], int(bt.tgtOut[chunk[i]]), 0, 0, false)
				ll[chunk[i]] = -nll
			}
		})
	}
	return ll
}
