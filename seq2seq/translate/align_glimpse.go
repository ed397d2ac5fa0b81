package translate

import (
	"context"

	"github.com/attnmt/nmt/attention/align"
	"github.com/attnmt/nmt/seq2seq"
)

// glimpsesOf returns, for a single model (not an ensemble, whose members'
// windows do not combine) with hard or local attention, the forced decoding
// of the translations outIDs of ids, which carries local attention's
// windows and hard attention's distributions, and its weights (the same
// as the search's for argmax reads; for sampled hard attention those of
// the forced pass, which draws anew). Soft attention and ensembles return
// nil and weights unchanged.
func (a *Aligner) glimpsesOf(ctx context.Context, ids, outIDs [][]int, weights [][][]float32) ([]seq2seq.Forced, [][][]float32, error) {
	kind := a.Model.File.Model.Config().Attention
	if kind != seq2seq.AttentionHard && kind != seq2seq.AttentionLocal || len(a.Model.members()) > 1 {
		return nil, weights, nil
	}
	forced, err := a.Model.File.Model.NewDecoder().Force(ctx, ids, outIDs)
	if err != nil {
		return nil, nil, err
	}
	weights = weights[:0]
	for _, f := range forced {
		weights = append(weights, f.Attn)
	}
	return forced, weights, nil
}

// addGlimpses copies local attention's windows, and sampled hard
// attention's distributions, from f into m.
func (a *Aligner) addGlimpses(m *align.Matrix, f seq2seq.Forced) {
	for k := range f.Centres {
		m.Windows = append(m.Windows, align.Window{Centre: f.Centres[k], Width: f.Widths[k]})
	}
	if a.Model.File.Model.Config().Hard.DecodeKind() == seq2seq.DecodeSample {
		m.Dists = f.Dists
	}
}
