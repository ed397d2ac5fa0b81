package linalg

import (
	"fmt"
	"math"
	"os"
	"strings"
	"sync"
)

// Int8 matrix products for inference.
//
// Int8Matrix holds a weight matrix W (n x k, one row per output unit)
// quantized to signed 8-bit integers with one scale per row, packed for
// the product kernel. MulAdd computes C += A Wᵀ for float32 activations A:
// each row of A is quantized on the fly with a scale of its own
// (max |a| / 127), the product is accumulated exactly in int32 and scaled
// back to float32. The relative error of each result is about 1% of the
// largest terms; the decoder uses it where a translation does not depend
// on the last digits (translation quality is measured in docs/benchmarks.md).
//
// On amd64 processors with AVX-512 VNNI the products run on VPDPBUSD,
// which multiplies and adds 64 byte pairs per instruction, four times the
// work of a float32 fused multiply-add; on amd64 processors with AVX2 only
// (most laptops) on VPMADDUBSW and VPMADDWD, 32 byte pairs in four
// instructions; elsewhere a pure-Go loop computes the same integers
// (slowly: callers should use Gemm there, see Int8Fast). NMT_NOASM=1
// forces the Go loop; NMT_INT8=avx2 forces the AVX2 kernel on a CPU that
// also has VNNI (to test it), NMT_INT8=go the Go loop.

// int8Kernel is an implementation of the strip product.
type int8Kernel int

const (
	int8Go   int8Kernel = iota // the pure-Go loop
	int8AVX2                   // VPMADDUBSW + VPMADDWD, int8avx2_amd64.s
	int8VNNI                   // AVX-512 VNNI VPDPBUSD, int8_amd64.s
)

func (k int8Kernel) String() string {
	return [...]string{"go", "avx2", "avx512-vnni"}[k]
}

// int8Kernels lists the kernels this CPU runs, the fastest last.
func int8Kernels() []int8Kernel {
	ks := []int8Kernel{int8Go}
	if haveAVX2FMA {
		ks = append(ks, int8AVX2)
	}
	if haveVNNI {
		ks = append(ks, int8VNNI)
	}
	return ks
}

// chooseInt8Kernel picks the kernel for the settings of NMT_NOASM and
// NMT_INT8: the fastest available unless one is asked for.
func chooseInt8Kernel(noAsm, setting string) int8Kernel {
	ks := int8Kernels()
	if noAsmRequested(noAsm) {
		return int8Go
	}
	for _, k := range ks {
		if setting != "" && strings.EqualFold(setting, k.String()) {
			return k
		}
	}
	return ks[len(ks)-1]
}

// int8Impl is the kernel in use, fixed when the package is initialised
// (tests switch it).
var int8Impl = chooseInt8Kernel(os.Getenv(EnvNoAsm), os.Getenv(EnvInt8))

// Int8Fast reports whether MulAdd runs on a vector kernel; when it is
// false, float32 Gemm is faster.
func Int8Fast() bool { return int8Impl != int8Go }

// Int8CPU reports whether the CPU runs an int8 vector kernel, whether or
// not NMT_NOASM turns it off.
func Int8CPU() bool { return len(int8Kernels()) > 1 }

// Int8Backend names the implementation of MulAdd: "avx512-vnni", "avx2" or "go".
func Int8Backend() string { return int8Impl.String() }

const (
	int8Strip = 64 // output columns per packed strip
	int8Rows  = 6  // rows of A per kernel call
)

// Int8Matrix is a quantized, packed n x k weight matrix. It is read-only
// after NewInt8Matrix and safe for concurrent use.
type Int8Matrix struct {
	n, k  int
	k4    int       // k rounded up to a multiple of 4, divided by 4
	scale []float32 // n scales, padded with zeros to whole strips
	// packed holds the strips: for strip s, group g (inputs 4g..4g+3),
	// block b (16 columns) and column j of the block, the four bytes
	// q+128 of inputs 4g..4g+3 of output s*64+b*16+j, at
	// ((s*k4+g)*4+b)*64 + j*4.
	packed []uint8
}

// NewInt8Matrix quantizes the n x k row-major matrix w (row stride ldw).
// It fails if w holds a NaN or an infinity.
func NewInt8Matrix(n, k int, w []float32, ldw int) (*Int8Matrix, error) {
	if n <= 0 || k <= 0 || ldw < k || len(w) < (n-1)*ldw+k {
		return nil, fmt.Errorf("int8 matrix: bad shape %dx%d (stride %d, %d values)", n, k, ldw, len(w))
	}
	q := newInt8Matrix(n, k)
	for j := range n {
		if err := q.setRow(j, w[j*ldw:j*ldw+k]); err != nil {
			return nil, err
		}
	}
	return q, nil
}

