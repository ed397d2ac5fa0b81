package seq2seq

import (
	"context"
	"testing"
)

// benchmarkExplain times fn on 32 sentences of a reference batch with the
// reference model (with input feeding, as the built-in models have it)
// and reports target tokens per second.
func benchmarkExplain(b *testing.B, fn func(m *Model, src, tgt [][]int) error) {
	cfg := referenceConfig()
	cfg.InputFeeding = true
	m, err := New(cfg, 1)
	if err != nil {
		b.Fatal(err)
	}
	src, tgt := referenceBatch(1)
	src, tgt = src[:32], tgt[:32]
	tokens := 0
	for _, y := range tgt {
		tokens += len(y) + 1
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := fn(m, src, tgt); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(tokens*b.N)/b.Elapsed().Seconds(), "tok/s")
}

// BenchmarkForceReference is forced alignment of the batch, the cost
// salience is measured against.
func BenchmarkForceReference(b *testing.B) {
	benchmarkExplain(b, func(m *Model, src, tgt [][]int) error {
		_, err := m.NewDecoder().Force(context.Background(), src, tgt)
		return err
	})
}

// BenchmarkSalienceReference is the salience of every target token of
// the batch (one backward pass per token, batched).
func BenchmarkSalienceReference(b *testing.B) {
	benchmarkExplain(b, func(m *Model, src, tgt [][]int) error {
		_, err := m.Salience(context.Background(), src, tgt, SalienceOptions{})
		return err
	})
}
