//go:build amd64 && !purego

package linalg

import "golang.org/x/sys/cpu"

// asmKernels lists the micro-kernels this CPU can run, fastest first:
// AVX-512 (F, with the ZMM state enabled by the OS, which x/sys/cpu
// checks) and AVX2 with FMA.
func asmKernels() []*microKernel {
	var ks []*microKernel
	if cpu.X86.HasAVX512F {
		ks = append(ks, &microKernel{name: "avx512", mr: 12, nr: 32, mc: 192, kc: 256, nc: 4096, fn: sgemmKernel12x32})
	}
	if haveAVX2FMA {
		ks = append(ks, &microKernel{name: "avx2", mr: 6, nr: 16, mc: 144, kc: 256, nc: 4096, fn: sgemmKernel6x16})
	}
	return ks
}

// sgemmKernel12x32 is microKernel.fn for a 12 x 32 tile on AVX-512; see sgemm_amd64.s.
//
//go:noescape
func sgemmKernel12x32(k int, a, b *float32, ldb int, c *float32, ldc int, alpha float32)

// sgemmKernel6x16 is microKernel.fn for a 6 x 16 tile on AVX2+FMA; see sgemm_amd64.s.
//
//go:noescape
func sgemmKernel6x16(k int, a, b *float32, ldb int, c *float32, ldc int, alpha float32)
