// Package gradcheck compares analytic gradients with central finite
// differences, the test every layer of the model must pass.
//
// A check perturbs each checked input element x by +-eps, evaluates the
// scalar loss twice, and compares (f(x+eps) - f(x-eps)) / (2 eps) with the
// gradient the layer's backward pass computed, using a tolerance that is
// absolute for small gradients and relative for large ones.
package gradcheck

import (
	"fmt"
	"math"
)

// Input is one tensor whose gradient is checked.
type Input struct {
	Name  string
	Value []float32 // perturbed in place during the check, restored after
	Grad  []float32 // the analytic gradient to check
}

// Options tune a check. The zero value uses Eps 1e-2, Tol 2e-2, AbsTol
// 1e-4 and checks every element.
type Options struct {
	Eps float32 // perturbation
	// An element passes when |numeric - analytic| <= AbsTol + Tol *
	// max(|numeric|, |analytic|): relative for gradients of normal size,
	// absolute only for those near zero, where float32 finite differences
	// carry noise of about 1e-5.
	Tol    float64
	AbsTol float64
	// MaxPerInput limits how many elements of each input are checked
	// (spread evenly); 0 checks all.
	MaxPerInput int
}

// Check evaluates loss around the current values of inputs and returns an
// error describing the worst mismatching element, or nil. loss must be a
// deterministic function of the input values; it is computed in float64
// by the caller where possible to keep finite differences meaningful.
func Check(loss func() float64, inputs []Input, opt Options) error {
	if opt.Eps == 0 {
		opt.Eps = 1e-2
	}
	if opt.Tol == 0 {
		opt.Tol = 2e-2
	}
	if opt.AbsTol == 0 {
		opt.AbsTol = 1e-4
	}
	for _, in := range inputs {
		if len(in.Value) != len(in.Grad) {
			return fmt.Errorf("%s: %d values but %d gradients", in.Name, len(in.Value), len(in.Grad))
		}
		step := 1
		if opt.MaxPerInput > 0 && len(in.Value) > opt.MaxPerInput {
			step = len(in.Value) / opt.MaxPerInput
		}
		for i := 0; i < len(in.Value); i += step {
			orig := in.Value[i]
			in.Value[i] = orig + opt.Eps
			up := loss()
			in.Value[i] = orig - opt.Eps
			down := loss()
			in.Value[i] = orig
			numeric := (up - down) / (2 * float64(opt.Eps))
			analytic := float64(in.Grad[i])
			allowed := opt.AbsTol + opt.Tol*math.Max(math.Abs(numeric), math.Abs(analytic))
			if d := math.Abs(numeric - analytic); d > allowed || math.IsNaN(d) {
				return fmt.Errorf("%s[%d]: analytic gradient %.6g, numeric %.6g (difference %.3g > %.3g allowed)",
					in.Name, i, analytic, numeric, d, allowed)
			}
		}
	}
	return nil
}
