package linalg

import "math"

// Tanh returns a float32 approximation of tanh(x) with an absolute error
// below 2e-7 over the whole real line: a 13/6 rational polynomial on
// [-9, 9], clamped outside, the scheme Eigen uses for its vectorised tanh.
func Tanh(x float32) float32 {
	const clamp = 9.0
	if x > clamp {
		return 1
	}
	if x < -clamp {
		return -1
	}
	if x < 0.0004 && x > -0.0004 {
		return x
	}
	const (
		a1  = 4.89352455891786e-03
		a3  = 6.37261928875436e-04
		a5  = 1.48572235717979e-05
		a7  = 5.12229709037114e-08
		a9  = -8.60467152213735e-11
		a11 = 2.00018790482477e-13
		a13 = -2.76076847742355e-16
		b0  = 4.89352518554385e-03
		b2  = 2.26843463243900e-03
		b4  = 1.18534705686654e-04
		b6  = 1.19825839466702e-06
	)
	x2 := x * x
	p := x * (a1 + x2*(a3+x2*(a5+x2*(a7+x2*(a9+x2*(a11+x2*a13))))))
	q := b0 + x2*(b2+x2*(b4+x2*b6))
	r := p / q
	if r > 1 {
		return 1
	}
	if r < -1 {
		return -1
	}
	return r
}

// Sigmoid returns 1/(1+exp(-x)) computed through Tanh.
func Sigmoid(x float32) float32 { return 0.5*Tanh(0.5*x) + 0.5 }

// Exp returns a float32 approximation of e**x with a relative error below
// 3e-7 for x in [-87, 88]; it returns 0 below that range and +Inf above.
func Exp(x float32) float32 {
	const (
		log2e = 1.44269504088896341
		ln2hi = 0.693359375
		ln2lo = -2.12194440e-4
	)
	if x < -87.3 {
		return 0
	}
	if x > 88.7 {
		return float32(math.Inf(1))
	}
	// x = n*ln2 + r with |r| <= ln2/2, then e**x = 2**n * e**r.
	n := float32(math.Floor(float64(x*log2e + 0.5)))
	r := x - n*ln2hi - n*ln2lo
	// Cephes expf polynomial for e**r on [-ln2/2, ln2/2].
	p := float32(1.9875691500e-4)
	p = p*r + 1.3981999507e-3
	p = p*r + 8.3334519073e-3
	p = p*r + 4.1665795894e-2
	p = p*r + 1.6666665459e-1
	p = p*r + 5.0000001201e-1
	y := p*r*r + r + 1
	return y * math.Float32frombits(uint32(int32(n)+127)<<23)
}
