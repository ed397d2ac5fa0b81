package seq2seq

import (
	"github.com/attnmt/nmt/attention/linalg"
)

// The backward pass comes in three stages, mirroring the forward stages
// (encode, decode, scoreTargets). Each adds the gradients of the
// parameters it read to their Grad and returns or fills the gradient with
// respect to the activations the previous stage handed it. The direct
// path (backward) and the graph path (graph.go) compose the same three
// functions.

// backward adds to every parameter's gradient the gradient of
// lo.loss.Loss / lo.loss.Tokens, given the logits gradient in lo.
func (ru *run) backward(lo *lossOutput) {
	dO := ru.lossBackward(lo, 1)
	g := ru.newEncoderGrads()
	ru.decoderBackward(dO, g, lo)
	ru.encoderBackward(g)
}

// lossBackward turns the logits gradient in lo, scaled by scale, into the
// gradient of the attentional outputs, dO [T*B, O], and adds the
// vocabulary projection's gradients.
func (ru *run) lossBackward(lo *lossOutput, scale float32) []float32 {
	m, bt, ar, cfg := ru.m, ru.bt, ru.ar, ru.m.cfg
	B, T, O, V := bt.B, bt.T, cfg.Output, cfg.TgtVocab
	N := len(lo.rows)
	dx := ar.takeDirty(N * O)
	fw := watchFault(faultVocab, nil, m.projW.Grad, m.projB.Grad)
	linalg.Gemm(false, false, N, O, V, scale, lo.logits, V, m.projW.Value, O, 0, dx, O)
	linalg.Gemm(true, false, V, O, N, scale, lo.logits, V, lo.x, O, 1, m.projW.Grad, O)
	if scale == 1 {
		addColumnSums(lo.logits, N, V, m.projB.Grad)
	} else {
		for r := range N {
			for j, v := range lo.logits[r*V : (r+1)*V] {
				m.projB.Grad[j] += scale * v
			}
		}
	}
	fw.done()
	scaleFault(faultVocab, dx)
	dO := ar.take(T * B * O)
	for i, row := range lo.rows {
		copy(dO[row*O:(row+1)*O], dx[i*O:(i+1)*O])
	}
	applyMask(ru.oDrop, dO)
	return dO
}

// encoderGrads are the gradients with respect to the encoder's outputs,
// stored back to back in one array in the order of the encoder stage's
// packed output (see encoderPacking): dMem [S*B, 2H], dS0 [B, D],
// dKeys [S*B, K].
type encoderGrads struct {
	all              []float32
	dMem, dS0, dKeys []float32
}

// encoderPacking returns the lengths of mem, s0 and keys for a batch of
// source length S and size B.
func (m *Model) encoderPacking(S, B int) (nMem, nS0, nKeys int) {
	_, _, K := m.att.Dims()
	return S * B * 2 * m.cfg.EncoderHidden, B * m.cfg.DecoderHidden, S * B * K
}

// splitEncoderGrads lays the encoder gradients over all, which must be
// zero and as long as the three together.
func (m *Model) splitEncoderGrads(all []float32, S, B int) *encoderGrads {
	nMem, nS0, nKeys := m.encoderPacking(S, B)
	return &encoderGrads{all: all,
		dMem:  all[:nMem:nMem],
		dS0:   all[nMem : nMem+nS0 : nMem+nS0],
		dKeys: all[nMem+nS0 : nMem+nS0+nKeys],
	}
}

// newEncoderGrads returns zeroed encoder gradients for ru's batch.
func (ru *run) newEncoderGrads() *encoderGrads {
	nMem, nS0, nKeys := ru.m.encoderPacking(ru.bt.S, ru.bt.B)
	return ru.m.splitEncoderGrads(ru.ar.take(nMem+nS0+nKeys), ru.bt.S, ru.bt.B)
}

