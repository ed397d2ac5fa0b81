package seq2seq

import (
	"cmp"
	"context"
	"slices"

	"github.com/attnmt/nmt/attention/linalg"
)

// The batched backward pass of Salience. One forward pass over a batch of
// B sentences keeps its activations; each (sentence, position) row then
// needs the backward pass of its one token's log-probability. The rows of
// a chunk are laid out as a batch of their own (expand): every
// activation the backward pass reads is gathered from the row's
// sentence, and the attention's per-step scratch, which only the kind
// knows how to lay out, is recomputed for the rows from the gathered
// queries. The decoder's backward pass then runs the chunk's rows
// longest prefix first (run.live), with no parameter gradients
// (run.inputsOnly).

// salienceBatch is where the rows of one batch of sentences go.
type salienceBatch struct {
	tgt      [][]int    // the batch's targets
	out      []Salience // the batch's results
	weight   float32    // of this pass in the average over noisy copies
	logProbs bool       // record each token's log-probability
	rows     []salienceRow
}

// salienceOfBatch runs the forward pass over bt and the backward passes of
// all its rows, in chunks of at most chunk rows, each chunk in rowAr.
func (m *Model) salienceOfBatch(ctx context.Context, ar, rowAr *arena, bt *batch, sal *salienceBatch, chunk int) error {
	ru := m.encode(ar, bt, nil, nil, true)
	ru.decode(nil)
	sal.rows = sal.rows[:0]
	for b, y := range sal.tgt {
		for k := range len(y) + 1 {
			sal.rows = append(sal.rows, salienceRow{b, k})
		}
	}
	// Longest prefixes first: a chunk's decoder runs as many steps as its
	// first row, and row j runs at step t while its position is >= t.
	slices.SortStableFunc(sal.rows, func(a, b salienceRow) int { return cmp.Compare(b.pos, a.pos) })
	seeds := ru.salienceSeeds(sal)
	O := m.cfg.Output
	for first := 0; first < len(sal.rows); first += chunk {
		if err := ctx.Err(); err != nil {
			return err
		}
		last := min(first+chunk, len(sal.rows))
		rowAr.reset()
		ex := ru.expand(rowAr, sal.rows[first:last])
		ex.salienceBackward(seeds[first*O:last*O], sal.rows[first:last], sal)
	}
	return nil
}

// salienceSeeds returns the gradient of each row's log-probability with
// respect to its attentional output, [N, O] for the N rows of sal in
// order, and records the log-probabilities when sal asks for them.
func (ru *run) salienceSeeds(sal *salienceBatch) []float32 {
	m, ar := ru.m, ru.ar
	B, O, V, N := ru.bt.B, m.cfg.Output, m.cfg.TgtVocab, len(sal.rows)
	x := ar.takeDirty(N * O)
	for j, row := range sal.rows {
		i := row.pos*B + row.sent
		copy(x[j*O:(j+1)*O], ru.o[i*O:(i+1)*O])
	}
	logits := ar.takeDirty(N * V)
	linalg.GemmBias(false, true, N, V, O, 1, x, O, m.projW.Value, O, m.projB.Value, logits, V) // [N, V]
	linalg.Parallel(N, 3*V, func(lo, hi int) {
		for j := lo; j < hi; j++ {
			row := sal.rows[j]
			y := EOSID
			if row.pos < len(sal.tgt[row.sent]) {
				y = sal.tgt[row.sent][row.pos]
			}
			// The logits become d(-log p)/d logits.
			nll, _ := crossEntropyRow(logits[j*V:(j+1)*V], y, 0, 1, true)
			if sal.logProbs {
				sal.out[row.sent].TokenLogProbs[row.pos] = float32(-nll)
			}
		}
	})
	seeds := ar.takeDirty(N * O)
	linalg.Gemm(false, false, N, O, V, -1, logits, V, m.projW.Value, O, 0, seeds, O) // [N, O]
	return seeds
}

// gatherRows returns [steps*R, width] whose row t*R+j is row
// t*B+rows[j].sent of x [steps*B, width].
func gatherRows(ar *arena, x []float32, steps, B, width int, rows []salienceRow) []float32 {
	R := len(rows)
	out := ar.takeDirty(steps * R * width)
	for t := range steps {
		for j, row := range rows {
			i := t*B + row.sent
			copy(out[(t*R+j)*width:(t*R+j+1)*width], x[i*width:(i+1)*width])
		}
	}
	return out
}

