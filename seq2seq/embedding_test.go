package seq2seq

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/x448/float16"
)

// TestNonFiniteF16 checks that nonFiniteF16 finds the first NaN or
// infinity at every position of rows of several lengths, finds none in
// finite rows (largest and smallest values, zeros of both signs), and
// agrees with converting each value.
func TestNonFiniteF16(t *testing.T) {
	finite := []float32{0, float32(math.Copysign(0, -1)), 1, -2.5, 65504, -65504, 6e-8, -6e-5}
	bad := []float32{float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN())}
	for n := 0; n <= 13; n++ {
		row := make([]byte, 2*n)
		for i := range n {
			binary.LittleEndian.PutUint16(row[2*i:], float16.Fromfloat32(finite[i%len(finite)]).Bits())
		}
		if got := nonFiniteF16(row); got != -1 {
			t.Fatalf("%d finite values: nonFiniteF16 = %d, want -1", n, got)
		}
		for at := range n {
			for _, v := range bad {
				damaged := append([]byte(nil), row...)
				binary.LittleEndian.PutUint16(damaged[2*at:], float16.Fromfloat32(v).Bits())
				if at+1 < n {
					binary.LittleEndian.PutUint16(damaged[2*(n-1):], float16.Fromfloat32(v).Bits())
				}
				if got := nonFiniteF16(damaged); got != at {
					t.Fatalf("%v at %d of %d: nonFiniteF16 = %d", v, at, n, got)
				}
			}
		}
	}
}
