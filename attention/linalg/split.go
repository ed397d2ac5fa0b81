package linalg

import (
	"runtime"
	"sync"
)

type gemmFunc func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)

// gemmBiasFunc is a gemmFunc that also takes the bias of GemmBias (nil
// for a plain product).
type gemmBiasFunc func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, bias, c []float32, ldc int)

// splitGemm runs a large product as independent blocks of C on
// GOMAXPROCS goroutines, each calling the single-threaded gemm. Every
// block packs its share of one operand and all of the other, so the
// split goes along the longer side of C: by rows when m > n (each block
// packs all of B, k x n), by columns otherwise (each packs all of A,
// m x k). Small products run on the calling goroutine.
func splitGemm(gemm gemmFunc, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	withoutBias := func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, _, c []float32, ldc int) {
		gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	}
	splitGemmBias(withoutBias, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, nil, c, ldc)
}

// splitGemmBias is splitGemm for a product with a bias (see GemmBias):
// each block of columns gets its part of the bias.
func splitGemmBias(gemm gemmBiasFunc, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, bias, c []float32, ldc int) {
	const minFlops = 1 << 21 // below ~2 MFLOP a second thread does not pay
	parts := runtime.GOMAXPROCS(0)
	if parts < 2 || 2*m*n*k < minFlops*parts {
		gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, bias, c, ldc)
		return
	}
	var wg sync.WaitGroup
	if m > n && m >= 16*parts {
		chunk := (m + parts - 1) / parts
		for i0 := 0; i0 < m; i0 += chunk {
			rows := min(chunk, m-i0)
			aOff := i0 * lda // rows of A
			if transA {
				aOff = i0 // columns of the stored A
			}
			wg.Go(func() {
				gemm(transA, transB, rows, n, k, alpha, a[aOff:], lda, b, ldb, beta, bias, c[i0*ldc:], ldc)
			})
		}
	} else {
		chunk := (n + parts - 1) / parts
		chunk = (chunk + 15) &^ 15 // keep blocks aligned for the kernels
		for j0 := 0; j0 < n; j0 += chunk {
			cols := min(chunk, n-j0)
			bOff := j0 // columns of B
			if transB {
				bOff = j0 * ldb // rows of the stored B
			}
			var part []float32
			if bias != nil {
				part = bias[j0 : j0+cols]
			}
			wg.Go(func() {
				gemm(transA, transB, m, cols, k, alpha, a, lda, b[bOff:], ldb, beta, part, c[j0:], ldc)
			})
		}
	}
	wg.Wait()
}
