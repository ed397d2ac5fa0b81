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

// TestParallelNonFiniteF16 checks that the check spread over the cores
// finds the first bad value of a table large enough to be split, whichever
// part holds it.
func TestParallelNonFiniteF16(t *testing.T) {
	const n = 1 << 18
	inf := float16.Fromfloat32(float32(math.Inf(1))).Bits()
	for _, bad := range [][]int{nil, {0}, {n - 1}, {n / 2}, {n/2 + 3, n - 5}, {7, n/2 + 1}} {
		b := make([]byte, 2*n)
		for _, i := range bad {
			binary.LittleEndian.PutUint16(b[2*i:], inf)
		}
		want := -1
		if len(bad) > 0 {
			want = bad[0]
		}
		if got := parallelNonFiniteF16(b); got != want {
			t.Errorf("infinities at %v: parallelNonFiniteF16 = %d, want %d", bad, got, want)
		}
	}
}
