package linalg

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func randMatrix(r *rand.Rand, n int, scale float32) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = (2*r.Float32() - 1) * scale
	}
	return x
}

// TestInt8Mul checks MulAdd and MulSet against float32 Gemm on shapes
// that exercise every edge: rows not a multiple of the kernel's six, a
// last strip narrower than 64 columns, k not a multiple of 4, strides
// larger than the rows; on both the vector and the Go path.
func TestInt8Mul(t *testing.T) {
	tests := []struct{ m, n, k, lda, ldc int }{
		{1, 1, 1, 1, 1},
		{1, 64, 4, 4, 64},
		{5, 70, 13, 15, 71},
		{6, 128, 64, 64, 128},
		{7, 200, 99, 100, 203},
		{64, 8000 / 16, 512, 512, 8000 / 16},
		{13, 300, 1024, 1030, 300},
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, tt := range tests {
		w := randMatrix(r, tt.n*tt.k, 0.1)
		a := randMatrix(r, (tt.m-1)*tt.lda+tt.k, 1)
		c0 := randMatrix(r, (tt.m-1)*tt.ldc+tt.n, 1)
		bias := randMatrix(r, tt.n, 1)
		q, err := NewInt8Matrix(tt.n, tt.k, w, tt.k)
		if err != nil {
			t.Fatal(err)
		}
		for _, set := range []bool{false, true} {
			want := append([]float32(nil), c0...)
			if set {
				for i := range tt.m {
					copy(want[i*tt.ldc:i*tt.ldc+tt.n], bias)
				}
			}
			Gemm(false, true, tt.m, tt.n, tt.k, 1, a, tt.lda, w, tt.k, 1, want, tt.ldc)
			for _, asm := range []bool{false, true} {
				name := fmt.Sprintf("%dx%dx%d/set=%t/asm=%t", tt.m, tt.n, tt.k, set, asm)
				t.Run(name, func(t *testing.T) {
					if asm && !haveVNNI {
						t.Skip("no AVX-512 VNNI on this CPU")
					}
					defer func(old bool) { useInt8Asm = old }(useInt8Asm)
					useInt8Asm = asm
					got := append([]float32(nil), c0...)
					if set {
						q.MulSet(tt.m, a, tt.lda, bias, got, tt.ldc)
					} else {
						q.MulAdd(tt.m, a, tt.lda, got, tt.ldc)
					}
					checkInt8Result(t, tt.m, tt.n, tt.k, tt.lda, tt.ldc, a, w, c0, got, want)
				})
			}
		}
	}
}

// checkInt8Result compares got with the float32 result want element by
// element, within the rounding bound of the quantization: each product
// a*w is off by at most |a| dw + |w| da + da dw, where da and dw are half
// a quantization step of a's row and w's row. Entries of C between rows
// (the stride's padding) must be untouched.
func checkInt8Result(t *testing.T, m, n, k, lda, ldc int, a, w, c0, got, want []float32) {
	t.Helper()
	rowMax := func(x []float32) float64 {
		var mx float64
		for _, v := range x {
			mx = max(mx, math.Abs(float64(v)))
		}
		return mx
	}
	for i := range m {
		ar := a[i*lda : i*lda+k]
		da := rowMax(ar) / 254
		for j := range n {
			wr := w[j*k : (j+1)*k]
			dw := rowMax(wr) / 254
			bound := 1e-5
			for l := range k {
				bound += math.Abs(float64(ar[l]))*dw + math.Abs(float64(wr[l]))*da + da*dw
			}
			idx := i*ldc + j
			if d := math.Abs(float64(got[idx] - want[idx])); d > bound {
				t.Fatalf("C[%d,%d] = %g, float32 gives %g (bound %g)", i, j, got[idx], want[idx], bound)
			}
		}
		for j := n; j < ldc && i < m-1; j++ {
			if got[i*ldc+j] != c0[i*ldc+j] {
				t.Fatalf("wrote C[%d,%d] outside the matrix", i, j)
			}
		}
	}
}

// TestInt8KernelsAgree checks that the VNNI kernel computes the same
// integers as the pure-Go loop (the results differ only in the last
// rounding of the scaling).
func TestInt8KernelsAgree(t *testing.T) {
	if !haveVNNI {
		t.Skip("no AVX-512 VNNI on this CPU")
	}
	r := rand.New(rand.NewPCG(3, 4))
	m, n, k := 23, 190, 77
	w := randMatrix(r, n*k, 3)
	a := randMatrix(r, m*k, 50)
	q, err := NewInt8Matrix(n, k, w, k)
	if err != nil {
		t.Fatal(err)
	}
	res := make([][]float32, 2)
	for i, asm := range []bool{false, true} {
		useInt8Asm = asm
		res[i] = make([]float32, m*n)
		q.MulAdd(m, a, k, res[i], n)
	}
	useInt8Asm = haveVNNI
	for i := range res[0] {
		if d := math.Abs(float64(res[0][i] - res[1][i])); d > 1e-5*math.Abs(float64(res[0][i]))+1e-6 {
			t.Fatalf("element %d: Go %g, VNNI %g", i, res[0][i], res[1][i])
		}
	}
}

func TestInt8SpecialRows(t *testing.T) {
	w := []float32{1, 2, 3, 4, 0, 0, 0, 0}
	q, err := NewInt8Matrix(2, 4, w, 4)
	if err != nil {
		t.Fatal(err)
	}
	nan := float32(math.NaN())
	a := []float32{0, 0, 0, 0, 1, 1, 1, 1, nan, 1, 1, 1}
	c := make([]float32, 6)
	q.MulAdd(3, a, 4, c, 2)
	if c[0] != 0 || c[1] != 0 {
		t.Errorf("zero row gives %v, want 0 0", c[:2])
	}
	if math.Abs(float64(c[2]-10)) > 0.1 || c[3] != 0 {
		t.Errorf("ones row gives %v, want about 10 0", c[2:4])
	}
	if !math.IsNaN(float64(c[4])) {
		t.Errorf("NaN row gives %v, want NaN", c[4:6])
	}
	// Rows too small to scale (127/max overflows) count as zero rather
	// than turning into -127s, on both paths and for both operands.
	tinyA := make([]float32, 40)
	ones := make([]float32, 40)
	for i := range tinyA {
		tinyA[i], ones[i] = 1e-38, 1
	}
	tinyA[3] = 0
	for _, asm := range []bool{false, true} {
		if asm && !haveVNNI {
			continue
		}
		useInt8Asm = asm
		qo, err := NewInt8Matrix(1, 40, ones, 40)
		if err != nil {
			t.Fatal(err)
		}
		qt, err := NewInt8Matrix(1, 40, tinyA, 40)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			q    *Int8Matrix
			a    []float32
			want float64
		}{{qo, tinyA, 3.9e-37}, {qt, slices.Repeat([]float32{1e30}, 40), 3.9e-7}} {
			c := []float32{0}
			tc.q.MulAdd(1, tc.a, 40, c, 1)
			if got := float64(c[0]); got < 0 || got > 1.01*tc.want {
				t.Errorf("asm=%t: tiny row gives %g, want 0 to %g", asm, got, tc.want)
			}
		}
	}
	useInt8Asm = haveVNNI
	if _, err := NewInt8Matrix(1, 2, []float32{1, float32(math.Inf(1))}, 2); err == nil {
		t.Error("NewInt8Matrix accepted an infinite weight")
	}
	if _, err := NewInt8Matrix(2, 2, []float32{1, 2, 3}, 2); err == nil {
		t.Error("NewInt8Matrix accepted a short slice")
	}
}

// BenchmarkInt8VsGemm compares MulAdd with float32 Gemm on the decoder's
// shapes (m x n x k): the vocabulary projection of greedy search (64),
// beam 5 (320) and one sentence (1), the LSTM gates and the output layer.
func BenchmarkInt8VsGemm(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, s := range []struct{ m, n, k int }{
		{64, 8000, 512}, {320, 8000, 512}, {1, 8000, 512}, {64, 2048, 768}, {64, 512, 1024},
	} {
		w := randMatrix(r, s.n*s.k, 0.1)
		a := randMatrix(r, s.m*s.k, 1)
		c := make([]float32, s.m*s.n)
		q, _ := NewInt8Matrix(s.n, s.k, w, s.k)
		flops := 2 * float64(s.m*s.n*s.k)
		b.Run(fmt.Sprintf("int8/%dx%dx%d", s.m, s.n, s.k), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				q.MulAdd(s.m, a, s.k, c, s.n)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gop/s")
		})
		b.Run(fmt.Sprintf("float32/%dx%dx%d", s.m, s.n, s.k), func(b *testing.B) {
			for b.Loop() {
				Gemm(false, true, s.m, s.n, s.k, 1, a, s.k, w, s.k, 1, c, s.n)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gop/s")
		})
	}
}
