package seq2seq

import (
	"math"
	"math/rand/v2"

	"github.com/attnmt/nmt/attention"
)

// The attention of the training decoder. decode and decoderBackward pick
// the kind's step functions once per batch (attention and
// attentionBackward), so that no step tests the kind. The step functions
// are method expressions (static functions taking the run), and their
// scratch lives in the run, so that choosing one allocates nothing.

// attendStep computes the attention of decoder step t of ru: the weights
// w [B, S] and contexts ctx [B, M] for the decoder states s [B, D].
type attendStep func(ru *run, t int, s, w, ctx []float32)

// attendBackStep adds the gradients of step t's attention, flowing back
// from dctx [B, M], to ds [B, D], the encoder gradients g and the
// attention weights. s [B, D] holds the step's decoder states.
type attendBackStep func(ru *run, t int, s, dctx, ds []float32, g *encoderGrads)

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
		return (*run).localAttend
	case m.hard != nil:
		ru.savedLen = m.att.SavedLen(S, B)
		ru.saved = ar.takeDirty(T * ru.savedLen)
		ru.hard = &hardRun{r: r, alpha: ar.takeDirty(T * B * S), picks: make([]int, T*B)}
		return (*run).hardAttend
	}
	ru.savedLen = m.att.SavedLen(S, B)
	ru.saved = ar.takeDirty(T * ru.savedLen)
	return (*run).softAttend
}

// attentionBackward takes the backward scratch and returns the backward
// step function of the model's kind; lo is the loss stage's output.
func (ru *run) attentionBackward(lo *lossOutput) attendBackStep {
	m, bt, ar := ru.m, ru.bt, ru.ar
	switch {
	case m.local != nil:
		return (*run).localAttendBackward
	case m.hard != nil:
		ru.back = attendScratch{dw: ar.takeDirty(bt.B * bt.S), de: ar.takeDirty(bt.B * bt.S)}
		if !ru.inputsOnly { // no REINFORCE gradient, no baseline to move
			ru.hardAdvantages(lo)
		}
		return (*run).hardAttendBackward
	}
	ru.back = attendScratch{dw: ar.takeDirty(bt.B * bt.S), de: ar.takeDirty(bt.B * bt.S)}
	return (*run).softAttendBackward
}

// attendScratch is the per-step scratch of the backward pass: dw and de
// [B, S], the gradients of the weights and scores.
type attendScratch struct {
	dw, de []float32
}