// expand lays the rows out as a batch of their own, R = len(rows), for
// an inputs-only backward pass: row j is sentence rows[j].sent with its
// decoder live up to step rows[j].pos. rows must be sorted by position,
// longest first.
func (ru *run) expand(ar *arena, rows []salienceRow) *run {
	m, bt, cfg := ru.m, ru.bt, ru.m.cfg
	R, B, S, T := len(rows), bt.B, bt.S, rows[0].pos+1
	H, D, M, O := cfg.EncoderHidden, cfg.DecoderHidden, 2*cfg.EncoderHidden, cfg.Output
	_, _, K := m.att.Dims()
	xb := &batch{B: R, S: S, T: T, srcLens: make([]int, R), tgtLens: make([]int, R), src: make([]int32, S*R)}
	for j, row := range rows {
		xb.srcLens[j], xb.tgtLens[j] = bt.srcLens[row.sent], row.pos+1
		for s := range S {
			xb.src[s*R+j] = bt.src[s*B+row.sent]
		}
	}
	ex := &run{m: m, bt: xb, ar: ar, inputsOnly: true, live: make([]int, T), stepLens: make([][]int, T)}
	for j, row := range rows {
		for t := range row.pos + 1 {
			ex.live[t] = j + 1
		}
	}
	for t := range T {
		ex.stepLens[t] = make([]int, R)
		copy(ex.stepLens[t], xb.srcLens[:ex.live[t]])
	}
	for _, layer := range ru.layers {
		var dirs [2]*seqState
		for d, st := range layer {
			dirs[d] = &seqState{S: S, B: R, reverse: st.reverse, lens: xb.srcLens,
				act:   gatherRows(ar, st.act, S, B, 4*H, rows),
				cPrev: gatherRows(ar, st.cPrev, S, B, H, rows),
				tc:    gatherRows(ar, st.tc, S, B, H, rows),
			}
		}
		ex.layers = append(ex.layers, dirs)
	}
	ex.mem = gatherRows(ar, ru.mem, S, B, M, rows)
	ex.keys = gatherRows(ar, ru.keys, S, B, K, rows)
	ex.s0 = gatherRows(ar, ru.s0, 1, B, D, rows)
	ex.act = gatherRows(ar, ru.act, T, B, 4*D, rows)
	ex.cPrev = gatherRows(ar, ru.cPrev, T, B, D, rows)
	ex.tc = gatherRows(ar, ru.tc, T, B, D, rows)
	ex.cat = gatherRows(ar, ru.cat, T, B, D+M, rows)
	ex.o = gatherRows(ar, ru.o, T, B, O, rows)
	for _, u := range ru.stack { // the stacked decoder layers' (no dropout)
		ex.stack = append(ex.stack, &stackRun{
			act:   gatherRows(ar, u.act, T, B, 4*D, rows),
			cPrev: gatherRows(ar, u.cPrev, T, B, D, rows),
			tc:    gatherRows(ar, u.tc, T, B, D, rows),
		})
	}

	// The attention of every step again, for the rows' layout of its
	// scratch (and hard attention's reads, the argmax as in the forward
	// pass).
	ex.weights = ar.takeDirty(T * R * S) // attend writes every row
	attend := ex.attention(nil)
	q, ctx := ar.takeDirty(R*D), ar.takeDirty(R*M)
	for t := range T {
		for j := range R {
			copy(q[j*D:(j+1)*D], ex.cat[(t*R+j)*(D+M):])
		}
		attend(ex, t, q, ex.weights[t*R*S:(t+1)*R*S], ctx)
	}
	return ex
}

// salienceBackward runs the inputs-only backward pass of the expanded
// rows, seeded with seeds [R, O], and adds sal.weight times each row's
// gradient x input to its sentence's matrices.
func (ex *run) salienceBackward(seeds []float32, rows []salienceRow, sal *salienceBatch) {
	m, bt := ex.m, ex.bt
	R, T, O, E := bt.B, bt.T, m.cfg.Output, m.cfg.Embed
	dO := ex.ar.take(T * R * O)
	for j, row := range rows {
		copy(dO[(row.pos*R+j)*O:(row.pos*R+j+1)*O], seeds[j*O:(j+1)*O])
	}
	g := ex.newEncoderGrads()
	ex.decoderBackward(dO, g, nil)
	dFin := ex.encoderOutputsBackward(g)
	m.addStateSalience(ex, g.dMem, dFin, rows, sal.out, sal.weight)
	dX := ex.encoderLSTMBackward(g.dMem, dFin)
	for j, row := range rows {
		dst := sal.out[row.sent].Embed[row.pos]
		for s := range bt.srcLens[j] {
			// The gradient (at the noisy copy, with SmoothGrad) times the
			// clean input.
			id := int(bt.src[s*R+j])
			i := (s*R + j) * E
			dst[s] += sal.weight * linalg.Dot(m.srcEmb.Value[id*E:(id+1)*E], dX[i:i+E])
		}
	}
}
