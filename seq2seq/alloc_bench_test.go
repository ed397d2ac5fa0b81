package seq2seq

import (
	"context"
	"testing"
)

// BenchmarkTrainDirectTiny and BenchmarkDecodeStepsTiny count the
// allocations of a soft additive tiny model's training step (direct path)
// and of Begin with six decoder Steps, for comparing revisions: copy this
// file into an older one (allocation counts do not depend on machine
// load; docs/attention-kinds.md).
func BenchmarkTrainDirectTiny(b *testing.B) {
	m, err := New(tinyConfig(), 1)
	if err != nil {
		b.Fatal(err)
	}
	bt, err := newBatch(m.cfg, tinySrc, tinyTgt)
	if err != nil {
		b.Fatal(err)
	}
	m.trainDirect(bt, nil)
	b.ReportAllocs()
	for b.Loop() {
		m.trainDirect(bt, nil)
	}
}

func BenchmarkDecodeStepsTiny(b *testing.B) {
	m, err := New(tinyConfig(), 1)
	if err != nil {
		b.Fatal(err)
	}
	d := m.NewDecoder()
	ctx := context.Background()
	R, S, V := len(tinySrc), 5, m.cfg.TgtVocab
	logp, attn := make([]float32, R*V), make([]float32, R*S)
	prev := []int{BOSID, BOSID, BOSID}
	b.ReportAllocs()
	for b.Loop() {
		st, err := d.Begin(ctx, tinySrc)
		if err != nil {
			b.Fatal(err)
		}
		for range 6 {
			if err := d.Step(st, prev, logp, attn); err != nil {
				b.Fatal(err)
			}
		}
	}
}
