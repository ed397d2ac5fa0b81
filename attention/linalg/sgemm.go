package linalg

import (
	"sync"
	"unsafe"
)

// The project's own sgemm, the "asm" backend: a GotoBLAS/BLIS-style blocked
// product around a register-tiled micro-kernel in assembly
// (sgemm_amd64.s). C is scaled by beta once; then for each block of kc
// steps of k and nc columns, B is packed into panels of nr columns (kc x nr
// floats, contiguous, zero-padded), and for each block of mc rows A is
// packed into panels of mr rows (kc x mr floats); the micro-kernel adds
// alpha times one mr x nr tile of the product to C, keeping the tile in
// registers for all kc steps. The B panel stays in the L1 cache across
// the row panels, the packed block of A in L2. Tiles at the edges of C
// are computed into a scratch tile and copied. Large products are split
// over the cores by splitGemm, as for OpenBLAS.

// microKernel is one register-tiled kernel and the block sizes that suit it.
type microKernel struct {
	name   string
	mr, nr int // tile of C kept in registers
	mc, kc int // rows and depth of a packed block of A
	nc     int // columns of a packed block of B
	// fn adds alpha * A B to the mr x nr tile at c (row stride ldc), for a
	// packed A panel (k steps of mr floats) and a B panel (k rows of nr
	// floats, ldb floats apart). k >= 1. With bias non-nil it sets every
	// row of the tile to alpha times its row of A B plus bias[0:nr]
	// instead, without reading the tile.
	fn func(k int, a, b *float32, ldb int, c *float32, ldc int, alpha float32, bias *float32)
}

// maxTile is the largest mr*nr of any kernel (12 x 32), and maxNR the
// largest nr.
const (
	maxTile = 12 * 32
	maxNR   = 32
)

// zeroBias is the bias of a product with beta 0: the kernels then set
// their tiles to alpha A B without reading C.
var zeroBias [maxNR]float32

// packBuffers are the packed blocks of one gemm call.
type packBuffers struct{ a, b []float32 }

var packPool = sync.Pool{New: func() any { return new(packBuffers) }}

// blockedGemm is the single-threaded product with kernel kern; see Gemm
// for the arguments. m, n, k >= 1.
func blockedGemm(kern *microKernel, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	blockedGemmBias(kern, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, nil, c, ldc)
}

// blockedGemmBias is blockedGemm, or with bias non-nil (n floats) the
// product C = alpha op(A) op(B) + bias of GemmBias (beta is then
// ignored). With beta 0 or a bias, the first block of k steps sets C
// instead of adding to it, so that C is neither cleared nor read first.
func blockedGemmBias(kern *microKernel, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, bias, c []float32, ldc int) {
	set := bias != nil || beta == 0
	if alpha == 0 || m == 1 {
		switch {
		case bias != nil:
			setRows(c, m, n, ldc, bias)
		case beta != 1:
			Scale(c, m, n, ldc, beta)
		}
		if alpha != 0 {
			rowGemv(transA, transB, n, k, alpha, a, lda, b, ldb, c)
		}
		return
	}
	if !set && beta != 1 {
		Scale(c, m, n, ldc, beta)
	}
	mr, nr := kern.mr, kern.nr
	kcMax := min(kern.kc, k)
	mcMax := min(kern.mc, roundUp(m, mr))
	ncMax := min(kern.nc, roundUp(n, nr))
	buf := packPool.Get().(*packBuffers)
	defer packPool.Put(buf)
	buf.a = grow(buf.a, mcMax*kcMax)
	buf.b = grow(buf.b, ncMax*kcMax)
	var edge [maxTile]float32
	for j0 := 0; j0 < n; j0 += ncMax {
		nc := min(ncMax, n-j0)
		for p0 := 0; p0 < k; p0 += kcMax {
			kc := min(kcMax, k-p0)
			first := set && p0 == 0 // this block sets C
			packB(buf.b, transB, b, ldb, p0, kc, j0, nc, nr)
			for i0 := 0; i0 < m; i0 += mcMax {
				mc := min(mcMax, m-i0)
				packA(buf.a, transA, a, lda, i0, mc, p0, kc, mr)
				for jr := 0; jr < nc; jr += nr {
					cols := min(nr, nc-jr)
					bp := &buf.b[jr*kc]
					var tileBias *float32 // nil: add to C
					if first {
						tileBias = &zeroBias[0]
						if bias != nil && cols == nr {
							_ = bias[j0+jr+nr-1]
							tileBias = &bias[j0+jr]
						}
					}
					for ir := 0; ir < mc; ir += mr {
						rows := min(mr, mc-ir)
						ap := &buf.a[ir*kc]
						ci := (i0+ir)*ldc + j0 + jr
						if rows == mr && cols == nr {
							_ = c[ci+(mr-1)*ldc+nr-1]
							kern.fn(kc, ap, bp, nr, &c[ci], ldc, alpha, tileBias)
							continue
						}
						tile := edge[:mr*nr]
						clear(tile)
						kern.fn(kc, ap, bp, nr, &tile[0], nr, alpha, nil)
						for r := range rows {
							row := c[ci+r*ldc : ci+r*ldc+cols]
							switch {
							case !first:
								for j, v := range tile[r*nr : r*nr+cols] {
									row[j] += v
								}
							case bias != nil:
								for j, v := range tile[r*nr : r*nr+cols] {
									row[j] = bias[j0+jr+j] + v
								}
							default:
								for j, v := range tile[r*nr : r*nr+cols] {
									row[j] = 0 + v // as adding to a cleared C: -0 becomes 0
								}
							}
						}
					}
				}
			}
		}
	}
}

