package linalg

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// adamParams returns the parameters of step t of AdamW as the optimizer in
// seq2seq/train computes them.
func adamParams(lr, beta1, beta2, eps, weightDecay float64, t int) AdamParams {
	bc1 := 1 - math.Pow(beta1, float64(t))
	bc2 := 1 - math.Pow(beta2, float64(t))
	return AdamParams{
		Beta1: float32(beta1), Beta2: float32(beta2),
		OneMinusBeta1: float32(1 - beta1), OneMinusBeta2: float32(1 - beta2),
		StepSize: float32(lr / bc1), InvSqrtBC2: float32(1 / math.Sqrt(bc2)),
		Eps: float32(eps), Decay: float32(1 - lr*weightDecay),
	}
}

// scaled returns p with the gradient scale s.
func scaled(p AdamParams, s float32) AdamParams {
	p.GradScale = s
	return p
}

// TestAdamGradScaleIsScalingFirst checks on both paths that an update
// with GradScale s gives, bit for bit, the update of the gradients
// multiplied by s beforehand, and leaves the gradients as they were.
func TestAdamGradScaleIsScalingFirst(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 0))
	const n = 37
	for _, path := range vecPaths(t) {
		for _, s := range []float32{1, 0.25, 0.3712, 3} {
			w, g := randSlice(r, n), randSlice(r, n)
			m, v := randSlice(r, n), randSlice(r, n)
			for i := range v {
				v[i] *= v[i]
			}
			w2, m2, v2 := slices.Clone(w), slices.Clone(m), slices.Clone(v)
			g2 := slices.Clone(g)
			for i := range g2 {
				g2[i] *= s
			}
			before := slices.Clone(g)
			adamUpdate(path.asm, w, g, m, v, scaled(adamParams(1e-3, 0.9, 0.999, 1e-8, 0.01, 2), s))
			adamUpdate(path.asm, w2, g2, m2, v2, adamParams(1e-3, 0.9, 0.999, 1e-8, 0.01, 2))
			for i := range n {
				if !sameFloat(w[i], w2[i]) || !sameFloat(m[i], m2[i]) || !sameFloat(v[i], v2[i]) {
					t.Fatalf("%s scale %g element %d: w m v %g %g %g, scaling first %g %g %g", path.name, s, i, w[i], m[i], v[i], w2[i], m2[i], v2[i])
				}
			}
			if !slices.Equal(g, before) {
				t.Fatalf("%s scale %g: gradients changed", path.name, s)
			}
		}
	}
}

// sameFloat reports whether a and b have the same bits or are both NaN.
func sameFloat(a, b float32) bool {
	return math.Float32bits(a) == math.Float32bits(b) || (a != a && b != b)
}

// TestAdamUpdateByHand checks one step with values exact in binary, on
// nine elements so that both the vector body and the tail are used.
func TestAdamUpdateByHand(t *testing.T) {
	p := AdamParams{Beta1: 0.5, Beta2: 0.75, OneMinusBeta1: 0.5, OneMinusBeta2: 0.25,
		StepSize: 0.5, InvSqrtBC2: 2, Eps: 1, Decay: 0.5}
	// g=2, m=2, v=4: m = 1+1 = 2, v = 3+1 = 4, w = 4*0.5 - 0.5*2/(2*2+1) = 2 - 0.2.
	// g=0, m=0, v=0: m = 0, v = 0, w = 4*0.5 - 0 = 2.
	for _, path := range vecPaths(t) {
		for _, tc := range []struct {
			g, m, v, w    float32
			wm, wv, wantW float32
		}{
			{2, 2, 4, 4, 2, 4, 2 - float32(1)/5},
			{0, 0, 0, 4, 0, 0, 2},
			{-2, 6, 12, 1, 2, 10, 0.5 - float32(1)/(2*float32(math.Sqrt(10))+1)},
		} {
			const n = 9
			w, g := slices.Repeat([]float32{tc.w}, n), slices.Repeat([]float32{tc.g}, n)
			m, v := slices.Repeat([]float32{tc.m}, n), slices.Repeat([]float32{tc.v}, n)
			adamUpdate(path.asm, w, g, m, v, p)
			for i := range n {
				if m[i] != tc.wm || v[i] != tc.wv || w[i] != tc.wantW {
					t.Errorf("%s g=%g m=%g v=%g w=%g, element %d: got m=%g v=%g w=%g, want %g %g %g",
						path.name, tc.g, tc.m, tc.v, tc.w, i, m[i], v[i], w[i], tc.wm, tc.wv, tc.wantW)
				}
			}
		}
	}
}

