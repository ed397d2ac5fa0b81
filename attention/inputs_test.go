package attention

import (
	"slices"
	"testing"
)

// gradsOf copies the weight gradients of ps.
func gradsOf(ps []*Param) [][]float32 {
	var out [][]float32
	for _, p := range ps {
		out = append(out, slices.Clone(p.Grad))
	}
	return out
}

// assertGradsUnchanged fails when a weight gradient of ps differs from before.
func assertGradsUnchanged(t *testing.T, ps []*Param, before [][]float32) {
	t.Helper()
	for i, p := range ps {
		if !slices.Equal(p.Grad, before[i]) {
			t.Errorf("%s: the inputs-only backward changed the weight gradient", p.Name)
		}
	}
}

// TestBackwardInputs checks that the inputs-only backward passes give the
// input gradients of the full ones, bit for bit, and leave every weight
// gradient as it was.
func TestBackwardInputs(t *testing.T) {
	for _, kind := range []string{"additive", "dot", "general"} {
		t.Run(kind, func(t *testing.T) {
			c := newAttendCase(t, kind, 3)
			c.forward()
			c.backward()
			wantMem, wantQ := slices.Clone(c.dmem), slices.Clone(c.dq)
			clear(c.dmem)
			clear(c.dq)
			before := gradsOf(c.sc.Params())
			m, _, k := c.sc.Dims()
			dw := make([]float32, c.B*c.S)
			dkeys := make([]float32, c.S*c.B*k)
			ContextBackward(c.w, c.mem, c.S, c.B, m, c.lens, c.rc, dw, c.dmem)
			for i := range dw {
				dw[i] += c.rw[i]
			}
			de := make([]float32, c.B*c.S)
			SoftmaxBackward(c.w, dw, c.S, c.B, c.lens, de)
			c.sc.ScoreBackwardInputs(c.q, c.keys, c.S, c.B, c.lens, c.saved, de, c.dq, dkeys)
			c.sc.ProjectBackwardInputs(c.mem, c.S*c.B, dkeys, c.dmem)
			if !slices.Equal(c.dmem, wantMem) || !slices.Equal(c.dq, wantQ) {
				t.Errorf("input gradients differ from the full backward's")
			}
			assertGradsUnchanged(t, c.sc.Params(), before)
		})
		t.Run("local-"+kind, func(t *testing.T) {
			c := wellInsideCase(t, kind)
			c.backward()
			wantMem, wantQ := slices.Clone(c.dmem), slices.Clone(c.dq)
			clear(c.dmem)
			clear(c.dq)
			ps := append(c.l.Params(), c.l.Content.Params()...)
			before := gradsOf(ps)
			_, _, K := c.l.Content.Dims()
			dkeys := make([]float32, c.S*c.B*K)
			c.l.AttendBackwardInputs(c.q, c.keys, c.mem, c.S, c.B, c.M, c.lens, c.w, c.saved, c.rc, c.dq, dkeys, c.dmem)
			c.l.Content.ProjectBackwardInputs(c.mem, c.S*c.B, dkeys, c.dmem)
			if !slices.Equal(c.dmem, wantMem) || !slices.Equal(c.dq, wantQ) {
				t.Errorf("input gradients differ from the full backward's")
			}
			assertGradsUnchanged(t, ps, before)
		})
	}
}
