package linalg

import (
	"math"
	"os"
)

// Vectorised element-wise kernels.
//
// The slice functions below apply Tanh, Sigmoid and Exp of fastmath.go to
// whole slices. On amd64 CPUs with AVX2 and FMA they run hand-written
// assembly eight floats at a time and finish the last len%8 elements with the
// scalar functions; elsewhere they are plain loops over the scalar functions.
// Both paths compute the same formulas with the same constants and the same
// roundings, so they give bit-identical results (unless the scalar code is
// built with GOAMD64=v3 or later, where the Go compiler may fuse its
// multiply-adds; then they differ by an ulp or so). Dot and Axpy use fused
// multiply-adds and eight or more partial sums on the vector path, so their
// results differ from the pure-Go ones by rounding. Setting the
// environment variable NMT_NOASM to 1 (or any other true value understood by
// strconv.ParseBool) before the program starts forces the pure-Go path;
// VecBackend reports which path is in use.

// useAsm reports whether the AVX2+FMA kernels are used. It is fixed when
// the package is initialised and never changes afterwards.
var useAsm = haveAVX2FMA && !noAsmRequested(os.Getenv(EnvNoAsm))

// VecBackend names the implementation of the slice kernels (TanhSlice,
// ExpSlice, Dot and the others): "avx2+fma" or "go".
func VecBackend() string {
	if useAsm {
		return "avx2+fma"
	}
	return "go"
}

// vecLen returns the number of leading elements the assembly kernels handle.
func vecLen(n int) int { return n &^ 7 }

// TanhSlice replaces every x[i] by Tanh(x[i]).
func TanhSlice(x []float32) {
	tanhSlice(useAsm, x)
}

func tanhSlice(asm bool, x []float32) {
	if asm {
		n := vecLen(len(x))
		tanhAVX2(x[:n])
		x = x[n:]
	}
	tanhGeneric(x)
}

// SigmoidSlice replaces every x[i] by Sigmoid(x[i]).
func SigmoidSlice(x []float32) {
	sigmoidSlice(useAsm, x)
}

func sigmoidSlice(asm bool, x []float32) {
	if asm {
		n := vecLen(len(x))
		sigmoidAVX2(x[:n])
		x = x[n:]
	}
	sigmoidGeneric(x)
}

// ExpSlice replaces every x[i] by Exp(x[i]).
func ExpSlice(x []float32) {
	expSlice(useAsm, x)
}

func expSlice(asm bool, x []float32) {
	if asm {
		n := vecLen(len(x))
		expAVX2(x[:n])
		x = x[n:]
	}
	expGeneric(x)
}

// AddTanh sets dst[i] = Tanh(a[i] + b[i]). dst may be a or b itself, but must
// not overlap them otherwise. It panics if the lengths differ.
func AddTanh(dst, a, b []float32) {
	addTanh(useAsm, dst, a, b)
}

func addTanh(asm bool, dst, a, b []float32) {
	if len(a) != len(dst) || len(b) != len(dst) {
		panic("linalg: AddTanh length mismatch")
	}
	if asm && haveAVX512 { // sixteen at a time, then AVX2 for the rest
		n := len(dst) &^ 15
		addTanhAVX512(dst[:n], a[:n], b[:n])
		dst, a, b = dst[n:], a[n:], b[n:]
	}
	if asm {
		n := vecLen(len(dst))
		addTanhAVX2(dst[:n], a[:n], b[:n])
		dst, a, b = dst[n:], a[n:], b[n:]
	}
	addTanhGeneric(dst, a, b)
}

// ExpShiftSum replaces every x[i] by Exp(x[i] - shift) and returns the sum of
// the new values; with shift = Max(x) this is the numerator and denominator
// of a softmax. The subtraction is rounded to float32 before Exp, and the sum
// is accumulated in float32: eight partial sums on the vector path, one in
// pure Go. As the terms are non-negative, the sum's relative error (beyond
// that of Exp) is below (len(x)/8 + 10) * 6e-8 on the vector path and
// len(x) * 6e-8 in pure Go, and in practice far smaller; the two paths' sums
// differ by rounding only.
func ExpShiftSum(x []float32, shift float32) float32 {
	return expShiftSum(useAsm, x, shift)
}

