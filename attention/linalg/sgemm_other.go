//go:build !amd64 || purego

package linalg

// asmKernels is empty: there is no sgemm assembly for this architecture,
// and Gemm runs on OpenBLAS or gonum.
func asmKernels() []*microKernel { return nil }