// TestAdamUpdateMatchesGo requires the assembly to give the pure-Go results
// bit for bit, for many lengths and unaligned starts, without writing outside
// the slices.
func TestAdamUpdateMatchesGo(t *testing.T) {
	if !haveAVX2FMA {
		t.Skip("AVX2+FMA kernels not available on this CPU/architecture")
	}
	r := rand.New(rand.NewPCG(7, 0))
	params := []AdamParams{
		adamParams(1e-3, 0.9, 0.999, 1e-8, 0.01, 1),
		adamParams(1e-3, 0.9, 0.999, 1e-8, 0, 1000),
		adamParams(0.5, 0.5, 0.7, 1e-3, 0.1, 3),
		scaled(adamParams(1e-3, 0.9, 0.999, 1e-8, 0.01, 7), 0.37),
	}
	for pi, p := range params {
		for _, n := range testLengths() {
			for off := range 4 {
				var in, out [2][4][]float32 // [asm][w g m v]
				var guards [2][4]func() bool
				for k, scale := range []float32{0.1, 1e-2, 1e-3, 1e-5} {
					x, _ := window(r, n, off, scale)
					if k == 3 { // v is non-negative
						for i := range x {
							x[i] = x[i] * x[i] * 1e5
						}
					}
					for a := range 2 {
						in[a][k] = slices.Clone(x)
						out[a][k], guards[a][k] = window(r, n, off, 0)
						copy(out[a][k], x)
					}
				}
				for a := range 2 {
					o := out[a]
					adamUpdate(a == 1, o[0], o[1], o[2], o[3], p)
				}
				for k, name := range []string{"w", "g", "m", "v"} {
					for i := range n {
						if got, want := out[1][k][i], out[0][k][i]; !sameFloat(got, want) {
							t.Fatalf("params %d n=%d off=%d: %s[%d] avx2 %g, go %g (inputs w=%g g=%g m=%g v=%g)",
								pi, n, off, name, i, got, want, in[0][0][i], in[0][1][i], in[0][2][i], in[0][3][i])
						}
					}
					if !guards[0][k]() || !guards[1][k]() {
						t.Fatalf("params %d n=%d off=%d: wrote outside %s", pi, n, off, name)
					}
				}
				if n > 0 && slices.Equal(out[0][0], in[0][0]) && in[0][1][0] != 0 {
					t.Fatalf("params %d n=%d: w unchanged", pi, n)
				}
			}
		}
	}
}

// TestSumSquares checks both paths against an exact integer sum and against
// each other.
func TestSumSquares(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 0))
	for _, path := range vecPaths(t) {
		for _, n := range testLengths() {
			for off := range 4 {
				x, guardsOK := window(r, n, off, 1)
				var exact int64
				for i := range x {
					k := int64(i%13) - 6
					x[i] = float32(k)
					exact += k * k
				}
				if got := sumSquares(path.asm, x); got != float64(exact) {
					t.Fatalf("%s n=%d off=%d: SumSquares of small integers = %g, want %d", path.name, n, off, got, exact)
				}
				if !guardsOK() {
					t.Fatalf("%s n=%d off=%d: wrote outside the slice", path.name, n, off)
				}
			}
		}
	}
	if !haveAVX2FMA {
		return
	}
	for _, n := range testLengths() {
		for off := range 4 {
			x, _ := window(r, n, off, 3)
			vec, gen := sumSquares(true, x), sumSquares(false, x)
			if !closeSums(vec, gen, n) {
				t.Fatalf("n=%d off=%d: avx2 %.17g, go %.17g", n, off, vec, gen)
			}
		}
	}
}

// closeSums reports whether two sums of n non-negative terms, added in
// different orders, agree within the tolerance the two paths guarantee:
// 1e-12 relative, or 2.4e-16 per term for long slices. Infinities and NaNs
// must match exactly.
func closeSums(a, b float64, n int) bool {
	if a == b || (a != a && b != b) {
		return true
	}
	if math.IsInf(a, 0) || math.IsInf(b, 0) || a != a || b != b {
		return false
	}
	return math.Abs(a-b) <= max(1e-12, float64(n)*2.4e-16)*b
}

func TestSumSquaresSpecialValues(t *testing.T) {
	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	for _, path := range vecPaths(t) {
		for _, tc := range []struct {
			x    []float32
			want float64
		}{
			{nil, 0},
			{[]float32{3e38, 3e38, 0, 0, 0, 0, 0, 0, 1}, 2*float64(float32(3e38))*float64(float32(3e38)) + 1},
			{[]float32{1, 2, 3, -inf, 4, 5, 6, 7, 8}, math.Inf(1)},
			{[]float32{1, 2, 3, 4, 5, 6, 7, 8, -inf}, math.Inf(1)},
			{[]float32{1, 2, 3, nan, 4, 5, 6, 7, 8}, math.NaN()},
			{[]float32{1e-45, 1e-45, 1e-45, 1e-45, 1e-45, 1e-45, 1e-45, 1e-45}, 8 * float64(float32(1e-45)) * float64(float32(1e-45))},
		} {
			if got := sumSquares(path.asm, tc.x); !(got == tc.want || (got != got && tc.want != tc.want)) {
				t.Errorf("%s SumSquares(%g) = %g, want %g", path.name, tc.x, got, tc.want)
			}
		}
	}
}

func TestAdamUpdateLengthMismatchPanics(t *testing.T) {
	for _, path := range vecPaths(t) {
		for k := range 3 {
			args := [3][]float32{make([]float32, 8), make([]float32, 8), make([]float32, 8)}
			args[k] = args[k][:7]
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("%s: no panic with slice %d shorter", path.name, k+1)
					}
				}()
				adamUpdate(path.asm, make([]float32, 8), args[0], args[1], args[2], AdamParams{})
			}()
		}
	}
}

