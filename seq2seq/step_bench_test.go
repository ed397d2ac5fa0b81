package seq2seq_test

import (
	"context"
	"testing"

	"github.com/attnmt/nmt/seq2seq"
	"github.com/attnmt/nmt/seq2seq/train"
)

// BenchmarkTrainStepReference times one full training step of the model
// of ../shared/bench/torch_ref.py on a batch like its: zero the
// gradients, forward, backward, clip the global gradient norm to 1 and
// update with Adam at 1e-3. Compare with
//
//	/usr/bin/python3 ../shared/bench/torch_ref.py 2 train
//
// alternating the two programs (docs/benchmarks.md has the loop).
func BenchmarkTrainStepReference(b *testing.B) {
	benchmarkTrainStep(b, seq2seq.ReferenceConfig())
}

// BenchmarkTrainStepByKind times the same step with each attention kind
// (additive scores for all three), for the training-speed column of the
// comparison in docs/attention-kinds.md.
func BenchmarkTrainStepByKind(b *testing.B) {
	for _, kind := range []string{seq2seq.AttentionAdditive, seq2seq.AttentionHard, seq2seq.AttentionLocal} {
		b.Run(kind, func(b *testing.B) {
			cfg := seq2seq.ReferenceConfig()
			if kind != seq2seq.AttentionAdditive {
				cfg.Attention, cfg.AttentionScore = kind, seq2seq.AttentionAdditive
			}
			benchmarkTrainStep(b, cfg)
		})
	}
}

func benchmarkTrainStep(b *testing.B, cfg seq2seq.Config) {
	m, err := seq2seq.New(cfg, 1)
	if err != nil {
		b.Fatal(err)
	}
	src, tgt := seq2seq.ReferenceBatch(1)
	opt := train.NewAdam(m.Params(), train.DefaultConfig().Optimizer)
	ctx := context.Background()
	step := func() int {
		seq2seq.ZeroGrads(m.Params())
		l, err := m.TrainBatch(ctx, src, tgt, nil)
		if err != nil {
			b.Fatal(err)
		}
		train.ClipGradNorm(m.Params(), 1, 1)
		if err := opt.Step(m.Params()); err != nil {
			b.Fatal(err)
		}
		return l.Tokens
	}
	step() // the first step sizes the scratch buffers, as torch_ref.py warms up
	tokens := 0
	b.ReportAllocs()
	for b.Loop() {
		tokens += step()
	}
	b.ReportMetric(float64(tokens)/b.Elapsed().Seconds(), "tok/s")
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/step")
}