// Int8RowBlock is the number of rows NewInt8MatrixRows asks for at once.
const Int8RowBlock = int8Strip

// NewInt8MatrixRows quantizes an n x k matrix whose rows read gives a
// block at a time, so that the float32 matrix is never held whole (a
// model's weights can be quantized straight from its file): read(j0, j1,
// dst) writes rows j0 to j1-1 into dst, k values each, at most
// Int8RowBlock rows per call. It fails if read fails or gives a NaN or an
// infinity.
func NewInt8MatrixRows(n, k int, read func(j0, j1 int, dst []float32) error) (*Int8Matrix, error) {
	if n <= 0 || k <= 0 {
		return nil, fmt.Errorf("int8 matrix: bad shape %dx%d", n, k)
	}
	q := newInt8Matrix(n, k)
	buf := make([]float32, min(n, Int8RowBlock)*k)
	for j0 := 0; j0 < n; j0 += Int8RowBlock {
		j1 := min(j0+Int8RowBlock, n)
		block := buf[:(j1-j0)*k]
		if err := read(j0, j1, block); err != nil {
			return nil, err
		}
		for j := j0; j < j1; j++ {
			if err := q.setRow(j, block[(j-j0)*k:(j-j0+1)*k]); err != nil {
				return nil, err
			}
		}
	}
	return q, nil
}

// newInt8Matrix returns an n x k matrix of zeros.
func newInt8Matrix(n, k int) *Int8Matrix {
	q := newUnfilledInt8Matrix(n, k)
	fill(q.packed, 128) // zero weights
	return q
}

// newUnfilledInt8Matrix is newInt8Matrix with every packed byte 0: the
// caller stores all n rows and then calls fillPadding.
func newUnfilledInt8Matrix(n, k int) *Int8Matrix {
	strips := (n + int8Strip - 1) / int8Strip
	k4 := (k + 3) / 4
	return &Int8Matrix{n: n, k: k, k4: k4, scale: make([]float32, strips*int8Strip),
		packed: make([]uint8, strips*k4*4*int8Strip)}
}

// fillPadding sets to zero weights (128) the packed bytes no row stores:
// the inputs past k of rows 0..n-1, and every input of the rows past n in
// the last strip.
func (q *Int8Matrix) fillPadding() {
	for j := range len(q.scale) { // the rows of all strips
		from := q.k
		if j >= q.n {
			from = 0
		} else if q.k%4 == 0 {
			continue
		}
		s0, b, c := j/int8Strip, (j%int8Strip)/16, j%16
		dst := q.packed[((s0*q.k4)*4+b)*64+c*4:]
		for i := from; i < 4*q.k4; i++ {
			dst[(i>>2)<<8|i&3] = 128
		}
	}
}

// setRow quantizes row j, k values, into q: scale amax/127 and values
// round(v * 127/amax) (ties to even), amax the largest magnitude of the
// row. TestSetRowMatchesReference keeps it exact against the plain
// formulation.
func (q *Int8Matrix) setRow(j int, row []float32) error {
	// A non-negative float's bits order as its value: the magnitudes'
	// maximum is an integer maximum, and anything from the bits of +Inf
	// up is Inf or NaN.
	const inf = 0x7f800000
	var amaxBits uint32
	for _, v := range row {
		amaxBits = max(amaxBits, math.Float32bits(v)&^(1<<31))
	}
	if amaxBits >= inf {
		return fmt.Errorf("int8 matrix: row %d has a non-finite value", j)
	}
	amax := math.Float32frombits(amaxBits)
	inv := 127 / amax
	if amax == 0 || math.IsInf(float64(inv), 1) {
		return nil // a zero row, or one so small (below 4e-37) that it counts as zero
	}
	q.scale[j] = amax / 127
	s0, b, c := j/int8Strip, (j%int8Strip)/16, j%16
	// Input i of the row goes to byte t = i%4 of group g = i/4, at
	// ((s0*k4+g)*4+b)*64 + c*4 + t: groups are 256 bytes apart.
	dst := q.packed[((s0*q.k4)*4+b)*64+c*4:]
	for i, v := range row {
		// Rounding x + 1.5*2^23 to float32 rounds x to an integer, ties
		// to even, exactly as math.RoundToEven does for |x| < 2^22
		// (here |x| <= 127).
		x := float32(v * inv) // rounded: never fused with the addition
		r := float32(float32(x+roundMagic) - roundMagic)
		qv := max(-127, min(127, int32(r)))
		dst[(i>>2)<<8|i&3] = uint8(qv + 128)
	}
	return nil
}

