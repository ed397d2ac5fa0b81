package linalg

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestInt8MatrixFromQuantized checks that a matrix rebuilt from its
// quantized values and scales is the one quantized (same packing, same
// products), for shapes that are not multiples of the strips, and that
// bad values are refused.
func TestInt8MatrixFromQuantized(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, shape := range [][2]int{{1, 1}, {5, 7}, {70, 33}, {129, 64}, {300, 515}} {
		n, k := shape[0], shape[1]
		w := make([]float32, n*k)
		for i := range w {
			w[i] = float32(r.NormFloat64())
		}
		clear(w[:k]) // a zero row
		q, err := NewInt8Matrix(n, k, w, k)
		if err != nil {
			t.Fatal(err)
		}
		vals, scale := q.Quantized()
		if len(vals) != n*k || len(scale) != n || scale[0] != 0 {
			t.Fatalf("%dx%d: %d values and %d scales (first %v)", n, k, len(vals), len(scale), scale[0])
		}
		for j := range n { // values approximate the weights
			for i := range k {
				if d := float32(vals[j*k+i])*scale[j] - w[j*k+i]; d > scale[j]/2*1.001 || -d > scale[j]/2*1.001 {
					t.Fatalf("%dx%d: (%d,%d) is %d * %v, weight %v", n, k, j, i, vals[j*k+i], scale[j], w[j*k+i])
				}
			}
		}
		p, err := NewInt8MatrixFrom(n, k, vals, k, scale)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(p.packed, q.packed) || !slices.Equal(p.scale, q.scale) || p.k4 != q.k4 {
			t.Errorf("%dx%d: rebuilt matrix differs from the quantized one", n, k)
		}
		raw := make([]byte, len(vals)) // as a file stores them
		for i, v := range vals {
			raw[i] = byte(v)
		}
		b, err := NewInt8MatrixFrom(n, k, raw, k, scale)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(b.packed, q.packed) || !slices.Equal(b.scale, q.scale) {
			t.Errorf("%dx%d: matrix packed from the stored bytes differs from the quantized one", n, k)
		}
	}
	if _, err := NewInt8MatrixFrom(1, 2, []int8{-128, 0}, 2, []float32{1}); err == nil {
		t.Error("accepted -128")
	}
	if _, err := NewInt8MatrixFrom(1, 2, []byte{0, 0x80}, 2, []float32{1}); err == nil {
		t.Error("accepted the byte of -128")
	}
	// -128 in a row's 4-byte groups and in its tail, in rows packed on
	// several goroutines: the error names the first row that holds it.
	for _, c := range []struct{ n, k, row, col int }{
		{3, 8, 1, 5}, {3, 9, 2, 8}, {600, 300, 400, 3}, {600, 301, 599, 300},
	} {
		raw := make([]byte, c.n*c.k)
		scale := make([]float32, c.n)
		raw[c.row*c.k+c.col] = 0x80
		if c.n > 100 {
			raw[(c.n-1)*c.k] = 0x80 // a later row too
		}
		_, err := NewInt8MatrixFrom(c.n, c.k, raw, c.k, scale)
		if want := fmt.Sprintf("row %d holds -128", c.row); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%dx%d with -128 at (%d,%d): got error %v, want %q", c.n, c.k, c.row, c.col, err, want)
		}
	}
	if _, err := NewInt8MatrixFrom(1, 2, []int8{1, 0}, 2, []float32{-1}); err == nil {
		t.Error("accepted a negative scale")
	}
	if _, err := NewInt8MatrixFrom(2, 2, []int8{1, 0}, 2, []float32{1, 1}); err == nil {
		t.Error("accepted too few values")
	}
}
