//go:build !amd64 || purego

package linalg

// asmKernels is empty: there is no sgemm assembly for this architecture,
// and Gemm runs on OpenBLAS or gonum.
func asmKernels() []*microKernel { return nil }

// transpose8Rows stores src[r*lds+p] at dst[p*ldd+r] for r < 8 and p < kc.
func transpose8Rows(dst []float32, ldd int, src []float32, lds, kc int) {
	for r := range 8 {
		transposeInto(dst[r:], ldd, src[r*lds:r*lds+kc])
	}
}
