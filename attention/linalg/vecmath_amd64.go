//go:build amd64 && !purego

package linalg

import "golang.org/x/sys/cpu"

// haveAVX2FMA reports whether the CPU and OS support the AVX2 and FMA
// instructions that vecmath_amd64.s uses.
var haveAVX2FMA = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// haveAVX512 reports whether the CPU and OS support the AVX-512
// foundation instructions of vecmath512_amd64.s.
var haveAVX512 = haveAVX2FMA && cpu.X86.HasAVX512F

// The kernels below process the first len(x)&^7 elements (len(dst)&^7 for
// addTanhAVX2); see vecmath_amd64.s.

//go:noescape
func tanhAVX2(x []float32)

//go:noescape
func sigmoidAVX2(x []float32)

//go:noescape
func addTanhAVX2(dst, a, b []float32)

// addTanhAVX512 processes the first len(dst)&^15 elements; see
// vecmath512_amd64.s.
//
//go:noescape
func addTanhAVX512(dst, a, b []float32)

//go:noescape
func expAVX2(x []float32)

//go:noescape
func expShiftSumAVX2(x []float32, shift float32) float32

//go:noescape
func maxAVX2(x []float32) float32

//go:noescape
func dotAVX2(x, y []float32) float32

//go:noescape
func axpyAVX2(alpha float32, x, y []float32)

//go:noescape
func sumExpShiftAVX2(x []float32, shift float32) float32

//go:noescape
func addConstAVX2(x []float32, c float32)

//go:noescape
func indexAVX2(x []float32, v float32) int

//go:noescape
func indexAtLeastAVX2(x []float32, v float32) int
