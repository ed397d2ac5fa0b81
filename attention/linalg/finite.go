package linalg

import "math"

// NonFinite returns the index of the first NaN or infinity in x, or -1
// when every value is finite. It checks blocks with vector instructions
// where the CPU has them (see Dot), so that checking a whole model's
// weights at load time costs about as much as reading them once.
func NonFinite(x []float32) int {
	return nonFinite(useAsm, x)
}

// zeros is a block of zeros for the vector check.
var zeros [1024]float32

func nonFinite(asm bool, x []float32) int {
	for lo := 0; lo < len(x); lo += len(zeros) {
		b := x[lo:min(lo+len(zeros), len(x))]
		if asm && dot(true, b, zeros[:len(b)]) == 0 {
			// x*0 is 0 for a finite x and NaN for NaN or infinity, so
			// the sum is 0 exactly when the whole block is finite.
			continue
		}
		if !asm && allFinite(b) {
			continue
		}
		for i, v := range b {
			if !finite(v) {
				return lo + i
			}
		}
	}
	return -1
}

// allFinite reports whether no value of x has an all-ones exponent (NaN
// or infinity). Adding one to the lowest exponent bit of an all-ones
// exponent carries into bit 31, and only then: the OR of those sums has
// bit 31 set exactly when some value is not finite.
func allFinite(x []float32) bool {
	const exp, low = 0x7f800000, 0x00800000
	var a, b, c, d uint32
	i := 0
	for ; i+4 <= len(x); i += 4 {
		a |= math.Float32bits(x[i])&exp + low
		b |= math.Float32bits(x[i+1])&exp + low
		c |= math.Float32bits(x[i+2])&exp + low
		d |= math.Float32bits(x[i+3])&exp + low
	}
	for ; i < len(x); i++ {
		a |= math.Float32bits(x[i])&exp + low
	}
	return (a|b|c|d)>>31 == 0
}

func finite(v float32) bool { return math.Float32bits(v)&0x7f800000 != 0x7f800000 }
