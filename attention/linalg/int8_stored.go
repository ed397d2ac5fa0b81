package linalg

import "fmt"

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
// matrix is packed from them once, with no other copy.
func NewInt8MatrixFrom[T int8 | byte](n, k int, vals []T, ldv int, scale []float32) (*Int8Matrix, error) {
	if n <= 0 || k <= 0 || ldv < k || len(vals) < (n-1)*ldv+k || len(scale) != n {
		return nil, fmt.Errorf("int8 matrix: bad shape %dx%d (stride %d, %d values, %d scales)", n, k, ldv, len(vals), len(scale))
	}
	q := newInt8Matrix(n, k)
	for j := range n {
		if !(scale[j] >= 0) || scale[j] > 1e38 {
			return nil, fmt.Errorf("int8 matrix: row %d has scale %v, want a finite value >= 0", j, scale[j])
		}
		q.scale[j] = scale[j]
		s0, b, c := j/int8Strip, (j%int8Strip)/16, j%16
		// Input i of the row goes to byte i%4 of group i/4 (see setRow).
		dst := q.packed[((s0*q.k4)*4+b)*64+c*4:]
		for i, v := range vals[j*ldv : j*ldv+k] {
			if int8(v) == -128 {
				return nil, fmt.Errorf("int8 matrix: row %d holds -128, want values in [-127, 127]", j)
			}
			dst[(i>>2)<<8|i&3] = uint8(v) ^ 0x80 // q + 128
		}
	}
	return q, nil
}
