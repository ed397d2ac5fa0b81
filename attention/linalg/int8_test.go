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
			for _, kern := range int8Kernels() {
				name := fmt.Sprintf("%dx%dx%d/set=%t/%s", tt.m, tt.n, tt.k, set, kern)
				t.Run(name, func(t *testing.T) {
					defer func(old int8Kernel) { int8Impl = old }(int8Impl)
					int8Impl = kern
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

// TestInt8KernelsAgree checks that every kernel computes the same
// integer sums as the pure-Go loop, exactly: with all scales 1 each
// output is the float32 of an integer below 2^24, which is exact. The
// shape has a narrow last strip, rows not a multiple of six and k not a
// multiple of four; the first rows and weights are constant, so that
// they quantize to ±127 everywhere, the largest pair sums (which the
// AVX2 kernel must not saturate).
func TestInt8KernelsAgree(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	m, n, k := 23, 190, 1001
	w := randMatrix(r, n*k, 3)
	a := randMatrix(r, m*k, 50)
	for i := range k {
		w[i], w[k+i], a[i], a[k+i] = 1, -1, 2, -3
	}
	q, err := NewInt8Matrix(n, k, w, k)
	if err != nil {
		t.Fatal(err)
	}
	ones := *q // the same matrix with every scale 1
	ones.scale = slices.Repeat([]float32{1}, len(q.scale))
	defer func(old int8Kernel) { int8Impl = old }(int8Impl)
	sums := func(kern int8Kernel) []float32 {
		int8Impl = kern
		acts := new(int8Acts)
		ones.quantizeActs(acts, m, a, k)
		acts.scale = slices.Repeat([]float32{1}, m)
		out := make([]float32, m*len(q.scale))
		ld := len(q.scale)
		for s := range len(q.scale) / int8Strip {
			for r0 := 0; r0 < m; r0 += int8Rows {
				ones.strip(acts, r0, min(int8Rows, m-r0), s, nil, out[r0*ld+s*int8Strip:], ld)
			}
		}
		return out
	}
	want := sums(int8Go)
	if want[0] != 127*127*float32(k) || want[len(q.scale)] != -127*127*float32(k) {
		t.Fatalf("extreme sums %g, %g, want ±%d", want[0], want[len(q.scale)], 127*127*k)
	}
	for _, kern := range int8Kernels()[1:] {
		got := sums(kern)
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%s: sum %d (row %d) = %g, Go loop %g", kern, i, i/len(q.scale), got[i], want[i])
			}
		}
	}
	// Through MulAdd, with real scales, the kernels differ only in the
	// rounding of the scaling.
	res := make([][]float32, 0, 3)
	for _, kern := range int8Kernels() {
		int8Impl = kern
		c := make([]float32, m*n)
		q.MulAdd(m, a, k, c, n)
		res = append(res, c)
	}
	for _, c := range res[1:] {
		for i := range res[0] {
			if d := math.Abs(float64(res[0][i] - c[i])); d > 1e-5*math.Abs(float64(res[0][i]))+1e-6 {
				t.Fatalf("element %d: Go %g, vector %g", i, res[0][i], c[i])
			}
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
	defer func(old int8Kernel) { int8Impl = old }(int8Impl)
	for _, kern := range int8Kernels() {
		int8Impl = kern
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
				t.Errorf("%s: tiny row gives %g, want 0 to %g", kern, got, tc.want)
			}
		}
	}
	if _, err := NewInt8Matrix(1, 2, []float32{1, float32(math.Inf(1))}, 2); err == nil {
		t.Error("NewInt8Matrix accepted an infinite weight")
	}
	if _, err := NewInt8Matrix(2, 2, []float32{1, 2, 3}, 2); err == nil {
		t.Error("NewInt8Matrix accepted a short slice")
	}
}

// BenchmarkInt8VsGemm compares MulAdd (each vector kernel) with float32 Gemm on the decoder's
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
		for _, kern := range int8Kernels()[1:] {
			b.Run(fmt.Sprintf("int8-%s/%dx%dx%d", kern, s.m, s.n, s.k), func(b *testing.B) {
				defer func(old int8Kernel) { int8Impl = old }(int8Impl)
				int8Impl = kern
				b.ReportAllocs()
				cpu0 := cpuSeconds()
				for b.Loop() {
					q.MulAdd(s.m, a, s.k, c, s.n)
				}
				reportRates(b, flops, cpu0, "Gop")
			})
		}
		b.Run(fmt.Sprintf("float32/%dx%dx%d", s.m, s.n, s.k), func(b *testing.B) {
			cpu0 := cpuSeconds()
			for b.Loop() {
				Gemm(false, true, s.m, s.n, s.k, 1, a, s.k, w, s.k, 1, c, s.n)
			}
			reportRates(b, flops, cpu0, "Gop")
		})
	}
}