// FuzzAdamUpdate feeds arbitrary float32 bit patterns to both paths of
// AdamUpdate and SumSquares: the first nine values are the parameters, the
// rest are split into w, g, m and v. AdamUpdate must agree bit for bit (NaN
// payloads aside), SumSquares to rounding.
func FuzzAdamUpdate(f *testing.F) {
	seed := float32Bytes
	p := adamParams(1e-3, 0.9, 0.999, 1e-8, 0.01, 1)
	ps := []float32{p.Beta1, p.Beta2, p.OneMinusBeta1, p.OneMinusBeta2, p.StepSize, p.InvSqrtBC2, p.Eps, p.Decay, 0.5}
	f.Add(seed(append(ps, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36)...))
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	f.Add(seed(append(ps, nan, inf, -inf, 0, -0.0, 1e-40, -1, 3e38, 1e-45, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, -1e-30)...))
	f.Fuzz(func(t *testing.T, data []byte) {
		if !haveAVX2FMA {
			t.Skip("AVX2+FMA kernels not available")
		}
		xs := bytesFloat32(data)
		if vs, gs := sumSquares(true, xs), sumSquares(false, xs); !closeSums(vs, gs, len(xs)) {
			t.Fatalf("SumSquares: avx2 %.17g, go %.17g", vs, gs)
		}
		if len(xs) < 9 {
			return
		}
		p := AdamParams{xs[0], xs[1], xs[2], xs[3], xs[4], xs[5], xs[6], xs[7], xs[8]}
		n := (len(xs) - 9) / 4
		var s [2][4][]float32
		for a := range 2 {
			for k := range 4 {
				s[a][k] = slices.Clone(xs[9+k*n : 9+(k+1)*n])
			}
			adamUpdate(a == 1, s[a][0], s[a][1], s[a][2], s[a][3], p)
		}
		for k := range 4 {
			for i := range n {
				if !sameFloat(s[1][k][i], s[0][k][i]) {
					t.Fatalf("%+v: slice %d element %d: avx2 %g, go %g", p, k, i, s[1][k][i], s[0][k][i])
				}
			}
		}
	})
}

func ExampleAdamUpdate() {
	// One AdamW step (lr 0.1, betas 0.9 and 0.999, weight decay 0.01) on two
	// weights: the first step moves each weight by about lr against its
	// gradient's sign.
	const lr, beta1, beta2, decay = 0.1, 0.9, 0.999, 0.01
	w, g := []float32{1, -1}, []float32{0.5, -3}
	m, v := make([]float32, 2), make([]float32, 2)
	AdamUpdate(w, g, m, v, AdamParams{
		Beta1: beta1, Beta2: beta2, OneMinusBeta1: 1 - beta1, OneMinusBeta2: 1 - beta2,
		StepSize:   float32(lr / (1 - beta1)),
		InvSqrtBC2: float32(1 / math.Sqrt(1-beta2)),
		Eps:        1e-8,
		Decay:      1 - lr*decay,
	})
	fmt.Printf("%.4f\n", w)
	// Output: [0.8990 -0.8990]
}

func ExampleSumSquares() {
	x := []float32{3, 4}
	fmt.Println(math.Sqrt(SumSquares(x)))
	// Output: 5
}

// BenchmarkAdamUpdate measures AdamUpdate on both paths for 4096 elements
// (in cache) and 1M elements (memory-bound: five slices read or written);
// ns/elem is the time per element.
func BenchmarkAdamUpdate(b *testing.B) {
	for _, n := range []int{4096, 1 << 20} {
		r := rand.New(rand.NewPCG(9, 0))
		w, g, m := randSlice(r, n), randSlice(r, n), randSlice(r, n)
		v := randSlice(r, n)
		for i := range v {
			v[i] *= v[i]
		}
		// lr 0 keeps w, m and v bounded however often the step runs.
		p := adamParams(0, 0.9, 0.999, 1e-8, 0, 1)
		for _, path := range vecPaths(b) {
			b.Run(fmt.Sprintf("n=%d/%s", n, path.name), func(b *testing.B) {
				b.SetBytes(int64(4 * n))
				b.ReportAllocs()
				for b.Loop() {
					adamUpdate(path.asm, w, g, m, v, p)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/elem")
			})
		}
	}
}

// BenchmarkSumSquares measures SumSquares on both paths for 4096 and 1M
// elements; ns/elem is the time per element.
func BenchmarkSumSquares(b *testing.B) {
	var sink float64
	for _, n := range []int{4096, 1 << 20} {
		x := randSlice(rand.New(rand.NewPCG(10, 0)), n)
		for _, path := range vecPaths(b) {
			b.Run(fmt.Sprintf("n=%d/%s", n, path.name), func(b *testing.B) {
				b.SetBytes(int64(4 * n))
				b.ReportAllocs()
				for b.Loop() {
					sink += sumSquares(path.asm, x)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/elem")
			})
		}
	}
	_ = sink
}
