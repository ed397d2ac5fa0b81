package translate

import (
	"context"
	"fmt"

	"github.com/attnmt/nmt/attention/align"
	"github.com/attnmt/nmt/seq2seq"
)

// Explain says which explanations an Aligner returns.
type Explain string

const (
	// ExplainAttention returns the attention weights alone (the default).
	ExplainAttention Explain = "attention"
	// ExplainSalience returns the salience map in place of the attention.
	ExplainSalience Explain = "salience"
	// ExplainBoth returns the attention with the salience beside it.
	ExplainBoth Explain = "both"
)

// ParseExplain reads an Explain from its name.
func ParseExplain(s string) (Explain, error) {
	switch e := Explain(s); e {
	case ExplainAttention, ExplainSalience, ExplainBoth:
		return e, nil
	case "":
		return ExplainAttention, nil
	}
	return "", fmt.Errorf("unknown explanation %q: want attention, salience or both", s)
}

// SalienceLayer is where salience is measured.
type SalienceLayer string

const (
	// SalienceEmbeddings is gradient x input on the source embeddings.
	SalienceEmbeddings SalienceLayer = "embeddings"
	// SalienceStates is gradient x input on the encoder's states.
	SalienceStates SalienceLayer = "states"
)

// ParseSalienceLayer reads a SalienceLayer from its name.
func ParseSalienceLayer(s string) (SalienceLayer, error) {
	switch l := SalienceLayer(s); l {
	case SalienceEmbeddings, SalienceStates:
		return l, nil
	case "":
		return SalienceEmbeddings, nil
	}
	return "", fmt.Errorf("unknown salience layer %q: want embeddings or states", s)
}

// addSalience computes the salience of the translations out of the
// sources ids (forced on out) and puts it into ms as a.Explain asks.
func (a *Aligner) addSalience(ctx context.Context, ms []align.Matrix, ids, out [][]int, first int) error {
	if a.Explain == "" || a.Explain == ExplainAttention {
		return nil
	}
	if err := a.singleModel(); err != nil {
		return err
	}
	sal, err := a.Model.File.Model.Salience(ctx, ids, out, a.Salience)
	if err != nil {
		return fmt.Errorf("salience of lines %d-%d: %w", first+1, first+len(ids), err)
	}
	for i := range ms {
		grid := sal[i].Embed
		if a.SalienceLayer == SalienceStates {
			grid = sal[i].States
		}
		if a.Explain == ExplainSalience {
			ms[i].Weights, ms[i].Map = grid, align.MapSalience
		} else {
			ms[i].Salience = grid
		}
	}
	return nil
}

// singleModel reports an ensemble, whose members' gradients would need
// combining: salience and the deletion test explain one network.
func (a *Aligner) singleModel() error {
	if n := len(a.Model.Members); n > 1 {
		return fmt.Errorf("salience explains one model, not an ensemble of %d: give one -m", n)
	}
	return nil
}

// The options of Model.Salience, for callers that only import translate.
type SalienceOptions = seq2seq.SalienceOptions
