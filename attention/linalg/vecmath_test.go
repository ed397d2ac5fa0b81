package linalg

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// vecPath is one implementation of the slice kernels: the pure-Go loops or
// the AVX2+FMA assembly (with its pure-Go tail).
type vecPath struct {
	name string
	asm  bool
}

// vecPaths returns the paths this machine can run.
func vecPaths(t testing.TB) []vecPath {
	paths := []vecPath{{"go", false}}
	if haveAVX2FMA {
		paths = append(paths, vecPath{"avx2", true})
	} else {
		t.Logf("AVX2+FMA kernels not tested: not available on this CPU/architecture")
	}
	return paths
}

// unaryOp is an in-place slice kernel with its scalar counterpart.
type unaryOp struct {
	name   string
	slice  func(asm bool, x []float32)
	scalar func(float32) float32
}

var unaryOps = []unaryOp{
	{"tanh", tanhSlice, Tanh},
	{"sigmoid", sigmoidSlice, Sigmoid},
	{"exp", expSlice, Exp},
	{"addtanh", func(asm bool, x []float32) { addTanh(asm, x, x, make([]float32, len(x))) }, Tanh},
	{"expshiftsum", func(asm bool, x []float32) { expShiftSum(asm, x, 0) }, Exp},
}

// ulpDiff returns how many float32 steps lie between a and b: 0 if they are
// equal or both NaN, MaxInt64 if only one is NaN.
func ulpDiff(a, b float32) int64 {
	if a != a || b != b {
		if a != a && b != b {
			return 0
		}
		return math.MaxInt64
	}
	if a == b {
		return 0
	}
	// Map the floats onto a monotonic integer line.
	key := func(f float32) int64 {
		u := int64(math.Float32bits(f))
		if u&0x80000000 != 0 {
			return -(u & 0x7fffffff)
		}
		return u
	}
	d := key(a) - key(b)
	if d < 0 {
		d = -d
	}
	return d
}

func TestVecAccuracy(t *testing.T) {
	sigmoid := func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
	tests := []struct {
		name     string
		apply    func(asm bool, x []float32)
		want     func(float64) float64
		lo, hi   float64
		step     float64
		relative bool
		tol      float64
	}{
		{"tanh", tanhSlice, math.Tanh, -20, 20, 1e-4, false, 1e-6},
		{"sigmoid", sigmoidSlice, sigmoid, -30, 30, 1e-4, false, 1e-6},
		{"exp", expSlice, math.Exp, -87, 88, 1e-3, true, 5e-7},
		{"addtanh", func(asm bool, x []float32) { addTanh(asm, x, x, make([]float32, len(x))) }, math.Tanh, -20, 20, 1e-4, false, 1e-6},
		{"expshiftsum", func(asm bool, x []float32) { expShiftSum(asm, x, 0) }, math.Exp, -87, 88, 1e-3, true, 5e-7},
	}
	for _, path := range vecPaths(t) {
		for _, tc := range tests {
			t.Run(tc.name+"/"+path.name, func(t *testing.T) {
				var xs []float32
				for x := tc.lo; x <= tc.hi; x += tc.step {
					xs = append(xs, float32(x))
				}
				got := slices.Clone(xs)
				tc.apply(path.asm, got)
				var worst, worstX float64
				for i, x := range xs {
					want := tc.want(float64(x))
					err := math.Abs(float64(got[i]) - want)
					if tc.relative {
						err /= want
					}
					if !(err <= worst) { // also catches NaN
						worst, worstX = err, float64(x)
					}
				}
				if !(worst <= tc.tol) {
					t.Errorf("max error %g at x = %g, want <= %g", worst, worstX, tc.tol)
				}
			})
		}
	}
}

