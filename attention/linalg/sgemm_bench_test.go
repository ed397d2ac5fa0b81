package linalg

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// modelShapes are the products of a training step of the reference model
// (../shared/bench/README.md: batch 64, about 900 target tokens, embeddings
// 256, encoder 2x256, decoder 512, vocabulary 8000) as Gemm is called:
// forward products with the weights transposed, the backward ones for the
// inputs (no transposes) and the weights (A transposed).
var modelShapes = []struct {
	name           string
	transA, transB bool
	m, n, k        int
}{
	{"vocab", false, true, 900, 8000, 512},
	{"vocab-dx", false, false, 900, 512, 8000},
	{"vocab-dW", true, false, 8000, 512, 900},
	{"vocab-greedy", false, true, 64, 8000, 512},
	{"output", false, true, 900, 512, 1024},
	{"output-dW", true, false, 512, 1024, 900},
	{"dec-input-gates", false, true, 960, 2048, 256},
	{"dec-step-gates", false, true, 64, 2048, 512},
	{"dec-step-dh", false, false, 64, 512, 2048},
	{"enc-step-gates", false, true, 64, 1024, 256},
	{"enc-gates-dW", true, false, 1024, 256, 960},
	{"attn-keys", false, true, 960, 512, 512},
}

// BenchmarkGemmShapes reports GFLOP/s of every backend on modelShapes.
func BenchmarkGemmShapes(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	bes := backends(b)
	for _, s := range modelShapes {
		a, w, c := randSlice(r, s.m*s.k), randSlice(r, s.k*s.n), make([]float32, s.m*s.n)
		lda, ldb := s.k, s.n
		if s.transA {
			lda = s.m
		}
		if s.transB {
			ldb = s.k
		}
		for _, be := range bes {
			if be.name == "go split" {
				continue
			}
			b.Run(fmt.Sprintf("%s/%dx%dx%d/%s", s.name, s.m, s.n, s.k, be.name), func(b *testing.B) {
				cpu0 := cpuSeconds()
				for b.Loop() {
					be.gemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, w, ldb, 1, c, s.n)
				}
				reportRates(b, 2*float64(s.m*s.n*s.k), cpu0, "GFLOP")
			})
		}
	}
}

// reportRates reports the rate of b's loop, ops operations per
// iteration, in billions per second of wall time ("unit/s") and of CPU
// time since cpu0 ("unit/cpu-s"): on a loaded machine wall time counts the
// time other processes hold the cores, CPU time only ours.
func reportRates(b *testing.B, ops, cpu0 float64, unit string) {
	total := ops * float64(b.N)
	b.ReportMetric(total/b.Elapsed().Seconds()/1e9, unit+"/s")
	if cpu := cpuSeconds() - cpu0; cpu > 0 {
		b.ReportMetric(total/cpu/1e9, unit+"/cpu-s")
	}
}