// roundMagic is 1.5*2^23: float32 values from 2^23 on are integers.
const roundMagic = 0x1.8p23

func abs32(v float32) float32 { return math.Float32frombits(math.Float32bits(v) &^ (1 << 31)) }

// Rows is n, the number of outputs; Cols is k, the number of inputs.
func (q *Int8Matrix) Rows() int { return q.n }

// Cols is k, the number of inputs.
func (q *Int8Matrix) Cols() int { return q.k }

// Bytes is the memory the packed matrix takes.
func (q *Int8Matrix) Bytes() int { return len(q.packed) + 4*len(q.scale) }

// int8Acts is the quantized A of one MulAdd call.
type int8Acts struct {
	q     []int8    // rows padded to a multiple of int8Rows, k4*4 bytes each
	scale []float32 // per row
	corr  []int32   // -128 * sum of the row's quantized values
}

var int8ActsPool = sync.Pool{New: func() any { return new(int8Acts) }}

// MulAdd computes C += A Wᵀ, where A is m x k (row stride lda) and C is
// m x n (row stride ldc), with int8 arithmetic.
func (q *Int8Matrix) MulAdd(m int, a []float32, lda int, c []float32, ldc int) {
	q.mul(m, a, lda, nil, c, ldc)
}

// MulSet computes C = A Wᵀ + bias, bias (of n) added to every row; C
// need not be initialised.
func (q *Int8Matrix) MulSet(m int, a []float32, lda int, bias, c []float32, ldc int) {
	if len(bias) < q.n {
		panic(fmt.Sprintf("linalg.Int8Matrix.MulSet: %d biases for %d outputs", len(bias), q.n))
	}
	q.mul(m, a, lda, bias, c, ldc)
}

func (q *Int8Matrix) mul(m int, a []float32, lda int, bias, c []float32, ldc int) {
	if m == 0 {
		return
	}
	if lda < q.k || ldc < q.n || len(a) < (m-1)*lda+q.k || len(c) < (m-1)*ldc+q.n {
		// A programming error inside the model, never a user input.
		panic(fmt.Sprintf("linalg.Int8Matrix: bad dimensions m=%d n=%d k=%d len(a)=%d lda=%d len(c)=%d ldc=%d",
			m, q.n, q.k, len(a), lda, len(c), ldc))
	}
	acts := int8ActsPool.Get().(*int8Acts)
	defer int8ActsPool.Put(acts)
	q.quantizeActs(acts, m, a, lda)
	strips := len(q.scale) / int8Strip
	Parallel(strips, m*q.k*int8Strip/8, func(lo, hi int) {
		var tail [int8Rows * int8Strip]float32
		for s := lo; s < hi; s++ {
			j0 := s * int8Strip
			cols := min(int8Strip, q.n-j0)
			var b []float32 // bias of the strip, nil to accumulate
			if bias != nil && cols == int8Strip {
				b = bias[j0 : j0+int8Strip]
			}
			for r0 := 0; r0 < m; r0 += int8Rows {
				rows := min(int8Rows, m-r0)
				if cols == int8Strip {
					q.strip(acts, r0, rows, s, b, c[r0*ldc+j0:], ldc)
					continue
				}
				// Last, narrower strip: work on a full-width copy.
				for r := range rows {
					from := c[(r0+r)*ldc+j0:]
					if bias != nil {
						from = bias[j0:]
					}
					copy(tail[r*int8Strip:r*int8Strip+cols], from[:cols])
				}
				q.strip(acts, r0, rows, s, nil, tail[:], int8Strip)
				for r := range rows {
					copy(c[(r0+r)*ldc+j0:(r0+r)*ldc+j0+cols], tail[r*int8Strip:])
				}
			}
		}
	})
}

// quantizeActs fills acts with the rows of A.
func (q *Int8Matrix) quantizeActs(acts *int8Acts, m int, a []float32, lda int) {
	ld := q.k4 * 4
	padded := (m + int8Rows - 1) / int8Rows * int8Rows
	acts.q = grow(acts.q, padded*ld)
	clear(acts.q[m*ld:]) // the padding rows
	acts.scale = grow(acts.scale, m)
	acts.corr = grow(acts.corr, m)
	for r := range m {
		row := acts.q[r*ld : (r+1)*ld]
		clear(row[q.k:]) // inputs past k, up to a multiple of 4
		acts.scale[r], acts.corr[r] = quantizeRow(a[r*lda:r*lda+q.k], row[:q.k])
	}
}

