//go:build !amd64 || purego

package linalg

// The functions below stand in for the amd64 assembly kernels so that the
// package builds everywhere; they are never called in normal use, but they
// compute the same results on len&^7 elements in case they are.

func adamUpdateAVX2(w, g, m, v []float32, p AdamParams) {
	adamUpdateGeneric(w[:vecLen(len(w))], g, m, v, p)
}

func sumSquaresAVX2(x []float32) float64 { return sumSquaresGeneric(x[:vecLen(len(x))]) }
