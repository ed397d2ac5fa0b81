package linalg_test

import (
	"fmt"

	"github.com/attnmt/nmt/attention/linalg"
)

// Quantize a 3 x 4 weight matrix once, then multiply batches of
// activations by its transpose and add a bias: C = A Wᵀ + b. The exact
// results are 1, 4, 15 and -1, 0, 10; int8 rounding is visible in the
// second decimal.
func ExampleInt8Matrix() {
	w := []float32{
		1, 0, 0, 0,
		0, 2, 0, 0,
		0.5, 0.5, 0.5, 0.5,
	}
	q, err := linalg.NewInt8Matrix(3, 4, w, 4)
	if err != nil {
		panic(err)
	}
	a := []float32{
		1, 2, 3, 4,
		-1, 0, 1, 0,
	}
	bias := []float32{0, 0, 10}
	c := make([]float32, 2*3)
	q.MulSet(2, a, 4, bias, c, 3)
	for r := range 2 {
		fmt.Printf("%.2f\n", c[r*3:r*3+3])
	}
	// Output:
	// [1.01 4.03 15.01]
	// [-1.00 0.00 10.00]
}
