package seq2seq

import (
	"math"
	"math/rand/v2"

	"github.com/attnmt/nmt/attention/linalg"
)

// run holds the activations of one forward pass over a batch, kept for
// the backward pass. Matrices are time-major (row t*B+b).
type run struct {
	m  *Model
	bt *batch
	ar *arena

	src     []int32   // [S*B] source ids after word dropout
	srcX    []float32 // [S*B, E] source embeddings (after dropout)
	srcDrop []float32 // dropout scale per element, nil without dropout
	layers  [][2]*seqState
	layerIn [][]float32 // input of each encoder layer
	mem     []float32   // [S*B, 2H] top encoder outputs
	fin     []float32   // [B, 2H] final forward and backward states
	s0      []float32   // [B, D] initial decoder state
	keys    []float32   // [S*B, K]

	tgtIn    []int32   // [T*B] target input ids after word dropout
	tgtY     []float32 // [T*B, E] target input embeddings (after dropout)
	tgtDrop  []float32
	act      []float32 // [T*B, 4D] decoder gate activations
	c, tc    []float32 // [T*B, D]
	sPrev    []float32 // [T*B, D] decoder state before each step
	cPrev    []float32 // [T*B, D]
	oPrev    []float32 // [T*B, O] fed attentional output (input feeding)
	cat      []float32 // [T*B, D+2H] [s_t; ctx_t]
	weights  []float32 // [T*B*S] attention weights, step t at t*B*S
	saved    []float32 // attention scratch, savedLen per step
	savedLen int
	hard     *hardRun      // hard attention's draws; nil for the other kinds
	back     attendScratch // the backward pass's attention scratch
	stack    []*stackRun   // the decoder layers above the first
	o        []float32     // [T*B, O] attentional outputs tanh(W [s; ctx])
	oDrop    []float32

	// inputsOnly makes the backward pass compute the gradients with
	// respect to the inputs and activations alone, no parameter gradient
	// (explanations).
	inputsOnly bool
	// live, when set, is the number of leading rows whose decoder
	// backward runs at each step [T]: later rows have no gradient there.
	// stepLens [T][B] are then the source lengths of each step, zero for
	// the rows not live (see srcLensAt).
	live     []int
	stepLens [][]int
}

// dropout scales x in place by a fresh inverted-dropout mask with rate p
// and returns the mask, or nil when p is 0.
func dropout(ar *arena, r *rand.Rand, p float64, x []float32) []float32 {
	if p == 0 || r == nil {
		return nil
	}
	mask := ar.takeDirty(len(x))
	fillDropout(r, p, x, mask)
	return mask
}

// fillDropout draws an inverted-dropout mask with rate p into mask and
// scales x by it in place.
func fillDropout(r *rand.Rand, p float64, x, mask []float32) {
	keep := float32(1 / (1 - p))
	threshold := uint32(p * (1 << 32))
	for i := range mask {
		if r.Uint32() < threshold {
			mask[i] = 0
		} else {
			mask[i] = keep
		}
		x[i] *= mask[i]
	}
}

func applyMask(mask, x []float32) {
	if mask == nil {
		return
	}
	for i, s := range mask {
		x[i] *= s
	}
}

// embed gathers the rows of table [V, E] named by ids into out [len(ids), E].
func embed(table []float32, e int, ids []int32, out []float32) {
	for i, id := range ids {
		copy(out[i*e:(i+1)*e], table[int(id)*e:int(id+1)*e])
	}
}

// embedBackward adds the rows of dout to the rows of the table gradient.
func embedBackward(grad []float32, e int, ids []int32, dout []float32) {
	fw := watchFault(faultEmbed, nil, grad)
	defer fw.done()
	for i, id := range ids {
		if id == PadID {
			continue
		}
		g := grad[int(id)*e : int(id+1)*e]
		for j, v := range dout[i*e : (i+1)*e] {
			g[j] += v
		}
	}
}