// quantizeRow sets q (as long as x) to round(x * 127 / max|x|) and returns the scale
// max|x| / 127 and -128 * sum(q). A zero row, or one so small (below
// 4e-37) that 127 / max|x| overflows, gives scale 0 and zero outputs; a
// row with a NaN or an infinity gives scale NaN (and NaN outputs).
func quantizeRow(x []float32, q []int8) (scale float32, corr int32) {
	n := 0
	var amaxBits uint32
	if int8Impl == int8VNNI { // the AVX-512 helpers; the Go loop otherwise
		n = len(x) &^ 15
		amaxBits = int8AbsMaxBitsAVX512(x[:n])
	}
	for _, v := range x[n:] {
		amaxBits = max(amaxBits, math.Float32bits(v)&^(1<<31))
	}
	amax := math.Float32frombits(amaxBits)
	inv := 127 / amax
	switch {
	case amaxBits >= 0x7f800000: // infinity or NaN
		clear(q)
		return float32(math.NaN()), 0
	case amax == 0 || math.IsInf(float64(inv), 1):
		clear(q)
		return 0, 0 // a zero row, or one so small (below 4e-37) that it counts as zero
	}
	var sum int32
	if n > 0 {
		sum = int8QuantAVX512(x[:n], inv, &q[0])
	}
	for i, v := range x[n:] {
		qv := int32(math.RoundToEven(float64(v * inv)))
		qv = max(-127, min(127, qv))
		q[n+i] = int8(qv)
		sum += qv
	}
	return amax / 127, -128 * sum
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// strip adds rows r0..r0+rows-1 of A times strip s of W to out (rows x 64,
// stride ldo), or sets out to that plus bias (64 floats) if bias is not nil.
func (q *Int8Matrix) strip(acts *int8Acts, r0, rows, s int, bias, out []float32, ldo int) {
	ld := q.k4 * 4
	b := q.packed[s*q.k4*4*int8Strip : (s+1)*q.k4*4*int8Strip]
	sw := q.scale[s*int8Strip : (s+1)*int8Strip]
	if int8Impl != int8Go {
		_ = out[(rows-1)*ldo+int8Strip-1]
		_ = acts.q[(r0+int8Rows)*ld-1]
		var bp *float32
		if bias != nil {
			_ = bias[int8Strip-1]
			bp = &bias[0]
		}
		kernel := int8StripVNNI
		if int8Impl == int8AVX2 {
			kernel = int8StripAVX2
		}
		kernel(&acts.q[r0*ld], ld, &b[0], q.k4, &acts.corr[r0], &acts.scale[r0], &sw[0], &out[0], ldo, rows, bp)
		return
	}
	if bias != nil {
		for r := range rows {
			copy(out[r*ldo:r*ldo+int8Strip], bias)
		}
	}
	int8StripGeneric(acts.q[r0*ld:], ld, b, q.k4, acts.corr[r0:], acts.scale[r0:], sw, out, ldo, rows)
}

// int8StripGeneric is the pure-Go int8StripVNNI (accumulating).
func int8StripGeneric(a []int8, lda int, b []uint8, k4 int, corr []int32, sa, sw, c []float32, ldc, rows int) {
	var acc [int8Strip]int32
	for r := range rows {
		clear(acc[:])
		ar := a[r*lda : r*lda+k4*4]
		for g := range k4 {
			blk := b[g*4*int8Strip : (g+1)*4*int8Strip]
			a0, a1, a2, a3 := int32(ar[4*g]), int32(ar[4*g+1]), int32(ar[4*g+2]), int32(ar[4*g+3])
			for j := range int8Strip {
				p := blk[j*4 : j*4+4]
				acc[j] += a0*int32(p[0]) + a1*int32(p[1]) + a2*int32(p[2]) + a3*int32(p[3])
			}
		}
		row := c[r*ldc : r*ldc+int8Strip]
		for j := range row {
			row[j] += float32(acc[j]+corr[r]) * sw[j] * sa[r]
		}
	}
}

// fill sets every byte of b to v, doubling the filled part with copy.
func fill(b []byte, v byte) {
	if len(b) == 0 {
		return
	}
	b[0] = v
	for n := 1; n < len(b); n *= 2 {
		copy(b[n:], b[:n])
	}
}
