package attention

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/attnmt/nmt/attention/gradcheck"
)

// localCase is a small local attention problem whose loss is a fixed
// random linear function of the contexts.
type localCase struct {
	l            *Local
	S, B, M      int
	lens         []int
	mem, q, rc   []float32
	keys, w, ctx []float32
	saved        []float32
	dmem, dq     []float32
}

func newLocalCase(t *testing.T, kind string, seed uint64) *localCase {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 11))
	const S, B, M, Q, A = 9, 3, 4, 5, 3
	q := Q
	if kind == "dot" {
		q = M
	}
	sc, err := New(kind, "att.", M, q, A)
	if err != nil {
		t.Fatal(err)
	}
	l := NewLocal("att.local.", sc, A)
	for _, p := range append(sc.Params(), l.Params()...) {
		randFill(r, p.Value, 0.8)
	}
	l.Bs.Value[0] = 1
	_, _, K := sc.Dims()
	c := &localCase{l: l, S: S, B: B, M: M, lens: []int{9, 6, 1},
		mem: make([]float32, S*B*M), q: make([]float32, B*q), rc: make([]float32, B*M),
		keys: make([]float32, S*B*K), w: make([]float32, B*S), ctx: make([]float32, B*M),
		saved: make([]float32, l.SavedLen(S, B)),
		dmem:  make([]float32, S*B*M), dq: make([]float32, B*q),
	}
	randFill(r, c.mem, 1)
	randFill(r, c.q, 1)
	randFill(r, c.rc, 1)
	return c
}

func (c *localCase) forward() float64 {
	c.l.Content.Project(c.mem, c.S*c.B, c.keys)
	c.l.Attend(c.q, c.keys, c.mem, c.S, c.B, c.M, c.lens, c.w, c.ctx, c.saved)
	var loss float64
	for i := range c.ctx {
		loss += float64(c.ctx[i]) * float64(c.rc[i])
	}
	return loss
}

func (c *localCase) backward() {
	_, _, K := c.l.Content.Dims()
	dkeys := make([]float32, c.S*c.B*K)
	c.l.AttendBackward(c.q, c.keys, c.mem, c.S, c.B, c.M, c.lens, c.w, c.saved, c.rc, c.dq, dkeys, c.dmem)
	c.l.Content.ProjectBackward(c.mem, c.S*c.B, dkeys, c.dmem)
}

// windowMargin is how far the window edges p +- 2 sigma of any row are
// from a whole position: finite differences across an edge are
// meaningless, since the window's bounds jump there.
func (c *localCase) windowMargin() float64 {
	margin := math.Inf(1)
	for b := range c.B {
		p, s := c.l.Window(c.saved, c.S, b)
		for _, edge := range []float64{float64(p - 2*s), float64(p + 2*s)} {
			margin = min(margin, math.Abs(edge-math.Round(edge)))
		}
	}
	return margin
}

// wellInsideCase returns the first seeded case (after its forward pass)
// whose window edges are all at least 0.05 from a whole position.
func wellInsideCase(t *testing.T, kind string) *localCase {
	t.Helper()
	for seed := range uint64(100) {
		c := newLocalCase(t, kind, seed)
		c.forward()
		if c.windowMargin() >= 0.05 {
			return c
		}
	}
	t.Fatal("no seed gives windows away from whole positions")
	return nil
}

