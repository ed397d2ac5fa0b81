package linalg

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// gemmCase is one product for the comparisons of the asm backend.
type gemmCase struct {
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	pad            int // extra columns in every leading dimension
}

func (tc gemmCase) String() string {
	return fmt.Sprintf("tA=%t,tB=%t,%dx%dx%d,alpha=%g,beta=%g,pad=%d", tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, tc.beta, tc.pad)
}

// checkAgainstGonum runs tc on gemm and on gonum's sgemm with the same
// random operands and compares every element of C within float32
// rounding: both are within k ulps of the exact sum, so they may differ
// by 2k*eps times the sum of the absolute terms. With beta 0, C starts as
// NaN (it must be overwritten, not scaled); the padding between the rows
// of C must be untouched.
func checkAgainstGonum(t *testing.T, gemm gemmFunc, tc gemmCase, seed uint64) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 7))
	ar, ac, br, bc := storedShapes(tc.transA, tc.transB, tc.m, tc.n, tc.k)
	lda, ldb, ldc := ac+tc.pad, bc+tc.pad, tc.n+tc.pad
	a, b := randSlice(r, (ar-1)*lda+ac), randSlice(r, (br-1)*ldb+bc)
	c := randSlice(r, (tc.m-1)*ldc+tc.n)
	if tc.beta == 0 {
		for i := range tc.m {
			for j := range tc.n {
				c[i*ldc+j] = float32(math.NaN())
			}
		}
	}
	want := append([]float32(nil), c...)
	if tc.beta == 0 {
		for i := range want {
			if math.IsNaN(float64(want[i])) {
				want[i] = 0 // gonum too ignores C when beta is 0; keep NaN out of the bound
			}
		}
	}
	got := append([]float32(nil), c...)
	gonumGemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, want, ldc)
	gemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, got, ldc)
	opA := func(i, p int) float32 {
		if tc.transA {
			return a[p*lda+i]
		}
		return a[i*lda+p]
	}
	opB := func(p, j int) float32 {
		if tc.transB {
			return b[j*ldb+p]
		}
		return b[p*ldb+j]
	}
	const eps = 0x1p-24
	for i := range tc.m {
		for j := range tc.n {
			var abs float64
			for p := range tc.k {
				abs += math.Abs(float64(opA(i, p)) * float64(opB(p, j)))
			}
			idx := i*ldc + j
			bound := 2*float64(tc.k+2)*eps*(abs*math.Abs(float64(tc.alpha))) + 4*eps*math.Abs(float64(want[idx])) + 1e-30
			if d := math.Abs(float64(got[idx] - want[idx])); !(d <= bound) {
				t.Fatalf("%v: C[%d,%d] = %g, gonum %g (bound %g)", tc, i, j, got[idx], want[idx], bound)
			}
		}
		for j := tc.n; j < ldc && i < tc.m-1; j++ {
			if idx := i*ldc + j; got[idx] != c[idx] {
				t.Fatalf("%v: wrote C[%d,%d] in the padding", tc, i, j)
			}
		}
	}
}

// awkwardShapes are sizes around the tiles (6, 12 rows; 16, 32 columns)
// and blocks (kc 256, mc 144 and 192) of the kernels, degenerate vectors
// and the model's shapes.
var awkwardShapes = [][3]int{
	{1, 1, 1}, {1, 37, 19}, {37, 1, 19}, {1, 1, 300}, {5, 7, 1}, {2, 3, 5},
	{6, 16, 8}, {12, 32, 8}, {13, 33, 7}, {11, 31, 257}, {7, 17, 513},
	{193, 65, 31}, {145, 40, 300}, {64, 100, 256}, {30, 4100, 3},
}

