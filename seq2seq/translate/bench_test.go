package translate_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/attnmt/nmt/seq2seq"
	"github.com/attnmt/nmt/seq2seq/search"
	"github.com/attnmt/nmt/seq2seq/translate"
)

// benchmarkSearch decodes reference batches of n sentences with the
// model of ../shared/bench/torch_ref.py (random weights) for 20 steps, the
// fixed work of its decode and beam benchmarks:
//
//	/usr/bin/python3 ../shared/bench/torch_ref.py 2 decode
//	/usr/bin/python3 ../shared/bench/torch_ref.py 2 beam
//
// Search normally stops at </s>; an untrained model over 8000 words
// rarely produces it, and the length cap is set so that a hypothesis that
// never ends takes exactly 20 steps.
func benchmarkSearch(b *testing.B, beam, n int, c translate.Compute) {
	m, err := seq2seq.New(seq2seq.DefaultConfig(), 1)
	if err != nil {
		b.Fatal(err)
	}
	src := referenceBatch(n)
	dec, err := translate.NewSearchDecoder(m, c)
	if err != nil {
		b.Fatal(err)
	}
	opt := search.DefaultOptions()
	opt.Beam, opt.NBest, opt.Norm = beam, 1, search.NormNone
	opt.MaxLenRatio, opt.MaxLenConst = 0, 19 // 19 tokens + </s>: 20 steps
	opt.BatchSize, opt.NoAttention = n, true
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := search.Search(ctx, dec, src, opt); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "sent/s")
}

func BenchmarkSearchReference(b *testing.B) {
	for _, c := range []translate.Compute{translate.ComputeFloat32, translate.ComputeInt8} {
		for _, beam := range []int{1, 5} {
			for _, n := range []int{64, 1} {
				b.Run(fmt.Sprintf("%s/beam=%d/batch=%d", c, beam, n), func(b *testing.B) { benchmarkSearch(b, beam, n, c) })
			}
		}
	}
}

// referenceBatch draws n sentences like torch_ref.py's: random ids, 10 to
// 15 tokens with </s>.
func referenceBatch(n int) [][]int {
	var src [][]int
	r := rand.New(rand.NewPCG(2, 1))
	for range n {
		s := make([]int, 9+r.IntN(6))
		for i := range s {
			s[i] = 4 + r.IntN(8000-4)
		}
		src = append(src, s)
	}
	return src
}