func TestVecSpecialValues(t *testing.T) {
	nan := float32(math.NaN())
	inf := float32(math.Inf(1))
	tests := []struct {
		op   string
		x    float32
		want float32
	}{
		{"tanh", nan, nan},
		{"tanh", inf, 1},
		{"tanh", -inf, -1},
		{"tanh", 9.5, 1},
		{"tanh", -9.5, -1},
		{"tanh", 1e30, 1},
		{"tanh", 0, 0},
		{"tanh", 1e-5, 1e-5},
		{"tanh", -3e-4, -3e-4},
		{"tanh", 1e-40, 1e-40}, // subnormal
		{"sigmoid", nan, nan},
		{"sigmoid", inf, 1},
		{"sigmoid", -inf, 0},
		{"sigmoid", 0, 0.5},
		{"sigmoid", 40, 1},
		{"exp", nan, nan},
		{"exp", inf, inf},
		{"exp", -inf, 0},
		{"exp", 0, 1},
		{"exp", -87.31, 0},
		{"exp", -100, 0},
		{"exp", -1e30, 0},
		{"exp", 88.71, inf},
		{"exp", 100, inf},
		{"exp", 1e30, inf},
	}
	ops := map[string]unaryOp{}
	for _, op := range unaryOps {
		ops[op.name] = op
	}
	for _, path := range vecPaths(t) {
		for _, tc := range tests {
			// tanh's values also go through addtanh (adding zeros), whose
			// AVX-512 path is its own.
			for _, name := range []string{tc.op, "add" + tc.op} {
				op, ok := ops[name]
				if !ok {
					continue
				}
				// 17 copies: two whole 8-float vectors (one of 16) and
				// a one-element scalar tail.
				xs := make([]float32, 17)
				for i := range xs {
					xs[i] = tc.x
				}
				op.slice(path.asm, xs)
				for i, got := range xs {
					if ulpDiff(got, tc.want) != 0 {
						t.Errorf("%s %s(%g): element %d = %g, want %g", path.name, name, tc.x, i, got, tc.want)
						break
					}
				}
			}
			if got := ops[tc.op].scalar(tc.x); ulpDiff(got, tc.want) != 0 {
				t.Errorf("scalar %s(%g) = %g, want %g", tc.op, tc.x, got, tc.want)
			}
		}
	}
}

// testLengths are the slice lengths tried: every length around the vector
// width and a large one.
func testLengths() []int {
	var ns []int
	for n := 0; n <= 33; n++ {
		ns = append(ns, n)
	}
	return append(ns, 1000, 4099)
}

// window returns a slice of length n starting off elements into a buffer
// with guard elements on both sides, and a function that reports whether the
// guards are intact.
func window(r *rand.Rand, n, off int, scale float32) (x []float32, guardsOK func() bool) {
	const guard = 8
	const sentinel = 12345.678
	buf := make([]float32, off+n+guard)
	for i := range buf {
		buf[i] = sentinel
	}
	x = buf[off : off+n]
	for i := range x {
		x[i] = (r.Float32()*2 - 1) * scale
	}
	return x, func() bool {
		for _, v := range buf[:off] {
			if v != sentinel {
				return false
			}
		}
		for _, v := range buf[off+n:] {
			if v != sentinel {
				return false
			}
		}
		return true
	}
}

// TestVecMatchesScalar checks every path against the scalar functions
// element by element, for many lengths and unaligned starts.
func TestVecMatchesScalar(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 0))
	for _, path := range vecPaths(t) {
		for _, op := range unaryOps {
			var worst int64
			var worstAbs float64
			for _, n := range testLengths() {
				for off := 0; off < 8; off++ {
					x, guardsOK := window(r, n, off, 30)
					orig := slices.Clone(x)
					op.slice(path.asm, x)
					for i, v := range orig {
						want := op.scalar(v)
						worst = max(worst, ulpDiff(x[i], want))
						if x[i] == x[i] && want == want && !math.IsInf(float64(want), 0) {
							worstAbs = max(worstAbs, math.Abs(float64(x[i])-float64(want)))
						}
						if !closeToScalar(x[i], op.scalar(v)) {
							d := ulpDiff(x[i], op.scalar(v))
							t.Fatalf("%s %s n=%d off=%d: f(%g) = %g, scalar %g (%d ulp)", path.name, op.name, n, off, v, x[i], op.scalar(v), d)
						}
					}
					if !guardsOK() {
						t.Fatalf("%s %s n=%d off=%d wrote outside the slice", path.name, op.name, n, off)
					}
				}
			}
			t.Logf("%s %s: at most %d ulp, %.3g absolute, from the scalar function", path.name, op.name, worst, worstAbs)
		}
	}
}

