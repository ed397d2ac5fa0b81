package seq2seq

import (
	"context"
	"math/rand/v2"
	"testing"
)

// referenceConfig is the model of ../shared/bench/torch_ref.py: vocab
// 8000/8000, embeddings 256, a 2x256 bidirectional encoder, a 512 decoder,
// additive attention 512, output layer 1024 -> 512, no input feeding.
func referenceConfig() Config {
	return Config{
		SrcVocab: 8000, TgtVocab: 8000,
		Embed: 256, EncoderHidden: 256, EncoderLayers: 1, DecoderHidden: 512,
		Attention: AttentionAdditive, AttentionDim: 512, Output: 512,
	}
}

// referenceBatch draws a batch like torch_ref.py's: 64 sentences whose
// source and target lengths, </s> included, are 10 to 15 tokens.
func referenceBatch(seed uint64) (src, tgt [][]int) {
	r := rand.New(rand.NewPCG(seed, 1))
	sentence := func() []int {
		s := make([]int, 9+r.IntN(6))
		for i := range s {
			s[i] = 4 + r.IntN(8000-4)
		}
		return s
	}
	for range 64 {
		src = append(src, sentence())
		tgt = append(tgt, sentence())
	}
	return src, tgt
}

// BenchmarkTrainBatchReference times forward and backward of the
// reference model on a reference batch (the optimizer step is timed in
// package train).
func BenchmarkTrainBatchReference(b *testing.B) {
	m, err := New(referenceConfig(), 1)
	if err != nil {
		b.Fatal(err)
	}
	src, tgt := referenceBatch(1)
	ctx := context.Background()
	b.ReportAllocs()
	tokens := 0
	for b.Loop() {
		ZeroGrads(m.Params())
		l, err := m.TrainBatch(ctx, src, tgt, nil)
		if err != nil {
			b.Fatal(err)
		}
		tokens += l.Tokens
	}
	b.ReportMetric(float64(tokens)/b.Elapsed().Seconds(), "tok/s")
}

// benchmarkGreedy decodes a reference batch of n sentences greedily for
// exactly 20 steps, the fixed work of torch_ref.py's decode benchmark.
func benchmarkGreedy(b *testing.B, n int) {
	m, err := New(referenceConfig(), 1)
	if err != nil {
		b.Fatal(err)
	}
	src, _ := referenceBatch(2)
	src = src[:n]
	d := m.NewDecoder()
	ctx := context.Background()
	V := d.VocabSize()
	b.ReportAllocs()
	for b.Loop() {
		st, err := d.Begin(ctx, src)
		if err != nil {
			b.Fatal(err)
		}
		prev := make([]int, n)
		for i := range prev {
			prev[i] = BOSID
		}
		logp := make([]float32, n*V)
		attn := make([]float32, n*st.SrcLen())
		for range 20 {
			if err := d.Step(st, prev, logp, attn); err != nil {
				b.Fatal(err)
			}
			for r := range n {
				row := logp[r*V : (r+1)*V]
				best := 0
				for j, v := range row {
					if v > row[best] {
						best = j
					}
				}
				prev[r] = best
			}
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "sent/s")
}

func BenchmarkGreedyReference64(b *testing.B) { benchmarkGreedy(b, 64) }
func BenchmarkGreedyReference1(b *testing.B)  { benchmarkGreedy(b, 1) }
