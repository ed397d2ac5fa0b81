package linalg

import "math"

// Pure-Go versions of the Adam kernels: the fallback on every CPU and the
// tail (last len%8 elements) of the vector path.

// adamUpdateGeneric is AdamUpdate's loop (p.GradScale set); len(g), len(m) and len(v) must be
// at least len(w). The explicit float32 conversions keep the compiler from
// fusing multiply-adds (which it may do with GOAMD64=v3), so the results
// match the assembly bit for bit on every GOAMD64 level.
func adamUpdateGeneric(w, g, m, v []float32, p AdamParams) {
	g, m, v = g[:len(w)], m[:len(w)], v[:len(w)]
	for i, wi := range w {
		gi := float32(g[i] * p.GradScale)
		mi := float32(p.Beta1*m[i]) + float32(p.OneMinusBeta1*gi)
		vi := float32(p.Beta2*v[i]) + float32(float32(p.OneMinusBeta2*gi)*gi)
		m[i], v[i] = mi, vi
		den := float32(sqrt32(vi)*p.InvSqrtBC2) + p.Eps
		w[i] = float32(wi*p.Decay) - float32(p.StepSize*mi)/den
	}
}

// sqrt32 is the correctly rounded float32 square root: the float64 square
// root has more than twice float32's precision, so rounding it to float32
// gives the same result as rounding the exact root (the compiler turns this
// into a single SQRTSS on amd64).
func sqrt32(x float32) float32 { return float32(math.Sqrt(float64(x))) }

func sumSquaresGeneric(x []float32) float64 {
	var sum float64
	for _, v := range x {
		f := float64(v)
		sum += f * f
	}
	return sum
}
