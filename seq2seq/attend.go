package seq2seq

import (
	"math"
	"math/rand/v2"

	"github.com/attnmt/nmt/attention"
)

// The attention of the training decoder. decode and decoderBackward pick
// the kind's step functions once per batch (attention and
// attentionBackward), so that no step tests the kind.

// attendStep computes the attention of decoder step t: the weights w
// [B, S] and contexts ctx [B, M] for the decoder states s [B, D].
type attendStep func(t int, s, w, ctx []float32)

// attendBackStep adds the gradients of step t's attention, flowing back
// from dctx [B, M], to ds [B, D], the encoder gradients g and the
// attention weights. s [B, D] holds the step's decoder states.
type attendBackStep func(t int, s, dctx, ds []float32, g *encoderGrads)

// attention allocates the attention scratch of ru's batch and returns
// the step function of the model's kind. r draws hard attention's
// positions; nil reads the argmax.
func (ru *run) attention(r *rand.Rand) attendStep {
	m, bt, ar := ru.m, ru.bt, ru.ar
	S, B, T := bt.S, bt.B, bt.T
	switch {
	case m.local != nil:
		ru.savedLen = m.local.SavedLen(S, B)
		ru.saved = ar.takeDirty(T * ru.savedLen)
		return ru.localAttend
	case m.hard != nil:
		ru.savedLen = m.att.SavedLen(S, B)
		ru.saved = ar.takeDirty(T * ru.savedLen)
		ru.hard = &hardRun{r: r, alpha: ar.takeDirty(T * B * S), picks: make([]int, T*B)}
		return ru.hardAttend
	}
	ru.savedLen = m.att.SavedLen(S, B)
	ru.saved = ar.takeDirty(T * ru.savedLen)
	return ru.softAttend
}

// attentionBackward returns the backward step function of the model's
// kind; lo is the loss stage's output.
func (ru *run) attentionBackward(lo *lossOutput) attendBackStep {
	m, bt, ar := ru.m, ru.bt, ru.ar
	scratch := &attendScratch{dw: ar.takeDirty(bt.B * bt.S), de: ar.takeDirty(bt.B * bt.S), scoreBackward: m.att.ScoreBackward}
	if ru.inputsOnly {
		scratch.scoreBackward = m.att.ScoreBackwardInputs
	}
	switch {
	case m.local != nil:
		back := m.local.AttendBackward
		if ru.inputsOnly {
			back = m.local.AttendBackwardInputs
		}
		return func(t int, s, dctx, ds []float32, g *encoderGrads) {
			ru.localAttendBackward(t, s, dctx, ds, g, back)
		}
	case m.hard != nil:
		if !ru.inputsOnly { // no REINFORCE gradient, no baseline to move
			ru.hardAdvantages(lo)
		}
		return func(t int, s, dctx, ds []float32, g *encoderGrads) {
			ru.hardAttendBackward(t, s, dctx, ds, g, scratch)
		}
	}
	return func(t int, s, dctx, ds []float32, g *encoderGrads) {
		ru.softAttendBackward(t, s, dctx, ds, g, scratch)
	}
}

// attendScratch is the per-step scratch of the backward pass: dw and de
// [B, S], the gradients of the weights and scores, and the scorer's
// backward pass (without the weight gradients when the run is inputs
// only).
type attendScratch struct {
	dw, de        []float32
	scoreBackward func(q, keys []float32, s, b int, lens []int, saved, de, dq, dkeys []float32)
}

// srcLensAt returns the source lengths the attention of decoder step t
// uses: the batch's, or, with live rows set, zero for the rows not live at
// t, so that their attention is neither computed nor differentiated.
func (ru *run) srcLensAt(t int) []int {
	if ru.stepLens == nil {
		return ru.bt.srcLens
	}
	return ru.stepLens[t]
}

func (ru *run) stepSaved(t int) []float32 {
	return ru.saved[t*ru.savedLen : (t+1)*ru.savedLen]
}

func (ru *run) softAttend(t int, s, w, ctx []float32) {
	bt, m := ru.bt, ru.m
	S, B, M := bt.S, bt.B, 2*m.cfg.EncoderHidden
	m.att.Score(s, ru.keys, S, B, ru.srcLensAt(t), w, ru.stepSaved(t))
	attention.Softmax(w, S, B, ru.srcLensAt(t))
	attention.Context(w, ru.mem, S, B, M, ru.srcLensAt(t), ctx)
}

func (ru *run) softAttendBackward(t int, s, dctx, ds []float32, g *encoderGrads, sc *attendScratch) {
	bt, m := ru.bt, ru.m
	S, B, M := bt.S, bt.B, 2*m.cfg.EncoderHidden
	w := ru.weights[t*B*S : (t+1)*B*S]
	attention.ContextBackward(w, ru.mem, S, B, M, ru.srcLensAt(t), dctx, sc.dw, g.dMem)
	attention.SoftmaxBackward(w, sc.dw, S, B, ru.srcLensAt(t), sc.de)
	sc.scoreBackward(s, ru.keys, S, B, ru.srcLensAt(t), ru.stepSaved(t), sc.de, ds, g.dKeys)
}

func (ru *run) localAttend(t int, s, w, ctx []float32) {
	bt, m := ru.bt, ru.m
	m.local.Attend(s, ru.keys, ru.mem, bt.S, bt.B, 2*m.cfg.EncoderHidden, ru.srcLensAt(t), w, ctx, ru.stepSaved(t))
}

