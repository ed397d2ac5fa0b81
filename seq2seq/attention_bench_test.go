package seq2seq

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkDecodeStepByLength times one incremental decoder step of the
// reference model for 8 sentences of 10, 50 and 200 source tokens, with
// soft additive and with local attention (which scores only its window):
//
//	go test ./seq2seq/ -run '^$' -bench DecodeStepByLength -benchtime 20x
func BenchmarkDecodeStepByLength(b *testing.B) {
	const n = 8
	for _, S := range []int{10, 50, 200} {
		for _, kind := range []string{AttentionAdditive, AttentionLocal, AttentionHard} {
			b.Run(fmt.Sprintf("%s/S=%d", kind, S), func(b *testing.B) {
				cfg := referenceConfig()
				cfg.Attention = kind
				m, err := New(cfg, 1)
				if err != nil {
					b.Fatal(err)
				}
				r := rand.New(rand.NewPCG(uint64(S), 3))
				src := make([][]int, n)
				for i := range src {
					for range S - 1 { // </s> makes S
						src[i] = append(src[i], 4+r.IntN(cfg.SrcVocab-4))
					}
				}
				d := m.NewDecoder()
				st, err := d.Begin(context.Background(), src)
				if err != nil {
					b.Fatal(err)
				}
				prev := make([]int, n)
				for i := range prev {
					prev[i] = BOSID
				}
				logp, attn := make([]float32, n*d.VocabSize()), make([]float32, n*st.SrcLen())
				b.ReportAllocs()
				for b.Loop() {
					if err := d.Step(st, prev, logp, attn); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/step")
			})
		}
	}
}
