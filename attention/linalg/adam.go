package linalg

// AdamParams holds the per-step scalars of an Adam(W) update; see
// AdamUpdate. The optimizer computes them once per step from its
// hyper-parameters and step count t:
//
//	Beta1, Beta2                 β1, β2
//	OneMinusBeta1, OneMinusBeta2 1-β1, 1-β2
//	StepSize                     lr / (1 - β1**t)
//	InvSqrtBC2                   1 / sqrt(1 - β2**t)
//	Eps                          ε
//	Decay                        1 - lr*weightDecay (1 for plain Adam)
//	GradScale                    s, the factor of the gradient (0 is taken as 1)
//
// GradScale lets gradient clipping scale the gradients inside the update
// instead of in a pass of its own.
type AdamParams struct {
	Beta1, Beta2, OneMinusBeta1, OneMinusBeta2, StepSize, InvSqrtBC2, Eps, Decay float32
	GradScale                                                                    float32
}

// AdamUpdate applies one Adam(W) step to the parameters w given their
// gradients g and the moments m and v, updating w, m and v in place (g
// is left as it is). For every i, in float32 arithmetic with each
// operation rounded in turn (no fused multiply-adds) and in this order,
//
//	g    = g[i]*GradScale
//	m[i] = Beta1*m[i] + OneMinusBeta1*g
//	v[i] = Beta2*v[i] + (OneMinusBeta2*g)*g
//	w[i] = w[i]*Decay - (StepSize*m[i]) / (sqrt(v[i])*InvSqrtBC2 + Eps)
//
// where m[i] and v[i] on the right of the last line are the new moments and
// sqrt is the correctly rounded float32 square root. The AVX2 path and the
// pure-Go path therefore give bit-identical results (NaNs aside, whose
// payloads may differ). It panics if the lengths differ. The slices must not
// overlap.
func AdamUpdate(w, g, m, v []float32, p AdamParams) {
	adamUpdate(useAsm, w, g, m, v, p)
}

func adamUpdate(asm bool, w, g, m, v []float32, p AdamParams) {
	if len(g) != len(w) || len(m) != len(w) || len(v) != len(w) {
		panic("linalg: AdamUpdate length mismatch")
	}
	if p.GradScale == 0 {
		p.GradScale = 1
	}
	if asm {
		n := vecLen(len(w))
		adamUpdateAVX2(w[:n], g[:n], m[:n], v[:n], p)
		w, g, m, v = w[n:], g[n:], m[n:], v[n:]
	}
	adamUpdateGeneric(w, g, m, v, p)
}

// SumSquares returns the sum of x[i]*x[i], computed in float64. Each square
// of a float32 is exact in float64, so the only rounding is that of the
// float64 additions: the relative error is below len(x) * 1.2e-16 on either
// path (the terms are non-negative), and in practice far smaller. The AVX2
// path keeps sixteen partial sums (four vectors of four float64 lanes), the
// pure-Go path one, so the two differ by rounding only. Inf and NaN
// elements give an Inf or NaN sum, as in pure Go.
func SumSquares(x []float32) float64 {
	return sumSquares(useAsm, x)
}

func sumSquares(asm bool, x []float32) float64 {
	var sum float64
	if asm {
		n := vecLen(len(x))
		sum = sumSquaresAVX2(x[:n])
		x = x[n:]
	}
	return sum + sumSquaresGeneric(x)
}