// localAttendBackward runs back, Local's backward pass with or without
// the weight gradients, for step t.
func (ru *run) localAttendBackward(t int, s, dctx, ds []float32, g *encoderGrads, back localBackward) {
	bt, m := ru.bt, ru.m
	S, B := bt.S, bt.B
	w := ru.weights[t*B*S : (t+1)*B*S]
	back(s, ru.keys, ru.mem, S, B, 2*m.cfg.EncoderHidden, ru.srcLensAt(t), w, ru.stepSaved(t), dctx, ds, g.dKeys, g.dMem)
}

// localBackward is the signature of Local.AttendBackward.
type localBackward func(q, keys, mem []float32, S, B, M int, lens []int, w, saved, dctx, dq, dkeys, dmem []float32)

// hardState is hard attention's training state that outlives a batch:
// the moving-average reward baseline.
type hardState struct {
	baseline float64
	started  bool // baseline holds an average
}

// hardRun holds hard attention's draws of one batch.
type hardRun struct {
	r     *rand.Rand // nil: argmax, no soft steps, no REINFORCE
	alpha []float32  // [T*B*S] the distributions drawn from
	picks []int      // [T*B] the positions drawn, -1 where the soft context was used
	adv   []float32  // [T*B] reward minus baseline of the drawn rows
	scale float32    // 1 / target tokens: the loss is a mean per token
}

func (ru *run) hardAttend(t int, s, w, ctx []float32) {
	bt, m, h := ru.bt, ru.m, ru.hard
	S, B, M := bt.S, bt.B, 2*m.cfg.EncoderHidden
	alpha := h.alpha[t*B*S : (t+1)*B*S]
	picks := h.picks[t*B : (t+1)*B]
	m.att.Score(s, ru.keys, S, B, ru.srcLensAt(t), alpha, ru.stepSaved(t))
	attention.Softmax(alpha, S, B, ru.srcLensAt(t))
	if h.r == nil {
		attention.ArgmaxPositions(alpha, S, B, ru.srcLensAt(t), picks)
	} else {
		attention.SamplePositions(alpha, S, B, ru.srcLensAt(t), h.r, picks)
		softProb := m.cfg.Hard.SoftProb
		for b := range picks {
			if softProb > 0 && h.r.Float64() < softProb {
				picks[b] = -1 // the expected context (Xu et al.)
			}
		}
	}
	copy(w, alpha)
	attention.OneHot(picks, S, B, w)
	attention.Context(w, ru.mem, S, B, M, ru.srcLensAt(t), ctx)
}

// hardAdvantages computes the advantage of every drawn row from the
// rewards in lo, moves the baseline, and records the batch's statistics
// in lo.loss.
func (ru *run) hardAdvantages(lo *lossOutput) {
	bt, m, h := ru.bt, ru.m, ru.hard
	B, T := bt.B, bt.T
	reward := make([]float64, T*B) // log-likelihood reward of each live row
	sentence := m.cfg.Hard.RewardKind() == RewardSentence
	for b := range B {
		var rest float64
		for t := bt.tgtLens[b] - 1; t >= 0; t-- {
			r := -float64(lo.nll[t*B+b])
			if sentence {
				rest += r
				r = rest
			}
			reward[t*B+b] = r
		}
	}
	var sum float64
	var draws int
	var entropy float64
	for t := range T {
		for b := range B {
			if t >= bt.tgtLens[b] {
				h.picks[t*B+b] = -1 // padding: no reward, no gradient
				continue
			}
			entropy += attention.Entropy(h.alpha[(t*B+b)*bt.S : (t*B+b)*bt.S+bt.srcLens[b]])
			if h.picks[t*B+b] >= 0 {
				sum += reward[t*B+b]
				draws++
			}
		}
	}
	st := m.hard
	if draws > 0 && !st.started {
		st.baseline, st.started = sum/float64(draws), true
	}
	h.scale = float32(1 / math.Max(1, float64(lo.loss.Tokens)))
	h.adv = ru.ar.takeDirty(T * B)
	for i, r := range reward {
		h.adv[i] = float32(r - st.baseline)
	}
	if draws > 0 {
		d := m.cfg.Hard.BaselineDecay
		st.baseline = d*st.baseline + (1-d)*sum/float64(draws)
	}
	lo.loss.Draws, lo.loss.Reward, lo.loss.Entropy, lo.loss.Baseline = draws, sum, entropy, st.baseline
}

func (ru *run) hardAttendBackward(t int, s, dctx, ds []float32, g *encoderGrads, sc *attendScratch) {
	bt, m, h := ru.bt, ru.m, ru.hard
	S, B, M := bt.S, bt.B, 2*m.cfg.EncoderHidden
	w := ru.weights[t*B*S : (t+1)*B*S]
	alpha := h.alpha[t*B*S : (t+1)*B*S]
	attention.ContextBackward(w, ru.mem, S, B, M, ru.srcLensAt(t), dctx, sc.dw, g.dMem)
	// Rows that used the soft context backpropagate through it; the
	// drawn rows get the REINFORCE gradient instead.
	attention.SoftmaxBackward(alpha, sc.dw, S, B, ru.srcLensAt(t), sc.de)
	if h.r != nil {
		attention.ReinforceBackward(alpha, S, B, ru.srcLensAt(t), h.picks[t*B:(t+1)*B], h.adv[t*B:(t+1)*B],
			float32(m.cfg.Hard.Entropy), h.scale, sc.de)
	} else {
		// Argmax reads are locally constant in the scores: no gradient.
		for b, k := range h.picks[t*B : (t+1)*B] {
			if k >= 0 {
				clear(sc.de[b*S : (b+1)*S])
			}
		}
	}
	sc.scoreBackward(s, ru.keys, S, B, ru.srcLensAt(t), ru.stepSaved(t), sc.de, ds, g.dKeys)
}
