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
	// Centres and Widths hold, for local attention, the predicted centre
	// and width of the window of each row, in source positions; nil for
	// the other kinds.
	Centres, Widths []float32
	// Dists holds, for hard attention, the soft distribution of each row
	// from which its one position (the 1 in Attn) was read; nil for the
	// other kinds.
	Dists [][]float32
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
			out[r].addGlimpse(st, r, len(src[r])+1)
			prev[r] = y
		}
	}
	return out, nil
}

// addGlimpse records row r's window or distribution at the last step, if
// the model's attention has one; n is the source length with </s>.
func (f *Forced) addGlimpse(st *DecoderState, r, n int) {
	if c, w, ok := st.Window(r); ok {
		f.Centres = append(f.Centres, c)
		f.Widths = append(f.Widths, w)
	}
	if d := st.Distribution(r); d != nil {
		f.Dists = append(f.Dists, append([]float32(nil), d[:n]...))
	}
}