func TestLocalGradients(t *testing.T) {
	for _, kind := range []string{"additive", "dot", "general"} {
		t.Run(kind, func(t *testing.T) {
			c := wellInsideCase(t, kind)
			c.backward()
			inputs := []gradcheck.Input{{Name: "mem", Value: c.mem, Grad: c.dmem}, {Name: "query", Value: c.q, Grad: c.dq}}
			for _, p := range append(c.l.Content.Params(), c.l.Params()...) {
				inputs = append(inputs, gradcheck.Input{Name: p.Name, Value: p.Value, Grad: p.Grad})
			}
			if err := gradcheck.Check(c.forward, inputs, gradcheck.Options{Eps: 1e-2}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestLocalCentreAndWidthGradients checks d loss / d p_t and d loss /
// d sigma_t on their own: the centre and width weights are perturbed only
// through the logits z and u, whose gradients the chain rule gives from
// the ones of v_p (through h, fixed) and b_s.
func TestLocalCentreAndWidthGradients(t *testing.T) {
	c := wellInsideCase(t, "additive")
	c.backward()
	// b_s moves only sigma_t of every row; scaling v_p moves only z.
	if err := gradcheck.Check(c.forward, []gradcheck.Input{{Name: "width bias", Value: c.l.Bs.Value, Grad: c.l.Bs.Grad}},
		gradcheck.Options{Eps: 1e-2}); err != nil {
		t.Fatal(err)
	}
	if c.l.Bs.Grad[0] == 0 {
		t.Fatal("width gradient is exactly zero")
	}
	var dCentre float64
	for i, v := range c.l.Vp.Value {
		dCentre += float64(v * c.l.Vp.Grad[i])
	}
	scale := func(f float32) float64 {
		for i := range c.l.Vp.Value {
			c.l.Vp.Value[i] *= f
		}
		loss := c.forward()
		for i := range c.l.Vp.Value {
			c.l.Vp.Value[i] /= f
		}
		return loss
	}
	const eps = 1e-3
	numeric := (scale(1+eps) - scale(1-eps)) / (2 * eps)
	if math.Abs(numeric-dCentre) > 1e-3+2e-2*math.Abs(numeric) {
		t.Fatalf("d loss / d log|v_p| = %g, finite differences %g", dCentre, numeric)
	}
}

func TestLocalWindow(t *testing.T) {
	c := newLocalCase(t, "additive", 4)
	c.forward()
	for b := range c.B {
		p, s := c.l.Window(c.saved, c.S, b)
		n := c.lens[b]
		if p < 0 || p > float32(n-1) || s < MinLocalWidth {
			t.Errorf("row %d: centre %v width %v outside [0, %d] x [%v, inf)", b, p, s, n-1, MinLocalWidth)
		}
		var inside int
		for j := range c.S {
			w := c.w[b*c.S+j]
			out := math.Abs(float64(j)-float64(p)) > 2*float64(s) || j >= n
			switch {
			case out && w != 0:
				t.Errorf("row %d: weight %v at %d outside window %v +- 2*%v", b, w, j, p, s)
			case !out:
				inside++
				if w <= 0 || w > 1 {
					t.Errorf("row %d: weight %v at %d inside the window", b, w, j)
				}
			}
		}
		if inside == 0 {
			t.Errorf("row %d: empty window", b)
		}
	}
}

// BenchmarkAttendByLength is one decoder step of soft additive and of
// local attention (reference sizes, B 8) over sources of 10, 50 and 200
// positions: local scores only its window.
func BenchmarkAttendByLength(b *testing.B) {
	const B, M, Q, A = 8, 512, 512, 512
	for _, S := range []int{10, 50, 200} {
		r := rand.New(rand.NewPCG(1, 2))
		sc := NewAdditive("a.", M, Q, A)
		l := NewLocal("a.local.", sc, A)
		for _, p := range append(sc.Params(), l.Params()...) {
			randFill(r, p.Value, 0.1)
		}
		mem, q := make([]float32, S*B*M), make([]float32, B*Q)
		randFill(r, mem, 1)
		randFill(r, q, 1)
		keys := make([]float32, S*B*A)
		sc.Project(mem, S*B, keys)
		lens := make([]int, B)
		for i := range lens {
			lens[i] = S
		}
		w, ctx := make([]float32, B*S), make([]float32, B*M)
		b.Run(fmt.Sprintf("soft/S=%d", S), func(b *testing.B) {
			saved := make([]float32, sc.SavedLen(S, B))
			b.ReportAllocs()
			for b.Loop() {
				sc.Score(q, keys, S, B, lens, w, saved)
				Softmax(w, S, B, lens)
				Context(w, mem, S, B, M, lens, ctx)
			}
		})
		b.Run(fmt.Sprintf("local/S=%d", S), func(b *testing.B) {
			saved := make([]float32, l.SavedLen(S, B))
			b.ReportAllocs()
			for b.Loop() {
				l.Attend(q, keys, mem, S, B, M, lens, w, ctx, saved)
			}
		})
	}
}
