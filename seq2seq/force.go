package seq2seq

import (
	"context"
	"fmt"
)

// Forced is the model's reading of a given translation: how likely each of
// its tokens was and where the model attended while producing it.
type Forced struct {
	// TokenLogProbs holds log p(token) for each target token and the
	// closing </s>.
	TokenLogProbs []float32
	// LogProb is their sum.
	LogProb float64
	// Attn holds one row per target token and the closing </s>, each with
	// one weight per source token and the source's </s>.
	Attn [][]float32
}

// Force scores the translations tgt of src (token ids without special
// tokens) by feeding them to the decoder, and returns for every pair the
// token log-probabilities and attention weights: forced alignment.
func (d *Decoder) Force(ctx context.Context, src, tgt [][]int) ([]Forced, error) {
	if len(src) != len(tgt) {
		return nil, fmt.Errorf("force: %d sources but %d targets", len(src), len(tgt))
	}
	for i, s := range tgt {
		if err := checkIDs(s, d.m.cfg.TgtVocab); err != nil {
			return nil, fmt.Errorf("force: target %d: %w", i, err)
		}
	}
	st, err := d.Begin(ctx, src)
	if err != nil {
		return nil, err
	}
	n, V, S := len(src), d.VocabSize(), st.SrcLen()
	out := make([]Forced, n)
	steps := 0
	for _, s := range tgt {
		steps = max(steps, len(s)+1)
	}
	prev := make([]int, n)
	for i := range prev {
		prev[i] = BOSID
	}
	logp, attn := make([]float32, n*V), make([]float32, n*S)
	for k := range steps {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := d.Step(st, prev, logp, attn); err != nil {
			return nil, err
		}
		for r, s := range tgt {
			if k > len(s) {
				continue // this pair is done; its row keeps decoding harmlessly
			}
			y := EOSID
			if k < len(s) {
				y = s[k]
			}
			lp := logp[r*V+y]
			out[r].TokenLogProbs = append(out[r].TokenLogProbs, lp)
			out[r].LogProb += float64(lp)
			out[r].Attn = append(out[r].Attn, append([]float32(nil), attn[r*S:r*S+len(src[r])+1]...))
			prev[r] = y
		}
	}
	return out, nil
}
