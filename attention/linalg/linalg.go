// Package linalg holds the dense float32 kernels that the attention layers
// and the seq2seq model run on: a row-major matrix product (Gemm) and a few
// fused element-wise helpers.
//
// Gemm runs on the package's own blocked sgemm (sgemm.go: packing, cache
// blocking and an assembly micro-kernel, AVX-512 or AVX2+FMA) on amd64
// CPUs that have AVX2 and FMA; elsewhere on OpenBLAS when a shared
// libopenblas is installed on the machine (it is loaded at run time, so
// building needs no system library and no cgo), and on gonum's pure-Go BLAS
// otherwise. The environment variable NMT_BLAS selects the backend
// explicitly: "asm" the own kernel ("asm:avx2" or "asm:avx512" one
// micro-kernel), "go" pure Go, "openblas" OpenBLAS (a path to the library
// may follow, as in "openblas:/opt/lib/libopenblas.so"). NMT_NOASM=1 (see
// below) also keeps the default off the own kernel. Backend reports which
// one is in use; CheckEnv reports an invalid value or a required backend
// that cannot be loaded (the kernels fall back to pure Go on them). The build tag noopenblas leaves the OpenBLAS loading out
// (for a static binary, which has no dynamic loader to load it with).
//
// All matrices are row-major float32 slices with an explicit leading
// dimension, as in CBLAS.
//
// The element-wise kernels (TanhSlice, SigmoidSlice, ExpSlice, AddTanh,
// ExpShiftSum, Max, Dot, Axpy) run AVX2 assembly on amd64 processors that
// have AVX2 and FMA, and pure Go elsewhere; NMT_NOASM=1 forces pure Go.
// Tanh, Sigmoid and Exp give bit-identical results on both paths.
// Parallel spreads row-wise work over the available cores.
package linalg

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// backend is the BLAS implementation chosen on first use.
type backend struct {
	name string
	gemm func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)
	// gemmBias is GemmBias's product with its bias non-nil, for backends
	// that apply the bias themselves; nil for the others.
	gemmBias gemmBiasFunc
	err      error // why OpenBLAS was not used, if it was wanted
}

var (
	chosenOnce sync.Once
	chosen     backend
)

func current() *backend {
	chosenOnce.Do(func() { chosen = selectBackend(os.Getenv(EnvBLAS)) })
	return &chosen
}

func selectBackend(setting string) backend {
	s, err := parseBLAS(setting)
	if err != nil {
		b := gonumBackend()
		b.err = err
		b.name = "go (gonum; " + err.Error() + ")"
		return b
	}
	switch s.kind {
	case blasGo:
		return gonumBackend()
	case blasAsm:
		b, err := asmBackend(s.path)
		return orGonum("asm", b, err)
	case blasOpenBLAS:
		b, err := loadOpenBLAS(s.path)
		return orGonum("OpenBLAS", b, err)
	}
	if useAsm { // auto, not with NMT_NOASM=1
		if b, err := asmBackend(""); err == nil {
			return b
		}
	}
	b, err := loadOpenBLAS("")
	if err != nil {
		b = gonumBackend()
		b.err = err
	}
	return b
}

func gonumBackend() backend { return backend{name: "go (gonum)", gemm: gonumGemm} }

// orGonum returns b, or gonum when the requested backend (what) could
// not be had (err), with the reason in its name.
func orGonum(what string, b backend, err error) backend {
	if err == nil {
		return b
	}
	pure := gonumBackend()
	pure.err = err
	pure.name = fmt.Sprintf("go (gonum; %s requested but unavailable: %v)", what, err)
	return pure
}