func TestAddTanhAliasing(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 0))
	for _, path := range vecPaths(t) {
		for _, n := range testLengths() {
			a := randSlice(r, n)
			b := randSlice(r, n)
			for i := range a {
				a[i] *= 10
			}
			want := make([]float32, n)
			for i := range want {
				want[i] = Tanh(a[i] + b[i])
			}
			tests := []struct {
				name string
				run  func(a, b []float32) []float32
			}{
				{"separate", func(a, b []float32) []float32 { d := make([]float32, n); addTanh(path.asm, d, a, b); return d }},
				{"dst=a", func(a, b []float32) []float32 { addTanh(path.asm, a, a, b); return a }},
				{"dst=b", func(a, b []float32) []float32 { addTanh(path.asm, b, a, b); return b }},
			}
			for _, tc := range tests {
				got := tc.run(slices.Clone(a), slices.Clone(b))
				for i := range got {
					if !closeToScalar(got[i], want[i]) {
						t.Fatalf("%s %s n=%d: dst[%d] = %g, want %g", path.name, tc.name, n, i, got[i], want[i])
					}
				}
			}
		}
	}
}

func TestReductions(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 0))
	const eps = 1.0 / (1 << 24)
	for _, path := range vecPaths(t) {
		for _, n := range testLengths() {
			for off := 0; off < 8; off += 3 {
				x, guardsOK := window(r, n, off, 5)
				y, _ := window(r, n, 7-off, 5)

				// Max equals the exact maximum.
				want := float32(math.Inf(-1))
				for _, v := range x {
					want = max(want, v)
				}
				if got := maxSlice(path.asm, x); got != want {
					t.Errorf("%s Max n=%d off=%d = %g, want %g", path.name, n, off, got, want)
				}

				// Dot is within float32 summation error of the float64 dot.
				var dot64, abs64 float64
				for i := range x {
					dot64 += float64(x[i]) * float64(y[i])
					abs64 += math.Abs(float64(x[i]) * float64(y[i]))
				}
				if got := dot(path.asm, x, y); math.Abs(float64(got)-dot64) > float64(n+2)*eps*abs64 {
					t.Errorf("%s Dot n=%d off=%d = %g, want %g", path.name, n, off, got, dot64)
				}

				// Axpy is within one rounding of each y[i] + alpha*x[i].
				alpha := r.Float32()*4 - 2
				y2 := slices.Clone(y)
				axpy(path.asm, alpha, x, y2)
				for i := range y2 {
					w := float64(y[i]) + float64(alpha)*float64(x[i])
					bound := 2 * eps * (math.Abs(float64(y[i])) + math.Abs(float64(alpha)*float64(x[i])))
					if math.Abs(float64(y2[i])-w) > bound {
						t.Fatalf("%s Axpy n=%d off=%d: y[%d] = %g, want %g", path.name, n, off, i, y2[i], w)
					}
				}

				// ExpShiftSum returns the sum of what it stores.
				shift := want
				if n == 0 {
					shift = 0
				}
				sum := expShiftSum(path.asm, x, shift)
				var sum64 float64
				for _, v := range x {
					sum64 += float64(v)
				}
				if math.Abs(float64(sum)-sum64) > float64(n/8+10)*eps*sum64 {
					t.Errorf("%s ExpShiftSum n=%d off=%d = %g, want %g", path.name, n, off, sum, sum64)
				}
				if n > 0 && slices.Max(x) != 1 {
					t.Errorf("%s ExpShiftSum n=%d off=%d: largest term %g, want 1", path.name, n, off, slices.Max(x))
				}
				if !guardsOK() {
					t.Fatalf("%s n=%d off=%d: wrote outside the slice", path.name, n, off)
				}
			}
		}
	}
}