// TestInt8MatrixRows checks that quantizing a matrix a block of rows at a
// time gives the same matrix as quantizing it whole, on shapes around the
// block size, and that a non-finite value or a failing read is reported.
func TestInt8MatrixRows(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, sz := range []struct{ n, k int }{{1, 1}, {3, 5}, {Int8RowBlock, 8}, {Int8RowBlock + 1, 7}, {3*Int8RowBlock - 5, 33}} {
		w := randMatrix(r, sz.n*sz.k, 1)
		want, err := NewInt8Matrix(sz.n, sz.k, w, sz.k)
		if err != nil {
			t.Fatal(err)
		}
		calls := 0
		got, err := NewInt8MatrixRows(sz.n, sz.k, func(j0, j1 int, dst []float32) error {
			calls++
			if j1-j0 > Int8RowBlock || len(dst) != (j1-j0)*sz.k {
				t.Fatalf("%dx%d: asked for rows %d-%d into %d values", sz.n, sz.k, j0, j1, len(dst))
			}
			copy(dst, w[j0*sz.k:j1*sz.k])
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.packed, want.packed) || !slices.Equal(got.scale, want.scale) || got.n != want.n || got.k != want.k {
			t.Errorf("%dx%d: quantized by blocks differs from quantized whole", sz.n, sz.k)
		}
		if wantCalls := (sz.n + Int8RowBlock - 1) / Int8RowBlock; calls != wantCalls {
			t.Errorf("%dx%d: %d reads, want %d", sz.n, sz.k, calls, wantCalls)
		}
	}
	nan := func(j0, j1 int, dst []float32) error {
		for i := range dst {
			dst[i] = float32(j0 + i)
		}
		if j0 > 0 {
			dst[1] = float32(math.NaN())
		}
		return nil
	}
	if _, err := NewInt8MatrixRows(2*Int8RowBlock, 4, nan); err == nil {
		t.Error("a NaN in the second block was not reported")
	}
	failed := fmt.Errorf("disk on fire")
	if _, err := NewInt8MatrixRows(4, 4, func(int, int, []float32) error { return failed }); err != failed {
		t.Errorf("a failing read gave %v, want its error", err)
	}
}

// setRowReference is setRow as first written, the formulation setRow
// must match bit for bit.
func (q *Int8Matrix) setRowReference(j int, row []float32) error {
	var amax float32
	for _, v := range row {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("int8 matrix: row %d has a non-finite value", j)
		}
		amax = max(amax, abs32(v))
	}
	inv := 127 / amax
	if amax == 0 || math.IsInf(float64(inv), 1) {
		return nil
	}
	q.scale[j] = amax / 127
	k4 := q.k4
	s0, b, c := j/int8Strip, (j%int8Strip)/16, j%16
	for i, v := range row {
		g, t := i/4, i%4
		qv := int32(math.RoundToEven(float64(v * inv)))
		qv = max(-127, min(127, qv))
		q.packed[((s0*k4+g)*4+b)*64+c*4+t] = uint8(qv + 128)
	}
	return nil
}

// TestSetRowMatchesReference checks that setRow quantizes exactly as the
// plain formulation (setRowReference) on random rows of many scales,
// rows with exact ties (v*127/amax a half), rows of zeros, of tiny
// and of huge values, negative zeros and odd lengths, and that both
// reject the same non-finite rows.
func TestSetRowMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var rows [][]float32
	for _, k := range []int{1, 3, 4, 5, 64, 255, 256, 513} {
		for _, scale := range []float32{1, 1e-3, 3e-38, 1e-40, 1e30, 3e38} {
			rows = append(rows, randMatrix(r, k, scale))
		}
		ties := make([]float32, k)
		for i := range ties {
			ties[i] = float32(int(r.Uint32()%254)-127) + 0.5 // v*127/amax is v: halves
		}
		ties[0] = 127
		rows = append(rows, ties, make([]float32, k))
		neg := make([]float32, k)
		for i := range neg {
			neg[i] = float32(math.Copysign(0, -1))
		}
		rows = append(rows, neg)
		for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
			row := randMatrix(r, k, 1)
			row[r.IntN(k)] = float32(bad)
			rows = append(rows, row)
		}
	}
	for n, row := range rows {
		k := len(row)
		got, want := newInt8Matrix(int8Strip+3, k), newInt8Matrix(int8Strip+3, k)
		for _, j := range []int{0, 17, int8Strip + 2} {
			errGot, errWant := got.setRow(j, row), want.setRowReference(j, row)
			if (errGot == nil) != (errWant == nil) {
				t.Fatalf("row %d (k %d) at %d: error %v, the reference %v", n, k, j, errGot, errWant)
			}
		}
		if !slices.Equal(got.packed, want.packed) || !slices.Equal(got.scale, want.scale) {
			t.Fatalf("row %d (k %d): quantized differently from the reference", n, k)
		}
	}
}

// BenchmarkNewInt8Matrix measures quantizing the largest weight of the
// built-in models' shape, the 8000 x 512 vocabulary projection.
func BenchmarkNewInt8Matrix(b *testing.B) {
	const n, k = 8000, 512
	w := randMatrix(rand.New(rand.NewPCG(1, 2)), n*k, 0.1)
	b.SetBytes(n * k * 4)
	for b.Loop() {
		if _, err := NewInt8Matrix(n, k, w, k); err != nil {
			b.Fatal(err)
		}
	}
}