// asmBackend returns the own sgemm on the named micro-kernel ("avx512",
// "avx2"), or on the fastest one the CPU runs when name is empty.
func asmBackend(name string) (backend, error) {
	ks := asmKernels()
	if len(ks) == 0 {
		return backend{}, errors.New("no sgemm kernel for this CPU (needs amd64 with AVX2 and FMA)")
	}
	kern := ks[0]
	if name != "" {
		kern = nil
		for _, k := range ks {
			if strings.EqualFold(k.name, name) {
				kern = k
			}
		}
		if kern == nil {
			return backend{}, fmt.Errorf("no %q sgemm kernel on this CPU", name)
		}
	}
	single := func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
		blockedGemm(kern, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	}
	singleBias := func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, bias, c []float32, ldc int) {
		blockedGemmBias(kern, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, bias, c, ldc)
	}
	return backend{
		name: fmt.Sprintf("asm (%s %dx%d kernel, %d goroutines)", kern.name, kern.mr, kern.nr, runtime.GOMAXPROCS(0)),
		gemm: func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
			if m == 1 { // rowGemv spreads itself over the cores
				single(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
				return
			}
			splitGemm(single, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		},
		gemmBias: func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, bias, c []float32, ldc int) {
			if m == 1 {
				singleBias(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, bias, c, ldc)
				return
			}
			splitGemmBias(singleBias, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, bias, c, ldc)
		},
	}, nil
}

// Backend names the BLAS implementation that Gemm uses, for example
// "openblas (/usr/lib/x86_64-linux-gnu/libopenblas.so.0, 2 threads)" or "go (gonum)".
func Backend() string { return current().name }

// Gemm computes C = alpha * op(A) * op(B) + beta * C for row-major matrices,
// where op(X) is X or its transpose. op(A) is m x k, op(B) is k x n and C is
// m x n; lda, ldb and ldc are the row strides of A, B and C as stored.
// When beta is 0, C need not be initialised.
func Gemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		Scale(c, m, n, ldc, beta)
		return
	}
	checkGemm(transA, transB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	current().gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// GemmBias computes C = alpha * op(A) * op(B) + bias, bias (n floats)
// added to every row of C, with the arguments of Gemm; C need not be
// initialised. The result is the one of setting every row of C to bias
// and calling Gemm with beta 1, but the own sgemm adds the bias as it
// stores its first tiles, without a pass over C.
func GemmBias(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, bias, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if len(bias) < n {
		panic(fmt.Sprintf("linalg.GemmBias: bias of %d floats for %d columns", len(bias), n))
	}
	if k > 0 {
		checkGemm(transA, transB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	}
	current().gemmWithBias(transA, transB, m, n, k, alpha, a, lda, b, ldb, bias[:n], c, ldc)
}

// gemmWithBias is GemmBias on be, for checked arguments.
func (be *backend) gemmWithBias(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, bias, c []float32, ldc int) {
	if k == 0 || be.gemmBias == nil {
		Parallel(m, n, func(lo, hi int) { setRows(c[lo*ldc:], hi-lo, n, ldc, bias) })
		if k > 0 {
			be.gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, 1, c, ldc)
		}
		return
	}
	be.gemmBias(transA, transB, m, n, k, alpha, a, lda, b, ldb, 0, bias, c, ldc)
}

// Scale multiplies the m x n matrix C (row stride ldc) by beta in place;
// beta 0 sets it to zero.
func Scale(c []float32, m, n, ldc int, beta float32) {
	for i := range m {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

func checkGemm(transA, transB bool, m, n, k, na, lda, nb, ldb, nc, ldc int) {
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	if lda < ac || ldb < bc || ldc < n || na < (ar-1)*lda+ac || nb < (br-1)*ldb+bc || nc < (m-1)*ldc+n {
		// A programming error inside the model, never a user input.
		panic(fmt.Sprintf("linalg.Gemm: bad dimensions m=%d n=%d k=%d transA=%t transB=%t len(a)=%d lda=%d len(b)=%d ldb=%d len(c)=%d ldc=%d",
			m, n, k, transA, transB, na, lda, nb, ldb, nc, ldc))
	}
}

func gonumGemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	ta, tb := blas.NoTrans, blas.NoTrans
	if transA {
		ta = blas.Trans
	}
	if transB {
		tb = blas.Trans
	}
	gonum.Implementation{}.Sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}