// TestSumExpShiftAddConstIndex checks the kernels of log-softmax, argmax
// and the beam's candidate scan against what ExpShiftSum stores, exact addition and a plain scan.
func TestSumExpShiftAddConstIndex(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 0))
	for _, path := range vecPaths(t) {
		for _, n := range testLengths() {
			x, guardsOK := window(r, n, 3, 5)
			orig := slices.Clone(x)
			shift := r.Float32()
			stored := slices.Clone(x)
			want := expShiftSum(path.asm, stored, shift)
			if got := sumExpShift(path.asm, x, shift); got != want {
				t.Errorf("%s SumExpShift n=%d = %g, ExpShiftSum gives %g", path.name, n, got, want)
			}
			if !slices.Equal(x, orig) {
				t.Fatalf("%s SumExpShift n=%d changed its input", path.name, n)
			}
			c := r.Float32()*4 - 2
			addConst(path.asm, x, c)
			for i := range x {
				if x[i] != orig[i]+c {
					t.Fatalf("%s AddConst n=%d: x[%d] = %g, want %g", path.name, n, i, x[i], orig[i]+c)
				}
			}
			for _, pos := range []int{0, n / 2, n - 1} {
				if pos < 0 || n == 0 {
					continue
				}
				v := x[pos]
				if got, want := index(path.asm, x, v, indexAVX2, indexGeneric), slices.Index(x, v); got != want {
					t.Errorf("%s Index n=%d of x[%d] = %d, want %d", path.name, n, pos, got, want)
				}
				want := slices.IndexFunc(x, func(e float32) bool { return e >= v })
				if got := index(path.asm, x, v, indexAtLeastAVX2, indexAtLeastGeneric); got != want {
					t.Errorf("%s IndexAtLeast n=%d of x[%d] = %d, want %d", path.name, n, pos, got, want)
				}
			}
			nan := float32(math.NaN())
			for _, v := range []float32{1e30, nan} {
				if got := index(path.asm, x, v, indexAVX2, indexGeneric); got != -1 {
					t.Errorf("%s Index n=%d of %g = %d, want -1", path.name, n, v, got)
				}
				if got := index(path.asm, x, v, indexAtLeastAVX2, indexAtLeastGeneric); got != -1 {
					t.Errorf("%s IndexAtLeast n=%d of %g = %d, want -1", path.name, n, v, got)
				}
			}
			if n > 9 {
				y := slices.Clone(x)
				y[2], y[9] = nan, 1e31
				if got := index(path.asm, y, 1e30, indexAtLeastAVX2, indexAtLeastGeneric); got != 9 {
					t.Errorf("%s IndexAtLeast n=%d past a NaN = %d, want 9", path.name, n, got)
				}
			}
			if !guardsOK() {
				t.Fatalf("%s n=%d: wrote outside the slice", path.name, n)
			}
		}
	}
}

func TestMaxNaN(t *testing.T) {
	nan := float32(math.NaN())
	for _, path := range vecPaths(t) {
		for _, n := range []int{1, 7, 8, 9, 16, 33} {
			for pos := 0; pos < n; pos++ {
				x := make([]float32, n)
				x[pos] = nan
				if got := maxSlice(path.asm, x); got == got {
					t.Errorf("%s Max n=%d with NaN at %d = %g, want NaN", path.name, n, pos, got)
				}
			}
		}
		if got := maxSlice(path.asm, nil); !math.IsInf(float64(got), -1) {
			t.Errorf("%s Max(nil) = %g, want -Inf", path.name, got)
		}
	}
}

func TestVecLengthMismatchPanics(t *testing.T) {
	tests := []struct {
		name string
		call func(asm bool)
	}{
		{"AddTanh dst", func(asm bool) { addTanh(asm, make([]float32, 8), make([]float32, 9), make([]float32, 9)) }},
		{"AddTanh b", func(asm bool) { addTanh(asm, make([]float32, 9), make([]float32, 9), make([]float32, 8)) }},
		{"Dot", func(asm bool) { dot(asm, make([]float32, 16), make([]float32, 15)) }},
		{"Axpy", func(asm bool) { axpy(asm, 1, make([]float32, 16), make([]float32, 8)) }},
	}
	for _, path := range vecPaths(t) {
		for _, tc := range tests {
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("%s %s: no panic", path.name, tc.name)
					}
				}()
				tc.call(path.asm)
			}()
		}
	}
}

func TestNoAsmRequested(t *testing.T) {
	tests := []struct {
		setting string
		want    bool
	}{
		{"", false}, {"0", false}, {"false", false}, {"junk", false}, // junk: CheckEnv reports it
		{"1", true}, {"true", true}, {"TRUE", true},
	}
	for _, tc := range tests {
		if got := noAsmRequested(tc.setting); got != tc.want {
			t.Errorf("noAsmRequested(%q) = %v, want %v", tc.setting, got, tc.want)
		}
	}
}

// float32Bytes encodes vs as a fuzzer's input: little-endian bit patterns.
func float32Bytes(vs ...float32) []byte {
	b := make([]byte, 4*len(vs))
	for i, v := range vs {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return b
}

// bytesFloat32 decodes a fuzzer's input as float32Bytes encodes it (a
// trailing partial value is dropped).
func bytesFloat32(data []byte) []float32 {
	xs := make([]float32, len(data)/4)
	for i := range xs {
		xs[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:]))
	}
	return xs
}

