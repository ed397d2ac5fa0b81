package train

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/attnmt/nmt/seq2seq"
)

func param(name string, values ...float32) *seq2seq.Param {
	return &seq2seq.Param{Name: name, Shape: []int{len(values)}, Value: values, Grad: make([]float32, len(values))}
}

func close32(a, b float32, tol float64) bool { return math.Abs(float64(a-b)) <= tol }

// TestAdam checks two steps against values worked out by hand:
//
//	step 1: m = 0.1 g, v = 0.001 g², m̂ = g, v̂ = g², so w -= 0.1·sign(g)
//	step 2, w[0] (g = 1 then 0): m = 0.09, m̂ = 0.09/0.19 = 0.473684,
//	  v = 0.000999, v̂ = 0.000999/0.001999 = 0.499750, w -= 0.1·0.473684/0.706930 = 0.067006
//	step 2, w[1] (g = -0.5 then 2): m = 0.155, m̂ = 0.815789, v = 0.00424975,
//	  v̂ = 2.125938, w -= 0.1·0.815789/1.458060 = 0.055950
func TestAdam(t *testing.T) {
	for _, tc := range []struct {
		name  string
		decay float64
		want1 [2]float32
		want2 [2]float32
	}{
		{"adam", 0, [2]float32{0.4, -0.15}, [2]float32{0.4 - 0.067006, -0.15 - 0.055950}},
		// Decoupled decay first shrinks w by (1 - lr·wd) = 0.99.
		{"adamw", 0.1, [2]float32{0.5*0.99 - 0.1, -0.25*0.99 + 0.1}, [2]float32{0.395*0.99 - 0.067006, -0.1475*0.99 - 0.055950}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := param("p", 0.5, -0.25)
			ps := []*seq2seq.Param{p}
			a := NewAdam(ps, OptimizerConfig{LR: 0.1, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: tc.decay})
			copy(p.Grad, []float32{1, -0.5})
			if err := a.Step(ps); err != nil {
				t.Fatal(err)
			}
			for i := range 2 {
				if !close32(p.Value[i], tc.want1[i], 1e-6) {
					t.Errorf("step 1: w[%d] = %.7f, want %.7f", i, p.Value[i], tc.want1[i])
				}
			}
			copy(p.Grad, []float32{0, 2})
			if err := a.Step(ps); err != nil {
				t.Fatal(err)
			}
			for i := range 2 {
				if !close32(p.Value[i], tc.want2[i], 2e-6) {
					t.Errorf("step 2: w[%d] = %.7f, want %.7f", i, p.Value[i], tc.want2[i])
				}
			}
			if a.Steps != 2 || !close32(a.M[0][1], 0.155, 1e-7) || !close32(a.V[0][1], 0.00424975, 1e-9) {
				t.Errorf("state: steps %d m %v v %v", a.Steps, a.M[0], a.V[0])
			}
		})
	}
}

func TestAdamMismatch(t *testing.T) {
	a := NewAdam([]*seq2seq.Param{param("p", 1)}, DefaultConfig().Optimizer)
	if err := a.Step([]*seq2seq.Param{param("p", 1), param("q", 1)}); err == nil {
		t.Error("Step with another parameter list succeeded")
	}
	if err := a.Step([]*seq2seq.Param{param("p", 1, 2)}); err == nil {
		t.Error("Step with a resized parameter succeeded")
	}
}

