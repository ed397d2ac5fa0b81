package train

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"
)

func TestEpochSample(t *testing.T) {
	sets := []DataSet{
		{Name: "once", TrainLo: 0, TrainHi: 10, Weight: 1},
		{Name: "half", TrainLo: 10, TrainHi: 30, Weight: 0.5},
		{Name: "twice", TrainLo: 30, TrainHi: 34, Weight: 2},
		{Name: "never", TrainLo: 34, TrainHi: 40, Weight: 0},
		{Name: "one and a half", TrainLo: 40, TrainHi: 44, Weight: 1.5},
	}
	count := func(pos []int, lo, hi int) (n int, distinct int) {
		seen := map[int]bool{}
		for _, p := range pos {
			if p >= lo && p < hi {
				n++
				seen[p] = true
			}
		}
		return n, len(seen)
	}
	e0, e1 := epochSample(sets, 7, 0), epochSample(sets, 7, 1)
	for _, tt := range []struct {
		set             DataSet
		n, distinctHalf int
	}{{sets[0], 10, 10}, {sets[1], 10, 10}, {sets[2], 8, 4}, {sets[3], 0, 0}, {sets[4], 6, 4}} {
		n, d := count(e0, tt.set.TrainLo, tt.set.TrainHi)
		if n != tt.n || d != tt.distinctHalf {
			t.Errorf("set %q: %d draws of %d distinct pairs, want %d of %d", tt.set.Name, n, d, tt.n, tt.distinctHalf)
		}
	}
	if !slices.Equal(e0, epochSample(sets, 7, 0)) {
		t.Error("the sample of an epoch is not deterministic")
	}
	half := func(pos []int) []int {
		var out []int
		for _, p := range pos {
			if p >= 10 && p < 30 {
				out = append(out, p)
			}
		}
		slices.Sort(out)
		return out
	}
	if slices.Equal(half(e0), half(e1)) {
		t.Error("epochs 0 and 1 draw the same half of the down-weighted corpus")
	}
	if slices.Equal(half(e0), half(epochSample(sets, 8, 0))) {
		t.Error("seeds 7 and 8 draw the same half")
	}
	if mixed([]DataSet{{Weight: 1}, {Weight: 1}}) || !mixed(sets) {
		t.Error("mixed: weights of 1 draw every pair once, others are mixed")
	}
}

// twoCorpora is testData cut into two corpora: the first 48 training and
// 12 validation examples, and the rest.
func twoCorpora() *Data {
	d := testData()
	d.Sets = []DataSet{
		{Name: "big", TrainLo: 0, TrainHi: 48, ValidLo: 0, ValidHi: 12, Weight: 1, ValidWeight: 3},
		{Name: "small", TrainLo: 48, TrainHi: 64, ValidLo: 12, ValidHi: 16, Weight: 0.5, ValidWeight: 1},
	}
	return d
}

func TestMultiCorpusValidation(t *testing.T) {
	cfg := testConfig(t.TempDir())
	// BLEU is the number of sentences scored: 12 and 4, weighted 3:1.
	hooks := Hooks{
		Translate:  func(_ context.Context, src [][]int) ([][]int, error) { return src, nil },
		Detokenize: func(ids []int) string { return fmt.Sprint(ids) },
		BLEU:       func(hyps, refs []string) (float64, error) { return float64(len(hyps)), nil },
	}
	m := newBigram(vocab, 1)
	tr := newTrainerData(t, cfg, m, twoCorpora(), hooks)
	res, err := tr.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	v := res.State.Last
	if v == nil || len(v.Sets) != 2 || v.Sets[0].Name != "big" || v.Sets[1].Name != "small" {
		t.Fatalf("last validation %+v, want the sets big and small", v)
	}
	if v.Sets[0].BLEU != 12 || v.Sets[1].BLEU != 4 || v.BLEU != 10 || v.Score != 10 {
		t.Errorf("BLEU %g and %g, mean %g, score %g; want 12, 4 and the 3:1 mean 10", v.Sets[0].BLEU, v.Sets[1].BLEU, v.BLEU, v.Score)
	}
	wantNLL := (3*v.Sets[0].NLL + v.Sets[1].NLL) / 4
	if math.Abs(v.NLL-wantNLL) > 1e-12 || math.Abs(v.Perplexity-math.Exp(wantNLL)) > 1e-9 {
		t.Errorf("NLL %g, perplexity %g; want the weighted mean %g and its exponential", v.NLL, v.Perplexity, wantNLL)
	}
	// An epoch draws the 48 pairs of big and 8 of small.
	plan, err := tr.plan(0)
	if err != nil {
		t.Fatal(err)
	}
	var big, small int
	for _, b := range plan {
		for _, p := range b {
			if p < 48 {
				big++
			} else {
				small++
			}
		}
	}
	if big != 48 || small != 8 {
		t.Errorf("epoch 0 trains on %d pairs of big and %d of small, want 48 and 8", big, small)
	}
}

// TestMultiCorpusResume checks that a run over weighted corpora, stopped
// and resumed across epochs, ends exactly as a straight one.
func TestMultiCorpusResume(t *testing.T) {
	cfg := testConfig(t.TempDir())
	cfg.Schedule.MaxSteps, cfg.Schedule.ValidEvery = 50, 7
	straight := newBigram(vocab, 1)
	tr := newTrainerData(t, cfg, straight, twoCorpora(), Hooks{})
	want, err := tr.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want.State.Epoch < 2 {
		t.Fatalf("the run covers %d epochs: the test needs several", want.State.Epoch+1)
	}
	dir := t.TempDir()
	cfg.Checkpoint.Dir = dir
	half := cfg
	half.Schedule.MaxSteps = 23
	if _, err := newTrainerData(t, half, newBigram(vocab, 1), twoCorpora(), Hooks{}).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	second := newBigram(vocab, 99)
	tr2 := newTrainerData(t, cfg, second, twoCorpora(), Hooks{})
	ck, _, err := LatestCheckpoint(dir, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	if err := tr2.Restore(ck); err != nil {
		t.Fatal(err)
	}
	got, err := tr2.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	sameModel(t, straight, second)
	if fmt.Sprint(stateSummary(want.State)) != fmt.Sprint(stateSummary(got.State)) {
		t.Errorf("state\n got %+v\nwant %+v", stateSummary(got.State), stateSummary(want.State))
	}
}
