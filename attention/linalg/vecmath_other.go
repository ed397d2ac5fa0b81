//go:build !amd64 || purego

package linalg

import "math"

// haveAVX2FMA is false: there is no assembly for this architecture.
const haveAVX2FMA = false

// haveAVX512 is false likewise.
const haveAVX512 = false

// The functions below stand in for the amd64 assembly kernels so that the
// package builds everywhere; they are never called in normal use, but they
// compute the same results on len&^7 elements in case they are.

func tanhAVX2(x []float32)            { tanhGeneric(x[:vecLen(len(x))]) }
func sigmoidAVX2(x []float32)         { sigmoidGeneric(x[:vecLen(len(x))]) }
func addTanhAVX2(dst, a, b []float32) { addTanhGeneric(dst[:vecLen(len(dst))], a, b) }
func addTanhAVX512(dst, a, b []float32) {
	addTanhGeneric(dst[:len(dst)&^15], a, b)
}
func expAVX2(x []float32) { expGeneric(x[:vecLen(len(x))]) }
func expShiftSumAVX2(x []float32, shift float32) float32 {
	return expShiftSumGeneric(x[:vecLen(len(x))], shift)
}
func maxAVX2(x []float32) float32            { return maxGeneric(float32(math.Inf(-1)), x[:vecLen(len(x))]) }
func dotAVX2(x, y []float32) float32         { return dotGeneric(x[:vecLen(len(x))], y) }
func axpyAVX2(alpha float32, x, y []float32) { axpyGeneric(alpha, x[:vecLen(len(x))], y) }

func sumExpShiftAVX2(x []float32, shift float32) float32 {
	return sumExpShiftGeneric(x[:vecLen(len(x))], shift)
}
func addConstAVX2(x []float32, c float32) { addConstGeneric(x[:vecLen(len(x))], c) }
func indexAVX2(x []float32, v float32) int {
	return indexGeneric(x[:vecLen(len(x))], v)
}

func indexAtLeastAVX2(x []float32, v float32) int {
	return indexAtLeastGeneric(x[:vecLen(len(x))], v)
}
