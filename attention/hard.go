package attention

import (
	"math"
	"math/rand/v2"

	"github.com/attnmt/nmt/attention/linalg"
)

// Hard attention reads one source position per query instead of a
// weighted mean: a position k drawn from (in training) or the argmax of
// (in decoding) the soft distribution alpha of a Scorer, with the one-hot
// weight on k. The draw has no gradient, so the scorer is trained by
// REINFORCE (Williams 1992; Mnih et al. 2014; Xu et al. 2015): the
// surrogate loss of a row is
//
//	-(R - baseline) log alpha_k - lambda H(alpha)
//
// where R is the reward of the draw (the log-likelihood the decoder then
// gave the reference), the baseline reduces the variance, and the entropy
// bonus lambda H keeps the distribution from collapsing early. The
// functions below are the kernels; the decoder composes them with Score
// and Softmax.

// SamplePositions draws picks[b] from the distribution alpha [B, S] over
// the first lens[b] positions of row b (-1 for an empty row).
func SamplePositions(alpha []float32, S, B int, lens []int, r *rand.Rand, picks []int) {
	for b := range B {
		picks[b] = samplePosition(alpha[b*S:b*S+lens[b]], r.Float32())
	}
}

// samplePosition inverts the cumulative distribution of row at u in [0, 1).
func samplePosition(row []float32, u float32) int {
	if len(row) == 0 {
		return -1
	}
	var acc float32
	for i, a := range row {
		acc += a
		if u < acc {
			return i
		}
	}
	return len(row) - 1 // rounding: the sum fell short of u
}

// ArgmaxPositions writes into picks[b] the most likely of the first
// lens[b] positions of row b of alpha [B, S] (the first on ties; -1 for
// an empty row).
func ArgmaxPositions(alpha []float32, S, B int, lens []int, picks []int) {
	for b := range B {
		picks[b] = -1
		if lens[b] > 0 {
			picks[b] = linalg.Index(alpha[b*S:b*S+lens[b]], linalg.Max(alpha[b*S:b*S+lens[b]]))
		}
	}
}

// OneHot writes into w [B, S] the one-hot weights of picks (rows with a
// negative pick are left as they are: they keep their soft weights).
func OneHot(picks []int, S, B int, w []float32) {
	for b, k := range picks[:B] {
		if k < 0 {
			continue
		}
		clear(w[b*S : (b+1)*S])
		w[b*S+k] = 1
	}
}

// Entropy is the entropy in nats of the distribution row.
func Entropy(row []float32) float64 {
	var h float64
	for _, a := range row {
		if a > 0 {
			h -= float64(a) * math.Log(float64(a))
		}
	}
	return h
}

// ReinforceBackward writes into de [B, S] the gradient, with respect to
// the scores, of the surrogate loss
//
//	sum_b scale * ( -adv[b] log alpha[b, picks[b]] - lambda H(alpha[b]) )
//
// for the distributions alpha [B, S] (softmaxes of the scores). Rows with
// picks[b] < 0 are left as they are. Its expectation over picks drawn
// from alpha is the negative gradient of scale * E[R] when adv is R minus
// a baseline that does not depend on the pick.
func ReinforceBackward(alpha []float32, S, B int, lens []int, picks []int, adv []float32, lambda, scale float32, de []float32) {
	for b := range B {
		k := picks[b]
		if k < 0 {
			continue
		}
		n := lens[b]
		ar, dr := alpha[b*S:b*S+n], de[b*S:b*S+S]
		h := float32(Entropy(ar))
		g := scale * adv[b]
		for j, a := range ar {
			// d log alpha_k / d e_j = [j = k] - alpha_j;
			// d H / d e_j = -alpha_j (log alpha_j + H).
			d := g * a
			if a > 0 {
				d += scale * lambda * a * (float32(math.Log(float64(a))) + h)
			}
			dr[j] = d
		}
		dr[k] -= g
		clear(dr[n:])
	}
}
