package seq2seq_test

import (
	"context"
	"math/rand/v2"
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

// BenchmarkTrainStepGeneral times the same step on the shape of the
// project's general-domain training run (/work/runs/gen-deen.yaml):
// vocabulary 10,000, input feeding, dropout 0.2, label smoothing 0.1 and
// a batch of about 4,096 target tokens.
func BenchmarkTrainStepGeneral(b *testing.B) {
	cfg := seq2seq.ReferenceConfig()
	cfg.SrcVocab, cfg.TgtVocab = 10000, 10000
	cfg.InputFeeding = true
	cfg.Dropout, cfg.LabelSmoothing = 0.2, 0.1
	src, tgt := generalBatch(1, cfg.TgtVocab, 4096)
	benchmarkTrainStepOn(b, cfg, src, tgt, rand.New(rand.NewPCG(1, 2)))
}

// generalBatch draws sentence pairs of 20 to 31 tokens until the targets
// hold about tokens tokens, like a length-bucketed batch of the run.
func generalBatch(seed uint64, vocab, tokens int) (src, tgt [][]int) {
	r := rand.New(rand.NewPCG(seed, 1))
	sentence := func(n int) []int {
		s := make([]int, n)
		for i := range s {
			s[i] = 4 + r.IntN(vocab-4)
		}
		return s
	}
	for total := 0; total < tokens; {
		n := 20 + r.IntN(12)
		src = append(src, sentence(n+r.IntN(3)))
		tgt = append(tgt, sentence(n))
		total += n + 1 // </s>
	}
	return src, tgt
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
	src, tgt := seq2seq.ReferenceBatch(1)
	benchmarkTrainStepOn(b, cfg, src, tgt, nil)
}

// benchmarkTrainStepOn times training steps of a model of cfg on one
// batch, with dropout driven by r (nil: none). Besides wall-clock time it
// reports the processor time of the whole process per step (cpu-ms/step,
// both cores together), which other processes' load disturbs less.
func benchmarkTrainStepOn(b *testing.B, cfg seq2seq.Config, src, tgt [][]int, r *rand.Rand) {
	m, err := seq2seq.New(cfg, 1)
	if err != nil {
		b.Fatal(err)
	}
	opt := train.NewAdam(m.Params(), train.DefaultConfig().Optimizer)
	ctx := context.Background()
	step := func() int {
		seq2seq.ZeroGrads(m.Params())
		l, err := m.TrainBatch(ctx, src, tgt, r)
		if err != nil {
			b.Fatal(err)
		}
		_, clip := train.ClipFactor(m.Params(), 1, 1) // clipped as the update reads the gradients
		if err := opt.StepScaled(m.Params(), clip); err != nil {
			b.Fatal(err)
		}
		return l.Tokens
	}
	// Three untimed steps, as torch_ref.py's bench(step, 3, 15): the first
	// grows the scratch arena piece by piece, the second makes it one
	// array of the size a step needs (140 MB for the reference batch,
	// whose page faults and collection would otherwise land in a timed
	// step).
	for range 3 {
		step()
	}
	tokens := 0
	b.ReportAllocs()
	startCPU := seq2seq.CPUTime()
	for b.Loop() {
		tokens += step()
	}
	b.ReportMetric(float64((seq2seq.CPUTime()-startCPU).Microseconds())/1e3/float64(b.N), "cpu-ms/step")
	b.ReportMetric(float64(tokens)/b.Elapsed().Seconds(), "tok/s")
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/step")
}
