package train

import (
	"math"

	"github.com/attnmt/nmt/corpus"
)

// mixed reports whether the training examples of sets are drawn by
// weights rather than each once per epoch.
func mixed(sets []DataSet) bool {
	for _, s := range sets {
		if s.Weight != 1 {
			return true
		}
	}
	return false
}

// epochSample returns the positions in the training examples that epoch
// draws from sets: every example of a set of weight w floor(w) times, and
// round(frac(w) * n) more of its n examples chosen by a permutation seeded
// by (seed, set, epoch), so that every epoch sees another part of a
// down-weighted corpus and a resumed run draws the same ones.
func epochSample(sets []DataSet, seed uint64, epoch int) []int {
	var out []int
	for k, s := range sets {
		n := s.TrainHi - s.TrainLo
		whole, frac := math.Modf(s.Weight)
		for range int(whole) {
			for i := s.TrainLo; i < s.TrainHi; i++ {
				out = append(out, i)
			}
		}
		if extra := int(math.Round(frac * float64(n))); extra > 0 {
			rng := corpus.NewRand(seed^0x6d6978 /* "mix" */ +uint64(k), uint64(epoch))
			for _, j := range rng.Perm(n)[:extra] {
				out = append(out, s.TrainLo+j)
			}
		}
	}
	return out
}

// plan returns the batches of epoch, as positions in the training
// examples: the batcher's plan of all examples, or, when the corpora are
// weighted, the plan of the epoch's sample.
func (t *Trainer) plan(epoch int) ([][]int, error) {
	if t.planEpoch == epoch && t.epochPlan != nil {
		return t.epochPlan, nil
	}
	sets := t.data.sets()
	if !mixed(sets) {
		t.planEpoch, t.epochPlan = epoch, t.batcher.Plan(epoch)
		return t.epochPlan, nil
	}
	pos := epochSample(sets, t.cfg.Schedule.Seed, epoch)
	ex := make([]corpus.Example, len(pos))
	for i, p := range pos {
		ex[i] = t.data.Train[p]
	}
	b, err := corpus.NewBatcher(ex, t.batchOptions)
	if err != nil {
		return nil, err
	}
	plan := b.Plan(epoch)
	for _, batch := range plan {
		for i, j := range batch {
			batch[i] = pos[j]
		}
	}
	t.planEpoch, t.epochPlan = epoch, plan
	return plan, nil
}