// decoderBackward adds the decoder's parameter gradients (target
// embedding, decoder LSTMs, attention scorer, output layer; none with
// ru.inputsOnly) given dO, the gradient of the attentional outputs, and
// adds the gradients with respect to the encoder outputs to g. lo is the
// loss stage's output (hard attention's rewards). With input feeding dO
// is used as scratch. With ru.live set, step t runs only the first
// ru.live[t] rows: the others must have no gradient at or after t.
func (ru *run) decoderBackward(dO []float32, g *encoderGrads, lo *lossOutput) {
	m, bt, ar, cfg := ru.m, ru.bt, ru.ar, ru.m.cfg
	B, T := bt.B, bt.T
	E, D, O, M := cfg.Embed, cfg.DecoderHidden, cfg.Output, 2*cfg.EncoderHidden
	G, In, C := 4*D, m.dec.in, D+M

	dPre := ar.take(T * B * O) // gradient before the output tanh
	dCat := ar.takeDirty(T * B * C)
	toPre := func(row, n int) {
		for i := row * O; i < (row+n)*O; i++ {
			o := ru.o[i]
			dPre[i] = dO[i] * (1 - o*o)
		}
		scaleFault(faultOutput, dPre[row*O:(row+n)*O])
		linalg.Gemm(false, false, n, C, O, 1, dPre[row*O:(row+n)*O], O, m.outW.Value, C, 0, dCat[row*C:(row+n)*C], C)
	}
	stepwise := cfg.InputFeeding || ru.live != nil
	if !stepwise {
		toPre(0, T*B)
	}
	attendBackward := ru.attentionBackward(lo)
	dGates := ar.takeDirty(T * B * G)
	ds := ar.take(B * D)
	dc := ar.take(B * D)
	dctx := ar.take(B * M) // rows not yet live keep zeros
	sT := ar.takeDirty(B * D)
	// dTop is the gradient with respect to the top layer's output: ds
	// itself for a one-layer decoder, whose top layer is the first.
	dTop, dhStep := ds, []float32(nil)
	if len(ru.stack) > 0 {
		ru.newStackGrads()
		dTop, dhStep = ar.takeDirty(B*D), ar.takeDirty(B*D)
	}
	for t := T - 1; t >= 0; t-- {
		rows, n := t*B, B
		if ru.live != nil {
			n = ru.live[t]
		}
		if stepwise {
			toPre(rows, n)
		}
		if len(ru.stack) > 0 {
			clear(dTop)
		}
		for b := range n {
			r := (rows + b) * C
			for j := range D {
				dTop[b*D+j] += dCat[r+j]
			}
			copy(dctx[b*M:(b+1)*M], dCat[r+D:r+C])
		}
		s := ru.cat[rows*C:] // the top output s_t is the first D columns of each row of cat
		for b := range B {
			copy(sT[b*D:(b+1)*D], s[b*C:b*C+D])
		}
		attendBackward(ru, t, sT, dctx, dTop, g)
		if len(ru.stack) > 0 {
			for j, v := range ru.stackStepBackward(t, n, dTop, dhStep) {
				ds[j] += v
			}
		}
		dg := dGates[rows*G : (rows+n)*G]
		cellBackward(ru.act[rows*G:(rows+n)*G], ru.cPrev[rows*D:(rows+n)*D], ru.tc[rows*D:(rows+n)*D], ds, dc, n, D, dg)
		linalg.Gemm(false, false, n, D, G, 1, dg, G, m.dec.wh.Value, D, 0, ds, D)
		if cfg.InputFeeding && t > 0 {
			// The fed output o_{t-1} gets the gradient of this step's gates.
			linalg.Gemm(false, false, n, O, G, 1, dg, G, m.dec.wx.Value[E:], In, 1, dO[(rows-B)*O:(rows-B+n)*O], O)
		}
	}
	// The gradient of s0 is what is left in ds.
	for i, v := range ds {
		g.dS0[i] += v
	}
	ru.stackWeightGrads(g.dS0)
	if ru.inputsOnly {
		return
	}
	n := T * B
	linalg.Gemm(true, false, O, C, n, 1, dPre, O, ru.cat, C, 1, m.outW.Grad, C)
	addColumnSums(dPre, n, O, m.outB.Grad)
	linalg.Gemm(true, false, G, D, n, 1, dGates, G, ru.sPrev, D, 1, m.dec.wh.Grad, D)
	linalg.Gemm(true, false, G, E, n, 1, dGates, G, ru.tgtY, E, 1, m.dec.wx.Grad, In)
	if cfg.InputFeeding {
		linalg.Gemm(true, false, G, O, n, 1, dGates, G, ru.oPrev, O, 1, m.dec.wx.Grad[E:], In)
	}
	addColumnSums(dGates, n, G, m.dec.b.Grad)
	dY := ar.takeDirty(n * E)
	linalg.Gemm(false, false, n, E, G, 1, dGates, G, m.dec.wx.Value, In, 0, dY, E)
	applyMask(ru.tgtDrop, dY)
	embedBackward(m.tgtEmb.Grad, E, ru.tgtIn, dY)
}