// encode runs the embeddings, the bidirectional encoder, the bridge and
// the key projection. r drives dropout; nil disables it. keep keeps the
// LSTMs' per-step activations for the backward pass; without it the
// encoder needs about half the scratch.
func (m *Model) encode(ar *arena, bt *batch, r *rand.Rand, p *encoderProducts, keep bool) *run {
	if p == nil {
		p = m.encoderProducts()
	}
	cfg := m.cfg
	S, B, E, H, D := bt.S, bt.B, cfg.Embed, cfg.EncoderHidden, cfg.DecoderHidden
	ru := &run{m: m, bt: bt, ar: ar}
	ru.src = wordDropout(r, cfg.WordDropout, bt.src)
	ru.srcX = ar.takeDirty(S * B * E)
	m.embedRows(m.srcEmb, ru.src, ru.srcX)
	for i, v := range bt.srcNoise {
		ru.srcX[i] += v
	}
	ru.srcDrop = dropout(ar, r, cfg.Dropout, ru.srcX)

	x := ru.srcX
	// Without keep the gate activations of a pass are dead once it is
	// done: all passes share one buffer, the largest of the encoder.
	var act []float32
	if !keep {
		act = ar.takeDirty(S * B * 4 * H)
	}
	for i, layer := range m.enc {
		f := layer[0].forwardSeq(ar, x, S, B, bt.srcLens, false, keep, p.layers[i][0], act)
		b := layer[1].forwardSeq(ar, x, S, B, bt.srcLens, true, keep, p.layers[i][1], act)
		out := ar.takeDirty(S * B * 2 * H)
		for row := range S * B {
			copy(out[row*2*H:row*2*H+H], f.out[row*H:(row+1)*H])
			copy(out[row*2*H+H:(row+1)*2*H], b.out[row*H:(row+1)*H])
		}
		ru.layers = append(ru.layers, [2]*seqState{f, b})
		ru.layerIn = append(ru.layerIn, x)
		x = out
	}
	ru.mem = x
	top := ru.layers[len(ru.layers)-1]
	ru.fin = ar.takeDirty(B * 2 * H)
	for b := range B {
		copy(ru.fin[b*2*H:b*2*H+H], top[0].hN[b*H:(b+1)*H])
		copy(ru.fin[b*2*H+H:(b+1)*2*H], top[1].hN[b*H:(b+1)*H])
	}
	ru.s0 = ar.takeDirty(B * D)
	p.bridge.mulSet(B, ru.fin, 2*H, m.bridgeB.Value, ru.s0, D)
	linalg.TanhSlice(ru.s0)
	_, _, K := m.att.Dims()
	if p.keys.n > 0 {
		ru.keys = ar.take(S * B * K)
		p.keys.mulAdd(S*B, ru.mem, 2*H, ru.keys, K)
	} else {
		ru.keys = ar.takeDirty(S * B * K)
		m.att.Project(ru.mem, S*B, ru.keys)
	}
	return ru
}

// decode runs the attentional decoder over the target inputs with teacher
// forcing and returns the attentional outputs ru.o [T*B, O].
func (ru *run) decode(r *rand.Rand) {
	m, bt, ar, cfg := ru.m, ru.bt, ru.ar, ru.m.cfg
	S, B, T := bt.S, bt.B, bt.T
	E, D, O, M := cfg.Embed, cfg.DecoderHidden, cfg.Output, 2*cfg.EncoderHidden
	G, In, C := 4*D, m.dec.in, D+M

	ru.tgtIn = wordDropout(r, cfg.WordDropout, bt.tgtIn)
	ru.tgtY = ar.takeDirty(T * B * E)
	m.embedRows(m.tgtEmb, ru.tgtIn, ru.tgtY)
	ru.tgtDrop = dropout(ar, r, cfg.Dropout, ru.tgtY)

	// The embedding part of the gates for all steps at once.
	ru.act = ar.takeDirty(T * B * G)
	linalg.GemmBias(false, true, T*B, G, E, 1, ru.tgtY, E, m.dec.wx.Value, In, m.dec.b.Value, ru.act, G)

	ru.c, ru.tc = ar.takeDirty(T*B*D), ar.takeDirty(T*B*D)
	ru.sPrev, ru.cPrev = ar.takeDirty(T*B*D), ar.takeDirty(T*B*D)
	ru.cat = ar.takeDirty(T * B * C)
	ru.weights = ar.take(T * B * S)
	attend := ru.attention(r)
	ru.o = ar.takeDirty(T * B * O)
	if cfg.InputFeeding {
		ru.oPrev = ar.take(T * B * O)
	}
	s := ar.takeDirty(B * D)
	copy(s, ru.s0)
	c := ar.take(B * D)
	ctx := ar.takeDirty(B * M)
	ru.newStack(r)
	for t := range T {
		rows := t * B
		copy(ru.sPrev[rows*D:(rows+B)*D], s)
		copy(ru.cPrev[rows*D:(rows+B)*D], c)
		gates := ru.act[rows*G : (rows+B)*G]
		if cfg.InputFeeding && t > 0 {
			copy(ru.oPrev[rows*O:(rows+B)*O], ru.o[(rows-B)*O:rows*O])
			linalg.Gemm(false, true, B, G, O, 1, ru.oPrev[rows*O:(rows+B)*O], O, m.dec.wx.Value[E:], In, 1, gates, G)
		}
		linalg.Gemm(false, true, B, G, D, 1, s, D, m.dec.wh.Value, D, 1, gates, G)
		cellForward(gates, c, B, D, ru.c[rows*D:(rows+B)*D], ru.tc[rows*D:(rows+B)*D], s)
		copy(c, ru.c[rows*D:(rows+B)*D])

		top := ru.stackStep(t, s, r) // s itself for a one-layer decoder
		attend(ru, t, top, ru.weights[t*B*S:(t+1)*B*S], ctx)
		for b := range B {
			copy(ru.cat[(rows+b)*C:(rows+b)*C+D], top[b*D:(b+1)*D])
			copy(ru.cat[(rows+b)*C+D:(rows+b+1)*C], ctx[b*M:(b+1)*M])
		}
		if cfg.InputFeeding {
			ru.outputLayer(rows, B)
		}
	}
	if !cfg.InputFeeding {
		ru.outputLayer(0, T*B)
	}
}