// setRows sets every row of the m x n matrix C (row stride ldc) to bias.
func setRows(c []float32, m, n, ldc int, bias []float32) {
	for i := range m {
		copy(c[i*ldc:i*ldc+n], bias[:n])
	}
}

func roundUp(x, to int) int { return (x + to - 1) / to * to }

// packA packs rows i0..i0+mc-1, columns p0..p0+kc-1 of op(A) into dst as
// panels of mr rows: element (i, p) of panel q at q*mr*kc + p*mr + i, the
// rows past mc zero.
func packA(dst []float32, transA bool, a []float32, lda, i0, mc, p0, kc, mr int) {
	for q := 0; q*mr < mc; q++ {
		rows := min(mr, mc-q*mr)
		d := dst[q*mr*kc : (q+1)*mr*kc]
		r0 := i0 + q*mr
		if transA { // op(A)[i, p] = a[p*lda+i]: rows of the panel are contiguous
			for p := range kc {
				copy(d[p*mr:p*mr+rows], a[(p0+p)*lda+r0:])
				clear(d[p*mr+rows : (p+1)*mr])
			}
			continue
		}
		if rows >= 8 {
			// Eight rows at a time, transposed in registers; the last
			// group overlaps the one before when rows is not a multiple
			// of eight (12-row panels: rows 0-7, then 4-11).
			for i := 0; i < rows; i += 8 {
				i := min(i, rows-8)
				transpose8Rows(d[i:], mr, a[(r0+i)*lda+p0:], lda, kc)
			}
		} else {
			for i := range rows {
				transposeInto(d[i:], mr, a[(r0+i)*lda+p0:(r0+i)*lda+p0+kc])
			}
		}
		for i := rows; i < mr; i++ {
			for p := range kc {
				d[p*mr+i] = 0
			}
		}
	}
}

// packB packs rows p0..p0+kc-1, columns j0..j0+nc-1 of op(B) into dst as
// panels of nr columns: element (p, j) of panel q at q*nr*kc + p*nr + j,
// the columns past nc zero.
func packB(dst []float32, transB bool, b []float32, ldb, p0, kc, j0, nc, nr int) {
	for q := 0; q*nr < nc; q++ {
		cols := min(nr, nc-q*nr)
		d := dst[q*nr*kc : (q+1)*nr*kc]
		c0 := j0 + q*nr
		if !transB { // op(B)[p, j] = b[p*ldb+j]: rows of the panel are contiguous
			for p := range kc {
				copy(d[p*nr:p*nr+cols], b[(p0+p)*ldb+c0:])
				clear(d[p*nr+cols : (p+1)*nr])
			}
			continue
		}
		j := 0
		for ; j+8 <= cols; j += 8 { // eight columns at a time, transposed in registers
			transpose8Rows(d[j:], nr, b[(c0+j)*ldb+p0:], ldb, kc)
		}
		for ; j < cols; j++ {
			transposeInto(d[j:], nr, b[(c0+j)*ldb+p0:(c0+j)*ldb+p0+kc])
		}
		for j := cols; j < nr; j++ {
			for p := range kc {
				d[p*nr+j] = 0
			}
		}
	}
}

// transposeInto stores src[p] at dst[p*stride] for every p.
func transposeInto(dst []float32, stride int, src []float32) {
	if len(src) == 0 {
		return
	}
	_ = dst[(len(src)-1)*stride]
	base := unsafe.Pointer(unsafe.SliceData(dst))
	for p, v := range src {
		*(*float32)(unsafe.Add(base, 4*p*stride)) = v
	}
}

// rowGemv computes the one-row product c[1, n] += alpha * op(a)[1, k] *
// op(B)[k, n] (C already scaled by beta) with the vector kernels, spread
// over the cores by columns: a matrix-vector product streams B once,
// where the blocked product would pack it first.
func rowGemv(transA, transB bool, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, c []float32) {
	x := a[:k]
	if transA { // a is a column of the stored [k, 1+] matrix
		buf := packPool.Get().(*packBuffers)
		defer packPool.Put(buf)
		buf.a = grow(buf.a, k)
		for p := range k {
			buf.a[p] = a[p*lda]
		}
		x = buf.a
	}
	if transB { // c[j] += alpha * dot(x, B[j, :])
		Parallel(n, k, func(lo, hi int) {
			for j := lo; j < hi; j++ {
				c[j] += alpha * Dot(x, b[j*ldb:j*ldb+k])
			}
		})
		return
	}
	// c += sum over p of alpha x[p] B[p, :], in column blocks.
	Parallel(n, k, func(lo, hi int) {
		for p, v := range x {
			if v != 0 {
				Axpy(alpha*v, b[p*ldb+lo:p*ldb+hi], c[lo:hi])
			}
		}
	})
}