// scoreBackward runs the scorer's backward pass for step t, without the
// weight gradients when the run is inputs only. A branch rather than a
// stored method value, so that choosing it allocates nothing.
func (ru *run) scoreBackward(t int, s, de, ds []float32, g *encoderGrads) {
	bt := ru.bt
	fw := watchFault(faultScore, ru.m.att, ds, g.dKeys)
	defer fw.done()
	if ru.inputsOnly {
		ru.m.att.ScoreBackwardInputs(s, ru.keys, bt.S, bt.B, ru.srcLensAt(t), ru.stepSaved(t), de, ds, g.dKeys)
		return
	}
	ru.m.att.ScoreBackward(s, ru.keys, bt.S, bt.B, ru.srcLensAt(t), ru.stepSaved(t), de, ds, g.dKeys)
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

func (ru *run) softAttendBackward(t int, s, dctx, ds []float32, g *encoderGrads) {
	bt, m, sc := ru.bt, ru.m, &ru.back
	S, B, M := bt.S, bt.B, 2*m.cfg.EncoderHidden
	w := ru.weights[t*B*S : (t+1)*B*S]
	fw := watchFault(faultContext, nil, g.dMem)
	attention.ContextBackward(w, ru.mem, S, B, M, ru.srcLensAt(t), dctx, sc.dw, g.dMem)
	scaleFault(faultContext, sc.dw)
	fw.done()
	attention.SoftmaxBackward(w, sc.dw, S, B, ru.srcLensAt(t), sc.de)
	scaleFault(faultSoftmax, sc.de)
	ru.scoreBackward(t, s, sc.de, ds, g)
}

func (ru *run) localAttend(t int, s, w, ctx []float32) {
	bt, m := ru.bt, ru.m
	m.local.Attend(s, ru.keys, ru.mem, bt.S, bt.B, 2*m.cfg.EncoderHidden, ru.srcLensAt(t), w, ctx, ru.stepSaved(t))
}

// localAttendBackward runs Local's backward pass for step t, without the
// weight gradients when the run is inputs only.
func (ru *run) localAttendBackward(t int, s, dctx, ds []float32, g *encoderGrads) {
	bt, m := ru.bt, ru.m
	S, B := bt.S, bt.B
	w := ru.weights[t*B*S : (t+1)*B*S]
	l := m.local
	whole := watchFault(faultLocal, l, ds, g.dKeys, g.dMem)
	content := watchFault(faultLocal, l.Content)
	centre := watchFault(faultLocalCentre, nil, l.Wp.Grad, l.Vp.Grad)
	width := watchFault(faultLocalWidth, nil, l.Ws.Grad, l.Bs.Grad)
	lens, saved, M := ru.srcLensAt(t), ru.stepSaved(t), 2*m.cfg.EncoderHidden
	if ru.inputsOnly {
		l.AttendBackwardInputs(s, ru.keys, ru.mem, S, B, M, lens, w, saved, dctx, ds, g.dKeys, g.dMem)
	} else {
		l.AttendBackward(s, ru.keys, ru.mem, S, B, M, lens, w, saved, dctx, ds, g.dKeys, g.dMem)
	}
	whole.done()
	content.done()
	centre.done()
	width.done()
}

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
// rewards in lo and the configured baseline (moving it, for the moving
// average), and records the batch's statistics in lo.loss.
func (ru *run) hardAdvantages(lo *lossOutput) {
	bt, m, h := ru.bt, ru.m, ru.hard
	B, T := bt.B, bt.T
	sentence := m.cfg.Hard.RewardKind() == RewardSentence
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
				draws++
			}
		}
	}
	wordLL := make([]float64, T*B)
	for _, row := range lo.rows {
		wordLL[row] = -float64(lo.nll[row])
	}
	reward := rewards(wordLL, bt.tgtLens, B, sentence) // log-likelihood reward of each live row
	var sum float64
	for i, k := range h.picks {
		if k >= 0 {
			sum += reward[i]
		}
	}
	h.scale = float32(1 / math.Max(1, float64(lo.loss.Tokens)))
	h.adv = ru.ar.takeDirty(T * B)
	var baseline float64
	if m.cfg.Hard.BaselineKind() == BaselineSoft && h.r != nil {
		soft := rewards(ru.softLikelihoods(sentence), bt.tgtLens, B, sentence)
		var softSum float64
		for i, k := range h.picks {
			h.adv[i] = float32(reward[i] - soft[i])
			if k >= 0 {
				softSum += soft[i]
			}
		}
		baseline = softSum / math.Max(1, float64(draws))
	} else {
		baseline = m.hard.movingAverage(reward, sum, draws, m.cfg.Hard.BaselineDecay, h.adv)
	}
	lo.loss.Draws, lo.loss.Reward, lo.loss.Entropy, lo.loss.Baseline = draws, sum, entropy, baseline
}

// rewards turns the per-word log-likelihoods ll [T*B] (time-major) into
// the REINFORCE rewards: ll itself for the word reward, with sentence the
// sum over the rest of each sentence from the word on.
func rewards(ll []float64, tgtLens []int, B int, sentence bool) []float64 {
	if !sentence {
		return ll
	}
	out := make([]float64, len(ll))
	for b := range B {
		var rest float64
		for t := tgtLens[b] - 1; t >= 0; t-- {
			rest += ll[t*B+b]
			out[t*B+b] = rest
		}
	}
	return out
}

// movingAverage writes the advantages reward - baseline into adv, starts
// the baseline at the first batch's mean reward of draws (sum / draws),
// moves it by decay after the batch and returns it.
func (st *hardState) movingAverage(reward []float64, sum float64, draws int, decay float64, adv []float32) float64 {
	if draws > 0 && !st.started {
		st.baseline, st.started = sum/float64(draws), true
	}
	for i, r := range reward {
		adv[i] = float32(r - st.baseline)
	}
	if draws > 0 {
		st.baseline = decay*st.baseline + (1-decay)*sum/float64(draws)
	}
	return st.baseline
}

func (ru *run) hardAttendBackward(t int, s, dctx, ds []float32, g *encoderGrads) {
	bt, m, h, sc := ru.bt, ru.m, ru.hard, &ru.back
	S, B, M := bt.S, bt.B, 2*m.cfg.EncoderHidden
	w := ru.weights[t*B*S : (t+1)*B*S]
	alpha := h.alpha[t*B*S : (t+1)*B*S]
	fw := watchFault(faultContext, nil, g.dMem)
	attention.ContextBackward(w, ru.mem, S, B, M, ru.srcLensAt(t), dctx, sc.dw, g.dMem)
	scaleFault(faultContext, sc.dw)
	fw.done()
	// Rows that used the soft context backpropagate through it; the
	// drawn rows get the REINFORCE gradient instead.
	attention.SoftmaxBackward(alpha, sc.dw, S, B, ru.srcLensAt(t), sc.de)
	scaleFault(faultSoftmax, sc.de)
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
	ru.scoreBackward(t, s, sc.de, ds, g)
}
