package train

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"path/filepath"
	"slices"

	"github.com/attnmt/nmt/corpus"
)

// validSet is the validation work of one corpus: batches of positions in
// the validation examples, for the perplexity and for BLEU.
type validSet struct {
	name    string
	weight  float64
	batches [][]int // all of the set's examples
	bleu    [][]int // the first BLEUSentences of them
}

// newValidSets plans the validation batches of every corpus of d.
func newValidSets(d *Data, opts corpus.BatchOptions, bleu bool, bleuSentences int) ([]validSet, error) {
	opts.Sorted = true
	plan := func(lo, hi int) ([][]int, error) {
		if hi <= lo {
			return nil, nil
		}
		b, err := corpus.NewBatcher(d.Valid[lo:hi], opts)
		if err != nil {
			return nil, err
		}
		p := b.Plan(0)
		for _, batch := range p {
			for i := range batch {
				batch[i] += lo
			}
		}
		return p, nil
	}
	var out []validSet
	for _, s := range d.sets() {
		v := validSet{name: s.Name, weight: s.ValidWeight}
		var err error
		if v.batches, err = plan(s.ValidLo, s.ValidHi); err != nil {
			return nil, err
		}
		if bleu {
			hi := s.ValidHi
			if bleuSentences > 0 {
				hi = min(hi, s.ValidLo+bleuSentences)
			}
			if v.bleu, err = plan(s.ValidLo, hi); err != nil {
				return nil, err
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// SetValidation is the validation of one corpus of a multi-corpus run.
type SetValidation struct {
	Name       string  `json:"name"`
	NLL        float64 `json:"nll"`
	Perplexity float64 `json:"perplexity"`
	BLEU       float64 `json:"bleu"` // -1 when not computed
}

// validate scores the model on the validation set and keeps the best
// model. With schedule set it updates the best score, the learning rate
// and the early-stopping counters and reports whether patience ran out;
// without it (the last validation of a run) the schedule is left alone, so
// that a resumed run goes on as if uninterrupted.
func (t *Trainer) validate(ctx context.Context, rep reporter, schedule bool) (bool, error) {
	v, err := t.evaluate(ctx)
	if err != nil {
		return false, err
	}
	st := &t.st
	st.LastValid, st.Last = st.Step, &v
	improved := st.BestStep == 0 || v.Score > st.BestScore
	attrs := []any{"step", st.Step, "epoch", st.Epoch + 1, "nll", round(v.NLL), "ppl", round(v.Perplexity)}
	if v.BLEU >= 0 {
		attrs = append(attrs, "bleu", round(v.BLEU))
	}
	for _, s := range v.Sets {
		attrs = append(attrs, "ppl_"+s.Name, round(s.Perplexity))
		if s.BLEU >= 0 {
			attrs = append(attrs, "bleu_"+s.Name, round(s.BLEU))
		}
	}
	attrs = append(attrs, "lr", st.LR, "improved", improved)
	rep.log("validation", attrs...)
	if schedule && improved {
		st.BestScore, st.BestStep = v.Score, st.Step
		st.BadValidations, st.LRBad = 0, 0
	}
	if t.cfg.Checkpoint.KeepBest && (st.BestFileStep == 0 || v.Score > st.BestFileScore) {
		st.BestFileScore, st.BestFileStep = v.Score, st.Step
		if _, err := t.saveAs(filepath.Join(t.cfg.Checkpoint.Dir, BestName)); err != nil {
			return false, err
		}
	}
	if !schedule || improved {
		return false, nil
	}
	s := t.cfg.Schedule
	st.BadValidations++
	st.LRBad++
	if s.LRPatience > 0 && st.LRBad >= s.LRPatience && st.LR > s.MinLR {
		st.LR = max(st.LR*s.LRDecay, s.MinLR)
		st.LRBad = 0
		rep.log("learning rate cut", "step", st.Step, "lr", st.LR)
	}
	return s.Patience > 0 && st.BadValidations >= s.Patience, nil
}

func round(x float64) float64 { return math.Round(x*1000) / 1000 }

// evaluate computes the validation perplexity and, with the BLEU hooks,
// the BLEU score of every corpus. With one corpus those are the
// validation's; with several, the validation's NLL and BLEU are the means
// of the corpora's weighted by their valid_weight, and its perplexity the
// exponential of that NLL.
func (t *Trainer) evaluate(ctx context.Context) (Validation, error) {
	v := Validation{Step: t.st.Step, BLEU: -1}
	var nll, bleu, weights float64
	for _, set := range t.validSets {
		s, err := t.evaluateSet(ctx, set)
		if err != nil {
			return Validation{}, err
		}
		if len(t.validSets) == 1 {
			v.NLL, v.BLEU = s.NLL, s.BLEU
			break
		}
		v.Sets = append(v.Sets, s)
		nll += set.weight * s.NLL
		bleu += set.weight * s.BLEU
		weights += set.weight
	}
	if len(t.validSets) > 1 {
		v.NLL = nll / weights
		if t.hooks.bleu() {
			v.BLEU = bleu / weights
		}
	}
	if !finite(v.NLL) {
		// A diverged model: the worst score, still valid JSON (which has
		// no NaN or infinities), so that checkpoints can be saved.
		v.NLL = math.MaxFloat64
	}
	v.Perplexity = min(math.Exp(v.NLL), math.MaxFloat64)
	v.Score = -v.Perplexity
	if v.BLEU >= 0 {
		v.Score = v.BLEU
	}
	return v, nil
}

// evaluateSet computes the perplexity and, with the BLEU hooks, the BLEU
// score of one corpus's validation examples.
func (t *Trainer) evaluateSet(ctx context.Context, set validSet) (SetValidation, error) {
	where := "validate"
	if set.name != "" {
		where = "validate " + set.name
	}
	var nll float64
	var tokens int
	for _, pos := range set.batches {
		src, tgt := rows(t.data.Valid, pos)
		l, err := t.model.EvalBatch(ctx, src, tgt)
		if err != nil {
			return SetValidation{}, fmt.Errorf("%s: %w", where, err)
		}
		nll += l.NLL
		tokens += l.Tokens
	}
	s := SetValidation{Name: set.name, BLEU: -1}
	if tokens > 0 {
		s.NLL = nll / float64(tokens)
	}
	if !finite(s.NLL) {
		s.NLL = math.MaxFloat64
	}
	s.Perplexity = min(math.Exp(s.NLL), math.MaxFloat64)
	if !t.hooks.bleu() {
		return s, nil
	}
	type hyp struct {
		index int
		text  string
	}
	var hyps []hyp
	for _, pos := range set.bleu {
		src, _ := rows(t.data.Valid, pos)
		out, err := t.hooks.Translate(ctx, src)
		if err != nil {
			return SetValidation{}, fmt.Errorf("%s: translate: %w", where, err)
		}
		if len(out) != len(src) {
			return SetValidation{}, fmt.Errorf("%s: translate returned %d outputs for %d sentences", where, len(out), len(src))
		}
		for i, p := range pos {
			hyps = append(hyps, hyp{p, t.hooks.Detokenize(out[i])})
		}
	}
	slices.SortFunc(hyps, func(a, b hyp) int { return cmp.Compare(a.index, b.index) })
	hs, refs := make([]string, len(hyps)), make([]string, len(hyps))
	for i, h := range hyps {
		hs[i], refs[i] = h.text, t.data.ValidRefs[h.index]
	}
	bleu, err := t.hooks.BLEU(hs, refs)
	if err != nil {
		return SetValidation{}, fmt.Errorf("%s: bleu: %w", where, err)
	}
	if !finite(bleu) {
		t.log().Warn("validation BLEU is not finite; counting it as 0", "step", t.st.Step, "set", set.name, "bleu", bleu)
		bleu = 0
	}
	s.BLEU = bleu
	return s, nil
}
