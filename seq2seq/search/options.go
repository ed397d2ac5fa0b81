package search

import (
	"errors"
	"fmt"
	"math"
)

// Normalization says how a hypothesis's LogProb is normalised for length
// into its Score. n is the number of scored tokens, </s> included.
type Normalization int

// The length normalisations.
const (
	// NormNone ranks by LogProb itself, which favours short outputs.
	NormNone Normalization = iota
	// NormGNMT divides LogProb by GNMT's length penalty
	// ((5+n)/6)^Alpha (Wu et al., 2016); Alpha 0 is NormNone.
	NormGNMT
	// NormAverage divides LogProb by n: the average log-probability per token.
	NormAverage
)

// String returns "none", "gnmt" or "average".
func (n Normalization) String() string {
	switch n {
	case NormNone:
		return "none"
	case NormGNMT:
		return "gnmt"
	case NormAverage:
		return "average"
	}
	return fmt.Sprintf("Normalization(%d)", int(n))
}

// ParseNormalization returns the normalisation named "none", "gnmt" or "average".
func ParseNormalization(s string) (Normalization, error) {
	for _, n := range []Normalization{NormNone, NormGNMT, NormAverage} {
		if n.String() == s {
			return n, nil
		}
	}
	return 0, fmt.Errorf("unknown length normalisation %q (want none, gnmt or average)", s)
}

// MaxBeam is the largest beam Options.Validate accepts. Wider beams do
// not translate better (BLEU usually falls past 10) and cost memory and
// time in proportion: a step of beam 100,000 took tens of seconds, so a
// canceled run could not stop.
const MaxBeam = 64

// MaxRows bounds the rows (sentences times beam) decoded in one step: a
// batch of wide beams is searched in smaller batches, so that one step
// takes a fraction of a second and a canceled search stops within one
// (the context is checked before every step).
const MaxRows = 512

// Options configure a search. Start from DefaultOptions.
type Options struct {
	// Beam is the number of live hypotheses kept per sentence, 1 to
	// MaxBeam; 1 is greedy search.
	Beam int
	// NBest is the number of hypotheses returned per sentence, 1 to Beam.
	NBest int
	// Norm and Alpha set the length normalisation of scores.
	Norm  Normalization
	Alpha float64
	// A sentence of m source tokens gets at most
	// floor(MaxLenRatio*m) + MaxLenConst output tokens before </s>.
	MaxLenRatio float64
	MaxLenConst int
	// BatchSize is the number of sentences decoded together (fewer when
	// BatchSize*Beam is above MaxRows, or BatchTokens would be passed).
	BatchSize int
	// BatchTokens bounds the padded source tokens of a batch: its
	// sentences times the longest one's length (</s> included). A batch
	// of long sentences holds fewer of them, so that the decoder's
	// scratch, which grows with the padded tokens, has the same bound
	// whatever the input; a single sentence longer than the bound is
	// decoded alone. 0 means no bound.
	BatchTokens int
	// NoAttention leaves Hypothesis.Attn nil, saving memory and copies.
	NoAttention bool
}

// DefaultBatchTokens is the default bound on a batch's padded source
// tokens: 64 sentences of up to 31 tokens, fewer of longer ones.
const DefaultBatchTokens = 2048

// DefaultOptions returns beam 5, 1-best, GNMT normalisation with alpha 0.6,
// at most 2m+10 output tokens for m source tokens, and batches of 64
// sentences and at most DefaultBatchTokens padded tokens.
func DefaultOptions() Options {
	return Options{Beam: 5, NBest: 1, Norm: NormGNMT, Alpha: 0.6, MaxLenRatio: 2, MaxLenConst: 10,
		BatchSize: 64, BatchTokens: DefaultBatchTokens}
}

// Validate reports every invalid setting of o.
func (o Options) Validate() error {
	var errs []error
	if o.Beam < 1 || o.Beam > MaxBeam {
		errs = append(errs, fmt.Errorf("beam must be between 1 and %d, got %d", MaxBeam, o.Beam))
	}
	if o.NBest < 1 || o.NBest > max(o.Beam, 1) {
		errs = append(errs, fmt.Errorf("n-best must be between 1 and the beam size %d, got %d", o.Beam, o.NBest))
	}
	if o.Norm < NormNone || o.Norm > NormAverage {
		errs = append(errs, fmt.Errorf("unknown length normalisation %d", int(o.Norm)))
	}
	if o.Alpha < 0 || math.IsNaN(o.Alpha) || math.IsInf(o.Alpha, 0) {
		errs = append(errs, fmt.Errorf("alpha must be a finite number >= 0, got %g", o.Alpha))
	}
	if o.MaxLenRatio < 0 || math.IsNaN(o.MaxLenRatio) || math.IsInf(o.MaxLenRatio, 0) {
		errs = append(errs, fmt.Errorf("max length ratio must be a finite number >= 0, got %g", o.MaxLenRatio))
	}
	if o.MaxLenConst < 0 {
		errs = append(errs, fmt.Errorf("max length constant must be >= 0, got %d", o.MaxLenConst))
	}
	if o.MaxLenRatio == 0 && o.MaxLenConst == 0 {
		errs = append(errs, errors.New("max length ratio and constant are both 0: no output could be produced"))
	}
	if o.BatchSize < 1 {
		errs = append(errs, fmt.Errorf("batch size must be at least 1, got %d", o.BatchSize))
	}
	if o.BatchTokens < 0 {
		errs = append(errs, fmt.Errorf("batch tokens must be at least 0 (no bound), got %d", o.BatchTokens))
	}
	if len(errs) > 0 {
		return fmt.Errorf("search options: %w", errors.Join(errs...))
	}
	return nil
}

// batchSize returns the number of sentences to decode together: BatchSize,
// or fewer so that a step has at most MaxRows rows.
func (o Options) batchSize() int {
	return max(1, min(o.BatchSize, MaxRows/o.Beam))
}

// BatchLen returns how many of n sentences, taken in order, the next
// batch holds: at most BatchSize (fewer if the rows of a step would pass
// MaxRows), no more than BatchTokens padded tokens, and at least one.
// srcLen(i) is the length of sentence i in tokens, without </s>. Callers
// that sort sentences by length before cutting them get the fullest
// batches.
func (o Options) BatchLen(n int, srcLen func(i int) int) int {
	limit := min(n, o.batchSize())
	longest := 0
	for k := range limit {
		longest = max(longest, srcLen(k)+1)
		if k > 0 && o.BatchTokens > 0 && (k+1)*longest > o.BatchTokens {
			return k
		}
	}
	return limit
}

// maxLen returns the most output tokens before </s> for m source tokens.
func (o Options) maxLen(m int) int {
	return int(math.Floor(o.MaxLenRatio*float64(m))) + o.MaxLenConst
}

// penalty returns the divisor of LogProb for n scored tokens.
func (o Options) penalty(n int) float64 {
	switch o.Norm {
	case NormGNMT:
		if o.Alpha == 0 {
			return 1
		}
		return math.Pow((5+float64(n))/6, o.Alpha)
	case NormAverage:
		return float64(max(n, 1))
	}
	return 1
}

// score returns the ranking score of a hypothesis with the given LogProb
// and n scored tokens.
func (o Options) score(logProb float64, n int) float64 {
	return logProb / o.penalty(n)
}