// FuzzVecMatchesScalar feeds arbitrary float32 bit patterns (NaNs, infinities,
// subnormals, huge values) to the assembly kernels and the pure-Go loops and
// requires the same results, to rounding.
func FuzzVecMatchesScalar(f *testing.F) {
	seed := float32Bytes
	f.Add(seed(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11))
	f.Add(seed(float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 0, -0.0, 1e-40, -88.5, 88.5, 9, -9, 3e38, -87.3))
	f.Add(seed(-87.2, -87.3, -87.4, 88.3, 88.4, 88.69, 88.7, 88.71, 0.0004, -0.0004, 0.00039, 20, -20, 0.5, -0.5, 1))
	f.Fuzz(func(t *testing.T, data []byte) {
		if !haveAVX2FMA {
			t.Skip("AVX2+FMA kernels not available")
		}
		xs := bytesFloat32(data)
		for _, op := range unaryOps {
			vec, gen := slices.Clone(xs), slices.Clone(xs)
			op.slice(true, vec)
			op.slice(false, gen)
			for i := range xs {
				if !closeToScalar(vec[i], gen[i]) {
					t.Fatalf("%s(%g): avx2 %g, go %g (%d ulp)", op.name, xs[i], vec[i], gen[i], ulpDiff(vec[i], gen[i]))
				}
			}
		}
		if vm, gm := maxSlice(true, xs), maxSlice(false, xs); vm != gm && !(vm != vm && gm != gm) {
			t.Fatalf("Max: avx2 %g, go %g", vm, gm)
		}
		if len(xs) == 0 {
			return
		}
		// ExpShiftSum: non-negative terms, so the two sums differ by rounding.
		shift := xs[0]
		vec, gen := slices.Clone(xs), slices.Clone(xs)
		vs, gs := expShiftSum(true, vec, shift), expShiftSum(false, gen, shift)
		for i := range xs {
			if !closeToScalar(vec[i], gen[i]) {
				t.Fatalf("ExpShiftSum term %d (%g - %g): avx2 %g, go %g", i, xs[i], shift, vec[i], gen[i])
			}
		}
		const eps = 1.0 / (1 << 24)
		if vs != gs && !(vs != vs && gs != gs) {
			if math.IsInf(float64(vs), 0) || math.IsInf(float64(gs), 0) || math.Abs(float64(vs-gs)) > float64(len(xs)+10)*eps*float64(gs) {
				t.Fatalf("ExpShiftSum sum: avx2 %g, go %g", vs, gs)
			}
		}
	})
}

func ExampleExpShiftSum() {
	// Softmax of three scores.
	x := []float32{1, 2, 3}
	sum := ExpShiftSum(x, Max(x))
	for i := range x {
		x[i] /= sum
	}
	fmt.Printf("%.4f\n", x)
	// Output: [0.0900 0.2447 0.6652]
}

func ExampleAddTanh() {
	a := []float32{-1, 0, 0.5}
	b := []float32{0, 0, 0.5}
	AddTanh(a, a, b) // in place: a[i] = tanh(a[i] + b[i])
	fmt.Printf("%.4f\n", a)
	// Output: [-0.7616 0.0000 0.7616]
}

// BenchmarkVec measures every kernel on both paths for a slice of 1024
// floats (a typical hidden size); the ns/elem metric is time per element.
// The in-place kernels include a copy to restore their input (about 0.03
// ns/elem).
func BenchmarkVec(b *testing.B) {
	const n = 1024
	r := rand.New(rand.NewPCG(4, 0))
	x := randSlice(r, n)
	for i := range x {
		x[i] *= 8
	}
	y := randSlice(r, n)
	work := make([]float32, n)
	var sink float32
	kernels := []struct {
		name string
		run  func(asm bool)
	}{
		{"tanh", func(asm bool) { copy(work, x); tanhSlice(asm, work) }},
		{"sigmoid", func(asm bool) { copy(work, x); sigmoidSlice(asm, work) }},
		{"exp", func(asm bool) { copy(work, x); expSlice(asm, work) }},
		{"addtanh", func(asm bool) { addTanh(asm, work, x, y) }},
		{"expshiftsum", func(asm bool) { copy(work, x); sink += expShiftSum(asm, work, 8) }},
		{"max", func(asm bool) { sink += maxSlice(asm, x) }},
		{"dot", func(asm bool) { sink += dot(asm, x, y) }},
		{"axpy", func(asm bool) { copy(work, y); axpy(asm, 0.5, x, work) }},
	}
	for _, k := range kernels {
		for _, path := range vecPaths(b) {
			b.Run(k.name+"/"+path.name, func(b *testing.B) {
				b.SetBytes(4 * n)
				b.ReportAllocs()
				for b.Loop() {
					k.run(path.asm)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/elem")
			})
		}
	}
	_ = sink
}
