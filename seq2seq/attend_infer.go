package seq2seq

import (
	"math/rand/v2"

	"github.com/attnmt/nmt/attention"
)

// The attention of the incremental decoder. newDecoder picks the kind's
// function once; Step calls it.

// attention returns the decoder's attention function for the model's kind.
// It writes the weights w [R, S] and returns the contexts [R, M], taken
// from the state's scratch after the scores, in the order the soft step
// has always taken its scratch.
func (d *Decoder) attention() func(st *DecoderState, w []float32) (ctx []float32) {
	switch {
	case d.m.local != nil:
		return d.localAttend
	case d.m.hard != nil:
		return d.hardAttend
	}
	return d.softAttend
}

// softScores writes the scores of the rows' queries against their keys
// into w [R, S], with the additive query projection in the decoder's
// precision.
func (d *Decoder) softScores(st *DecoderState, w []float32) {
	m, ar := d.m, st.work
	R, S, D := len(st.sent), st.S, d.m.cfg.DecoderHidden
	if add, ok := m.att.(*attention.Additive); ok {
		_, _, A := add.Dims()
		qp := ar.take(R * A) // zeroed: mulAdd adds
		d.query.mulAdd(R, st.query, D, qp, A)
		add.ScoreProjectedRows(qp, st.keys, S, st.B, st.sent, st.lens, w)
		return
	}
	m.att.Score(st.query, st.rowKeys(ar), S, R, st.lens, w, ar.takeDirty(m.att.SavedLen(S, R)))
}

func (d *Decoder) softAttend(st *DecoderState, w []float32) []float32 {
	R, S, M := len(st.sent), st.S, 2*d.m.cfg.EncoderHidden
	d.softScores(st, w)
	attention.Softmax(w, S, R, st.lens)
	ctx := st.work.takeDirty(R * M)
	attention.ContextRows(w, st.mem, S, st.B, M, st.sent, st.lens, ctx)
	return ctx
}

// hardAttend reads one position per row: the argmax of the soft
// distribution, or a draw from it when the model decodes by sampling.
func (d *Decoder) hardAttend(st *DecoderState, w []float32) []float32 {
	R, S, M := len(st.sent), st.S, 2*d.m.cfg.EncoderHidden
	d.softScores(st, w)
	attention.Softmax(w, S, R, st.lens)
	g := &st.look
	copy(g.dist, w)
	if g.rng != nil {
		attention.SamplePositions(w, S, R, st.lens, g.rng, g.picks)
	} else {
		attention.ArgmaxPositions(w, S, R, st.lens, g.picks)
	}
	attention.OneHot(g.picks, S, R, w)
	ctx := st.work.takeDirty(R * M)
	attention.ContextRows(w, st.mem, S, st.B, M, st.sent, st.lens, ctx)
	return ctx
}

// localAttend reads the predicted window of each row.
func (d *Decoder) localAttend(st *DecoderState, w []float32) []float32 {
	l := d.m.local
	R, S, M := len(st.sent), st.S, 2*d.m.cfg.EncoderHidden
	saved := st.work.takeDirty(l.SavedLen(S, R))
	ctx := st.work.takeDirty(R * M)
	l.Attend(st.query, st.rowKeys(st.work), st.rowMem(st.work), S, R, M, st.lens, w, ctx, saved)
	for r := range R {
		st.look.centre[r], st.look.width[r] = l.Window(saved, S, r)
	}
	return ctx
}

// glimpse is what hard and local attention read at a step besides the
// weights.
type glimpse struct {
	centre, width []float32  // [R] local: the window of each row
	dist          []float32  // [R*S] hard: the distribution of each row
	picks         []int      // [R] hard: the position read
	rng           *rand.Rand // hard, sampled decoding; shared by selected states
}

// newGlimpse returns the glimpse of R rows for the decoder's kind.
func (d *Decoder) newGlimpse(R, S int) glimpse {
	m := d.m
	switch {
	case m.local != nil:
		return glimpse{centre: make([]float32, R), width: make([]float32, R)}
	case m.hard != nil:
		g := glimpse{dist: make([]float32, R*S), picks: make([]int, R)}
		if m.cfg.Hard.DecodeKind() == DecodeSample {
			g.rng = rand.New(rand.NewPCG(m.cfg.Hard.DecodeSeed, 0x6a7d))
		}
		return g
	}
	return glimpse{}
}

// selectRows is the glimpse of the rows named by rows.
func (g glimpse) selectRows(rows []int, S int) glimpse {
	out := glimpse{rng: g.rng}
	if g.centre != nil {
		out.centre, out.width = make([]float32, len(rows)), make([]float32, len(rows))
		for i, r := range rows {
			out.centre[i], out.width[i] = g.centre[r], g.width[r]
		}
	}
	if g.picks != nil {
		out.dist, out.picks = make([]float32, len(rows)*S), make([]int, len(rows))
		for i, r := range rows {
			out.picks[i] = g.picks[r]
			copy(out.dist[i*S:(i+1)*S], g.dist[r*S:(r+1)*S])
		}
	}
	return out
}

// Window returns the centre and width (in source positions) that local
// attention predicted for row r at the last Step; ok is false for the
// other kinds.
func (st *DecoderState) Window(r int) (centre, width float32, ok bool) {
	if st.look.centre == nil {
		return 0, 0, false
	}
	return st.look.centre[r], st.look.width[r], true
}

// Distribution returns, for hard attention, the soft distribution [S]
// from which row r's position was read at the last Step (its argmax or a
// draw); nil for the other kinds.
func (st *DecoderState) Distribution(r int) []float32 {
	if st.look.dist == nil {
		return nil
	}
	return st.look.dist[r*st.S : (r+1)*st.S]
}
