package linalg

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
)

// naiveGemm is the textbook triple loop, the reference for every backend.
func naiveGemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	for i := range m {
		for j := range n {
			var s float64
			for p := range k {
				var av, bv float32
				if transA {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if transB {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				s += float64(av) * float64(bv)
			}
			old := float32(0)
			if beta != 0 {
				old = beta * c[i*ldc+j]
			}
			c[i*ldc+j] = alpha*float32(s) + old
		}
	}
}

// storedShapes are the rows and columns of A and B as stored for a
// product op(A) [m, k] times op(B) [k, n].
func storedShapes(transA, transB bool, m, n, k int) (ar, ac, br, bc int) {
	ar, ac, br, bc = m, k, k, n
	if transA {
		ar, ac = k, m
	}
	if transB {
		br, bc = n, k
	}
	return ar, ac, br, bc
}

func randSlice(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = r.Float32()*2 - 1
	}
	return s
}

func backends(t testing.TB) []backend {
	pure := selectBackend("go")
	split := backend{name: "go split", gemm: func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
		splitGemm(gonumGemm, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	}}
	out := []backend{pure, split}
	for _, k := range asmKernels() {
		b, err := asmBackend(k.name)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	if b, err := loadOpenBLAS(""); err == nil {
		out = append(out, b)
	} else {
		t.Logf("OpenBLAS not tested: %v", err)
	}
	return out
}

func TestGemmMatchesNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	cases := []struct {
		transA, transB bool
		m, n, k        int
		alpha, beta    float32
		pad            int // extra columns in every leading dimension
	}{
		{false, false, 3, 4, 5, 1, 0, 0},
		{true, false, 7, 2, 3, 0.5, 1, 0},
		{false, true, 1, 9, 4, 1, 1, 2},
		{true, true, 6, 5, 8, -1, 0.25, 1},
		{false, false, 33, 65, 17, 1, 0, 3},
		{false, false, 1, 1, 1, 2, 0, 0},
		// Large enough to be split across goroutines, by rows and by columns.
		{false, true, 300, 200, 100, 1, 0.5, 1},
		{true, false, 300, 200, 100, 1, 0, 0},
		{false, false, 20, 900, 200, 1, 1, 2},
		{true, true, 20, 900, 200, 0.5, 0, 0},
		// One row: matrix-vector products, alone and split.
		{false, true, 1, 37, 19, 1, 0.5, 0},
		{false, false, 1, 37, 19, 2, 0, 3},
		{true, true, 1, 37, 19, 1, 1, 2},
		{true, false, 1, 3000, 800, 1, 0, 1},
		{false, true, 1, 3000, 800, 1, 0.5, 0},
	}
	for _, be := range backends(t) {
		for _, tc := range cases {
			name := fmt.Sprintf("%s/tA=%t,tB=%t,%dx%dx%d", be.name, tc.transA, tc.transB, tc.m, tc.n, tc.k)
			t.Run(name, func(t *testing.T) {
				ar, ac, br, bc := storedShapes(tc.transA, tc.transB, tc.m, tc.n, tc.k)
				lda, ldb, ldc := ac+tc.pad, bc+tc.pad, tc.n+tc.pad
				a, b := randSlice(r, ar*lda), randSlice(r, br*ldb)
				c := randSlice(r, tc.m*ldc)
				want := append([]float32(nil), c...)
				naiveGemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, want, ldc)
				be.gemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, c, ldc)
				for i := range c {
					if math.Abs(float64(c[i]-want[i])) > 1e-4 {
						t.Fatalf("c[%d] = %v, want %v", i, c[i], want[i])
					}
				}
			})
		}
	}
}

func TestSelectBackend(t *testing.T) {
	tests := []struct {
		setting string
		wantGo  bool
	}{
		{"go", true},
		{"gonum", true},
		{"nonsense", true},
		{"openblas:/nonexistent/libopenblas.so", true},
		{"asm:sse", true},
		{"asm", len(asmKernels()) == 0},
		{"asm:avx2", !haveAVX2FMA},
	}
	for _, tc := range tests {
		b := selectBackend(tc.setting)
		if got := b.name[:2] == "go"; got != tc.wantGo {
			t.Errorf("selectBackend(%q) = %q", tc.setting, b.name)
		}
	}
	// The default is the own kernel wherever it runs.
	if def := selectBackend(""); useAsm && len(asmKernels()) > 0 && def.name[:3] != "asm" {
		t.Errorf("default backend %q, want asm", def.name)
	}
}

func BenchmarkGemm(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	const m, n, k = 960, 8000, 512 // output projection of a 64x15 batch
	x, w, c := randSlice(r, m*k), randSlice(r, k*n), make([]float32, m*n)
	for _, be := range backends(b) {
		b.Run(be.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				be.gemm(false, false, m, n, k, 1, x, k, w, n, 0, c, n)
			}
			b.ReportMetric(2*m*n*k*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

func TestParallelCoversRange(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 7, 100, 1001} {
		for _, cost := range []int{1, 1 << 20} {
			seen := make([]int32, n)
			var mu sync.Mutex
			Parallel(n, cost, func(lo, hi int) {
				mu.Lock()
				defer mu.Unlock()
				for i := lo; i < hi; i++ {
					seen[i]++
				}
			})
			for i, c := range seen {
				if c != 1 {
					t.Fatalf("n=%d cost=%d: index %d visited %d times", n, cost, i, c)
				}
			}
		}
	}
}
