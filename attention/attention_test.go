package attention

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/attnmt/nmt/attention/gradcheck"
)

func randFill(r *rand.Rand, xs []float32, scale float32) {
	for i := range xs {
		xs[i] = (r.Float32()*2 - 1) * scale
	}
}

// attendLoss runs Project, Score, Softmax and Context and reduces the
// weights and contexts to a scalar with fixed random coefficients.
type attendCase struct {
	sc       Scorer
	S, B     int
	lens     []int
	mem, q   []float32
	rw, rc   []float32 // loss coefficients for weights and context
	w, ctx   []float32
	keys, e  []float32
	saved    []float32
	dmem, dq []float32
}

func newAttendCase(t *testing.T, kind string, seed uint64) *attendCase {
	r := rand.New(rand.NewPCG(seed, 7))
	const S, B, M, Q, A = 4, 3, 5, 6, 4
	q := Q
	if kind == "dot" {
		q = M
	}
	sc, err := New(kind, "att.", M, q, A)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range sc.Params() {
		randFill(r, p.Value, 0.8)
	}
	_, _, K := sc.Dims()
	c := &attendCase{sc: sc, S: S, B: B, lens: []int{4, 2, 1},
		mem: make([]float32, S*B*M), q: make([]float32, B*q),
		rw: make([]float32, B*S), rc: make([]float32, B*M),
		w: make([]float32, B*S), ctx: make([]float32, B*M),
		keys: make([]float32, S*B*K), e: make([]float32, B*S),
		saved: make([]float32, sc.SavedLen(S, B)),
		dmem:  make([]float32, S*B*M), dq: make([]float32, B*q),
	}
	randFill(r, c.mem, 1)
	randFill(r, c.q, 1)
	randFill(r, c.rw, 1)
	randFill(r, c.rc, 1)
	return c
}

func (c *attendCase) forward() float64 {
	m, _, _ := c.sc.Dims()
	c.sc.Project(c.mem, c.S*c.B, c.keys)
	c.sc.Score(c.q, c.keys, c.S, c.B, c.lens, c.e, c.saved)
	copy(c.w, c.e)
	Softmax(c.w, c.S, c.B, c.lens)
	Context(c.w, c.mem, c.S, c.B, m, c.lens, c.ctx)
	var loss float64
	for i := range c.w {
		loss += float64(c.w[i]) * float64(c.rw[i])
	}
	for i := range c.ctx {
		loss += float64(c.ctx[i]) * float64(c.rc[i])
	}
	return loss
}

func (c *attendCase) backward() {
	m, _, k := c.sc.Dims()
	dw := make([]float32, c.B*c.S)
	dkeys := make([]float32, c.S*c.B*k)
	ContextBackward(c.w, c.mem, c.S, c.B, m, c.lens, c.rc, dw, c.dmem)
	for i := range dw {
		dw[i] += c.rw[i]
	}
	de := make([]float32, c.B*c.S)
	SoftmaxBackward(c.w, dw, c.S, c.B, c.lens, de)
	c.sc.ScoreBackward(c.q, c.keys, c.S, c.B, c.lens, c.saved, de, c.dq, dkeys)
	c.sc.ProjectBackward(c.mem, c.S*c.B, dkeys, c.dmem)
}

func TestGradients(t *testing.T) {
	for _, kind := range []string{"additive", "dot", "general"} {
		t.Run(kind, func(t *testing.T) {
			c := newAttendCase(t, kind, 1)
			c.forward()
			c.backward()
			inputs := []gradcheck.Input{{Name: "mem", Value: c.mem, Grad: c.dmem}, {Name: "query", Value: c.q, Grad: c.dq}}
			for _, p := range c.sc.Params() {
				inputs = append(inputs, gradcheck.Input{Name: p.Name, Value: p.Value, Grad: p.Grad})
			}
			if err := gradcheck.Check(c.forward, inputs, gradcheck.Options{}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestWeightsSumToOneAndZeroOnPadding(t *testing.T) {
	for _, kind := range []string{"additive", "dot", "general"} {
		c := newAttendCase(t, kind, 2)
		for i := range c.w {
			c.w[i] = float32(math.NaN()) // Softmax must overwrite padding too
		}
		c.forward()
		for b := range c.B {
			var sum float64
			for p := range c.S {
				w := c.w[b*c.S+p]
				if p >= c.lens[b] && w != 0 {
					t.Errorf("%s: weight[%d,%d] = %v on padding, want exactly 0", kind, b, p, w)
				}
				sum += float64(w)
			}
			if math.Abs(sum-1) > 1e-6 {
				t.Errorf("%s: row %d sums to %v, want 1", kind, b, sum)
			}
		}
	}
}

// TestAdditiveValues pins a hand-computable case: one sentence of two
// positions, identity-like weights.
func TestAdditiveValues(t *testing.T) {
	sc := NewAdditive("a.", 1, 1, 1)
	sc.Wk.Value[0], sc.Wq.Value[0], sc.V.Value[0] = 1, 1, 2
	mem := []float32{0.5, -0.5} // S=2, B=1, M=1
	q := []float32{0.25}
	keys := make([]float32, 2)
	sc.Project(mem, 2, keys)
	e := make([]float32, 2)
	sc.Score(q, keys, 2, 1, []int{2}, e, nil)
	want0 := 2 * math.Tanh(0.75)
	want1 := 2 * math.Tanh(-0.25)
	if math.Abs(float64(e[0])-want0) > 1e-6 || math.Abs(float64(e[1])-want1) > 1e-6 {
		t.Fatalf("scores = %v, want [%v %v]", e, want0, want1)
	}
	Softmax(e, 2, 1, []int{2})
	w0 := 1 / (1 + math.Exp(want1-want0))
	if math.Abs(float64(e[0])-w0) > 1e-6 {
		t.Fatalf("weight[0] = %v, want %v", e[0], w0)
	}
}

func TestNewRejects(t *testing.T) {
	if _, err := New("dot", "", 4, 5, 0); err == nil {
		t.Error("dot with unequal widths: no error")
	}
	if _, err := New("mlp", "", 4, 4, 4); err == nil {
		t.Error("unknown kind: no error")
	}
}

func BenchmarkAdditiveStep(b *testing.B) {
	// One decoder step of the reference model: B 64, S 15, M 512, Q 512, A 512.
	const S, B, M, Q, A = 15, 64, 512, 512, 512
	r := rand.New(rand.NewPCG(1, 1))
	sc := NewAdditive("", M, Q, A)
	for _, p := range sc.Params() {
		randFill(r, p.Value, 0.05)
	}
	mem, q := make([]float32, S*B*M), make([]float32, B*Q)
	randFill(r, mem, 1)
	randFill(r, q, 1)
	lens := make([]int, B)
	for i := range lens {
		lens[i] = S
	}
	keys, e, ctx := make([]float32, S*B*A), make([]float32, B*S), make([]float32, B*M)
	saved := make([]float32, sc.SavedLen(S, B))
	sc.Project(mem, S*B, keys)
	b.ReportAllocs()
	for b.Loop() {
		sc.Score(q, keys, S, B, lens, e, saved)
		Softmax(e, S, B, lens)
		Context(e, mem, S, B, M, lens, ctx)
	}
}
