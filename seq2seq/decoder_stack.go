package seq2seq

import (
	"math/rand/v2"

	"github.com/attnmt/nmt/attention/linalg"
)

// The stacked decoder layers of the training computation: the layers
// above the first (Model.decUp), run step by step after the first layer
// and before attention. Layer l reads the output of layer l-1 (after
// dropout) and its own previous state; its output is its LSTM's output,
// plus its input with residual connections. Every layer starts from the
// bridge's initial state s0 and a zero cell. decode and decoderBackward
// call these once per step; a one-layer decoder has no stack and the
// step functions return their input.

// stackRun holds one stacked layer's activations over a batch, time-major
// (row t*B+b), and its running state.
type stackRun struct {
	x            []float32 // [T*B, D] inputs: the layer below's output after dropout
	drop         []float32 // [T*B, D] dropout scale of the inputs; nil without dropout
	act          []float32 // [T*B, 4D] gate activations
	c, tc        []float32 // [T*B, D] cells and tanh(cells)
	hPrev, cPrev []float32 // [T*B, D] the state each step started from
	h, cell      []float32 // [B, D] running state
	out          []float32 // [B, D] this step's output (with the residual)

	// The backward pass's.
	dGates []float32 // [T*B, 4D]
	dh, dc []float32 // [B, D] gradients carried to the previous step
	dx     []float32 // [B, D] gradient with respect to this step's input
}

// newStack allocates the stacked layers' activations for ru's batch,
// each starting from s0; r is the dropout generator (nil: no dropout).
func (ru *run) newStack(r *rand.Rand) {
	m, bt, ar := ru.m, ru.bt, ru.ar
	B, T, D := bt.B, bt.T, m.cfg.DecoderHidden
	ru.stack = nil
	for range m.decUp {
		u := &stackRun{
			x: ar.takeDirty(T * B * D), act: ar.takeDirty(T * B * 4 * D),
			c: ar.takeDirty(T * B * D), tc: ar.takeDirty(T * B * D),
			hPrev: ar.takeDirty(T * B * D), cPrev: ar.takeDirty(T * B * D),
			h: ar.takeDirty(B * D), cell: ar.take(B * D), out: ar.takeDirty(B * D),
		}
		copy(u.h, ru.s0)
		if r != nil && m.cfg.Dropout > 0 {
			u.drop = ar.takeDirty(T * B * D)
		}
		ru.stack = append(ru.stack, u)
	}
}

// stackStep runs the stacked layers at step t on below [B, D], the first
// layer's output, and returns the top layer's output [B, D]. r drives
// dropout between the layers; nil disables it.
func (ru *run) stackStep(t int, below []float32, r *rand.Rand) []float32 {
	m, B, D := ru.m, ru.bt.B, ru.m.cfg.DecoderHidden
	G, rows := 4*D, t*B
	for i, l := range m.decUp {
		u := ru.stack[i]
		x := u.x[rows*D : (rows+B)*D]
		copy(x, below)
		if u.drop != nil {
			fillDropout(r, m.cfg.Dropout, x, u.drop[rows*D:(rows+B)*D])
		}
		copy(u.hPrev[rows*D:(rows+B)*D], u.h)
		copy(u.cPrev[rows*D:(rows+B)*D], u.cell)
		gates := u.act[rows*G : (rows+B)*G]
		linalg.GemmBias(false, true, B, G, D, 1, x, D, l.wx.Value, D, l.b.Value, gates, G)
		linalg.Gemm(false, true, B, G, D, 1, u.h, D, l.wh.Value, D, 1, gates, G)
		c := u.c[rows*D : (rows+B)*D]
		cellForward(gates, u.cell, B, D, c, u.tc[rows*D:(rows+B)*D], u.h)
		copy(u.cell, c)
		copy(u.out, u.h)
		if m.cfg.DecoderResidual {
			for j, v := range below {
				u.out[j] += v
			}
		}
		below = u.out
	}
	return below
}

// newStackGrads allocates the stacked layers' backward scratch.
func (ru *run) newStackGrads() {
	B, T, D := ru.bt.B, ru.bt.T, ru.m.cfg.DecoderHidden
	for _, u := range ru.stack {
		u.dGates = ru.ar.takeDirty(T * B * 4 * D)
		u.dh, u.dc, u.dx = ru.ar.take(B*D), ru.ar.take(B*D), ru.ar.takeDirty(B*D)
	}
}

// stackStepBackward runs the stacked layers' backward pass of step t (the
// steps in reverse order) on its first n rows (the live ones; the others
// have no gradient at or after t) given dTop [B, D], the gradient with
// respect to the top layer's output, and returns the gradient with
// respect to the first layer's output [n, D].
func (ru *run) stackStepBackward(t, n int, dTop, dhStep []float32) []float32 {
	m, B, D := ru.m, ru.bt.B, ru.m.cfg.DecoderHidden
	G, rows := 4*D, t*B
	d := dTop[:n*D]
	for i := len(m.decUp) - 1; i >= 0; i-- {
		l, u := m.decUp[i], ru.stack[i]
		dh := dhStep[:n*D]
		for j, v := range d {
			dh[j] = v + u.dh[j]
		}
		dg := u.dGates[rows*G : (rows+n)*G]
		cellBackward(u.act[rows*G:(rows+n)*G], u.cPrev[rows*D:(rows+n)*D], u.tc[rows*D:(rows+n)*D], dh, u.dc, n, D, dg)
		linalg.Gemm(false, false, n, D, G, 1, dg, G, l.wh.Value, D, 0, u.dh, D)
		dx := u.dx[:n*D]
		linalg.Gemm(false, false, n, D, G, 1, dg, G, l.wx.Value, D, 0, dx, D)
		if u.drop != nil {
			applyMask(u.drop[rows*D:(rows+n)*D], dx)
		}
		if m.cfg.DecoderResidual {
			for j, v := range d {
				dx[j] += v
			}
		}
		d = dx
	}
	return d
}

// stackWeightGrads adds the stacked layers' share of the gradient of the
// initial state to dS0 [B, D] once every step's backward pass has run,
// and their weight gradients unless ru.inputsOnly.
func (ru *run) stackWeightGrads(dS0 []float32) {
	n, D := ru.bt.T*ru.bt.B, ru.m.cfg.DecoderHidden
	G := 4 * D
	for i, l := range ru.m.decUp {
		u := ru.stack[i]
		for j, v := range u.dh {
			dS0[j] += v
		}
		if ru.inputsOnly {
			continue
		}
		linalg.Gemm(true, false, G, D, n, 1, u.dGates, G, u.hPrev, D, 1, l.wh.Grad, D)
		linalg.Gemm(true, false, G, D, n, 1, u.dGates, G, u.x, D, 1, l.wx.Grad, D)
		addColumnSums(u.dGates, n, G, l.b.Grad)
	}
}
