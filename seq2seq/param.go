package seq2seq

import (
	"github.com/attnmt/nmt/attention"
	"github.com/attnmt/nmt/attention/linalg"
)

// Param is one learnable tensor: its values and the gradient accumulated
// for them. It is the same type the attention mechanisms use.
type Param = attention.Param

// ZeroGrads clears the gradients of ps.
func ZeroGrads(ps []*Param) {
	for _, p := range ps {
		linalg.Parallel(len(p.Grad), 1, func(lo, hi int) { clear(p.Grad[lo:hi]) })
	}
}
