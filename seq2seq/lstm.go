package seq2seq

import (
	"github.com/attnmt/nmt/attention/linalg"
)

// lstm holds one LSTM's weights, the four gates (input, forget, cell,
// output) stacked in that order: gates = Wx x + Wh h + b.
type lstm struct {
	in, hid int
	wx      *Param // [4H, In]
	wh      *Param // [4H, H]
	b       *Param // [4H]
}

func newLSTM(name string, in, hid int) *lstm {
	return &lstm{in: in, hid: hid,
		wx: newParam(name+".wx", 4*hid, in),
		wh: newParam(name+".wh", 4*hid, hid),
		b:  newParam(name+".b", 4*hid),
	}
}

func (l *lstm) params() []*Param { return []*Param{l.wx, l.wh, l.b} }

// newParam returns a parameter without its values, which newModel
// allocates (all but those a model read for int8 decoding never holds),
// and without its gradient, which Model.ensureGrads allocates once
// training needs it: a model loaded only to translate never holds one.
func newParam(name string, shape ...int) *Param {
	return &Param{Name: name, Shape: shape}
}

// cellForward turns the pre-activation gates [B, 4H] into activations in
// place (sigmoid for i, f, o; tanh for g) and computes the new cell c and
// output h [B, H] from the previous cell cPrev. tc receives tanh(c).
func cellForward(gates []float32, cPrev []float32, bsz, hid int, c, tc, h []float32) {
	linalg.Parallel(bsz, 8*hid, func(lo, hi int) { cellForwardRows(gates, cPrev, lo, hi, hid, c, tc, h) })
}

func cellForwardRows(gates []float32, cPrev []float32, lo, hi, hid int, c, tc, h []float32) {
	for b := lo; b < hi; b++ {
		gr := gates[b*4*hid : (b+1)*4*hid]
		linalg.SigmoidSlice(gr[:2*hid]) // input and forget gates
		linalg.TanhSlice(gr[2*hid : 3*hid])
		linalg.SigmoidSlice(gr[3*hid:])
		i, f, g, o := gr[:hid], gr[hid:2*hid], gr[2*hid:3*hid], gr[3*hid:]
		cp := cPrev[b*hid : (b+1)*hid]
		cr, tr, hr := c[b*hid:(b+1)*hid], tc[b*hid:(b+1)*hid], h[b*hid:(b+1)*hid]
		for k := range hid {
			cr[k] = f[k]*cp[k] + i[k]*g[k]
		}
		copy(tr, cr)
		linalg.TanhSlice(tr)
		for k := range hid {
			hr[k] = o[k] * tr[k]
		}
	}
}

// cellBackward computes the gradient of the pre-activation gates dgates
// [B, 4H] from the activations act, the previous cell cPrev, tanh(c) tc,
// and the gradients dh and dc with respect to this step's output and
// cell. dc is overwritten with the gradient with respect to cPrev. Rows
// with skip[b] set get zero gate gradients and pass dc through.
func cellBackward(act, cPrev, tc, dh, dc []float32, bsz, hid int, dgates []float32) {
	linalg.Parallel(bsz, 4*hid, func(lo, hi int) { cellBackwardRows(act, cPrev, tc, dh, dc, lo, hi, hid, dgates) })
	scaleFault(faultCell, dgates[:bsz*4*hid], dc[:bsz*hid])
}

func cellBackwardRows(act, cPrev, tc, dh, dc []float32, lo, hi, hid int, dgates []float32) {
	for b := lo; b < hi; b++ {
		ar := act[b*4*hid : (b+1)*4*hid]
		i, f, g, o := ar[:hid], ar[hid:2*hid], ar[2*hid:3*hid], ar[3*hid:]
		dr := dgates[b*4*hid : (b+1)*4*hid]
		di, df, dg, do := dr[:hid], dr[hid:2*hid], dr[2*hid:3*hid], dr[3*hid:]
		cp, tr := cPrev[b*hid:(b+1)*hid], tc[b*hid:(b+1)*hid]
		dhr, dcr := dh[b*hid:(b+1)*hid], dc[b*hid:(b+1)*hid]
		for k := range hid {
			t := tr[k]
			dcv := dcr[k] + dhr[k]*o[k]*(1-t*t)
			do[k] = dhr[k] * t * o[k] * (1 - o[k])
			di[k] = dcv * g[k] * i[k] * (1 - i[k])
			dg[k] = dcv * i[k] * (1 - g[k]*g[k])
			df[k] = dcv * cp[k] * f[k] * (1 - f[k])
			dcr[k] = dcv * f[k]
		}
	}
}

// seqState is what a masked LSTM pass over a sequence keeps for its
// backward pass. All matrices are time-major, row t*B+b.
type seqState struct {
	S, B    int
	reverse bool
	lens    []int
	x       []float32 // [S*B, In] inputs
	act     []float32 // [S*B, 4H] gate activations
	c, tc   []float32 // [S*B, H] cells and tanh(cells)
	hPrev   []float32 // [S*B, H] the state each step started from
	cPrev   []float32 // [S*B, H]
	out     []float32 // [S*B, H] outputs, zero at padding
	hN, cN  []float32 // [B, H] final state (last real position)
}

