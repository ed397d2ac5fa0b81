package train

import (
	"context"
	"slices"
	"testing"

	"github.com/attnmt/nmt/seq2seq"
)

// TestRealModel trains the real seq2seq model for a few steps, resumes it,
// and loads the checkpoint back with seq2seq.LoadFile: a checkpoint is a
// model file, and loading it gives identical outputs.
func TestRealModel(t *testing.T) {
	cfg := testConfig(t.TempDir())
	cfg.Model = seq2seq.Config{SrcVocab: vocab, TgtVocab: vocab, Embed: 8, EncoderHidden: 8, EncoderLayers: 1, DecoderHidden: 8,
		Attention: seq2seq.AttentionAdditive, AttentionDim: 8, Output: 8, Dropout: 0.1, LabelSmoothing: 0.1}
	cfg.Schedule.MaxSteps, cfg.Schedule.ValidEvery = 6, 3
	newModel := func(seed uint64) *seq2seq.Model {
		m, err := seq2seq.New(cfg.Model, seed)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	straight := newModel(1)
	if _, err := newTrainer(t, cfg, straight, Hooks{}).Run(context.Background()); err != nil {
		t.Fatal(err)
	}

	half := cfg
	half.Schedule.MaxSteps = 3
	if _, err := newTrainer(t, half, newModel(1), Hooks{}).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	resumed := newModel(2)
	tr := newTrainer(t, cfg, resumed, Hooks{})
	ck, _, err := LatestCheckpoint(cfg.Checkpoint.Dir, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Restore(ck); err != nil {
		t.Fatal(err)
	}
	res, err := tr.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range straight.Params() {
		if !slices.Equal(p.Value, resumed.Params()[i].Value) {
			t.Fatalf("parameter %s differs between the straight and the resumed run", p.Name)
		}
	}

	f, err := seq2seq.LoadFile(res.Checkpoint)
	if err != nil {
		t.Fatal(err)
	}
	d := testData()
	src, tgt := rows(d.Valid, []int{0, 1, 2, 3, 4})
	a, err := straight.EvalBatch(context.Background(), src, tgt)
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.Model.EvalBatch(context.Background(), src, tgt)
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Errorf("loaded model scores %+v, trained model %+v", b, a)
	}
	if len(f.Extra) != 2*len(straight.Params()) {
		t.Errorf("model file sees %d extra tensors, want the %d optimizer moments", len(f.Extra), 2*len(straight.Params()))
	}
}