func expShiftSum(asm bool, x []float32, shift float32) float32 {
	var sum float32
	if asm {
		n := vecLen(len(x))
		sum = expShiftSumAVX2(x[:n], shift)
		x = x[n:]
	}
	return sum + expShiftSumGeneric(x, shift)
}

// SumExpShift returns the sum of Exp(x[i]-shift) as ExpShiftSum does,
// leaving x unchanged.
func SumExpShift(x []float32, shift float32) float32 {
	return sumExpShift(useAsm, x, shift)
}

func sumExpShift(asm bool, x []float32, shift float32) float32 {
	var sum float32
	if asm {
		n := vecLen(len(x))
		sum = sumExpShiftAVX2(x[:n], shift)
		x = x[n:]
	}
	return sum + sumExpShiftGeneric(x, shift)
}

// AddConst adds c to every x[i].
func AddConst(x []float32, c float32) { addConst(useAsm, x, c) }

func addConst(asm bool, x []float32, c float32) {
	if asm {
		n := vecLen(len(x))
		addConstAVX2(x[:n], c)
		x = x[n:]
	}
	addConstGeneric(x, c)
}

// Index returns the first i with x[i] == v, or -1 (always -1 for a NaN v).
func Index(x []float32, v float32) int { return index(useAsm, x, v, indexAVX2, indexGeneric) }

// IndexAtLeast returns the first i with x[i] >= v, or -1. NaNs never
// qualify.
func IndexAtLeast(x []float32, v float32) int {
	return index(useAsm, x, v, indexAtLeastAVX2, indexAtLeastGeneric)
}

// index runs a search kernel on whole vectors and its Go version on the
// rest.
func index(asm bool, x []float32, v float32, vec, scalar func([]float32, float32) int) int {
	if !asm {
		return scalar(x, v)
	}
	n := vecLen(len(x))
	if i := vec(x[:n], v); i >= 0 {
		return i
	}
	if i := scalar(x[n:], v); i >= 0 {
		return n + i
	}
	return -1
}

// Max returns the largest element of x, -Inf if x is empty, or NaN if any
// element is NaN. Which zero it returns when the maximum is ±0 is unspecified.
func Max(x []float32) float32 {
	return maxSlice(useAsm, x)
}

func maxSlice(asm bool, x []float32) float32 {
	m := float32(math.Inf(-1))
	if asm {
		n := vecLen(len(x))
		if n > 0 {
			m = maxAVX2(x[:n])
		}
		x = x[n:]
	}
	return maxGeneric(m, x)
}

// Dot returns the sum of x[i]*y[i], accumulated in float32. It panics if the
// lengths differ.
func Dot(x, y []float32) float32 {
	return dot(useAsm, x, y)
}

func dot(asm bool, x, y []float32) float32 {
	if len(x) != len(y) {
		panic("linalg: Dot length mismatch")
	}
	var sum float32
	if asm {
		n := vecLen(len(x))
		sum = dotAVX2(x[:n], y[:n])
		x, y = x[n:], y[n:]
	}
	return sum + dotGeneric(x, y)
}

// Axpy adds alpha*x[i] to every y[i]. It panics if the lengths differ.
func Axpy(alpha float32, x, y []float32) {
	axpy(useAsm, alpha, x, y)
}

func axpy(asm bool, alpha float32, x, y []float32) {
	if len(x) != len(y) {
		panic("linalg: Axpy length mismatch")
	}
	if asm {
		n := vecLen(len(x))
		axpyAVX2(alpha, x[:n], y[:n])
		x, y = x[n:], y[n:]
	}
	axpyGeneric(alpha, x, y)
}