func TestAsmGemmMatchesGonum(t *testing.T) {
	ks := asmKernels()
	if len(ks) == 0 {
		t.Skip("no sgemm kernel for this CPU")
	}
	scalars := [][2]float32{{1, 0}, {1, 1}, {-0.5, 0.25}, {2, -1}, {0, 0.5}}
	for _, k := range ks {
		be, err := asmBackend(k.name)
		if err != nil {
			t.Fatal(err)
		}
		single := func(transA, transB bool, m, n, kk int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
			blockedGemm(k, transA, transB, m, n, kk, alpha, a, lda, b, ldb, beta, c, ldc)
		}
		for _, gemm := range []struct {
			name string
			fn   gemmFunc
		}{{"single", single}, {"split", be.gemm}} {
			t.Run(k.name+"/"+gemm.name, func(t *testing.T) {
				seed := uint64(0)
				for _, s := range awkwardShapes {
					for tr := range 4 {
						seed++
						sc := scalars[int(seed)%len(scalars)]
						tc := gemmCase{transA: tr&1 != 0, transB: tr&2 != 0, m: s[0], n: s[1], k: s[2],
							alpha: sc[0], beta: sc[1], pad: int(seed % 3)}
						checkAgainstGonum(t, gemm.fn, tc, seed)
					}
				}
			})
		}
	}
}

// FuzzAsmGemm compares the asm backend with gonum on shapes, transposes,
// scalars and strides drawn from the input.
func FuzzAsmGemm(f *testing.F) {
	ks := asmKernels()
	if len(ks) == 0 {
		f.Skip("no sgemm kernel for this CPU")
	}
	f.Add(uint8(13), uint8(33), uint8(7), uint8(3), uint8(1), uint64(1))
	f.Add(uint8(1), uint8(200), uint8(255), uint8(0), uint8(2), uint64(2))
	f.Add(uint8(100), uint8(1), uint8(64), uint8(6), uint8(0), uint64(3))
	scalars := []float32{0, 1, -1, 0.5, 3}
	f.Fuzz(func(t *testing.T, m, n, k, flags, pad uint8, seed uint64) {
		kern := ks[int(flags>>5)%len(ks)]
		tc := gemmCase{
			transA: flags&1 != 0, transB: flags&2 != 0,
			m: int(m)%200 + 1, n: int(n)%200 + 1, k: int(k)%300 + 1,
			alpha: scalars[int(seed%5)], beta: scalars[int(flags>>2)%len(scalars)],
			pad: int(pad % 4),
		}
		checkAgainstGonum(t, func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
			blockedGemm(kern, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		}, tc, seed)
	})
}

// TestGemmBiasMatchesRowsThenGemm checks GemmBias on every backend
// against setting the rows of C to the bias and calling Gemm with beta
// 1, bit for bit: the own kernel adds the bias where that route adds C.
// C starts as NaN (it must be set, not read) and its padding must stay.
func TestGemmBiasMatchesRowsThenGemm(t *testing.T) {
	shapes := append([][3]int{{300, 200, 100}, {20, 900, 200}, {130, 700, 300}, {4, 5, 0}}, awkwardShapes...)
	r := rand.New(rand.NewPCG(3, 4))
	for _, be := range backends(t) {
		for i, s := range shapes {
			transA, transB := i&1 != 0, i&2 != 0
			m, n, k, pad := s[0], s[1], s[2], i%3
			alpha := []float32{1, -0.5, 2, 0}[i%4]
			t.Run(fmt.Sprintf("%s/tA=%t,tB=%t,%dx%dx%d", be.name, transA, transB, m, n, k), func(t *testing.T) {
				ar, ac, br, bc := storedShapes(transA, transB, m, n, k)
				lda, ldb, ldc := ac+pad, bc+pad, n+pad
				a, b := randSlice(r, max(ar*lda, 1)), randSlice(r, max(br*ldb, 1))
				bias := randSlice(r, n)
				want := randSlice(r, m*ldc)
				got := append([]float32(nil), want...)
				for row := range m {
					for j := range n {
						got[row*ldc+j] = float32(math.NaN())
					}
				}
				setRows(want, m, n, ldc, bias)
				if k > 0 {
					be.gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, 1, want, ldc)
				}
				be.gemmWithBias(transA, transB, m, n, k, alpha, a, lda, b, ldb, bias, got, ldc)
				for j := range got {
					if math.Float32bits(got[j]) != math.Float32bits(want[j]) {
						t.Fatalf("c[%d] = %v, want %v", j, got[j], want[j])
					}
				}
			})
		}
	}
}
