// Package gradcheck compares analytic gradients with finite differences,
// the test every layer of the model must pass.
//
// A check perturbs each checked input element x by +-eps and +-2 eps,
// evaluates the scalar loss four times, and takes the fourth-order central
// difference (8 (f(x+eps) - f(x-eps)) - (f(x+2eps) - f(x-2eps))) / (12 eps)
// as the numeric gradient. The two second-order differences it combines,
// (f(x+eps) - f(x-eps)) / (2 eps) and (f(x+2eps) - f(x-2eps)) / (4 eps),
// disagree by about as much as a finite difference errs (truncation, or
// the rounding of a float32 loss, whichever is larger), so their
// difference is the check's estimate of its own error.
//
// Each input is judged as a whole, relative to its own magnitude: with d
// the analytic minus the numeric gradient and e the error estimates over
// the checked elements, it passes when
//
//	||d|| <= Tol ||numeric|| + 2 ||e||
//
// So a gradient that finite differences measure well is held to Tol (a
// 1% error in a kernel fails at the default 2e-3), whatever its scale,
// while one drowned in rounding noise is held only to what can be
// measured: it passes whatever its analytic value and says nothing, which
// is why tests that must catch a fault choose weights under which the
// gradients they check are measurable.
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

// Options tune a check. The zero value uses Eps 1e-2, Tol 2e-3 and checks
// every element.
type Options struct {
	Eps float32 // perturbation
	// Tol is the allowed error of each input's gradient relative to its
	// norm, on top of twice the estimated finite-difference error.
	Tol float64
	// MaxPerInput limits how many elements of each input are checked
	// (spread evenly); 0 checks all.
	MaxPerInput int
}

// Check evaluates loss around the current values of inputs and returns an
// error naming the first input whose gradient does not match (with its
// relative error and its worst element), or nil. loss must be a
// deterministic function of the input values; it is computed in float64
// by the caller where possible to keep finite differences meaningful.
func Check(loss func() float64, inputs []Input, opt Options) error {
	if opt.Eps == 0 {
		opt.Eps = 1e-2
	}
	if opt.Tol == 0 {
		opt.Tol = 2e-3
	}
	for _, in := range inputs {
		if len(in.Value) != len(in.Grad) {
			return fmt.Errorf("%s: %d values but %d gradients", in.Name, len(in.Value), len(in.Grad))
		}
		if err := checkInput(loss, in, opt); err != nil {
			return err
		}
	}
	return nil
}

// checkInput checks one input.
func checkInput(loss func() float64, in Input, opt Options) error {
	step := 1
	if opt.MaxPerInput > 0 && len(in.Value) > opt.MaxPerInput {
		step = len(in.Value) / opt.MaxPerInput
	}
	at := func(i int, x float32) float64 {
		in.Value[i] = x
		return loss()
	}
	h := float64(opt.Eps)
	var diff, norm, estimate float64 // sums of squares
	worst, worstDiff := -1, -1.0
	var worstNumeric float64
	for i := 0; i < len(in.Value); i += step {
		orig := in.Value[i]
		near := (at(i, orig+opt.Eps) - at(i, orig-opt.Eps)) / (2 * h)
		far := (at(i, orig+2*opt.Eps) - at(i, orig-2*opt.Eps)) / (4 * h)
		in.Value[i] = orig
		numeric := (4*near - far) / 3
		d := float64(in.Grad[i]) - numeric
		if math.IsNaN(d) || math.IsInf(d, 0) {
			return fmt.Errorf("%s[%d]: analytic gradient %.6g, numeric %.6g", in.Name, i, in.Grad[i], numeric)
		}
		diff += d * d
		norm += numeric * numeric
		estimate += (near - far) * (near - far)
		if math.Abs(d) > worstDiff {
			worst, worstDiff, worstNumeric = i, math.Abs(d), numeric
		}
	}
	allowed := opt.Tol*math.Sqrt(norm) + 2*math.Sqrt(estimate)
	if got := math.Sqrt(diff); got > allowed {
		return fmt.Errorf("%s: gradient off by %.3g of its norm %.3g (%.3g allowed); worst element [%d]: analytic %.6g, numeric %.6g",
			in.Name, got/math.Sqrt(norm), math.Sqrt(norm), allowed/math.Sqrt(norm), worst, in.Grad[worst], worstNumeric)
	}
	return nil
}
