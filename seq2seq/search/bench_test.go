package search_test

import (
	"context"
	"testing"

	"github.com/attnmt/nmt/seq2seq/search"
	"github.com/attnmt/nmt/seq2seq/search/searchtest"
)

// benchmarkSearch decodes 64 sentences with a fake decoder of the reference
// model's vocabulary size (8000), whose Step only copies a stored
// distribution: the time is that of the search itself.
func benchmarkSearch(b *testing.B, beam int) {
	dec := searchtest.NewRandom(8000, 16, 3, 1)
	src := randomSource(64, 8000, 15, 2)
	opt := search.DefaultOptions()
	opt.Beam = beam
	b.ReportAllocs()
	steps := 0
	for b.Loop() {
		res, err := search.Search(context.Background(), dec, src, opt)
		if err != nil {
			b.Fatal(err)
		}
		for _, h := range res {
			steps += len(h[0].Tokens) + 1
		}
	}
	b.ReportMetric(float64(64*b.N)/b.Elapsed().Seconds(), "sentences/s")
	b.ReportMetric(float64(steps)/float64(64*b.N), "tokens/sentence")
}

func BenchmarkGreedy(b *testing.B) { benchmarkSearch(b, 1) }
func BenchmarkBeam5(b *testing.B)  { benchmarkSearch(b, 5) }
