package linalg

import (
	"math"
	"testing"
)

func TestNonFinite(t *testing.T) {
	big := make([]float32, 5000)
	for i := range big {
		big[i] = float32(i%7) - 3e38*float32(i%2)
	}
	for _, tc := range []struct {
		name string
		at   int // -1: all finite
		v    float32
	}{
		{"finite", -1, 0},
		{"NaN first", 0, float32(math.NaN())},
		{"+Inf in the middle", 2500, float32(math.Inf(1))},
		{"-Inf last", 4999, float32(math.Inf(-1))},
		{"NaN in the tail of a block", 1023, float32(math.NaN())},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := append([]float32(nil), big...)
			x[len(x)-2] = math.MaxFloat32
			x[len(x)-3] = math.SmallestNonzeroFloat32
			if tc.at >= 0 {
				x[tc.at] = tc.v
			}
			for _, asm := range []bool{false, useAsm} {
				if got := nonFinite(asm, x); got != tc.at {
					t.Errorf("nonFinite(asm %v) = %d, want %d", asm, got, tc.at)
				}
			}
		})
	}
	if got := NonFinite(nil); got != -1 {
		t.Errorf("NonFinite(nil) = %d, want -1", got)
	}
	for n := 1; n < 9; n++ { // every remainder of the unrolled loop
		x := make([]float32, n)
		x[n-1] = float32(math.NaN())
		for _, asm := range []bool{false, useAsm} {
			if got := nonFinite(asm, x); got != n-1 {
				t.Errorf("len %d, asm %v: nonFinite = %d, want %d", n, asm, got, n-1)
			}
		}
	}
}

func BenchmarkNonFinite(b *testing.B) {
	x := make([]float32, 13_200_000) // the built-in model's weights
	for i := range x {
		x[i] = float32(i%1000) * 1e-3
	}
	b.SetBytes(4 * int64(len(x)))
	for b.Loop() {
		if NonFinite(x) != -1 {
			b.Fatal("found a non-finite value")
		}
	}
}
