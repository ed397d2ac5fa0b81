package train

import (
	"fmt"
	"math"

	"github.com/attnmt/nmt/attention/linalg"
	"github.com/attnmt/nmt/seq2seq"
)

// Adam is the Adam optimizer (Kingma and Ba, 2015) with bias correction and
// decoupled weight decay (AdamW), updating parameters in place as PyTorch's
// torch.optim.AdamW does. Its state, the step count and the first and
// second moments of every parameter, is exported for checkpoints.
type Adam struct {
	LR, Beta1, Beta2, Eps, WeightDecay float64

	Steps int         // updates taken
	M, V  [][]float32 // moments, one slice per parameter, as long as its Value
}

// NewAdam returns an optimizer for params with zero moments.
func NewAdam(params []*seq2seq.Param, c OptimizerConfig) *Adam {
	a := &Adam{LR: c.LR, Beta1: c.Beta1, Beta2: c.Beta2, Eps: c.Eps, WeightDecay: c.WeightDecay,
		M: make([][]float32, len(params)), V: make([][]float32, len(params))}
	for i, p := range params {
		a.M[i] = make([]float32, len(p.Value))
		a.V[i] = make([]float32, len(p.Value))
	}
	return a
}

// Step updates params from their gradients. params must be the slice the
// optimizer was made for.
func (a *Adam) Step(params []*seq2seq.Param) error {
	return a.StepScaled(params, 1)
}

// StepScaled updates params from their gradients multiplied by
// gradScale, giving bit for bit the update that Step gives after
// ScaleGrads(params, gradScale), without that pass over the gradients
// (which it leaves as they are). With ClipFactor it clips and updates
// in one pass.
func (a *Adam) StepScaled(params []*seq2seq.Param, gradScale float32) error {
	if len(params) != len(a.M) {
		return fmt.Errorf("adam: %d parameters, optimizer has %d", len(params), len(a.M))
	}
	a.Steps++
	t := float64(a.Steps)
	bc1 := 1 - math.Pow(a.Beta1, t)
	bc2 := 1 - math.Pow(a.Beta2, t)
	var (
		b1, b2     = float32(a.Beta1), float32(a.Beta2)
		c1, c2     = float32(1 - a.Beta1), float32(1 - a.Beta2)
		stepSize   = float32(a.LR / bc1)
		invSqrtBC2 = float32(1 / math.Sqrt(bc2))
		eps        = float32(a.Eps)
		decay      = float32(1 - a.LR*a.WeightDecay)
	)
	for i, p := range params {
		m, v, w, g := a.M[i], a.V[i], p.Value, p.Grad
		if len(m) != len(w) || len(g) != len(w) {
			return fmt.Errorf("adam: parameter %s has %d values and %d gradients, optimizer has %d", p.Name, len(w), len(g), len(m))
		}
		forChunks(len(w), func(lo, hi int) {
			linalg.AdamUpdate(w[lo:hi], g[lo:hi], m[lo:hi], v[lo:hi], linalg.AdamParams{
				Beta1: b1, Beta2: b2, OneMinusBeta1: c1, OneMinusBeta2: c2,
				StepSize: stepSize, InvSqrtBC2: invSqrtBC2, Eps: eps, Decay: decay,
				GradScale: gradScale,
			})
		})
	}
	return nil
}

// chunkSize is the unit of work that forChunks hands to goroutines. It is
// fixed, not derived from the number of CPUs, so that sums computed per
// chunk (GradNorm) are the same on every machine.
const chunkSize = 1 << 16

// forChunks calls fn on consecutive ranges of at most chunkSize covering
// [0, n), spread over GOMAXPROCS goroutines.
func forChunks(n int, fn func(lo, hi int)) {
	chunks := (n + chunkSize - 1) / chunkSize
	if chunks <= 1 {
		fn(0, n)
		return
	}
	linalg.Parallel(chunks, chunkSize, func(first, last int) {
		for c := first; c < last; c++ {
			fn(c*chunkSize, min((c+1)*chunkSize, n))
		}
	})
}

// GradNorm returns the L2 norm of all gradients of params together.
func GradNorm(params []*seq2seq.Param) float64 {
	var sum float64
	for _, p := range params {
		if len(p.Grad) == 0 {
			continue
		}
		partial := make([]float64, (len(p.Grad)+chunkSize-1)/chunkSize)
		forChunks(len(p.Grad), func(lo, hi int) {
			partial[lo/chunkSize] = linalg.SumSquares(p.Grad[lo:hi])
		})
		for _, s := range partial {
			sum += s
		}
	}
	return math.Sqrt(sum)
}

// ScaleGrads multiplies all gradients of params by s.
func ScaleGrads(params []*seq2seq.Param, s float32) {
	for _, p := range params {
		forChunks(len(p.Grad), func(lo, hi int) {
			g := p.Grad[lo:hi]
			for j := range g {
				g[j] *= s
			}
		})
	}
}

// ClipGradNorm scales the gradients of params by scale and then, if their
// global L2 norm exceeds maxNorm > 0, by maxNorm/(norm+1e-6) as PyTorch's
// clip_grad_norm_ does. It returns the norm after the first scaling and
// before clipping. A non-finite norm leaves the gradients unclipped.
func ClipGradNorm(params []*seq2seq.Param, scale, maxNorm float64) float64 {
	norm, f := ClipFactor(params, scale, maxNorm)
	if f != 1 {
		ScaleGrads(params, f)
	}
	return norm
}

// ClipFactor returns what ClipGradNorm returns, the norm after scaling
// by scale, and the factor it would multiply the gradients by, without
// changing them: Adam.StepScaled with that factor then clips as it
// updates.
func ClipFactor(params []*seq2seq.Param, scale, maxNorm float64) (norm float64, factor float32) {
	norm = GradNorm(params) * math.Abs(scale)
	f := scale
	if maxNorm > 0 && norm > maxNorm && !math.IsInf(norm, 0) {
		f *= maxNorm / (norm + 1e-6)
	}
	return norm, float32(f)
}