func TestClipGradNorm(t *testing.T) {
	for _, tc := range []struct {
		name         string
		grads        [2]float32
		scale, max   float64
		wantNorm     float64
		wantG0, want float32 // expected grads
	}{
		{"clipped", [2]float32{3, 4}, 1, 1, 5, 0.6, 0.8},
		{"below", [2]float32{3, 4}, 1, 10, 5, 3, 4},
		{"disabled", [2]float32{3, 4}, 1, 0, 5, 3, 4},
		{"scaled then clipped", [2]float32{30, 40}, 0.1, 2.5, 5, 1.5, 2},
		{"scaled only", [2]float32{30, 40}, 0.1, 10, 5, 3, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, q := param("p", 0), param("q", 0)
			p.Grad[0], q.Grad[0] = tc.grads[0], tc.grads[1]
			norm := ClipGradNorm([]*seq2seq.Param{p, q}, tc.scale, tc.max)
			if math.Abs(norm-tc.wantNorm) > 1e-5 {
				t.Errorf("norm = %g, want %g", norm, tc.wantNorm)
			}
			if !close32(p.Grad[0], tc.wantG0, 1e-5) || !close32(q.Grad[0], tc.want, 1e-5) {
				t.Errorf("grads = %g, %g, want %g, %g", p.Grad[0], q.Grad[0], tc.wantG0, tc.want)
			}
		})
	}
	p := param("p", 0, 0)
	p.Grad[0] = float32(math.Inf(1))
	if n := ClipGradNorm([]*seq2seq.Param{p}, 1, 1); !math.IsInf(n, 1) {
		t.Errorf("norm of an infinite gradient = %g", n)
	}
}

// TestClipFactorThenStepScaled checks that ClipFactor and StepScaled
// update bit for bit as ClipGradNorm and Step do, clipped or not, over
// lengths that use the vector kernels and their tails.
func TestClipFactorThenStepScaled(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, maxNorm := range []float64{0.5, 1e9} {
		var fused, split []*seq2seq.Param
		for i, n := range []int{1, 8, 37, 1000} {
			p := param(fmt.Sprint("p", i), make([]float32, n)...)
			for j := range n {
				p.Value[j] = r.Float32() - 0.5
			}
			q := param(p.Name, slices.Clone(p.Value)...)
			fused, split = append(fused, p), append(split, q)
		}
		cfg := DefaultConfig().Optimizer
		a, b := NewAdam(fused, cfg), NewAdam(split, cfg)
		for range 2 {
			for i, p := range fused {
				for j := range p.Grad {
					p.Grad[j] = r.Float32() - 0.5
				}
				copy(split[i].Grad, p.Grad)
			}
			norm, f := ClipFactor(fused, 1, maxNorm)
			if err := a.StepScaled(fused, f); err != nil {
				t.Fatal(err)
			}
			if want := ClipGradNorm(split, 1, maxNorm); norm != want {
				t.Fatalf("max %g: ClipFactor's norm %g, ClipGradNorm's %g", maxNorm, norm, want)
			}
			if err := b.Step(split); err != nil {
				t.Fatal(err)
			}
		}
		for i := range fused {
			if !slices.Equal(fused[i].Value, split[i].Value) || !slices.Equal(a.M[i], b.M[i]) || !slices.Equal(a.V[i], b.V[i]) {
				t.Fatalf("max %g: %s differs from clipping then stepping", maxNorm, fused[i].Name)
			}
		}
	}
}

// BenchmarkAdam times one step over 20M parameters, the size of the
// reference model.
func BenchmarkAdam(b *testing.B) {
	const n = 20 << 20
	ps := []*seq2seq.Param{
		{Name: "a", Shape: []int{n / 2}, Value: make([]float32, n/2), Grad: make([]float32, n/2)},
		{Name: "b", Shape: []int{n / 2}, Value: make([]float32, n/2), Grad: make([]float32, n/2)},
	}
	for _, p := range ps {
		for i := range p.Grad {
			p.Grad[i] = float32(i%7) - 3
		}
	}
	a := NewAdam(ps, DefaultConfig().Optimizer)
	b.ReportAllocs()
	b.SetBytes(n * 4)
	for b.Loop() {
		if err := a.Step(ps); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkClipGradNorm(b *testing.B) {
	const n = 20 << 20
	ps := []*seq2seq.Param{{Name: "a", Shape: []int{n}, Value: make([]float32, n), Grad: make([]float32, n)}}
	for i := range ps[0].Grad {
		ps[0].Grad[i] = float32(i%7) - 3
	}
	b.ReportAllocs()
	b.SetBytes(n * 4)
	for b.Loop() {
		ClipGradNorm(ps, 1, 1e9)
	}
}
