// Package linalg holds the dense float32 kernels that the attention layers
// and the seq2seq model run on: a row-major matrix product (Gemm) and a few
// fused element-wise helpers.
//
// Gemm runs on OpenBLAS when a shared libopenblas is installed on the machine
// (it is loaded at run time, so building needs no system library and no cgo),
// and on gonum's pure-Go BLAS otherwise. The environment variable NMT_BLAS
// selects the backend explicitly: "go" forces pure Go, "openblas" requires
// OpenBLAS (a path to the library may follow, as in "openblas:/opt/lib/libopenblas.so").
// Backend reports which one is in use. The build tag noopenblas leaves the
// loading out (for a static binary, which has no dynamic loader to load
// it with).
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
	"fmt"
	"os"
	"strings"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// backend is the BLAS implementation chosen on first use.
type backend struct {
	name string
	gemm func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)
	err  error // why OpenBLAS was not used, if it was wanted
}

var (
	chosenOnce sync.Once
	chosen     backend
)

func current() *backend {
	chosenOnce.Do(func() { chosen = selectBackend(os.Getenv("NMT_BLAS")) })
	return &chosen
}

func selectBackend(setting string) backend {
	pure := backend{name: "go (gonum)", gemm: gonumGemm}
	kind, path, _ := strings.Cut(setting, ":")
	switch strings.ToLower(kind) {
	case "go", "gonum", "pure":
		return pure
	case "", "auto", "openblas":
		b, err := loadOpenBLAS(path)
		if err == nil {
			return b
		}
		pure.err = err
		if kind != "" && kind != "auto" {
			pure.name = fmt.Sprintf("go (gonum; OpenBLAS requested but unavailable: %v)", err)
		}
		return pure
	default:
		pure.err = fmt.Errorf("unknown NMT_BLAS value %q (want go, openblas or auto)", setting)
		pure.name = "go (gonum; " + pure.err.Error() + ")"
		return pure
	}
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
