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
func sgemmKernel12x32(k int, a, b *float32, ldb int, c *float32, ldc int, alpha float32, bias *float32)

// sgemmKernel6x16 is microKernel.fn for a 6 x 16 tile on AVX2+FMA; see sgemm_amd64.s.
//
//go:noescape
func sgemmKernel6x16(k int, a, b *float32, ldb int, c *float32, ldc int, alpha float32, bias *float32)

// transpose8x8AVX transposes blocks 8x8 blocks of src into dst; see sgemm_amd64.s.
//
//go:noescape
func transpose8x8AVX(dst *float32, ldd int, src *float32, lds int, blocks int)

// transpose8Rows stores src[r*lds+p] at dst[p*ldd+r] for r < 8 and
// p < kc, the first kc&^7 steps with AVX (8 floats per row of dst).
func transpose8Rows(dst []float32, ldd int, src []float32, lds, kc int) {
	done := 0
	if haveAVX2FMA {
		done = kc &^ 7
		if done > 0 {
			_ = src[7*lds+done-1]
			_ = dst[(done-1)*ldd+7]
			transpose8x8AVX(&dst[0], ldd, &src[0], lds, done/8)
		}
	}
	for r := 0; r < 8 && done < kc; r++ {
		transposeInto(dst[done*ldd+r:], ldd, src[r*lds+done:r*lds+kc])
	}
}