// encoderBackward adds the encoder's parameter gradients (source
// embedding, encoder LSTMs, bridge, attention key projection) given the
// gradients with respect to its outputs. g.dMem is used as scratch.
func (ru *run) encoderBackward(g *encoderGrads) {
	dFin := ru.encoderOutputsBackward(g)
	dX := ru.encoderLSTMBackward(g.dMem, dFin)
	embedBackward(ru.m.srcEmb.Grad, ru.m.cfg.Embed, ru.src, dX)
}

// encoderOutputsBackward adds the gradients of the bridge and the
// attention key projection (unless ru.inputsOnly), completes g.dMem with
// the keys' share (after it, g.dMem is the whole gradient with respect
// to ru.mem except the bridge's), and returns the gradient with respect
// to the final states ru.fin [B, 2H].
func (ru *run) encoderOutputsBackward(g *encoderGrads) []float32 {
	m, bt, ar, cfg := ru.m, ru.bt, ru.ar, ru.m.cfg
	S, B := bt.S, bt.B
	H, D := cfg.EncoderHidden, cfg.DecoderHidden

	// Bridge: s0 = tanh(bridge fin + b).
	dPreS0 := ar.takeDirty(B * D)
	for i, s := range ru.s0 {
		dPreS0[i] = g.dS0[i] * (1 - s*s)
	}
	scaleFault(faultBridge, dPreS0)
	dFin := ar.takeDirty(B * 2 * H)
	linalg.Gemm(false, false, B, 2*H, D, 1, dPreS0, D, m.bridge.Value, 2*H, 0, dFin, 2*H)
	if ru.inputsOnly {
		m.att.ProjectBackwardInputs(ru.mem, S*B, g.dKeys, g.dMem)
		return dFin
	}
	linalg.Gemm(true, false, D, 2*H, B, 1, dPreS0, D, ru.fin, 2*H, 1, m.bridge.Grad, 2*H)
	addColumnSums(dPreS0, B, D, m.bridgeB.Grad)
	fw := watchFault(faultProject, m.att, g.dMem)
	m.att.ProjectBackward(ru.mem, S*B, g.dKeys, g.dMem)
	fw.done()
	return dFin
}

// encoderLSTMBackward adds the encoder LSTMs' gradients (unless
// ru.inputsOnly) given dMem [S*B, 2H] and dFin [B, 2H], the gradients
// with respect to the top layer's outputs and final states, and returns
// the gradient with respect to the source embeddings before dropout
// [S*B, E]. dMem is used as scratch.
func (ru *run) encoderLSTMBackward(dMem, dFin []float32) []float32 {
	m, bt, ar, cfg := ru.m, ru.bt, ru.ar, ru.m.cfg
	S, B, H := bt.S, bt.B, cfg.EncoderHidden
	dOut := dMem
	for l := len(m.enc) - 1; l >= 0; l-- {
		f, b := ru.layers[l][0], ru.layers[l][1]
		dF, dB := ar.takeDirty(S*B*H), ar.takeDirty(S*B*H)
		for row := range S * B {
			copy(dF[row*H:(row+1)*H], dOut[row*2*H:row*2*H+H])
			copy(dB[row*H:(row+1)*H], dOut[row*2*H+H:(row+1)*2*H])
		}
		var dhF, dhB []float32
		if l == len(m.enc)-1 {
			dhF, dhB = ar.takeDirty(B*H), ar.takeDirty(B*H)
			for bi := range B {
				copy(dhF[bi*H:(bi+1)*H], dFin[bi*2*H:bi*2*H+H])
				copy(dhB[bi*H:(bi+1)*H], dFin[bi*2*H+H:(bi+1)*2*H])
			}
		}
		in := m.enc[l][0].in
		dIn := ar.take(S * B * in)
		m.enc[l][0].backwardSeq(ar, f, dF, dhF, nil, dIn, !ru.inputsOnly)
		m.enc[l][1].backwardSeq(ar, b, dB, dhB, nil, dIn, !ru.inputsOnly)
		dOut = dIn
	}
	applyMask(ru.srcDrop, dOut)
	return dOut
}
