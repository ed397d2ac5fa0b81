package linalg

import (
	"encoding/binary"
	"fmt"
	"sync"
	"unsafe"
)

// Int8 matrices as stored in a file: the quantized values and the row
// scales that NewInt8Matrix computed, so that a matrix quantized once
// (when a model file is exported) is rebuilt exactly when it is loaded.

// Quantized returns the matrix's quantized values q [n, k] (row-major)
// and its row scales [n]: row j of the matrix it was made from is
// approximately q[j] * scale[j]. NewInt8MatrixFrom(n, k, q, k, scale)
// rebuilds the same matrix.
func (q *Int8Matrix) Quantized() (vals []int8, scale []float32) {
	vals = make([]int8, q.n*q.k)
	for j := range q.n {
		s0, b, c := j/int8Strip, (j%int8Strip)/16, j%16
		for i := range q.k {
			g, t := i/4, i%4
			vals[j*q.k+i] = int8(int32(q.packed[((s0*q.k4+g)*4+b)*64+c*4+t]) - 128)
		}
	}
	return vals, append([]float32(nil), q.scale[:q.n]...)
}

// NewInt8MatrixFrom packs the quantized n x k matrix vals (row stride
// ldv, values in [-127, 127]) with its row scales [n], as returned by
// Quantized. vals may also be the values' bytes (two's complement) as a
// file stores them, such as a safetensors I8 tensor read in place: the
// matrix is packed from them once, with no other copy. Rows are packed on
// up to GOMAXPROCS goroutines (loading a model packs tens of megabytes);
// a bad value or scale is reported for the first row that has one.
func NewInt8MatrixFrom[T int8 | byte](n, k int, vals []T, ldv int, scale []float32) (*Int8Matrix, error) {
	if n <= 0 || k <= 0 || ldv < k || len(vals) < (n-1)*ldv+k || len(scale) != n {
		return nil, fmt.Errorf("int8 matrix: bad shape %dx%d (stride %d, %d values, %d scales)", n, k, ldv, len(vals), len(scale))
	}
	q := newUnfilledInt8Matrix(n, k) // the rows fill it, then fillPadding
	// The values as bytes: int8 and byte have the same size and bits.
	raw := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(vals))), len(vals))
	var mu sync.Mutex
	bad, badErr := n, error(nil) // the first bad row and its error
	Parallel(n, k, func(lo, hi int) {
		for j := lo; j < hi; j++ {
			if err := q.packStoredRow(j, raw[j*ldv:j*ldv+k], scale[j]); err != nil {
				mu.Lock()
				if j < bad {
					bad, badErr = j, err
				}
				mu.Unlock()
				return
			}
		}
	})
	if badErr != nil {
		return nil, badErr
	}
	q.fillPadding()
	return q, nil
}

// packStoredRow stores row j, the k bytes of its int8 values, and its
// scale. Input i of the row goes to byte i%4 of group i/4 (see setRow), as
// q+128: four inputs are moved as one 32-bit word, flipped by 0x80 in each
// byte, and a flipped byte of 0 is the byte 0x80 of -128.
func (q *Int8Matrix) packStoredRow(j int, row []byte, scale float32) error {
	if !(scale >= 0) || scale > 1e38 {
		return fmt.Errorf("int8 matrix: row %d has scale %v, want a finite value >= 0", j, scale)
	}
	q.scale[j] = scale
	s0, b, c := j/int8Strip, (j%int8Strip)/16, j%16
	dst := q.packed[((s0*q.k4)*4+b)*64+c*4:]
	const highs, ones = 0x80808080, 0x01010101 // 0x80 and 0x01 in each byte
	g := 0
	for ; 4*g+4 <= len(row); g++ {
		v := binary.LittleEndian.Uint32(row[4*g:]) ^ highs
		if (v-ones)&^v&highs != 0 { // a byte of v is 0
			return errMinus128(j)
		}
		binary.LittleEndian.PutUint32(dst[g<<8:], v)
	}
	for i := 4 * g; i < len(row); i++ {
		if row[i] == 0x80 {
			return errMinus128(j)
		}
		dst[(i>>2)<<8|i&3] = row[i] ^ 0x80
	}
	return nil
}

func errMinus128(j int) error {
	return fmt.Errorf("int8 matrix: row %d holds -128, want values in [-127, 127]", j)
}
