package seq2seq

import (
	"slices"

	"github.com/attnmt/nmt/attention"
)

// Fault injection for the gradient checks. A gradient check is only as
// good as the smallest error it catches: the tests set injectedFault to
// one of the backward kernels below, which then computes a gradient 1%
// too large (faultScale), and assert that the whole-model gradient check
// fails (fault_test.go). Nothing outside the tests sets it; unset, each
// hook costs one comparison per kernel call.

// backwardKernel names one hand-written backward kernel.
type backwardKernel int

const (
	noFault          backwardKernel = iota
	faultVocab                      // vocabulary projection (lossBackward)
	faultOutput                     // output layer tanh(W [s; ctx] + b)
	faultCell                       // LSTM cell (cellBackward), encoder and decoder
	faultEmbed                      // embedding lookup (embedBackward)
	faultBridge                     // bridge s0 = tanh(W fin + b)
	faultContext                    // attention context (attention.ContextBackward)
	faultSoftmax                    // attention softmax (attention.SoftmaxBackward)
	faultScore                      // attention score (Scorer.ScoreBackward)
	faultProject                    // attention key projection (Scorer.ProjectBackward)
	faultLocal                      // local attention as a whole (Local.AttendBackward)
	faultLocalCentre                // local attention's centre p_t: its weights' gradients
	faultLocalWidth                 // local attention's width sigma_t: its weights' gradients
)

// injectedFault is the kernel that computes a wrong gradient; noFault
// outside the fault tests.
var injectedFault = noFault

// faultScale is the factor by which the faulty kernel is off.
const faultScale = 1.01

// scaleFault scales outs, outputs that kernel k overwrites, when k is the
// injected fault.
func scaleFault(k backwardKernel, outs ...[]float32) {
	if injectedFault != k {
		return
	}
	for _, o := range outs {
		for i := range o {
			o[i] *= faultScale
		}
	}
}

// faultWatch remembers outputs that a kernel adds to, to scale what it
// added.
type faultWatch struct{ outs, before [][]float32 }

// paramOwner is a layer with weights (an attention scorer).
type paramOwner interface{ Params() []*attention.Param }

// watchFault returns, when k is the injected fault, a watch over outs and
// the gradients of layer's weights (layer may be nil), outputs that
// kernel k adds to; done then scales what the kernel added. Otherwise it
// returns nil, whose done does nothing.
func watchFault(k backwardKernel, layer paramOwner, outs ...[]float32) *faultWatch {
	if injectedFault != k {
		return nil
	}
	w := &faultWatch{}
	if layer != nil {
		for _, p := range layer.Params() {
			outs = append(outs, p.Grad)
		}
	}
	for _, o := range outs {
		w.outs = append(w.outs, o)
		w.before = append(w.before, slices.Clone(o))
	}
	return w
}

func (w *faultWatch) done() {
	if w == nil {
		return
	}
	for i, o := range w.outs {
		for j, b := range w.before[i] {
			o[j] = b + faultScale*(o[j]-b)
		}
	}
}