// outputLayer computes o = tanh(outW [s; ctx] + outB) for n rows from row.
func (ru *run) outputLayer(row, n int) {
	m, O := ru.m, ru.m.cfg.Output
	C := m.outW.Shape[1]
	o := ru.o[row*O : (row+n)*O]
	linalg.GemmBias(false, true, n, O, C, 1, ru.cat[row*C:(row+n)*C], C, m.outW.Value, C, m.outB.Value, o, O)
	linalg.TanhSlice(o)
}

// lossOutput holds the vocabulary projection of the scored positions.
type lossOutput struct {
	rows   []int     // time-major row of each scored position
	x      []float32 // [N, O] projection inputs (after dropout)
	logits []float32 // [N, V], turned into d loss / d logits by backward
	nll    []float32 // [T*B] hard attention's: negative log-likelihood of each scored row, 0 elsewhere; nil for the other kinds
	loss   BatchLoss
}

// scoreTargets projects the attentional outputs of the real target
// positions onto the vocabulary and computes the label-smoothed
// cross-entropy. With grad set, the logits are replaced by the gradient
// of Loss / Tokens with respect to them.
func (ru *run) scoreTargets(r *rand.Rand, grad bool) *lossOutput {
	m, bt, ar, cfg := ru.m, ru.bt, ru.ar, ru.m.cfg
	B, O, V := bt.B, cfg.Output, cfg.TgtVocab
	ru.oDrop = nil
	x := ru.o
	if r != nil && cfg.Dropout > 0 {
		x = ar.takeDirty(len(ru.o))
		copy(x, ru.o)
		ru.oDrop = dropout(ar, r, cfg.Dropout, x)
	}
	lo := &lossOutput{}
	for t := range bt.T {
		for b := range B {
			if t < bt.tgtLens[b] {
				lo.rows = append(lo.rows, t*B+b)
			}
		}
	}
	N := len(lo.rows)
	if ru.hard != nil {
		lo.nll = ar.take(bt.T * B) // hard attention's rewards
	}
	lo.x = ar.takeDirty(N * O)
	for i, row := range lo.rows {
		copy(lo.x[i*O:(i+1)*O], x[row*O:(row+1)*O])
	}
	lo.logits = ar.takeDirty(N * V)
	linalg.GemmBias(false, true, N, V, O, 1, lo.x, O, m.projW.Value, O, m.projB.Value, lo.logits, V)

	eps := float32(cfg.LabelSmoothing)
	scale := float32(1) / float32(N)
	parts := make([]BatchLoss, N) // per range of rows, summed in row order below
	linalg.Parallel(N, 3*V, func(first, last int) {
		part := &parts[first]
		for i := first; i < last; i++ {
			nll, smooth := crossEntropyRow(lo.logits[i*V:(i+1)*V], int(bt.tgtOut[lo.rows[i]]), eps, scale, grad)
			if lo.nll != nil {
				lo.nll[lo.rows[i]] = float32(nll)
			}
			part.NLL += nll
			part.Loss += smooth
		}
	})
	for _, p := range parts {
		lo.loss.NLL += p.NLL
		lo.loss.Loss += p.Loss
	}
	lo.loss.Tokens = N
	return lo
}

// crossEntropyRow returns the negative log-likelihood of the target y
// under the logits z and the label-smoothed loss (1-eps) nll + eps *
// mean_v(-log p_v). With grad set it replaces z by scale times the
// gradient of the smoothed loss with respect to the logits.
func crossEntropyRow(z []float32, y int, eps, scale float32, grad bool) (nll, smoothed float64) {
	V := len(z)
	mx := linalg.Max(z)
	logitY := float64(z[y])
	var zsum float64
	for _, v := range z {
		zsum += float64(v)
	}
	sum := float64(linalg.ExpShiftSum(z, mx)) // z now holds exp(logit - max)
	lse := float64(mx) + math.Log(sum)
	nll = lse - logitY
	meanLogp := zsum/float64(V) - lse
	smoothed = (1-float64(eps))*nll - float64(eps)*meanLogp
	if grad {
		inv := float32(1/sum) * scale
		uniform := eps / float32(V) * scale
		for j := range z {
			z[j] = z[j]*inv - uniform
		}
		z[y] -= (1 - eps) * scale
	}
	return nll, smoothed
}