// forwardSeq runs the LSTM over x [S*B, In] from a zero state, left to
// right or (reverse) right to left. Positions t >= lens[b] are padding:
// the state passes through them unchanged and their output is zero, so
// the reverse direction starts at each sentence's own last word. keep
// stores what backwardSeq needs (every step's cells and starting state).
// act [S*B, 4H] receives the gate activations; nil takes it from ar.
// Without keep nothing reads them after the pass, so that passes may
// share one act.
func (l *lstm) forwardSeq(ar *arena, x []float32, S, B int, lens []int, reverse, keep bool, p lstmProducts, act []float32) *seqState {
	H, G := l.hid, 4*l.hid
	if act == nil {
		act = ar.takeDirty(S * B * G)
	}
	st := &seqState{S: S, B: B, reverse: reverse, lens: lens, x: x,
		act: act[:S*B*G], out: ar.take(S * B * H),
		hN: ar.take(B * H), cN: ar.take(B * H),
	}
	// Without keep, the cells of a step live only for that step.
	var cStep, tcStep []float32
	if keep {
		st.c, st.tc = ar.takeDirty(S*B*H), ar.takeDirty(S*B*H)
		st.hPrev, st.cPrev = ar.takeDirty(S*B*H), ar.takeDirty(S*B*H)
	} else {
		cStep, tcStep = ar.takeDirty(B*H), ar.takeDirty(B*H)
	}
	p.x.mulSet(S*B, x, l.in, l.b.Value, st.act, G) // act holds the pre-activations until cellForward
	h, c := st.hN, st.cN                           // running state, ends as the final state
	hNew := ar.takeDirty(B * H)
	for k := range S {
		t := k
		if reverse {
			t = S - 1 - k
		}
		rows := t * B
		cNew, tc := cStep, tcStep
		if keep {
			copy(st.hPrev[rows*H:(rows+B)*H], h)
			copy(st.cPrev[rows*H:(rows+B)*H], c)
			cNew, tc = st.c[rows*H:(rows+B)*H], st.tc[rows*H:(rows+B)*H]
		}
		gates := st.act[rows*G : (rows+B)*G]
		p.h.mulAdd(B, h, H, gates, G)
		cellForward(gates, c, B, H, cNew, tc, hNew)
		for b := range B {
			if t >= lens[b] {
				continue // padding: keep the state
			}
			copy(h[b*H:(b+1)*H], hNew[b*H:(b+1)*H])
			copy(c[b*H:(b+1)*H], cNew[b*H:(b+1)*H])
			copy(st.out[(rows+b)*H:(rows+b+1)*H], hNew[b*H:(b+1)*H])
		}
	}
	return st
}

// backwardSeq adds to dx [S*B, In] and, with weights set, to the weight
// gradients the gradient flowing back from dout [S*B, H] and from dhN,
// dcN [B, H] (either may be nil), the gradients with respect to the
// outputs and the final state. Without weights it reads only the
// activations, cells and lengths of st.
func (l *lstm) backwardSeq(ar *arena, st *seqState, dout, dhN, dcN, dx []float32, weights bool) {
	S, B, H, G := st.S, st.B, l.hid, 4*l.hid
	dgates := ar.take(S * B * G)
	dh, dc := ar.take(B*H), ar.take(B*H)
	if dhN != nil {
		copy(dh, dhN)
	}
	if dcN != nil {
		copy(dc, dcN)
	}
	dhStep := ar.takeDirty(B * H)
	dcStep := ar.takeDirty(B * H)
	dhPrev := ar.takeDirty(B * H)
	for k := range S {
		t := S - 1 - k // undo the forward order
		if st.reverse {
			t = k
		}
		rows := t * B
		for b := range B {
			r := (rows + b) * H
			if t >= st.lens[b] {
				clear(dhStep[b*H : (b+1)*H])
				clear(dcStep[b*H : (b+1)*H])
				continue
			}
			for j := range H {
				dhStep[b*H+j] = dh[b*H+j] + dout[r+j]
			}
			copy(dcStep[b*H:(b+1)*H], dc[b*H:(b+1)*H])
		}
		dg := dgates[rows*G : (rows+B)*G]
		cellBackward(st.act[rows*G:(rows+B)*G], st.cPrev[rows*H:(rows+B)*H], st.tc[rows*H:(rows+B)*H],
			dhStep, dcStep, B, H, dg)
		linalg.Gemm(false, false, B, H, G, 1, dg, G, l.wh.Value, H, 0, dhPrev, H)
		for b := range B {
			if t >= st.lens[b] {
				continue // padding passed the gradient through unchanged
			}
			copy(dh[b*H:(b+1)*H], dhPrev[b*H:(b+1)*H])
			copy(dc[b*H:(b+1)*H], dcStep[b*H:(b+1)*H])
		}
	}
	n := S * B
	linalg.Gemm(false, false, n, l.in, G, 1, dgates, G, l.wx.Value, l.in, 1, dx, l.in)
	if weights {
		linalg.Gemm(true, false, G, H, n, 1, dgates, G, st.hPrev, H, 1, l.wh.Grad, H)
		linalg.Gemm(true, false, G, l.in, n, 1, dgates, G, st.x, l.in, 1, l.wx.Grad, l.in)
		addColumnSums(dgates, n, G, l.b.Grad)
	}
}

// addColumnSums adds the column sums of the n x m matrix x to dst [m].
func addColumnSums(x []float32, n, m int, dst []float32) {
	for r := range n {
		row := x[r*m : r*m+m]
		for j, v := range row {
			dst[j] += v
		}
	}
}
