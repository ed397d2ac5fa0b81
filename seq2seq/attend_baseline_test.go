package seq2seq

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

// TestSoftBaselineIsSoftLikelihood: hard attention's "soft" baseline of
// a drawn word is the log-likelihood a soft additive model with the same
// weights gives it. Without input feeding the decoder states do not
// depend on the contexts, so every word is compared; with it, only the
// first word of each sentence has the same state in both models.
func TestSoftBaselineIsSoftLikelihood(t *testing.T) {
	for _, feeding := range []bool{false, true} {
		cfg := tinyConfig()
		cfg.InputFeeding = feeding
		cfg.Attention = AttentionHard
		cfg.Hard = DefaultHardConfig()
		cfg.Hard.Baseline, cfg.Hard.SoftProb = BaselineSoft, 0.3
		hard, err := New(cfg, 5)
		if err != nil {
			t.Fatal(err)
		}
		softCfg := cfg
		softCfg.Attention, softCfg.Hard = AttentionAdditive, HardConfig{}
		soft, err := New(softCfg, 6)
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range soft.Params() {
			copy(p.Value, hard.Params()[i].Value)
		}
		bt, err := newBatch(cfg, tinySrc, tinyTgt)
		if err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(3, 4))
		ru := hard.encode(&arena{}, bt, r, nil, true)
		ru.decode(r)
		lo := ru.scoreTargets(r, false)
		ru.hardAdvantages(lo) // marks padding, computes the baselines
		got, all := ru.softLikelihoods(false), ru.softLikelihoods(true)

		// The soft model's log-likelihoods, from its incremental decoder.
		forced, err := soft.NewDecoder().Force(context.Background(), tinySrc, tinyTgt)
		if err != nil {
			t.Fatal(err)
		}
		B, compared := bt.B, 0
		want := func(row int) float64 { return float64(forced[row%B].TokenLogProbs[row/B]) }
		for row, k := range ru.hard.picks {
			live := row/B < bt.tgtLens[row%B]
			if !live && all[row] != 0 {
				t.Errorf("input feeding %t: padding row %d has baseline %v", feeding, row, all[row])
			}
			if k < 0 && got[row] != 0 {
				t.Errorf("input feeding %t: row %d was not drawn but has baseline %v", feeding, row, got[row])
			}
			if !live || feeding && row >= B {
				continue
			}
			compared++
			if k >= 0 && math.Abs(got[row]-want(row)) > 1e-5 {
				t.Errorf("input feeding %t: row %d: soft baseline %.6f, soft model's log-likelihood %.6f", feeding, row, got[row], want(row))
			}
			if math.Abs(all[row]-want(row)) > 1e-5 {
				t.Errorf("input feeding %t: row %d (every row): soft baseline %.6f, soft model's log-likelihood %.6f", feeding, row, all[row], want(row))
			}
		}
		if compared == 0 {
			t.Fatalf("input feeding %t: no drawn row compared (picks %v)", feeding, ru.hard.picks)
		}
	}
}

// TestSoftBaselineTraining: a training step with the soft baseline
// reports the mean soft log-likelihood of the drawn words as its
// baseline and leaves the moving average alone; with the sentence reward
// the baseline covers the rest of the sentence, so it is lower.
func TestSoftBaselineTraining(t *testing.T) {
	ctx := context.Background()
	baselines := map[string]float64{}
	for _, reward := range []string{RewardWord, RewardSentence} {
		cfg := tinyConfig()
		cfg.Attention = AttentionHard
		cfg.Hard = DefaultHardConfig()
		cfg.Hard.Baseline, cfg.Hard.Reward, cfg.Hard.SoftProb = BaselineSoft, reward, 0
		m, err := New(cfg, 4)
		if err != nil {
			t.Fatal(err)
		}
		l, err := m.TrainBatch(ctx, tinySrc, tinyTgt, rand.New(rand.NewPCG(1, 2)))
		if err != nil {
			t.Fatal(err)
		}
		if l.Draws != 10 || !(l.Baseline < 0) || math.IsInf(l.Baseline, 0) {
			t.Errorf("%s reward: %d draws, baseline %v: want 10 draws and a negative log-likelihood", reward, l.Draws, l.Baseline)
		}
		if m.hard.started {
			t.Errorf("%s reward: the soft baseline moved the moving average", reward)
		}
		baselines[reward] = l.Baseline
	}
	if !(baselines[RewardSentence] < baselines[RewardWord]) {
		t.Errorf("sentence baseline %v, word baseline %v: want the sentence's lower", baselines[RewardSentence], baselines[RewardWord])
	}
}

// TestSoftAttentionChoiceAllocatesNothing: picking soft attention's step
// functions for a batch, forward and backward, allocates nothing beyond
// the arena's scratch (which a warm arena hands out without allocating),
// so that hard and local attention cost soft training nothing.
func TestSoftAttentionChoiceAllocatesNothing(t *testing.T) {
	m, err := New(tinyConfig(), 1)
	if err != nil {
		t.Fatal(err)
	}
	bt, err := newBatch(m.cfg, tinySrc, tinyTgt)
	if err != nil {
		t.Fatal(err)
	}
	ar := &arena{}
	ru := m.encode(ar, bt, nil, nil, true)
	var fwd attendStep
	var back attendBackStep
	allocs := testing.AllocsPerRun(20, func() {
		ar.reset()
		ru.ar = ar
		fwd = ru.attention(nil)
		back = ru.attentionBackward(nil)
	})
	if allocs != 0 {
		t.Errorf("choosing soft attention allocates %v times per batch, want 0", allocs)
	}
	if fwd == nil || back == nil || ru.hard != nil {
		t.Fatal("no step functions chosen")
	}
}
